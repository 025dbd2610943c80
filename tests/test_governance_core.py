"""The governance core reconciled: one term rule, one upward deadlock path, one rule for written decisions on
reserved matters, a quorum one conflict cannot break, and the board's arrangements stated once (issue 13)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assembler.assembly import build
from assembler.facts import facts_of
from assembler.model import Answers

from .docx_reading import read

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def msecc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    result = build(ROOT / "answers" / "msecc.yaml", out_dir=tmp_path_factory.mktemp("msecc"))
    return {c.kind.value: read(p).text() for c, p in zip(result.documents, result.written, strict=True)}


def test_one_term_rule(msecc: dict[str, str]) -> None:
    agreement = msecc["cjv"]
    assert "and then continues until terminated under clause" in agreement
    assert "if the Parties have not agreed before then to continue it" not in agreement


def test_a_board_deadlock_escalates_only_upwards(msecc: dict[str, str]) -> None:
    # MSECC's tiers climb from the Joint Operational Group to the chief executives to the Board itself, so a
    # deadlock of the Board goes to mediation, never back down the tiers or round to the Board
    assert "starting at mediation: a deadlock of the Board is never referred back to the Board" in msecc["cjv"]
    for text in (msecc["cjv"], msecc["tor"]):
        assert "referred to the chief executives of the Parties and, if they cannot resolve it" not in text
        assert "starting at mediation, and not back to the Community Collaborative Board" in text


def _with_tiers(*forums: str) -> Any:
    return facts_of(
        Answers.model_validate(
            {
                "collaborative": {"name": "T"},
                "bodies": [
                    {"id": "board", "name": "Joint Board"},
                    {"id": "ops", "name": "Operations Group", "parent": "board", "kind": "operational_group"},
                ],
                "disputes": {"tiers": [{"name": f"Stage {i}", "forum": f, "days": 5} for i, f in enumerate(forums)]},
            }
        )
    )


@pytest.mark.parametrize(
    ("forums", "stage"),
    [
        (("the Operations Group", "the chief executives", "the Joint Board"), None),
        (("the Operations Group", "the chief executives"), 1),
        (("the chief executives", "the chairs"), 0),
        ((), None),
    ],
)
def test_where_a_deadlock_enters_the_dispute_procedure(forums: tuple[str, ...], stage: int | None) -> None:
    assert _with_tiers(*forums).deadlock_stage == stage


def test_reserved_matters_may_be_decided_in_writing_in_both_places(msecc: dict[str, str]) -> None:
    phrase = "at a quorate meeting at which every Party is represented, or in writing signed by an authorised officer"
    assert phrase in msecc["cjv"].rsplit("Schedule 1: Terms of Reference", 1)[0]  # the agreement's clauses
    assert phrase in msecc["tor"]  # and the terms of reference


def test_one_conflict_cannot_make_a_meeting_that_needs_every_party_inquorate(tmp_path: Path) -> None:
    result = build(ROOT / "answers" / "joint_committee.yaml", out_dir=tmp_path)
    tor = read(next(p for c, p in zip(result.documents, result.written, strict=True) if c.kind.value == "tor")).text()
    assert "one Party's conflict cannot make the meeting inquorate" in tor


def test_the_agreement_leaves_the_board_s_procedure_to_its_terms_of_reference(msecc: dict[str, str]) -> None:
    clauses = msecc["cjv"].rsplit("Schedule 1: Terms of Reference", 1)[0]
    assert "in the order the Board decides" not in clauses  # the rotation is stated once, in the terms of reference
    assert "when the chair or any two Parties ask" not in clauses  # extraordinary meetings too
    assert "from a Party other than the Party of the chair" not in clauses
    assert "are as set out in the Terms of Reference" in clauses


def test_the_documents_agree_who_holds_each_party_s_authority(msecc: dict[str, str]) -> None:
    # a contractual board is not a committee of any party: each party authorises its own members who sit on it
    for kind in ("cjv", "tor", "sod"):
        assert "authorised the Community Collaborative Board to take decisions" not in msecc[kind], kind
        assert "authorises the body shown to take decisions" not in msecc[kind], kind
        assert "its members of the" in msecc[kind], kind


def test_the_duty_to_co_operate_is_stated_only_for_nhs_bodies(msecc: dict[str, str]) -> None:
    agreement = msecc["cjv"]
    assert "EPUT and NELFT, as NHS bodies, intend the MSECC to support their duty under section 72" in agreement
    assert "The other Parties are not bound by that duty" in agreement  # Provide is a CIC
    assert "they intend the MSECC to support their duties to co-operate" not in agreement


def test_significant_transactions_count_the_governors_voting(msecc: dict[str, str]) -> None:
    for kind in ("cjv", "sod"):
        assert "more than half of the members of its council of governors voting" in msecc[kind], kind
        assert "more than half of the voting governors" not in msecc[kind], kind


def test_the_mou_defines_the_agreement_between_its_real_parties(msecc: dict[str, str]) -> None:
    # the MoU's Parties include the ICB, which is not a party to the collaboration agreement
    assert "“Collaboration Agreement” means the collaboration agreement between EPUT, NELFT and Provide" in msecc["mou"]


def test_no_one_executes_a_deed_for_a_party_without_a_power_of_attorney(msecc: dict[str, str]) -> None:
    agreement = msecc["cjv"]
    assert "authorises the chair of the Board to execute a Deed of Accession" not in agreement
    assert "itself or by an attorney it has appointed by deed" in agreement
