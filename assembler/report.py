"""The assembly report: per document the clauses included and why, placeholders left, warnings; provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from .compose import ComposedDocument
from .library import Library
from .rules import Finding

__all__ = ["build_report", "model_json", "report_json", "summary_lines"]


def build_report(
    *,
    answers_path: Path,
    digest: str,
    library: Library,
    documents: list[ComposedDocument],
    files: list[Path],
    findings: list[Finding],
    clean: bool,
    pdf: str | None = None,
    diagram: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The report's contents; ``pdf`` says what came of ``--pdf`` (left out when PDFs were not asked for)."""
    return {
        "answers_file": str(answers_path),
        "answers_sha256": digest,
        "library": {"name": library.info.name, "version": library.version},
        "clean": clean,
        "findings": [f.as_dict() for f in findings],
        "diagram": diagram or {"files": [], "message": ""},
        "documents": [
            {
                "kind": doc.kind.value,
                "title": doc.definition.title,
                "file": files[i].name if i < len(files) else None,
                "clauses": [
                    {
                        "id": c.id,
                        "title": c.title,
                        "version": c.version,
                        "condition": c.condition,
                        "section": c.section or "body",
                    }
                    for c in doc.included
                ],
                "excluded": [{"id": c.id, "condition": c.condition} for c in doc.excluded],
                "defined_terms": doc.terms,
                "placeholders": doc.placeholders,
                "broken_references": doc.broken_refs,
                "warnings": [f.rule for f in doc.warnings],
            }
            for i, doc in enumerate(documents)
        ],
        **({"pdf": pdf} if pdf is not None else {}),
    }


def report_json(report: dict[str, Any]) -> str:
    """The report as people read it: indented by two, keys in the report's order, UTF-8 (what
    ``json.dumps(report, indent=2, ensure_ascii=False)`` writes, but the standard library indents in Python)."""
    return orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode("utf-8") + "\n"


def model_json(documents: list[ComposedDocument], files: list[Path]) -> bytes:
    """The composed documents (the document model) as stable JSON: what a later build compares against."""
    model = [
        {
            "kind": doc.kind.value,
            "title": doc.definition.title,
            "file": files[i].name if i < len(files) else None,
            "cover": doc.cover,
            "blocks": doc.blocks,
            "included": doc.included,
            "excluded": doc.excluded,
            "placeholders": doc.placeholders,
            "terms": doc.terms,
            "toc": doc.toc,
            "anchors": dict(sorted(doc.anchors.items())),
            "broken_references": doc.broken_refs,
            "warnings": [f.rule for f in doc.warnings],
        }
        for i, doc in enumerate(documents)
    ]
    # Compact UTF-8, every dataclass as the map of its fields in order (what ``dataclasses.asdict`` gives), written
    # by orjson: the model of a pack is about 1 MB of short strings, which the standard library's encoder took
    # 15-20 ms a build to write (a tenth of the build) and orjson writes in 3 ms, byte for byte the same text
    # as ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``.
    return orjson.dumps({"format": 1, "documents": model}, default=str) + b"\n"


def summary_lines(report: dict[str, Any]) -> list[str]:
    """A short human summary for the terminal."""
    lines = []
    for doc in report["documents"]:
        lines.append(
            f"{doc['file']}: {len(doc['clauses'])} clauses, {len(doc['defined_terms'])} defined terms, "
            f"{len(doc['placeholders'])} placeholder(s) [●] to complete"
        )
    warnings = [f for f in report["findings"] if f["severity"] == "warning"]
    if warnings:
        lines.append(f"{len(warnings)} warning(s) from the governance check carried into the drafts as notes")
    return lines
