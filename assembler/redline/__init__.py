"""Redlines: an earlier draft changed into the new one with Word's own tracked changes, from two document models.

Both drafts are written by the house writer one model block at a time, so every body element (paragraph or table)
is labelled with the clause it comes from, the schedule it sits in and its anchor or defined term. Three
alignments follow, each with ``difflib``: the clauses (a clause that moved or went shows as deleted where it was
and inserted where it is, and everything around it stays matched), then the paragraphs inside a matched clause (by
anchor or term, else by text), then the words inside a matched paragraph. The redline is the new document's package
with its body replaced by the merged body: ``w:ins`` / ``w:del`` around words and paragraph marks, ``w:pPrChange``
where a paragraph's style or numbering changed, ``w:ins`` / ``w:del`` in ``w:trPr`` for table rows. Accept All
gives the new document and Reject All the old one.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..compose import ComposedDocument
from ..docx_writer import write_docx
from ..package import normalise_package
from ._merge import _merge, _merge_numbering, _Merger, _number_annotations
from ._units import (
    PART_CONTENTS,
    PART_COVER,
    PART_WARNINGS,
    ClauseChange,
    _cover_units,
    _rendered,
    _schedule_renames,
    _sliced,
    _Unit,
    block_sections,
    model_changes,
    model_clause_changes,
    new_picture,
)
from ._xml import _BM_START, _BODY, _NAME, AUTHOR, _element_text

__all__ = [
    "AUTHOR",
    "PART_CONTENTS",
    "PART_COVER",
    "PART_WARNINGS",
    "ClauseChange",
    "Redline",
    "block_sections",
    "cover_elements",
    "model_changes",
    "model_clause_changes",
    "redline_document",
]


@dataclass
class Redline:
    """A document's redline (None when the two drafts read the same) and what changed in it."""

    data: bytes | None
    changes: list[ClauseChange] = field(default_factory=list)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _custom_properties(parts: dict[str, bytes]) -> dict[str, str]:
    data = parts.get("docProps/custom.xml")
    if data is None:
        return {}
    root = etree.fromstring(data)
    return {str(p.get("name")): "".join(str(t) for t in p.itertext()) for p in root if p.get("name")}


def redline_document(
    old: ComposedDocument,
    new: ComposedDocument,
    new_docx: bytes,
    *,
    template: Path,
    clean: bool,
    date: str | None,
    old_cover: list[Any] | None = None,
    properties: dict[str, str] | None = None,
) -> Redline:
    """The redline of ``old`` changed into ``new`` (``new_docx``: the new document as built), or no redline.

    ``old_cover``: the old document's cover-page elements, when its cover differs from the new one's (they are
    taken from the new document otherwise). ``date``: the tracked changes' date (``YYYY-MM-DDTHH:MM:SSZ``)."""
    if not model_changes(old, new):
        return Redline(None, [])
    parts = _parts(new_docx)
    document = etree.fromstring(parts["word/document.xml"])
    body: Any = document.find(_BODY)
    numbering = etree.fromstring(parts["word/numbering.xml"])
    picture = new_picture(body)
    old_side = _rendered(old, template, clean=clean, picture=picture)
    new_side = _sliced(new, body, numbering, clean=clean) or _rendered(new, template, clean=clean, picture=picture)
    renames = _schedule_renames(old_side.sections, new_side.sections)
    for unit in old_side.units if renames else []:
        unit.group = (renames.get(unit.group[0], unit.group[0]), *unit.group[1:])
    new_cover, tail = _cover_units(body, len(new_side.units))
    old_cover_units = (
        [_Unit(("", PART_COVER), ("x", _element_text(e)), e) for e in old_cover]
        if old_cover is not None
        else [_Unit(u.group, u.key, u.element) for u in new_cover]
    )
    new_bookmarks = {b.get(_NAME) for u in new_cover + new_side.units for b in u.element.iter(_BM_START)}
    merger = _Merger(date, new_bookmarks)
    _merge(merger, old_cover_units + old_side.units, new_cover + new_side.units)
    if not merger.changes:
        return Redline(None, [])
    merger.settle_end()
    reported = [c for c in merger.changes if c.part != PART_CONTENTS and c.part != "#page_break"]
    for child in list(body):
        body.remove(child)
    body.extend(merger.out)
    body.extend(tail)
    _number_annotations(body)
    _merge_numbering(numbering, old_side.numbering)
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/numbering.xml"] = etree.tostring(numbering, xml_declaration=True, encoding="UTF-8", standalone=True)
    custom = {**_custom_properties(parts), **(properties or {})}
    return Redline(normalise_package(parts, custom), reported)


def cover_elements(composed: ComposedDocument, template: Path, *, clean: bool) -> list[Any]:
    """A document's cover-page elements (to pass as ``old_cover``): the house template's front matter filled in
    for it, written without the body (which is all the writer adds after it)."""
    bare = dataclasses.replace(composed, blocks=[], toc=[], warnings=[])
    body = etree.fromstring(_parts(write_docx(bare, template, properties={}, clean=clean))["word/document.xml"])
    return [u.element for u in _cover_units(body.find(_BODY), 0)[0]]
