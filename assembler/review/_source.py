"""A clause's text as the review pack shows it: paragraphs of prose and *atoms* (fields, conditions, defined terms,
cross-references, anchors), each atom with the words a lawyer reads and the source it stands for.

One source line is one paragraph. Prose is shown as written, so every change to it maps back to the source; an
atom is shown as one unit («the Collaborative's name», ⟦When …:⟧, ⟨cjv.exit⟩), so a change that touches it can be
recognised and reported instead of applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from ._labels import Labeller

__all__ = ["AtomKind", "Paragraph", "Segment", "paragraphs", "prefix_style", "style_prefix"]


class AtomKind(StrEnum):
    TEXT = "text"  # prose: shown and imported as it is
    TERM = "term"  # [[Term]] or [[Term|shown]]: the shown words
    REF = "reference"  # [[ref:cjv.exit]]
    BOLD = "bold"  # **words**
    FIELD = "field"  # {{ expression }}: answer-dependent wording
    LOGIC = "condition"  # {% if %}, {% for %}...: which wording is selected
    ANCHOR = "anchor"  # [#name]: a paragraph other clauses refer to
    CELL = "table"  # the | between table cells


EDITABLE = frozenset({AtomKind.TEXT})
REMOVABLE = frozenset({AtomKind.TERM, AtomKind.REF, AtomKind.BOLD})
"""Atoms a reviewer may delete with the words around them (the wording loses the term, reference or emphasis)."""
MOVABLE = frozenset({AtomKind.FIELD, AtomKind.TERM, AtomKind.REF, AtomKind.BOLD, AtomKind.ANCHOR})
"""Atoms that may move with their wording inside a clause; conditions and table cells stay where they are."""

_INLINE = re.compile(
    r"(?P<field>\{\{.*?\}\})|(?P<logic>\{%.*?%\})|(?P<comment>\{#.*?#\})"
    r"|(?P<ref>\[\[\s*ref:[^\[\]]*\]\])|(?P<term>\[\[[^\[\]]+\]\])|(?P<bold>\*\*.+?\*\*)"
    r"|(?P<anchor>\s*\[#[a-z0-9_]+\]\s*$)|(?P<cell>\|)",
    re.DOTALL,
)
_PREFIX = re.compile(r"^(?P<space>\s*)(?P<mark>#{1,5}\s+|(?:NOTE|PARTY|RECITAL|TITLE|SUBTITLE|SIGN|FIGURE):\s*)?")
_STATEMENT = re.compile(r"^\s*(\{%.*?%\}\s*|\{#.*?#\}\s*)+$")

# The house template's paragraph style for each kind of line: the review pack looks like the drafts.
_MARK_STYLES = {
    "#": "Clause1",
    "##": "Clause2",
    "###": "Clause3",
    "####": "Clause4",
    "#####": "Clause5",
    "NOTE:": "DraftingNote",
    "PARTY:": "PartyItem",
    "RECITAL:": "Recital",
    "TITLE:": "PartTitle",
    "SUBTITLE:": "DocHeading",
    "SIGN:": "Signature",
    "FIGURE:": "Caption",
}
CONDITION_STYLE = "ReviewCondition"
TABLE_STYLE = "TableText"


def prefix_style(mark: str, level: int) -> str:
    """The paragraph style for a line's mark (``##``, ``NOTE:``...); plain text is indented like the line above."""
    return _MARK_STYLES.get(mark.strip(), f"Body{max(1, min(level, 5))}")


def style_prefix(style: str) -> str:
    """The mark a new paragraph of this style starts with in the clause file ("" for plain text)."""
    for mark, name in _MARK_STYLES.items():
        if name == style:
            return mark + " "
    return ""


@dataclass(frozen=True)
class Segment:
    kind: AtomKind
    shown: str  # what the review pack shows
    source: str  # what the clause file says


@dataclass
class Paragraph:
    style: str
    prefix: str  # the line's leading mark as written ("## ", "NOTE: ", "")
    segments: list[Segment] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return "".join(s.shown for s in self.segments)


def paragraphs(body: str, labels: Labeller) -> list[Paragraph]:
    """A clause body as the review pack's paragraphs (one per source line)."""
    out: list[Paragraph] = []
    level = 1
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines:
        if _STATEMENT.match(line) and line.strip():
            space = line[: len(line) - len(line.lstrip())]
            shown = " ".join(_atom(m, labels).shown for m in _INLINE.finditer(line))
            out.append(Paragraph(CONDITION_STYLE, space, [Segment(AtomKind.LOGIC, shown, line[len(space) :])]))
            continue
        prefix = _PREFIX.match(line)
        assert prefix is not None
        mark = (prefix.group("mark") or "").strip()
        if mark.startswith("#"):
            level = len(mark)
        style = TABLE_STYLE if line.lstrip().startswith("|") else prefix_style(mark, level)
        rest = line[prefix.end() :]
        out.append(Paragraph(style, prefix.group(0), _segments(rest, labels)))
    return out


def _segments(text: str, labels: Labeller) -> list[Segment]:
    segments: list[Segment] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            segments.append(Segment(AtomKind.TEXT, text[pos : match.start()], text[pos : match.start()]))
        segments.append(_atom(match, labels))
        pos = match.end()
    if pos < len(text):
        segments.append(Segment(AtomKind.TEXT, text[pos:], text[pos:]))
    return segments


def _atom(match: re.Match[str], labels: Labeller) -> Segment:
    source = match.group(0)
    kind = match.lastgroup
    if kind == "field":
        return Segment(AtomKind.FIELD, f"«{labels.field(source[2:-2])}»", source)
    if kind == "logic":
        return Segment(AtomKind.LOGIC, f"⟦{labels.statement(source[2:-2])}⟧", source)
    if kind == "comment":
        return Segment(AtomKind.LOGIC, "⟦maintainers' comment⟧", source)
    if kind == "ref":
        return Segment(AtomKind.REF, f"⟨{source[2:-2].split(':', 1)[1].strip()}⟩", source)
    if kind == "term":
        term, _, shown = source[2:-2].partition("|")
        return Segment(AtomKind.TERM, (shown or term).strip(), source)
    if kind == "bold":
        return Segment(AtomKind.BOLD, source[2:-2], source)
    if kind == "anchor":
        return Segment(AtomKind.ANCHOR, f" ⟨#{source.strip()[2:-1]}⟩", source)
    return Segment(AtomKind.CELL, "|", source)
