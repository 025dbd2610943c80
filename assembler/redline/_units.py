"""A composed document's body as labelled units: each element with its clause, schedule and anchor."""

from __future__ import annotations

import copy
import difflib
import functools
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ..compose import ComposedDocument
from ..docmodel import Block, BlockKind
from ..docx_writer import _BodyWriter, figure_names  # _BodyWriter: the writer's own block-by-block body writer
from ..ooxml import W, qn
from ._xml import _DRAWING, _IDS, _SECTPR, _element_text, _xml

PART_COVER, PART_CONTENTS, PART_WARNINGS = "cover page", "contents", "points from the governance check"


@dataclass(frozen=True)
class ClauseChange:
    """One clause (or other part) of a document that differs between two builds."""

    clause_id: str  # "" for a part that is no clause: the cover page, the points from the governance check
    part: str  # "body", a schedule's title, or the part's name
    change: str  # "changed", "added", "removed" or "moved"


@dataclass
class _Unit:
    """One body element with what the model says about it."""

    group: tuple[str, ...]  # the clause (or part) it belongs to, with its schedule
    key: tuple[str, ...]  # what identifies it inside the group: anchor, term, or kind and text
    element: Any
    _signature: bytes | None = None

    def signature(self) -> bytes:
        """Its XML without bookmark ids (which count from the start of each document)."""
        if self._signature is None:
            self._signature = _IDS.sub(b"", _xml(self.element))
        return self._signature


@dataclass
class _Side:
    units: list[_Unit]
    numbering: Any
    sections: list[str]  # schedule titles in order: what a schedule is known by across the two drafts


def _schedule_title(block: Block) -> str:
    text = block.plain()
    return text.split(": ", 1)[1] if ": " in text else text


def block_sections(blocks: list[Block]) -> list[str]:
    """Each block's section identity: "" for the body, else its schedule's title (without its number)."""
    out: list[str] = []
    current = ""
    for index, block in enumerate(blocks):
        if block.kind is BlockKind.SCHEDULE:
            current = _schedule_title(block) if block.runs else ""
        elif block.kind is BlockKind.PAGE_BREAK:
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is not None and following.kind is BlockKind.SCHEDULE and following.runs:
                out.append(_schedule_title(following))
                continue
        out.append(current)
    return out


@functools.cache
def _template_numbering(template: Path) -> bytes:
    with zipfile.ZipFile(template) as archive:
        return archive.read("word/numbering.xml")


def _label(composed: ComposedDocument, chunks: list[list[Any]], numbering: Any) -> _Side:
    """Label each element: ``chunks`` holds the contents' elements, the governance notes', then each block's."""
    units: list[_Unit] = []

    def take(elements: list[Any], group: tuple[str, ...], block: Block | None) -> None:
        for index, element in enumerate(elements):
            if block is not None and block.anchors:
                key: tuple[str, ...] = ("a", block.anchors[0], str(index))
            elif block is not None and block.term:
                key = ("t", block.term, str(index))
            else:
                kind = block.kind.value if block is not None else ""
                level = str(block.level) if block is not None else ""
                key = ("x", kind, level, _element_text(element))
            units.append(_Unit(group, key, element))

    take(chunks[0], ("", PART_CONTENTS), None)
    take(chunks[1], ("", PART_WARNINGS), None)
    sections = block_sections(composed.blocks)
    for block, section, elements in zip(composed.blocks, sections, chunks[2:], strict=True):
        take(elements, (section, block.clause_id or "#" + block.kind.value), block)
    titles = [_schedule_title(b) for b in composed.blocks if b.kind is BlockKind.SCHEDULE and b.runs]
    return _Side(units, numbering, titles)


_INLINE = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}inline"


class _Picture:
    """Stands in for the diagram when a draft is written again for its redline: its figure is the new draft's
    picture (a pack keeps its model, not its pictures), so a redline tracks a figure's caption and never holds a
    picture the redline's package lacks. The writer gets an empty drawing for each figure; ``fill`` then puts a
    copy of the picture in it, named as the writer names a figure."""

    def __init__(self, picture: Any) -> None:
        self.picture = picture  # the new draft's wp:inline
        self.pending: list[tuple[int, str]] = []

    def inline(self, number: int, caption: str) -> str:
        self.pending.append((number, caption))
        return ""

    def fill(self, body: Any) -> None:
        for drawing in body.iter(_DRAWING):
            if len(drawing) == 0:
                inline = copy.deepcopy(self.picture)
                name, description, file_name = figure_names(*self.pending.pop(0))
                doc_pr = inline.find(qn("wp:docPr"))
                doc_pr.set("name", name)
                doc_pr.set("descr", description)
                inline.find(".//" + qn("pic:cNvPr")).set("name", file_name)
                drawing.append(inline)


def new_picture(body: Any) -> Any | None:
    """The new draft's picture (its first ``wp:inline``), if it has one."""
    return next(body.iter(_INLINE), None)


def _rendered(composed: ComposedDocument, template: Path, *, clean: bool, picture: Any | None) -> _Side:
    """The body of ``composed`` as the writer writes it, block by block, read back as elements (``picture``: see
    ``_Picture``; without one, a figure is left out, as a build without Graphviz leaves it out)."""
    numbering = etree.fromstring(_template_numbering(template))
    stand_in = _Picture(picture) if picture is not None else None
    writer = _BodyWriter(numbering, composed, stand_in)

    def written(step: Callable[[], None]) -> list[Any]:
        start = len(writer.out)
        step()
        # read back with the prefix the built documents use, and the only one the writer's text names
        body = etree.fromstring(f'<w:body xmlns:w="{W}">{"".join(writer.out[start:])}</w:body>')
        if stand_in is not None:
            stand_in.fill(body)
        return list(body)

    chunks = [written(writer.contents), [] if clean else written(writer.warnings)]
    chunks += [written(functools.partial(writer.block, block)) for block in composed.blocks]
    return _label(composed, chunks, numbering)


def _shape(composed: ComposedDocument, *, clean: bool, figures: bool) -> list[tuple[str, ...]]:
    """The elements the writer makes for each part of the body (contents, notes, each block), by tag."""
    contents = ("p",) * (len(composed.toc) + 2) if composed.toc else ()
    notes = ("p",) * (len(composed.warnings) + 1) if composed.warnings and not clean else ()
    shapes = {BlockKind.TABLE: ("tbl", "p"), BlockKind.FIGURE: ("p", "p") if figures else ()}
    blocks = [
        ("p",) * bool(b.runs) if b.kind is BlockKind.SCHEDULE else shapes.get(b.kind, ("p",)) for b in composed.blocks
    ]
    return [contents, notes, *blocks]


def _sliced(composed: ComposedDocument, body: Any, numbering: Any, *, clean: bool) -> _Side | None:
    """The built body cut into the model's parts by the writer's shape, without writing it again (None if the
    body has another shape: the caller then writes it again)."""
    shape = _shape(composed, clean=clean, figures=new_picture(body) is not None)
    children = [c for c in body if c.tag != _SECTPR]
    total = sum(len(s) for s in shape)
    if total > len(children):
        return None
    elements = children[len(children) - total :]
    if [qn("w:" + tag) for part in shape for tag in part] != [e.tag for e in elements]:
        return None
    chunks, at = [], 0
    for part in shape:
        chunks.append(elements[at : at + len(part)])
        at += len(part)
    return _label(composed, chunks, numbering)


def _cover_units(body: Any, body_units: int) -> tuple[list[_Unit], list[Any]]:
    """The cover page (the body elements before the writer's) and what follows the writer's (``w:sectPr``)."""
    children = list(body)
    tail = 0
    while tail < len(children) and children[len(children) - 1 - tail].tag == _SECTPR:
        tail += 1
    cover = children[: len(children) - tail - body_units]
    if len(cover) + tail + body_units != len(children):
        raise RuntimeError("the document's body is shorter than the writer's blocks: writer and redline disagree")
    units = [_Unit(("", PART_COVER), ("x", _element_text(e)), e) for e in cover]
    return units, children[len(children) - tail :]


def _schedule_renames(old: list[str], new: list[str]) -> dict[str, str]:
    """Old schedule titles mapped to the new ones where a schedule kept its place but changed its title."""
    renames: dict[str, str] = {}
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            renames.update(zip(old[i1:i2], new[j1:j2], strict=True))
    return renames


def _groups(units: list[_Unit]) -> list[tuple[tuple[str, ...], list[_Unit]]]:
    """Consecutive units of one clause as a group, keyed by the clause and its count so far."""
    groups: list[tuple[tuple[str, ...], list[_Unit]]] = []
    seen: dict[tuple[str, ...], int] = {}
    for unit in units:
        if groups and groups[-1][1][-1].group == unit.group:
            groups[-1][1].append(unit)
            continue
        seen[unit.group] = seen.get(unit.group, 0) + 1
        groups.append(((*unit.group, str(seen[unit.group])), [unit]))
    return groups


def _change(key: tuple[str, ...], change: str) -> ClauseChange:
    section, clause = key[0], key[1]
    if clause in (PART_COVER, PART_CONTENTS, PART_WARNINGS, "#page_break"):
        return ClauseChange("", clause, change)
    if clause.startswith("#"):
        return ClauseChange("", section or "body", change)
    return ClauseChange(clause, section or "body", change)


def model_clause_changes(old: ComposedDocument, new: ComposedDocument) -> list[ClauseChange]:
    """The clauses (and parts) whose blocks differ between two composed documents, found without writing them."""

    def units(doc: ComposedDocument) -> list[_Unit]:
        out = []
        for block, section in zip(doc.blocks, block_sections(doc.blocks), strict=True):
            text = repr((block.kind, block.runs, block.level, block.anchors, block.rows, block.term)).encode()
            out.append(_Unit((section, block.clause_id or "#" + block.kind.value), (), None, text))
        return out

    old_groups, new_groups = _groups(units(old)), _groups(units(new))
    matcher = difflib.SequenceMatcher(None, [g[0] for g in old_groups], [g[0] for g in new_groups], autojunk=False)
    changes: list[ClauseChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for (key, a), (_, b) in zip(old_groups[i1:i2], new_groups[j1:j2], strict=True):
                if [u.signature() for u in a] != [u.signature() for u in b]:
                    changes.append(_change(key, "changed"))
            continue
        changes.extend(_change(key, "removed") for key, _ in old_groups[i1:i2])
        changes.extend(_change(key, "added") for key, _ in new_groups[j1:j2])
    return [c for c in changes if c.part != "#page_break"]


def _model_signature(doc: ComposedDocument) -> tuple[Any, ...]:
    blocks = tuple(
        (b.kind, tuple(b.runs), b.level, tuple(b.anchors), repr(b.rows), b.number, b.section, b.clause_id, b.term)
        for b in doc.blocks
    )
    warnings = tuple((f.rule, f.text(), f.fix, tuple(f.fields), f.source) for f in doc.warnings)
    return blocks, repr(sorted(doc.cover.items())), tuple(doc.toc), warnings


def model_changes(old: ComposedDocument, new: ComposedDocument) -> bool:
    """Whether two composed documents would be written differently (without writing them)."""
    return _model_signature(old) != _model_signature(new)
