"""Rendering: the one sandboxed jinja environment, the answers as template data, and clause rendering.

Answers are data, never templates: every value printed goes through ``finalize``, which escapes clause markup
(``markup.protect``); an unknown answer (``None``) prints as a highlighted ``[●]`` placeholder naming its field.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import (
    BaseLoader,
    BytecodeCache,
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2 import Environment as _Environment
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import markup
from .cache import AuthenticatedBytecodeCache, open_cache
from .errors import ClauseRenderError, LibraryError, MarkupError, Problem
from .facts import (
    COMPANY_KINDS,
    JOINT_NATURES,
    PLACEABLE,
    SENTENCE_ENUMS,
    BodyFacts,
    Facts,
    facts_of,
    is_member,
    is_nhs_relevant,
    sentence,
    share_words,
)
from .library import Clause, DocumentDef, Library
from .marking import format_date
from .model import CHOICE_HELP, Answers, DocumentForm, DocumentKind, LegalForm, Party, PartyKind, parse_share
from .sandbox import BoundedSandbox, render_bounded

__all__ = ["ClauseRenderError", "Unknown", "answers_context", "format_money", "make_environment", "render_clause"]


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
    """Everything a clause or condition can use: the answers' top-level keys, each party and body with its facts
    (:mod:`assembler.facts`) added, the facts of the arrangement (``form``, ``voice``...), and ``doc`` and ``unit``
    for the document being drafted. ``base`` is this function's result for the same answers without a document
    (computed once per build and shared, since templates cannot change it)."""
    if base is not None:
        shared = dict(base)
        if doc is not None:
            shared.update(_doc_context(shared["facts"], doc, shared["parties_by_name"]))
        return shared
    facts = facts_of(answers)
    dumped = answers.model_dump(mode="python")
    context: dict[str, Any] = {key: _data(value, key) for key, value in dumped.items()}
    for index, data in enumerate(context["delegations"]):
        data["index"] = index  # where it is in the answers, for a placeholder's field path
    for party, data in zip(answers.parties, context["parties"], strict=True):
        data.update(_party_facts(party, facts))
    by_name: dict[str, Any] = {}
    for data in context["parties"]:
        by_name.setdefault(data["short_name"], data)
    bodies_by_id: dict[str, Any] = {}
    for data in context["bodies"]:
        bodies_by_id.setdefault(data["id"], data)
    for body, data in zip(facts.bodies, context["bodies"], strict=True):
        data.update(_body_facts(body, data, bodies_by_id, context["delegations"]))

    def parties(items: Iterable[Party]) -> PartyGroup:
        return PartyGroup(by_name[p.short_name] for p in items)

    context.update(
        facts=facts,
        collaborative_term=facts.collaborative_term,
        natures_mixed=facts.natures_mixed,
        outside_agreement=parties(facts.outside_agreement),
        quality_body=bodies_by_id[facts.quality_body.id] if facts.quality_body else None,
        delegations_nature=facts.delegations_nature,
        funders=context["finance"]["cost_sharing"]["funders"],
        governors_must_approve=parties(facts.governors_must_approve),
        governors_unknown=parties(facts.governors_unknown),
        form=_form_context(facts),
        voice={"shall": facts.shall},
        members=parties(facts.members),
        mediation_is_cedr=facts.mediation_is_cedr,
        final_forum=dataclasses.asdict(facts.final_forum),
        nhs_contract=dataclasses.asdict(facts.nhs_contract),
        cost_share_to_expert=facts.cost_share_to_expert,
        nhs_england_is_party=facts.nhs_england_is_party,
        limits_unknown=facts.limits_unknown,
        register_keeper=facts.register_keeper,
        party_reserved_covers_accounts=facts.party_reserved_covers_accounts,
        deadlock_stage=(
            context["disputes"]["tiers"][facts.deadlock_stage] if facts.deadlock_stage is not None else None
        ),
        host=by_name[facts.host.short_name] if facts.host else Unknown("parties[host]"),
        lead_provider=(
            by_name[facts.lead_provider.short_name] if facts.lead_provider else Unknown("parties[lead_provider]")
        ),
        foundation_trusts=parties(facts.foundation_trusts),
        nhs_members=parties(facts.nhs_members),
        company_members=parties(facts.company_members),
        cic_members=parties(facts.members_of_kind(PartyKind.CIC)),
        local_authority_members=parties(facts.local_authority_members),
        commissioner_members=parties(facts.commissioner_members),
        outsiders=parties(facts.outsiders),
        body_delegations=[d for d in context["delegations"] if d["to_body"]],
        officer_delegations=[d for d in context["delegations"] if not d["to_body"]],
        nhs_england_delegates=facts.nhs_england_delegates,
        board=bodies_by_id[facts.board.id] if facts.board else Unknown("bodies[0]"),
        parties_by_name=by_name,
        bodies_by_id=bodies_by_id,
    )
    if doc is not None:
        context.update(_doc_context(facts, doc, by_name))
    context["pack"] = {
        **pack_context(facts),
        "in_agreement": {kind.value: facts.in_agreement(kind) for kind in PLACEABLE},
        "tor_schedule_bodies": [bodies_by_id[b.id] for b in facts.agreement_schedule_bodies],
    }
    return context


GOVERNING_ANCHORS: dict[DocumentKind, tuple[str, str]] = {
    DocumentKind.CJV: ("cjv.definitions.precedence", "cjv.variation"),
    DocumentKind.TOR: ("tor.interpretation.precedence", "tor.interpretation.variation"),
    DocumentKind.MOU: ("mou.status.precedence", "mou.term.variation"),
}
"""Where the governing document states the pack's order of precedence and its variation regime."""


def pack_context(facts: Facts, numbers: tuple[str, str] | None = None) -> dict[str, Any]:
    """What a clause knows of the rest of the pack: which documents it holds, which governs, and where the
    governing document states precedence and variation. Without ``numbers`` the references are cross-references
    inside the governing document; with them (once it is numbered), text naming the clause of that document."""
    governing = facts.governing_document
    anchors = GOVERNING_ANCHORS.get(governing)
    refs: list[Any] = []
    for i in range(2):
        if anchors is None:
            refs.append(Unknown("pack.governing"))
        elif numbers is None:
            refs.append(markup.Safe(f"clause [[ref:{anchors[i]}]]"))
        else:
            noun = "clause" if governing in (DocumentKind.CJV, DocumentKind.MOU) else "paragraph"
            refs.append(markup.Safe(f"{noun} {numbers[i]} of the [[{_TITLE_TERMS[governing]}]]"))
    return {
        **{kind.value: kind in facts.documents for kind in DocumentKind},
        "governing": governing.value,
        "precedence": refs[0],
        "variation": refs[1],
    }


_TITLE_TERMS = {
    DocumentKind.CJV: "Collaboration Agreement",
    DocumentKind.TOR: "Terms of Reference",
    DocumentKind.MOU: "Memorandum of Understanding",
}


class PartyGroup(list[Any]):
    """Parties as template data, with their names ready to list: ``{{ foundation_trusts.short_names | join }}``."""

    @property
    def short_names(self) -> list[str]:
        return [p["short_name"] for p in self]

    @property
    def names(self) -> list[str]:
        return [p["name"] for p in self]


def _party_facts(party: Party, facts: Facts) -> dict[str, Any]:
    return {
        "is_member": is_member(party),
        "nhs_relevant": is_nhs_relevant(party),
        "company_like": party.kind in COMPANY_KINDS,
        "kind_sentence": sentence(party.kind),
        "significance": significance.value if (significance := facts.significance(party)) else "",
    }


def _body_facts(
    body: BodyFacts, data: dict[str, Any], bodies_by_id: dict[str, Any], delegations: list[Any]
) -> dict[str, Any]:
    """A body's facts as template data: the body's own answers stay as they are, beside them."""
    for seat, member in zip(body.members, data["members"], strict=True):
        member.update(
            votes=seat.votes,
            barred=seat.barred,
            non_director=seat.non_director,
            independent=seat.party is None and not seat.post,
            post=seat.post,
        )
    return {
        "legal_nature": body.nature.value,
        "nature_sentence": body.nature_sentence,
        "joint": body.statutory and body.nature in JOINT_NATURES,
        "by_party": body.by_party,
        "own_authority": body.own_authority,
        "seat_name": body.seat_name,
        "independent_chair": body.independent_chair,
        "independents": [data["members"][m.index] for m in body.independents],
        "icb": body.icb,
        "kind_sentence": body.kind_sentence,
        "part": body.part,
        "parent_body": bodies_by_id.get(body.parent) if body.parent else None,
        "children": [bodies_by_id[c] for c in body.children],
        "deciding": body.deciding,
        "decides": body.decides,
        "statutory": body.statutory,
        "in_common": body.in_common,
        "voting_parties": list(body.voting_parties),
        "barred_parties": list(body.barred_parties),
        "non_directors": list(body.non_directors),
        "show_director": body.show_director,
        "delegated": [delegations[i] for i in body.delegations],
        "undelegated_voters": list(body.undelegated_voters),
        "majority": body.majority,
        "weights_total": body.weights_total,
        "observers": list(body.observers),
    }


def _form_context(facts: Facts) -> dict[str, Any]:
    form = facts.form
    return {
        "binding": facts.binding,
        "mou_only": form is LegalForm.MOU_ONLY,
        "cjv": form is LegalForm.CJV,
        "lead_provider": form is LegalForm.LEAD_PROVIDER,
        "committees_in_common": form is LegalForm.COMMITTEES_IN_COMMON,
        "joint_committee": form is LegalForm.JOINT_COMMITTEE,
        "statutory": facts.statutory_form,
        "contractual": facts.contractual_form,
        "sentence": facts.form_sentence,
    }


def unit_context(this: str) -> dict[str, str]:
    """How a clause calls the part of the document it sits in: "this Schedule", "this Part", "this Annex"."""
    return {"this": this, "This": this[:1].upper() + this[1:]}


def _doc_context(facts: Facts, doc: DocumentDef, by_name: dict[str, Any]) -> dict[str, Any]:
    kind = DocumentKind(doc.kind)
    choice = facts.answers.documents.get(kind)
    signatories = facts.document_parties(kind)
    signing = {p.short_name for p in signatories}
    this = ("these " if doc.plural else "this ") + doc.self_name
    agreement: Any = Unknown("documents.cjv")  # a pack without an agreement never names one
    if kind is DocumentKind.CJV:
        agreement = markup.Safe("this [[Agreement]]")
    elif DocumentKind.CJV in facts.documents:
        agreement = markup.Safe("the [[Collaboration Agreement]]")

    def of_kind(*kinds: PartyKind) -> PartyGroup:
        return PartyGroup(by_name[p.short_name] for p in signatories if p.kind in kinds)

    document = {
        "kind": kind.value,
        "title": doc.title,
        "name": doc.self_name,
        "this": this,
        "is": "are" if doc.plural else "is",
        "has": "have" if doc.plural else "has",
        "adopted": doc.adopted,
        "binding": doc.binding,
        "form": choice.form.value,
        "is_deed": choice.form is DocumentForm.DEED,
        "version": choice.version,
        "parties": PartyGroup(by_name[p.short_name] for p in signatories),
        # how this document names each party: by its short name if it signs, else by its full name
        "names": {p.short_name: (p.short_name if p.short_name in signing else p.name) for p in facts.answers.parties},
        "agreement": agreement,
        "foundation_trusts": of_kind(PartyKind.NHS_FOUNDATION_TRUST),
        "icbs": of_kind(PartyKind.ICB),
        "local_authorities": of_kind(PartyKind.LOCAL_AUTHORITY),
        "system_partners": PartyGroup(
            by_name[p.short_name]
            for p in facts.system_partners(kind)
            if p.kind not in (PartyKind.ICB, PartyKind.LOCAL_AUTHORITY)
        ),
    }
    return {"doc": document, "unit": unit_context(this)}


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
        return format_date(value)  # in English whatever the process locale (strftime's month names follow it)
    return value


def _number(value: Decimal) -> str:
    return f"{value:,.2f}".removesuffix(".00")


def format_money(value: Decimal | int | float) -> str:
    """An amount as the drafts write it: "£250,000", "£1,500.50"."""
    return "£" + _number(Decimal(str(value)))


def _money(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    return format_money(value)


def _percent(value: Any) -> Any:
    """A share of the votes as drafted: "75%", or in words where it is a fraction ("two-thirds")."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str) and "/" in value:
        return share_words(parse_share(value))
    return _number(Decimal(str(value))) + "%"


def _with_article(text: Any) -> Any:
    """'operational group' → 'an operational group' (an unknown answer stays a placeholder)."""
    from .grammar import with_article

    return with_article(text) if isinstance(text, str) and text else text


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


def _sentence(value: Any, enum: str) -> Any:
    """A choice as it reads in a sentence: ``{{ body.meetings.frequency | sentence("Frequency") }}``."""
    if isinstance(value, Unknown):
        return value
    for kind in SENTENCE_ENUMS:
        if kind.__name__ == enum:
            return sentence(kind(value))
    raise ValueError(f"no choice called {enum}")


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


def _bytecode_cache(env: _Environment) -> BytecodeCache | None:
    """Compiled templates kept between runs, where the user's cache can be used safely. They are keyed by the
    template's source and authenticated under everything the compiled code depends on: this tool's code, jinja's
    and Python's versions and the environment's settings (a changed tool never runs old compiled templates)."""
    cache = open_cache()
    return AuthenticatedBytecodeCache(cache, settings=_settings(env)) if cache is not None else None


def _settings(env: _Environment) -> str:
    tool = hashlib.sha256()
    for module in (__file__, markup.__file__):  # the code that compiles and drives the templates
        with contextlib.suppress(OSError, TypeError):
            tool.update(Path(module).read_bytes())
    settings = (
        tool.hexdigest(),
        jinja2.__version__,
        sys.version,
        f"{type(env).__module__}.{type(env).__qualname__}",
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        repr(env.autoescape),
        env.finalize is not None,
        sorted(env.extensions),
        sorted(getattr(env, "intercepted_binops", ())),
        sorted(getattr(env, "intercepted_unops", ())),
        env.code_generator_class.__qualname__,
    )
    return repr(settings)


def render_text(env: ImmutableSandboxedEnvironment, text: str, context: dict[str, Any]) -> str:
    """Render a short library text (a schedule title, say), compiled once per environment."""
    if isinstance(env.loader, ChoiceLoader):
        return render_bounded(env.get_template(f"text:{text}"), context)
    return render_bounded(env.from_string(text), context)


_ALWAYS = ("true", "True")  # jinja's literals for true, a clause's condition when it has none

_LIBRARY_PREFIXES = ("clause:", "condition:", "text:", "term:")


class _AnswersEnvironment(BoundedSandbox):
    """The sandbox, where looking something up by an unknown answer gives an unknown (a [●]), not an error."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._library_templates: dict[str, Template] = {}

    def get_template(self, name: Any, parent: Any = None, globals: Any = None) -> Template:
        """A library template (a clause, a condition, a text, a term) is looked up in a plain dict: they never
        change while the environment lives (it belongs to one loaded library), and jinja's own cache moves every
        name it is asked for in a queue of 2,000, a few hundred times a document. Macro files go the usual way."""
        if parent is None and globals is None and isinstance(name, str) and name.startswith(_LIBRARY_PREFIXES):
            found = self._library_templates.get(name)
            if found is None:
                found = self._library_templates[name] = super().get_template(name)
            return found
        return super().get_template(name, parent, globals)

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
        cache_size=2000,
    )
    if library is not None:
        env.bytecode_cache = _bytecode_cache(env)
    env.filters.update(
        date=_date,
        money=_money,
        percent=_percent,
        join=_join,
        label=_label,
        sentence=_sentence,
        words=_words,
        safe_markup=markup.Safe,
        capitalize_first=_capitalize_first,
        with_article=_with_article,
    )
    env.globals.update(placeholder=lambda path: markup.Safe(markup.placeholder(path)))
    return env


def render_clause(env: ImmutableSandboxedEnvironment, clause: Clause, context: dict[str, Any]) -> markup.Parsed:
    """Render one clause (within the sandbox's time and size limits) and parse it into blocks; any error, of
    jinja or of the template's own doing (``1/0``, a recursive macro, a limit), names the clause file and line."""
    name = str(clause.path)
    try:
        if env.loader is not None and isinstance(env.loader, ChoiceLoader):
            template = env.get_template(f"clause:{clause.id}")
        else:
            template = env.from_string(clause.body)
        text = render_bounded(template, context)
    except TemplateSyntaxError as exc:
        line = (exc.lineno or 1) + clause.body_line - 1
        raise ClauseRenderError(
            problems=[Problem(name, clause.id, f"template syntax: {exc.message}", "fix the jinja", line)]
        ) from None
    except Exception as exc:  # whatever the template did: the clause's file and line, never "internal error"
        line = _template_line(exc, name) + clause.body_line - 1
        what = str(exc) if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {_short(exc)}"
        raise ClauseRenderError(
            problems=[Problem(name, clause.id, f"cannot render: {what}", "fix the clause text", line)]
        ) from None
    try:
        return markup.parse(text, clause_id=clause.id)
    except MarkupError as exc:
        raise ClauseRenderError(problems=[Problem(name, clause.id, str(exc), "fix the markup", None)]) from None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:200] + "…"


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

    With a library loader the condition is a small cached template, compiled once (and kept on disk). Most
    clauses have no condition (``true``): nothing to render."""
    if expression.strip() in _ALWAYS:
        return True
    try:
        if isinstance(env.loader, ChoiceLoader):
            return render_bounded(env.get_template(f"condition:{expression}"), context) == "1"
        return bool(env.compile_expression(expression, undefined_to_none=False)(**context))
    except Exception as exc:  # a jinja error or the expression's own (1/0, a limit): name the clause
        what = str(exc) if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {_short(exc)}"
        raise LibraryError(
            problems=[Problem(where, "condition", f"{expression!r}: {what}", "fix the condition")]
        ) from None
