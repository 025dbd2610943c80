"""Reading built .docx files back for tests: numbering as Word computes it, bookmarks, REF fields, zip checks."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Para:
    style: str
    text: str
    num_id: int | None
    ilvl: int | None
    number: str = ""
    bookmarks: list[str] = field(default_factory=list)
    refs: list[tuple[str, str]] = field(default_factory=list)  # (bookmark, cached text)
    highlighted: list[str] = field(default_factory=list)
    element: etree._Element | None = None


def _styles_numbering(styles: etree._Element) -> dict[str, tuple[int, int]]:
    out = {}
    for style in styles.iter(w("style")):
        num = style.find("w:pPr/w:numPr", NS)
        if num is not None:
            ilvl = num.find("w:ilvl", NS)
            num_id = num.find("w:numId", NS)
            out[style.get(w("styleId"))] = (
                int(num_id.get(w("val"))) if num_id is not None else 0,
                int(ilvl.get(w("val"))) if ilvl is not None else 0,
            )
    return out


def _format(fmt: str, n: int) -> str:
    if fmt == "decimal":
        return str(n)
    if fmt == "lowerLetter":
        return "abcdefghijklmnopqrstuvwxyz"[n - 1]
    if fmt == "upperLetter":
        return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n - 1]
    if fmt == "lowerRoman":
        return ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"][n - 1]
    raise AssertionError(fmt)


class Numbering:
    """Computes list numbers the way Word does for our lists: per abstractNum counters, restarts via startOverride."""

    def __init__(self, numbering: etree._Element) -> None:
        self.abstract: dict[int, dict[int, tuple[str, str]]] = {}
        for a in numbering.iter(w("abstractNum")):
            levels = {}
            for lvl in a.iter(w("lvl")):
                fmt = lvl.find("w:numFmt", NS)
                text = lvl.find("w:lvlText", NS)
                levels[int(lvl.get(w("ilvl")))] = (
                    fmt.get(w("val")) if fmt is not None else "decimal",
                    text.get(w("val")) if text is not None else "",
                )
            self.abstract[int(a.get(w("abstractNumId")))] = levels
        self.nums: dict[int, tuple[int, bool]] = {}
        for n in numbering.iter(w("num")):
            abstract = int(n.find("w:abstractNumId", NS).get(w("val")))
            restart = n.find("w:lvlOverride/w:startOverride", NS) is not None
            self.nums[int(n.get(w("numId")))] = (abstract, restart)
        self.counters: dict[int, list[int]] = {}
        self.started: set[int] = set()

    def next(self, num_id: int, ilvl: int) -> str:
        abstract, restart = self.nums[num_id]
        if restart and num_id not in self.started:
            self.counters[abstract] = [0] * 9
        self.started.add(num_id)
        counters = self.counters.setdefault(abstract, [0] * 9)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        fmt_text = self.abstract[abstract][ilvl][1]
        out = fmt_text
        for level in range(ilvl + 1):
            fmt = self.abstract[abstract][level][0]
            out = out.replace(f"%{level + 1}", _format(fmt, max(counters[level], 1)))
        return out


@dataclass
class Docx:
    path: Path
    parts: dict[str, bytes]
    paragraphs: list[Para]

    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    def by_style(self, style: str) -> list[Para]:
        return [p for p in self.paragraphs if p.style == style]

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.parts[name])


def read(path: Path) -> Docx:
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert len(names) == len(set(names)), f"duplicate zip entries in {path}"
        parts = {n: z.read(n) for n in names}
    document = etree.fromstring(parts["word/document.xml"])
    styles = _styles_numbering(etree.fromstring(parts["word/styles.xml"]))
    numbering = Numbering(etree.fromstring(parts["word/numbering.xml"]))
    paragraphs = []
    for p in document.iter(w("p")):
        style_el = p.find("w:pPr/w:pStyle", NS)
        style = style_el.get(w("val")) if style_el is not None else "Normal"
        num = p.find("w:pPr/w:numPr", NS)
        num_id = ilvl = None
        if num is not None:
            num_id = int(num.find("w:numId", NS).get(w("val")))
            ilvl = int(num.find("w:ilvl", NS).get(w("val")))
        elif style in styles:
            num_id, ilvl = styles[style]
        para = Para(style, "", num_id, ilvl, element=p)
        if num_id:
            para.number = numbering.next(num_id, ilvl or 0)
        para.bookmarks = [b.get(w("name")) for b in p.iter(w("bookmarkStart"))]
        texts = []
        instr = ""
        cached = ""
        for r in p.iter(w("r")):
            fld = r.find("w:fldChar", NS)
            if fld is not None:
                kind = fld.get(w("fldCharType"))
                if kind == "begin":
                    instr, cached = "", ""
                elif kind == "separate":
                    pass
                elif kind == "end":
                    match = re.match(r"\s*REF\s+(\S+)", instr)
                    if match:
                        para.refs.append((match.group(1), cached))
                    instr = ""
                continue
            it = r.find("w:instrText", NS)
            if it is not None:
                instr += it.text or ""
                continue
            for t in r.iter(w("t")):
                texts.append(t.text or "")
                if instr:
                    cached += t.text or ""
                hl = r.find("w:rPr/w:highlight", NS)
                if hl is not None:
                    para.highlighted.append(t.text or "")
            if r.find("w:br", NS) is not None:
                texts.append("\n")
        para.text = "".join(texts)
        paragraphs.append(para)
    return Docx(path, parts, paragraphs)


def check_package(doc: Docx) -> list[str]:
    """Structural problems: unparsable parts, missing relationship targets, duplicate bookmark ids, bad REFs."""
    problems = []
    for name, data in doc.parts.items():
        if name.endswith(".xml") or name.endswith(".rels"):
            try:
                etree.fromstring(data)
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name}: {exc}")
    for name, data in doc.parts.items():
        if not name.endswith(".rels"):
            continue
        base = PurePosixPath(name).parent.parent
        for rel in etree.fromstring(data):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target")
            resolved = target.lstrip("/") if target.startswith("/") else str(PurePosixPath(base, target))
            resolved = re.sub(r"[^/]+/\.\./", "", resolved)
            if resolved not in doc.parts:
                problems.append(f"{name}: relationship target {target} missing")
    document = doc.xml("word/document.xml")
    ids = [b.get(w("id")) for b in document.iter(w("bookmarkStart"))]
    if len(ids) != len(set(ids)):
        problems.append("duplicate bookmark ids")
    names = {b.get(w("name")) for b in document.iter(w("bookmarkStart"))}
    for p in doc.paragraphs:
        for target, _cached in p.refs:
            if target not in names:
                problems.append(f"REF to missing bookmark {target}")
    numbering = doc.xml("word/numbering.xml")
    num_ids = {n.get(w("numId")) for n in numbering.iter(w("num"))}
    for num in document.iter(w("numId")):
        if num.get(w("val")) not in num_ids:
            problems.append(f"numId {num.get(w('val'))} not defined")
    children = [c.tag for c in numbering]
    last_abstract = max(i for i, t in enumerate(children) if t == w("abstractNum"))
    first_num = min(i for i, t in enumerate(children) if t == w("num"))
    if last_abstract > first_num:
        problems.append("abstractNum after num in numbering.xml")
    return problems
