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
from ..model import Answers
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
        return ScalarShape(type(value))
    return ANY


def context_shapes(doc: DocumentDef) -> dict[str, Shape]:
    """Every name a clause can use, read from a real context so lint follows ``answers_context``."""
    answers = record_of(Answers)
    party, body = answers.fields["parties"], answers.fields["bodies"]
    assert isinstance(party, ListShape) and isinstance(body, ListShape)
    sample = answers_context(Answers.model_validate({"collaborative": {"name": "x"}}), doc)
    known: dict[str, Shape] = {
        "members": party,
        "host": party.item,
        "board": body.item,
        "parties_by_name": MappingShape(party.item),
        "bodies_by_id": MappingShape(body.item),
    }
    roots: dict[str, Shape] = {}
    for name, value in sample.items():
        if name in answers.fields:
            roots[name] = answers.fields[name]
        elif name == "doc":
            roots[name] = RecordShape(
                "doc", {k: party if k == "parties" else _shape_of_value(v) for k, v in dict(value).items()}
            )
        else:
            roots[name] = known.get(name, ANY)
    roots.setdefault("body", body.item)  # the usual item of a part repeated per body
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
