"""The merged body: two drafts' units aligned (clauses, then paragraphs, then words) into tracked changes."""

from __future__ import annotations

import copy
import difflib
from typing import Any

from ..ooxml import add, get_or_add, qn
from ._units import ClauseChange, _change, _groups, _Unit
from ._xml import (
    _BM_END,
    _BM_START,
    _ID,
    _IDS,
    _NUM,
    _NUMID,
    _P,
    _PPR,
    _PPRCHANGE,
    _REVISIONS,
    _RPR,
    _SECTPR,
    _TBL,
    _TC,
    _TR,
    _XML_SPACE,
    AUTHOR,
    _as_deleted,
    _bookmark_names,
    _columns,
    _element_text,
    _ppr_key,
    _tokens,
    _xml,
)

_REVISION_MARKS = {qn("w:ins"), qn("w:del"), qn("w:trPrChange")}


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
    def row_revision(self, row: Any, name: str) -> None:
        """Mark a table row inserted or deleted. The schema wants a row property before the mark: a row without
        one gets ``w:cantSplit w:val="off"``, which is what a row without it means."""
        trpr = get_or_add(row, "w:trPr")
        if not any(child.tag not in _REVISION_MARKS for child in trpr):
            add(trpr, "w:cantSplit", val="off")
        self.revision(trpr, name)

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
                self.row_revision(row, "w:ins")
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
                self.row_revision(row, "w:del")
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
        self.row_revision(row, "w:del")
        for p in row.iter(_P):
            self._wrap_runs(p, "w:del", keep=self._keep_old_bookmark)
        return row

    def inserted_row(self, row: Any) -> Any:
        self.row_revision(row, "w:ins")
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
