"""Governance findings said the way the screen says things: no field paths, the fix as something to do here.

The rules (``assembler.rules``) write their fixes for someone editing the answers file ("set
quorum.each_party: false"); here each such reference becomes the question the user sees and the choice to make
("answer “Must each party be represented for a quorum?” with No").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from pydantic import BaseModel

from ..model import CHOICE_HELP, Answers
from ..rules import Finding, Severity
from .questions import Kind, Question, questions

__all__ = ["concerns", "plain", "plain_fix"]

_REFERENCE = re.compile(r"\b(?:set |use |make )?([a-z][a-z_]*(?:\.[a-z][a-z_]*)*)(?:(?::\s*|\s+to\s+)([\w.\-]+))?")
_FIELD_PATH = re.compile(r"\b[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)+\b")


@cache
def _index() -> dict[str, Question]:
    """Every question by its field name and by ``parent.name`` (e.g. ``quorum.each_party``)."""
    found: dict[str, Question] = {}

    def walk(model: type[BaseModel], parent: str, seen: frozenset[type[BaseModel]]) -> None:
        for q in questions(model):
            if q.kind not in (Kind.GROUP, Kind.MODEL):
                found.setdefault(q.name, q) if "_" in q.name or q.name in ("voting", "binding") else None
                found.setdefault(f"{parent}.{q.name}" if parent else q.name, q)
            else:
                if q.item_model not in seen:
                    walk(q.item_model, q.name, seen | {q.item_model})

    walk(Answers, "", frozenset())
    return found


def _value_words(q: Question, value: str | None) -> str:
    if value is None:
        return ""
    if value in ("true", "false"):
        return " with Yes" if value == "true" else " with No"
    enum = q.enum
    if enum is not None and value in {c.value for c in enum}:
        return f" with “{CHOICE_HELP[enum(value)][0]}”"
    return f" with {value}"


def plain_fix(fix: str) -> str:
    """A rule's fix with every field reference turned into the question and the choice on screen."""

    def replace(match: re.Match[str]) -> str:
        name, value = match[1], match[2]
        q = _index().get(name) if ("." in name or "_" in name or value is not None) else None
        if q is None:
            return match[0]
        return f"answer “{q.title.rstrip('?')}?”{_value_words(q, value)}"

    text = _REFERENCE.sub(replace, fix)
    text = _FIELD_PATH.sub("that answer", text)
    return text[0].upper() + text[1:] if text else text


def plain(finding: Finding) -> str:
    """One line: what is wrong and what to do about it, in the screen's words."""
    what = "Problem" if finding.severity == Severity.ERROR else "Note"
    message = _FIELD_PATH.sub("that answer", finding.text())
    return f"{what}: {message} To fix: {plain_fix(finding.fix)}."


def concerns(finding: Finding, path: Sequence[str | int], answered: Any) -> bool:
    """Whether a finding is about the answer at ``path`` and every answer it rests on has been given."""
    touches = any(_overlaps(tuple(loc), tuple(path)) for loc in finding.locations)
    if all(_whole_list(tuple(loc), tuple(path)) for loc in finding.locations):
        return False  # about a whole list (at least two parties): said when the list is finished, not per item
    return touches and all(answered(loc) for loc in finding.locations)


def _whole_list(loc: tuple[Any, ...], path: tuple[Any, ...]) -> bool:
    return len(loc) < len(path) and path[: len(loc)] == loc and isinstance(path[len(loc)], int)


def _overlaps(loc: tuple[Any, ...], path: tuple[Any, ...]) -> bool:
    shorter = min(len(loc), len(path))
    return loc[:shorter] == path[:shorter]


def lines_of(findings: Sequence[Finding]) -> Iterator[str]:
    for finding in findings:
        yield plain(finding)
