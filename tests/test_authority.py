"""Who may hold authority to decide for a party: the facts' authority model and rule R20, per party kind."""

from __future__ import annotations

from typing import Any

import pytest

from assembler.facts import authority_problem, facts_of
from assembler.model import Answers, PartyKind
from assembler.rules import check


def _answers(kind: str, role: str, form: str = "cjv") -> Answers:
    data: dict[str, Any] = {
        "collaborative": {"name": "Test"},
        "legal_form": form,
        "parties": [
            {"short_name": "X", "name": "X Full", "kind": kind},
            {"short_name": "T", "name": "T Full", "kind": "nhs_trust"},
        ],
        "bodies": [
            {
                "id": "board",
                "name": "Board",
                "members": [
                    {"party": "X", "role": role, "voting": True},
                    {"party": "T", "role": "Chief Executive", "voting": True},
                ],
            }
        ],
    }
    return Answers.model_validate(data)


@pytest.mark.parametrize(
    ("kind", "role", "warned"),
    [
        ("nhs_foundation_trust", "Chair", True),
        ("nhs_foundation_trust", "Non-Executive Director", True),
        ("nhs_foundation_trust", "Chief Executive", False),
        ("nhs_trust", "Chairman", True),
        ("nhs_trust", "Director of Finance", False),
        ("local_authority", "Councillor", True),
        ("local_authority", "Director of Adult Social Services", False),
        ("icb", "Chair", False),  # an ICB delegates to its members as its constitution allows
        ("cic", "Chair", False),  # a company delegates as its articles allow
        ("company", "Non-Executive Director", False),
        ("charity", "Chair of Trustees", False),
    ],
)
def test_r20_warns_when_a_voting_member_cannot_hold_authority(kind: str, role: str, warned: bool) -> None:
    findings = [f for f in check(_answers(kind, role)) if f.rule == "R20"]
    assert bool(findings) is warned, findings
    if warned:
        assert findings[0].severity == "warning"
        assert findings[0].locations == (("bodies", 0, "members", 0, "role"),)
        assert findings[0].where == (f"Board › {role} of X › role",)


@pytest.mark.parametrize("form", ["mou_only", "committees_in_common", "joint_committee"])
def test_r20_only_where_members_hold_their_party_s_authority(form: str) -> None:
    findings = [f for f in check(_answers("nhs_foundation_trust", "Chair", form)) if f.rule == "R20"]
    assert not findings


def test_the_authority_model_names_its_source() -> None:
    problem = authority_problem(PartyKind.NHS_FOUNDATION_TRUST, "Chair")
    assert problem is not None and problem[1] == "NHS Act 2006 Sch 7 para 15(3)"
    assert authority_problem(PartyKind.NHS_FOUNDATION_TRUST, "Chief Operating Officer") is None
    assert authority_problem(PartyKind.NHS_FOUNDATION_TRUST, "Chair of the Clinical Reference Group") is None
    assert authority_problem(PartyKind.NHS_FOUNDATION_TRUST, "Chair of the Trust") is not None


def test_msecc_is_warned_that_its_trust_chairs_cannot_decide_alone() -> None:
    from pathlib import Path

    from assembler.answers_file import load_answers

    answers = load_answers(Path(__file__).resolve().parent.parent / "answers" / "msecc.yaml").answers
    warned = sorted(f.where[0] for f in check(facts_of(answers)) if f.rule == "R20")
    assert warned == [
        "Community Collaborative Board › Chair of EPUT › role",
        "Community Collaborative Board › Chair of NELFT › role",
    ]
