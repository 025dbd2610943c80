"""Questions read from the answers model's field metadata (no front end here: see ``engine`` and ``terminal``).

A field's ``title`` is the question, its ``description`` the help, its type decides the prompt (select for
closed choices, confirm for yes/no, checkbox for several choices, text with validation otherwise) and its
``json_schema_extra["when"]`` the condition under which it is asked. Nothing here re-types the wording.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum, StrEnum
from fractions import Fraction
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from .. import model as m

__all__ = [
    "Kind",
    "Question",
    "model_at",
    "question",
    "questions",
    "to_yaml",
]

KEY_FIELDS: dict[type[BaseModel], str] = {m.Party: "short_name", m.Body: "id"}
"""The fields other answers refer to (the lookups ``Answers.party`` and ``Answers.body`` use them)."""

_PARTY_REF = get_args(m.Ref)[1]
_BODY_REF = get_args(m.Ident)[1]


class Kind(StrEnum):
    """How a field is asked."""

    TEXT = "text"
    SELECT = "select"
    CONFIRM = "confirm"
    CHECKBOX = "checkbox"
    TEXT_LIST = "text_list"
    MAPPING = "mapping"
    GROUP = "group"
    MODEL = "model"


def _unwrap(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """``(inner type, optional?, Annotated metadata)`` of a field annotation."""
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(args) < len(get_args(annotation))
        annotation = args[0] if len(args) == 1 else annotation
    metadata: list[Any] = []
    if get_origin(annotation) is Annotated:
        annotation, *metadata = get_args(annotation)
    return annotation, optional, metadata


def _ref_of(metadata: Sequence[Any]) -> str | None:
    if _PARTY_REF in metadata:
        return "party"
    if _BODY_REF in metadata:
        return "body"
    return None


@dataclass(frozen=True)
class Question:
    """One field of the answers model, seen as something to ask."""

    model: type[BaseModel]
    name: str
    info: FieldInfo = field(repr=False)
    kind: Kind
    optional: bool
    inner: Any = field(repr=False)
    ref: str | None = None
    """``party`` or ``body`` when the answer names one (chosen from those given, not typed)."""

    @property
    def title(self) -> str:
        return self.info.title or self.name.replace("_", " ").capitalize()

    @property
    def help(self) -> str:
        return self.info.description or ""

    @property
    def when(self) -> str | None:
        extra = self.info.json_schema_extra
        value = extra.get("when") if isinstance(extra, dict) else None
        return str(value) if value is not None else None

    @property
    def item_model(self) -> type[BaseModel]:
        """The model of one item of a repeating group (or of a nested model)."""
        target = get_args(self.inner)[0] if self.kind is Kind.GROUP else self.inner
        assert isinstance(target, type) and issubclass(target, BaseModel)
        return target

    @property
    def noun(self) -> str:
        """'party', 'dispute tier': the name of one item, from the item model's class name."""
        return re.sub(r"(?<!^)([A-Z])", r" \1", self.item_model.__name__).lower()

    @property
    def enum(self) -> type[StrEnum] | None:
        target = get_args(self.inner)[0] if self.kind is Kind.CHECKBOX else self.inner
        return target if isinstance(target, type) and issubclass(target, StrEnum) else None

    def applies(self, item: Any) -> bool:
        """Whether the field's ``when`` condition holds for ``item`` (the answers around it so far).

        ``when`` names either a value of a closed choice beside it (``weighted``: the voting rule is weighted)
        or a property ``is_<when>`` of the model (``company_like``: ``Party.is_company_like``).
        """
        when = self.when
        if when is None:
            return True
        item = item if isinstance(item, Mapping) else {}
        for other in questions(self.model):
            if other.kind is Kind.SELECT and other.enum is not None and when in {c.value for c in other.enum}:
                return bool(item.get(other.name, other.default()) == when)
        prop = getattr(self.model, f"is_{when}", None)
        if isinstance(prop, property) and prop.fget is not None:
            values = {
                k: question(self.model, k).adapter.validate_python(v)
                for k, v in item.items()
                if k in self.model.model_fields
            }
            try:
                return bool(prop.fget(self.model.model_construct(**values)))
            except AttributeError:  # the property reads an answer not given yet
                return False
        return True

    def default(self) -> Any:
        """The model's default, YAML-ready (``None`` when there is none)."""
        if self.info.is_required():
            return None
        return to_yaml(self.info.get_default(call_default_factory=True))

    @property
    def adapter(self) -> TypeAdapter[Any]:
        return _adapter(self.model, self.name)

    def validate(self, value: Any) -> Any:
        """The YAML-ready value if it is a valid answer; else raise ``ValueError`` with a plain message."""
        try:
            return to_yaml(self.adapter.validate_python(value))
        except ValidationError as exc:
            raise ValueError(_message(exc)) from None


def _message(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "string_pattern_mismatch":
        return "use lower-case letters, digits and underscores, starting with a letter"
    if error["type"].startswith("date"):
        return "write the date as YYYY-MM-DD"
    return message[0].lower() + message[1:] if message else "not a valid answer"


def to_yaml(value: Any) -> Any:
    """A validated value as plain YAML data: enums by value, whole amounts as int, models as dicts."""
    if isinstance(value, BaseModel):
        return to_yaml(value.model_dump(mode="python"))
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Fraction):
        return m.share_answer(value)
    if isinstance(value, dict):
        return {str(k): to_yaml(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_yaml(v) for v in value]
    return value


# ------------------------------------------------------------------------------------------ reading the model


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    annotation: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(annotation)


@cache
def question(model: type[BaseModel], name: str) -> Question:
    """The question for ``model.name``, its kind decided by the field's type."""
    info = model.model_fields[name]
    inner, optional, metadata = _unwrap(info.annotation)
    metadata = [*metadata, *info.metadata]
    ref = None if KEY_FIELDS.get(model) == name else _ref_of(metadata)
    origin = get_origin(inner)
    kind: Kind
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        kind = Kind.MODEL
    elif (isinstance(inner, type) and issubclass(inner, StrEnum)) or (inner is bool and optional) or ref is not None:
        kind = Kind.SELECT
    elif inner is bool:
        kind = Kind.CONFIRM
    elif origin is list:
        item, _, item_meta = _unwrap(get_args(inner)[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            kind = Kind.GROUP
        elif (isinstance(item, type) and issubclass(item, StrEnum)) or _ref_of(item_meta) == "party":
            kind = Kind.CHECKBOX
        else:
            kind = Kind.TEXT_LIST
    elif origin is dict:
        kind = Kind.MAPPING
    else:
        kind = Kind.TEXT
    return Question(model=model, name=name, info=info, kind=kind, optional=optional, inner=inner, ref=ref)


def questions(model: type[BaseModel]) -> list[Question]:
    """The questions of a model in field order (the answers format version is the tool's, not asked)."""
    return [question(model, name) for name in model.model_fields if name != "format_version"]


def default_at(path: Sequence[str | int]) -> Any:
    """The model's default for the answer at ``path``; a parent's default object wins over its fields' own
    defaults, should a parent's default factory ever set them (none of a body's terms does: see issue 13)."""
    current: type[BaseModel] = m.Answers
    result: Any = None
    for part in path:
        if isinstance(part, int):
            result = None  # a new item starts from its own model's defaults
            continue
        q = question(current, part)
        result = result[part] if isinstance(result, dict) and part in result else q.default()
        if q.kind in (Kind.MODEL, Kind.GROUP):
            current = q.item_model
    return result


def model_at(path: Sequence[str | int]) -> type[BaseModel] | None:
    """The model whose fields sit at ``path`` in the answers (``None`` for a mapping such as weights)."""
    current: type[BaseModel] = m.Answers
    for part in path:
        if isinstance(part, int):
            continue
        if part not in current.model_fields:
            return None
        q = question(current, part)
        if q.kind not in (Kind.MODEL, Kind.GROUP):
            return None
        current = q.item_model
    return current
