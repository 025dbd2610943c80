"""Checks on a pack folder shared by the fast tests and the kill test: is it one complete build?"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from lxml import etree

from assembler.pack import verify

_VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"


def custom_properties(path: Path) -> dict[str, str]:
    """A .docx file's custom document properties (where the build records its provenance)."""
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("docProps/custom.xml"))
    return {p.get("name", ""): "".join(p.itertext()) for p in root if p.find(f"{_VT}lpwstr") is not None}


def from_one_build(out: Path, variant: str = "") -> str:
    """The answers hash on which the manifest, the report and every document agree (asserts that they do, and
    that the files are exactly the ones the manifest names)."""
    problems = verify(out, variant)
    assert problems == [], problems
    manifest = json.loads((out / f"pack-manifest{variant}.json").read_text(encoding="utf-8"))
    report = json.loads((out / manifest["report"]).read_text(encoding="utf-8"))
    digests = {manifest["answers_sha256"], report["answers_sha256"]}
    papers = sorted(manifest.get("papers", []))  # the board papers: from the same build, not among the documents
    documents = [f["path"] for f in manifest["files"] if f["path"].endswith(".docx") and f["path"] not in papers]
    assert sorted(documents) == sorted(d["file"] for d in report["documents"])
    for name in [*documents, *papers]:
        digests.add(custom_properties(out / name)["assembler.answers_sha256"])
    assert len(digests) == 1, f"{out}: files from more than one build: {digests}"
    return digests.pop()
