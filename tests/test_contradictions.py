"""Nothing in a draft contradicts the answers or the law the rules encode: the rules refuse impossible governance,
and what they let through is drafted accordingly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from assembler.assembly import FindingsError, build
from assembler.model import DocumentKind

from .docx_reading import read

ROOT = Path(__file__).resolve().parent.parent
JOINT = ROOT / "answers" / "joint_committee.yaml"
MSECC = ROOT / "answers" / "msecc.yaml"


def _variant(source: Path, tmp_path: Path, change: Any) -> Path:
    yaml = YAML(typ="safe")
    data = yaml.load(source.read_text())
    change(data)
    target = tmp_path / "variant.yaml"
    with target.open("w") as handle:
        YAML().dump(data, handle)
    return target


def _texts(path: Path, tmp_path: Path, *kinds: DocumentKind) -> dict[str, str]:
    result = build(path, out_dir=tmp_path / "out", only=list(kinds) or None)
    # The operative text only: drafting notes explain the alternatives and may name what the draft excludes.
    return {
        c.kind.value: "\n".join(para.text for para in read(p).paragraphs if para.style != "DraftingNote")
        for c, p in zip(result.documents, result.written, strict=True)
    }


def _add_cic(data: dict[str, Any], *, voting: bool) -> None:
    role = "member" if voting else "associate"  # a CIC may attend a joint committee, not vote on it
    data["parties"].append({"short_name": "Care", "name": "Care Together CIC", "kind": "cic", "roles": [role]})
    data["bodies"][0]["members"].append({"party": "Care", "role": "Managing Director", "voting": voting})


def test_a_cic_cannot_vote_on_a_joint_committee(tmp_path: Path) -> None:
    with pytest.raises(FindingsError) as refused:
        build(_variant(JOINT, tmp_path, lambda d: _add_cic(d, voting=True)), out_dir=tmp_path / "no")
    assert any(f.rule == "R1" for f in refused.value.findings)
    assert not (tmp_path / "no").exists()


def test_a_cic_attending_a_joint_committee_is_drafted_as_non_voting(tmp_path: Path) -> None:
    texts = _texts(_variant(JOINT, tmp_path, lambda d: _add_cic(d, voting=False)), tmp_path, DocumentKind.TOR)
    cells = texts["tor"].splitlines()  # a membership table row reads: party, post, voting, director
    rows = [i for i, cell in enumerate(cells) if cell == "Care Together CIC" and cells[i + 1] == "Managing Director"]
    assert rows, "the CIC's member is missing from the terms of reference"
    assert all(cells[i + 2] == "Non-voting" for i in rows)


def _committees_in_common(data: dict[str, Any], rule: str) -> None:
    data["legal_form"] = "committees_in_common"
    data["parties"] = [p for p in data["parties"] if p["kind"] in ("nhs_trust", "nhs_foundation_trust", "icb")]
    names = {p["short_name"] for p in data["parties"]}
    for body in data["bodies"]:
        body["members"] = [m for m in body["members"] if m["party"] in names]
        for member in body["members"]:
            member["board_director"] = True
        body["voting"] = {"rule": rule, "casting_vote": False}
        if body.get("quorum"):
            body["quorum"]["members"] = min(body["quorum"]["members"], len(body["members"]))
    data["delegations"] = [d for d in data["delegations"] if d["from_party"] in names]
    data["finance"]["pooled_fund"] = None
    for choice in data["documents"].values():
        choice["parties"] = None


def test_committees_in_common_cannot_bind_a_body_by_majority(tmp_path: Path) -> None:
    with pytest.raises(FindingsError) as refused:
        build(_variant(JOINT, tmp_path, lambda d: _committees_in_common(d, "simple_majority")), out_dir=tmp_path / "no")
    assert any(f.rule == "R8" for f in refused.value.findings)


def test_committees_in_common_are_drafted_as_separate_decisions(tmp_path: Path) -> None:
    variant = _variant(JOINT, tmp_path, lambda d: _committees_in_common(d, "consensus"))
    texts = _texts(variant, tmp_path, DocumentKind.CJV, DocumentKind.TOR)
    for kind, text in texts.items():
        lowered = text.lower()
        assert "casting vote" not in lowered.replace("no casting vote", ""), kind
        assert "weighted vote" not in lowered, kind
        assert "its own" in lowered, f"{kind}: nothing says each committee decides for its own body"


@pytest.mark.parametrize("example", ["msecc", "nottingham"])
def test_an_mou_says_it_is_not_binding(example: str, tmp_path: Path) -> None:
    text = _texts(ROOT / "answers" / f"{example}.yaml", tmp_path, DocumentKind.MOU)["mou"]
    assert "not intended to be legally binding" in text
    assert "Only the following provisions of this Memorandum are legally binding" in text
