"""Tracked changes resolved as Word's Accept All / Reject All would, by reading the XML (no Word, no LibreOffice).

Handles ``w:ins`` / ``w:del`` / ``w:moveFrom`` / ``w:moveTo`` around content, the same as markers on a paragraph
mark (``w:pPr/w:rPr``), a table row (``w:trPr``) or numbering (``w:numPr``), and ``w:pPrChange`` (a paragraph's
earlier style and numbering). A paragraph whose mark goes joins the next paragraph and takes its properties, as in
Word; the body's last paragraph keeps its mark. The redline tests read redlines with it; ``clauses import-review``
reads a reviewer's wording with it.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from .ooxml import qn

__all__ = ["resolve"]


def w(tag: str) -> str:
    return qn("w:" + tag)


_MARKER_PARENTS = {w("rPr"), w("trPr"), w("numPr")}
_KEEP_PPR = {w("rPr"), w("sectPr")}


def resolve(document: etree._Element, *, accept: bool) -> etree._Element:
    """``document`` (a ``w:document``) with every tracked change accepted (or rejected), in place."""
    root: Any = document  # lxml's stubs make every getparent() optional; the walk below knows better
    gone = {w("del"), w("moveFrom")} if accept else {w("ins"), w("moveTo")}
    kept = {w("ins"), w("moveTo")} if accept else {w("del"), w("moveFrom")}
    for element in list(root.iter(*gone, *kept)):
        parent = element.getparent()
        if parent is None or parent.tag in _MARKER_PARENTS:
            continue
        if element.tag in gone:
            parent.remove(element)
            continue
        index = parent.index(element)
        for child in list(element):
            for node in child.iter(w("delText"), w("delInstrText")):
                node.tag = w("t") if node.tag == w("delText") else w("instrText")
            parent.insert(index, child)
            index += 1
        parent.remove(element)
    for change in list(root.iter(w("pPrChange"))):
        ppr = change.getparent()
        ppr.remove(change)
        if accept:
            continue
        for child in [c for c in ppr if c.tag not in _KEEP_PPR]:
            ppr.remove(child)
        earlier = change.find(w("pPr"))
        for index, child in enumerate(list(earlier) if earlier is not None else []):
            ppr.insert(index, child)
    for row in list(root.iter(w("tr"))):
        trpr = row.find(w("trPr"))
        markers = list(trpr) if trpr is not None else []
        if any(m.tag in gone for m in markers):
            table = row.getparent()
            table.remove(row)
            if table.find(w("tr")) is None:
                table.getparent().remove(table)
            continue
        for marker in markers:
            if marker.tag in kept:
                marker.getparent().remove(marker)
    for numpr in list(root.iter(w("numPr"))):
        for marker in [m for m in numpr if m.tag in gone | kept]:
            numpr.remove(marker)
            if marker.tag in gone:
                numpr.getparent().remove(numpr)
                break
    for p in list(root.iter(w("p"))):
        rpr = p.find(f"{w('pPr')}/{w('rPr')}")
        markers = [m for m in rpr if m.tag in gone | kept] if rpr is not None else []
        for marker in markers:
            rpr.remove(marker)
        following = p.getnext()
        if any(m.tag in gone for m in markers) and following is not None and following.tag == w("p"):
            at = 1 if following.find(w("pPr")) is not None else 0
            for child in [c for c in p if c.tag != w("pPr")]:
                following.insert(at, child)
                at += 1
            p.getparent().remove(p)
    return document
