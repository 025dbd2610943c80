"""An earlier pack read back: its answers snapshot and its document model, as the redline and impact commands need.

A pack keeps, beside its documents, ``.assembler/answers.yaml`` (the answers it was built from, byte for byte) and
``.assembler/model.json`` (the composed documents: blocks, cover, clauses included with their versions...), or
``answers-clean.yaml`` / ``model-clean.json`` for the clean copies. This module is the one place that reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from .answers_file import LoadedAnswers, parse_answers
from .compose import Anchor, ComposedDocument, IncludedClause
from .docmodel import Block, BlockKind, Run, RunKind
from .errors import InputError
from .library import Library
from .model import DocumentKind
from .pack import TOOL_DIR
from .rules import Finding, Severity, check, concerns

__all__ = ["PreviousPack", "StoredDocument", "load_previous", "snapshot_paths"]


class _Stored(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoredRun(_Stored):
    kind: RunKind
    text: str
    value: str = ""


class StoredBlock(_Stored):
    kind: BlockKind
    runs: list[StoredRun]
    level: int
    anchors: list[str]
    rows: list[list[list[StoredRun]]]
    number: str
    section: str
    clause_id: str
    term: str


class StoredClause(_Stored):
    id: str
    title: str
    version: str
    condition: str
    section: str


class StoredAnchor(_Stored):
    number: str
    section: str


class StoredDocument(_Stored):
    kind: DocumentKind
    title: str
    file: str | None
    cover: dict[str, Any]
    blocks: list[StoredBlock]
    included: list[StoredClause]
    excluded: list[StoredClause]
    placeholders: list[str]
    terms: list[str]
    toc: list[tuple[str, str]]
    anchors: dict[str, StoredAnchor]
    broken_references: list[str]
    warnings: list[str]


class StoredModel(_Stored):
    format: Literal[1]
    documents: list[StoredDocument]


@dataclass
class PreviousPack:
    """An earlier build, read from its pack folder."""

    folder: Path
    answers: LoadedAnswers
    model: StoredModel

    def documents(self, library: Library) -> dict[DocumentKind, ComposedDocument]:
        """The earlier documents as composed documents (their warnings are the rules' findings on the old answers)."""
        findings = check(self.answers.answers)
        return {d.kind: composed_from_stored(d, library, findings) for d in self.model.documents}

    def file_names(self) -> dict[DocumentKind, str]:
        return {d.kind: d.file for d in self.model.documents if d.file}


def snapshot_paths(folder: Path, *, clean: bool = False) -> tuple[Path, Path]:
    """Where a pack keeps its answers snapshot and its document model."""
    suffix = "-clean" if clean else ""
    return folder / TOOL_DIR / f"answers{suffix}.yaml", folder / TOOL_DIR / f"model{suffix}.json"


def load_previous(folder: Path | str, *, clean: bool = False) -> PreviousPack:
    """Read the pack in ``folder``; a folder without the snapshot or the model is refused in one line."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError.single(path=folder, what="no such folder", fix="give the folder of an earlier build")
    answers_path, model_path = snapshot_paths(folder, clean=clean)
    missing = [str(p.relative_to(folder)) for p in (answers_path, model_path) if not p.is_file()]
    if missing:
        raise InputError.single(
            path=folder,
            what=f"built before packs kept their answers and document model ({' and '.join(missing)} missing)",
            fix="build it again with this version, which keeps them",
        )
    try:
        text = answers_path.read_text(encoding="utf-8")
        raw = json.loads(model_path.read_bytes())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError.single(
            path=model_path, what=f"cannot be read ({exc})", fix="rebuild the earlier pack"
        ) from None
    try:
        model = StoredModel.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError.single(
            path=model_path,
            where=where,
            what=f"not a document model this version reads ({first['msg']})",
            fix="rebuild the earlier pack with this version",
        ) from None
    return PreviousPack(folder, parse_answers(text, name=str(answers_path), path=answers_path), model)


def _runs(runs: list[StoredRun]) -> list[Run]:
    return [Run(r.kind, r.text, r.value) for r in runs]


def composed_from_stored(doc: StoredDocument, library: Library, findings: list[Finding]) -> ComposedDocument:
    """A stored document as the composed document the writer takes."""
    blocks = [
        Block(
            kind=b.kind,
            runs=_runs(b.runs),
            level=b.level,
            anchors=list(b.anchors),
            rows=[[_runs(cell) for cell in row] for row in b.rows],
            number=b.number,
            section=b.section,
            clause_id=b.clause_id,
            term=b.term,
        )
        for b in doc.blocks
    ]
    definition = library.documents[doc.kind].model_copy(update={"title": doc.title})
    return ComposedDocument(
        definition=definition,
        blocks=blocks,
        cover=dict(doc.cover),
        included=[IncludedClause(**c.model_dump()) for c in doc.included],
        excluded=[IncludedClause(**c.model_dump()) for c in doc.excluded],
        placeholders=list(doc.placeholders),
        warnings=[f for f in findings if f.severity is Severity.WARNING and concerns(f, doc.kind)],
        anchors={name: Anchor(a.number, a.section) for name, a in doc.anchors.items()},
        toc=list(doc.toc),
        terms=list(doc.terms),
        broken_refs=list(doc.broken_references),
    )
