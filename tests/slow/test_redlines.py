"""Slow CI step: redlines over every example for every single edit (tests/redline_edits.py: 23 answer edits, a
clause version bump and a moved clause, each in a copy of the library). Each redline's Accept All reads as the new
build and its Reject All as the old one (from the XML, numbers as Word computes them); LibreOffice opens every
redline in one batched call and its PDF shows the inserted words; openxml-audit finds 0 errors in them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from assembler.assembly import BuildResult, build
from assembler.library import load_library

from ..docx_reading import w
from ..redline_checks import compare_builds, redline_problems
from ..redline_edits import ANSWER_EDITS, clause_bumped, clause_moved, edited_answers, library_copy

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))
SUPPRESSIONS = Path(__file__).with_name("ooxml_suppressions.toml")
MINIMUM_EDITS = 20


@pytest.fixture(scope="module")
def libraries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The two edited copies of the clause library, loaded once."""
    bumped = library_copy(tmp_path_factory.mktemp("bumped") / "library")
    clause_bumped(bumped)
    moved = library_copy(tmp_path_factory.mktemp("moved") / "library")
    clause_moved(moved)
    return {"clause_bumped": load_library(bumped), "clause_moved": load_library(moved)}


@dataclass
class Matrix:
    """Every example's edits compared with its first build: the problems found, how many edits changed a
    document, and the folder holding every redline."""

    folder: Path
    problems: dict[str, list[str]] = field(default_factory=dict)
    effective: dict[str, int] = field(default_factory=dict)


def _edits(example: Path, folder: Path, libraries: dict[str, Any]) -> Iterator[tuple[str, BuildResult]]:
    for name in ANSWER_EDITS:
        if name == "threshold" and "legal_form: mou_only" in example.read_text(encoding="utf-8"):
            continue  # under an MoU alone bodies decide by consensus (rule R15): there is no threshold to change
        yield name, build(edited_answers(example, name, folder / f"{name}.yaml"), out_dir=folder / name)
    for name, library in libraries.items():
        yield name, build(example, out_dir=folder / name, library=library)


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory, libraries: dict[str, Any]) -> Matrix:
    """All the redlines, made once for the module (each test of the step reads them; run with ``-n 0``, as
    .ci/run does, so that they are made once)."""
    result = Matrix(tmp_path_factory.mktemp("redlines"))
    for example in EXAMPLES:
        work = tmp_path_factory.mktemp(example.stem)
        old = build(example, out_dir=work / "old")
        problems: list[str] = []
        effective = 0
        for name, new in _edits(example, work, libraries):
            comparison = compare_builds(old, new)
            (work / f"check-{name}").mkdir()
            problems += [f"{name}: {p}" for p in redline_problems(old, new, comparison, work / f"check-{name}")]
            # An edit may change nothing in a pack (reserved matters under an MoU alone): its documents are then
            # checked to read exactly as before, and it does not count towards the edits required.
            effective += any(d.status != "unchanged" for d in comparison.documents)
            for doc in comparison.documents:
                if doc.data is not None:
                    (result.folder / f"{example.stem}-{name}-{doc.kind.value}.docx").write_bytes(doc.data)
        result.problems[example.stem], result.effective[example.stem] = problems, effective
    return result


@pytest.mark.timeout(1200)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_edit_gives_a_redline_that_accepts_to_the_new_and_rejects_to_the_old(
    example: Path, matrix: Matrix
) -> None:
    assert matrix.problems[example.stem] == []
    assert matrix.effective[example.stem] >= MINIMUM_EDITS, (
        f"only {matrix.effective[example.stem]} edits changed a document"
    )


def _changed_phrases(path: Path) -> list[str]:
    """What the redline inserts, phrase by phrase (what it deletes, for a redline that only deletes)."""
    document = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    inserted = ["".join(t.text or "" for t in ins.iter(w("t"))) for ins in document.iter(w("ins"))]
    deleted = ["".join(t.text or "" for t in d.iter(w("delText"))) for d in document.iter(w("del"))]
    return [p for p in inserted if re.search(r"\w", p)] or [p for p in deleted if re.search(r"\w", p)]


def _shown(phrase: str, text: str) -> bool:
    """Whether the PDF's text (squeezed) shows the phrase: whole, or word by word in order, each within a few
    hundred characters of the one before (a page break puts the header and footer in between)."""
    if _squeezed(phrase) in text:
        return True
    words = [w for w in (_squeezed(part) for part in phrase.split()) if w]
    if not words:
        return True
    start = text.find(words[0])
    while start >= 0:  # try each place the first word appears ("A" appears everywhere)
        at = start + len(words[0])
        for word in words[1:]:
            found = text.find(word, at)
            if found < 0 or found - at > 400:
                break
            at = found + len(word)
        else:
            return True
        start = text.find(words[0], start + 1)
    return False


def _squeezed(text: str) -> str:
    """Text without whitespace and hyphens (a table cell may break a line at "Sub-Committee"), quotes straight."""
    text = text.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


@pytest.mark.timeout(1500)
def test_libreoffice_opens_every_redline_and_shows_the_inserted_text(matrix: Matrix) -> None:
    files = sorted(matrix.folder.glob("*.docx"))
    assert len(files) > 100
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice and pdftotext are needed in CI")
        pytest.skip("LibreOffice or pdftotext is not installed")
    pdfs = matrix.folder / "pdf"
    pdfs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="assembler-lo-") as profile:
        command = [office, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--convert-to", "pdf"]
        for start in range(0, len(files), 60):  # one LibreOffice run for hundreds of files may stop part way
            chunk = files[start : start + 60]
            subprocess.run(
                [*command, "--outdir", str(pdfs), *map(str, chunk)], check=True, capture_output=True, timeout=1400
            )
    problems = []
    for path in files:
        pdf = pdfs / (path.stem + ".pdf")
        if not pdf.is_file():
            problems.append(f"{path.name}: LibreOffice made no PDF")
            continue
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        shown = _squeezed(text)
        expected = _changed_phrases(path)
        missing = [p for p in expected if not _shown(p, shown)]
        # LibreOffice works REF fields out again on layout, so a cross-reference's number may differ from the one
        # written into a phrase: one phrase in ten (at least one, where there are two or more) may go unfound.
        allowed = max(1, len(expected) // 10) if len(expected) > 1 else 0
        if not expected or len(missing) > allowed:
            problems.append(
                f"{path.name}: {len(missing)} of {len(expected)} changed words not in the PDF: {sorted(missing)[:8]}"
            )
    assert problems == [], "\n".join(problems)


@pytest.mark.timeout(900)
def test_openxml_audit_finds_no_errors_in_the_redlines(matrix: Matrix) -> None:
    from openxml_audit import FileFormat, OpenXmlValidator

    from .test_ooxml_valid import _errors

    files = sorted(matrix.folder.glob("*.docx"))
    assert len(files) > 100
    validator = OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=0, security_validation=True)
    errors = [line for path in files for line in _errors(validator, path)]
    assert errors == [], f"{len(errors)} OOXML errors:\n" + "\n".join(errors[:50])
