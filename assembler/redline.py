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

import copy
import dataclasses
import difflib
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from .compose import ComposedDocument
from .docmodel import Block, BlockKind
from .docx_writer import _BodyWriter, write_docx  # _BodyWriter: the writer's own block-by-block body builder
from .ooxml import W, add, get_or_add, qn
from .package import normalise_package

__all__ = [
    "AUTHOR",
    "ClauseChange",
    "Redline",
    "block_sections",
    "cover_elements",
    "model_changes",
    "model_clause_changes",
    "redline_document",
]

AUTHOR = "assembler"
PART_COVER, PART_CONTENTS, PART_WARNINGS = "cover page", "contents", "points from the governance check"

_P, _R, _T, _TBL, _TR, _TC = (qn(f"w:{t}") for t in ("p", "r", "t", "tbl", "tr", "tc"))
_PPR, _RPR, _TRPR, _SECTPR, _PPRCHANGE = (qn(f"w:{t}") for t in ("pPr", "rPr", "trPr", "sectPr", "pPrChange"))
_BODY, _NUM, _NUMID = qn("w:body"), qn("w:num"), qn("w:numId")
_BM_START, _BM_END = qn("w:bookmarkStart"), qn("w:bookmarkEnd")
_INSTR, _DEL_TEXT, _DEL_INSTR = qn("w:instrText"), qn("w:delText"), qn("w:delInstrText")
_ID, _NAME = qn("w:id"), qn("w:name")
_XML_SPACE = qn("xml:space")
_REVISIONS = {qn(f"w:{t}") for t in ("ins", "del", "pPrChange", "moveFrom", "moveTo")}
_IDS = re.compile(rb' w:id="[^"]*"')
_NAMESPACES = re.compile(rb' xmlns(?::\w+)?="[^"]*"')
_WORDS = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class ClauseChange:
    """One clause (or other part) of a document that differs between two builds."""

    clause_id: str  # "" for a part that is no clause: the cover page, the points from the governance check
    part: str  # "body", a schedule's title, or the part's name
    change: str  # "changed", "added", "removed" or "moved"


@dataclass
class Redline:
    """A document's redline (None when the two drafts read the same) and what changed in it."""

    data: bytes | None
    changes: list[ClauseChange] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------- units


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


def _element_text(element: Any) -> str:
    return "".join(element.itertext())


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


def _rendered(composed: ComposedDocument, template: Path, *, clean: bool) -> _Side:
    """The body of ``composed`` as the writer builds it, block by block."""
    numbering = etree.fromstring(_template_numbering(template))
    container: Any = etree.Element(_BODY, nsmap={"w": W})  # the prefix the built documents use
    writer = _BodyWriter(container, numbering, composed)
    chunks: list[list[Any]] = []
    for step in (writer.contents, (lambda: None) if clean else writer.warnings):
        start = len(container)
        step()
        chunks.append(list(container[start:]))
    for block in composed.blocks:
        start = len(container)
        writer.block(block)
        chunks.append(list(container[start:]))
    return _label(composed, chunks, numbering)


def _shape(composed: ComposedDocument, *, clean: bool) -> list[tuple[str, ...]]:
    """The elements the writer makes for each part of the body (contents, notes, each block), by tag."""
    contents = ("p",) * (len(composed.toc) + 2) if composed.toc else ()
    notes = ("p",) * (len(composed.warnings) + 1) if composed.warnings and not clean else ()
    blocks = [
        ("tbl", "p") if b.kind is BlockKind.TABLE else ("p",) * bool(b.runs) if b.kind is BlockKind.SCHEDULE else ("p",)
        for b in composed.blocks
    ]
    return [contents, notes, *blocks]


def _sliced(composed: ComposedDocument, body: Any, numbering: Any, *, clean: bool) -> _Side | None:
    """The built body cut into the model's parts by the writer's shape, without writing it again (None if the
    body has another shape: the caller then writes it again)."""
    shape = _shape(composed, clean=clean)
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


# ----------------------------------------------------------------------------------------------- the merge


class _Merger:
    """Builds the merged body from the two sides' units."""

    def __init__(self, date: str | None, new_bookmarks: set[str]) -> None:
        self.attrs = {"author": AUTHOR, **({"date": date} if date else {})}
        self.new_bookmarks = new_bookmarks
        self.out: list[Any] = []
        self.sources: list[tuple[str, Any, Any]] = []  # per element of ``out``: "same"/"del"/"ins", old, new
        self.changes: list[ClauseChange] = []

    def revision(self, parent: Any, name: str) -> Any:
        return add(parent, name, id="0", **self.attrs)  # ids are numbered once the body is complete

    # -- whole elements
    def emit(self, how: str, old: Any, new: Any) -> None:
        """Add to the merged body: a matched pair ("same"), an old element deleted or a new one inserted."""
        elements = (
            self.merged(old, new) if how == "same" else [self.deleted(old) if how == "del" else self.inserted(new)]
        )
        if how == "same" and len(elements) == 2:  # a table met a paragraph: delete the one, insert the other
            self.out.extend(elements)
            self.sources.extend([("del", old.element, None), ("ins", None, new.element)])
            return
        self.out.extend(elements)
        self.sources.append((how, old.element if how == "same" else old, new.element if how == "same" else new))

    def settle_end(self) -> None:
        """Keep the body's last paragraph mark untracked (Word cannot take it away): if it is inserted or deleted,
        the last old and the last new paragraph of the tracked run at the end are merged into one final paragraph.

        The tracked run follows the last matched paragraph A. With only insertions after A, A's new version is
        inserted in A's place and A's old version becomes the final paragraph, changed into the last inserted one;
        with only deletions, the reverse; with both, the last deleted paragraph is changed into the last inserted."""
        last = len(self.sources) - 1
        if last < 0 or self.sources[last][0] == "same" or self.out[last].tag != _P:
            return
        start = last
        while start >= 0 and not (self.sources[start][0] == "same" and self.out[start].tag == _P):
            start -= 1
        run = range(start + 1, last + 1)
        old_at = max((i for i in run if self.sources[i][0] == "del" and self.out[i].tag == _P), default=start)
        new_at = max((i for i in run if self.sources[i][0] == "ins" and self.out[i].tag == _P), default=start)
        if start < 0 or old_at == new_at:
            return
        old_el, new_el = self.sources[old_at][1], self.sources[new_at][2]
        final = self._paragraph(old_el, new_el)
        if old_at == start:  # only insertions: A's new version goes in as inserted
            anchor = self.sources[start][2]
            self.out[start], self.sources[start] = self.inserted(anchor), ("ins", None, anchor)
        elif new_at == start:  # only deletions: A's old version goes out as deleted
            anchor = self.sources[start][1]
            self.out[start], self.sources[start] = self.deleted(anchor), ("del", anchor, None)
        for index in sorted({old_at, new_at} - {start}, reverse=True):
            del self.out[index]
            del self.sources[index]
        self.out.append(final)
        self.sources.append(("same", old_el, new_el))

    def inserted(self, element: Any) -> Any:
        element = copy.deepcopy(element)  # the original may be needed again (settle_end)
        if element.tag == _TBL:
            for row in element.iter(_TR):
                self.revision(get_or_add(row, "w:trPr"), "w:ins")
                for p in row.iter(_P):
                    self._wrap_runs(p, "w:ins", keep=lambda _name: True)
        elif element.tag == _P:
            self._mark(element, "w:ins")
            self._wrap_runs(element, "w:ins", keep=lambda _name: True)
        return element

    def deleted(self, element: Any) -> Any:
        element = copy.deepcopy(element)
        keep = self._keep_old_bookmark
        if element.tag == _TBL:
            for row in element.iter(_TR):
                self.revision(get_or_add(row, "w:trPr"), "w:del")
                for p in row.iter(_P):
                    self._wrap_runs(p, "w:del", keep=keep)
        elif element.tag == _P:
            self._mark(element, "w:del")
            self._wrap_runs(element, "w:del", keep=keep)
        return element

    def _keep_old_bookmark(self, name: str) -> bool:
        """An old bookmark stays in deleted text unless the new document has one of that name."""
        return name not in self.new_bookmarks

    def _mark(self, p: Any, name: str) -> None:
        """Mark a paragraph's own mark inserted or deleted."""
        self.revision(get_or_add(get_or_add(p, "w:pPr"), "w:rPr"), name)

    def _wrap_runs(self, p: Any, name: str, *, keep: Any) -> None:
        """Put the paragraph's content inside ``w:ins`` / ``w:del`` (bookmarks stay outside, where kept)."""
        names = _bookmark_names(p)
        children = [c for c in p if c.tag != _PPR]
        for child in children:
            p.remove(child)
        wrapper = None
        for child in children:
            if child.tag in (_BM_START, _BM_END):
                wrapper = None
                if keep(names.get(child.get(_ID), "")):
                    p.append(child)
                continue
            if wrapper is None:
                wrapper = self.revision(p, name)
            if name == "w:del":
                _as_deleted(child)
            wrapper.append(child)

    # -- matched elements
    def merged(self, old: _Unit, new: _Unit) -> list[Any]:
        """The new element with the changes from the old one tracked (just the new one if they read the same)."""
        if old.signature() == new.signature():
            return [new.element]
        if old.element.tag != new.element.tag:
            return [self.deleted(old.element), self.inserted(new.element)]
        if new.element.tag == _TBL:
            return self._table(old.element, new.element)
        return [self._paragraph(old.element, new.element)]

    def _paragraph(self, old: Any, new: Any) -> Any:
        p = new.makeelement(_P, dict(new.attrib))
        new_ppr = new.find(_PPR)
        old_ppr = old.find(_PPR)
        if new_ppr is not None:
            p.append(copy.deepcopy(new_ppr))
        if _ppr_key(old_ppr) != _ppr_key(new_ppr):
            ppr = get_or_add(p, "w:pPr")
            change = self.revision(ppr, "w:pPrChange")
            previous = add(change, "w:pPr")
            for child in old_ppr if old_ppr is not None else []:
                if child.tag not in (_RPR, _SECTPR, _PPRCHANGE):
                    previous.append(copy.deepcopy(child))
        old_tokens, new_tokens = _tokens(old), _tokens(new)
        matcher = difflib.SequenceMatcher(None, [t[0] for t in old_tokens], [t[0] for t in new_tokens], autojunk=False)
        emit = _Emitter(p, self)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for token in new_tokens[j1:j2]:
                    emit.token(token, "")
                continue
            for token in old_tokens[i1:i2]:
                emit.token(token, "w:del")
            for token in new_tokens[j1:j2]:
                emit.token(token, "w:ins")
        return p

    def _table(self, old: Any, new: Any) -> list[Any]:
        if _columns(old) != _columns(new):
            return [self.deleted(old), self.inserted(new)]
        old_rows, new_rows = old.findall(_TR), new.findall(_TR)
        merged = copy.deepcopy(new)
        for row in merged.findall(_TR):
            merged.remove(row)
        keys_old = [_element_text(r) for r in old_rows]
        keys_new = [_element_text(r) for r in new_rows]
        matcher = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                merged.extend(new_rows[j1:j2])
                continue
            pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            for k in range(pairs):
                merged.append(self._row(old_rows[i1 + k], new_rows[j1 + k]))
            merged.extend(self.deleted_row(r) for r in old_rows[i1 + pairs : i2])
            merged.extend(self.inserted_row(r) for r in new_rows[j1 + pairs : j2])
        return [merged]

    def deleted_row(self, row: Any) -> Any:
        row = copy.deepcopy(row)
        self.revision(get_or_add(row, "w:trPr"), "w:del")
        for p in row.iter(_P):
            self._wrap_runs(p, "w:del", keep=self._keep_old_bookmark)
        return row

    def inserted_row(self, row: Any) -> Any:
        self.revision(get_or_add(row, "w:trPr"), "w:ins")
        for p in row.iter(_P):
            self._wrap_runs(p, "w:ins", keep=lambda _name: True)
        return row

    def _row(self, old: Any, new: Any) -> Any:
        old_cells, new_cells = old.findall(_TC), new.findall(_TC)
        for old_cell, new_cell in zip(old_cells, new_cells, strict=False):
            old_ps, new_ps = old_cell.findall(_P), new_cell.findall(_P)
            for old_p, new_p in zip(old_ps, new_ps, strict=False):
                if _IDS.sub(b"", _xml(old_p)) != _IDS.sub(b"", _xml(new_p)):
                    new_cell.replace(new_p, self._paragraph(old_p, new_p))
            for extra in new_ps[len(old_ps) :]:
                self.inserted(extra)
            for extra in old_ps[len(new_ps) :]:
                new_cell.append(self.deleted(extra))
        return new


class _Emitter:
    """Appends a matched paragraph's tokens, joining neighbouring words of one kind and format into one run."""

    def __init__(self, p: Any, merger: _Merger) -> None:
        self.p = p
        self.merger = merger
        self.wrapper: Any = None
        self.status = ""
        self.text: Any = None
        self.run_key: bytes | None = None

    def _target(self, status: str) -> Any:
        if status != self.status or (status and self.wrapper is None):
            self.text = None
            self.status = status
            self.wrapper = self.merger.revision(self.p, status) if status else None
        return self.wrapper if status else self.p

    def token(self, token: tuple[tuple[Any, ...], Any], status: str) -> None:
        key, payload = token
        if key[0] in ("bs", "be"):
            if status == "w:del":
                return  # the new paragraph's bookmarks are the ones kept
            self.wrapper, self.status, self.text = None, "", None
            self.p.append(copy.deepcopy(payload))
            return
        target = self._target(status)
        if key[0] == "t":
            rpr, word = payload
            if self.text is not None and self.run_key == key[1]:
                self.text.text += word
                return
            run = add(target, "w:r")
            if rpr is not None:
                run.append(copy.deepcopy(rpr))
            self.text = add(run, "w:delText" if status == "w:del" else "w:t", text=word)
            self.text.set(_XML_SPACE, "preserve")
            self.run_key = key[1]
            return
        element = copy.deepcopy(payload)
        if status == "w:del":
            _as_deleted(element)
        target.append(element)
        self.text = None


def _tokens(p: Any) -> list[tuple[tuple[Any, ...], Any]]:
    """A paragraph's content as diffable tokens: words (with their run's format), whole other runs, bookmarks."""
    names = _bookmark_names(p)
    out: list[tuple[tuple[Any, ...], Any]] = []
    for child in p:
        tag = child.tag
        if tag == _PPR:
            continue
        if tag == _R:
            rpr = child.find(_RPR)
            content = [c for c in child if c.tag != _RPR]
            if content and all(c.tag == _T for c in content):
                rkey = _xml(rpr) if rpr is not None else b""
                for word in _WORDS.findall("".join(c.text or "" for c in content)):
                    out.append((("t", rkey, word), (rpr, word)))
                continue
            out.append((("r", _xml(child)), child))
        elif tag == _BM_START:
            out.append((("bs", child.get(_NAME)), child))
        elif tag == _BM_END:
            out.append((("be", names.get(child.get(_ID), "")), child))
        else:
            out.append((("o", _xml(child)), child))
    return out


def _xml(element: Any) -> bytes:
    """An element's XML without namespace declarations (which depend on where it sits, not on what it is)."""
    return _NAMESPACES.sub(b"", etree.tostring(element))


def _bookmark_names(element: Any) -> dict[str, str]:
    return {b.get(_ID): b.get(_NAME) for b in element.iter(_BM_START)}


def _as_deleted(element: Any) -> None:
    """Deleted text is ``w:delText`` (and field codes ``w:delInstrText``), as the schema wants inside ``w:del``."""
    for node in element.iter(_T, _INSTR):
        node.tag = _DEL_TEXT if node.tag == _T else _DEL_INSTR


def _ppr_key(ppr: Any) -> bytes:
    """A paragraph's properties less its mark's run properties: what a style or numbering change alters."""
    if ppr is None:
        return b""
    return b"".join(_xml(c) for c in ppr if c.tag not in (_RPR, _SECTPR, _PPRCHANGE))


def _columns(table: Any) -> int:
    grid = table.find(qn("w:tblGrid"))
    return len(grid) if grid is not None else 0


# ----------------------------------------------------------------------------------------------- alignment


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


def _merge_units(merger: _Merger, old: list[_Unit], new: list[_Unit]) -> bool:
    """Merge the units of one matched group into ``merger.out``; True if anything differs."""
    matcher = difflib.SequenceMatcher(None, [u.key for u in old], [u.key for u in new], autojunk=False)
    differs = False
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = i2 - i1 if tag == "equal" else min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for a, b in zip(old[i1 : i1 + pairs], new[j1 : j1 + pairs], strict=True):
            differs = differs or a.signature() != b.signature()
            merger.emit("same", a, b)
        for unit in old[i1 + pairs : i2]:
            merger.emit("del", unit.element, None)
        for unit in new[j1 + pairs : j2]:
            merger.emit("ins", None, unit.element)
        differs = differs or tag != "equal"
    return differs


def _merge(merger: _Merger, old: list[_Unit], new: list[_Unit]) -> None:
    old_groups, new_groups = _groups(old), _groups(new)
    matcher = difflib.SequenceMatcher(None, [g[0] for g in old_groups], [g[0] for g in new_groups], autojunk=False)
    removed: list[tuple[str, ...]] = []
    added: list[tuple[str, ...]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for (key, old_units), (_, new_units) in zip(old_groups[i1:i2], new_groups[j1:j2], strict=True):
                if _merge_units(merger, old_units, new_units):
                    merger.changes.append(_change(key, "changed"))
            continue
        for key, units in old_groups[i1:i2]:
            for unit in units:
                merger.emit("del", unit.element, None)
            removed.append(key)
        for key, units in new_groups[j1:j2]:
            for unit in units:
                merger.emit("ins", None, unit.element)
            added.append(key)
    moved = {k[:2] for k in removed} & {k[:2] for k in added}
    for key in removed:
        if key[:2] not in moved:
            merger.changes.append(_change(key, "removed"))
    for key in added:
        merger.changes.append(_change(key, "moved" if key[:2] in moved else "added"))


def _number_annotations(body: Any) -> None:
    """Give bookmarks and revisions unique ids in document order (the two drafts each counted from 1)."""
    counter = 0
    open_bookmarks: dict[str, str] = {}
    for element in body.iter(_BM_START, _BM_END, *_REVISIONS):
        if element.tag == _BM_END:
            element.set(_ID, open_bookmarks.pop(element.get(_ID), "0"))
            continue
        counter += 1
        if element.tag == _BM_START:
            open_bookmarks[element.get(_ID)] = str(counter)
        element.set(_ID, str(counter))


def _merge_numbering(new: Any, old: Any) -> None:
    """The list instances the old draft's schedules used and the new one lacks (deleted schedules) are added."""
    have = {n.get(_NUMID) for n in new.iter(_NUM)}
    for num in old.iter(_NUM):
        if num.get(_NUMID) not in have:
            new.append(copy.deepcopy(num))  # after every w:num already there: schema order holds


# ----------------------------------------------------------------------------------------------- entry points


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _custom_properties(parts: dict[str, bytes]) -> dict[str, str]:
    data = parts.get("docProps/custom.xml")
    if data is None:
        return {}
    root = etree.fromstring(data)
    return {str(p.get("name")): "".join(str(t) for t in p.itertext()) for p in root if p.get("name")}


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
    old_side = _rendered(old, template, clean=clean)
    parts = _parts(new_docx)
    document = etree.fromstring(parts["word/document.xml"])
    body: Any = document.find(_BODY)
    numbering = etree.fromstring(parts["word/numbering.xml"])
    new_side = _sliced(new, body, numbering, clean=clean) or _rendered(new, template, clean=clean)
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
