"""Issue 15's provisions, read from the built agreement's visible text: force majeure and EPRR, the equality duty,
audit access, cost-share disputes to the expert, and the s9 "NHS contract" clause agreeing with the final forum."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from assembler.answers_file import load_answers
from assembler.assembly import build
from assembler.facts import facts_of
from assembler.library import Library, load_library
from assembler.model import DocumentKind, FinalForum

from .docx_reading import read

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "answers" / "joint_committee.yaml"
_yaml = YAML(typ="safe", pure=True)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def _variant(tmp_path: Path, name: str, change: Any) -> Path:
    data = copy.deepcopy(_yaml.load(EXAMPLE.read_text(encoding="utf-8")))
    change(data)
    path = tmp_path / f"{name}.yaml"
    with path.open("w", encoding="utf-8") as handle:
        YAML(typ="safe", pure=True).dump(data, handle)
    return path


def _agreement_text(answers: Path, out: Path, library: Library) -> str:
    build(answers, out_dir=out, only=[DocumentKind.CJV], library=library, clean=True)
    (path,) = [p for p in out.glob("*-collaboration-agreement*.docx") if "clean" in p.name]
    return read(path).text()


def _section(text: str, heading: str, following: str) -> str:
    start = text.index(f"\n{heading}\n")
    return text[start : text.index(f"\n{following}\n", start + 1)]


@pytest.fixture(scope="module")
def default_text(tmp_path_factory: pytest.TempPathFactory, library: Library) -> str:
    return _agreement_text(EXAMPLE, tmp_path_factory.mktemp("provisions"), library)


def test_force_majeure_and_business_continuity(default_text: str) -> None:
    section = _section(default_text, "Force majeure and business continuity", "Conflicts of interest")
    assert "event beyond its reasonable control" in section
    assert "Civil Contingencies Act 2004" in section
    assert "Emergency Preparedness, Resilience and Response Framework" in section


def test_equality_duty(default_text: str) -> None:
    section = _section(default_text, "Equality", "Competition law and procurement")
    assert "section 149 of that Act" in section
    assert "foster good relations" in section


def test_audit_access_includes_the_national_audit_office(default_text: str) -> None:
    section = _section(default_text, "Audit and inspection", "Information governance and data sharing")
    assert "Comptroller and Auditor General and the National Audit Office" in section
    assert "external and internal auditors of each other Party" in section
    assert "National Audit Act 1983" in section


def test_provisions_the_answers_leave_out_are_not_drafted(tmp_path: Path, library: Library) -> None:
    def off(data: dict[str, Any]) -> None:
        data["provisions"] = {"force_majeure": False, "equality_duty": False, "audit_access": False}

    text = _agreement_text(_variant(tmp_path, "off", off), tmp_path / "off", library)
    for heading in ("Force majeure and business continuity", "Equality", "Audit and inspection"):
        assert f"\n{heading}\n" not in text


def test_cost_share_disputes_go_to_the_expert_in_both_places(default_text: str) -> None:
    finance = _section(default_text, "Finance", "Pooled fund")
    assert "about the Shared Costs, the Annual Budget or any Party's share of them is a matter for expert" in finance
    expert = default_text[default_text.index("\nExpert determination\n") :]
    assert "any Dispute about the costs the Parties share under the collaboration arrangements" in expert


def test_without_an_expert_cost_share_disputes_follow_the_ordinary_route(tmp_path: Path, library: Library) -> None:
    def no_expert(data: dict[str, Any]) -> None:
        data["disputes"]["expert_determination"] = None

    text = _agreement_text(_variant(tmp_path, "no_expert", no_expert), tmp_path / "no_expert", library)
    assert "matter for expert determination" not in text
    assert "\nExpert determination\n" not in text


FORUM_PHRASES = {
    FinalForum.COURTS: "finally resolved by the courts of England and Wales",
    FinalForum.ARBITRATION: "finally resolved by arbitration",
    FinalForum.ICB: "NHS Westmoor and Eastvale Integrated Care Board",
    FinalForum.NHS_ENGLAND: "NHS England",
}


@pytest.mark.parametrize("forum", list(FinalForum))
@pytest.mark.parametrize("nhs_only", [True, False], ids=["nhs-parties", "with-a-council"])
def test_nhs_contract_clause_agrees_with_the_final_forum(
    tmp_path: Path, library: Library, forum: FinalForum, nhs_only: bool
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["disputes"]["final_forum"] = forum.value
        signatories = [p["short_name"] for p in data["parties"] if nhs_only is (p["kind"] != "local_authority")]
        if not nhs_only:  # the council signs with the NHS parties
            signatories = [p["short_name"] for p in data["parties"]]
        data["documents"].setdefault("cjv", {})["parties"] = signatories

    path = _variant(tmp_path, forum.value, change)
    facts = facts_of(load_answers(path).answers)
    assert facts.nhs_contract.possible is nhs_only
    text = _agreement_text(path, tmp_path / "out", library)
    s9 = _section(text, "NHS contracts", "Dispute resolution")
    final = text[text.index("\nFinal resolution\n") :]
    phrase = FORUM_PHRASES[forum]
    assert facts.final_forum.name in s9
    assert phrase in s9
    assert facts.final_forum.name.removeprefix("the ") in final
    if forum is FinalForum.ARBITRATION:
        assert "arbitration under the Arbitration Act 1996" in final
    else:
        assert "arbitration" not in s9.replace("agreement to refer", "")
    if forum is FinalForum.COURTS:
        assert "exclusive jurisdiction" in final
    if nhs_only:
        assert "does not give rise to contractual rights or liabilities" in s9
        assert "Secretary of State" in s9
    else:
        assert re.search(r"not an NHS contract within section 9\(1\)", s9)
        assert "Secretary of State" not in s9
