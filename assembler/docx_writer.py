"""The Word writer: a composed document into the house template — numbering, bookmarks, REF fields, contents.

docxtpl fills the cover page, header and footer; the body — all of its OOXML built here, with lxml — then goes
into the rendered document in place of the ``{{p body }}`` paragraph, so styles and the legal list resolve against
the house template and docxtpl never re-parses the body. Every element goes through ``ooxml.add``, which puts
it where the Office schema wants it among its siblings.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from pathlib import Path
from typing import Any, Protocol

from lxml import etree

from .compose import Anchor
from .diagram import Diagram
from .docmodel import Block, BlockKind, Run, RunKind
from .errors import LibraryError, Problem
from .ooxml import add, qn, xml_text
from .package import normalise_package
from .rules import Finding

__all__ = [
    "FIXED_DATE",
    "WRITER_LISTS",
    "WRITER_STYLES",
    "Writable",
    "next_list_id",
    "package_parts",
    "restart_list",
    "write_docx",
]


class Writable(Protocol):
    """What the writer needs of a document: a composed document of the pack, or a board paper."""

    blocks: list[Block]
    cover: dict[str, Any]
    toc: list[tuple[str, str]]
    warnings: list[Finding]

    @property
    def subject(self) -> str: ...

    def anchor(self, target: str, section: str) -> Anchor | None: ...


XML_SPACE = qn("xml:space")
LEGAL_LIST_ID, PARTIES_LIST_ID, RECITALS_LIST_ID = 1, 2, 3
TOC_STYLE = "TOC1"  # the style's id; "TOC 1" is its name, and a w:pStyle names a style by id
PLACEHOLDER_STYLE = "Placeholder"  # the house template's character style for the cover's unknown date
SIGNATURE_LINE = "." * 60
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
WRITER_STYLES = (
    *(f"Clause{n}" for n in range(1, 6)),
    *(f"Body{n}" for n in range(1, 6)),
    *("PartyItem", "Recital", "Definition", "DocHeading", "ScheduleTitle", "PartTitle", "Signature", "TableText"),
    *("DraftingNote", "CoverTitle", "CoverText", TOC_STYLE, "ContentsTitle", "Figure", "Caption", PLACEHOLDER_STYLE),
    "TableGrid",
)
"""Every style (by id) the writer names, and so every house template must define."""
WRITER_LISTS = {LEGAL_LIST_ID: 5, PARTIES_LIST_ID: 1, RECITALS_LIST_ID: 1}
"""The house template's lists the writer numbers with (``w:num`` id) and how many levels each needs."""
_MARKER_ID = "00A55E3B"
_BODY_MARKER = f'<w:p w:rsidR="{_MARKER_ID}"/>'


@functools.cache
def _w(tag: str) -> str:
    return qn("w:" + tag)


_sub = etree.SubElement
_P, _PPR, _PSTYLE, _NUMPR, _ILVL, _NUMID = (qn(f"w:{tag}") for tag in ("p", "pPr", "pStyle", "numPr", "ilvl", "numId"))
_R, _RPR, _B, _HIGHLIGHT, _T, _VAL = (qn(f"w:{tag}") for tag in ("r", "rPr", "b", "highlight", "t", "val"))
_PRESERVE = {XML_SPACE: "preserve"}


def _el(parent: Any, tag: str, **attrs: str) -> Any:
    return add(parent, "w:" + tag, **attrs)


TEXT_WIDTH = 9070  # twentieths of a point between the house template's margins (A4, 2.5 cm each side)
TABLE_INDENT = {3: 1800}  # a table under a level-3 clause starts where that clause's text does (house template)


def word_width(word: str, *, bold: bool = False) -> int:
    """How wide a word prints in the house font (11 pt), in twentieths of a point, erring wide.

    Measured against Arial's advance widths and the wider DejaVu Sans that LibreOffice falls back to where
    Arial is missing: capitals are about half as wide again as lower-case letters, so "LSCFT" needs more room
    than "trust" — counting characters alone broke short names in capitals across two lines."""
    width = 0
    for char in word:
        if char.isupper():
            width += 170
        elif char.isdigit():
            width += 135
        elif char.isalpha():
            width += 125 if char not in "ilfjtr" else 75
        else:
            width += 80
    return width * 11 // 10 if bold else width


CELL_MARGINS = 216 + 60  # the table style's left and right cell margins (108 each), and a little air
LONG_WORD = 24  # a longer "word" (a web address, say) may break: it must not take the whole table's width


def _column_widths(block: Block, total: int) -> list[int]:
    """Column widths: each wide enough for its widest word (so no short name breaks inside a word), the rest
    shared by how much each column says."""
    columns = max(len(row) for row in block.rows)
    minimum, weight = [], []
    for index in range(columns):
        cells = [
            (row_index == 0, text)  # the header row is bold
            for row_index, row in enumerate(block.rows)
            if index < len(row) and (text := "".join(r.text for r in row[index]))
        ]
        widest = max(
            (word_width(word[:LONG_WORD], bold=bold) for bold, text in cells for word in text.split()),
            default=word_width("[●]"),
        )
        minimum.append(widest + CELL_MARGINS)
        texts = [text for _bold, text in cells]
        weight.append(sum(len(text) for text in texts) / max(len(texts), 1) + 1)
    spare = total - sum(minimum)
    if spare < 0:  # too many columns for the page: shrink them all alike
        widths = [m * total // sum(minimum) for m in minimum]
    else:
        widths = [m + int(spare * w / sum(weight)) for m, w in zip(minimum, weight, strict=True)]
    widths[-1] += total - sum(widths)
    return widths


def toc_bookmark(index: int) -> str:
    """The bookmark on the heading of the contents list's entry ``index`` (Word's own prefix for them)."""
    return f"_Toc{index + 1:08d}"


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name for an anchor: hidden (``_Ref``), at most 40 characters, letters/digits/_ only."""
    name = "_Ref_" + re.sub(r"[^A-Za-z0-9]", "_", anchor)
    if len(name) > 40:
        import hashlib

        name = name[:31] + "_" + hashlib.sha1(anchor.encode()).hexdigest()[:8]
    return name


EMU_PER_INCH = 914400
FIGURE_MAX = (6.0, 8.0)  # inches: the text's width (less a margin) and most of a page's height


def figure_size(pixels: tuple[int, int], dpi: int, most: tuple[float, float] = FIGURE_MAX) -> tuple[int, int]:
    """A picture's width and height in EMU: its natural size at ``dpi``, shrunk to fit ``most`` (inches) if need
    be."""
    width, height = pixels[0] / dpi, pixels[1] / dpi
    scale = min(1.0, most[0] / width, most[1] / height)
    return round(width * scale * EMU_PER_INCH), round(height * scale * EMU_PER_INCH)


def restart_list(numbering: Any, num_id: int) -> None:
    """Add list instance ``num_id`` on the house template's legal list, its numbering starting again at 1."""
    num = _el(numbering, "num", numId=str(num_id))
    _el(num, "abstractNumId", val=str(LEGAL_LIST_ID))
    _el(_el(num, "lvlOverride", ilvl="0"), "startOverride", val="1")


def next_list_id(numbering: Any) -> int:
    """The first list instance id the house template's numbering part does not use."""
    return max((int(n.get(_w("numId"))) for n in numbering.iter(_w("num"))), default=3) + 1


class _BodyWriter:
    def __init__(
        self,
        body: Any,
        numbering: Any,
        composed: Writable,
        part: Any,
        figure: Diagram | None,
        figure_max: tuple[float, float] = FIGURE_MAX,
    ) -> None:
        self.body = body
        self.numbering = numbering
        self.doc = composed
        self.part = part  # the document part, which holds the pictures
        self.figure = figure
        self.figure_max = figure_max
        self.figures = 0
        self.bookmark_id = 0
        self.toc_entries = 0
        self.num_id = LEGAL_LIST_ID
        self.next_num_id = next_list_id(numbering)

    # -- paragraphs and runs
    # paragraph() and text() run for every paragraph and run (half the elements of a pack): they make their
    # elements directly, in the schema's order, into a paragraph that is new (the body is free in order, and a
    # run goes after the paragraph's properties and every run before it). Everything else goes through
    # ooxml.add, the one place that knows the schema's order; tests/test_ooxml_structure.py checks both.
    def paragraph(self, style: str, num: tuple[int, int] | None = None) -> Any:
        p = _sub(self.body, _P)
        ppr = _sub(p, _PPR)
        _sub(ppr, _PSTYLE, {_VAL: style})
        if num is not None:
            numpr = _sub(ppr, _NUMPR)
            _sub(numpr, _ILVL, {_VAL: str(num[1])})
            _sub(numpr, _NUMID, {_VAL: str(num[0])})
        return p

    def text(self, p: Any, text: str, *, bold: bool = False, highlight: bool = False) -> None:
        r = _sub(p, _R)
        if bold or highlight:
            rpr = _sub(r, _RPR)
            if bold:
                _sub(rpr, _B)
            if highlight:
                _sub(rpr, _HIGHLIGHT, {_VAL: "yellow"})
        t = _sub(r, _T, _PRESERVE)  # the model refuses these in answers; library text is cleaned here
        t.text = xml_text(text)

    def field_char(self, p: Any, kind: str) -> None:
        _el(_el(p, "r"), "fldChar", fldCharType=kind)

    def instruction(self, p: Any, text: str) -> None:
        _el(_el(p, "r"), "instrText", text=text).set(XML_SPACE, "preserve")

    def runs(self, p: Any, runs: list[Run], section: str) -> None:
        pending = ""  # plain text and defined terms look alike: one Word run for each stretch of them
        for run in runs:
            if run.kind in (RunKind.TEXT, RunKind.TERM):
                pending += run.text
                continue
            if pending:
                self.text(p, pending)
                pending = ""
            if run.kind is RunKind.REF:
                self.reference(p, run.value, section)
            else:
                self.text(p, run.text, bold=run.kind is RunKind.BOLD, highlight=run.kind is RunKind.PLACEHOLDER)
        if pending:
            self.text(p, pending)

    def reference(self, p: Any, target: str, section: str) -> None:
        anchor = self.doc.anchor(target, section)
        if anchor is None:
            self.text(p, "[●]", highlight=True)
            return
        if not anchor.section and anchor.number.startswith(("Schedule", "Part", "Annex")):
            self.text(p, anchor.number)
            return
        scoped = f"{target}@{anchor.section}" if anchor.section else target
        self.field_char(p, "begin")
        self.instruction(p, f" REF {bookmark_name(scoped)} \\w \\h ")
        self.field_char(p, "separate")
        self.text(p, anchor.number)
        self.field_char(p, "end")

    def bookmarked(self, p: Any, anchors: list[str], runs: list[Run], section: str, *, toc: bool = False) -> None:
        ids = []
        section = section or ""
        scoped = [f"{a}@{section}" for a in anchors] if section else anchors
        names = [bookmark_name(anchor) for anchor in scoped]
        if toc:  # the next entry of the contents list points here
            names.append(toc_bookmark(self.toc_entries))
            self.toc_entries += 1
        for name in names:
            self.bookmark_id += 1
            _el(p, "bookmarkStart", id=str(self.bookmark_id), name=name)
            ids.append(self.bookmark_id)
        self.runs(p, runs, section)
        for bid in reversed(ids):
            _el(p, "bookmarkEnd", id=str(bid))

    def page_break(self) -> None:
        _el(_el(_el(self.body, "p"), "r"), "br", type="page")

    def restart_list(self) -> int:
        """A new list instance on the legal list, so a schedule's numbering starts again at 1."""
        num_id = self.next_num_id
        self.next_num_id += 1
        restart_list(self.numbering, num_id)
        return num_id

    # -- document parts
    def contents(self) -> None:
        """The contents list: one entry a heading, written in, with a PAGEREF to the heading's bookmark.

        The writer cannot paginate, so each page number's cached result is left empty: LibreOffice computes it
        when it lays the document out (the PDF shows it), Word when the list's fields are updated (F9, or on
        printing). There is no TOC field around the entries: LibreOffice would keep such a list as it was
        written, without page numbers, and Word would offer to rebuild it from the heading styles."""
        if not self.doc.toc:
            return
        self.text(self.paragraph("ContentsTitle"), "Contents")
        for index, (number, title) in enumerate(self.doc.toc):
            p = self.paragraph(TOC_STYLE)
            self.text(p, f"{number}\t{title}" if number else title)
            _el(_el(p, "r"), "tab")
            self.field_char(p, "begin")
            self.instruction(p, f" PAGEREF {toc_bookmark(index)} \\h ")
            self.field_char(p, "separate")
            self.field_char(p, "end")
        self.page_break()

    def warnings(self) -> None:
        if not self.doc.warnings:
            return
        self.text(self.paragraph("DocHeading"), "Points from the governance check")
        for finding in self.doc.warnings:
            p = self.paragraph("DraftingNote")
            self.text(
                p,
                f"{finding.rule}: {finding.text()} What to change: {finding.fix}. Fields: {', '.join(finding.fields)}. "
                f"Source: {finding.source}.",
            )

    def block(self, block: Block) -> None:
        kind = block.kind
        section = block.section
        # In the body the Clause styles carry the legal list; a schedule names its own restarted list instance.
        if kind is BlockKind.HEADING:
            p = self.paragraph("Clause1", (self.num_id, 0) if self.num_id != LEGAL_LIST_ID else None)
            self.bookmarked(p, block.anchors, block.runs, section, toc=not section)
        elif kind is BlockKind.NUMBERED:
            level_num = (self.num_id, block.level - 1) if self.num_id != LEGAL_LIST_ID else None
            p = self.paragraph(f"Clause{block.level}", level_num)
            self.bookmarked(p, block.anchors, block.runs, section)
        elif kind is BlockKind.BODY:
            self.runs(self.paragraph(f"Body{max(1, min(block.level, 5))}"), block.runs, section)
        elif kind is BlockKind.NOTE:
            self.runs(self.paragraph("DraftingNote"), block.runs, section)
        elif kind is BlockKind.PARTY:
            self.bookmarked(self.paragraph("PartyItem", (PARTIES_LIST_ID, 0)), block.anchors, block.runs, section)
        elif kind is BlockKind.RECITAL:
            self.bookmarked(self.paragraph("Recital", (RECITALS_LIST_ID, 0)), block.anchors, block.runs, section)
        elif kind is BlockKind.DEFINITION:
            p = self.paragraph("Definition")
            self.text(p, f"\u201c{block.term}\u201d", bold=True)
            first = block.plain().lstrip()
            joiner = " " if first.startswith(("has the meaning", "includes", "means")) else " means "
            self.text(p, joiner)
            self.runs(p, block.runs, section)  # ending with ";", the last with "." (lists.agree_definitions)
        elif kind is BlockKind.TITLE:
            self.runs(self.paragraph("PartTitle"), block.runs, section)
        elif kind is BlockKind.SUBTITLE:
            self.runs(self.paragraph("DocHeading"), block.runs, section)
        elif kind is BlockKind.SIGNATURE:
            p = self.paragraph("Signature")
            self.text(p, SIGNATURE_LINE)
            _el(_el(p, "r"), "br")
            self.runs(p, block.runs, section)
        elif kind is BlockKind.PAGE_BREAK:
            self.page_break()
        elif kind is BlockKind.SCHEDULE:
            if block.runs:
                self.num_id = self.restart_list()
                self.bookmarked(self.paragraph("ScheduleTitle"), block.anchors, block.runs, "", toc=True)
        elif kind is BlockKind.TABLE:
            self.table(block)
        elif kind is BlockKind.FIGURE:
            self.picture(block)

    def picture(self, block: Block) -> None:
        """The governance diagram, centred, then its caption "Figure 1: ..." (a SEQ field, as Word numbers them).
        Without a drawn diagram (Graphviz missing) there is no figure at all: the build has said so."""
        if self.figure is None:
            return
        from docx.shared import Emu

        from .diagram import PNG_DPI

        self.figures += 1
        width, height = figure_size(self.figure.size, PNG_DPI, self.figure_max)
        inline = self.part.new_pic_inline(io.BytesIO(self.figure.png), Emu(width), Emu(height))
        doc_pr = inline.find(qn("wp:docPr"))
        doc_pr.set("name", f"Figure {self.figures}")
        doc_pr.set("descr", f"Diagram: {block.plain()}")  # the alternative text a screen reader gives
        inline.find(".//" + qn("pic:cNvPr")).set("name", f"governance-{self.figures}.png")
        add(add(self.paragraph("Figure"), "w:r"), "w:drawing").append(inline)
        caption = self.paragraph("Caption")
        self.text(caption, "Figure ")
        self.field_char(caption, "begin")
        self.instruction(caption, " SEQ Figure \\* ARABIC ")
        self.field_char(caption, "separate")
        self.text(caption, str(self.figures))
        self.field_char(caption, "end")
        self.text(caption, ": ")
        self.runs(caption, block.runs, block.section)

    def table(self, block: Block) -> None:
        tbl = _el(self.body, "tbl")
        tblpr = _el(tbl, "tblPr")
        _el(tblpr, "tblStyle", val="TableGrid")
        indent = TABLE_INDENT.get(block.level, 720)
        widths = _column_widths(block, TEXT_WIDTH - indent)
        _el(tblpr, "tblW", w=str(sum(widths)), type="dxa")
        _el(tblpr, "tblInd", w=str(indent), type="dxa")
        _el(tblpr, "tblLayout", type="fixed")
        borders = _el(tblpr, "tblBorders")  # placed before tblLayout, as the schema wants
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _el(borders, edge, val="single", sz="4", space="0", color="808080")
        columns = len(widths)
        grid = _el(tbl, "tblGrid")
        for width in widths:
            _el(grid, "gridCol", w=str(width))
        for index, row in enumerate(block.rows):
            tr = _el(tbl, "tr")
            trpr = _el(tr, "trPr")
            _el(trpr, "cantSplit")  # a row is never split across a page: a lawyer reads each row whole
            if index == 0:
                _el(trpr, "tblHeader")
            for cell, width in zip(row + [[]] * (columns - len(row)), widths, strict=True):
                tc = _el(tr, "tc")
                _el(_el(tc, "tcPr"), "tcW", w=str(width), type="dxa")
                p = _el(tc, "p")
                _el(_el(p, "pPr"), "pStyle", val="TableText")
                for run in cell:
                    if run.kind is RunKind.REF:
                        self.reference(p, run.value, block.section)
                    else:
                        self.text(
                            p,
                            run.text,
                            bold=index == 0 or run.kind is RunKind.BOLD,
                            highlight=run.kind is RunKind.PLACEHOLDER,
                        )
        _el(self.body, "p")


@functools.cache
def _cover_environment() -> Any:
    """The environment docxtpl renders the cover, header and footer with: sandboxed, autoescaped, strict.

    The house template's XML is the same for every document, so each compiled template is kept by its source."""
    from jinja2 import StrictUndefined, Template
    from jinja2.sandbox import SandboxedEnvironment

    class _Cached(SandboxedEnvironment):
        compiled: dict[str, Template] = {}  # noqa: RUF012 - one cache per (cached) environment

        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
            if globals is None and template_class is None and isinstance(source, str):
                if source not in self.compiled:
                    self.compiled[source] = super().from_string(source)
                return self.compiled[source]
            return super().from_string(source, globals, template_class)

    return _Cached(autoescape=True, undefined=StrictUndefined)


def write_docx(
    composed: Writable,
    template: Path,
    *,
    properties: dict[str, str],
    clean: bool,
    figure: Diagram | None = None,
    figure_max: tuple[float, float] = FIGURE_MAX,
) -> bytes:
    """The finished .docx as bytes (deterministic for the same input); ``figure`` is the governance diagram
    that a ``FIGURE:`` line of a clause shows, at most ``figure_max`` inches wide and high."""
    from docxtpl import DocxTemplate, RichText
    from markupsafe import Markup

    if not template.is_file():
        raise LibraryError(
            problems=[
                Problem(str(template), "", "house template not found", "reinstall, or restore templates/house.docx")
            ]
        )
    tpl = DocxTemplate(str(template))
    cover = composed.cover
    date = RichText(cover["date"]) if cover["date"] else RichText("[●]", style=PLACEHOLDER_STYLE)
    status = cover["status"] + (" · clean copy" if clean else "")
    size = cover["party_size"]  # a long list of parties in smaller type, so that the cover stays one page
    parties = [RichText(name, size=size * 2) if size else RichText(name) for name in cover["parties"]]
    context = {**cover, "parties": parties, "date": date, "status": status, "body": Markup(_BODY_MARKER)}
    tpl.render(context, jinja_env=_cover_environment())

    # The body is built straight into the rendered document, in place of the marker paragraph that
    # `{{p body }}` became: docxtpl renders only the cover, header and footer, never the (large) body.
    document_body = tpl.docx.element.body
    marker = next((p for p in document_body.iter(_w("p")) if p.get(_w("rsidR")) == _MARKER_ID), None)
    if marker is None:
        raise LibraryError(
            problems=[Problem(str(template), "", "no {{p body }} paragraph", "type {{p body }} in Word")]
        )
    container = etree.Element(_w("body"))
    writer = _BodyWriter(container, tpl.docx.part.numbering_part.element, composed, tpl.docx.part, figure, figure_max)
    writer.contents()
    if not clean:
        writer.warnings()
    for block in composed.blocks:
        writer.block(block)
    parent = marker.getparent()
    at = parent.index(marker)
    parent[at : at + 1] = list(container)  # the body takes the marker's place in one move

    core = tpl.docx.core_properties  # not get_docx(): after rendering it would reload the template
    core.title = _core_text(f"{cover['title']}: {cover['collaborative']}")
    core.subject = _core_text(composed.subject)
    core.author = "assembler"
    core.last_modified_by = "assembler"
    core.keywords = _core_text(cover["collaborative"])
    core.category = "Provider collaborative governance"
    core.comments = f"Generated draft, version {cover['version']}"
    core.created = core.modified = FIXED_DATE
    core.revision = 1
    return normalise_package(package_parts(tpl.docx.part.package), properties)


def _core_text(text: str) -> str:
    """A core property holds at most 255 characters (python-docx refuses more): a long name is shortened."""
    return text if len(text) <= 255 else text[:254] + "…"


def package_parts(package: Any) -> dict[str, bytes]:
    """Every part of the package as bytes, named as in the zip (what python-docx's writer would store),
    without compressing them: ``normalise_package`` writes the zip once."""
    from docx.opc.pkgwriter import _ContentTypesItem

    parts = list(package.iter_parts())
    out: dict[str, bytes] = {
        "[Content_Types].xml": _ContentTypesItem.from_parts(parts).blob,  # type: ignore[no-untyped-call]
        "_rels/.rels": package.rels.xml,
    }
    for part in parts:
        out[part.partname.membername] = part.blob
        if len(part.rels):
            out[part.partname.rels_uri.membername] = part.rels.xml
    return out
