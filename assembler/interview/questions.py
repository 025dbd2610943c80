"""Questions read from the answers model's field metadata, and the one place that builds questionary prompts.

A field's ``title`` is the question, its ``description`` the help, its type decides the prompt (select for
closed choices, confirm for yes/no, checkbox for several choices, text with validation otherwise) and its
``json_schema_extra["when"]`` the condition under which it is asked. Nothing here re-types the wording.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Callable, Mapping, Sequence
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
    "REVIEW",
    "UNKNOWN",
    "Kind",
    "Prompter",
    "Question",
    "model_at",
    "question",
    "questions",
    "to_yaml",
]

UNKNOWN_LABEL = "None / unknown (skip for now)"
"""The explicit path that stores null for an optional answer."""

REVIEW = object()
"""Returned by any prompt when the user presses Ctrl-R to review the answers."""

UNKNOWN = object()
"""Stands for the null choice inside select prompts (questionary treats a None value as 'use the title')."""

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

    def parse_text(self, raw: str) -> Any:
        """Validate what the user typed (empty means unknown when the field may be unknown)."""
        raw = raw.strip()
        if not raw:
            if self.optional:
                return None
            raise ValueError("an answer is needed here")
        if self.inner in (int, Decimal) or _is_number(self.inner):
            raw = raw.replace(",", "").removeprefix("£").removesuffix("%").strip()
        return self.validate(raw)

    def ask(self, prompter: Prompter, current: Any, *, parties: Sequence[str], bodies: Sequence[str]) -> Any:
        """Ask this question with ``current`` as the default; return the YAML-ready answer."""
        message = self.title
        if self.kind is Kind.SELECT:
            return prompter.select(message, self._choices(parties, bodies), default=current, help=self.help)
        if self.kind is Kind.CONFIRM:
            return prompter.confirm(message, default=bool(current), help=self.help)
        if self.kind is Kind.CHECKBOX:
            return self._checkbox(prompter, current, parties)
        if self.kind is Kind.TEXT_LIST:
            return self._text_list(prompter, current)
        if self.kind is Kind.MAPPING:
            return self._mapping(prompter, current, parties)
        shown = "" if current is None else _display(current)
        hint = "empty = unknown" if self.optional else ""
        return prompter.text(message, default=shown, help=self.help, hint=hint, parse=self.parse_text)

    # -- the prompts that need more than one call

    def _choices(self, parties: Sequence[str], bodies: Sequence[str]) -> list[tuple[str, Any, str]]:
        """``(label, value, explanation)`` for each allowed answer, the explicit unknown last."""
        choices: list[tuple[str, Any, str]] = []
        if self.enum is not None:
            choices = [_choice(c) for c in self.enum]
        elif self.inner is bool:
            choices = [("Yes", True, ""), ("No", False, "")]
        elif self.ref == "party":
            choices = [(p, p, "") for p in parties]
        elif self.ref == "body":
            choices = [(b, b, "") for b in bodies]
        if self.optional:
            choices.append((UNKNOWN_LABEL, None, "Stored as unknown ([●] in the drafts); you can answer it later."))
        return choices

    def _checkbox(self, prompter: Prompter, current: Any, parties: Sequence[str]) -> Any:
        enum = self.enum
        choices = [_choice(c) for c in enum] if enum is not None else [(p, p, "") for p in parties]
        chosen = set(current or ())
        hint = "space to tick, enter when done" + ("; none ticked = the default" if self.optional else "")
        required = not self.optional and bool(self.info.metadata)
        picked = prompter.checkbox(self.title, choices, chosen=chosen, help=self.help, hint=hint, required=required)
        if picked is REVIEW:
            return REVIEW
        if not picked and self.optional:
            return None
        return self.validate(picked)

    def _text_list(self, prompter: Prompter, current: Any) -> Any:
        """One text prompt per item: edit or clear the existing ones, then add more until an empty answer."""
        items: list[str] = []
        existing = list(current or [])
        item_question = _item_text_question(self)
        prompter.note(f"{self.title}" + (f" — {self.help}" if self.help else ""))
        prompter.note("  One item per prompt; an empty answer ends the list (clear an item to remove it).")
        index = 0
        while True:
            default = existing[index] if index < len(existing) else ""
            answer = prompter.text(f"  {index + 1}.", default=str(default), parse=item_question)
            if answer is REVIEW:
                return REVIEW
            index += 1
            if answer is not None:
                items.append(answer)
            elif index > len(existing):
                break
        return self.validate(items)

    def _mapping(self, prompter: Prompter, current: Any, parties: Sequence[str]) -> Any:
        """One prompt per party (empty leaves a party out; all empty = unknown)."""
        value_question = _item_text_question(self, mapping=True)
        existing: Mapping[str, Any] = current or {}
        prompter.note(f"{self.title}" + (f" — {self.help}" if self.help else ""))
        result: dict[str, Any] = {}
        for name in parties:
            shown = "" if existing.get(name) is None else _display(existing[name])
            answer = prompter.text(f"  {name}:", default=shown, parse=value_question, hint="empty = none")
            if answer is REVIEW:
                return REVIEW
            if answer is not None:
                result[name] = answer
        if not result:
            return None if self.optional else self.validate({})
        return self.validate(result)


def _choice(c: StrEnum) -> tuple[str, Any, str]:
    label, explanation = m.CHOICE_HELP[c]
    return (label, c.value, explanation)


def _item_text_question(owner: Question, *, mapping: bool = False) -> Callable[[str], Any]:
    """A parser for one item of a list (or one value of a mapping) of ``owner``'s field."""
    args = get_args(owner.inner)
    item_type = args[-1] if args else str
    adapter: TypeAdapter[Any] = TypeAdapter(item_type)
    numeric = _is_number(item_type)

    def parse(raw: str) -> Any:
        raw = raw.strip()
        if not raw:
            return None
        if numeric:
            raw = raw.replace(",", "").removeprefix("£").removesuffix("%").strip()
        try:
            return to_yaml(adapter.validate_python(raw))
        except ValidationError as exc:
            raise ValueError(_message(exc)) from None

    return parse


def _is_number(annotation: Any) -> bool:
    inner, _, _ = _unwrap(annotation)
    return inner in (int, Decimal)


def _display(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


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


# ------------------------------------------------------------------------------------------------ prompts


class Prompter:
    """Builds and runs every questionary prompt; tests inject prompt_toolkit ``input`` and ``output``."""

    def __init__(
        self, *, echo: Callable[[str], None], input: Any = None, output: Any = None, trace: bool = False
    ) -> None:
        import questionary  # imported here so `check` and `build` never pay for prompt_toolkit

        self._q = questionary
        self.echo = echo
        self.trace = trace  # echo each question too (tests read the transcript; a terminal shows the prompt)
        self._io: dict[str, Any] = {k: v for k, v in (("input", input), ("output", output)) if v is not None}

    def note(self, text: str) -> None:
        self.echo(text)

    def _run(self, prompt: Any, message: str) -> Any:
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        if self.trace:
            self.echo(f"? {message}")
        bindings = KeyBindings()

        @bindings.add("c-r", eager=True)
        def _review(event: Any) -> None:
            event.app.exit(result=REVIEW)

        prompt.application.key_bindings = merge_key_bindings([prompt.application.key_bindings, bindings])
        return prompt.unsafe_ask()  # Ctrl-C raises KeyboardInterrupt: every earlier answer is already saved

    def _help(self, help: str) -> None:
        if help:
            self.echo(f"  ({help})")

    def select(self, message: str, choices: Sequence[tuple[str, Any, str]], *, default: Any, help: str = "") -> Any:
        self._help(help)
        options = [
            self._q.Choice(label, value=UNKNOWN if value is None else value, description=explanation or None)
            for label, value, explanation in choices
        ]
        start = next((o for o in options if o.value == (UNKNOWN if default is None else default)), None)
        prompt = self._q.select(
            message,
            choices=options,
            default=start,
            use_search_filter=True,  # type part of a label to pick it
            use_jk_keys=False,
            instruction="(arrow keys or type to filter; Enter to choose)",
            **self._io,
        )
        answer = self._run(prompt, message)
        return None if answer is UNKNOWN else answer

    def confirm(self, message: str, *, default: bool, help: str = "") -> Any:
        self._help(help)
        return self._run(self._q.confirm(message, default=default, **self._io), message)

    def checkbox(
        self,
        message: str,
        choices: Sequence[tuple[str, Any, str]],
        *,
        chosen: set[Any],
        help: str = "",
        hint: str = "",
        required: bool = False,
    ) -> Any:
        self._help(help)
        options = [
            self._q.Choice(label, value=value, checked=value in chosen, description=explanation or None)
            for label, value, explanation in choices
        ]

        def validate(picked: list[Any]) -> bool | str:
            return bool(picked) or not required or "tick at least one"

        prompt = self._q.checkbox(message, choices=options, validate=validate, instruction=hint or None, **self._io)
        return self._run(prompt, message)

    def text(self, message: str, *, default: str, parse: Callable[[str], Any], help: str = "", hint: str = "") -> Any:
        """A text prompt that only accepts what ``parse`` accepts; returns the parsed value."""
        self._help(help)

        def validate(raw: str) -> bool | str:
            try:
                parse(raw)
            except ValueError as exc:
                return str(exc)
            return True

        prompt = self._q.text(message, default=default, validate=validate, instruction=hint or None, **self._io)
        raw = self._run(prompt, message)
        return REVIEW if raw is REVIEW else parse(raw)

    def path(self, message: str, *, default: str) -> str:
        answer = self._run(self._q.text(message, default=default, **self._io), message)
        return default if answer is REVIEW else str(answer).strip() or default
