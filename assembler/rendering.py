"""Rendering: the one sandboxed jinja environment, the answers as template data, and clause rendering.

Answers are data, never templates: every value printed goes through ``finalize``, which escapes clause markup
(``markup.protect``); an unknown answer (``None``) prints as a highlighted ``[●]`` placeholder naming its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    BytecodeCache,
    ChoiceLoader,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2 import Environment as _Environment
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import markup
from .cache import cache_dir
from .errors import LibraryError, Problem
from .library import Clause, DocumentDef, Library
from .model import CHOICE_HELP, Answers, DocumentForm, DocumentKind

__all__ = ["ClauseRenderError", "Unknown", "answers_context", "make_environment", "render_clause"]


class Unknown:
    """An answer left unknown: falsy, empty when iterated, a ``[●]`` placeholder when printed."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return other is None or isinstance(other, Unknown)

    def __hash__(self) -> int:
        return hash(None)

    def __getattr__(self, name: str) -> Unknown:
        if name.startswith("_"):
            raise AttributeError(name)
        return Unknown(f"{self.path}.{name}")

    def __str__(self) -> str:
        return markup.placeholder(self.path)


def _data(value: Any, path: str) -> Any:
    """Answers as plain template data: dicts, lists, strings, numbers; ``None`` becomes ``Unknown(path)``."""
    if value is None:
        return Unknown(path)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _data(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_data(v, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def answers_context(
    answers: Answers, doc: DocumentDef | None = None, *, base: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything a clause or condition can use: the answers' top-level keys plus ``doc``, ``board``,
    ``members`` and ``host``. ``base`` is this function's result for the same answers without a document
    (computed once per build and shared, since templates cannot change it)."""
    if base is not None:
        shared = dict(base)
        if doc is not None:
            shared["doc"] = _doc_context(answers, doc, shared["parties_by_name"])
        return shared
    dumped = answers.model_dump(mode="python")
    context: dict[str, Any] = {key: _data(value, key) for key, value in dumped.items()}
    parties = context["parties"]
    by_name = {p["short_name"]: p for p in parties}
    members = [by_name[p.short_name] for p in answers.members()]
    host = answers.host()
    board_model = answers.board()
    board = next((b for b in context["bodies"] if board_model and b["id"] == board_model.id), None)
    context["members"] = members
    context["host"] = by_name[host.short_name] if host else Unknown("parties[host]")
    context["board"] = board if board is not None else Unknown("bodies[0]")
    context["parties_by_name"] = by_name
    context["bodies_by_id"] = {b["id"]: b for b in context["bodies"]}
    if doc is not None:
        context["doc"] = _doc_context(answers, doc, by_name)
    return context


def _doc_context(answers: Answers, doc: DocumentDef, by_name: dict[str, Any]) -> dict[str, Any]:
    kind = DocumentKind(doc.kind)
    choice = answers.documents.get(kind)
    return {
        "kind": kind.value,
        "title": doc.title,
        "name": doc.self_name,
        "this": ("these " if doc.plural else "this ") + doc.self_name,
        "is": "are" if doc.plural else "is",
        "has": "have" if doc.plural else "has",
        "adopted": doc.adopted,
        "binding": doc.binding,
        "form": choice.form.value,
        "is_deed": choice.form is DocumentForm.DEED,
        "version": choice.version,
        "parties": [by_name[p.short_name] for p in answers.document_parties(kind)],
    }


# ------------------------------------------------------------------------------------------- filters


def _finalize(value: Any) -> Any:
    if isinstance(value, Unknown):
        return str(value)
    if isinstance(value, markup.Safe):
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return markup.protect(_date(value))
    if isinstance(value, Decimal):
        return markup.protect(_number(value))
    if value is None:
        return ""
    return markup.protect(str(value))


def _date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return value


def _number(value: Decimal) -> str:
    return f"{value:,.2f}".removesuffix(".00")


def _money(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    return "£" + _number(Decimal(str(value)))


def _percent(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    return _number(Decimal(str(value))) + "%"


def _capitalize_first(text: Any) -> Any:
    """'these Terms' → 'These Terms' (jinja's capitalize would lower-case the rest)."""
    return text[:1].upper() + text[1:] if isinstance(text, str) else text


def _join(items: Iterable[Any], last: str = "and") -> markup.Safe:
    """'A, B and C', each item escaped as an answer."""
    parts = [str(_finalize(i)) for i in items]
    if not parts:
        return markup.Safe("")
    if len(parts) == 1:
        return markup.Safe(parts[0])
    return markup.Safe(", ".join(parts[:-1]) + f" {last} " + parts[-1])


def _label(value: Any, enum: str | None = None) -> Any:
    """The plain label of a choice: ``{{ legal_form | label("LegalForm") }}``; without the enum's name, the first
    choice with that value."""
    if isinstance(value, Unknown):
        return value
    for choice, (text, _help) in CHOICE_HELP.items():
        if choice.value == value and (enum is None or type(choice).__name__ == enum):
            return text
    return value


_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    """An integer below 1,000 in words, British style: 'one hundred and twenty-five'."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        tens, units = divmod(n, 10)
        return _TENS[tens] + (f"-{_UNITS[units]}" if units else "")
    hundreds, rest = divmod(n, 100)
    return f"{_UNITS[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")


def _words(value: Any) -> Any:
    """'fifteen (15)', as legal drafting writes numbers; other values (and unknowns) are returned unchanged."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1000:
        return f"{number_words(value)} ({value})"
    return value


class _LibraryLoader(BaseLoader):
    """Clause bodies and term definitions as named templates, so each is compiled once (and cached on disk)."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def get_source(self, environment: _Environment, template: str) -> tuple[str, str | None, Any]:
        kind, _, name = template.partition(":")
        if kind == "clause" and name in self.library.clauses:
            clause = self.library.clauses[name]
            return clause.body, str(clause.path), lambda: True
        if kind == "condition":
            return "{% if (" + name + ") %}1{% endif %}", None, lambda: True
        if kind == "text":
            return name, None, lambda: True
        if kind == "term":
            term, _, document = name.rpartition("@")
            definition = self.library.terms.get(term)
            if definition is not None:
                return definition.for_document(DocumentKind(document)), None, lambda: True
        raise TemplateNotFound(template)


def _bytecode_cache() -> BytecodeCache | None:
    """Compiled templates kept between runs (keyed by source checksum), where a cache folder can be made."""
    folder = cache_dir()
    return FileSystemBytecodeCache(str(folder), "jinja-%s.cache") if folder is not None else None


def render_text(env: ImmutableSandboxedEnvironment, text: str, context: dict[str, Any]) -> str:
    """Render a short library text (a schedule title, say), compiled once per environment."""
    if isinstance(env.loader, ChoiceLoader):
        return env.get_template(f"text:{text}").render(context)
    return env.from_string(text).render(context)


class _AnswersEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, where looking something up by an unknown answer gives an unknown (a [●]), not an error."""

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, Unknown):
            return Unknown(argument.path)
        return super().getitem(obj, argument)


def make_environment(macros: Path | None = None, *, library: Library | None = None) -> ImmutableSandboxedEnvironment:
    """The one jinja environment: sandboxed, immutable data, strict about undefined names.

    With a library, clauses and term definitions load as named templates (``clause:<id>``, ``term:<term>@<doc>``)
    and macros from the library's ``macros`` folder.
    """
    loaders: list[BaseLoader] = []
    if library is not None:
        loaders.append(_LibraryLoader(library))
        macros = macros or library.root / "macros"
    if macros is not None and macros.is_dir():
        loaders.append(FileSystemLoader(str(macros)))
    env = _AnswersEnvironment(
        undefined=StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        loader=ChoiceLoader(loaders) if loaders else None,
        bytecode_cache=_bytecode_cache() if library is not None else None,
        cache_size=2000,
    )
    env.filters.update(
        date=_date,
        money=_money,
        percent=_percent,
        join=_join,
        label=_label,
        words=_words,
        safe_markup=markup.Safe,
        capitalize_first=_capitalize_first,
    )
    env.globals.update(placeholder=lambda path: markup.Safe(markup.placeholder(path)))
    return env


class ClauseRenderError(LibraryError):
    """A clause failed to render: names the clause file, its line and the problem."""


def render_clause(env: ImmutableSandboxedEnvironment, clause: Clause, context: dict[str, Any]) -> markup.Parsed:
    """Render one clause and parse it into blocks."""
    name = str(clause.path)
    try:
        if env.loader is not None and isinstance(env.loader, ChoiceLoader):
            template = env.get_template(f"clause:{clause.id}")
        else:
            template = env.from_string(clause.body)
        text = template.render(context)
    except TemplateSyntaxError as exc:
        line = (exc.lineno or 1) + clause.body_line - 1
        raise ClauseRenderError(
            problems=[Problem(name, clause.id, f"template syntax: {exc.message}", "fix the jinja", line)]
        ) from None
    except TemplateError as exc:
        line = _template_line(exc, name) + clause.body_line - 1
        raise ClauseRenderError(
            problems=[Problem(name, clause.id, f"cannot render: {exc}", "fix the clause text", line)]
        ) from None
    try:
        return markup.parse(text, clause_id=clause.id)
    except markup.MarkupError as exc:
        raise ClauseRenderError(problems=[Problem(name, clause.id, str(exc), "fix the markup", None)]) from None


def _template_line(exc: BaseException, filename: str) -> int:
    """The template line where rendering failed: jinja maps its frames to the template's file name."""
    tb = exc.__traceback__
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in (filename, "<template>"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def evaluate(env: ImmutableSandboxedEnvironment, expression: str, context: dict[str, Any], *, where: str) -> bool:
    """Evaluate a clause condition; a broken condition is a library error naming the clause.

    With a library loader the condition is a small cached template, compiled once (and kept on disk)."""
    try:
        if isinstance(env.loader, ChoiceLoader):
            return env.get_template(f"condition:{expression}").render(context) == "1"
        return bool(env.compile_expression(expression, undefined_to_none=False)(**context))
    except TemplateError as exc:
        raise LibraryError(
            problems=[Problem(where, "condition", f"{expression!r}: {exc}", "fix the condition")]
        ) from None
