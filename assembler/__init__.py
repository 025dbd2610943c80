"""Draft the governance documents of NHS provider collaboratives from one answers file.

The public API: load and save answers (``load_answers``, ``save_answers``), check them against the governance
rules (``check``), and build the documents (``build``, imported on first use so that checking stays fast).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .answers_file import LoadedAnswers, load_answers, save_answers
from .errors import AssemblerError, BuildError, InputError, LibraryError, Problem
from .model import Answers
from .rules import Finding, Severity, check

if TYPE_CHECKING:
    from .assembly import BuildResult, build

__all__ = [
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


def __getattr__(name: str) -> Any:
    if name in ("build", "BuildResult"):
        from . import assembly

        return getattr(assembly, name)
    raise AttributeError(f"module 'assembler' has no attribute {name!r}")
