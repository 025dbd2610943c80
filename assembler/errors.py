"""The package's one error base and every error built on it: no other module defines an error class.

Hierarchy (exit code in brackets)::

    AssemblerError (2)                 base; ``exit_code`` tells the CLI how to end; ``lines()`` what to print
    ├── InputError (2)                 a file or argument the user gave cannot be used; carries ``Problem`` lines
    │   ├── LibraryError (2)           a clause file, document definition or template is broken
    │   │   └── ClauseRenderError (2)  one clause failed to render: its file, line and the problem
    │   ├── UnknownClauseError (2)     a clause id that is not in the library, with the nearest ids
    │   └── StaleReviewError (2)       a review pack whose clause ids or versions no longer match the library
    ├── MarkupError (2)                invalid clause markup in a rendered clause (becomes a ClauseRenderError)
    ├── RenderLimitError (2)           a template went over a rendering limit (becomes a ClauseRenderError)
    ├── NoTerminalError (2)            the interview needs an interactive terminal
    ├── InterviewInterrupted (130)     the user stopped the interview; every answer given is saved
    └── BuildError (1)                 the build could not finish
        └── FindingsError (1)          the governance rules found errors: nothing was written
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rules import Finding


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, printed as ``file:line: where: what — fix``."""

    file: str
    where: str
    what: str
    fix: str = ""
    line: int | None = None

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        where = f" {self.where}:" if self.where else ""
        fix = f" — {self.fix}" if self.fix else ""
        return f"{place}:{where} {self.what}{fix}"


class AssemblerError(Exception):
    """Base of every error the package raises on purpose."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def lines(self) -> list[str]:
        """The lines the CLI prints for this error."""
        return [self.message]


class InputError(AssemblerError):
    """A user's file is missing, unreadable or invalid; holds every problem found at once."""

    exit_code = 2

    def __init__(self, *, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, *, path: Path | str, what: str, fix: str = "", where: str = "") -> InputError:
        return cls(problems=[Problem(file=str(path), where=where, what=what, fix=fix)])

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class LibraryError(InputError):
    """A clause file, document definition or house template is invalid."""


class BuildError(AssemblerError):
    """The build could not finish: governance errors or a failed conversion."""

    exit_code = 1


class ClauseRenderError(LibraryError):
    """A clause failed to render: names the clause file, its line and the problem."""


class UnknownClauseError(InputError):
    """A clause id that is not in the library; the message names the nearest ids."""

    def __init__(self, *, clause_id: str, nearest: list[str]) -> None:
        fix = f"did you mean {', '.join(nearest)}?" if nearest else "see `assembler clauses list`"
        super().__init__(problems=[Problem("clause_library", clause_id, "no such clause", fix)])
        self.clause_id = clause_id
        self.nearest = nearest


class StaleReviewError(InputError):
    """A returned review pack made from another state of the library: refused whole, naming each clause."""


class MarkupError(AssemblerError):
    """Invalid markup; ``line`` is 1-based within the rendered clause."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class RenderLimitError(AssemblerError):
    """A template went over a rendering limit (time, output size, a runaway operation); raised inside the template,
    so rendering can turn it into a ``ClauseRenderError`` naming the clause file and line."""


class NoTerminalError(AssemblerError):
    """The interview needs someone at a terminal to answer."""

    exit_code = 2

    def __init__(self) -> None:
        super().__init__(
            "assembler interview needs an interactive terminal (stdin is not a TTY); "
            "to make documents from an existing answers file run `assembler build ANSWERS`"
        )


class InterviewInterrupted(AssemblerError):
    """The user stopped the interview (Ctrl-C); every answer given is already in the file."""

    exit_code = 130

    def __init__(self, *, path: Path) -> None:
        super().__init__(f"saved; resume with `assembler interview {path}`")
        self.path = path


class FindingsError(BuildError):
    """The governance rules found errors: nothing was written."""

    def __init__(self, *, path: Path, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(f"{path}: {len(self._errors())} governance error(s): fix them, then build again")

    def _errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def lines(self) -> list[str]:
        out = [self.message]
        for f in self._errors():
            out.append(f"  {f.rule} {'; '.join(f.where)}: {f.text()} — {f.fix}")
        return out
