"""LibreOffice renders every example document: the PDF text shows clause numbers, cross-references and parties."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from assembler.assembly import build, convert_to_pdf
from assembler.model import DocumentKind
from assembler.pack import verify

from .docx_reading import read

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))


def _need_office() -> None:
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install libreoffice-writer-nogui and poppler-utils")
        pytest.skip("LibreOffice or pdftotext not installed")


@pytest.mark.timeout(600)
@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_libreoffice_renders_numbers_references_and_parties(answers: Path, tmp_path: Path) -> None:
    _need_office()
    result = build(answers, out_dir=tmp_path)
    message = convert_to_pdf(result.written, tmp_path)
    assert "PDF written" in message
    for composed, path in zip(result.documents, result.written, strict=True):
        pdf = path.with_suffix(".pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 2  # type: ignore[union-attr]
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        flat = " ".join(text.split())
        doc = read(path)
        # the numbers Word would show are the numbers LibreOffice laid out
        numbers = [p.number for p in doc.paragraphs if p.number and p.style.startswith("Clause")]
        assert "1.1" in numbers
        for number in dict.fromkeys(numbers):
            assert re.search(rf"(^|\s){re.escape(number)}\s", text, re.M), f"{path.name}: {number} not in the PDF"
        # cross-references show the target's number
        for p in doc.paragraphs:
            for _target, cached in p.refs:
                assert cached in flat, f"{path.name}: reference {cached} not in the PDF"
        for party in composed.cover["parties"]:
            assert " ".join(party.split()) in flat, f"{path.name}: {party} missing"
        if composed.kind is DocumentKind.CJV:
            # one list style: items are (a), (b)... in the schedules as in the body, and sub-items (i), (ii)...
            schedules = text[text.rindex("Schedule 1: ") :]  # the title (the contents line comes first)
            assert re.search(r"^\s*\(a\)\s", text[: len(text) - len(schedules)], re.M), "no (a) in the body"
            assert re.search(r"^\s*\(a\)\s", schedules, re.M), "no (a) in the schedules"
            assert re.search(r"^\s*\(i\)\s", text, re.M), "no (i)-level number in the agreement"


@pytest.mark.timeout(300)
def test_pdfs_join_the_pack_and_never_write_through_a_link(tmp_path: Path) -> None:
    _need_office()
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (out / "msecc-dispute-resolution-annex.pdf").symlink_to(victim)
    result = build(ROOT / "answers" / "msecc.yaml", out_dir=out, only=[DocumentKind.DRA], pdf=True)
    assert victim.read_text() == "precious"
    assert result.pdfs == [out / "msecc-dispute-resolution-annex.pdf"]
    assert not result.pdfs[0].is_symlink() and result.pdfs[0].read_bytes().startswith(b"%PDF-")
    assert verify(out) == []


def test_board_papers_get_their_pdfs_beside_them(tmp_path: Path) -> None:
    _need_office()
    out = tmp_path / "out"
    result = build(ROOT / "answers" / "nottingham.yaml", out_dir=out, only=[DocumentKind.MOU], papers=True, pdf=True)
    assert result.papers
    for paper in result.papers:
        pdf = paper.with_suffix(".pdf")
        assert pdf in result.pdfs and pdf.read_bytes().startswith(b"%PDF-")
    assert verify(out) == []
