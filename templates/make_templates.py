"""Recreate the house templates: ``templates/house.docx`` (styles, the legal list, cover page, header and footer)
and ``templates/paper.docx`` (the same styles, header and footer, no cover page: a board paper).

Run ``python templates/make_templates.py`` after changing it; the build reads only the .docx files it writes.
The cover page holds docxtpl tags (``{{ title }}``, ``{%p for p in parties %}``...) and the body is a single
``{{p body }}`` paragraph that the engine replaces with the clauses.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.shared import Cm, Pt, RGBColor, Twips
from lxml import etree

from assembler.ooxml import NAMESPACES, add, get_or_add, qn

HERE = Path(__file__).resolve().parent
FONT = "Arial"
TEXT_WIDTH = 9072  # twentieths of a point between the margins: A4 (11906) less 2.5 cm (1417) each side

# Where each list level's text starts and how far its number hangs to the left of it (twentieths of a point).
# Every number up to "99.99.99" must fit in its hanging space with a visible gap, also in the wider fallback
# font (DejaVu Sans) LibreOffice uses where Arial is missing: "99.99.99" is about 980 wide in it, so level 3
# hangs 1080; tests/test_ooxml_structure.py measures each level.
INDENT = {1: 720, 2: 720, 3: 1800, 4: 2520, 5: 3240}
HANGING = {1: 720, 2: 720, 3: 1080, 4: 720, 5: 720}
LEGAL_LEVELS = [
    # (level, format, text, style)
    (0, "decimal", "%1.", "Clause1"),
    (1, "decimal", "%1.%2", "Clause2"),
    (2, "decimal", "%1.%2.%3", "Clause3"),
    (3, "lowerLetter", "(%4)", "Clause4"),
    (4, "lowerRoman", "(%5)", "Clause5"),
]

LEGAL_LIST_ID = 1
PARTIES_LIST_ID = 2
RECITALS_LIST_ID = 3
PLACEHOLDER_STYLE = "Placeholder"  # character style of the cover's unknown date (the writer names it too)


def _lvl(abstract: Any, ilvl: int, fmt: str, text: str, style: str | None, left: int, hanging: int = 720) -> None:
    lvl = add(abstract, "w:lvl", ilvl=str(ilvl))
    add(lvl, "w:start", val="1")
    add(lvl, "w:numFmt", val=fmt)
    if style:
        add(lvl, "w:pStyle", val=style)
    add(lvl, "w:lvlText", val=text)
    add(lvl, "w:lvlJc", val="left")
    ppr = add(lvl, "w:pPr")
    add(add(ppr, "w:tabs"), "w:tab", val="num", pos=str(left))
    add(ppr, "w:ind", left=str(left), hanging=str(hanging))
    add(add(lvl, "w:rPr"), "w:b", val="1" if ilvl == 0 and style else "0")


def numbering_element() -> Any:
    """numbering.xml: the legal list (1. / 1.1 / 1.1.1 / (a) / (i)), the parties' (1) and the recitals' (A)."""
    numbering = etree.Element(qn("w:numbering"), nsmap={"w": NAMESPACES["w"]})
    lists = [
        (LEGAL_LIST_ID, "multilevel", [(i, f, t, s, INDENT[i + 1], HANGING[i + 1]) for i, f, t, s in LEGAL_LEVELS]),
        (PARTIES_LIST_ID, "singleLevel", [(0, "decimal", "(%1)", "PartyItem", 720, 720)]),
        (RECITALS_LIST_ID, "singleLevel", [(0, "upperLetter", "(%1)", "Recital", 720, 720)]),
    ]
    for list_id, kind, levels in lists:
        abstract = add(numbering, "w:abstractNum", abstractNumId=str(list_id))
        add(abstract, "w:multiLevelType", val=kind)
        for ilvl, fmt, text, style, left, hanging in levels:
            _lvl(abstract, ilvl, fmt, text, style, left, hanging)
        if list_id == LEGAL_LIST_ID:
            for ilvl in range(5, 9):
                _lvl(abstract, ilvl, "decimal", "", None, 720 * (ilvl + 1))
    for list_id, _kind, _levels in lists:  # every abstractNum comes before the first num
        add(add(numbering, "w:num", numId=str(list_id)), "w:abstractNumId", val=str(list_id))
    return numbering


def _paragraph_style(
    doc: Any,
    name: str,
    *,
    base: str = "Normal",
    bold: bool = False,
    size: float | None = None,
    left: int | None = None,
    hanging: int | None = None,
    align: Any = None,
    keep_next: bool = False,
    num: tuple[int, int] | None = None,
    outline: int | None = None,
    italic: bool = False,
    color: RGBColor | None = None,
    space_after: float = 6,
    caps: bool = False,
) -> Any:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    font = style.font
    font.bold = bold
    font.italic = italic
    font.all_caps = caps
    if size:
        font.size = Pt(size)
    if color is not None:
        font.color.rgb = color
    fmt = style.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.keep_with_next = keep_next
    if align is not None:
        fmt.alignment = align
    ppr = style.element.get_or_add_pPr()
    if num is not None:
        numpr = get_or_add(ppr, "w:numPr")
        add(numpr, "w:ilvl", val=str(num[1]))
        add(numpr, "w:numId", val=str(num[0]))
    if left is not None:
        ind = get_or_add(ppr, "w:ind", left=str(left))
        if hanging:
            ind.set(qn("w:hanging"), str(hanging))
    if outline is not None:
        get_or_add(ppr, "w:outlineLvl", val=str(outline))
    return style


def build() -> bytes:
    """The house template of the five documents: a cover page of its own, then the body."""
    return _template(paper=False)


def build_paper() -> bytes:
    """The board paper's template: its title and the body on the first page, with the marking and reference."""
    return _template(paper=True)


def _template(*, paper: bool) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15

    numbering = doc.part.numbering_part
    numbering._element = numbering_element()

    _paragraph_style(doc, "Clause1", bold=True, keep_next=True, num=(LEGAL_LIST_ID, 0), outline=0, space_after=6)
    for level in (2, 3, 4, 5):
        _paragraph_style(doc, f"Clause{level}", num=(LEGAL_LIST_ID, level - 1))
    for level in (1, 2, 3, 4, 5):
        _paragraph_style(doc, f"Body{level}", left=INDENT[level])
    _paragraph_style(doc, "PartyItem", num=(PARTIES_LIST_ID, 0))
    _paragraph_style(doc, "Recital", num=(RECITALS_LIST_ID, 0))
    _paragraph_style(doc, "Definition", left=INDENT[2])
    _paragraph_style(doc, "DocHeading", bold=True, keep_next=True, caps=True, space_after=12)
    _paragraph_style(
        doc,
        "ScheduleTitle",
        bold=True,
        keep_next=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        outline=0,
        size=12,
        space_after=12,
    )
    _paragraph_style(doc, "PartTitle", bold=True, keep_next=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    # Signature lines start where the execution wording does (Body1), not at the margin.
    _paragraph_style(doc, "Signature", left=INDENT[1], space_after=18, keep_next=True)
    _paragraph_style(doc, "TableText", space_after=2)
    note = _paragraph_style(doc, "DraftingNote", italic=True, size=9, color=RGBColor(0x1F, 0x3A, 0x93), left=0)
    note_ppr = note.element.get_or_add_pPr()
    add(get_or_add(note_ppr, "w:pBdr"), "w:left", val="single", sz="18", space="6", color="1F3A93")
    get_or_add(note_ppr, "w:shd", val="clear", color="auto", fill="E8EEFA")
    _paragraph_style(doc, "CoverTitle", bold=True, size=20, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=18)
    _paragraph_style(doc, "CoverText", size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    if paper:
        _paragraph_style(doc, "PaperTitle", bold=True, size=16, keep_next=True, space_after=6)
        _paragraph_style(doc, "PaperSubtitle", size=12, keep_next=True, space_after=12)
    toc = _paragraph_style(doc, "TOC 1", left=INDENT[1], hanging=720, space_after=3)  # style id TOC1
    # number, tab to the text, title, dotted tab to the page number at the right margin
    toc.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    # An unknown date on the cover: docxtpl's RichText would shade it with a w:shd that lacks its required
    # w:val, and a style cannot hold w:highlight, so the cover's placeholder is this character style.
    placeholder = doc.styles.add_style(PLACEHOLDER_STYLE, WD_STYLE_TYPE.CHARACTER)
    get_or_add(placeholder.element.get_or_add_rPr(), "w:shd", val="clear", color="auto", fill="FFFF00")
    _paragraph_style(doc, "ContentsTitle", bold=True, caps=True, space_after=12)
    _paragraph_style(doc, "Figure", align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True, space_after=6)
    caption = doc.styles["Caption"]  # Word's own caption style (its list of figures finds it), restyled
    caption.base_style = doc.styles["Normal"]
    caption.font.italic, caption.font.bold, caption.font.size = True, False, Pt(9)
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_after = Pt(12)

    # Cover page (docxtpl tags), then the body placeholder.
    body = doc.element.body
    for p in list(body):
        if p.tag == qn("w:p"):
            body.remove(p)

    def cover(text: str, style: str = "CoverText") -> None:
        doc.add_paragraph(text, style=style)

    if paper:
        cover("{{ title }}", "PaperTitle")
        cover("{{ collaborative }}", "PaperSubtitle")
    else:
        cover("{{ form }}", "CoverText")
        cover("DATED {{r date }}")
        cover("{{ title }}", "CoverTitle")
        cover("relating to the {{ collaborative }}")
        cover("between")
        cover("{%p for p in parties %}")
        cover("{{r p }}")  # RichText: a long list of parties is set in smaller type
        cover("{%p endfor %}")
        cover("Version {{ version }} · {{ status }}")
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("{{p body }}")

    # The cover is a page of its own: no running header or footer on it (w:titlePg, and empty first-page parts).
    # Header: the draft marking ("Draft 0.2 — 1 May 2025 — subject to contract"), empty in a final build;
    # footer: the document reference at the left, the page number at the right margin.
    if not paper:
        section.different_first_page_header_footer = True
        section.first_page_header.paragraphs[0].text = ""
        section.first_page_footer.paragraphs[0].text = ""
    header = section.header.paragraphs[0]
    header.text = "{{ marking }}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    tabs = footer.paragraph_format.tab_stops
    for stop in doc.styles["Footer"].paragraph_format.tab_stops:  # the style's centre and right stops (US Letter)
        tabs.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(Twips(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run("{{ reference }}\tPage ")
    add(add(footer._p, "w:r"), "w:fldChar", fldCharType="begin")
    add(add(footer._p, "w:r"), "w:instrText", text=" PAGE ").set(qn("xml:space"), "preserve")
    add(add(footer._p, "w:r"), "w:fldChar", fldCharType="separate")
    add(add(footer._p, "w:r"), "w:t", text="1")
    add(add(footer._p, "w:r"), "w:fldChar", fldCharType="end")

    # No w:updateFields: Word would ask on opening whether to update fields. The writer writes every field's
    # result itself (REF numbers, contents entries); LibreOffice computes the contents' page numbers in the PDF.
    _slim(doc)

    buffer = io.BytesIO()
    doc.save(buffer)
    return _normalise(buffer.getvalue())


# Styles the house template keeps from python-docx's default template; everything else (about 150 unused
# styles, the latent-style table, a Word 2010 copy of the styles, a thumbnail, custom XML) is dropped, because
# every generated document would otherwise carry — and every build parse and write — 800 KB of unused XML.
KEEP_STYLES = {
    "Normal",
    "DefaultParagraphFont",
    "TableNormal",
    "NoList",
    "TableGrid",
    "Header",
    "HeaderChar",
    "Footer",
    "FooterChar",
}
DROP_RELS = ("stylesWithEffects", "customXml", "thumbnail")


def _slim(doc: Any) -> None:
    styles = doc.styles.element
    ours = {
        "Clause1",
        "Clause2",
        "Clause3",
        "Clause4",
        "Clause5",
        "Body1",
        "Body2",
        "Body3",
        "Body4",
        "Body5",
        "PartyItem",
        "Recital",
        "Definition",
        "DocHeading",
        "ScheduleTitle",
        "PartTitle",
        "Signature",
        "TableText",
        "DraftingNote",
        "CoverTitle",
        "CoverText",
        "PaperTitle",
        "PaperSubtitle",
        "TOC1",
        "ContentsTitle",
        "Figure",
        "Caption",
        PLACEHOLDER_STYLE,
    }
    for style in list(styles.findall(qn("w:style"))):
        if style.get(qn("w:styleId")) not in KEEP_STYLES | ours:
            styles.remove(style)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    for rels in (doc.part.rels, doc.part.package.rels):
        for rel_id, rel in list(rels.items()):
            if any(word in rel.reltype or word in str(getattr(rel, "target_ref", "")) for word in DROP_RELS):
                del rels[rel_id]


def _normalise(data: bytes) -> bytes:
    """Fixed timestamps and order, so re-running the script gives the same file."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name))
    return out.getvalue()


def main() -> int:
    for name, data in (("house.docx", build()), ("paper.docx", build_paper())):
        target = HERE / name
        target.write_bytes(data)
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
