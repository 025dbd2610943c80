"""An interview from start to finish: the file, the terminal, interrupts, the final check and the build."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AssemblerError, InterviewInterrupted, NoTerminalError
from ..model import Answers
from ..rules import Finding, check, errors_in
from .flow import Interview
from .guidance import Guide
from .questions import Prompter
from .session import Session

__all__ = ["DEFAULT_DIRECTORY", "InterviewInterrupted", "InterviewResult", "NoTerminalError", "run_interview"]

DEFAULT_DIRECTORY = Path("answers")


@dataclass
class InterviewResult:
    """What the interview produced: the file, the complete answers and the governance findings."""

    path: Path
    answers: Answers
    findings: list[Finding] = field(default_factory=list)
    built: Any = None


def run_interview(
    path: Path | None = None,
    *,
    echo: Callable[[str], None] = print,
    input: Any = None,
    output: Any = None,
    offer_build: bool = True,
    trace: bool = False,
) -> InterviewResult:
    """Interview the user into the answers file ``path`` (asked for when ``None``), resuming what it holds.

    Args:
        path: the answers file; created if it does not exist, resumed if it does.
        echo: prints one line of guidance (the CLI passes ``click.echo``; tests collect the lines).
        input: a prompt_toolkit input (tests pass a pipe input); ``None`` means the terminal.
        output: a prompt_toolkit output (tests pass ``DummyOutput()``).
        offer_build: at the end, offer to build the documents.
        trace: also echo each question (for tests reading the transcript).

    Raises:
        NoTerminalError: no input was given and stdin is not a terminal.
        InterviewInterrupted: the user pressed Ctrl-C; the file holds every answer given so far.
    """
    if input is None and not sys.stdin.isatty():
        raise NoTerminalError()
    prompter = Prompter(echo=echo, input=input, output=output, trace=trace)
    try:
        if path is None:
            echo("Starting a new answers file. Every answer is saved as soon as you give it.")
            path = Path(prompter.path("Where should the answers be saved?", default=str(_new_path())))
        session = Session.open(path)
        if session.notice:
            echo(session.notice)
        echo(f"Answers file: {path} (saved after every answer; Ctrl-R reviews your answers, Ctrl-C stops).")
        answers = Interview(session, prompter).run()
    except (KeyboardInterrupt, EOFError):
        if path is None:
            raise InterviewInterrupted(path=Path("FILE")) from None
        raise InterviewInterrupted(path=path) from None
    findings = check(answers)
    result = InterviewResult(path=path, answers=answers, findings=findings)
    _report(findings, echo)
    if offer_build:
        try:
            wanted = prompter.confirm("Build the documents now?", default=not errors_in(findings))
        except (KeyboardInterrupt, EOFError):
            wanted = False
        if wanted:
            result.built = _build(path, echo)
        else:
            echo(f"Build the documents later with: assembler build {path}")
    return result


def _new_path() -> Path:
    candidate = DEFAULT_DIRECTORY / "collaborative.yaml"
    number = 2
    while candidate.exists():
        candidate = DEFAULT_DIRECTORY / f"collaborative-{number}.yaml"
        number += 1
    return candidate


def _report(findings: list[Finding], echo: Callable[[str], None]) -> None:
    if not findings:
        echo("The governance checks found nothing to change.")
        return
    errors = len(errors_in(findings))
    echo(f"The governance checks found {errors} problem(s) and {len(findings) - errors} warning(s):")
    for finding in findings:
        for line in Guide.describe(finding):
            echo(line)
    if errors:
        echo("Problems block a final build; warnings go into the drafts as drafting notes.")


def _build(path: Path, echo: Callable[[str], None]) -> Any:
    """Build with the assembly pipeline when it is installed; otherwise say which command does it."""
    try:
        from ..assembly import build
    except ImportError:  # the assembly pipeline is optional here: say which command builds instead
        echo(f"Build the documents with: assembler build {path}")
        return None
    try:
        result = build(path)
    except AssemblerError as exc:
        for line in exc.lines():
            echo(line)
        echo(f"Fix the answers, then run: assembler build {path}")
        return None
    for written in result.written:
        echo(f"Wrote {written}")
    return result
