"""The package's public API is pinned: a change to it is a deliberate change to this test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import assembler


def test_public_api() -> None:
    assert sorted(assembler.__all__) == [
        "Answers",
        "AssemblerError",
        "BuildError",
        "BuildResult",
        "Finding",
        "InputError",
        "LibraryError",
        "LoadedAnswers",
        "Problem",
        "Severity",
        "build",
        "check",
        "load_answers",
        "save_answers",
    ]
    for name in assembler.__all__:
        assert getattr(assembler, name) is not None


def test_the_library_builds_without_the_cli(tmp_path: Path) -> None:
    loaded = assembler.load_answers(Path(__file__).resolve().parent.parent / "answers" / "msecc.yaml")
    assert [f for f in assembler.check(loaded.answers) if f.severity is assembler.Severity.ERROR] == []
    result = assembler.build(loaded.path, out_dir=tmp_path, loaded=loaded)
    assert len(result.written) == 5


def test_checking_does_not_load_the_word_or_terminal_libraries() -> None:
    code = (
        "import sys, assembler; from assembler.cli import main; "
        "print(sorted(m for m in ('docx', 'docxtpl', 'questionary', 'rich') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
