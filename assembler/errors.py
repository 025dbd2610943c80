"""The package's one error base and the user-facing errors built on it.

Hierarchy::

    AssemblerError                 base; ``exit_code`` tells the CLI how to end
    ├── InputError (2)             a file the user gave cannot be used; carries ``Problem`` lines
    ├── LibraryError (2)           a clause file, document definition or template is broken
    └── BuildError (1)             the governance rules or the build itself failed
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
