"""An interview from start to finish: the file, the terminal, interrupts, the end screen and the build."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AssemblerError, InputError, InterviewInterrupted, NoTerminalError
from ..marking import format_date
from ..model import Answers, DocumentKind, label
from ..rules import Finding, check, errors_in
from .engine import Choice, Engine, last_file_record
from .feedback import plain
from .plan import get
from .session import MISSING, Session
from .terminal import Prompter, Terminal, wrap

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
) -> InterviewResult:
    """Interview the user into the answers file ``path`` (the last one interviewed, or a new one, when ``None``).

    Raises:
        NoTerminalError: no input was given and stdin is not a terminal.
        InterviewInterrupted: the user pressed Ctrl-C; the file holds every answer given so far.
    """
    if input is None and not sys.stdin.isatty():
        raise NoTerminalError()
    prompter = Prompter(echo=echo, input=input, output=output)
    try:
        if path is None:
            path = _choose_path(prompter)
        session = Session.open(path)
        if session.notice:
            echo(session.notice)
        engine = Engine(session)
        _remember(path)
        terminal = Terminal(engine, prompter)
        if not engine.position.history:
            terminal.opening()
        echo(f"Answers file: {path}")
        while True:
            terminal.run()
            try:
                answers = engine.finish()
            except InputError as exc:
                echo("Some answers are still missing or do not fit together:")
                for line in exc.lines():
                    echo(f"  {line}")
                engine.review()
                continue
            findings = check(answers)
            result = InterviewResult(path=path, answers=answers, findings=findings)
            if not _end(result, prompter, engine, offer_build, build=terminal.build):
                engine.review()
                continue
            return result
    except (KeyboardInterrupt, EOFError):
        raise InterviewInterrupted(path=path or Path("FILE")) from None


def _choose_path(prompter: Prompter) -> Path:
    """Carry on with the last answers file interviewed (no question asked), or start a new one."""
    last = _last()
    if last is not None:
        for line in wrap(f"Carrying on with {last}. To start a new file instead: assembler interview NEW.yaml"):
            prompter.echo(line)
        return last
    prompter.echo("Starting a new answers file. Every answer is saved as soon as you give it.")
    answer = prompter.text("Where should the answers be saved?", str(_new_path()))
    return Path(answer.strip()) if isinstance(answer, str) and answer.strip() else _new_path()


def _last() -> Path | None:
    try:
        text = last_file_record().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(text) if text and Path(text).is_file() else None


def _remember(path: Path) -> None:
    record = last_file_record()
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(str(path.resolve()), encoding="utf-8")
    except OSError:
        pass  # only the offer to carry on next time is lost


def _new_path() -> Path:
    candidate = DEFAULT_DIRECTORY / "collaborative.yaml"
    number = 2
    while candidate.exists():
        candidate = DEFAULT_DIRECTORY / f"collaborative-{number}.yaml"
        number += 1
    return candidate


def _end(
    result: InterviewResult, prompter: Prompter, engine: Engine, offer_build: bool, *, build: bool | None = None
) -> bool:
    """The end screen; False sends the user back to the review (to fix what blocks a build). ``build``: whether the
    user already chose to build (finishing the review), else they are asked."""
    echo = prompter.echo
    echo("")
    echo("== The check ==")
    errors = errors_in(result.findings)
    if not result.findings:
        echo("The governance checks found nothing to change.")
    for finding in result.findings:
        for line in wrap(plain(finding), "  "):
            echo(line)
    if errors:
        echo(f"{len(errors)} problem(s) must be fixed before the documents can be built.")
        choices = [Choice("Go back to the review to fix them", "review"), Choice("Stop here (answers saved)", "stop")]
        if prompter.select("What next?", choices, "review") != "stop":
            return False
        echo(f"Carry on later with: assembler interview {result.path}")
        return True
    if not offer_build:
        return True
    wanted = build if build is not None else prompter.confirm("Build the documents now?", True) is True
    if not wanted:
        echo(f"Build the documents later with: assembler build {result.path}")
        return True
    result.built = _build(result.path, echo)
    if result.built is not None:
        _gaps(result, engine, echo)
    return True


def _build(path: Path, echo: Callable[[str], None]) -> Any:
    from ..assembly import build

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


_PART = re.compile(r"([a-z_]+)|\[(\d+)\]")


def _gaps(result: InterviewResult, engine: Engine, echo: Callable[[str], None]) -> None:
    """The [●] gaps by document with what to find out, then the next steps."""
    echo("")
    echo("== What is left to find out ==")
    for document in result.built.documents:
        needed = dict.fromkeys(_what(engine, p) for p in document.placeholders)
        name = label(DocumentKind(document.kind)) if document.kind in {k.value for k in DocumentKind} else document.kind
        echo(f"{name}: {len(document.placeholders)} gap(s) [●]")
        for item in needed:
            for line in wrap(f"- {item}", "  "):
                echo(line)
    date = result.answers.documents.draft_date
    echo("")
    echo(
        f"The drafts are dated {format_date(date)}."
        if date
        else "The drafts carry no date yet: answer “What date should the drafts carry?” in the review."
    )
    echo("Next steps: send the drafts to your lawyer (they hold drafting notes in shaded boxes); for a copy without")
    echo(f"the notes run: assembler build {result.path} --clean")


def _what(engine: Engine, placeholder: str) -> str:
    """A gap as the question that fills it: 'Party 1 (NSFT) › Signatory › Who signs for this party?'."""
    path: list[str | int] = [int(i) if i else str(n) for n, i in _PART.findall(placeholder)]
    try:
        from .engine import _question_at

        q = _question_at(path)
    except (AssertionError, KeyError, IndexError):
        return "an answer still to be given"
    context = engine.context(path) if get(engine.session.data(), path[:-1]) is not MISSING else ""
    return f"{context} › {q.title}" if context else q.title
