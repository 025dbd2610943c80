"""Draft the governance documents of NHS provider collaboratives from one answers file."""

from __future__ import annotations

from .answers_file import LoadedAnswers, load_answers, save_answers
from .errors import AssemblerError, BuildError, InputError, LibraryError, Problem
from .model import Answers
from .rules import Finding, Severity, check

__all__ = [
    "Answers",
    "AssemblerError",
    "BuildError",
    "Finding",
    "InputError",
    "LibraryError",
    "LoadedAnswers",
    "Problem",
    "Severity",
    "check",
    "load_answers",
    "save_answers",
]
