"""Where each key term is set out in the pack, cited by the clause numbers the pack was built with.

A paper is a file of its own, so it cannot hold REF fields into the pack: it cites the numbers that numbering gave
the composed documents (``ComposedDocument.anchors``), which are the numbers Word shows in the built files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..compose import ComposedDocument
from ..docmodel import BlockKind
from ..facts import BodyFacts, and_list
from ..model import DocumentKind

__all__ = ["KEY_TERM_CLAUSES", "Citation", "cite"]


@dataclass(frozen=True)
class Citation:
    """One place in the pack: a document, a schedule or part of it (or its body), and the numbers of clauses."""

    document: DocumentKind
    title: str  # "Collaboration Agreement"
    section: str  # "" (the body), "Schedule 1", "Part 2"
    numbers: tuple[str, ...]  # "9", "24.2"
    anchors: tuple[str, ...]  # the clause ids, as bookmarked in the built document ("tor.quorum")
    noun: str  # "clause" or "paragraph"

    def text(self) -> str:
        """ "clauses 4 and 24 of the Collaboration Agreement", "paragraph 8 of Schedule 1 to the Collaboration
        Agreement", "paragraph 8 of Part 1 of the Terms of Reference"."""
        noun = self.noun + ("s" if len(self.numbers) > 1 else "")
        where = f"{self.section} {'to' if self.section.startswith('Schedule') else 'of'} " if self.section else ""
        return f"{noun} {and_list(list(self.numbers))} of {where}the {self.title}"

    def as_dict(self) -> dict[str, object]:
        return {
            "document": self.document.value,
            "section": self.section,
            "numbers": list(self.numbers),
            "anchors": list(self.anchors),
            "text": self.text(),
        }


KEY_TERM_CLAUSES: dict[str, tuple[tuple[str, ...], bool]] = {
    # key term: (the clauses that set it out, in the order a reader wants them; whether they are the top body's)
    "legal form": (("cjv.governance", "mou.status", "mou.governance"), False),
    "members": (("tor.membership",), True),
    "quorum": (("tor.quorum",), True),
    "voting": (("cjv.decisions", "mou.decisions", "tor.voting"), False),
    "reserved": (("cjv.decisions", "tor.reserved", "sod.body_reserved"), False),
    "chair": (("tor.chair",), True),
    "costs": (("cjv.finance", "mou.costs"), False),
    "term": (("cjv.term", "cjv.exit", "mou.term", "mou.membership"), False),
    "disputes": (("cjv.disputes", "mou.disputes", "dra.tiers"), False),
}
"""The clauses of the library in which each key term of a paper is set out."""


def _section_of(doc: ComposedDocument, body: BodyFacts) -> str | None:
    """The schedule or part that holds a body's terms of reference in one document, if any."""
    for block in doc.blocks:
        if block.kind is BlockKind.SCHEDULE and block.runs:
            title = block.plain()
            if title.endswith((f": {body.name}", f" of the {body.name}")):
                return block.section
    return None


def cite(
    pack: dict[DocumentKind, ComposedDocument],
    term: str,
    *,
    order: Sequence[DocumentKind],
    board: BodyFacts | None,
    most: int = 2,
) -> list[Citation]:
    """Where the pack sets out a key term: in up to ``most`` documents, taken in ``order``."""
    clauses, of_board = KEY_TERM_CLAUSES[term]
    found: list[Citation] = []
    for kind in order:
        doc = pack.get(kind)
        if doc is None:
            continue
        section = ""
        if of_board:
            if board is None or (located := _section_of(doc, board)) is None:
                continue
            section = located
        numbers, anchors = [], []
        for clause_id in clauses:
            anchor = doc.anchors.get(f"{clause_id}@{section}" if section else clause_id)
            if anchor is not None and anchor.section == section and anchor.number not in numbers:
                numbers.append(anchor.number)
                anchors.append(clause_id)
        if numbers:
            noun = "paragraph" if section else doc.definition.numbered_as
            found.append(Citation(kind, doc.definition.title, section, tuple(numbers), tuple(anchors), noun))
        if len(found) == most:
            break
    return found
