"""The review pack: the clause library as a Word file for lawyers, on the house template's styles.

Each clause is a heading with its id and version, a line saying where it is used and when it is included, its
guidance and sources as drafting notes, then its text inside a block content control tagged with the clause's id,
version and text hash (``assembler:<id>:<version>:<hash>``), which is how ``import-review`` finds it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..clause_tools import list_clauses, placements
from ..docx_writer import FIXED_DATE, next_list_id, package_parts, restart_list
from ..errors import LibraryError, Problem
from ..library import Clause, Library
from ..model import DocumentKind
from ..ooxml import add, get_or_add, qn, xml_text
from ..package import normalise_package
from ..rendering import make_environment
from ._labels import Labeller
from ._source import AtomKind, Paragraph, Segment, paragraphs

__all__ = ["ATOM_STYLES", "TAG_PREFIX", "PackClause", "pack_clauses", "write_review_pack"]

TAG_PREFIX = "assembler:"
ATOM_STYLES = {
    AtomKind.FIELD: "ReviewField",
    AtomKind.LOGIC: "ReviewLogic",
    AtomKind.TERM: "ReviewTerm",
    AtomKind.BOLD: "ReviewTerm",
    AtomKind.REF: "ReviewReference",
    AtomKind.ANCHOR: "ReviewReference",
    AtomKind.CELL: "ReviewReference",
}
"""The character style of each kind of atom (by style id): how the reader tells an atom from prose."""

TITLE = "Clause library review pack"
HOW_TO = (
    "Review the wording with Track Changes on, and comment where you want a maintainer to act. Each clause's text "
    "is in a box that carries its name: keep your changes inside it. Wording that depends on the answers is shown "
    "as a highlighted field, such as «the Collaborative's name»; ⟦When …:⟧ starts wording used only in that case "
    "and ⟦End of condition⟧ ends it; ⟨cjv.exit⟩ is a cross-reference and ⟨#name⟩ a paragraph others refer to. "
    "Change the words around them freely; a change to a field or a condition is passed to a maintainer rather "
    "than applied. Send the file back to the maintainers, who read it in with `assembler clauses import-review`."
)


@dataclass(frozen=True)
class PackClause:
    """One clause as the pack shows it."""

    clause: Clause
    paragraphs: list[Paragraph]

    @property
    def tag(self) -> str:
        meta = self.clause.meta
        return f"{TAG_PREFIX}{meta.id}:{meta.version}:{self.clause.text_hash}"


def pack_clauses(library: Library, document: DocumentKind | None = None) -> list[PackClause]:
    """The clauses a pack holds, in document order (each once), with their paragraphs."""
    if document is not None:
        clauses = list_clauses(library, document=document)
    else:
        ordered = [c.id for kind in DocumentKind for c in list_clauses(library, document=kind)]
        ids = dict.fromkeys([*ordered, *sorted(library.clauses)])
        clauses = [library.clauses[i] for i in ids]
    labels = Labeller(make_environment(library=library))
    return [PackClause(c, paragraphs(c.body, labels)) for c in clauses]


def write_review_pack(library: Library, template: Path, *, document: DocumentKind | None = None) -> bytes:
    """The review pack as .docx bytes (deterministic for the same library and template)."""
    from docx import Document

    if not template.is_file():
        raise LibraryError(problems=[Problem(str(template), "", "house template not found", "fix --templates")])
    doc = Document(str(template))
    _add_styles(doc)
    body = doc.element.body
    for child in [c for c in body if c.tag != qn("w:sectPr")]:
        body.remove(child)
    scope = "the whole library" if document is None else f"the clauses of the {document.value} document"
    for part in (*(s.header for s in doc.sections), *(s.footer for s in doc.sections)):
        for t in part._element.iter(qn("w:t")):
            t.text = (t.text or "").replace("{{ marking }}", TITLE).replace("{{ reference }}", "Review pack")
    sect_pr = body.find(qn("w:sectPr"))
    title_pg = sect_pr.find(qn("w:titlePg")) if sect_pr is not None else None
    if title_pg is not None:  # no cover page: every page has the running header
        sect_pr.remove(title_pg)
    writer = _Writer(body, doc.part.numbering_part.element)
    writer.text(writer.paragraph("CoverTitle"), TITLE)
    info = f"{library.info.name}, library version {library.version}: {scope}."
    writer.text(writer.paragraph("CoverText"), info)
    writer.text(writer.paragraph("ReviewInfo"), HOW_TO)
    where = placements(library)
    labels = Labeller(make_environment(library=library))
    for index, item in enumerate(pack_clauses(library, document), start=1):
        writer.clause(item, index, where.get(item.clause.id, []), labels)
    if sect_pr is not None:
        body.append(sect_pr)  # the section's properties stay the body's last child

    core = doc.core_properties
    core.title, core.subject, core.author, core.last_modified_by = TITLE, scope, "assembler", "assembler"
    core.created = core.modified = FIXED_DATE
    core.revision = 1
    properties = {
        "assembler.review_pack": library.version,
        "assembler.review_document": document.value if document else "all",
    }
    return normalise_package(package_parts(doc.part.package), properties)


class _Writer:
    def __init__(self, body: Any, numbering: Any) -> None:
        self.body = body
        self.numbering = numbering
        self.next_list = next_list_id(numbering)
        self.controls = 0

    def paragraph(self, style: str, parent: Any = None, num: tuple[int, int] | None = None) -> Any:
        p = add(self.body if parent is None else parent, "w:p")
        ppr = add(p, "w:pPr")
        add(ppr, "w:pStyle", val=style)
        if num is not None:
            numpr = add(ppr, "w:numPr")
            add(numpr, "w:ilvl", val=str(num[1]))
            add(numpr, "w:numId", val=str(num[0]))
        return p

    def text(self, p: Any, text: str, style: str | None = None, *, highlight: bool = False, bold: bool = False) -> None:
        r = add(p, "w:r")
        if style or highlight or bold:
            rpr = add(r, "w:rPr")
            if style:
                add(rpr, "w:rStyle", val=style)
            if bold:
                add(rpr, "w:b")
            if highlight:
                add(rpr, "w:highlight", val="yellow")
        add(r, "w:t", text=xml_text(text)).set(qn("xml:space"), "preserve")

    def clause(self, item: PackClause, index: int, where: list[Any], labels: Labeller) -> None:
        meta = item.clause.meta
        self.text(self.paragraph("ReviewClause"), f"{meta.id} · version {meta.version} — {meta.title}")
        used = "; ".join(f"{p.document.value} {p.describe()}" for p in where) or "no document"
        condition = labels.condition(meta.condition)
        self.text(self.paragraph("ReviewInfo"), f"Used in: {used}. Included: {condition}.")
        notes = [f"Guidance: {' '.join(meta.guidance.split())}"]
        if meta.sources:
            notes.append("Sources: " + "; ".join(x if isinstance(x, str) else x.cite() for x in meta.sources))
        for point in meta.unverified:
            notes.append(f"Unverified: {point.point} ({point.reason})")
        for note in notes:
            self.text(self.paragraph("DraftingNote"), note)
        self.controls += 1
        sdt = add(self.body, "w:sdt")
        sdt_pr = add(sdt, "w:sdtPr")
        for name, value in (("alias", f"{meta.id} v{meta.version}"), ("tag", item.tag), ("id", str(self.controls))):
            add(sdt_pr, f"w:{name}", val=value)
        add(sdt_pr, "w:lock", val="sdtLocked")  # the box cannot be deleted; its wording can be changed
        content = add(sdt, "w:sdtContent")
        num_id = self.next_list
        self.next_list += 1
        restart_list(self.numbering, num_id)  # each clause numbered from 1, as in a draft
        for para in item.paragraphs:
            level = int(para.style[-1]) if para.style.startswith("Clause") else 0
            p = self.paragraph(para.style, content, (num_id, level - 1) if level else None)
            for segment in para.segments:
                self.segment(p, segment)

    def segment(self, p: Any, segment: Segment) -> None:
        if segment.kind is AtomKind.TEXT:
            self.text(p, segment.shown)
            return
        style = ATOM_STYLES[segment.kind]
        self.text(p, segment.shown, style, highlight=segment.kind is AtomKind.FIELD, bold=segment.kind is AtomKind.BOLD)


def _add_styles(doc: Any) -> None:
    """The review pack's own styles, on the house template's Normal (so the house font applies)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = doc.styles

    def paragraph_style(name: str, **font: Any) -> Any:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        for key, value in font.items():
            if key == "color":
                style.font.color.rgb = value
            else:
                setattr(style.font, key, value)
        return style

    heading = paragraph_style("ReviewClause", bold=True, size=Pt(13))
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.space_before = Pt(18)
    get_or_add(heading.element.get_or_add_pPr(), "w:outlineLvl", val="0")
    info = paragraph_style("ReviewInfo", size=Pt(9), color=RGBColor(0x40, 0x40, 0x40))
    info.paragraph_format.keep_with_next = True
    condition = paragraph_style("ReviewCondition", italic=True, color=RGBColor(0x7A, 0x3E, 0x00))
    get_or_add(condition.element.get_or_add_pPr(), "w:shd", val="clear", color="auto", fill="FCE9D9")
    for name, color in (
        ("ReviewField", RGBColor(0x00, 0x00, 0x00)),
        ("ReviewLogic", RGBColor(0x7A, 0x3E, 0x00)),
        ("ReviewTerm", None),
        ("ReviewReference", RGBColor(0x1F, 0x3A, 0x93)),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        if color is not None:
            style.font.color.rgb = color
        if name == "ReviewLogic":
            style.font.italic = True
        if name == "ReviewTerm":
            style.font.underline = True
