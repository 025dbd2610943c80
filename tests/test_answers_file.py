"""Answers files: bad input gives ``file:line: field: problem — fix`` lines; saves keep comments."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from assembler.answers_file import load_answers, parse_answers, save_answers
from assembler.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"

GOOD = """\
format_version: 2
collaborative:
  name: Example Collaborative   # the name
parties:
  - {short_name: A, name: Trust A, kind: nhs_trust}
  - {short_name: B, name: Trust B, kind: nhs_foundation_trust}
legal_form: cjv
"""

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?:(?P<field>[\w.\[\]]+): )?(?P<what>.+) — (?P<fix>.+)$")
"""``file:line: field: problem — fix`` (the field is absent for problems of the YAML itself)."""


def problems_of(tmp_path: Path, text: str | bytes, name: str = "answers.yaml") -> list[str]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_answers(path)
    lines = caught.value.lines()
    for line in lines:
        assert "\n" not in line
        assert line.startswith(str(path)), line
        assert " — " in line, line
    return lines


def one_problem(tmp_path: Path, text: str | bytes) -> str:
    (line,) = problems_of(tmp_path, text)
    return line


def parsed(line: str) -> dict[str, str]:
    match = LINE.match(line)
    assert match, line
    return match.groupdict()


# ------------------------------------------------------------------------------------------- the file itself


def test_good_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(GOOD, encoding="utf-8")
    loaded = load_answers(path)
    assert loaded.answers.collaborative.name == "Example Collaborative"
    assert [p.short_name for p in loaded.answers.parties] == ["A", "B"]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(InputError) as caught:
        load_answers(path)
    (line,) = caught.value.lines()
    assert line.startswith(f"{path}: file not found — ")
    assert caught.value.exit_code == 2


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_answers(tmp_path)
    (line,) = caught.value.lines()
    assert line.startswith(f"{tmp_path}: is a directory — ")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"], ids=["empty", "blank", "comment"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    assert "the file is empty — " in one_problem(tmp_path, text)


def test_binary_file(tmp_path: Path) -> None:
    line = one_problem(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary file" in line


def test_not_utf8(tmp_path: Path) -> None:
    line = one_problem(tmp_path, "collaborative:\n  name: Caf\xe9\n".encode("latin-1"))
    assert "UTF-8" in line


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    line = one_problem(tmp_path, "format_version: 2\ncollaborative:\n  name: [unclosed\nlegal_form: cjv\n")
    fields = parsed(line)
    assert fields["line"] in {"3", "4", "5"}
    assert re.search(r"column \d+", fields["what"]), line
    assert "YAML error" in fields["what"]


def test_yaml_bad_indentation(tmp_path: Path) -> None:
    line = one_problem(tmp_path, "format_version: 2\ncollaborative:\n  name: X\n legal_form: cjv\n")
    assert parsed(line)["line"] == "4"
    assert "column" in line


def test_tabs(tmp_path: Path) -> None:
    line = one_problem(tmp_path, "format_version: 2\ncollaborative:\n\tname: X\n")
    fields = parsed(line)
    assert fields["line"] == "3"
    assert "tab" in fields["what"] and "spaces" in fields["fix"]


def test_duplicate_keys(tmp_path: Path) -> None:
    line = one_problem(tmp_path, "format_version: 2\ncollaborative:\n  name: X\n  name: Y\n")
    fields = parsed(line)
    assert fields["line"] == "4"
    assert "duplicate key" in fields["what"] and "name" in fields["what"]
    assert "once" in fields["fix"]


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    line = one_problem(tmp_path, "- just\n- a list\n")
    assert "not a mapping" in line


# ------------------------------------------------------------------------------------------- the answers


def test_wrong_type(tmp_path: Path) -> None:
    line = one_problem(tmp_path, GOOD + "term:\n  initial_term_years: many\n")
    fields = parsed(line)
    assert (fields["line"], fields["field"]) == ("9", "term.initial_term_years")
    assert "integer" in fields["what"]
    assert "'many'" in fields["fix"]


def test_wrong_type_for_a_list(tmp_path: Path) -> None:
    line = one_problem(tmp_path, GOOD.replace("legal_form: cjv\n", "legal_form: cjv\ndelegations: none\n"))
    assert parsed(line)["field"] == "delegations"


def test_unknown_key_suggests_nearest(tmp_path: Path) -> None:
    line = one_problem(tmp_path, GOOD.replace("  name: Example", "  purpos: x\n  name: Example"))
    fields = parsed(line)
    assert (fields["line"], fields["field"], fields["what"]) == ("3", "collaborative.purpos", "unknown key")
    assert "`purpose`" in fields["fix"]


def test_unknown_key_in_a_list_item(tmp_path: Path) -> None:
    text = GOOD.replace("kind: nhs_trust}", "kind: nhs_trust, shortname: X}")
    fields = parsed(one_problem(tmp_path, text))
    assert fields["field"] == "parties[0].shortname"
    assert "`short_name`" in fields["fix"]


def test_unknown_key_far_from_any_lists_valid_keys(tmp_path: Path) -> None:
    fields = parsed(one_problem(tmp_path, GOOD + "term:\n  zzz: 1\n"))
    assert fields["field"] == "term.zzz"
    assert "initial_term_years" in fields["fix"] and "review_months" in fields["fix"]


def test_bad_enum_lists_allowed_values(tmp_path: Path) -> None:
    fields = parsed(one_problem(tmp_path, GOOD.replace("legal_form: cjv", "legal_form: cjvv")))
    assert (fields["line"], fields["field"]) == ("7", "legal_form")
    assert "'cjvv'" in fields["what"]
    for allowed in ("mou_only", "cjv", "lead_provider", "committees_in_common", "joint_committee"):
        assert allowed in fields["fix"]


def test_bad_date(tmp_path: Path) -> None:
    text = GOOD.replace("  name: Example Collaborative", "  name: X\n  effective_date: 2024-02-30")
    fields = parsed(one_problem(tmp_path, text))
    assert (fields["line"], fields["field"]) == ("4", "collaborative.effective_date")
    assert "2024-02-30" in fields["what"]
    assert "YYYY-MM-DD" in fields["fix"]


def test_missing_required_answer(tmp_path: Path) -> None:
    fields = parsed(
        one_problem(tmp_path, GOOD.replace("  name: Example Collaborative   # the name\n", "  purpose: x\n"))
    )
    assert fields["field"] == "collaborative.name"
    assert "missing" in fields["what"]


def test_empty_text_is_not_an_answer(tmp_path: Path) -> None:
    fields = parsed(one_problem(tmp_path, GOOD.replace("name: Example Collaborative", "name: ''")))
    assert fields["field"] == "collaborative.name"
    assert "null" in fields["fix"]


def test_several_problems_reported_together(tmp_path: Path) -> None:
    text = (
        GOOD.replace("  name: Example", "  nmae: Example").replace("legal_form: cjv", "legal_form: cjvv")
        + "term:\n  initial_term_years: many\n"
    )
    lines = problems_of(tmp_path, text)
    fields = {parsed(line)["field"] for line in lines}
    assert fields >= {"collaborative.nmae", "legal_form", "term.initial_term_years"}
    assert len(lines) >= 3


def test_parse_answers_names_its_source() -> None:
    with pytest.raises(InputError) as caught:
        parse_answers("format_version: 2\ncollaborative: {}\n", name="interview")
    assert caught.value.lines()[0].startswith("interview:2: collaborative.name: ")


# ------------------------------------------------------------------------------------------- saving


def test_round_trip_is_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "msecc.yaml"
    path.write_bytes(MSECC.read_bytes())
    loaded = load_answers(path)
    save_answers(loaded.answers, path, loaded.document)
    assert path.read_bytes() == MSECC.read_bytes()


@pytest.mark.parametrize("name", ["nottingham.yaml", "joint_committee.yaml"])
def test_other_examples_round_trip(tmp_path: Path, name: str) -> None:
    source = ROOT / "answers" / name
    path = tmp_path / name
    path.write_bytes(source.read_bytes())
    loaded = load_answers(path)
    save_answers(loaded.answers, path, loaded.document)
    assert path.read_bytes() == source.read_bytes()


def test_changing_an_answer_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "msecc.yaml"
    path.write_bytes(MSECC.read_bytes())
    loaded = load_answers(path)
    loaded.answers.membership.exit_notice_months = 9
    save_answers(loaded.answers, path, loaded.document)
    before = MSECC.read_text(encoding="utf-8")
    after = path.read_text(encoding="utf-8")
    comments = [line.strip() for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments
    for comment in comments:
        assert comment in after
    assert "# the sources disagree" in after
    assert "exit_notice_months: 9" in after
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [("  exit_notice_months: 12", "  exit_notice_months: 9")]
    assert load_answers(path).answers.membership.exit_notice_months == 9


def test_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "msecc.yaml"
    path.write_bytes(MSECC.read_bytes())
    loaded = load_answers(path)
    loaded.answers.membership.exit_notice_months = 9

    def fail(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        save_answers(loaded.answers, path, loaded.document)
    assert path.read_bytes() == MSECC.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["msecc.yaml"]


def test_save_creates_a_new_file(tmp_path: Path) -> None:
    loaded = load_answers(MSECC)
    path = tmp_path / "new" / "answers.yaml"
    save_answers(loaded.answers, path)
    again = load_answers(path).answers
    assert again == loaded.answers
    assert path.read_text(encoding="utf-8").startswith("format_version: 2\n")


def test_alias_bombs_are_refused_quickly(tmp_path: Path) -> None:
    lines = ["format_version: 2", 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for name, previous in zip("bcdefghij", "abcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    lines.append("collaborative: {name: x}")
    problem = one_problem(tmp_path, "\n".join(lines) + "\n")
    assert "aliases" in problem and "are not allowed" in problem


@pytest.mark.parametrize("tag", ["!!python/object:os.system", "!custom"])
def test_explicit_tags_are_refused(tmp_path: Path, tag: str) -> None:
    problem = one_problem(tmp_path, f"format_version: 2\ncollaborative: {tag} {{name: x}}\n")
    assert "tag" in problem and "is not allowed" in problem


def test_control_characters_a_document_cannot_hold_are_refused(tmp_path: Path) -> None:
    text = 'format_version: 2\ncollaborative: {name: "Bell \\a here"}\n'
    problem = one_problem(tmp_path, text)
    assert "collaborative.name" in problem and "U+0007" in problem and ":2:" in problem
