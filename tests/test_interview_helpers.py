"""Keystroke scripts and a driver that runs the interview in-process on prompt_toolkit pipe input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from assembler.interview import InterviewResult, run_interview
from assembler.interview.flow import SECTIONS
from assembler.interview.questions import Kind, question, questions
from assembler.model import Answers

FIXTURES = Path(__file__).parent / "fixtures" / "interview"

ENTER = "\r"
DOWN = "\x1b[B"
CTRL_C = "\x03"
CTRL_R = "\x12"
YES = "y"  # confirm prompts take y / n without Enter
NO = "n"


def t(text: str) -> str:
    """Type an answer into a text prompt (or part of a label into a select prompt) and press Enter."""
    return text + ENTER


SKIP = ENTER  # an empty text answer: unknown, or the default when there is one

COLLABORATIVE = [
    t("North Shore Community Collaborative"),
    t("NSCC"),
    t("to join up community services on the North Shore"),
    SKIP,  # vision: unknown
    t("fewer handoffs"), t("shorter waits"), ENTER,  # objectives, ended by an empty answer
    ENTER,  # principles: none
    t("adult community nursing"), ENTER,  # services in scope
    ENTER,  # out of scope: none
    t("North Shore"),
    SKIP,  # ICS unknown
    t("North Shore Integrated Care Board"),
    t("The parties have worked together since 2019."), ENTER,
    t("2025-04-01"),
]  # fmt: skip
NSFT = [t("NSFT"), t("North Shore NHS Foundation Trust"), t("foundation"), ENTER, SKIP, SKIP, t("Chief Executive")]
COASTAL = [
    t("Coastal"), t("Coastal Community Care CIC"), t("Community interest"), ENTER,  # roles: member (ticked)
    SKIP,  # address
    t("12345678"),  # company number: asked because Coastal is a CIC
    SKIP, t("Managing Director"),
]  # fmt: skip
PARTIES = [ENTER, *NSFT, t("Add"), *COASTAL, t("Done")]
LEGAL_FORM = [
    t("Committees"),  # committees in common ...
    YES,  # ... guidance: Coastal cannot vote in one; accept the offered contractual board
    t("unknown"),  # governors' approval
    t("Yes"),  # competition advice taken
]
BODIES = [
    ENTER, t("board"), t("Collaborative Board"), ENTER, ENTER,  # add; id, name, kind board, parent none
    t("to lead the collaborative"), t("setting the annual plan"), ENTER,
    ENTER, t("NSFT"), t("Chief Executive"), ENTER, t("Yes"),  # first member
    t("Add"), t("Coastal"), t("Managing Director"), ENTER, t("Yes"), t("Done"),
    t("Rotating"), t("12"), t("Yes"),  # chair: no default, so chosen; rotation asked only for a rotating chair
    t("Yes"), t("Yes"),  # deputies allowed, and may vote: chosen, not defaulted
    YES, t("2"), ENTER,  # quorum of 2 with each party
    t("Monthly"), t("5"), t("No"),  # meetings monthly, 5 days' notice, not in public
    t("Weighted"), t("1"), t("1"), ENTER,  # weights asked only for weighted voting; no casting vote
    t("NSFT"), ENTER,  # secretariat; review every 12 months
    t("Done"),
]  # fmt: skip
DECISIONS = [
    t("admission of a new party"), ENTER, ENTER, ENTER,  # reserved matters, unanimity, no party-reserved matters
    t("Yes"), t("the chair and one voting member from each other party"),  # urgent decisions: chosen
    t("30"),  # revocation notice: 30 days
]  # fmt: skip
DELEGATIONS = [
    ENTER, t("NSFT"), t("board"),  # to a body, so "which officer" is not asked
    t("joint delivery of community nursing"), t("the Trust's scheme of delegation"), t("100,000"),
    t("Done"),
]  # fmt: skip
FINANCE = [
    t("Equal"), ENTER, ENTER, ENTER,  # equal cost shares; no host fee, risk share or pooled fund (not detailed)
    SKIP, ENTER,  # no cap; indemnities left unknown: [●] and a drafting note, never an indemnity nobody chose
    t("NHS Resolution schemes"),
]  # fmt: skip
STAFFING = [ENTER, t("Done"), ENTER, ENTER, t("NSFT")]
DISPUTES = [ENTER, t("Operational"), t("the operational leads"), t("10"), t("Done"), *[ENTER] * 8]
TERM = [t("3"), ENTER, ENTER, t("6"), SKIP, ENTER]  # 3 years, reviewed yearly, all admit; 6 months' exit notice
DOCUMENTS = [
    *[ENTER] * 5,
    t("deed"),
    *[ENTER] * 18,
]  # tor, sod and dra also ask where they are set out; no draft date yet
FINISH = [ENTER]  # the review's default choice is Finish

SCRIPT = {
    "collaborative": COLLABORATIVE,
    "parties": PARTIES,
    "legal_form": LEGAL_FORM,
    "bodies": BODIES,
    "decisions": DECISIONS,
    "delegations": DELEGATIONS,
    "finance": FINANCE,
    "staffing": STAFFING,
    "disputes": DISPUTES,
    "term": TERM,
    "documents": DOCUMENTS,
}


def keys(*sections: str) -> str:
    return "".join("".join(SCRIPT[name]) for name in sections)


ALL = tuple(SCRIPT)


def drive(path: Path, text: str, lines: list[str] | None = None) -> InterviewResult:
    """Run the interview on ``path`` with ``text`` typed ahead (prompt_toolkit keeps unread keys between prompts)."""
    out = lines if lines is not None else []
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(text)
        return run_interview(path, echo=out.append, input=pipe, output=DummyOutput(), trace=True, offer_build=False)


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copy(FIXTURES / name, target)
    return target


# -------------------------------------------------------------------------- the questions come from the model


def test_every_answer_is_in_one_section() -> None:
    asked = [name for section in SECTIONS for name in section.fields]
    assert sorted(asked) == sorted(n for n in Answers.model_fields if n != "format_version")
    assert len(asked) == len(set(asked))


def test_wording_is_read_from_the_model() -> None:
    from assembler.model import Collaborative, Delegation, Voting

    assert question(Collaborative, "name").title == Collaborative.model_fields["name"].title
    assert question(Collaborative, "name").help == Collaborative.model_fields["name"].description
    assert question(Voting, "rule").kind is Kind.SELECT
    assert question(Voting, "weights").kind is Kind.MAPPING
    assert question(Delegation, "from_party").ref == "party"
    assert question(Delegation, "to_body").ref == "body"
    assert next(q.name for q in questions(Answers)) == "collaborative"


@pytest.mark.parametrize(
    ("model", "field", "item", "expected"),
    [
        ("Voting", "weights", {"rule": "weighted"}, True),
        ("Voting", "weights", {"rule": "consensus"}, False),
        ("Voting", "threshold", {"rule": "qualified_majority"}, True),
        ("Chair", "party", {"method": "named_party"}, True),
        ("Chair", "rotation_months", {"method": "named_party"}, False),
        ("CostSharing", "shares", {"method": "fixed_shares"}, True),
        ("Party", "company_number", {"kind": "cic"}, True),
        ("Party", "company_number", {"kind": "nhs_trust"}, False),
        ("Party", "company_number", {}, False),
        ("Delegation", "to_officer", {"to_body": None}, True),
        ("Delegation", "to_officer", {"to_body": "board"}, False),
    ],
)
def test_conditions_come_from_when(model: str, field: str, item: dict[str, object], expected: bool) -> None:
    from assembler import model as m

    assert question(getattr(m, model), field).applies(item) is expected
