"""A returned review pack read back: each clause's paragraphs with every tracked change accepted, the comments,
and the text outside the clauses' content controls."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import InputError
from ..ooxml import qn
from ..tracked import resolve
from ._pack import TAG_PREFIX

__all__ = ["Comment", "ReadPack", "ReadParagraph", "read_pack"]

_MAX_BYTES = 50_000_000


@dataclass
class ReadParagraph:
    style: str
    runs: list[tuple[str, str]]  # (character style id, text)

    @property
    def text(self) -> str:
        return "".join(text for _style, text in self.runs)


@dataclass(frozen=True)
class Comment:
    clause: str  # the clause id it is anchored in, or "" outside every clause
    after: str  # the clause it follows, for a comment outside every clause
    author: str
    text: str


@dataclass
class ReadPack:
    clauses: dict[str, list[ReadParagraph]] = field(default_factory=dict)  # clause id → paragraphs
    tags: dict[str, str] = field(default_factory=dict)  # clause id → the control's tag
    outside: list[tuple[str, str]] = field(default_factory=list)  # (the clause before, paragraph text)
    comments: list[Comment] = field(default_factory=list)
    document: str = "all"  # the document whose clauses the pack holds (custom property assembler.review_document)


def _w(tag: str) -> str:
    return qn("w:" + tag)


def read_pack(path: Path) -> ReadPack:
    """Read a review pack; anything that is not one is refused with a one-line ``InputError``."""
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise InputError.single(path=path, what="is larger than 50 MB", fix="pass the review pack itself")
        with zipfile.ZipFile(path) as archive:
            document = etree.fromstring(archive.read("word/document.xml"))
            names = set(archive.namelist())
            comments_xml = etree.fromstring(archive.read("word/comments.xml")) if "word/comments.xml" in names else None
            custom = etree.fromstring(archive.read("docProps/custom.xml")) if "docProps/custom.xml" in names else None
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise InputError.single(
            path=path, what=f"cannot be read as a Word file ({exc})", fix="pass a .docx made by review-pack"
        ) from None
    root: Any = resolve(document, accept=True)
    pack = ReadPack()
    body = root.find(_w("body"))
    current = ""
    comment_at: dict[str, tuple[str, str]] = {}
    for child in body if body is not None else []:
        tag = _control_tag(child)
        if tag is not None and tag.startswith(TAG_PREFIX):
            clause_id = tag[len(TAG_PREFIX) :].split(":", 1)[0]
            current = clause_id
            pack.tags[clause_id] = tag
            pack.clauses[clause_id] = [_paragraph(p) for p in child.iter(_w("p"))]
        else:
            for p in child.iter(_w("p")):
                pack.outside.append((current, _paragraph(p).text))
        for mark in child.iter(_w("commentRangeStart"), _w("commentReference")):
            inside = tag is not None and tag.startswith(TAG_PREFIX)
            comment_at.setdefault(mark.get(_w("id"), ""), (current if inside else "", current))
    if not pack.tags:
        raise InputError.single(
            path=path,
            what="holds no clauses of a review pack",
            fix="pass a file made by `assembler clauses review-pack`",
        )
    for prop in custom if custom is not None else []:
        if prop.get("name") == "assembler.review_document" and len(prop):
            pack.document = str(prop[0].text or "all")
    for comment in comments_xml if comments_xml is not None else []:
        clause, after = comment_at.get(comment.get(_w("id"), ""), ("", ""))
        text = " ".join("".join(t.text or "" for t in p.iter(_w("t"))) for p in comment.iter(_w("p")))
        pack.comments.append(Comment(clause, after, comment.get(_w("author"), ""), text.strip()))
    return pack


def _control_tag(element: Any) -> str | None:
    if element.tag != _w("sdt"):
        return None
    tag = element.find(f"{_w('sdtPr')}/{_w('tag')}")
    return None if tag is None else str(tag.get(_w("val"), ""))


def _paragraph(p: Any) -> ReadParagraph:
    style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
    runs: list[tuple[str, str]] = []
    for r in p.iter(_w("r")):
        rstyle = r.find(f"{_w('rPr')}/{_w('rStyle')}")
        text = ""
        for node in r:
            if node.tag == _w("t"):
                text += node.text or ""
            elif node.tag == _w("tab"):
                text += "\t"
            elif node.tag in (_w("br"), _w("cr")):
                text += " "
            elif node.tag == _w("noBreakHyphen"):
                text += "-"
        if text:
            runs.append(("" if rstyle is None else str(rstyle.get(_w("val"), "")), text))
    return ReadParagraph("" if style is None else str(style.get(_w("val"), "")), runs)
