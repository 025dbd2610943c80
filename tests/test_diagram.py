"""The governance diagram: drawn from the facts, placed as a figure in the MoU and the terms of reference,
written beside the pack, the same bytes every time, and left out (with one line saying so) without Graphviz."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from assembler import diagram as diagram_module
from assembler.answers_file import load_answers
from assembler.assembly import build
from assembler.cli import main
from assembler.diagram import DOT_MISSING, draw, governance_graph
from assembler.docx_writer import figure_size
from assembler.facts import facts_of
from assembler.model import ReservedMechanism

from .docx_reading import read
from .optional_tools import need_dot

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
NOTTINGHAM = ROOT / "answers" / "nottingham.yaml"
JOINT = ROOT / "answers" / "joint_committee.yaml"


def _facts(path: Path):  # type: ignore[no-untyped-def]
    return facts_of(load_answers(path).answers)


def test_the_graph_shows_bodies_members_by_party_reporting_lines_delegations_and_reserved_matters() -> None:
    facts = _facts(MSECC)
    source = governance_graph(facts)
    for body in facts.bodies:
        assert f"<B>{body.name}</B>" in source
    # members by party: one line per party on each body
    assert "<B>EPUT</B>: Chair, Chief Executive" in source
    assert "<B>Provide</B>: Group Chief Executive" in source
    # reporting lines: each body with a parent, drawn from the parent with the arrow back to it
    children = [b for b in facts.bodies if b.parent]
    assert len(re.findall(r'\[dir=back, style=dashed, label=" reports to"\]', source)) == len(children) == 5
    # delegations: three parties to the board, EPUT to its Lead Director (with the limit)
    assert len(re.findall(r"party\d -> body1 \[ color=", source)) == 3
    assert re.search(r'party1 -> officer4 \[ label="up to £250,000", color=', source)
    assert "decisions on the joint delivery of" in source
    # where reserved matters go: to the board, by unanimity; and each party's own board keeps its own
    assert "<B>4 reserved matters</B>" in source and "only with every" in source
    assert "Each Party's own board keeps" in source and "3 reserved matters" in source


def test_the_graph_follows_the_legal_form() -> None:
    assert "advisory (no Party is bound)" in governance_graph(_facts(NOTTINGHAM))
    assert not re.search(
        r"party\d+ -> (body|officer)\d+ \[ ?(label=[^,]*, )?color=", governance_graph(_facts(NOTTINGHAM))
    )
    joint = governance_graph(_facts(JOINT))
    assert "joint committee (s65Z6)" in joint
    assert "(no vote)" in joint  # the council's seat on a joint committee (rule R1)


def test_a_referral_mechanism_sends_reserved_matters_to_each_party() -> None:
    answers = load_answers(MSECC).answers
    answers.decisions.reserved_mechanism = ReservedMechanism.REFERRAL_TO_BOARDS
    source = governance_graph(facts_of(answers))
    assert "referred to each Party's own" in source
    assert len(re.findall(r"reserved -> party\d \[style=dotted", source)) == 3


def test_drawing_is_deterministic() -> None:
    need_dot()
    facts = _facts(MSECC)
    first, message = draw(facts)
    second, _ = draw(_facts(MSECC))
    assert first is not None and second is not None
    assert first.svg == second.svg and first.png == second.png
    assert first.png.startswith(b"\x89PNG") and b"<svg" in first.svg
    assert "drawn" in message
    width, height = first.size
    assert width > 500 and height > 300


def test_a_figure_fits_the_page() -> None:
    assert figure_size((900, 600), 150) == (6 * 914400, 4 * 914400)
    width, height = figure_size((3000, 600), 150)
    assert width == 6 * 914400 and height < width
    width, height = figure_size((600, 3000), 150)
    assert height == 8 * 914400


def test_the_mou_and_the_terms_of_reference_show_the_figure_and_the_pack_holds_svg_and_png(tmp_path: Path) -> None:
    need_dot()
    result = build(MSECC, out_dir=tmp_path)
    assert [p.name for p in result.diagrams] == ["msecc-governance.svg", "msecc-governance.png"]
    png = (tmp_path / "msecc-governance.png").read_bytes()
    for composed, path in zip(result.documents, result.written, strict=True):
        doc = read(path)
        drawings = doc.parts["word/document.xml"].count(b"<w:drawing>")
        captions = [p.text for p in doc.by_style("Caption")]
        if composed.kind.value in ("mou", "tor"):
            assert drawings == 1, path.name
            assert captions == ["Figure 1: The governance structure of the MSECC"], path.name
            media = [n for n in doc.parts if n.startswith("word/media/")]
            assert media == ["word/media/image1.png"] and doc.parts[media[0]] == png
            assert b'descr="Diagram: The governance structure of the MSECC"' in doc.parts["word/document.xml"]
        else:
            assert drawings == 0 and captions == [], path.name
    report = result.report_path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert '"msecc-governance.png"' in report


def test_without_graphviz_the_build_says_so_in_one_line_and_omits_the_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diagram_module.shutil, "which", lambda name: None)
    result = CliRunner().invoke(main, ["build", str(MSECC), "--out", str(tmp_path), "--only", "mou"])
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if "Graphviz" in line] == [DOT_MISSING]
    assert not list(tmp_path.glob("*.svg")) and not list(tmp_path.glob("*.png"))
    doc = read(next(tmp_path.glob("*.docx")))
    assert b"<w:drawing>" not in doc.parts["word/document.xml"] and not doc.by_style("Caption")
    assert DOT_MISSING in (tmp_path / "assembly-report.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["]", "]] Board", "[Joint] <Committee> & Co"])
def test_any_body_name_is_drawn(name: str) -> None:
    """Found by tests/slow/test_properties.py: a body named ']' made `dot` fail (an internal error)."""
    need_dot()
    answers = load_answers(MSECC).answers.model_copy(deep=True)
    answers.bodies[0].name = name
    figure, message = draw(facts_of(answers))
    assert figure is not None and b"<svg" in figure.svg, message
