"""Template maintainers' tools: list, show, preview, the clause/document matrix and answers coverage.

Every function here is a plain library call; ``cli.py`` only parses arguments, prints and maps exit codes.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compose import ComposedDocument, compose_document
from .docmodel import Block, BlockKind, Run, RunKind
from .errors import InputError, LibraryError, Problem, UnknownClauseError
from .library import Clause, DocumentDef, Library, ScheduleDef, Source
from .model import Answers, DocumentKind
from .rendering import answers_context, evaluate, make_environment

__all__ = [
    "CoverageReport",
    "MatrixRow",
    "Placement",
    "Preview",
    "UnknownClauseError",
    "clause_details",
    "composed_lines",
    "coverage",
    "default_answers_files",
    "find_clause",
    "list_clauses",
    "marked_clauses",
    "matrix",
    "matrix_csv",
    "placements",
    "preview_clause",
    "preview_docx",
]


def find_clause(library: Library, clause_id: str) -> Clause:
    """The clause with this id, or ``UnknownClauseError`` naming the nearest ids."""
    if clause_id in library.clauses:
        return library.clauses[clause_id]
    ids = list(library.clauses)
    nearest = difflib.get_close_matches(clause_id, ids, n=3, cutoff=0.5)
    if not nearest:  # a bare name ("term") or a prefix ("cjv.")
        nearest = [i for i in ids if clause_id in i][:3]
    raise UnknownClauseError(clause_id=clause_id, nearest=nearest)


# ---------------------------------------------------------------------------------------- placements


@dataclass(frozen=True)
class Placement:
    """Where a document definition puts a clause."""

    document: DocumentKind
    section: str  # "parties", "recitals", "body", "execution", or "Schedule 1" / "Part 1"
    schedule: ScheduleDef | None = None

    def describe(self) -> str:
        if self.schedule is None:
            return self.section
        text = self.section
        if self.schedule.for_each:
            text += f" (each {self.schedule.item} in {self.schedule.for_each})"
        if self.schedule.condition.strip() != "true":
            text += f" if {self.schedule.condition}"
        return text


def _sections(doc: DocumentDef) -> Iterable[tuple[str, list[str], ScheduleDef | None]]:
    if doc.parties:
        yield "parties", [doc.parties], None
    if doc.recitals:
        yield "recitals", [doc.recitals], None
    yield "body", list(doc.body), None
    numbers: dict[str, int] = {}
    for schedule in doc.schedules:
        numbers[schedule.label] = numbers.get(schedule.label, 0) + 1
        yield f"{schedule.label} {numbers[schedule.label]}", list(schedule.clauses), schedule
    if doc.execution:
        yield "execution", [doc.execution], None


def placements(library: Library) -> dict[str, list[Placement]]:
    """Every clause id the document definitions use, with where (in document order)."""
    out: dict[str, list[Placement]] = {}
    for kind in DocumentKind:
        doc = library.documents.get(kind)
        if doc is None:
            continue
        for section, ids, schedule in _sections(doc):
            for clause_id in ids:
                out.setdefault(clause_id, []).append(Placement(kind, section, schedule))
    return out


def list_clauses(library: Library, *, document: DocumentKind | None = None) -> list[Clause]:
    """All clauses by id; or one document's clauses in the order its definition gives them."""
    if document is None:
        return [library.clauses[i] for i in sorted(library.clauses)]
    doc = library.documents.get(document)
    if doc is None:
        return []
    ids = dict.fromkeys(i for _section, ids, _s in _sections(doc) for i in ids)
    return [library.clauses[i] for i in ids if i in library.clauses]


def _cite(source: Source | str) -> str:
    return source.cite() if isinstance(source, Source) else f"{source} (not checked against the primary text)"


def marked_clauses(clauses: Iterable[Clause]) -> list[Clause]:
    """The clauses with a point of law still unconfirmed (``unverified`` in their metadata)."""
    return [c for c in clauses if c.meta.marked]


def clause_details(library: Library, clause_id: str) -> list[str]:
    """Everything about one clause, as lines: metadata, where it is used, guidance, sources, raw text."""
    clause = find_clause(library, clause_id)
    meta = clause.meta
    used = [f"{p.document.value} {p.describe()}" for p in placements(library).get(clause.id, [])]
    lines = [
        f"{meta.id} — {meta.title}",
        f"file:       {_relative(clause.path, library.root.parent)}",
        f"version:    {meta.version}",
        f"documents:  {', '.join(str(d) for d in meta.documents)}",
        f"used in:    {'; '.join(used) or 'no document'}",
        f"condition:  {meta.condition}",
    ]
    for point in meta.unverified:
        lines.append(f"unverified: {point.point} — {point.reason}")
    lines += ["", "Guidance:", *(f"  {line}" for line in meta.guidance.splitlines())]
    if meta.sources:
        lines += ["", "Sources:", *(f"  - {_cite(source)}" for source in meta.sources)]
    lines += ["", f"Text (from line {clause.body_line}):", *clause.body.rstrip("\n").splitlines()]
    return lines


# -------------------------------------------------------------------------------------------- matrix


@dataclass(frozen=True)
class MatrixRow:
    clause_id: str
    title: str
    condition: str
    cells: dict[DocumentKind, str]


def matrix(library: Library) -> list[MatrixRow]:
    """Which clause goes into which document, in which section, under which condition."""
    where = placements(library)
    rows = []
    for clause in list_clauses(library):
        cells: dict[DocumentKind, str] = {}
        for placement in where.get(clause.id, []):
            text = placement.describe()
            cells[placement.document] = f"{cells[placement.document]}; {text}" if placement.document in cells else text
        rows.append(MatrixRow(clause.id, clause.meta.title, clause.meta.condition, cells))
    return rows


def matrix_csv(rows: list[MatrixRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["clause", "title", "condition", *(k.value for k in DocumentKind)])
    for row in rows:
        writer.writerow([row.clause_id, row.title, row.condition, *(row.cells.get(k, "") for k in DocumentKind)])
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------- preview


@dataclass
class Preview:
    clause: Clause
    composed: ComposedDocument
    document: DocumentKind
    included: bool  # the clause's condition is true for these answers
    item: str = ""  # which item of a repeated part, e.g. "body 1 of 3: Community Collaborative Board"

    def lines(self) -> list[str]:
        return composed_lines(self.composed)


def preview_clause(
    library: Library, clause_id: str, answers: Answers, *, document: DocumentKind | None = None, item: int = 1
) -> Preview:
    """One clause rendered for ``answers`` as a one-clause document, numbered as it would be.

    The clause is rendered even when its condition is false (``Preview.included`` says so). A clause used in a
    part repeated per item (``for_each``, e.g. a ToR part per body) is rendered for item number ``item``
    (1 = the first, in the order of the answers).
    """
    clause = find_clause(library, clause_id)
    where = placements(library).get(clause.id, [])
    if document is not None:
        where = [p for p in where if p.document is document]
    kinds = [p.document for p in where] or [DocumentKind(d) for d in clause.meta.documents if d in library.documents]
    if document is not None:
        kinds = [document] if document in library.documents else []
    if not kinds:
        raise InputError(
            problems=[
                Problem(str(clause.path), clause.id, "is in no document that can be previewed", "pass --document")
            ]
        )
    kind = kinds[0]
    doc = library.documents[kind]
    placement = next((p for p in where if p.document is kind), None)
    env = make_environment(library=library)
    scope = answers_context(answers, doc)
    schedule = placement.schedule if placement else None
    label = ""
    if schedule is not None and schedule.for_each:
        items = _items(env, schedule.for_each, scope, where=f"documents/{kind.value}.yaml")
        if not items:
            raise InputError(
                problems=[Problem("--item", schedule.for_each, "the answers give no items to repeat this part for", "")]
            )
        if not 1 <= item <= len(items):
            raise InputError(
                problems=[
                    Problem("--item", str(item), f"out of range: {schedule.for_each} gives {len(items)} item(s)", "")
                ]
            )
        scope = {**scope, schedule.item: items[item - 1]}
        label = f"{schedule.item} {item} of {len(items)}: {_name_of(items[item - 1])}"
        selected = f"[(({schedule.for_each}) | list)[{item - 1}]]"
        schedule = schedule.model_copy(update={"clauses": [clause.id], "for_each": selected, "condition": "true"})
    elif schedule is not None:
        schedule = schedule.model_copy(update={"clauses": [clause.id], "condition": "true"})
    included = evaluate(env, clause.meta.condition, scope, where=str(clause.path))
    single = doc.model_copy(
        update={
            "parties": None,
            "recitals": None,
            "execution": None,
            "body": [] if schedule else [clause.id],
            "schedules": [schedule] if schedule else [],
        }
    )
    # rendered whatever its condition: the preview says whether a document would include it
    always = dataclasses.replace(clause, meta=clause.meta.model_copy(update={"condition": "true"}))
    shown = dataclasses.replace(library, clauses={**library.clauses, clause.id: always})
    composed = compose_document(shown, single, answers, [], env=make_environment(library=shown))
    return Preview(clause, composed, kind, included, label)


def _items(env: Any, expression: str, scope: dict[str, Any], *, where: str) -> list[Any]:
    try:
        return list(env.compile_expression(expression, undefined_to_none=False)(**scope))
    except Exception as exc:  # any jinja or data error in the expression: name the file
        raise LibraryError(
            problems=[Problem(where, "for_each", f"{expression!r}: {exc}", "fix the expression")]
        ) from None


def _name_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or "")
    return str(value)


def preview_docx(preview: Preview, templates: Path) -> bytes:
    """The preview as a Word document, through the real writer and the document's house template."""
    from .docx_writer import write_docx

    template = templates / preview.composed.definition.template
    properties = {"assembler.preview": preview.clause.id, "assembler.clause_version": preview.clause.meta.version}
    return write_docx(preview.composed, template, properties=properties, clean=False)


def composed_lines(composed: ComposedDocument) -> list[str]:
    """A composed document as numbered plain text: what the Word file says, without the styling."""
    lines: list[str] = []
    for block in composed.blocks:
        line = _block_line(block, composed)
        if line is not None:
            lines.append(line)
    return lines


def _block_line(block: Block, composed: ComposedDocument) -> str | None:
    text = _runs_text(block.runs, composed, block.section)
    indent = "    " * max(0, block.level - 1)
    kind = block.kind
    if kind is BlockKind.PAGE_BREAK or (kind is BlockKind.SCHEDULE and not block.runs):
        return None
    if kind is BlockKind.SCHEDULE:
        return f"\n{text.upper()}"
    if kind in (BlockKind.HEADING, BlockKind.NUMBERED):
        return f"{indent}{block.number} {text}"
    if kind in (BlockKind.PARTY, BlockKind.RECITAL):
        return f"{block.number} {text}"
    if kind is BlockKind.NOTE:
        return f"{indent}[NOTE: {text}]"
    if kind is BlockKind.DEFINITION:
        joiner = " " if text.lstrip().startswith(("has the meaning", "includes", "means")) else " means "
        return f"{indent}“{block.term}”{joiner}{text}"  # its ";" or "." is in the text (wording.agree_definitions)
    if kind is BlockKind.TABLE:
        rows = [" | ".join(_runs_text(cell, composed, block.section) for cell in row) for row in block.rows]
        return "\n".join(f"{indent}| {row} |" for row in rows)
    if kind is BlockKind.SIGNATURE:
        return f"{indent}{'.' * 40}\n{indent}{text}"
    if kind is BlockKind.FIGURE:
        return f"{indent}[Figure: the governance diagram — {text}]"
    if kind in (BlockKind.TITLE, BlockKind.SUBTITLE):
        return text.upper() if kind is BlockKind.TITLE else text
    return f"{indent}{text}"


def _runs_text(runs: list[Run], composed: ComposedDocument, section: str) -> str:
    out = []
    for run in runs:
        if run.kind is RunKind.REF:
            anchor = composed.anchor(run.value, section)
            if anchor is None:
                out.append(f"[ref: {run.value}]")
            elif anchor.section and anchor.section != section:
                out.append(f"{anchor.number} of {anchor.section}")
            else:
                out.append(anchor.number)
        else:
            out.append(run.text)
    return "".join(out)


# ------------------------------------------------------------------------------------------ coverage


@dataclass
class _Seen:
    true: set[str] = field(default_factory=set)
    false: set[str] = field(default_factory=set)


@dataclass
class CoverageReport:
    """What the answers sets exercise: clauses included, and each condition seen true and false."""

    answers: list[str]
    clauses: dict[str, _Seen] = field(default_factory=dict)  # clause id → answers sets including / excluding it
    schedules: dict[str, tuple[str, _Seen]] = field(default_factory=dict)  # "documents/x.yaml Part 1" → condition
    produced: dict[DocumentKind, set[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    library: Library | None = None

    def gaps(self) -> list[str]:
        """Every gap, one readable line each, clause by clause."""
        assert self.library is not None
        where = placements(self.library)
        out: list[str] = []
        for clause_id in sorted(self.library.clauses):
            clause = self.library.clauses[clause_id]
            seen = self.clauses.get(clause_id, _Seen())
            condition = clause.meta.condition.strip()
            trivial = condition == "true"
            if not seen.true:
                kinds = sorted({p.document.value for p in where.get(clause_id, [])})
                if not kinds:
                    reason = "no document includes it"
                elif not any(self.produced.get(DocumentKind(k)) for k in kinds):
                    reason = f"no answers set produces {' or '.join(kinds)}"
                elif not seen.false:
                    reason = "it is in a schedule or part that no answers set reaches (condition false or no items)"
                else:
                    reason = f"its condition `{condition}` is never true"
                out.append(f"{clause_id}: never included — {reason}")
            elif not trivial and not seen.false:
                out.append(f"{clause_id}: condition `{condition}` is never false — add an answers set where it is")
        for name, (condition, seen) in sorted(self.schedules.items()):
            for value, sets in (("true", seen.true), ("false", seen.false)):
                if not sets:
                    out.append(f"{name}: condition `{condition}` is never {value}")
        return out + self.errors


def default_answers_files(project: Path) -> list[Path]:
    """answers/*.yaml and every tests/fixtures/**/answers*.yaml under ``project``."""
    found = sorted((project / "answers").glob("*.yaml")) + sorted(
        (project / "tests" / "fixtures").rglob("answers*.yaml")
    )
    return list(dict.fromkeys(found))


def coverage(library: Library, answers_files: list[Path], *, base: Path | None = None) -> CoverageReport:
    """Compose every produced document of every answers file (no .docx) and record what each includes."""
    from .answers_file import load_answers

    env = make_environment(library=library)
    names = [_relative(p, base) for p in answers_files]
    report = CoverageReport(answers=names, library=library)
    for path, name in zip(answers_files, names, strict=True):
        try:
            answers = load_answers(path).answers
        except InputError as exc:
            report.errors.append(f"{name}: cannot be loaded: {exc.lines()[0]}")
            continue
        for kind in DocumentKind:
            doc = library.documents.get(kind)
            if doc is None or not answers.documents.get(kind).produce:
                continue
            report.produced.setdefault(kind, set()).add(name)
            _cover_schedules(report, env, doc, answers, name)
            try:
                composed = compose_document(library, doc, answers, [], env=env)
            except LibraryError as exc:
                report.errors.append(f"{name}: {kind.value}: cannot be composed: {exc.lines()[0]}")
                continue
            for record in composed.included:
                report.clauses.setdefault(record.id, _Seen()).true.add(name)
            for record in composed.excluded:
                report.clauses.setdefault(record.id, _Seen()).false.add(name)
    return report


def _cover_schedules(report: CoverageReport, env: Any, doc: DocumentDef, answers: Answers, name: str) -> None:
    context = answers_context(answers, doc)
    where = f"documents/{doc.kind}.yaml"
    for section, _ids, schedule in _sections(doc):
        if schedule is None or schedule.condition.strip() == "true":
            continue
        key = f"{where} {section}"
        seen = report.schedules.setdefault(key, (schedule.condition, _Seen()))[1]
        try:
            value = evaluate(env, schedule.condition, context, where=where)
        except LibraryError as exc:
            report.errors.append(f"{name}: {key}: {exc.lines()[0]}")
            continue
        (seen.true if value else seen.false).add(name)


def _relative(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            pass
    return str(path)
