"""No onerous default (issue 13): a question left unanswered gives a highlighted [●] or a drafting note in the
drafts, never a term a party did not choose."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from assembler.answers_file import load_answers
from assembler.assembly import build
from assembler.model import (
    Body,
    Chair,
    CostSharing,
    Decisions,
    Deputies,
    Liability,
    Meetings,
    Membership,
    UrgentDecisions,
)
from assembler.rules import check, errors_in

from .docx_reading import Docx, Para, read
from .test_grammar import lint_pack

UNANSWERED = Path(__file__).parent / "fixtures" / "build" / "answers_unanswered.yaml"
FREQUENCIES = ("weekly", "fortnightly", "monthly", "every two months", "quarterly")


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Docx]:
    result = build(UNANSWERED, out_dir=tmp_path_factory.mktemp("unanswered"))
    return {c.kind.value: read(p) for c, p in zip(result.documents, result.written, strict=True)}


def _clauses(doc: Docx) -> list[Para]:
    """The drafted text: every paragraph but the drafting notes and the contents list."""
    return [p for p in doc.paragraphs if p.style != "DraftingNote" and not p.style.startswith("TOC")]


def _notes(doc: Docx) -> str:
    return "\n".join(p.text for p in doc.by_style("DraftingNote"))


def _only(doc: Docx, start: str) -> Para:
    found = [p for p in _clauses(doc) if p.text.startswith(start)]
    assert len(found) == 1, f"{start!r}: {[p.text for p in found]}"
    return found[0]


def _gap(para: Para) -> None:
    assert "[●]" in para.highlighted, f"no highlighted [●] in {para.text!r}"


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Liability, "indemnities"),
        (Chair, "method"),
        (Chair, "vice_chair"),
        (Deputies, "allowed"),
        (Deputies, "may_vote"),
        (Meetings, "frequency"),
        (Meetings, "notice_days"),
        (Meetings, "in_public"),
        (UrgentDecisions, "allowed"),
        (UrgentDecisions, "taken_by"),
        (Membership, "exit_notice_months"),
        (CostSharing, "method"),
        (Decisions, "revocation_notice_days"),
    ],
)
def test_terms_a_party_must_choose_default_to_unknown(model: type[BaseModel], field: str) -> None:
    assert model.model_fields[field].get_default(call_default_factory=True) is None


def test_a_new_body_has_no_chair_arrangement() -> None:
    chair = Body(id="b", name="B").chair
    assert chair.method is None and chair.rotation_months is None and chair.vice_chair is None


def test_no_indemnity_only_a_gap_and_a_note(pack: dict[str, Docx]) -> None:
    agreement = pack["cjv"]
    drafted = "\n".join(p.text for p in _clauses(agreement))
    assert "shall indemnify" not in drafted and "rely on the indemnity" not in drafted
    _gap(_only(agreement, "Indemnities between the Parties"))
    assert "liability.indemnities" in _notes(agreement)


def test_no_meeting_frequency_only_a_gap(pack: dict[str, Docx]) -> None:
    for kind in ("cjv", "tor"):
        drafted = "\n".join(p.text for p in _clauses(pack[kind])).lower()
        meets = [line for line in drafted.splitlines() if " meet" in line]
        assert not [line for line in meets if any(f in line for f in FREQUENCIES)], kind
    for para in [p for p in _clauses(pack["tor"]) if p.text.startswith("The Joint Operational Group shall meet")]:
        _gap(para)
    _gap(_only(pack["cjv"], "The Collaborative Board shall meet"))  # the board's terms of reference, in a schedule
    notice = [p for p in _clauses(pack["tor"]) if p.text.startswith("The secretariat shall give each member at least")]
    assert notice
    for para in notice:
        _gap(para)


def test_no_deputy_voting_right_only_a_gap_and_a_note(pack: dict[str, Docx]) -> None:
    for kind, doc in pack.items():
        drafted = "\n".join(p.text for p in _clauses(doc))
        assert "may vote in the member's place" not in drafted, kind
        assert "may send a deputy of suitable seniority" not in drafted, kind
        assert "may send a deputy who is not conflicted" not in drafted, kind
    deputies = [p for p in _clauses(pack["tor"]) if p.text.startswith("A member who cannot attend a meeting")]
    assert len(deputies) >= 2  # the board's Part and the Joint Operational Group's
    for para in deputies:
        _gap(para)
    notes = _notes(pack["tor"])
    assert "bodies[board].deputies" in notes and "bodies[jog].deputies" in notes


def test_no_chair_arrangement_only_gaps_and_notes(pack: dict[str, Docx]) -> None:
    for kind in ("cjv", "tor"):
        drafted = "\n".join(p.text for p in _clauses(pack[kind]))
        assert "rotates between the Parties" not in drafted and "There is no vice-chair" not in drafted, kind
        assert "appoint a vice-chair" not in drafted and "the vice-chair" not in drafted, kind
    _gap(_only(pack["cjv"], "The chair of the Collaborative Board is"))
    notes = _notes(pack["tor"])
    assert "bodies[jog].chair.method" in notes and "bodies[jog].chair.vice_chair" in notes


def test_no_urgent_procedure_meetings_in_private_or_exit_notice_nobody_chose(pack: dict[str, Docx]) -> None:
    agreement = pack["cjv"]
    drafted = "\n".join(p.text for p in _clauses(agreement))
    assert "Urgent Decision may be taken by" not in drafted
    assert "decisions.urgent.allowed" in _notes(agreement)
    tor = "\n".join(p.text for p in _clauses(pack["tor"]))
    assert "are held in private" not in tor and "are held in public" not in tor
    assert "bodies[jog].meetings.in_public" in _notes(pack["tor"])
    _gap(_only(agreement, "A Party may leave the Collaborative by giving not less than"))


def test_no_cost_shares_or_revocation_notice_nobody_chose(pack: dict[str, Docx]) -> None:
    agreement = pack["cjv"]
    drafted = "\n".join(p.text for p in _clauses(agreement))
    assert "Shared Costs in equal shares" not in drafted
    _gap(_only(agreement, "The Parties shall meet the Shared Costs"))
    assert "finance.cost_sharing.method" in _notes(agreement)
    memorandum = "\n".join(p.text for p in _clauses(pack["mou"]))
    assert "shall meet that shared cost in equal shares" not in memorandum
    revocation = [p for p in _clauses(pack["sod"]) if "vary or revoke any authority" in p.text]
    assert revocation
    for para in revocation:
        _gap(para)


UNKNOWN_NOW = {
    "chair",
    "deputies",
    "meetings",
    "indemnities",
    "urgent",
    "exit_notice_months",
    "cost_sharing",
    "revocation_notice_days",
}


def test_the_rules_take_an_unanswered_term_as_unknown_not_as_a_problem() -> None:
    findings = check(load_answers(UNANSWERED).answers)
    assert errors_in(findings) == []
    concerned = [f for f in findings for loc in f.locations if UNKNOWN_NOW & {str(part) for part in loc}]
    assert concerned == []


def test_the_gaps_read_grammatically(tmp_path: Path) -> None:
    problems = lint_pack(UNANSWERED, tmp_path)
    assert not problems, "\n".join(problems)
