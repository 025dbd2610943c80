"""Redlines read back with their tracked changes resolved (``assembler.tracked.resolve``), as Word's Accept All /
Reject All would.

Handles what a redline may hold: ``w:ins`` / ``w:del`` / ``w:moveFrom`` / ``w:moveTo`` around content, the same as
markers on a paragraph mark (``w:pPr/w:rPr``), a table row (``w:trPr``) or numbering (``w:numPr``), and
``w:pPrChange`` (a paragraph's earlier style and numbering). A paragraph whose mark goes joins the next paragraph
and takes its properties, as in Word; the body's last paragraph keeps its mark.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from assembler.tracked import resolve

from .docx_reading import Docx, read, w


def resolved(path: Path, *, accept: bool, into: Path) -> Docx:
    """The document at ``path`` with its changes accepted (or rejected), written to ``into`` and read back."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    document = resolve(etree.fromstring(parts["word/document.xml"]), accept=accept)
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    into.write_bytes(buffer.getvalue())
    return read(into)


def visible(doc: Docx) -> list[tuple[str, str, str]]:
    """Each paragraph's style, number as Word computes it, and text; trailing empty paragraphs left out."""
    lines = [(p.style, p.number, p.text) for p in doc.paragraphs]
    while lines and not lines[-1][2] and not lines[-1][1]:
        lines.pop()
    return lines


def has_revisions(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
    return any(True for _ in document.iter(w("ins"), w("del"), w("pPrChange")))


def tracked_characters(path: Path) -> int:
    """How many characters of text the redline marks inserted or deleted."""
    with zipfile.ZipFile(path) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
    inserted = sum(len(t.text or "") for ins in document.iter(w("ins")) for t in ins.iter(w("t")))
    deleted = sum(len(t.text or "") for node in document.iter(w("del")) for t in node.iter(w("delText")))
    return inserted + deleted
