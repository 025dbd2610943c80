"""Slow CI step: LibreOffice lays out every board paper of every example (and the governors' papers of a
significant transaction) in two to four pages, and openxml-audit finds 0 errors in them.

All the papers are converted in one LibreOffice call (about 1 s a paper)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from assembler.assembly import build

from ..optional_tools import need_office
from ..test_papers import EXAMPLES, ROOT
from ..test_papers import significant as as_significant

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every paper of every example, with the joint committee example also as a significant transaction."""
    folder = tmp_path_factory.mktemp("papers")
    found: list[Path] = []
    for answers in EXAMPLES:
        found += build(answers, out_dir=folder / answers.stem, only=[], papers=True).papers
    significant = folder / "significant.yaml"
    significant.write_text(as_significant((ROOT / "answers" / "joint_committee.yaml").read_text()))
    result = build(significant, out_dir=folder / "significant", only=[], papers=True)
    assert any("governors" in p.name for p in result.papers)  # a governors' paper is laid out too
    return found + result.papers


@pytest.mark.timeout(600)
def test_libreoffice_lays_out_every_paper_in_two_to_four_pages(papers: list[Path], tmp_path: Path) -> None:
    need_office()
    profile = (tmp_path / "profile").resolve().as_uri()
    for index, paper in enumerate(papers):  # unique names: every example has its own papers folder
        target = tmp_path / "in" / f"{index:02d}-{paper.name}"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(paper.read_bytes())
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(tmp_path / "pdf"), *sorted((tmp_path / "in").iterdir())],
        check=True,
        capture_output=True,
        timeout=500,
    )
    pages = {}
    for source in sorted((tmp_path / "in").iterdir()):
        pdf = tmp_path / "pdf" / f"{source.stem}.pdf"
        assert pdf.is_file(), f"LibreOffice did not convert {source.name}"
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        pages[source.name] = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "is asked to" in text and "Key terms" in text, source.name
    print("\n".join(f"{name}: {n} pages" for name, n in pages.items()))
    assert {name: n for name, n in pages.items() if not 2 <= n <= 4} == {}


@pytest.mark.timeout(600)
def test_every_paper_is_valid_ooxml(papers: list[Path]) -> None:
    from openxml_audit import FileFormat, OpenXmlValidator

    from .test_ooxml_valid import _errors, validator  # noqa: F401  # the step's validator and suppressions

    audit = OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=0, security_validation=True)
    errors = [line for paper in papers for line in _errors(audit, paper)]
    assert errors == [], "\n".join(errors[:50])
