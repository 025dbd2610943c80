"""The bundled examples state what their source documents say (../shared/seeds), read from the built drafts."""

from __future__ import annotations

from pathlib import Path

import pytest

from assembler.assembly import build
from tests.docx_reading import Docx, read

ROOT = Path(__file__).resolve().parents[1]


def _pack(name: str, out: Path) -> dict[str, Docx]:
    result = build(ROOT / "answers" / f"{name}.yaml", out_dir=out)
    return {c.kind.value: read(p) for c, p in zip(result.documents, result.written, strict=True)}


@pytest.fixture(scope="module")
def msecc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Docx]:
    return _pack("msecc", tmp_path_factory.mktemp("msecc"))


@pytest.fixture(scope="module")
def nottingham(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Docx]:
    return _pack("nottingham", tmp_path_factory.mktemp("nottingham"))


def _part(doc: Docx, title: str) -> str:
    """The text of one Part of the terms of reference, from its heading to the next Part."""
    text = doc.text()
    start = text.rindex(f": {title}\n")  # the Part itself, not its line in the contents
    end = text.find("\nPart ", start + 1)
    return text[start : end if end > 0 else len(text)]


def test_msecc_leadership_team_has_the_lead_director_and_the_leads(msecc: dict[str, Docx]) -> None:
    team = _part(msecc["tor"], "Leadership Team")
    assert "chaired, and its work led, by the Lead Director" in team
    for role in ["Lead Director", "Quality Lead", "Nursing Lead", "Governance Lead", "Finance Lead"]:
        assert f"\nCollaborative post\n{role}\n" in team, role
    assert "\nCollaborative post\nCommunications Lead\n" in team
    assert team.count("\nChief Operating Officer\n") == 3


def test_msecc_has_four_partnership_directors_and_a_cyp_operations_director(msecc: dict[str, Docx]) -> None:
    group = _part(msecc["tor"], "Joint Operational Group")
    assert group.count("\nCollaborative post\nPartnership Director\n") == 4
    assert "\nCollaborative post\nChildren and Young People Operations Director\n" in group
    roles = msecc["mou"].text()
    assert roles.count("\nPartnership Director\n") == 4
    assert "joint post with Thurrock Council" in roles


def test_msecc_has_a_clinical_reference_group(msecc: dict[str, Docx]) -> None:
    group = _part(msecc["tor"], "Clinical Reference Group")
    assert "The Clinical Reference Group is a reference group of the Community Collaborative Board" in group


def test_msecc_mou_is_with_the_system_partners_and_the_agreement_is_interim(msecc: dict[str, Docx]) -> None:
    mou = msecc["mou"].text()
    assert "Thurrock Council" in mou and "Mid and South Essex Integrated Care Board" in mou
    assert "interim arrangement" in msecc["cjv"].text()
    assert "may later move to a lead provider or corporate joint venture model" in msecc["cjv"].text()


def test_nottingham_names_the_lead_chief_executive_and_the_managing_director(nottingham: dict[str, Docx]) -> None:
    tor = nottingham["tor"]
    assert "chaired, and its work led, by the Lead Chief Executive" in _part(tor, "Chief Executives' Group")
    executive = _part(tor, "Executive Group")
    assert "chaired, and its work led, by the Managing Director" in executive
    assert "\nCollaborative post\nManaging Director\n" in executive
    mou = nottingham["mou"].text()
    assert "\nLead Chief Executive\n" in mou and "\nManaging Director\n" in mou
