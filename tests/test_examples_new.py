"""The three bundled examples of mixed and newer shapes state their facts correctly in the built drafts.

(a) acute_cic_jc: committees in common with an independent chair, and beneath them a conditional s65Z6 joint
committee to which the ICB's delegation is conditional; (b) mental_health_mou: committees in common under an MoU
with a 12-month rotating chair, the ICB meeting 60% of the costs without being a party, and a lead provider's
committee; (c) five_trust_jc: a joint committee of five trusts voting by party at two-thirds, with locked gateways.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from assembler.assembly import build
from assembler.facts import threshold_met
from assembler.model import parse_share

from .docx_reading import read

ROOT = Path(__file__).resolve().parent.parent
_CACHE: dict[str, dict[str, str]] = {}


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Each new example's documents, by kind, as their visible text on one line."""
    for name in ("acute_cic_jc", "mental_health_mou", "five_trust_jc"):
        if name not in _CACHE:
            result = build(ROOT / "answers" / f"{name}.yaml", out_dir=tmp_path_factory.mktemp(name))
            _CACHE[name] = {
                c.kind.value: _flat(read(p).text()) for c, p in zip(result.documents, result.written, strict=True)
            }
    return _CACHE


def _part(text: str, title: str, next_title: str | None = None) -> str:
    """One Part of the terms of reference (after the contents list)."""
    start = text.rindex(title)
    end = text.find(next_title, start) if next_title else len(text)
    return text[start : end if end > 0 else len(text)]


# ----------------------------------------------------------------------------------------------- (a)


def test_acute_joint_committee_is_s65z6_reporting_to_the_board(drafts: dict[str, dict[str, str]]) -> None:
    jc = _part(drafts["acute_cic_jc"]["tor"], "Part 2: Elective Recovery Joint Committee")
    assert "is a joint committee of CGH, FUH, NHFT, EHT and ICB established under section 65Z6" in jc
    assert "reports to the Acute Collaborative Board" in jc
    assert "it is not a committee of the Acute Collaborative Board" in jc
    assert "not itself a committee of any Party" not in jc
    assert "is accountable to the Acute Collaborative Board" not in jc  # it reports; the parties hold it to account
    assert "approved by the board of each Party whose functions are exercised through" in jc


def test_acute_joint_committee_takes_effect_from_the_condition(drafts: dict[str, dict[str, str]]) -> None:
    jc = _part(drafts["acute_cic_jc"]["tor"], "Part 2: Elective Recovery Joint Committee")
    assert "is established with effect from the date on which the ICB's delegation to it takes effect" in jc
    assert "Until then it does not meet or act" in jc


def test_acute_icb_delegation_is_conditional(drafts: dict[str, dict[str, str]]) -> None:
    sod = drafts["acute_cic_jc"]["sod"]
    assert (
        "commissioning of elective recovery capacity for the pathways in scope, within the budget the ICB sets "
        "(with effect from the date on which the ICB's board has approved the delegation" in sod
    )


def test_acute_independent_chair_and_a_vice_chair_that_fits(drafts: dict[str, dict[str, str]]) -> None:
    board = _part(drafts["acute_cic_jc"]["tor"], "Part 1: Acute Collaborative Board", "Part 2:")
    assert "The chair of the Acute Collaborative Board is the Independent Chair, an independent person" in board
    assert "The independent chair is not a member of any Party's committee and has no vote" in board
    assert "Independent Independent Chair Non-voting Not applicable" in board  # the membership table's row
    assert "appoint a vice-chair from among the members of the Parties' committees" in board
    assert "from a Party other than the Party then holding the chair" not in board


# ----------------------------------------------------------------------------------------------- (b)


def test_mental_health_icb_share_without_being_a_party(drafts: dict[str, dict[str, str]]) -> None:
    mou = drafts["mental_health_mou"]["mou"]
    assert "NHS Ashdown and Merrow Integrated Care Board 60% of the shared costs" in mou
    assert "A funder does not become a party to this Memorandum, or a member of any of its bodies" in mou
    # the trusts' 10% shares are of the whole shared costs, beside the ICB's 60%, not of what the ICB leaves
    assert "The Parties' shares set out in this clause, and any funder's percentage, are shares of the shared" in mou
    assert "apply to the shared costs that remain after" not in mou
    assert "## " not in mou and "[#funders]" not in mou  # the funders' table is drafted as markup, not text
    parties = mou[: mou.index("Background")]
    assert "Integrated Care Board" not in parties  # not a signatory


def test_mental_health_trusts_shares(drafts: dict[str, dict[str, str]]) -> None:
    mou = drafts["mental_health_mou"]["mou"]
    for trust in (
        "Ashdown Partnership NHS Foundation Trust",
        "Merrow Mental Health NHS Trust",
        "Kestrel Weald Care NHS Foundation Trust",
        "Hollins Vale Mental Health NHS Trust",
    ):
        assert f"{trust} 10%" in mou


def test_mental_health_rotating_chair(drafts: dict[str, dict[str, str]]) -> None:
    tor = drafts["mental_health_mou"]["tor"]
    assert "The chair of the Mental Health Collaborative Committees in Common rotates between the Parties" in tor
    assert "Each Party holds the chair for a period of twelve (12) months" in tor


def test_mental_health_lead_provider_committee(drafts: dict[str, dict[str, str]]) -> None:
    tor = drafts["mental_health_mou"]["tor"]
    part = _part(tor, "Part 2: Eating Disorders Lead Provider Committee")
    assert (
        "The Eating Disorders Lead Provider Committee is a committee of Ashdown Partnership NHS Foundation Trust"
        in part
    )
    assert "the lead provider, established under its Standing Orders" in part
    assert "its decisions are the lead provider's alone" in part
    assert "approved by the board of APFT, the lead provider" in part


# ----------------------------------------------------------------------------------------------- (c)


def test_five_trusts_two_thirds_in_words_and_one_vote_per_party(drafts: dict[str, dict[str, str]]) -> None:
    tor, cjv = drafts["five_trust_jc"]["tor"], drafts["five_trust_jc"]["cjv"]
    for text in (tor, cjv):
        assert "at least two-thirds of the votes cast by the Parties represented" in text
        assert "66.67" not in text and "66.7%" not in text
    assert "Each Party represented by a Voting Member present has one vote, however many of its members" in tor
    assert "each Party having one vote however many members it sends" in cjv
    assert "each voting member having one vote" not in cjv
    assert "[[" not in tor


def test_five_trusts_minority_protection(drafts: dict[str, dict[str, str]]) -> None:
    tor = drafts["five_trust_jc"]["tor"]
    assert "Each reserved matter is subject to a locked gateway" in tor


def test_the_two_thirds_rule_evaluated() -> None:
    two_thirds = parse_share("2/3")
    assert two_thirds == Fraction(2, 3) == parse_share("two-thirds")
    assert threshold_met(2, 3, two_thirds)
    assert threshold_met(4, 6, two_thirds)
    assert not threshold_met(3, 5, two_thirds)
    assert threshold_met(4, 5, two_thirds)
    assert threshold_met(3, 4, parse_share(75))
    assert not threshold_met(2, 3, parse_share(75))
