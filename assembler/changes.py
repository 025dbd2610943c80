"""What changed since an earlier pack: a redline per changed document, and each changed clause with its reasons.

The reasons are the answers that changed (old and new value) and the clause versions that changed. An answer is
given as a clause's reason when its old value shows in the clause's old text and not in its new text, or its new
value in the new text and not in the old (how a value shows: as written, or as a number in words and figures). A
clause that changed for neither reason says so: it follows from the other changes (numbering, cross-references,
facts derived from several answers).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compose import ComposedDocument
from .errors import InputError
from .model import Answers, DocumentKind
from .redline import (
    PART_COVER,
    PART_WARNINGS,
    ClauseChange,
    block_sections,
    cover_elements,
    model_changes,
    redline_document,
)

__all__ = ["Comparison", "DocumentComparison", "compare_documents", "revision_date"]

REDLINE_DIR = "redline"
_IDENTITY = ("short_name", "id", "name", "title")


@dataclass
class DocumentComparison:
    kind: DocumentKind
    status: str  # "changed", "unchanged", "new" (not in the earlier pack), "not built" (in it, not now)
    file: str | None = None
    redline: str | None = None  # the redline's name inside the pack, e.g. "redline/x.docx"
    data: bytes | None = None
    clauses: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Comparison:
    previous: Path
    answers: list[dict[str, Any]]  # every answer that changed: field, old, new
    documents: list[DocumentComparison]

    def redlines(self) -> list[tuple[str, bytes]]:
        return [(d.redline, d.data) for d in self.documents if d.redline and d.data is not None]

    def report(self) -> dict[str, Any]:
        """The assembly report's ``changes`` section."""
        return {
            "previous": str(self.previous),
            "answers": self.answers,
            "documents": [
                {
                    "kind": d.kind.value,
                    "status": d.status,
                    "file": d.file,
                    "redline": d.redline,
                    "clauses": d.clauses,
                }
                for d in self.documents
            ],
        }


def revision_date(answers: Answers) -> str | None:
    """The tracked changes' date: the answers' date, else ``SOURCE_DATE_EPOCH``, else none (never the clock)."""
    date = answers.collaborative.effective_date
    if date is not None:
        return f"{date:%Y-%m-%d}T00:00:00Z"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise InputError.single(
            path="SOURCE_DATE_EPOCH", what=f"{epoch!r} is not a number of seconds", fix="set it to e.g. 1700000000"
        ) from None
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


# ----------------------------------------------------------------------------------------------- answers


def _identity(item: Any, index: int) -> str:
    if isinstance(item, dict):
        if isinstance(item.get("party"), str) and isinstance(item.get("role"), str):
            return f"{item['party']}/{item['role']}"
        for key in _IDENTITY:
            if isinstance(item.get(key), str):
                return str(item[key])
    return str(index)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Answers as ``field path → value``; list items by their name (``parties[EPUT].name``) where they have one."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        names = [_identity(v, i) for i, v in enumerate(value)]
        if len(set(names)) != len(names):
            names = [str(i) for i in range(len(value))]
        for name, item in zip(names, value, strict=True):
            out.update(flatten(item, f"{prefix}[{name}]"))
    else:
        out[prefix] = value
    return out


def answer_changes(old: Answers, new: Answers) -> list[dict[str, Any]]:
    before, after = flatten(old.model_dump(mode="json")), flatten(new.model_dump(mode="json"))
    return [
        {"field": name, "old": before.get(name), "new": after.get(name)}
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    ]


def _shows(value: Any, text: str) -> bool:
    """Whether an answer's value shows in a clause's text."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        # As the clauses write numbers: "three (3)", "75 per cent", "£250,000" (a bare figure would match too much).
        figure = re.escape(f"{value:g}" if isinstance(value, float) else str(value))
        money = re.escape(f"£{value:,}")
        pattern = rf"\({figure}\)|(?<![\d.,]){figure}(?:\s*per cent|%)|{money}(?![\d,])"
        return re.search(pattern, text) is not None
    if isinstance(value, list):
        return any(_shows(v, text) for v in value)
    value = str(value)
    return len(value) >= 3 and value.casefold() in text.casefold()


def _traced(old: Any, new: Any, before: str, after: str) -> bool:
    """Whether an answer's change shows in a clause's change: its old value went from the text, or its new value
    came into it (for a list, the items that went or came; for a list reordered, items that show in both)."""
    if isinstance(old, list) or isinstance(new, list):
        was, now = (old if isinstance(old, list) else []), (new if isinstance(new, list) else [])
        gone, came = [x for x in was if x not in now], [x for x in now if x not in was]
        if not gone and not came:
            return any(_shows(x, before) for x in was) and any(_shows(x, after) for x in now)
        return any(_shows(x, before) and not _shows(x, after) for x in gone) or any(
            _shows(x, after) and not _shows(x, before) for x in came
        )
    return (_shows(old, before) and not _shows(old, after)) or (_shows(new, after) and not _shows(new, before))


# ----------------------------------------------------------------------------------------------- clauses


def _clause_texts(doc: ComposedDocument) -> dict[tuple[str, str], str]:
    """Each clause's text by id and part (as a clause change names them); the cover page and the governance
    notes under their part names."""
    texts: dict[tuple[str, str], list[str]] = {
        ("", PART_COVER): [str(v) for v in doc.cover.values()],
        ("", PART_WARNINGS): [f"{f.text()} {f.fix}" for f in doc.warnings],
    }
    for block, section in zip(doc.blocks, block_sections(doc.blocks), strict=True):
        parts = [block.term, block.plain()] + ["".join(r.text for r in cell) for row in block.rows for cell in row]
        texts.setdefault((block.clause_id, section or "body"), []).append(" ".join(parts))
    return {k: "\n".join(v) for k, v in texts.items()}


def _clause_entries(
    changes: list[ClauseChange], old: ComposedDocument, new: ComposedDocument, answers: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    old_versions = {c.id: (c.version, c.title) for c in old.included}
    new_versions = {c.id: (c.version, c.title) for c in new.included}
    old_text, new_text = _clause_texts(old), _clause_texts(new)
    entries = []
    for change in changes:
        cid = change.clause_id
        was, now = old_versions.get(cid), new_versions.get(cid)
        before, after = old_text.get((cid, change.part), ""), new_text.get((cid, change.part), "")
        reasons = [a for a in answers if _traced(a["old"], a["new"], before, after)]
        versions = {"old": was[0], "new": now[0]} if was and now and was[0] != now[0] else None
        entry: dict[str, Any] = {
            "id": cid or None,
            "title": (now or was or ("", change.part))[1],
            "part": change.part,
            "change": change.change,
            "versions": versions,
            "answers": reasons,
        }
        if not reasons and versions is None:
            entry["note"] = "follows from the other changes (numbering, cross-references or derived facts)"
        entries.append(entry)
    return entries


def compare_documents(
    *,
    previous: Path,
    old_answers: Answers,
    new_answers: Answers,
    old_documents: dict[DocumentKind, ComposedDocument],
    old_files: dict[DocumentKind, str],
    built: list[tuple[ComposedDocument, str, bytes]],
    templates: Path,
    clean: bool,
    properties: dict[DocumentKind, dict[str, str]],
) -> Comparison:
    """Compare the documents just built (composed document, file name, bytes) with the earlier pack's."""
    answers = answer_changes(old_answers, new_answers)
    date = revision_date(new_answers)
    documents: list[DocumentComparison] = []
    new_kinds = set()
    for new, name, data in built:
        new_kinds.add(new.kind)
        old = old_documents.get(new.kind)
        if old is None:
            documents.append(DocumentComparison(new.kind, "new", name))
            continue
        if not model_changes(old, new):
            documents.append(DocumentComparison(new.kind, "unchanged", name))
            continue
        template = templates / new.definition.template
        old_cover = None
        if old.cover != new.cover:  # the cover page comes from the house template: fill it in for the old one
            old_cover = cover_elements(old, template, clean=clean)
        redline = redline_document(
            old,
            new,
            data,
            template=template,
            clean=clean,
            date=date,
            old_cover=old_cover,
            properties={**properties.get(new.kind, {}), "assembler.redline_of": str(previous)},
        )
        if redline.data is None:
            documents.append(DocumentComparison(new.kind, "unchanged", name))
            continue
        documents.append(
            DocumentComparison(
                new.kind,
                "changed",
                name,
                f"{REDLINE_DIR}/{name}",
                redline.data,
                _clause_entries(redline.changes, old, new, answers),
            )
        )
    for kind in old_documents:
        if kind not in new_kinds:
            documents.append(DocumentComparison(kind, "not built", old_files.get(kind)))
    documents.sort(key=lambda d: list(DocumentKind).index(d.kind))
    return Comparison(previous, answers, documents)


def summary_rows(changes: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The ``changes`` section as short table rows: document, clause, change, why."""
    rows = []
    for doc in changes["documents"]:
        if doc["status"] != "changed":
            why = {
                "unchanged": "no redline",
                "new": "not in the earlier pack",
                "not built": "in the earlier pack, not built now",
            }[doc["status"]]
            rows.append((doc["kind"], "", doc["status"], why))
            continue
        for clause in doc["clauses"]:
            reasons = [_answer_change(a) for a in clause["answers"]]
            if clause["versions"]:
                reasons.append(f"version {clause['versions']['old']} → {clause['versions']['new']}")
            label = clause["id"] or clause["part"]
            if clause["id"] and clause["part"] != "body":
                label += f" ({clause['part']})"
            rows.append((doc["kind"], label, clause["change"], "; ".join(reasons) or clause.get("note", "")))
    return rows


def _answer_change(answer: dict[str, Any]) -> str:
    """``field: old → new``; for a list, the items that went (−) and came (+)."""
    old, new = answer["old"], answer["new"]
    if isinstance(old, list) or isinstance(new, list):
        was, now = (old if isinstance(old, list) else []), (new if isinstance(new, list) else [])
        items = [f"−{_short(x)}" for x in was if x not in now] + [f"+{_short(x)}" for x in now if x not in was]
        return f"{answer['field']}: {', '.join(items) or 'reordered'}"
    return f"{answer['field']}: {_short(old)} → {_short(new)}"


def _short(value: Any) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= 40 else text[:39] + "…"
