"""``assembler check`` through click's CliRunner: exit codes, table and JSON output, one-line input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from assembler.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))
ERRORS = Path(__file__).resolve().parent / "fixtures" / "rules" / "cic_joint_committee.yaml"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_exit_0(path: Path) -> None:
    result = run("check", path)
    assert result.exit_code == 0, result.output
    assert str(path) in result.stdout


def test_example_without_findings_says_so() -> None:
    result = run("check", ROOT / "answers" / "nottingham.yaml")
    assert result.exit_code == 0
    assert "no findings" in result.stdout


def test_warnings_are_shown_but_do_not_fail() -> None:
    result = run("check", ROOT / "answers" / "msecc.yaml")
    assert result.exit_code == 0
    assert "R18" in result.stdout and "warning" in result.stdout


def test_errors_exit_1_with_the_rule_in_the_table() -> None:
    result = run("check", ERRORS)
    assert result.exit_code == 1, result.output
    assert "R1" in result.stdout and "R4" in result.stdout
    assert "error" in result.stdout
    assert "Traceback" not in result.output


def test_json_output_parses() -> None:
    result = run("check", "--format", "json", ERRORS)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["file"] == str(ERRORS)
    rules = {f["rule"] for f in report["findings"]}
    assert {"R1", "R4"} <= rules
    first = report["findings"][0]
    assert set(first) == {"rule", "severity", "message", "fields", "where", "source", "fix", "unverified"}
    assert first["severity"] == "error"
    r1 = next(f for f in report["findings"] if f["rule"] == "R1")
    assert r1["unverified"] is True and "could not be verified" in r1["message"]
    assert r1["fields"] == ["bodies[0].members[1].party", "legal_form"]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_json_output_for_examples(path: Path) -> None:
    result = run("check", "--format", "json", path)
    assert result.exit_code == 0
    findings = json.loads(result.stdout)["findings"]
    assert all(f["severity"] == "warning" for f in findings)


def test_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = run("check", missing)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{missing}: file not found — check the path, or create it with `assembler interview`"
    ]
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_invalid_answers_exit_2_with_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("format_version: 2\ncollaborative:\n  name: X\nlegal_form: cjvv\n", encoding="utf-8")
    result = run("check", path)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{path}:4: legal_form: 'cjvv' is not an allowed value — use one of")
    assert "Traceback" not in result.output


def test_yaml_error_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format_version: 2\ncollaborative: {name: [x\n", encoding="utf-8")
    result = run("check", path)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "YAML error" in line and "column" in line


def test_debug_shows_a_traceback_for_bad_input(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = run("--debug", "check", missing)
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith(f"{missing}: file not found")


def test_usage_error_exits_2() -> None:
    result = run("check")
    assert result.exit_code == 2
    assert "Missing argument" in result.output


def test_unknown_format_exits_2() -> None:
    result = run("check", "--format", "xml", EXAMPLES[0])
    assert result.exit_code == 2


def test_names_that_look_like_terminal_markup_print_as_typed(tmp_path: Path) -> None:
    source = (Path(__file__).resolve().parent.parent / "answers" / "msecc.yaml").read_text()
    hostile = source.replace("name: Community Collaborative Board", 'name: "Board [/] [bold red]X"')
    hostile = hostile.replace("quorum: {members: 3, each_party: true}", "quorum: {members: 9, each_party: true}", 1)
    path = tmp_path / "hostile [bold].yaml"
    path.write_text(hostile)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert "Board [/] [bold" in result.output and "internal error" not in result.output
