"""Board papers: for each party, a short plain-English paper asking its board (or its council of governors) to
approve, or note and endorse, the pack — built from the facts, the governance check and the composed pack.

``compose_papers`` returns each paper with its file name (under ``papers/`` in the pack); the build writes them with
the Word writer and the paper template (``templates/paper.docx``)."""

from __future__ import annotations

import re

from ..compose import ComposedDocument
from ..facts import ApprovalKind, Facts
from ..marking import Marking
from ..model import DocumentKind
from ..rules import Finding
from ._citations import KEY_TERM_CLAUSES, Citation, cite
from ._paper import Paper, compose_paper, gap_text, placeholders_for, warnings_for

__all__ = [
    "KEY_TERM_CLAUSES",
    "PAPERS_DIR",
    "PAPER_FIGURE_MAX",
    "PAPER_TEMPLATE",
    "Citation",
    "Paper",
    "cite",
    "compose_papers",
    "gap_text",
    "paper_files",
    "placeholders_for",
    "warnings_for",
]

PAPERS_DIR = "papers"
PAPER_TEMPLATE = "paper.docx"
PAPER_FIGURE_MAX = (6.0, 3.0)  # inches: the diagram leaves room on the page for the proposal and resolutions


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "party"


def paper_files(facts: Facts, *, slug: str, suffix: str) -> list[tuple[str, str]]:
    """The file name in the pack (``papers/msecc-eput-board-paper.docx``) and the footer's reference of each paper,
    one for each of ``Facts.approvals``, in that order."""
    out: list[tuple[str, str]] = []
    used: dict[str, str] = {}
    prefix = re.sub(r"[^A-Za-z0-9]+", "-", slug).strip("-").upper()
    for index, approval in enumerate(facts.approvals):
        party = _slug(approval.party.short_name)
        if used.get(party, approval.party.short_name) != approval.party.short_name:
            party = f"{party}-{index + 1}"  # two short names with one slug ("St Ann's", "St-Anns")
        used[party] = approval.party.short_name
        who = "governors" if approval.kind is ApprovalKind.GOVERNORS else "board"
        reference = f"{prefix}/PAPER/{party.upper()}{'/GOVERNORS' if who == 'governors' else ''}"
        out.append((f"{PAPERS_DIR}/{slug}-{party}-{who}-paper{suffix}.docx", reference))
    return out


def compose_papers(
    facts: Facts,
    findings: list[Finding],
    pack: dict[DocumentKind, ComposedDocument],
    *,
    slug: str,
    suffix: str,
    marking: Marking,
    figure: str | None,
    clean: bool,
) -> list[tuple[str, Paper]]:
    """Every paper the pack needs (``Facts.approvals``), each with its file name in the pack; ``figure`` is the
    diagram's caption where the pack has one. ``pack`` must hold every document the answers produce (the papers
    cite their clause numbers)."""
    files = paper_files(facts, slug=slug, suffix=suffix)
    return [
        (name, compose_paper(facts, findings, pack, a, marking=marking, reference=ref, figure=figure, clean=clean))
        for a, (name, ref) in zip(facts.approvals, files, strict=True)
    ]
