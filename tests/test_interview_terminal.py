"""Real-terminal tests: `assembler interview` in a pseudo-terminal (pexpect), ending by reading the answers file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from assembler.cli import main
from assembler.interview import InterviewInterrupted
from assembler.interview.engine import Engine, Position

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
    child.expect_exact("Answers file:")
    record = Position.file_for(target)
    for _ in range(10):  # the questions still open (the engine, reading the same file, says which)
        page = Engine.open(target).page()
        if page.kind in ("review", "done"):
            break
        child.expect_exact(page.title[:30])
        before = record.read_text(encoding="utf-8") if record.exists() else ""
        child.send("\r")  # keep the usual choices, accept what is offered, leave the rest for later
        deadline = time.monotonic() + 20
        while (record.read_text(encoding="utf-8") if record.exists() else "") == before:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    child.expect_exact("Which answer do you want to change?")
    child.send("Finish without\r")  # build later
    child.expect_exact(f"Build the documents later with: assembler build {target}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    saved = target.read_text(encoding="utf-8")
    assert saved.startswith("# Answers for the real-terminal test")
    assert "dra:" in saved


def test_pipe_input_drives_the_terminal_front_end(tmp_path: Path) -> None:
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from assembler.interview import run_interview

    target = tmp_path / "new.yaml"
    lines: list[str] = []
    with (
        create_pipe_input() as pipe,
        create_app_session(input=pipe, output=DummyOutput()),
        pytest.raises(InterviewInterrupted),
    ):
        pipe.send_text("\r" + "Harbour Collaborative\r" + "HC\r" + "\x02" + "\x15HC2\r" + "\x03")  # Ctrl-B goes back
        run_interview(target, echo=lines.append, input=pipe, output=DummyOutput())
    assert "== The collaborative · 1 of 11 ==" in lines
    assert any("Ctrl-B back" in line for line in lines)
    saved = target.read_text(encoding="utf-8")
    assert "short_name: HC2\n" in saved


def test_ctrl_c_in_a_terminal_saves_and_says_how_to_resume(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    child = _spawn(str(target), cwd=tmp_path)
    child.expect_exact("Standard choices")
    child.send("\r")
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
