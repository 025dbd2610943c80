"""The review round trip: the library as a Word file for lawyers, and their tracked changes brought back."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from assembler.errors import StaleReviewError
from assembler.library import load_library
from assembler.lint import lint_library, read_lock
from assembler.review import import_review, write_review_pack

from .docx_reading import check_package, read, w
from .optional_tools import need_office

ROOT = Path(__file__).resolve().parent.parent
HOUSE = ROOT / "templates" / "house.docx"


@pytest.fixture(scope="module")
def whole_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review") / "review-pack.docx"
    path.write_bytes(write_review_pack(load_library(), HOUSE))
    return path


def _library(tmp_path: Path) -> Path:
    root = tmp_path / "clause_library"
    shutil.copytree(ROOT / "clause_library", root)
    return root


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _control(document: etree._Element, clause_id: str) -> etree._Element:
    for sdt in document.iter(w("sdt")):
        tag = sdt.find(f"{w('sdtPr')}/{w('tag')}")
        if tag is not None and tag.get(w("val"), "").startswith(f"assembler:{clause_id}:"):
            return sdt
    raise AssertionError(f"no control for {clause_id}")


def _track(run: etree._Element, old: str, new: str) -> None:
    """Replace ``old`` in ``run`` by ``new`` as a reviewer would in Word: the run deleted, its new wording inserted."""
    text = "".join(t.text or "" for t in run.iter(w("t")))
    assert old in text, text
    inserted = etree.fromstring(etree.tostring(run))
    for t in inserted.iter(w("t")):
        t.text = (t.text or "").replace(old, new)
    for t in run.iter(w("t")):
        t.tag = w("delText")
    deletion = etree.Element(w("del"), {w("id"): "901", w("author"): "Reviewer", w("date"): "2025-01-01T00:00:00Z"})
    insertion = etree.Element(w("ins"), {w("id"): "902", w("author"): "Reviewer", w("date"): "2025-01-01T00:00:00Z"})
    parent = run.getparent()
    assert parent is not None
    parent.replace(run, deletion)
    deletion.append(run)
    deletion.addnext(insertion)
    insertion.append(inserted)


def _edited(pack: Path, out: Path, edit: object) -> Path:
    with zipfile.ZipFile(pack) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    document = etree.fromstring(parts["word/document.xml"])
    edit(document)  # type: ignore[operator]
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    out.write_bytes(buffer.getvalue())
    return out


def _run_with(control: etree._Element, text: str) -> etree._Element:
    return next(r for r in control.iter(w("r")) if text in "".join(t.text or "" for t in r.iter(w("t"))))


def test_the_review_pack_of_the_whole_library_holds_every_clause_once(whole_pack: Path) -> None:
    import docx

    document = docx.Document(str(whole_pack))  # python-docx opens it
    assert any("Clause library review pack" in p.text for p in document.paragraphs)
    tags = [t.get(w("val")) for t in document.element.body.iter(w("tag"))]
    library = load_library()
    assert sorted(t.split(":")[1] for t in tags) == sorted(library.clauses)
    headings = {p.text.split(" · ")[0] for p in document.paragraphs if p.style.name == "ReviewClause"}
    assert headings == set(library.clauses)
    assert check_package(read(whole_pack)) == []
    assert write_review_pack(library, HOUSE) == whole_pack.read_bytes()  # deterministic


def test_the_pack_shows_fields_conditions_guidance_and_sources_in_plain_english(whole_pack: Path) -> None:
    text = "\n".join(p.text for p in read(whole_pack).paragraphs)
    assert "«the Collaborative's name»" in text
    assert "⟦When the legal form is a joint committee:⟧" in text or "the legal form is a joint committee" in text
    assert "Guidance: The initial term comes from" in text
    assert "Sources: NHS Act 2006" in text
    document = etree.fromstring(zipfile.ZipFile(whole_pack).read("word/document.xml"))
    fields = [r for r in document.iter(w("r")) if "".join(r.itertext()) == "«the Collaborative's name»"]
    assert fields and all(r.find(f"{w('rPr')}/{w('highlight')}") is not None for r in fields)


def test_one_document_s_pack_holds_only_its_clauses() -> None:
    library = load_library()
    data = write_review_pack(library, HOUSE, document=next(iter(library.documents)))
    document = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    ids = {t.get(w("val")).split(":")[1] for t in document.iter(w("tag"))}
    assert ids and ids < set(library.clauses)


def test_libreoffice_opens_the_review_pack(whole_pack: Path, tmp_path: Path) -> None:
    need_office()
    subprocess.run(
        [
            *("soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf"),
            *("--outdir", str(tmp_path), str(whole_pack)),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "review-pack.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    missing = [c for c in load_library().clauses if f"{c} · version" not in text]
    assert missing == []


def test_an_untouched_pack_changes_no_file(tmp_path: Path) -> None:
    root = _library(tmp_path)
    pack = tmp_path / "pack.docx"
    pack.write_bytes(write_review_pack(load_library(root), HOUSE))
    before = _files(root)
    result = import_review(pack, root, HOUSE)
    assert (result.changes, result.held, result.missing) == ([], [], [])
    assert _files(root) == before


def test_a_tracked_prose_change_is_applied_with_a_version_bump_and_a_field_change_is_reported(tmp_path: Path) -> None:
    root = _library(tmp_path)
    pack = tmp_path / "pack.docx"
    pack.write_bytes(write_review_pack(load_library(root), HOUSE))
    old_version = load_library(root).clauses["cjv.term"].meta.version

    def edit(document: etree._Element) -> None:
        control = _control(document, "cjv.term")
        _track(_run_with(control, "takes effect on the "), "takes effect on", "comes into force on")
        _track(_run_with(control, "«the term's review months»"), "review months", "review period")

    reviewed = _edited(pack, tmp_path / "reviewed.docx", edit)
    result = import_review(reviewed, root, HOUSE)

    [change] = result.changes
    assert change.clause_id == "cjv.term" and change.old_version == old_version
    assert any(line.startswith("+") and "comes into force on" in line for line in change.diff)
    clause = load_library(root).clauses["cjv.term"]
    assert "This [[Agreement]] comes into force on the [[Commencement Date]]{% if provisions." in clause.body
    assert "{{ term.review_months }}" in clause.body  # the field is untouched...
    assert [(h.clause, h.what) for h in result.held] == [("cjv.term", "field")]  # ...and reported
    assert clause.meta.version == change.new_version != old_version
    assert read_lock(root / "versions.lock")["cjv.term"] == {"version": clause.meta.version, "hash": clause.text_hash}
    assert [p for p in lint_library(root).problems if p.where == "version"] == []


def test_a_stale_pack_is_refused_whole_naming_its_clauses(tmp_path: Path) -> None:
    root = _library(tmp_path)
    pack = tmp_path / "pack.docx"
    pack.write_bytes(write_review_pack(load_library(root), HOUSE))
    term = root / "cjv" / "term.clause"
    term.write_text(term.read_text().replace('version: "', 'version: "9', 1))  # 1.1 becomes 91.1
    before = _files(root)
    with pytest.raises(StaleReviewError) as raised:
        import_review(pack, root, HOUSE)
    assert any("cjv.term" in line and "91." in line for line in raised.value.lines())
    assert _files(root) == before
    command = [sys.executable, "-m", "assembler", "clauses", "import-review", str(pack), "--library", str(root)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "cjv.term" in done.stderr and "Traceback" not in done.stderr


def test_a_paragraph_split_and_a_deleted_sentence_are_applied_as_text(tmp_path: Path) -> None:
    root = _library(tmp_path)
    pack = tmp_path / "pack.docx"
    pack.write_bytes(write_review_pack(load_library(root), HOUSE))

    def edit(document: etree._Element) -> None:  # the paragraph split after "the Collaborative", reworded
        run = _run_with(_control(document, "cjv.term"), ", and shall report its recommendation to each Party.")
        paragraph = run.getparent()
        assert paragraph is not None
        second = etree.fromstring(etree.tostring(paragraph))
        for child in [c for c in second if c.tag == w("r")]:
            second.remove(child)
        new_run = etree.fromstring(etree.tostring(run))
        next(new_run.iter(w("t"))).text = "The Board shall report its recommendation to each Party."
        second.append(new_run)
        next(run.iter(w("t"))).text = "."
        paragraph.addnext(second)

    result = import_review(_edited(pack, tmp_path / "reviewed.docx", edit), root, HOUSE)
    assert [c.clause_id for c in result.changes] == ["cjv.term"] and result.held == []
    body = load_library(root).clauses["cjv.term"].body
    assert "or end the [[Collaborative]]. [#renewal]\n## The Board shall report its recommendation" in body


def test_import_review_prints_each_clause_s_diff(tmp_path: Path) -> None:
    root = _library(tmp_path)
    pack = tmp_path / "pack.docx"
    pack.write_bytes(write_review_pack(load_library(root), HOUSE))
    reviewed = _edited(
        pack,
        tmp_path / "reviewed.docx",
        lambda d: _track(_run_with(_control(d, "cjv.term"), "takes effect on"), "takes effect", "starts"),
    )
    command = [sys.executable, "-m", "assembler", "clauses", "import-review", str(reviewed), "--library", str(root)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (
        "+## This [[Agreement]] starts on the [[Commencement Date]]{% if provisions.conditions_precedent" in done.stdout
    )
    before = load_library(ROOT / "clause_library").clauses["cjv.term"].meta.version
    major, minor = before.split(".")
    assert f"cjv.term {before} → {major}.{int(minor) + 1}" in done.stdout


def test_loop_variables_read_as_what_they_stand_for() -> None:
    from assembler.rendering import make_environment
    from assembler.review._labels import Labeller

    labels = Labeller(make_environment())
    assert labels.field("p.kind") == "the party's kind"
    assert labels.field("b.name") == "the body's name"
    assert labels.field("d.function") == "the delegation's function"
