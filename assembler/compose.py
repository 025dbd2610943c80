"""Composition: select a document's clauses by condition, render them, build its definitions, number it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import markup
from .docmodel import Block, BlockKind, Run, RunKind, text_runs
from .errors import LibraryError, Problem
from .grammar import PROPER_NAMES
from .library import Clause, DocumentDef, Library
from .marking import Marking, format_date, reference
from .model import Answers, DocumentKind
from .rendering import (
    GOVERNING_ANCHORS,
    answers_context,
    evaluate,
    pack_context,
    render_clause,
    render_text,
    unit_context,
)
from .rules import Finding, Severity, concerns
from .sandbox import prepared, render_bounded
from .wording import agree_counts, agree_definitions, agree_lists

__all__ = ["Anchor", "ComposedDocument", "IncludedClause", "compose_document", "compose_pack"]


@dataclass(frozen=True)
class IncludedClause:
    id: str
    title: str
    version: str
    condition: str
    section: str


@dataclass(frozen=True)
class Anchor:
    number: str  # as a cross-reference shows it: "4.2", "4.2.1(a)", "(B)"
    section: str  # "" (body) or "Schedule 2"


@dataclass
class ComposedDocument:
    definition: DocumentDef
    blocks: list[Block]
    cover: dict[str, Any]
    included: list[IncludedClause]
    excluded: list[IncludedClause]
    placeholders: list[str]
    warnings: list[Finding]
    anchors: dict[str, Anchor] = field(default_factory=dict)
    toc: list[tuple[str, str]] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    broken_refs: list[str] = field(default_factory=list)

    @property
    def kind(self) -> DocumentKind:
        return DocumentKind(self.definition.kind)

    @property
    def subject(self) -> str:
        """The document's title (its core property "subject")."""
        return self.definition.title

    def anchor(self, target: str, section: str) -> Anchor | None:
        """Where a cross-reference points: the same schedule or part first, then anywhere."""
        return (
            self.anchors.get(f"{target}@{section}")
            if section and f"{target}@{section}" in self.anchors
            else self.anchors.get(target)
        )


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _letter(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = _LETTERS[rem] + out
    return out


def _roman(n: int) -> str:
    values = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, numeral in values:
        while n >= value:
            out += numeral
            n -= value
    return out


def number_blocks(blocks: list[Block]) -> dict[str, Anchor]:
    """Give every numbered block its number, as Word's list will show it, and map anchors to numbers."""
    anchors: dict[str, Anchor] = {}
    counters = [0] * 6
    party = recital = 0
    section = ""
    for block in blocks:
        if block.kind is BlockKind.SCHEDULE:
            counters = [0] * 6
            section = block.section
            continue
        block.section = section
        ref = ""
        if block.kind in (BlockKind.HEADING, BlockKind.NUMBERED):
            level = block.level
            counters[level] += 1
            for deeper in range(level + 1, 6):
                counters[deeper] = 0
            dotted = ".".join(str(max(c, 1)) for c in counters[1 : min(level, 3) + 1])
            if level == 1:
                block.number, ref = f"{dotted}.", dotted
            elif level <= 3:
                block.number = ref = dotted
            elif level == 4:
                block.number = f"({_letter(counters[4])})"
                ref = dotted + block.number
            else:
                block.number = f"({_roman(counters[5])})"
                ref = f"{dotted}({_letter(max(counters[4], 1))}){block.number}"
        elif block.kind is BlockKind.PARTY:
            party += 1
            block.number = ref = f"({party})"
        elif block.kind is BlockKind.RECITAL:
            recital += 1
            block.number = ref = f"({_letter(recital).upper()})"
        for anchor in block.anchors:
            anchors.setdefault(anchor, Anchor(ref, section))
            if section:
                anchors[f"{anchor}@{section}"] = Anchor(ref, section)
    return anchors


def compose_document(
    library: Library,
    doc: DocumentDef,
    answers: Answers,
    findings: list[Finding],
    *,
    env: ImmutableSandboxedEnvironment,
    clean: bool = False,
    base_context: dict[str, Any] | None = None,
    marking: Marking | None = None,
) -> ComposedDocument:
    """Everything one document contains, numbered, with what was included and why."""
    context = prepared(env, answers_context(answers, doc, base=base_context))
    included: list[IncludedClause] = []
    excluded: list[IncludedClause] = []
    blocks: list[Block] = []
    placeholders: list[str] = []
    terms: set[str] = set()

    def add(clause_id: str, section: str, scope: dict[str, Any] | None = None) -> None:
        clause = library.clause(clause_id)
        record = IncludedClause(clause.id, clause.meta.title, clause.meta.version, clause.meta.condition, section)
        scope = scope or context
        if not evaluate(env, clause.meta.condition, scope, where=str(clause.path)):
            excluded.append(record)
            return
        parsed = render_clause(env, clause, scope)
        included.append(record)
        placeholders.extend(parsed.placeholders)
        terms.update(parsed.terms)
        blocks.extend(_with_guidance(parsed.blocks, clause))

    for clause_id in (doc.parties, doc.recitals):
        if clause_id:
            add(clause_id, "")
    for clause_id in doc.body:
        add(clause_id, "")
    numbers: dict[str, int] = {}
    where = f"documents/{doc.kind}.yaml"
    for schedule in doc.schedules:
        if not evaluate(env, schedule.condition, context, where=where):
            continue
        items: list[Any] = [None]
        if schedule.for_each:
            items = list(_expression(env, schedule.for_each, context, where))
        for item in items:
            scope = {**context, "unit": unit_context(f"this {schedule.label}")}
            if schedule.for_each:
                scope[schedule.item] = item
            scope = prepared(env, scope)
            numbers[schedule.label] = numbers.get(schedule.label, 0) + 1
            name = f"{schedule.label} {numbers[schedule.label]}"
            heading = render_text(env, schedule.title, scope)
            parsed_title = markup.Parsed()
            title = Block(BlockKind.SCHEDULE, markup.parse_inline(f"{name}: {heading}", parsed_title), section=name)
            placeholders.extend(parsed_title.placeholders)
            title.anchors.append(f"{doc.kind}.{schedule.label.lower()}{numbers[schedule.label]}")
            if schedule.anchor and schedule.anchor not in (a for b in blocks for a in b.anchors):
                title.anchors.append(schedule.anchor)  # the first of a repeated schedule
            blocks.extend([Block(BlockKind.PAGE_BREAK), title])
            for clause_id in schedule.clauses:
                add(clause_id, name, scope)
    if doc.execution:
        blocks.append(Block(BlockKind.SCHEDULE, section=""))
        add(doc.execution, "")

    shown = _shown_terms(library, context)
    defined = _expand_definitions(blocks, terms, library, doc, env, context, placeholders, shown)
    _show_terms(blocks, shown)
    agree_lists(blocks, proper=[*context["facts"].proper_names, *PROPER_NAMES])
    agree_counts(blocks)
    if clean:
        blocks = [b for b in blocks if b.kind is not BlockKind.NOTE]
    anchors = number_blocks(blocks)
    # A schedule heading's anchor resolves to its name ("Schedule 2"), which the writer prints as text.
    for schedule_block in (b for b in blocks if b.kind is BlockKind.SCHEDULE and b.runs):
        for anchor in schedule_block.anchors:
            anchors[anchor] = Anchor(schedule_block.section, "")
    warnings = [f for f in findings if f.severity is Severity.WARNING and concerns(f, DocumentKind(doc.kind))]
    composed = ComposedDocument(
        definition=doc,
        blocks=blocks,
        cover=_cover(answers, doc, context, marking or Marking()),
        included=included,
        excluded=excluded,
        placeholders=list(dict.fromkeys(placeholders)),
        warnings=warnings,
        anchors=anchors,
        terms=defined,
    )
    _word_references(composed, context["doc"]["this"], doc.numbered_as)
    composed.toc = [
        (b.number, b.plain())
        for b in blocks
        if (b.kind is BlockKind.HEADING and not b.section) or (b.kind is BlockKind.SCHEDULE and b.runs)
    ]
    composed.broken_refs = sorted(
        {
            r.value
            for b in blocks
            for r in _all_runs(b)
            if r.kind is RunKind.REF and composed.anchor(r.value, b.section) is None
        }
    )
    return composed


_NOUN = re.compile(r"(?i)\b(clause|paragraph)(s?) $")


def _word_references(doc: ComposedDocument, this_document: str, body_noun: str) -> None:
    """Say where each cross-reference points, as an English lawyer reads it.

    The clauses write "clause [[ref:x]]"; in a schedule or part that must read "paragraph 12 of this Schedule", a
    reference from a schedule to the body "clause 22 of this Agreement" (in an annex or scheme, whose provisions are
    paragraphs, "paragraph 4"), and one to another schedule
    "paragraph 4 of Schedule 3", so that no reader takes a paragraph of a schedule for a clause of the agreement."""

    def reword(runs: list[Run], section: str) -> list[Run]:
        if not any(run.kind is RunKind.REF for run in runs):
            return runs  # most blocks refer to nothing
        out: list[Run] = []
        for i, run in enumerate(runs):
            anchor = doc.anchor(run.value, section) if run.kind is RunKind.REF else None
            if anchor is None or (not anchor.section and anchor.number.startswith(("Schedule", "Part", "Annex"))):
                out.append(run)
                continue
            target = anchor.section
            before = out[-1] if out and out[-1].kind is RunKind.TEXT else None
            match = _NOUN.search(before.text) if before is not None else None
            plural = bool(match and match.group(2))
            if target == section:
                suffix = f" of this {section.split()[0]}" if section and match and not plural else ""
            else:
                suffix = f" of {target}" if target else f" of {this_document}"
            if before is not None and match is not None:
                word = (body_noun if not target else "paragraph") + match.group(2)
                word = word.capitalize() if match.group(1)[0].isupper() else word
                out[-1] = Run(RunKind.TEXT, before.text[: match.start()] + word + " ")
            after = runs[i + 1].text if i + 1 < len(runs) else ""
            if after.startswith(" of "):
                suffix = ""  # the clause says itself where the target is ("clause 24 of the Agreement")
            out.append(run)
            if suffix:
                out.append(Run(RunKind.TEXT, suffix))
        return out

    for block in doc.blocks:
        block.runs = reword(block.runs, block.section)
        block.rows = [[reword(cell, block.section) for cell in row] for row in block.rows]


def compose_pack(
    library: Library,
    answers: Answers,
    findings: list[Finding],
    *,
    env: ImmutableSandboxedEnvironment,
    kinds: Iterable[DocumentKind],
    clean: bool = False,
    base_context: dict[str, Any] | None = None,
    marking: Marking | None = None,
) -> dict[DocumentKind, ComposedDocument]:
    """The documents of one pack, composed together: the governing document first, so that the others can name
    the clauses in which it states the pack's order of precedence and variation regime ("clause 1.3 of the
    Collaboration Agreement"). Only documents the answers produce are composed; the governing one is composed
    even when not asked for, for its numbers."""
    base = base_context if base_context is not None else answers_context(answers)
    facts = base["facts"]
    wanted = set(kinds)
    governing = facts.governing_document
    order = sorted((k for k in facts.documents if k in wanted or k is governing), key=lambda k: k is not governing)
    composed: dict[DocumentKind, ComposedDocument] = {}
    numbers: tuple[str, str] | None = None
    for kind in order:
        doc = library.documents.get(kind)
        if doc is None:
            raise LibraryError(
                problems=[Problem(str(library.root), f"documents/{kind.value}.yaml", "missing", "add it")]
            )
        context = base
        if kind is not governing and numbers is not None:
            context = {**base, "pack": {**base["pack"], **pack_context(facts, numbers)}}
        composed[kind] = compose_document(
            library, doc, answers, findings, env=env, clean=clean, base_context=context, marking=marking
        )
        if kind is governing and kind in GOVERNING_ANCHORS:
            found = [composed[kind].anchors.get(a) for a in GOVERNING_ANCHORS[kind]]
            numbers = tuple(a.number if a else "[●]" for a in found)  # type: ignore[assignment]
    return {k: composed[k] for k in DocumentKind if k in composed and k in wanted}


def _expression(env: ImmutableSandboxedEnvironment, expression: str, context: dict[str, Any], where: str) -> list[Any]:
    try:
        value: Any = env.compile_expression(expression, undefined_to_none=False)(**context)
        return list(value)
    except Exception as exc:
        raise LibraryError(
            problems=[Problem(where, "for_each", f"{expression!r}: {exc}", "fix the expression")]
        ) from None


def _all_runs(block: Block) -> list[Run]:
    runs = list(block.runs)
    for row in block.rows:
        for cell in row:
            runs.extend(cell)
    return runs


def _with_guidance(blocks: list[Block], clause: Clause) -> list[Block]:
    """The clause's drafting guidance as a note after its heading (or first block)."""
    caveat = "".join(
        f" Not confirmed: {u.point} ({u.reason}) Check it before relying on this clause."
        for u in clause.meta.unverified
    )
    note = Block(
        BlockKind.NOTE,
        text_runs(f"Drafting note ({clause.id} v{clause.meta.version}): {clause.meta.guidance}{caveat}"),
    )
    note.clause_id = clause.id
    position = 1 if blocks and blocks[0].kind is BlockKind.HEADING else 0
    return [*blocks[:position], note, *blocks[position:]]


def _expand_definitions(
    blocks: list[Block],
    used: set[str],
    library: Library,
    doc: DocumentDef,
    env: ImmutableSandboxedEnvironment,
    context: dict[str, Any],
    placeholders: list[str],
    shown: dict[str, str],
) -> list[str]:
    """Replace the DEFINITIONS marker by the terms the document uses (and those their definitions use), in the
    order of the names the document shows them by."""
    kind = DocumentKind(doc.kind)
    rendered: dict[str, list[Run]] = {}
    pending = sorted(used)
    while pending:
        term = pending.pop()
        if term in rendered:
            continue
        definition = library.terms.get(term)
        if definition is None:
            raise LibraryError(
                problems=[
                    Problem(
                        "clause_library/terms/",
                        term,
                        "defined term is used but not defined",
                        "add it to a file in clause_library/terms/",
                    )
                ]
            )
        parsed = markup.Parsed()
        try:
            text = render_bounded(env.get_template(f"term:{term}@{kind.value}"), context).strip()
        except Exception as exc:  # jinja's errors and the definition's own (1/0, a limit): name the term
            where = library.term_files.get(term, "clause_library/terms/")
            what = f"cannot render: {type(exc).__name__}: {exc}"
            raise LibraryError(problems=[Problem(where, term, what, "fix the definition")]) from None
        rendered[term] = markup.parse_inline(text, parsed)
        placeholders.extend(parsed.placeholders)
        pending.extend(t for t in parsed.terms if t not in rendered)
    ordered = sorted(rendered, key=lambda t: (shown.get(t) or t).casefold())
    marker = next((i for i, b in enumerate(blocks) if b.kind is BlockKind.DEFINITION and not b.term), None)
    names = [shown.get(t) or t for t in ordered]
    if marker is None:
        return names
    level = blocks[marker].level
    clause_id = blocks[marker].clause_id
    entries = [
        Block(BlockKind.DEFINITION, rendered[t], level=level, term=shown.get(t, t), clause_id=clause_id)
        for t in ordered
    ]
    agree_definitions(entries)
    blocks[marker : marker + 1] = entries
    return names


def _shown_terms(library: Library, context: dict[str, Any]) -> dict[str, str]:
    """How the documents name each term whose definition says ``shown_as``: the fact it names (the collaborative
    by its short name)."""
    shown: dict[str, str] = {}
    for key, term in library.terms.items():
        if term.shown_as is not None:
            value: Any = context
            for part in term.shown_as.split("."):
                value = value[part] if isinstance(value, dict) else getattr(value, part)
            shown[key] = str(value)
    return shown


def _show_terms(blocks: list[Block], shown: dict[str, str]) -> None:
    """Write each term by its shown name wherever a clause wrote the term itself (not a form of it of its own)."""
    if not shown:
        return
    for block in blocks:
        block.runs = _shown_runs(block.runs, shown)
        if block.rows:
            block.rows = [[_shown_runs(cell, shown) for cell in row] for row in block.rows]


def _shown_runs(runs: list[Run], shown: dict[str, str]) -> list[Run]:
    if not any(r.kind is RunKind.TERM for r in runs):
        return runs  # most blocks use no defined term
    return [
        Run(RunKind.TERM, shown[r.value], r.value)
        if r.kind is RunKind.TERM and r.text == r.value and r.value in shown
        else r
        for r in runs
    ]


def _cover(answers: Answers, doc: DocumentDef, context: dict[str, Any], marking: Marking) -> dict[str, Any]:
    kind = DocumentKind(doc.kind)
    choice = answers.documents.get(kind)
    date = answers.collaborative.effective_date
    parties, party_size = cover_parties([p["name"] for p in context["doc"]["parties"]])
    return {
        "title": doc.title,
        "collaborative": answers.collaborative.name,
        "parties": parties,
        "party_size": party_size,
        "date": format_date(date) if date else None,
        "version": choice.version,
        "status": marking.status(),
        "marking": marking.header(doc, choice.version),
        "reference": reference(answers.collaborative.short_name or answers.collaborative.name, doc, choice.version),
        "form": "Deed" if choice.form.value == "deed" else "",
    }


COVER_LINES = 10
"""Up to this many parties the cover names one a line; more share one paragraph, so the cover stays one page."""
COVER_LIST_ROOM = 226_500
"""Room for the cover's list of parties: characters times the square of the font size (points) that fit between
the title and the version line (about 330 pt of the page's height, 16 cm wide, at 0.55 em a character)."""
COVER_SMALLEST = 6  # points; a list that would need smaller type is replaced by a reference to the parties clause


def cover_parties(names: list[str]) -> tuple[list[str], int | None]:
    """The parties as the cover lists them, and the font size (points) the list needs, if smaller than usual."""
    if len(names) <= COVER_LINES:
        return names, None
    joined = "; ".join(names[:-1]) + " and " + names[-1]
    size = min(12, int((COVER_LIST_ROOM / len(joined)) ** 0.5))
    if size < COVER_SMALLEST:
        return [f"the {len(names)} parties named in the parties clause"], None
    return [joined], size
