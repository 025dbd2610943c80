"""The small document model that rendering produces and the Word writer consumes.

A document is a list of blocks (headings, numbered paragraphs, body text, notes, tables, signature lines...);
a block's text is a list of inline runs (plain text, defined term, cross-reference, placeholder, bold).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RunKind(StrEnum):
    TEXT = "text"
    BOLD = "bold"
    TERM = "term"
    REF = "ref"
    PLACEHOLDER = "placeholder"


@dataclass(frozen=True)
class Run:
    """A piece of inline text. ``value`` is the term, the ref target or the placeholder's field path."""

    kind: RunKind
    text: str
    value: str = ""


class BlockKind(StrEnum):
    HEADING = "heading"  # level 1: a numbered clause heading "1."
    NUMBERED = "numbered"  # levels 2-5: 1.1 / 1.1.1 / (a) / (i)
    BODY = "body"  # unnumbered text at the indent of ``level``
    NOTE = "note"  # drafting note for the lawyer
    PARTY = "party"  # (1), (2)... in the parties block
    RECITAL = "recital"  # (A), (B)... in the background
    DEFINITION = "definition"  # "Term" means ...
    TITLE = "title"  # an unnumbered centred heading (schedule and part titles)
    SUBTITLE = "subtitle"  # an unnumbered left heading (e.g. "Background")
    TABLE = "table"
    SIGNATURE = "signature"  # a line to sign on, with its label
    PAGE_BREAK = "page_break"
    SCHEDULE = "schedule"  # starts a schedule: numbering restarts
    FIGURE = "figure"  # the governance diagram, with its caption (the runs)


@dataclass
class Block:
    kind: BlockKind
    runs: list[Run] = field(default_factory=list)
    level: int = 1
    anchors: list[str] = field(default_factory=list)
    rows: list[list[list[Run]]] = field(default_factory=list)
    number: str = ""  # filled in by numbering: "1.2", "(a)", "(A)"
    section: str = ""  # "" for the body, "Schedule 2" inside a schedule
    clause_id: str = ""
    term: str = ""  # for DEFINITION blocks

    def plain(self) -> str:
        return "".join(r.text for r in self.runs)


def text_runs(text: str) -> list[Run]:
    return [Run(RunKind.TEXT, text)] if text else []
