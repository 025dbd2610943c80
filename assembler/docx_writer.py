"""The Word writer: a composed document into the house template — numbering, bookmarks, REF fields, contents.

docxtpl fills the cover page, header and footer; the body — all of its OOXML written here, as text, in one pass
over the document model — then goes into the serialized document in place of the ``{{p body }}`` paragraph, so
styles and the legal list resolve against the house template and neither docxtpl nor lxml ever parses or builds the
(large) body. The house template is read once per process (``_House``); each document copies what it fills in.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

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


def _el(parent: Any, tag: str, **attrs: str) -> Any:
    return add(parent, "w:" + tag, **attrs)


TEXT_WIDTH = 9070  # twentieths of a point between the house template's margins (A4, 2.5 cm each side)
TABLE_INDENT = {3: 1800}  # a table under a level-3 clause starts where that clause's text does (house template)


@functools.lru_cache(maxsize=8192)  # a table's cells measured word by word; the same words come back each build
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


_NOT_IN_BOOKMARK = re.compile(r"[^A-Za-z0-9]")


@functools.lru_cache(maxsize=8192)  # every anchor of a document, once for its bookmark and again for each REF to it
def bookmark_name(anchor: str) -> str:
    """A Word bookmark name for an anchor: hidden (``_Ref``), at most 40 characters, letters/digits/_ only."""
    name = "_Ref_" + _NOT_IN_BOOKMARK.sub("_", anchor)
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


def _text(text: str) -> str:
    """``text`` as XML character data, written as lxml writes it: control characters dropped (``xml_text``),
    ``&``, ``<``, ``>`` and carriage returns escaped."""
    text = xml_text(text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


_ATTRIBUTE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
)


def _attribute(value: str) -> str:
    """``value`` as a double-quoted attribute value, escaped as lxml escapes it."""
    return xml_text(value).translate(_ATTRIBUTE)


def figure_names(number: int, caption: str) -> tuple[str, str, str]:
    """Figure ``number``'s drawing name, its alternative text (what a screen reader gives) and its picture's
    file name."""
    return f"Figure {number}", f"Diagram: {caption}", f"governance-{number}.png"


class Pictures(Protocol):
    """Where the writer's figures come from: the ``wp:inline`` of figure ``number`` as OOXML text."""

    def inline(self, number: int, caption: str) -> str: ...


_TABLE_BORDERS = "<w:tblBorders>{}</w:tblBorders>".format(
    "".join(
        f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
)
_RUN_START = {
    (False, False): "<w:r>",
    (True, False): "<w:r><w:rPr><w:b/></w:rPr>",
    (False, True): '<w:r><w:rPr><w:highlight w:val="yellow"/></w:rPr>',
    (True, True): '<w:r><w:rPr><w:b/><w:highlight w:val="yellow"/></w:rPr>',
}


class _BodyWriter:
    """The body of a document as OOXML text, block by block, in one pass.

    Each method appends to ``out`` the elements it writes, whole and with their children in the Office schema's
    order by construction (``ooxml.SEQUENCES`` lists that order; tests/test_ooxml_structure.py checks what is
    written against the schema). The text is what lxml would write for the same elements with ``w`` bound to
    the WordprocessingML namespace, so it goes into the serialized document as it is: no element is built, and
    no XML is written twice."""

    def __init__(self, numbering: Any, composed: Writable, pictures: Pictures | None) -> None:
        self.out: list[str] = []
        self.numbering = numbering  # the numbering part's element: a schedule adds a list instance to it
        self.doc = composed
        self.pictures = pictures
        self.figures = 0
        self.bookmark_id = 0
        self.toc_entries = 0
        self.num_id = LEGAL_LIST_ID
        self.next_num_id = next_list_id(numbering)

    # -- paragraphs and runs: a paragraph is opened, its runs follow, and ``end`` closes it
    def paragraph(self, style: str, num: tuple[int, int] | None = None) -> None:
        if num is None:
            self.out.append(f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>')
        else:
            self.out.append(
                f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:numPr><w:ilvl w:val="{num[1]}"/>'
                f'<w:numId w:val="{num[0]}"/></w:numPr></w:pPr>'
            )

    def end(self) -> None:
        self.out.append("</w:p>")

    def text(self, text: str, *, bold: bool = False, highlight: bool = False) -> None:
        # the model refuses control characters in answers; library text is cleaned here
        self.out.append(f'{_RUN_START[bold, highlight]}<w:t xml:space="preserve">{_text(text)}</w:t></w:r>')

    def field_char(self, kind: str) -> None:
        self.out.append(f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>')

    def instruction(self, text: str) -> None:
        self.out.append(f'<w:r><w:instrText xml:space="preserve">{_text(text)}</w:instrText></w:r>')

    def runs(self, runs: list[Run], section: str) -> None:
        pending = ""  # plain text and defined terms look alike: one Word run for each stretch of them
        for run in runs:
            if run.kind in (RunKind.TEXT, RunKind.TERM):
                pending += run.text
                continue
            if pending:
                self.text(pending)
                pending = ""
            if run.kind is RunKind.REF:
                self.reference(run.value, section)
            else:
                self.text(run.text, bold=run.kind is RunKind.BOLD, highlight=run.kind is RunKind.PLACEHOLDER)
        if pending:
            self.text(pending)

    def reference(self, target: str, section: str) -> None:
        anchor = self.doc.anchor(target, section)
        if anchor is None:
            self.text("[●]", highlight=True)
            return
        if not anchor.section and anchor.number.startswith(("Schedule", "Part", "Annex")):
            self.text(anchor.number)
            return
        scoped = f"{target}@{anchor.section}" if anchor.section else target
        self.field_char("begin")
        self.instruction(f" REF {bookmark_name(scoped)} \\w \\h ")
        self.field_char("separate")
        self.text(anchor.number)
        self.field_char("end")

    def bookmarked(self, anchors: list[str], runs: list[Run], section: str, *, toc: bool = False) -> None:
        """The runs inside a bookmark for each anchor (and the contents list's, for a heading it lists)."""
        ids = []
        section = section or ""
        scoped = [f"{a}@{section}" for a in anchors] if section else anchors
        names = [bookmark_name(anchor) for anchor in scoped]
        if toc:  # the next entry of the contents list points here
            names.append(toc_bookmark(self.toc_entries))
            self.toc_entries += 1
        for name in names:
            self.bookmark_id += 1
            self.out.append(f'<w:bookmarkStart w:id="{self.bookmark_id}" w:name="{_attribute(name)}"/>')
            ids.append(self.bookmark_id)
        self.runs(runs, section)
        self.out.extend(f'<w:bookmarkEnd w:id="{bid}"/>' for bid in reversed(ids))
        self.end()

    def page_break(self) -> None:
        self.out.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

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
        self.paragraph("ContentsTitle")
        self.text("Contents")
        self.end()
        for index, (number, title) in enumerate(self.doc.toc):
            self.paragraph(TOC_STYLE)
            self.text(f"{number}\t{title}" if number else title)
            self.out.append("<w:r><w:tab/></w:r>")
            self.field_char("begin")
            self.instruction(f" PAGEREF {toc_bookmark(index)} \\h ")
            self.field_char("separate")
            self.field_char("end")
            self.end()
        self.page_break()

    def warnings(self) -> None:
        if not self.doc.warnings:
            return
        self.paragraph("DocHeading")
        self.text("Points from the governance check")
        self.end()
        for finding in self.doc.warnings:
            self.paragraph("DraftingNote")
            self.text(
                f"{finding.rule}: {finding.text()} What to change: {finding.fix}. Fields: {', '.join(finding.fields)}. "
                f"Source: {finding.source}.",
            )
            self.end()

    def block(self, block: Block) -> None:
        kind = block.kind
        section = block.section
        # In the body the Clause styles carry the legal list; a schedule names its own restarted list instance.
        if kind is BlockKind.HEADING:
            self.paragraph("Clause1", (self.num_id, 0) if self.num_id != LEGAL_LIST_ID else None)
            self.bookmarked(block.anchors, block.runs, section, toc=not section)
        elif kind is BlockKind.NUMBERED:
            level_num = (self.num_id, block.level - 1) if self.num_id != LEGAL_LIST_ID else None
            self.paragraph(f"Clause{block.level}", level_num)
            self.bookmarked(block.anchors, block.runs, section)
        elif kind is BlockKind.BODY:
            self.paragraph(f"Body{max(1, min(block.level, 5))}")
            self.runs(block.runs, section)
            self.end()
        elif kind is BlockKind.NOTE:
            self.paragraph("DraftingNote")
            self.runs(block.runs, section)
            self.end()
        elif kind is BlockKind.PARTY:
            self.paragraph("PartyItem", (PARTIES_LIST_ID, 0))
            self.bookmarked(block.anchors, block.runs, section)
        elif kind is BlockKind.RECITAL:
            self.paragraph("Recital", (RECITALS_LIST_ID, 0))
            self.bookmarked(block.anchors, block.runs, section)
        elif kind is BlockKind.DEFINITION:
            self.paragraph("Definition")
            self.text(f"\u201c{block.term}\u201d", bold=True)
            first = block.plain().lstrip()
            self.text(" " if first.startswith(("has the meaning", "includes", "means")) else " means ")
            self.runs(block.runs, section)  # ending with ";", the last with "." (lists.agree_definitions)
            self.end()
        elif kind is BlockKind.TITLE:
            self.paragraph("PartTitle")
            self.runs(block.runs, section)
            self.end()
        elif kind is BlockKind.SUBTITLE:
            self.paragraph("DocHeading")
            self.runs(block.runs, section)
            self.end()
        elif kind is BlockKind.SIGNATURE:
            self.paragraph("Signature")
            self.text(SIGNATURE_LINE)
            self.out.append("<w:r><w:br/></w:r>")
            self.runs(block.runs, section)
            self.end()
        elif kind is BlockKind.PAGE_BREAK:
            self.page_break()
        elif kind is BlockKind.SCHEDULE:
            if block.runs:
                self.num_id = self.restart_list()
                self.paragraph("ScheduleTitle")
                self.bookmarked(block.anchors, block.runs, "", toc=True)
        elif kind is BlockKind.TABLE:
            self.table(block)
        elif kind is BlockKind.FIGURE:
            self.picture(block)

    def picture(self, block: Block) -> None:
        """The governance diagram, centred, then its caption "Figure 1: ..." (a SEQ field, as Word numbers them).
        Without a drawn diagram (Graphviz missing) there is no figure at all: the build has said so."""
        if self.pictures is None:
            return
        self.figures += 1
        self.paragraph("Figure")
        self.out.append(f"<w:r><w:drawing>{self.pictures.inline(self.figures, block.plain())}</w:drawing></w:r>")
        self.end()
        self.paragraph("Caption")
        self.text("Figure ")
        self.field_char("begin")
        self.instruction(" SEQ Figure \\* ARABIC ")
        self.field_char("separate")
        self.text(str(self.figures))
        self.field_char("end")
        self.text(": ")
        self.runs(block.runs, block.section)
        self.end()

    def table(self, block: Block) -> None:
        indent = TABLE_INDENT.get(block.level, 720)
        widths = _column_widths(block, TEXT_WIDTH - indent)
        out = self.out
        out.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
            f'<w:tblInd w:w="{indent}" w:type="dxa"/>{_TABLE_BORDERS}<w:tblLayout w:type="fixed"/></w:tblPr>'
        )
        out.append("<w:tblGrid>" + "".join(f'<w:gridCol w:w="{width}"/>' for width in widths) + "</w:tblGrid>")
        columns = len(widths)
        for index, row in enumerate(block.rows):
            # a row is never split across a page: a lawyer reads each row whole; the first repeats on each page
            out.append(
                "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
                if index == 0
                else "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            )
            for cell, width in zip(row + [[]] * (columns - len(row)), widths, strict=True):
                out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>')
                self.paragraph("TableText")
                for run in cell:
                    if run.kind is RunKind.REF:
                        self.reference(run.value, block.section)
                    else:
                        self.text(
                            run.text,
                            bold=index == 0 or run.kind is RunKind.BOLD,
                            highlight=run.kind is RunKind.PLACEHOLDER,
                        )
                out.append("</w:p></w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl><w:p/>")


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


_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
"""The core properties docxtpl's ``render_properties`` renders as templates, in its order."""


@dataclass(frozen=True)
class _Typed:
    """A part as ``[Content_Types].xml`` sees it: its name and content type."""

    partname: Any
    content_type: str


class _House:
    """A house template as docxtpl and python-docx read it, read once for every document written with it.

    What docxtpl would do to a freshly opened template for each document is split in two: here, what is the same
    for every document (opening the package, writing its unchanged parts as python-docx writes them, the
    cover's, headers', footers' and footnotes' XML patched into jinja source), and in ``write_docx``, what
    differs (rendering that source with the document's context, with docxtpl's own methods and in docxtpl's
    order). Nothing here is changed after it is made: ``write_docx`` copies what it fills in."""

    def __init__(self, data: bytes) -> None:
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(io.BytesIO(data))
        document = tpl.get_docx()
        part = document.part
        package = part.package
        self.numbering = part.numbering_part.element
        document.core_properties  # noqa: B018 - python-docx adds a default core properties part if there is none
        core = next(p for p in package.iter_parts() if p.content_type == _CORE)
        self.core, self.core_name = core.element, core.partname.membername
        self.root = document.element
        self.body_source = tpl.patch_xml(tpl.get_xml())
        self.stories: list[tuple[str, str, str]] = []  # headers, then footers: each part's name, source, encoding
        for uri in (_HEADER, _FOOTER):
            for _key, story in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(story)
                self.stories.append(
                    (story.partname.membername, tpl.patch_xml(xml), tpl.get_headers_footers_encoding(xml))
                )
        self.footnotes = [(p.partname.membername, p.blob) for p in package.parts if p.content_type == _FOOTNOTES]
        self.parts = package_parts(package)
        self.document_name = part.partname.membername
        self.numbering_name = part.numbering_part.partname.membername
        self.typed = [_Typed(p.partname, p.content_type) for p in package.iter_parts()]
        self.base_uri = part.partname.baseURI
        self.rels_name = part.partname.rels_uri.membername
        self.rels = [(rel.rId, rel.reltype, rel.target_ref, rel.is_external) for rel in part.rels.values()]
        self.image_numbers = [image.partname.idx for image in package.image_parts]


@functools.lru_cache(maxsize=8)
def _house(data: bytes) -> _House:
    """The house template whose file holds ``data`` (kept by content: a template edited in place is read again)."""
    return _House(data)


_INLINE_NAMESPACES = ("wp", "a", "pic", "r")  # what python-docx declares on a picture's wp:inline
_INLINE_URIS = {
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


class _Figure:
    """The governance diagram in one document: one image part and relationship, whatever the number of figures,
    and each figure's ``wp:inline`` as python-docx's ``new_pic_inline`` makes it (its drawing id is the next
    free id of the document as rendered, before the body; its picture's number 0) and lxml writes it where it
    sits (declaring only the prefixes the document does not)."""

    def __init__(self, house: _House, diagram: Diagram, most: tuple[float, float], root: Any) -> None:
        from docx.image.image import Image
        from docx.opc.packuri import PackURI

        from .diagram import PNG_DPI

        self.house = house
        self.image = Image.from_blob(diagram.png)
        self.size = figure_size(diagram.size, PNG_DPI, most)
        used = house.image_numbers
        number = next((n for n in range(1, len(used) + 1) if n not in used), len(used) + 1)
        self.partname = PackURI(f"/word/media/image{number}.{self.image.ext}")
        ids = {rel[0] for rel in house.rels}
        self.rid = next(f"rId{n}" for n in range(1, len(ids) + 2) if f"rId{n}" not in ids)
        shape_ids = [int(value) for value in root.xpath("//@id") if value.isdigit()]
        self.shape_id = max(shape_ids) + 1 if shape_ids else 1
        scope = root.nsmap
        self.declarations = "".join(
            f' xmlns:{prefix}="{_INLINE_URIS[prefix]}"'
            for prefix in _INLINE_NAMESPACES
            if scope.get(prefix) != _INLINE_URIS[prefix]
        )
        self.used = False

    def inline(self, number: int, caption: str) -> str:
        self.used = True
        name, description, file_name = figure_names(number, caption)
        cx, cy = self.size
        return (
            f'<wp:inline{self.declarations}><wp:extent cx="{cx}" cy="{cy}"/>'
            f'<wp:docPr id="{self.shape_id}" name="{_attribute(name)}" descr="{_attribute(description)}"/>'
            '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="0" name="{_attribute(file_name)}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:embed="{self.rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline>'
        )

    def add_to(self, parts: dict[str, bytes]) -> None:
        """The image part, its relationship from the document and its content type, as python-docx adds them."""
        from docx.opc.oxml import CT_Relationships
        from docx.opc.pkgwriter import _ContentTypesItem

        house = self.house
        parts[self.partname.membername] = self.image.blob
        rels = CT_Relationships.new()
        target = self.partname.relative_ref(house.base_uri)
        for rid, reltype, ref, external in [*house.rels, (self.rid, _IMAGE, target, False)]:
            rels.add_rel(rid, reltype, ref, external)
        parts[house.rels_name] = rels.xml
        typed = [*house.typed, _Typed(self.partname, self.image.content_type)]
        parts["[Content_Types].xml"] = _ContentTypesItem.from_parts(typed).blob  # type: ignore[no-untyped-call]


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
    that a ``FIGURE:`` line of a clause shows, at most ``figure_max`` inches wide and high.

    docxtpl fills the cover page, header and footer (see ``_House``); the writer's body, written as text, then
    takes the place of the marker paragraph that ``{{p body }}`` became, in the serialized document."""
    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import parse_xml, serialize_part_xml
    from docxtpl import DocxTemplate, RichText
    from markupsafe import Markup

    if not template.is_file():
        raise LibraryError(
            problems=[
                Problem(str(template), "", "house template not found", "reinstall, or restore templates/house.docx")
            ]
        )
    house = _house(template.read_bytes())
    cover = composed.cover
    date = RichText(cover["date"]) if cover["date"] else RichText("[●]", style=PLACEHOLDER_STYLE)
    status = cover["status"] + (" · clean copy" if clean else "")
    size = cover["party_size"]  # a long list of parties in smaller type, so that the cover stays one page
    parties = [RichText(name, size=size * 2) if size else RichText(name) for name in cover["parties"]]
    context = {**cover, "parties": parties, "date": date, "status": status, "body": Markup(_BODY_MARKER)}

    # docxtpl's render, step by step, on the house template read once (DocxTemplate.render opens it again)
    env = _cover_environment()
    tpl = DocxTemplate(str(template))  # never opened: its methods work on the source text given them
    tpl.docx_ids_index = 1000  # as render_init sets it
    tree = tpl.fix_tables(tpl.render_xml_part(house.body_source, None, context, env))
    tpl.fix_docpr_ids(tree)
    root = copy.deepcopy(house.root)
    root.replace(root.find(_w("body")), tree)
    parts = dict(house.parts)
    for name, source, encoding in house.stories:
        parts[name] = serialize_part_xml(parse_xml(tpl.render_xml_part(source, None, context, env).encode(encoding)))
    for name, blob in house.footnotes:
        for _section in root.sectPr_lst:  # docxtpl renders the footnotes once for each section
            blob = tpl.render_xml_part(tpl.patch_xml(blob.decode("utf-8")), None, context, env).encode("utf-8")
        parts[name] = blob
    core_element = copy.deepcopy(house.core)
    core = CoreProperties(core_element)
    for prop in _RENDERED_PROPERTIES:
        setattr(core, prop, env.from_string(getattr(core, prop)).render(context))

    head, marker, tail = serialize_part_xml(root).partition(_BODY_MARKER.encode())
    if not marker:
        raise LibraryError(
            problems=[Problem(str(template), "", "no {{p body }} paragraph", "type {{p body }} in Word")]
        )
    numbering = copy.deepcopy(house.numbering)
    pictures = _Figure(house, figure, figure_max, root) if figure is not None else None
    writer = _BodyWriter(numbering, composed, pictures)
    writer.contents()
    if not clean:
        writer.warnings()
    for block in composed.blocks:
        writer.block(block)
    parts[house.document_name] = b"".join((head, "".join(writer.out).encode(), tail))
    parts[house.numbering_name] = serialize_part_xml(numbering)
    if pictures is not None and pictures.used:
        pictures.add_to(parts)

    core.title = _core_text(f"{cover['title']}: {cover['collaborative']}")
    core.subject = _core_text(composed.subject)
    core.author = "assembler"
    core.last_modified_by = "assembler"
    core.keywords = _core_text(cover["collaborative"])
    core.category = "Provider collaborative governance"
    core.comments = f"Generated draft, version {cover['version']}"
    core.created = core.modified = FIXED_DATE
    core.revision = 1
    parts[house.core_name] = serialize_part_xml(core_element)
    return normalise_package(parts, properties)


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
