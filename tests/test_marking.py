"""The page furniture of a draft: a cover page of its own, the draft marking and reference, ``--final``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from assembler.assembly import build
from assembler.cli import main
from assembler.errors import InputError
from assembler.marking import Marking, draft_date, format_date

from .docx_reading import Docx, read, w
from .optional_tools import need_office

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _with_draft_date(tmp_path: Path, date: str) -> Path:
    text = MSECC.read_text(encoding="utf-8").replace("documents:\n", f"documents:\n  draft_date: {date}\n", 1)
    target = tmp_path / "msecc.yaml"
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Docx]:
    tmp = tmp_path_factory.mktemp("drafts")
    result = build(_with_draft_date(tmp, "2025-03-07"), out_dir=tmp / "out")
    return {c.kind.value: read(p) for c, p in zip(result.documents, result.written, strict=True)}


def _header_footer(doc: Docx, kind: str) -> dict[str, str]:
    """The text of the document's headers or footers by type (first, default), as the section names them."""
    body = doc.xml("word/document.xml")
    rels = etree.fromstring(doc.parts["word/_rels/document.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    sect = body.find(".//w:body/w:sectPr", NS)
    assert sect is not None
    out = {}
    for ref in sect.findall(f"w:{kind}Reference", NS):
        part = doc.xml("word/" + targets[ref.get(R_ID)])
        out[ref.get(w("type"))] = "".join(t.text or "" for t in part.iter(w("t")))
    return out


def test_the_cover_is_a_page_of_its_own_without_header_or_footer(drafts: dict[str, Docx]) -> None:
    for kind, doc in drafts.items():
        sect = doc.xml("word/document.xml").find(".//w:body/w:sectPr", NS)
        assert sect is not None and sect.find("w:titlePg", NS) is not None, kind
        headers, footers = _header_footer(doc, "header"), _header_footer(doc, "footer")
        assert headers["first"] == "" and footers["first"] == "", kind
        assert "Page" in footers["default"], kind


def test_agreements_are_marked_subject_to_contract_and_adopted_documents_for_approval(
    drafts: dict[str, Docx],
) -> None:
    expected = {
        "mou": "Draft (0.1) — 7 March 2025 — subject to contract",
        "cjv": "Draft (0.1) — 7 March 2025 — subject to contract",
        "tor": "Draft for approval (0.1) — 7 March 2025",
        "sod": "Draft for approval (0.1) — 7 March 2025",
        "dra": "Draft for approval (0.1) — 7 March 2025",
    }
    for kind, doc in drafts.items():
        assert _header_footer(doc, "header")["default"] == expected[kind]
        assert _header_footer(doc, "footer")["default"].startswith(f"MSECC/{kind.upper()}/0.1"), kind


def test_final_copies_carry_no_marking(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(MSECC), "--out", str(tmp_path), "--final", "--only", "cjv"])
    assert result.exit_code == 0, result.output
    doc = read(next(tmp_path.glob("*.docx")))
    assert _header_footer(doc, "header")["default"] == ""
    assert "Version 0.1 · FINAL" in doc.text()
    assert "DRAFT" not in doc.text()


def test_the_draft_date_comes_from_the_answers_then_source_date_epoch_never_the_clock(tmp_path: Path) -> None:
    from assembler.answers_file import load_answers

    answers = load_answers(MSECC).answers
    assert draft_date(answers, {}) is None
    assert draft_date(answers, {"SOURCE_DATE_EPOCH": "1700000000"}) == dt.date(2023, 11, 14)
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        draft_date(answers, {"SOURCE_DATE_EPOCH": "yesterday"})
    dated = load_answers(_with_draft_date(tmp_path, "2025-01-02")).answers
    assert draft_date(dated, {"SOURCE_DATE_EPOCH": "1700000000"}) == dt.date(2025, 1, 2)
    assert format_date(None) == "[●]"
    assert format_date(dt.date(2025, 5, 1)) == "1 May 2025"
    assert Marking(final=True, date=dt.date(2025, 5, 1)).status() == "FINAL"


def test_an_unknown_draft_date_is_a_placeholder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    result = build(MSECC, out_dir=tmp_path, only=["cjv"])  # type: ignore[list-item]
    assert _header_footer(read(result.written[0]), "header")["default"] == "Draft (0.1) — [●] — subject to contract"


def test_contents_entries_are_written_in_with_a_page_reference_to_a_bookmarked_heading(
    drafts: dict[str, Docx],
) -> None:
    agreement = drafts["cjv"]
    entries = agreement.by_style("TOC1")
    headings = [p for p in agreement.paragraphs if p.style in ("Clause1", "ScheduleTitle") and p.num_id is None]
    body_headings = [p.number + "\t" + p.text for p in agreement.by_style("Clause1") if p.number][:3]
    assert [e.text for e in entries][:3] == body_headings
    bookmarks = {b for p in agreement.paragraphs for b in p.bookmarks}
    document = agreement.parts["word/document.xml"].decode()
    pagerefs = re.findall(r" PAGEREF (_Toc\d+) \\h ", document)
    assert len(pagerefs) == len(entries) >= 24 + 4
    assert set(pagerefs) <= bookmarks
    assert headings  # the schedules' titles are among the bookmarked headings
    assert "updateFields" not in agreement.parts["word/settings.xml"].decode()


def test_signature_lines_align_with_the_text(drafts: dict[str, Docx]) -> None:
    styles = drafts["cjv"].xml("word/styles.xml")
    indents = {}
    for name in ("Signature", "Body1"):
        style = styles.find(f"w:style[@w:styleId='{name}']", NS)
        assert style is not None
        ind = style.find("w:pPr/w:ind", NS)
        assert ind is not None
        indents[name] = ind.get(w("left"))
    assert indents["Signature"] == indents["Body1"] == "720"


def test_pdf_contents_show_page_numbers_and_the_cover_has_no_running_header(tmp_path: Path) -> None:
    import subprocess

    from assembler.assembly import convert_to_pdf

    need_office()
    result = build(_with_draft_date(tmp_path, "2025-03-07"), out_dir=tmp_path / "out", only=["cjv"])  # type: ignore[list-item]
    convert_to_pdf(result.written, tmp_path / "out")
    pdf = result.written[0].with_suffix(".pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    cover, contents, *_ = pages.stdout.split("\f")
    assert "Collaboration Agreement" in cover
    assert "subject to contract" not in cover and "Page" not in cover
    assert "Draft (0.1) — 7 March 2025 — subject to contract" in contents
    assert "MSECC/CJV/0.1" in contents and "Page 2" in contents
    numbered = re.findall(r"^\s*\d+\.\s+\S.*?\.{3,}\s*(\d+)\s*$", contents, re.M)
    assert len(numbered) == 29, contents
    assert [int(n) for n in numbered] == sorted(int(n) for n in numbered) and int(numbered[0]) >= 3
    assert re.search(r"^Schedule 5: Form of Deed of Accession\.{3,}\s*\d+\s*$", contents, re.M), contents
