"""Shapes: what each name in a clause's template context looks like, derived from the answers model.

Templates see the answers as plain data (``model_dump``): a model is a dict of its fields, so its properties and
methods are absent; enum values are strings. A shape says which attributes exist, for lint to check.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..library import DocumentDef
from ..model import Answers, Body
from ..rendering import answers_context

__all__ = [
    "ANY",
    "AnyShape",
    "ListShape",
    "MappingShape",
    "RecordShape",
    "ScalarShape",
    "Shape",
    "context_shapes",
    "describe",
    "item_of",
    "nearest",
    "record_of",
]

# What a value in the template context looks like, derived from the answers model.


@dataclass(frozen=True)
class AnyShape:
    """Not known statically (macro arguments, tuples, call results): not checked."""


@dataclass(frozen=True)
class ScalarShape:
    python: type


@dataclass(frozen=True)
class ListShape:
    item: Shape
    names: bool = False  # a group of parties, with ``short_names`` and ``names`` lists


@dataclass(frozen=True)
class MappingShape:
    """A dict keyed by data (party short names, body ids): any key is allowed."""

    value: Shape


@dataclass(frozen=True)
class RecordShape:
    """A model (seen by templates as a dict of its fields): only its fields exist."""

    name: str
    fields: dict[str, Shape]
    computed: frozenset[str] = frozenset()  # properties and methods of the model: not in the template data


Shape = AnyShape | ScalarShape | ListShape | MappingShape | RecordShape
ANY = AnyShape()
_RECORDS: dict[type[BaseModel], RecordShape] = {}


def _shape_of(annotation: Any) -> Shape:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _shape_of(args[0])
    if origin in (typing.Union, types.UnionType):
        real = [a for a in args if a is not type(None)]
        return _shape_of(real[0]) if len(real) == 1 else ANY
    if origin in (list, tuple, set, frozenset):
        return ListShape(_shape_of(args[0]) if args else ANY)
    if origin is dict:
        return MappingShape(_shape_of(args[1]) if len(args) == 2 else ANY)
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return record_of(annotation)
        if issubclass(annotation, Enum):
            return ScalarShape(str)  # the context holds enum values as strings
        if issubclass(annotation, str | int | float | Decimal | bool):
            return ScalarShape(annotation)
    return ANY


def record_of(model: type[BaseModel]) -> RecordShape:
    """The shape of a model's fields (properties and methods are not data, so they are absent)."""
    if model not in _RECORDS:
        fields = {n: _shape_of(f.annotation) for n, f in model.model_fields.items()}
        computed = frozenset(n for n in vars(model) if not n.startswith(("_", "model_")) and n not in fields)
        _RECORDS[model] = RecordShape(model.__name__, fields, computed)
    return _RECORDS[model]


def _shape_of_value(value: Any) -> Shape:
    if isinstance(value, str | int | float | Decimal | bool):
        return ScalarShape(str if isinstance(value, str) else type(value))
    return ANY


_BOOL, _INT, _STR = ScalarShape(bool), ScalarShape(int), ScalarShape(str)
_STRINGS = ListShape(_STR)

PARTY_FACTS: dict[str, Shape] = {
    "is_member": _BOOL,
    "nhs_relevant": _BOOL,
    "company_like": _BOOL,
    "kind_sentence": _STR,
    "significance": _STR,
}
"""The facts added to each party in the template data (``rendering._party_facts``)."""

MEMBER_FACTS: dict[str, Shape] = {
    "votes": _BOOL,
    "barred": _BOOL,
    "non_director": _BOOL,
    "independent": _BOOL,
    "post": _BOOL,
}
"""The facts added to each seat on a body (``rendering._body_facts``)."""

BODY_FACTS: dict[str, Shape] = {
    "kind_sentence": _STR,
    "part": _INT,
    "parent_body": ANY,  # the parent body: set below, since a body shape refers to itself
    "children": ANY,
    "deciding": _BOOL,
    "decides": _BOOL,
    "statutory": _BOOL,
    "in_common": _BOOL,
    "voting_parties": _STRINGS,
    "barred_parties": _STRINGS,
    "non_directors": _STRINGS,
    "show_director": _BOOL,
    "delegated": ANY,
    "undelegated_voters": _STRINGS,
    "majority": _BOOL,
    "weights_total": _INT,
    "observers": _STRINGS,
    "legal_nature": _STR,
    "nature_sentence": _STR,
    "joint": _BOOL,
    "by_party": _BOOL,
    "own_authority": _BOOL,
    "seat_name": _STR,
    "independent_chair": _STR,
    "independents": ANY,
    "icb": _STR,
}
"""The facts added to each body in the template data (``rendering._body_facts``)."""

_GROUPS = (
    "members",
    "foundation_trusts",
    "nhs_members",
    "company_members",
    "cic_members",
    "local_authority_members",
    "commissioner_members",
    "outsiders",
    "governors_must_approve",
    "governors_unknown",
    "outside_agreement",
)


def _with(record: Shape, extra: dict[str, Shape]) -> RecordShape:
    assert isinstance(record, RecordShape)
    clash = set(extra) & set(record.fields)
    assert not clash, f"facts {sorted(clash)} would hide answers of {record.name}"
    return RecordShape(record.name, {**record.fields, **extra}, record.computed)


def context_shapes(doc: DocumentDef) -> dict[str, Shape]:
    """Every name a clause can use, read from a real context so lint follows ``answers_context``."""
    answers = record_of(Answers)
    parties, bodies, delegations = (answers.fields[k] for k in ("parties", "bodies", "delegations"))
    assert isinstance(parties, ListShape) and isinstance(bodies, ListShape)
    party = _with(parties.item, PARTY_FACTS)
    assert isinstance(delegations, ListShape)
    delegations = ListShape(_with(delegations.item, {"index": _INT}))
    member = _with(item_of(record_of(Body).fields["members"]), MEMBER_FACTS)
    body = _with(bodies.item, BODY_FACTS)
    body.fields.update(
        members=ListShape(member),
        independents=ListShape(member),
        parent_body=body,
        children=ListShape(body),
        delegated=delegations,
    )
    group = ListShape(party, names=True)
    sample = answers_context(Answers.model_validate({"collaborative": {"name": "x"}}), doc)
    known: dict[str, Shape] = {
        "parties": ListShape(party),
        "bodies": ListShape(body),
        **dict.fromkeys(_GROUPS, group),
        "host": party,
        "lead_provider": party,
        "board": body,
        "body_delegations": delegations,
        "officer_delegations": delegations,
        "parties_by_name": MappingShape(party),
        "bodies_by_id": MappingShape(body),
        "register_keeper": _STR,
        "collaborative_term": _STR,
        "natures_mixed": _BOOL,
        "quality_body": body,
        "delegations_nature": _STR,
        "delegations": delegations,
        "funders": record_of(Answers).fields["finance"].fields["cost_sharing"].fields["funders"],  # type: ignore[union-attr]
        "final_forum": RecordShape(
            "final_forum", {"kind": _STR, "name": _STR, "courts": _BOOL, "arbitration": _BOOL, "referee": _BOOL}
        ),
        "nhs_contract": RecordShape(
            "nhs_contract",
            {
                "health_service_bodies": ListShape(_STR),
                "unconfirmed": ListShape(_STR),
                "others": ListShape(_STR),
                "possible": _BOOL,
            },
        ),
        "cost_share_to_expert": _BOOL,
        "party_reserved_covers_accounts": _BOOL,
        "deadlock_stage": item_of(record_of(Answers).fields["disputes"].fields["tiers"]),  # type: ignore[union-attr]
    }
    groups = {"parties", "foundation_trusts", "icbs", "local_authorities", "system_partners"}
    roots: dict[str, Shape] = {}
    for name, value in sample.items():
        if name in known:
            roots[name] = known[name]
        elif name in answers.fields:
            roots[name] = answers.fields[name]
        elif name == "doc":
            fields = {k: group if k in groups else _shape_of_value(v) for k, v in dict(value).items()}
            roots[name] = RecordShape("doc", {**fields, "names": MappingShape(_STR)})
        elif isinstance(value, dict):
            roots[name] = RecordShape(name, {k: _shape_of_value(v) for k, v in value.items()})
        else:
            roots[name] = _shape_of_value(value)
    roots.setdefault("body", body)  # the usual item of a part repeated per body
    roots.setdefault("item", ANY)
    return roots


def item_of(shape: Shape) -> Shape:
    return shape.item if isinstance(shape, ListShape) else ANY


def describe(shape: Shape) -> str:
    if isinstance(shape, RecordShape):
        return shape.name
    if isinstance(shape, ListShape):
        return "a list"
    if isinstance(shape, ScalarShape):
        return f"a {shape.python.__name__} value"
    return "a value"


def nearest(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""
