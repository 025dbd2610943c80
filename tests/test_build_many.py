"""Many packs at once (`assembler build A.yaml B.yaml`, or a folder): one pack folder each under --out, a failing
pack reported while the others build, exit 1 if any failed; and what each command imports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from assembler.batch import answers_files, build_many, pack_jobs
from assembler.cli import main

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
NOTTINGHAM = ROOT / "answers" / "nottingham.yaml"
FAST = ["--only", "mou", "--no-diagram"]  # one document each: the tests are about the packs, not their contents


def _bad(folder: Path) -> Path:
    bad = folder / "broken.yaml"
    bad.write_text("format_version: 2\ncollaborative: 12\n", encoding="utf-8")
    return bad


def test_a_failing_pack_among_good_ones_is_reported_and_the_others_build(tmp_path: Path) -> None:
    bad = _bad(tmp_path)
    out = tmp_path / "packs"
    args = ["build", str(MSECC), str(bad), str(NOTTINGHAM), "--out", str(out), "--jobs", "2", *FAST]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == ["msecc", "nottingham"]  # one folder per pack, none for the bad
    for name in ("msecc", "nottingham"):
        manifest = json.loads((out / name / "pack-manifest.json").read_text(encoding="utf-8"))
        assert manifest["answers_file"] == f"{name}.yaml"
        assert len(list((out / name).glob("*.docx"))) == 1  # --only mou
    lines = result.output.splitlines()
    assert sum(line.startswith("built ") for line in lines) == 2
    assert [line for line in lines if line.startswith("FAILED")] == [
        line for line in lines if line.startswith(f"FAILED {bad}: ")
    ]
    assert "collaborative" in next(line for line in lines if line.startswith("FAILED"))
    assert lines[-1] == "2 of 3 pack(s) built, 1 failed"


def test_a_folder_of_answers_files_builds_each_into_its_own_folder(tmp_path: Path) -> None:
    answers = tmp_path / "answers"
    answers.mkdir()
    for source in (MSECC, NOTTINGHAM):
        shutil.copy(source, answers / source.name)
    (answers / "notes.txt").write_text("not answers", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(answers), "--out", str(tmp_path / "out"), *FAST])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["msecc", "nottingham"]
    assert result.output.splitlines()[-1] == "2 of 2 pack(s) built"


def test_packs_built_in_parallel_equal_packs_built_alone(tmp_path: Path) -> None:
    jobs = pack_jobs([MSECC, NOTTINGHAM], out_dir=tmp_path / "many", options={"only": None, "diagram": False})
    outcomes = build_many(jobs, workers=2)
    assert [o.ok for o in outcomes] == [True, True] and [o.answers for o in outcomes] == [MSECC, NOTTINGHAM]
    alone = build_many(pack_jobs([MSECC], out_dir=tmp_path / "alone", options={"diagram": False}), workers=1)
    assert alone[0].ok
    for name in sorted(p.name for p in (tmp_path / "alone" / "msecc").glob("*.docx")):
        together = (tmp_path / "many" / "msecc" / name).read_bytes()
        assert together == (tmp_path / "alone" / "msecc" / name).read_bytes(), name


def test_bad_inputs_are_refused_before_anything_is_built(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(MSECC, other / "msecc.yaml")
    for args in (
        [str(MSECC), str(tmp_path / "missing.yaml")],
        [str(empty)],
        [str(MSECC), str(other / "msecc.yaml")],  # two packs in one folder
        [str(MSECC), str(NOTTINGHAM), "--compare", str(tmp_path)],
    ):
        result = CliRunner().invoke(main, ["build", *args, "--out", str(tmp_path / "out")])
        assert result.exit_code == 2, (args, result.output)
    assert not (tmp_path / "out").exists()
    assert answers_files([MSECC]) == [MSECC]


def _modules_after(command: list[str], names: tuple[str, ...]) -> list[str]:
    code = (
        "import sys\nfrom assembler.cli import main\n"
        f"try:\n    main({command!r}, standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] if not m.startswith('assembler') else m for m in sys.modules}} & {set(names)!r}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1].replace("'", '"'))


def test_each_command_imports_only_what_it_needs(tmp_path: Path) -> None:
    word = ("docx", "docxtpl", "lxml", "jinja2", "graphviz", "questionary", "prompt_toolkit", "starlette")
    assert _modules_after(["check", str(MSECC), "--format", "json"], word) == []
    interview = ("questionary", "prompt_toolkit", "starlette", "uvicorn", "assembler.interview", "assembler.web")
    assert _modules_after(["build", str(MSECC), "--out", str(tmp_path / "out"), *FAST], interview) == []
