"""Real-terminal tests: `assembler interview` in a pseudo-terminal (pexpect), ending by reading the answers file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from assembler.cli import main
from assembler.interview import InterviewInterrupted

FIXTURES = Path(__file__).parent / "fixtures" / "interview"

pytestmark = pytest.mark.timeout(60)


def _spawn(*args: str, cwd: Path) -> pexpect.spawn:
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
    script = shutil.which("assembler")  # the installed console script, as a user runs it
    command = [script, "interview", *args] if script else [sys.executable, "-m", "assembler", "interview", *args]
    return pexpect.spawn(
        command[0], command[1:], cwd=str(cwd), env=env, encoding="utf-8", timeout=20, dimensions=(40, 120)
    )


def test_resume_in_a_terminal_answers_the_last_questions(tmp_path: Path) -> None:
    target = tmp_path / "nscc.yaml"
    shutil.copy(FIXTURES / "nearly_complete.yaml", target)
    child = _spawn(str(target), cwd=tmp_path)
    for question in (
        "Produce this document?",
        "How is it executed?",
        "Which parties sign it?",
        "Draft version",
        "Where should it be set out?",
        "What date should the drafts carry?",
    ):
        child.expect_exact(question)
        child.send("\r")  # accept the default offered
    child.expect_exact("Review: which section do you want to change?")
    child.send("\r")  # Finish
    child.expect_exact("Build the documents now?")
    child.send("n")
    child.expect_exact(f"Build the documents later with: assembler build {target}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    expected = (FIXTURES / "cjv_cic.yaml").read_text(encoding="utf-8")
    header = "# Answers for the real-terminal test: everything but the dispute resolution annex's choices.\n"
    assert target.read_text(encoding="utf-8") == header + expected


def test_ctrl_c_in_a_terminal_saves_and_says_how_to_resume(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    child = _spawn(str(target), cwd=tmp_path)
    child.expect_exact("What is the collaborative called?")
    child.send("Harbour Collaborative\r")
    child.expect_exact("What short name or abbreviation does it use?")
    child.sendcontrol("c")
    child.expect_exact(f"saved; resume with `assembler interview {target}`")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert target.read_text(encoding="utf-8") == "format_version: 2\ncollaborative:\n  name: Harbour Collaborative\n"


def test_without_a_terminal_it_points_to_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["interview", str(tmp_path / "x.yaml")], input="")
    assert result.exit_code == 2
    assert "needs an interactive terminal" in result.output
    assert "assembler build ANSWERS" in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_cli_maps_an_interrupt_to_exit_130(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def stopped(path: Path | None, **_: object) -> None:
        raise InterviewInterrupted(path=Path("answers/x.yaml"))

    monkeypatch.setattr("assembler.interview.run_interview", stopped)
    result = CliRunner().invoke(main, ["interview"])
    assert result.exit_code == 130
    assert result.output.strip() == "saved; resume with `assembler interview answers/x.yaml`"


def test_check_and_build_do_not_import_questionary() -> None:
    code = "import sys, assembler.cli, assembler.assembly; print('questionary' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
