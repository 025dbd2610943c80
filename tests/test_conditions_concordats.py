"""Conditions precedent and the quality concordats schedule of the collaboration agreement (issue 15)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from assembler.assembly import build
from assembler.model import DocumentKind
from tests.docx_reading import read

ROOT = Path(__file__).resolve().parents[1]
_yaml = YAML(typ="safe")


def _agreement(tmp_path: Path, change: Callable[[Any], None] | None = None) -> str:
    data = _yaml.load((ROOT / "answers" / "msecc.yaml").read_text(encoding="utf-8"))
    if change is not None:
        change(data)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "msecc.yaml"
    with path.open("w", encoding="utf-8") as fh:
        _yaml.dump(data, fh)
    result = build(path, out_dir=tmp_path / "out", only=[DocumentKind.CJV])
    return read(result.written[0]).text()


def _clause(text: str, heading: str) -> str:
    start = text.rindex(f"\n{heading}\n")
    return text[start : text.index("\nPurpose, objectives and scope\n", start)]


def test_the_agreement_binds_once_boards_and_where_needed_governors_approve(tmp_path: Path) -> None:
    text = _agreement(tmp_path)
    conditions = _clause(text, "Conditions")
    assert (
        "takes effect on the later of the Commencement Date and the date on which the last of the following"
        in conditions
    )
    assert (
        "the board of each Party has approved the entry into this Agreement and authorised its signature" in conditions
    )
    # EPUT and NELFT have not said whether it is a significant transaction for them
    assert "EPUT and NELFT have each obtained any approval of their council of governors" in conditions
    assert "takes effect on the Commencement Date, subject to clause 3" in text


def test_a_significant_transaction_makes_the_governors_approval_a_condition(tmp_path: Path) -> None:
    def change(d: Any) -> None:
        d["parties"][0]["significant_transaction"] = "yes"
        d["parties"][1]["significant_transaction"] = "no"

    conditions = _clause(_agreement(tmp_path, change), "Conditions")
    assert "more than half of the members of the council of governors of EPUT voting have approved" in conditions
    assert "NELFT" not in conditions  # not a significant transaction for NELFT: no condition for its governors


def test_without_conditions_the_agreement_takes_effect_on_the_commencement_date(tmp_path: Path) -> None:
    def change(d: Any) -> None:
        d["provisions"]["conditions_precedent"] = False

    text = _agreement(tmp_path, change)
    assert "\nConditions\n" not in text
    assert "This Agreement takes effect on the Commencement Date." in text
    assert "obtain that approval before signature" in text  # the drafting note for the governors' approval


def test_the_quality_concordats_are_a_schedule_where_the_collaborative_has_them(tmp_path: Path) -> None:
    text = _agreement(tmp_path)
    assert "those agreed at the date of this Agreement are listed in Schedule 4" in text
    assert "Schedule 4: Quality concordats" in text
    schedule = text[text.rindex("Schedule 4: Quality concordats") :]
    assert "The quality concordats agreed by the Parties under clause" in schedule and "[●]" in schedule

    def named(d: Any) -> None:
        d["provisions"]["quality_concordats"]["titles"] = ["Falls prevention", "Wound care"]

    listed = _agreement(tmp_path / "named", named)
    schedule = listed[listed.rindex("Quality concordats") :]
    assert "\nFalls prevention\n" in schedule and "\nWound care\n" in schedule

    def none(d: Any) -> None:
        del d["provisions"]["quality_concordats"]

    without = _agreement(tmp_path / "none", none)
    assert "Quality concordats" not in without and "listed in Schedule" not in without
