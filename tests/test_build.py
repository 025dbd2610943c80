"""The build: five documents read back with python-docx/lxml — numbering, cross-references, definitions, escaping,
placeholders, execution blocks, package structure, provenance and byte-identical rebuilds."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from assembler.assembly import FindingsError, build
from assembler.cli import main
from assembler.model import DocumentKind

from .docx_reading import Docx, check_package, read, w

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))
FIXTURES = ROOT / "tests" / "fixtures" / "build"
MSECC = ROOT / "answers" / "msecc.yaml"


@pytest.fixture(scope="module")
def msecc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Docx]:
    out = tmp_path_factory.mktemp("msecc")
    result = build(MSECC, out_dir=out)
    return {c.kind.value: read(p) for c, p in zip(result.documents, result.written, strict=True)}


@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_builds_sound_documents(answers: Path, tmp_path: Path) -> None:
    result = build(answers, out_dir=tmp_path)
    loaded = result.documents
    assert result.written, "nothing was built"
    report = json.loads((tmp_path / "assembly-report.json").read_text())
    for composed, path in zip(loaded, result.written, strict=True):
        assert path.is_file()
        doc = read(path)
        assert check_package(doc) == []
        text = doc.text()
        assert "{{" not in text and "{%" not in text
        for part in (n for n in doc.parts if n.startswith("word/header") or n.startswith("word/footer")):
            assert b"{{" not in doc.parts[part]
        entry = next(d for d in report["documents"] if d["kind"] == composed.kind.value)
        assert entry["broken_references"] == []
        assert docx.Document(str(path)).paragraphs  # python-docx opens it


def test_msecc_builds_all_five_documents(msecc: dict[str, Docx]) -> None:
    assert sorted(msecc) == sorted(k.value for k in DocumentKind)


def test_numbering_levels_follow_the_markup(msecc: dict[str, Docx]) -> None:
    agreement = msecc["cjv"]
    levels = {p.style: p.ilvl for p in agreement.paragraphs if p.style.startswith("Clause")}
    assert levels["Clause1"] == 0 and levels["Clause2"] == 1 and levels["Clause4"] == 3 and levels["Clause5"] == 4
    numbers = [p.number for p in agreement.paragraphs if p.number]
    assert "1." in numbers and "1.1" in numbers
    assert "(a)" in numbers and "(i)" in numbers
    recitals = [p.number for p in agreement.by_style("Recital")]
    assert recitals[:2] == ["(A)", "(B)"]
    assert [p.number for p in agreement.by_style("PartyItem")] == ["(1)", "(2)", "(3)"]


def test_body_and_schedules_share_one_list_and_one_list_style(msecc: dict[str, Docx]) -> None:
    """Every numbered paragraph, in the body and in each schedule, is on the one legal list; the items of a list
    (after a lead-in ending ":") are (a), (b)... in the schedules as in the body, never 1.1.1."""
    agreement = msecc["cjv"]
    numbering = agreement.xml("word/numbering.xml")
    abstract = {
        n.get(w("numId")): n.find(w("abstractNumId")).get(w("val"))  # type: ignore[union-attr]
        for n in numbering.iter(w("num"))
    }
    numbered = [p for p in agreement.paragraphs if p.style.startswith("Clause")]
    assert {abstract[str(p.num_id)] for p in numbered} == {"1"}
    items: dict[bool, set[int | None]] = {False: set(), True: set()}
    in_schedule = False
    previous = None
    for p in agreement.paragraphs:
        in_schedule = in_schedule or p.style == "ScheduleTitle"
        if not p.style.startswith("Clause"):
            continue
        if previous is not None and previous.ilvl == 1 and previous.text.rstrip().endswith(":") and p.ilvl != 1:
            items[in_schedule].add(p.ilvl)  # the first item of a list under a 1.1 paragraph
        previous = p
    assert items[False] == {3} and items[True] == {3}, items
    assert not [p.number for p in numbered if p.number.count(".") == 2]


def test_schedules_restart_numbering(msecc: dict[str, Docx]) -> None:
    agreement = msecc["cjv"]
    seen_schedule = False
    first_after: str | None = None
    for p in agreement.paragraphs:
        if p.style == "ScheduleTitle":
            seen_schedule = True
            first_after = None
        elif seen_schedule and p.style == "Clause1" and first_after is None:
            first_after = p.number
            assert first_after == "1.", f"schedule numbering does not restart: {first_after}"
    assert seen_schedule


def test_cross_reference_cached_numbers_equal_target_numbers(msecc: dict[str, Docx]) -> None:
    checked = 0
    for kind, doc in msecc.items():
        numbers = {name: p.number for p in doc.paragraphs for name in p.bookmarks}
        for p in doc.paragraphs:
            for target, cached in p.refs:
                expected = numbers[target].rstrip(".")
                if p.element is not None and cached != expected:
                    # a reference into a (a)-level item carries its parent's number: 1.2.3(a)
                    assert cached.endswith(expected), f"{kind}: REF {target} shows {cached}, target is {expected}"
                checked += 1
    assert checked > 0


def test_definitions_are_the_terms_used_alphabetical(msecc: dict[str, Docx], tmp_path: Path) -> None:
    build(MSECC, out_dir=tmp_path, only=[DocumentKind.CJV])
    report = json.loads((tmp_path / "assembly-report.json").read_text())
    terms = report["documents"][0]["defined_terms"]
    agreement = msecc["cjv"]
    defined = [p.text.split("\u201d")[0].lstrip("\u201c") for p in agreement.by_style("Definition")]
    assert defined == terms
    assert defined == sorted(defined, key=str.casefold)
    body = "\n".join(p.text for p in agreement.paragraphs if p.style != "Definition")
    definitions = {p.text.split("\u201d")[0].lstrip("\u201c"): p.text for p in agreement.by_style("Definition")}
    for term in defined:
        others = "\n".join(text for name, text in definitions.items() if name != term)
        assert term in body or term in others, f"{term} is defined but never used"


def test_placeholders_are_highlighted_and_reported(msecc: dict[str, Docx], tmp_path: Path) -> None:
    agreement = msecc["cjv"]
    highlighted = [t for p in agreement.paragraphs for t in p.highlighted]
    assert highlighted and set(highlighted) == {"[●]"}
    assert "[●]" not in "".join(p.text.replace("[●]", "") for p in agreement.paragraphs)
    build(MSECC, out_dir=tmp_path, only=[DocumentKind.CJV])
    report = json.loads((tmp_path / "assembly-report.json").read_text())
    placeholders = report["documents"][0]["placeholders"]
    assert "collaborative.effective_date" in placeholders
    assert any(p.startswith("parties[") and p.endswith(".address") for p in placeholders)


def test_hostile_text_is_printed_literally(tmp_path: Path) -> None:
    result = build(FIXTURES / "answers_hostile.yaml", out_dir=tmp_path)
    for path in result.written:
        doc = read(path)
        assert check_package(doc) == []
        text = doc.text()
        assert 'Smith & Jones <Health> "NHS" Foundation Trust' in text
    mou = read(next(p for p in result.written if "memorandum" in p.name))
    text = mou.text()
    assert "{{ 7*7 }}" in text and "49" not in text
    agreement = read(next(p for p in result.written if "agreement" in p.name))
    assert "Provide [[ref:cjv.term]] **CIC** {{ 7*7 }} {% if x %}" in agreement.text()
    # answers never become notes, headings or page breaks
    notes = " ".join(p.text for p in mou.by_style("DraftingNote"))
    assert "this is an answer" not in notes
    assert not any(p.text.startswith("# heading") and p.style.startswith("Clause1") for p in mou.paragraphs)


EXECUTION_PHRASES = {
    "Example Hospitals NHS Trust": "paragraph 33 of Schedule 4",
    "Example NHS Foundation Trust": "paragraph 29 of Schedule 7",
    "Example Community Interest Company": "section 44(2)(a) of the Companies Act 2006",
    "Example Services Limited": "section 44(2)(a) of the Companies Act 2006",
    "Example County Council": "common seal of Example County Council",
    "Example Integrated Care Board": "in accordance with its constitution",
}


def test_execution_blocks_fit_each_party_kind_and_form(tmp_path: Path) -> None:
    result = build(FIXTURES / "answers_all_kinds.yaml", out_dir=tmp_path, only=[DocumentKind.CJV, DocumentKind.MOU])
    agreement = read(next(p for p in result.written if "agreement" in p.name)).text()
    execution = agreement[agreement.rindex("EXECUTION") :]
    assert "has been executed as a deed" in execution
    starts = sorted((execution.index(name), name) for name in EXECUTION_PHRASES)
    for (start, name), (end, _next) in zip(starts, [*starts[1:], (len(execution), "")], strict=True):
        block = execution[start - 80 if start > 80 else 0 : end]
        assert EXECUTION_PHRASES[name] in block, f"{name}: {EXECUTION_PHRASES[name]!r} missing from its block"
    signatures = agreement.count("." * 60)
    assert signatures >= 2 * 7
    mou = read(next(p for p in result.written if "memorandum" in p.name)).text()
    assert "Signed for and on behalf of Example Hospitals NHS Trust" in mou
    assert "executed as a deed" not in mou.lower().replace("not executed as a deed", "")


def test_parties_are_described_by_legal_kind(tmp_path: Path) -> None:
    result = build(FIXTURES / "answers_all_kinds.yaml", out_dir=tmp_path, only=[DocumentKind.CJV])
    parties = [p.text for p in read(result.written[0]).by_style("PartyItem")]
    assert "an NHS trust established under the National Health Service Act 2006" in parties[0]
    assert "1 High Street, Exampletown" in parties[0]
    assert "section 30 of the National Health Service Act 2006" in parties[1]
    assert "community interest company" in parties[2] and "01234567" in parties[2]
    assert "local authority" in parties[4]


def test_clean_copy_has_no_drafting_notes(tmp_path: Path) -> None:
    result = build(MSECC, out_dir=tmp_path, clean=True)
    for path in result.written:
        assert path.name.endswith("-clean.docx")
        doc = read(path)
        assert doc.by_style("DraftingNote") == []
        assert "Points from the governance check" not in doc.text()
    noted = build(MSECC, out_dir=tmp_path / "noted", only=[DocumentKind.CJV])
    assert read(noted.written[0]).by_style("DraftingNote")


def test_provenance_in_document_properties(msecc: dict[str, Docx]) -> None:
    agreement = msecc["cjv"]
    custom = agreement.parts["docProps/custom.xml"].decode()
    digest = hashlib.sha256(MSECC.read_bytes()).hexdigest()
    assert digest in custom
    assert "assembler.library_version" in custom
    assert "cjv.term@" in custom
    core = docx.Document(str(agreement.path)).core_properties
    assert core.title and "Mid and South Essex Community Collaborative" in core.title
    assert core.subject == "Collaboration Agreement"


def test_contents_entries_and_no_update_fields(msecc: dict[str, Docx]) -> None:
    agreement = msecc["cjv"]
    document = agreement.parts["word/document.xml"].decode()
    assert "PAGEREF _Toc00000001" in document
    entries = [p.text for p in agreement.by_style("TOC1")] or [p.text for p in agreement.by_style("TOC 1")]
    headings = [p.number + "\t" + p.text for p in agreement.by_style("Clause1") if p.number][:3]
    assert entries[: len(headings)] == headings or entries
    assert b"updateFields" not in agreement.parts["word/settings.xml"]


def _hash_dir(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir()) if p.is_file()}


def test_rebuilds_are_byte_identical(tmp_path: Path) -> None:
    hashes = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "assembler", "build", str(MSECC), "--out", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        hashes.append(_hash_dir(out))
    assert hashes[0] == hashes[1]
    with zipfile.ZipFile(next((tmp_path / "1").glob("*.docx"))) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_rule_errors_stop_the_build_and_keep_earlier_outputs(tmp_path: Path) -> None:
    build(MSECC, out_dir=tmp_path)
    before = _hash_dir(tmp_path)
    broken = tmp_path / "broken.yaml"
    broken.write_text(MSECC.read_text().replace("legal_form: cjv", "legal_form: committees_in_common"))
    with pytest.raises(FindingsError) as info:
        build(broken, out_dir=tmp_path)
    assert any(f.rule == "R1" for f in info.value.findings)
    after = _hash_dir(tmp_path)
    after.pop("broken.yaml")
    assert after == before


def test_a_failure_mid_build_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(MSECC, out_dir=tmp_path)
    before = _hash_dir(tmp_path)
    import assembler.assembly as assembly

    calls = {"n": 0}
    real = assembly.write_docx

    def failing(*args: object, **kwargs: object) -> bytes:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(assembly, "write_docx", failing)
    with pytest.raises(RuntimeError):
        build(MSECC, out_dir=tmp_path)
    assert _hash_dir(tmp_path) == before


def test_cli_build_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["build", str(MSECC), "--out", str(tmp_path / "ok"), "--only", "cjv,tor"])
    assert ok.exit_code == 0, ok.output
    assert "collaboration-agreement.docx" in ok.output and "placeholder" in ok.output
    assert len(list((tmp_path / "ok").glob("*.docx"))) == 2
    missing = runner.invoke(main, ["build", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "file not found" in missing.output and "Traceback" not in missing.output
    bad_only = runner.invoke(main, ["build", str(MSECC), "--only", "cjv,xyz"])
    assert bad_only.exit_code == 2 and "xyz" in bad_only.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(MSECC.read_text().replace("legal_form: cjv", "legal_form: joint_committee"))
    failed = runner.invoke(main, ["build", str(broken), "--out", str(tmp_path / "no")])
    assert failed.exit_code == 1 and "R1" in failed.output
    assert not (tmp_path / "no").exists()


def _library_copy(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "clause_library"
    shutil.copytree(ROOT / "clause_library", root)
    return root


def test_a_broken_clause_is_reported_with_file_and_line(tmp_path: Path) -> None:
    root = _library_copy(tmp_path)
    clause = root / "cjv" / "term.clause"
    text = clause.read_text()
    lines = text.splitlines()
    body_start = lines.index("---") + 1
    lines.insert(body_start + 1, "## This refers to {{ collaborative.nmae }}.")
    clause.write_text("\n".join(lines) + "\n")
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(MSECC), "--library", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    message = result.output.strip().splitlines()[-1]
    assert f"term.clause:{body_start + 2}" in message and "cjv.term" in message and "nmae" in message
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_syntax_error_in_a_clause_names_its_line(tmp_path: Path) -> None:
    root = _library_copy(tmp_path)
    clause = root / "cjv" / "term.clause"
    lines = clause.read_text().splitlines()
    body_start = lines.index("---") + 1
    lines.insert(body_start, "{% if legal_form %}")
    clause.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["build", str(MSECC), "--library", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "term.clause:" in result.output and "template syntax" in result.output


def test_pdf_without_libreoffice_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import assembler.assembly as assembly

    monkeypatch.setattr(assembly.shutil, "which", lambda name: None)
    result = CliRunner().invoke(main, ["build", str(MSECC), "--out", str(tmp_path), "--only", "dra", "--pdf"])
    assert result.exit_code == 0, result.output
    assert "PDF not made: LibreOffice is not installed" in result.output
    assert list(tmp_path.glob("*.docx")) and not list(tmp_path.glob("*.pdf"))


def test_an_edited_clause_is_never_served_from_the_cache(tmp_path: Path) -> None:
    from assembler.library import load_library

    root = _library_copy(tmp_path)
    first = load_library(root)
    again = load_library(root)
    assert again.clauses["cjv.term"].body == first.clauses["cjv.term"].body
    clause = root / "cjv" / "term.clause"
    clause.write_text(clause.read_text().replace("takes effect on", "starts on"))
    edited = load_library(root)
    assert "starts on" in edited.clauses["cjv.term"].body


def test_restyling_the_house_template_in_word_changes_the_drafts_with_no_code_change(tmp_path: Path) -> None:
    """Maintainers edit templates/house.docx in Word: a different body font there is the drafts' font."""
    import shutil
    import zipfile

    from assembler.lint.checks import house_template_problems

    house = ROOT / "templates" / "house.docx"
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(ROOT / "templates" / "paper.docx", templates)  # the board papers' own template, unchanged
    with zipfile.ZipFile(house) as source, zipfile.ZipFile(templates / "house.docx", "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/styles.xml":
                assert b'w:ascii="Arial"' in data
                data = data.replace(b'"Arial"', b'"Georgia"')
            target.writestr(item, data)
    assert house_template_problems(templates / "house.docx") == []
    result = build(ROOT / "answers" / "msecc.yaml", out_dir=tmp_path / "out", templates=templates)
    drafts = [path for path in result.written if path.parent.name != "papers"]
    assert len(drafts) >= 4
    for path in drafts:
        styles = read(path).parts["word/styles.xml"].decode()
        assert 'w:ascii="Georgia"' in styles and "Arial" not in styles, path.name
    assert house_template_problems(house) == []
    styles = read(house).parts["word/styles.xml"]
    assert b"Clause1" in styles and b"DraftingNote" in styles and len(styles) < 40_000


SPARSE = """format_version: 2
collaborative:
  name: Sparse Collaborative
legal_form: {form}
parties:
  - {{short_name: A, name: Alpha NHS Trust, kind: nhs_trust}}
  - {{short_name: B, name: Beta NHS Foundation Trust, kind: nhs_foundation_trust, roles: [{roles}]}}
bodies:
  - id: board
    name: Joint Board
    members:
      - {{party: A, role: Chief Executive, board_director: true}}
      - {{party: B, role: Chief Executive, board_director: true}}
documents:
  cjv: {{produce: {cjv}}}
"""


@pytest.mark.parametrize("form", ["mou_only", "cjv", "lead_provider", "committees_in_common", "joint_committee"])
def test_answers_with_most_facts_unknown_still_build(form: str, tmp_path: Path) -> None:
    roles = "member, host, lead_provider" if form == "lead_provider" else "member, host"
    answers = tmp_path / "sparse.yaml"
    answers.write_text(SPARSE.format(form=form, roles=roles, cjv="false" if form == "mou_only" else "true"))
    result = build(answers, out_dir=tmp_path / "out")
    assert len(result.written) == (4 if form == "mou_only" else 5)
    report = json.loads((tmp_path / "out" / "assembly-report.json").read_text())
    for entry, path in zip(report["documents"], result.written, strict=True):
        assert entry["broken_references"] == []
        assert entry["placeholders"], "unknown facts should show as [●] gaps"
        text = read(path).text()
        assert "{{" not in text and "{%" not in text


def test_documents_switched_off_are_named_not_built(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(ROOT / "answers" / "nottingham.yaml"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "cjv: not built, because documents.cjv.produce is false" in result.output
    assert not list(tmp_path.glob("*agreement*.docx"))


def test_an_output_folder_that_cannot_be_made_is_bad_input(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(main, ["build", str(MSECC), "--out", str(blocker / "out")])
    assert result.exit_code == 2
    assert "cannot create the output folder" in result.output and "--out" in result.output
    assert "Traceback" not in result.output


def test_governance_warnings_go_into_the_drafts_they_concern(msecc: dict[str, Docx]) -> None:
    def notes(kind: str) -> str:
        return "\n".join(p.text for p in msecc[kind].by_style("DraftingNote"))

    assert "R18:" in notes("cjv") and "R18:" not in notes("dra")  # merger control: the agreement only
    assert "R7:" in notes("cjv") and "R7:" in notes("mou") and "R7:" not in notes("dra")


def test_only_the_assembler_process_switches_the_cycle_collector_off(tmp_path: Path) -> None:
    """A build run in a caller's process (a test, a program) leaves its garbage collector as it was; the
    ``assembler`` command, which exits after one pack, switches it off for the build."""
    import gc
    import subprocess
    import sys

    assert gc.isenabled()
    result = CliRunner().invoke(main, ["build", str(MSECC), "--only", "dra", "--no-diagram", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()
    probe = (
        "import gc, sys\nimport assembler.cli as cli\n"
        "real = cli.build_pack\n"
        "def spy(*a, **k):\n    real(*a, **k)\n    print('collector on' if gc.isenabled() else 'collector off')\n"
        "cli.build_pack = spy\nsys.argv = ['assembler', *sys.argv[1:]]\ncli.run()\n"
    )
    args = ["build", str(MSECC), "--only", "dra", "--no-diagram", "--out", str(tmp_path / "p")]
    out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert "collector off" in out.stdout
