"""Redlines (``build --compare``): Accept All gives the new draft and Reject All the old one, read from the XML;
moved clauses, switched-off documents, the changes section, determinism, and packs that kept no model.

The full set of edits over every example, LibreOffice and the OOXML validator are the slow step
``tests/slow/test_redlines.py``; these are the fast few."""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from assembler.answers_file import load_answers
from assembler.assembly import BuildResult, build, templates_root
from assembler.cli import main
from assembler.diagram import draw
from assembler.docmodel import BlockKind
from assembler.docx_writer import write_docx
from assembler.errors import InputError
from assembler.facts import facts_of
from assembler.library import load_library
from assembler.model import DocumentKind
from assembler.previous import load_previous

from .redline_checks import compare_builds, redline_problems
from .redline_edits import clause_bumped, clause_moved, edited_answers, library_copy

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
TOR, DRA, MOU = DocumentKind.TOR, DocumentKind.DRA, DocumentKind.MOU


def _pack(answers: Path, out: Path, **options: object) -> BuildResult:
    """A pack as a build writes it: the documents, with its answers snapshot and document model."""
    result = build(answers, out_dir=out, **options)  # type: ignore[arg-type]
    assert (out / ".assembler" / "model.json").is_file() and (out / ".assembler" / "answers.yaml").is_file()
    return result


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """MSECC's terms of reference and dispute annex as first built."""
    return _pack(MSECC, tmp_path_factory.mktemp("earlier"), only=[TOR, DRA])


@pytest.mark.parametrize(
    ("edit", "kind"),
    [("quorum", TOR), ("party_added", TOR), ("body_added", TOR), ("body_removed", TOR), ("tier_added", DRA)],
)
def test_accept_all_gives_the_new_draft_and_reject_all_the_old(
    edit: str, kind: DocumentKind, earlier: BuildResult, tmp_path: Path
) -> None:
    answers = edited_answers(MSECC, edit, tmp_path / "edited.yaml")
    new = build(answers, out_dir=tmp_path / "new", only=[kind])
    old = BuildResult(
        earlier.answers_path,
        earlier.out_dir,
        [d for d in earlier.documents if d.kind is kind],
        [p for d, p in zip(earlier.documents, earlier.written, strict=True) if d.kind is kind],
    )
    comparison = compare_builds(old, new)
    assert [d.status for d in comparison.documents] == ["changed"]
    assert redline_problems(old, new, comparison, tmp_path) == []


def test_a_paragraph_moved_down_a_level_keeps_its_old_numbering_as_a_tracked_change(
    earlier: BuildResult, tmp_path: Path
) -> None:
    old_tor = earlier.documents[0]
    new_tor = copy.deepcopy(old_tor)
    block = next(
        b for b in new_tor.blocks if b.clause_id == "tor.quorum" and b.kind is BlockKind.NUMBERED and not b.anchors
    )
    block.level = 3  # 8.2 becomes 8.1.1: a numbering change, not a change of words
    path = tmp_path / earlier.written[0].name
    figure, _ = draw(facts_of(load_answers(MSECC).answers))  # the governance diagram, as the build draws it
    template = templates_root() / new_tor.definition.template
    path.write_bytes(write_docx(new_tor, template, properties={}, clean=False, figure=figure))
    old = BuildResult(earlier.answers_path, earlier.out_dir, [old_tor], earlier.written[:1])
    new = BuildResult(earlier.answers_path, tmp_path, [new_tor], [path])
    comparison = compare_builds(old, new)
    assert redline_problems(old, new, comparison, tmp_path) == []
    assert comparison.documents[0].data is not None
    xml = zipfile.ZipFile(io.BytesIO(comparison.documents[0].data)).read("word/document.xml")
    assert xml.count(b"<w:pPrChange ") == 1 and b"<w:ins " not in xml and b"<w:del " not in xml


def test_the_built_body_is_cut_by_the_writer_s_shape_without_writing_it_again(earlier: BuildResult) -> None:
    """The fast path: if the writer's shape for a block changes, redlines stay right but write each body again."""
    from assembler.redline._units import _sliced
    from assembler.redline._xml import _BODY

    for composed, path in zip(earlier.documents, earlier.written, strict=True):
        body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml")).find(_BODY)
        assert _sliced(composed, body, None, clean=False) is not None, composed.kind


def test_a_quorum_change_names_the_clause_the_answer_and_both_values(earlier: BuildResult, tmp_path: Path) -> None:
    answers = edited_answers(MSECC, "quorum", tmp_path / "edited.yaml")
    new = build(answers, out_dir=tmp_path / "new", only=[TOR, DRA], compare=earlier.out_dir)
    assert new.comparison is not None
    report = json.loads((tmp_path / "new" / "assembly-report.json").read_text(encoding="utf-8"))["changes"]
    by_kind = {d["kind"]: d for d in report["documents"]}
    assert by_kind["dra"] == {
        "kind": "dra",
        "status": "unchanged",
        "file": new.written[1].name,
        "redline": None,
        "clauses": [],
    }
    assert not (tmp_path / "new" / "redline" / new.written[1].name).exists()
    tor = by_kind["tor"]
    assert tor["redline"] == f"redline/{new.written[0].name}"
    assert (tmp_path / "new" / tor["redline"]).is_file()
    quorum = [c for c in tor["clauses"] if c["id"] == "tor.quorum"]
    assert quorum and quorum[0]["change"] == "changed"
    assert quorum[0]["answers"] == [{"field": "bodies[board].quorum.members", "old": 3, "new": 2}]
    assert report["answers"] == [{"field": "bodies[board].quorum.members", "old": 3, "new": 2}]


def test_a_clause_version_bump_is_the_reason_given_and_the_cli_prints_it(earlier: BuildResult, tmp_path: Path) -> None:
    library = library_copy(tmp_path / "library")
    bump = clause_bumped(library)
    clause = bump.clause
    out = tmp_path / "new"
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(MSECC),
            "--only",
            "tor,dra",
            "--out",
            str(out),
            "--compare",
            str(earlier.out_dir),
            "--library",
            str(library),
        ],
    )
    assert result.exit_code == 0, result.output
    changes = json.loads((out / "assembly-report.json").read_text(encoding="utf-8"))["changes"]
    tor = next(d for d in changes["documents"] if d["kind"] == "tor")
    bumped = [c for c in tor["clauses"] if c["id"] == clause]
    assert bumped and all(c["versions"] == {"old": bump.old, "new": bump.new} for c in bumped)
    assert {c["id"] for c in tor["clauses"]} == {clause}, "only the edited clause changed"
    assert changes["answers"] == []
    assert re.search(
        rf"tor\s+{re.escape(clause)} \(Community Collaborative Board\)\s+changed\s+version {bump.old} → {bump.new}",
        result.output,
    )
    assert re.search(r"dra\s+unchanged\s+no redline", result.output)


def test_a_moved_clause_is_deleted_and_inserted_and_nothing_else_is_rewritten(
    earlier: BuildResult, tmp_path: Path
) -> None:
    library = library_copy(tmp_path / "library")
    clause_moved(library, clause="tor.quorum")
    new = build(MSECC, out_dir=tmp_path / "new", only=[TOR], library=load_library(library))
    old = BuildResult(earlier.answers_path, earlier.out_dir, earlier.documents[:1], earlier.written[:1])
    comparison = compare_builds(old, new)
    assert redline_problems(old, new, comparison, tmp_path) == []
    clauses = comparison.documents[0].clauses
    moved = {c["id"] for c in clauses if c["change"] == "moved"}
    assert moved == {"tor.quorum"}
    # Besides the move, only clauses whose cross-references to renumbered paragraphs changed may differ.
    others = {c["id"] for c in clauses if c["change"] != "moved"}
    assert len(others) <= 4, others
    assert all(c["change"] == "changed" for c in clauses if c["id"] in others)


def test_a_document_switched_off_is_named_and_nothing_is_written_for_it(tmp_path: Path) -> None:
    previous = _pack(MSECC, tmp_path / "old", only=[MOU, DRA])
    answers = edited_answers(MSECC, "document_off", tmp_path / "edited.yaml")
    new = build(answers, out_dir=tmp_path / "new", only=[MOU, DRA], compare=previous.out_dir)
    assert new.comparison is not None
    statuses = {d.kind: d.status for d in new.comparison.documents}
    assert statuses[DRA] == "not built"
    assert not any(p.name.endswith("dispute-resolution-annex.docx") for p in new.redlines)


def test_clean_copies_are_compared_with_the_clean_pack(tmp_path: Path) -> None:
    previous = build(MSECC, out_dir=tmp_path / "old", only=[DRA], clean=True)
    answers = edited_answers(MSECC, "tier_added", tmp_path / "edited.yaml")
    new = build(answers, out_dir=tmp_path / "new", only=[DRA], clean=True, compare=previous.out_dir)
    assert new.comparison is not None and [d.status for d in new.comparison.documents] == ["changed"]
    assert new.redlines == [tmp_path / "new" / "redline" / new.written[0].name]
    assert redline_problems(previous, new, new.comparison, tmp_path) == []
    assert b"Drafting note" not in zipfile.ZipFile(new.redlines[0]).read("word/document.xml")


def test_an_unchanged_pack_gets_no_redline(earlier: BuildResult, tmp_path: Path) -> None:
    new = build(MSECC, out_dir=tmp_path / "new", only=[TOR, DRA], compare=earlier.out_dir)
    assert new.comparison is not None
    assert [d.status for d in new.comparison.documents] == ["unchanged", "unchanged"]
    assert new.redlines == [] and not (tmp_path / "new" / "redline").exists()


def test_redlines_are_byte_identical_with_a_fixed_author_and_the_answers_date(
    earlier: BuildResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = edited_answers(MSECC, "tier_added", tmp_path / "edited.yaml")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    first = build(answers, out_dir=tmp_path / "a", only=[DRA], compare=earlier.out_dir).redlines
    second = build(answers, out_dir=tmp_path / "b", only=[DRA], compare=earlier.out_dir).redlines
    assert len(first) == 1 and first[0].read_bytes() == second[0].read_bytes()
    xml = zipfile.ZipFile(first[0]).read("word/document.xml")
    assert set(re.findall(rb'w:author="([^"]*)"', xml)) == {b"assembler"}
    assert set(re.findall(rb'w:date="([^"]*)"', xml)) == {b"2026-01-01T00:00:00Z"}
    dated = edited_answers(MSECC, "dated", tmp_path / "dated.yaml")  # the answers' own date comes first
    redline = build(dated, out_dir=tmp_path / "c", only=[DRA], compare=earlier.out_dir).redlines[0]
    xml = zipfile.ZipFile(redline).read("word/document.xml")
    assert set(re.findall(rb'w:date="([^"]*)"', xml)) == {b"2026-04-01T00:00:00Z"}


def test_a_folder_built_before_packs_kept_their_model_is_refused_in_one_line(tmp_path: Path) -> None:
    build(MSECC, out_dir=tmp_path / "old", only=[DRA])
    for kept in ("model.json", "answers.yaml"):  # as a folder built before packs kept them
        (tmp_path / "old" / ".assembler" / kept).unlink()
    with pytest.raises(InputError) as raised:
        load_previous(tmp_path / "old")
    assert len(raised.value.lines()) == 1
    assert ".assembler/answers.yaml and .assembler/model.json missing" in raised.value.lines()[0]
    result = CliRunner().invoke(
        main, ["build", str(MSECC), "--out", str(tmp_path / "new"), "--compare", str(tmp_path / "old")]
    )
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "model.json missing" in result.output
    assert not (tmp_path / "new").exists(), "nothing is built when the comparison cannot be made"
