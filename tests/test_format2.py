"""Answers format 2: the migration from format 1, and the facts and rules of the answers it added."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from assembler.answers_file import load_answers, parse_answers
from assembler.cli import main
from assembler.errors import InputError
from assembler.facts import facts_of, threshold_met
from assembler.interview.session import Session
from assembler.model import FORMAT_VERSION, Answers, BodyNature, Significance
from assembler.rules import check

ROOT = Path(__file__).resolve().parents[1]
FORMAT1 = ROOT / "tests" / "fixtures" / "migrate" / "format1.yaml"
MSECC = ROOT / "answers" / "msecc.yaml"


# ------------------------------------------------------------------------------------------- migration


def test_a_format_1_file_loads_with_a_one_line_notice() -> None:
    loaded = load_answers(FORMAT1)
    assert loaded.answers.format_version == FORMAT_VERSION == 2
    crg = next(b for b in loaded.answers.bodies if b.id == "clinical_reference_group")
    assert crg.voting.threshold == Fraction(3, 4)
    assert loaded.notice == (
        f"{FORMAT1}: answers format 1 read as format 2 (voting.threshold_percent is now voting.threshold); "
        f"run `assembler migrate {FORMAT1}` to update the file"
    )
    assert load_answers(MSECC).notice is None


def test_check_prints_the_notice_and_migrate_rewrites_the_file_keeping_comments(tmp_path: Path) -> None:
    target = tmp_path / "old.yaml"
    shutil.copy(FORMAT1, target)
    runner = CliRunner()
    checked = runner.invoke(main, ["check", str(target)])
    assert "answers format 1 read as format 2" in checked.stderr
    migrated = runner.invoke(main, ["migrate", str(target)])
    assert migrated.exit_code == 0, migrated.output
    assert "migrated from answers format 1 to 2" in migrated.stdout
    text = target.read_text(encoding="utf-8")
    assert "format_version: 2" in text and "threshold_percent" not in text
    assert "threshold: 75           # a v1 name: format 2 calls it threshold" in text  # the comment stays
    assert load_answers(target).notice is None
    again = runner.invoke(main, ["migrate", str(target)])
    assert "already in answers format 2" in again.stdout


def test_a_newer_format_is_refused_with_what_to_do() -> None:
    text = FORMAT1.read_text(encoding="utf-8").replace("format_version: 1", "format_version: 9")
    with pytest.raises(InputError) as caught:
        parse_answers(text, name="new.yaml")
    line = str(caught.value.problems[0])
    assert "new.yaml" in line and "format 9" in line and "upgrade assembler" in line


def test_the_interview_resumes_a_format_1_file_and_saves_it_in_format_2(tmp_path: Path) -> None:
    target = tmp_path / "old.yaml"
    shutil.copy(FORMAT1, target)
    session = Session.open(target)
    assert session.notice is not None and "your next answer saves it in the new format" in session.notice
    assert session.document["format_version"] == 2


# ------------------------------------------------------------------------------------------- facts


def _answers(change: dict[str, Any] | None = None) -> Answers:
    data = load_answers(MSECC).answers.model_dump(mode="json", exclude_unset=True)
    for key, value in (change or {}).items():
        node = data
        *parts, last = key.split(".")
        for part in parts:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return Answers.model_validate(data)


def test_a_body_nature_follows_the_legal_form_unless_answered() -> None:
    f = facts_of(_answers())
    assert f.board is not None and f.board.nature is BodyNature.CONTRACTUAL_BOARD and not f.board.nature_answered
    assert all(b.nature is BodyNature.ADVISORY for b in f.bodies if not b.deciding)
    g = facts_of(_answers({"bodies.0.nature": "joint_committee"}))
    assert g.board is not None and g.board.nature is BodyNature.JOINT_COMMITTEE and g.board.statutory


@pytest.mark.parametrize(
    ("share", "votes_for", "cast", "carried"),
    [
        (Fraction(2, 3), 2, 3, True),
        (Fraction(2, 3), 4, 6, True),
        (Fraction(2, 3), 3, 5, False),
        (Fraction(2, 3), 5, 7, True),
        (Fraction(2, 3), 4, 7, False),
        (Fraction(3, 4), 3, 4, True),
        (Fraction(3, 4), 2, 3, False),
    ],
)
def test_thresholds_are_counted_exactly(share: Fraction, votes_for: int, cast: int, carried: bool) -> None:
    assert threshold_met(votes_for, cast, share) is carried


def test_voting_by_party_and_the_significant_transaction_are_facts() -> None:
    f = facts_of(_answers({"bodies.0.voting.by": "party", "parties.0.significant_transaction": "yes"}))
    assert f.board is not None and f.board.by_party and f.board.seat_name == "Party"
    eput, nelft = f.foundation_trusts
    assert f.significance(eput) is Significance.YES and f.significance(nelft) is Significance.NOT_YET_KNOWN
    assert f.governors_must_approve == (eput,) and f.governors_unknown == (nelft,)


def test_the_short_name_is_the_collaboratives_defined_term() -> None:
    assert facts_of(_answers()).collaborative_term == "MSECC"
    assert facts_of(_answers({"collaborative.short_name": None})).collaborative_term == "Collaborative"


# ------------------------------------------------------------------------------------------- rules


def _codes(answers: Answers) -> list[str]:
    return [f"{f.rule}:{f.severity.value}" for f in check(answers)]


def test_funders_shares_count_towards_the_hundred() -> None:
    base = {
        "finance.cost_sharing.method": "fixed_shares",
        "finance.cost_sharing.shares": {"EPUT": 20, "NELFT": 10, "Provide": 10},
        "finance.cost_sharing.funders": [{"name": "NHS Mid and South Essex ICB", "share": 60}],
    }
    assert "C4:error" not in _codes(_answers(base))
    wrong = {**base, "finance.cost_sharing.funders": [{"name": "NHS Mid and South Essex ICB", "share": 50}]}
    assert "C4:error" in _codes(_answers(wrong))


def test_an_independent_voting_member_of_committees_in_common_is_refused() -> None:
    change = {
        "legal_form": "committees_in_common",
        "bodies.0.members": [
            {"party": None, "role": "Independent Chair", "voting": True},
            {"party": "EPUT", "role": "Chief Executive", "board_director": True},
            {"party": "NELFT", "role": "Chief Executive", "board_director": True},
        ],
    }
    findings = [f for f in check(_answers(change)) if f.rule == "R1"]
    assert any("represents no party" in f.message for f in findings)


def test_a_nature_that_does_not_fit_is_found() -> None:
    lead = _answers({"bodies.1.nature": "lead_provider_committee"})
    assert any(f.rule == "C9" and "lead provider" in f.message for f in check(lead))
    conditional = _answers({"bodies.0.status": "conditional"})
    assert any(f.rule == "C9" and "condition" in f.message for f in check(conditional))


def test_a_reference_to_a_document_the_pack_does_not_produce_is_found() -> None:
    answers = _answers(
        {"documents.sod.produce": False, "delegations.0.legal_basis": "the scheme of delegation of the MSECC"}
    )
    findings = [f for f in check(answers) if f.rule == "C10"]
    assert findings and "scheme of delegation" in findings[0].message
    own = _answers({"documents.sod.produce": False, "delegations.0.legal_basis": "the Trust's scheme of delegation"})
    assert not [f for f in check(own) if f.rule == "C10"]


def test_the_interview_asks_every_answer_format_2_added() -> None:
    from assembler.interview.plan import pattern, steps

    data = _answers(
        {
            "bodies.0.status": "conditional",
            "bodies.0.voting.rule": "qualified_majority",
            "bodies.0.voting.threshold": "2/3",
            "delegations.0.status": "conditional",
            "finance.cost_sharing.funders": [{"name": "NHS Mid and South Essex ICB", "share": 60}],
        }
    ).model_dump(mode="json")
    asked = {pattern(s.path) for s in steps(data)}
    for field in (
        "bodies.*.nature",
        "bodies.*.status",
        "bodies.*.takes_effect",
        "bodies.*.members.*.party",
        "bodies.*.voting.by",
        "bodies.*.voting.threshold",
        "delegations.*.status",
        "delegations.*.takes_effect",
        "finance.cost_sharing.funders.*.share",
        "finance.cost_sharing.funders.*.amount",
        "parties.*.significant_transaction",
        "provisions.conditions_precedent",
        "provisions.quality_concordats",
    ):
        assert field in asked, field


def test_a_party_only_to_the_terms_of_reference_is_outside_the_agreement() -> None:
    acute = facts_of(load_answers(ROOT / "answers" / "acute_cic_jc.yaml").answers)
    assert [p.short_name for p in acute.outside_agreement] == ["ICB"]
    assert facts_of(_answers()).outside_agreement == ()
