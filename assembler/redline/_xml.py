"""The WordprocessingML a redline reads and writes: tags, tokens for the word diff, XML compared without namespaces."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from ..ooxml import qn

AUTHOR = "assembler"


_P, _R, _T, _TBL, _TR, _TC = (qn(f"w:{t}") for t in ("p", "r", "t", "tbl", "tr", "tc"))


_PPR, _RPR, _TRPR, _SECTPR, _PPRCHANGE = (qn(f"w:{t}") for t in ("pPr", "rPr", "trPr", "sectPr", "pPrChange"))


_BODY, _NUM, _NUMID = qn("w:body"), qn("w:num"), qn("w:numId")


_BM_START, _BM_END = qn("w:bookmarkStart"), qn("w:bookmarkEnd")


_INSTR, _DEL_TEXT, _DEL_INSTR = qn("w:instrText"), qn("w:delText"), qn("w:delInstrText")


_ID, _NAME = qn("w:id"), qn("w:name")
_DRAWING = qn("w:drawing")


_XML_SPACE = qn("xml:space")


_REVISIONS = {qn(f"w:{t}") for t in ("ins", "del", "pPrChange", "moveFrom", "moveTo")}


_IDS = re.compile(rb' w:id="[^"]*"')


_NAMESPACES = re.compile(rb' xmlns(?::\w+)?="[^"]*"')


_WORDS = re.compile(r"\w+|\s+|[^\w\s]")


def _element_text(element: Any) -> str:
    return "".join(element.itertext())


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
            if child.find(_DRAWING) is not None:  # the old draft's picture is the new one's (see _units._Picture)
                out.append((("d",), child))
                continue
            out.append((("r", _xml(child)), child))
        elif tag == _BM_START:
            out.append((("bs", child.get(_NAME)), child))
        elif tag == _BM_END:
            out.append((("be", names.get(child.get(_ID), "")), child))
        else:
            out.append((("o", _xml(child)), child))
    return out
