"""No [●] for a fact the answers hold: every placeholder that names an answer names one that is still unknown."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from assembler.answers_file import load_answers
from assembler.assembly import build

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))
_PATH = re.compile(r"^[a-z_]+(\.[a-z_]+|\[\d+\])*$")


def _value(data: Any, path: str) -> Any:
    node = data
    for name, index in re.findall(r"([a-z_]+)|\[(\d+)\]", path):
        if index:
            node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
        elif isinstance(node, dict):
            node = node.get(name)
        else:
            return None
    return node


def _by_id(data: dict[str, Any], path: str) -> str:
    """``bodies.jog.remit`` (a body by its id, as some clauses name it) as ``bodies[2].remit``."""
    match = re.match(r"^bodies\.([a-z_0-9]+)\.(.*)$", path)
    if match is None:
        return path
    ids = [b["id"] for b in data.get("bodies", [])]
    return f"bodies[{ids.index(match[1])}].{match[2]}" if match[1] in ids else path


@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_no_placeholder_for_a_fact_the_answers_hold(answers: Path, tmp_path: Path) -> None:
    data = load_answers(answers).answers.model_dump(mode="json")
    result = build(answers, out_dir=tmp_path)
    held = []
    for composed in result.documents:
        for placeholder in composed.placeholders:
            path = _by_id(data, placeholder)
            if not _PATH.match(path):
                continue  # a gap that names no answer ("date of signature")
            value = _value(data, path)
            if value not in (None, "", [], {}):
                held.append(f"{composed.kind.value}: {placeholder} = {value!r}")
    assert not held, held


def test_the_check_finds_a_held_fact_shown_as_a_gap() -> None:
    data = {"bodies": [{"id": "board", "remit": ["x"]}], "collaborative": {"icb": "NHS X ICB"}}
    assert _value(data, _by_id(data, "bodies.board.remit")) == ["x"]
    assert _value(data, "collaborative.icb") == "NHS X ICB"
    assert _value(data, "bodies[3].remit") is None


def test_a_group_s_purpose_stands_as_its_remit_when_no_remit_is_listed(tmp_path: Path) -> None:
    from .docx_reading import read

    result = build(ROOT / "answers" / "msecc.yaml", out_dir=tmp_path)
    tor = read(next(p for c, p in zip(result.documents, result.written, strict=True) if c.kind.value == "tor"))
    text = tor.text()
    assert "to act as the collaborative's executive team under the Lead Director." in text
    assert not any("remit" in p for c in result.documents for p in c.placeholders if p.startswith("bodies.leadership"))


def test_an_mou_with_no_host_drafts_no_host(tmp_path: Path) -> None:
    from .docx_reading import read

    result = build(ROOT / "answers" / "nottingham.yaml", out_dir=tmp_path)
    mou = read(next(p for c, p in zip(result.documents, result.written, strict=True) if c.kind.value == "mou")).text()
    assert "will agree which of them will host" not in mou
    assert "No Member hosts the Collaborative" in mou
    assert "NHS Nottingham and Nottinghamshire Integrated Care Board commissions services from the Members" in mou
    assert "urgent care" in mou  # the members agreed urgent care is out of scope
