"""The interview's course, worked out afresh from the answers: sections, and the steps each one asks.

A step is one thing to ask at one answer path. The plan is recomputed from the draft after every answer, so a
condition that changes (a weighted vote, a CIC party) adds or drops its questions at once, and there is no other
state to keep in step with the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from pydantic import BaseModel

from ..model import Answers, DocumentKind, label
from .questions import KEY_FIELDS, Kind, Question, question, questions
from .session import MISSING

__all__ = ["SECTIONS", "Path", "Section", "Step", "StepKind", "Usual", "governing", "pattern", "steps", "usual_fields"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Section:
    """A part of the interview: a heading, the top-level answers it asks, and roughly how long it takes."""

    title: str
    fields: tuple[str, ...]
    minutes: int = 2


SECTIONS: tuple[Section, ...] = (
    Section("The collaborative", ("collaborative",), 5),
    Section("Parties", ("parties",), 5),
    Section("Legal form and approvals", ("legal_form", "approvals"), 2),
    Section("Boards and groups", ("bodies",), 8),
    Section("Decision-making", ("decisions",), 3),
    Section("Delegation", ("delegations",), 3),
    Section("Finance, liability and other provisions", ("finance", "liability", "provisions"), 3),
    Section("Staff and information", ("staffing", "information_governance"), 2),
    Section("Disputes", ("disputes",), 3),
    Section("Term, joining and leaving", ("term", "membership"), 2),
    Section("The documents", ("documents",), 2),
)


class StepKind(StrEnum):
    FIELD = "field"  # one answer
    OPTIONAL = "optional"  # whether an optional part is there at all (a quorum, a pooled fund)
    ADD = "add"  # the first answer of the next item of a list, or "no more"
    USUAL = "usual"  # a section's standard choices, accepted at once or ticked to change


@dataclass(frozen=True)
class Step:
    kind: StepKind
    path: Path
    section: int
    question: Question | None = None


def pattern(path: Sequence[str | int]) -> str:
    """An answer path with its item numbers left out: ``bodies.*.voting.rule``."""
    return ".".join("*" if isinstance(p, int) else str(p) for p in path)


def derived(model: type[BaseModel], name: str) -> bool:
    """A machine id worked out from the item's name (a body's id), never asked."""
    return KEY_FIELDS.get(model) == name and name != "name" and "name" in model.model_fields and name == "id"


def asked(model: type[BaseModel]) -> list[Question]:
    return [q for q in questions(model) if not derived(model, q.name)]


def _extra(q: Question, key: str) -> bool:
    extra = q.info.json_schema_extra
    return bool(extra.get(key)) if isinstance(extra, dict) else False


def usual(q: Question) -> bool:
    """A standard choice: an answer with a real default (not unknown, not empty) below the top level."""
    if q.model is Answers or q.kind in (Kind.GROUP, Kind.MODEL):
        return False
    if _extra(q, "usual"):
        return True
    if q.info.is_required():
        return False
    default = q.default()
    return default is not None and default != [] and default != {}


@dataclass(frozen=True)
class Usual:
    """An answer the interview leaves at its usual value (or for later) unless the user ticks it."""

    pattern: str
    question: Question
    detail: bool  # a detail that can wait (left unknown), rather than a standard choice


@cache
def usual_fields() -> tuple[Usual, ...]:
    """Every standard choice and every detail that can wait, in the order the interview would ask them."""
    found: list[Usual] = []

    def walk(model: type[BaseModel], path: Path) -> None:
        for q in asked(model):
            here = (*path, q.name)
            if _extra(q, "detail"):
                found.append(Usual(pattern(here), q, True))
            elif q.kind in (Kind.GROUP, Kind.MODEL):
                walk(q.item_model, (*here, 0) if q.kind is Kind.GROUP else here)
            elif usual(q):
                found.append(Usual(pattern(here), q, False))

    walk(Answers, ())
    return tuple(found)


def governing(path: Sequence[str | int]) -> Usual | None:
    """The standard choice or detail an answer falls under (itself, or the detail part holding it)."""
    here = pattern(path)
    for entry in usual_fields():
        if here == entry.pattern or here.startswith(entry.pattern + "."):
            return entry
    return None


def get(data: Any, path: Sequence[str | int]) -> Any:
    node = data
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return MISSING
        elif not isinstance(node, Mapping) or part not in node:
            return MISSING
        node = node[part]
    return node


def steps(data: Mapping[str, Any]) -> Iterator[Step]:
    """Every step of the interview over the draft ``data``, in order (answered ones included)."""
    yield Step(StepKind.USUAL, ("#usual",), 0)
    for index, section in enumerate(SECTIONS):
        for name in section.fields:
            yield from _field(question(Answers, name), (name,), data, index)


def _field(q: Question, path: Path, data: Mapping[str, Any], section: int) -> Iterator[Step]:
    if q.kind is Kind.GROUP:
        items = get(data, path)
        items = items if isinstance(items, list) else []
        for i in range(len(items)):
            yield from _model(q.item_model, (*path, i), data, section)
        yield Step(StepKind.ADD, (*path, len(items)), section, q)
    elif q.kind is Kind.MODEL and not q.optional:
        yield from _model(q.item_model, path, data, section)
    elif q.kind is Kind.MODEL:
        yield Step(StepKind.OPTIONAL, path, section, q)
        if isinstance(get(data, path), Mapping):
            yield from _model(q.item_model, path, data, section)
    else:
        yield Step(StepKind.FIELD, path, section, q)


def _foundation_trust_party(data: Mapping[str, Any], item: Mapping[str, Any]) -> bool:
    parties = data.get("parties")
    kinds = {p.get("short_name"): p.get("kind") for p in parties or [] if isinstance(p, Mapping)}
    return kinds.get(item.get("party")) == "nhs_foundation_trust"


CONDITIONS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], bool]] = {
    "foundation_trust_party": _foundation_trust_party,
}
"""Conditions that look beyond the item (a member's party's kind): ``when`` names one of these or a choice or
property of the item itself (``Question.applies``)."""


def applies(q: Question, item: Any, data: Mapping[str, Any]) -> bool:
    item = item if isinstance(item, Mapping) else {}
    condition = CONDITIONS.get(q.when or "")
    return condition(data, item) if condition is not None else q.applies(item)


def _model(model: type[BaseModel], path: Path, data: Mapping[str, Any], section: int) -> Iterator[Step]:
    item = get(data, path)
    for q in asked(model):
        if applies(q, item, data):
            yield from _field(q, (*path, q.name), data, section)


def stale(data: Mapping[str, Any]) -> Iterator[Path]:
    """Answers whose condition no longer holds (a rotation period once the chair is independent)."""

    def walk(model: type[BaseModel], path: Path) -> Iterator[Path]:
        item = get(data, path)
        if not isinstance(item, Mapping):
            return
        for q in questions(model):
            here = (*path, q.name)
            if q.name in item and not applies(q, item, data):
                yield here
            elif q.kind is Kind.GROUP and isinstance(item.get(q.name), list):
                for i in range(len(item[q.name])):
                    yield from walk(q.item_model, (*here, i))
            elif q.kind is Kind.MODEL:
                yield from walk(q.item_model, here)

    yield from walk(Answers, ())


def slug(name: str, taken: Sequence[str]) -> str:
    """A machine id from a name: 'Joint Board' → 'joint_board' (numbered if taken)."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "body"
    base = base if base[0].isalpha() else f"b_{base}"
    base = base[:36]
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def document_name(path: Sequence[str | int]) -> str | None:
    """The document a ``documents.<kind>`` answer is about, as the screen names it."""
    if len(path) >= 2 and path[0] == "documents" and str(path[1]) in {k.value for k in DocumentKind}:
        return label(DocumentKind(str(path[1])))
    return None
