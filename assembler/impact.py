"""What a library change does to packs already sent: per pack, which of its clauses changed in the current library
since it was built (from the clause ids and versions it stored), and whether rebuilding it from its answers
snapshot would change each document (composed again with the current library and compared with its stored model).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compose import ComposedDocument, compose_pack
from .library import Library
from .model import DocumentKind
from .previous import PreviousPack, load_previous
from .redline import model_changes, model_clause_changes
from .rendering import answers_context, make_environment
from .rules import check, errors_in

__all__ = ["DocumentImpact", "PackImpact", "pack_impact"]


@dataclass
class DocumentImpact:
    kind: DocumentKind
    file: str | None
    library_changes: list[dict[str, Any]]  # clauses of the pack changed in the library since: id, old, new version
    rebuild: str  # "unchanged", "would change", or "not built now" (the answers no longer produce it)
    changed_clauses: list[str] = field(default_factory=list)  # clauses a rebuild would word differently

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "file": self.file,
            "library_changes": self.library_changes,
            "rebuild": self.rebuild,
            "changed_clauses": self.changed_clauses,
        }


@dataclass
class PackImpact:
    folder: Path
    built_with: str | None  # the library version the pack was built with, where its manifest says
    library_version: str
    documents: list[DocumentImpact]
    problem: str = ""  # why the pack cannot be rebuilt as it was (the rules now find errors in its answers)

    @property
    def changes(self) -> bool:
        return bool(self.problem) or any(d.rebuild != "unchanged" for d in self.documents)

    def as_dict(self) -> dict[str, Any]:
        return {
            "pack": str(self.folder),
            "built_with_library": self.built_with,
            "library": self.library_version,
            "would_change": self.changes,
            "problem": self.problem or None,
            "documents": [d.as_dict() for d in self.documents],
        }


def _built_with(folder: Path) -> str | None:
    try:
        manifest = json.loads((folder / "pack-manifest.json").read_bytes())
    except (OSError, ValueError):
        return None
    version = manifest.get("library_version") if isinstance(manifest, dict) else None
    return version if isinstance(version, str) else None


def _recomposed(pack: PreviousPack, library: Library) -> dict[DocumentKind, ComposedDocument] | str:
    """The pack's documents composed again from its answers with ``library`` (or why that cannot be done)."""
    answers = pack.answers.answers
    findings = check(answers)
    if errors_in(findings):
        rules = ", ".join(sorted({f.rule for f in errors_in(findings)}))
        return f"the governance rules now find errors in its answers ({rules}): it cannot be rebuilt as it was"
    env = library.derived.get("environment")
    if env is None:
        env = library.derived["environment"] = make_environment(library=library)
    kinds = [d.kind for d in pack.model.documents if d.kind in library.documents]
    composed = compose_pack(library, answers, findings, env=env, kinds=kinds, base_context=answers_context(answers))
    return {kind: doc for kind, doc in composed.items() if kind in kinds}


def pack_impact(folder: Path | str, library: Library) -> PackImpact:
    """The impact of ``library`` on the pack in ``folder`` (``InputError`` if it kept no answers or model)."""
    pack = load_previous(folder)
    old_documents = pack.documents(library)
    recomposed = _recomposed(pack, library)
    documents = []
    for stored in pack.model.documents:
        changed: list[dict[str, Any]] = []
        for clause in stored.included:
            current = library.clauses.get(clause.id)
            now = current.meta.version if current is not None else None
            if now != clause.version and not any(c["id"] == clause.id for c in changed):
                changed.append({"id": clause.id, "old": clause.version, "new": now})
        if isinstance(recomposed, str):
            documents.append(DocumentImpact(stored.kind, stored.file, changed, "unknown"))
            continue
        new = recomposed.get(stored.kind)
        if new is None:
            documents.append(DocumentImpact(stored.kind, stored.file, changed, "not built now"))
            continue
        old = old_documents[stored.kind]
        if not model_changes(old, new):
            documents.append(DocumentImpact(stored.kind, stored.file, changed, "unchanged"))
            continue
        clauses = list(dict.fromkeys(c.clause_id or c.part for c in model_clause_changes(old, new)))
        documents.append(DocumentImpact(stored.kind, stored.file, changed, "would change", clauses))
    return PackImpact(
        folder=pack.folder,
        built_with=_built_with(pack.folder),
        library_version=library.version,
        documents=documents,
        problem=recomposed if isinstance(recomposed, str) else "",
    )
