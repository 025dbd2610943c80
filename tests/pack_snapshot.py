"""Until the pack manifest (issue 11b) writes them: an earlier build's answers snapshot and document model, in the
pack's format (``.assembler/answers.yaml``, ``.assembler/model.json``), for the comparison tests."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from assembler.assembly import BuildResult


def snapshot(result: BuildResult, answers_text: str, *, clean: bool = False) -> Path:
    suffix = "-clean" if clean else ""
    tool = result.out_dir / ".assembler"
    tool.mkdir(parents=True, exist_ok=True)
    (tool / f"answers{suffix}.yaml").write_text(answers_text, encoding="utf-8")
    model = [
        {
            "kind": doc.kind.value,
            "title": doc.definition.title,
            "file": result.written[i].name if i < len(result.written) else None,
            "cover": doc.cover,
            "blocks": [dataclasses.asdict(block) for block in doc.blocks],
            "included": [dataclasses.asdict(c) for c in doc.included],
            "excluded": [dataclasses.asdict(c) for c in doc.excluded],
            "placeholders": doc.placeholders,
            "terms": doc.terms,
            "toc": doc.toc,
            "anchors": {name: dataclasses.asdict(a) for name, a in sorted(doc.anchors.items())},
            "broken_references": doc.broken_refs,
            "warnings": [f.rule for f in doc.warnings],
        }
        for i, doc in enumerate(result.documents)
    ]
    text = json.dumps({"format": 1, "documents": model}, indent=1, ensure_ascii=False, default=str)
    (tool / f"model{suffix}.json").write_text(text + "\n", encoding="utf-8")
    return result.out_dir
