"""Template maintainers' tools: `assembler clauses list|show|preview|lint|matrix|coverage`."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result

from assembler.cli import main
from assembler.lint import HOUSE_TAGS

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "fixtures" / "library_bad" / "clause_library"
MSECC = ROOT / "answers" / "msecc.yaml"
JOINT = ROOT / "answers" / "joint_committee.yaml"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["clauses", *map(str, args)], env={"COLUMNS": "250"})


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A small valid library: a body clause with its own cross-references, and a part repeated per body."""
    root = tmp_path / "clause_library"
    write(root / "library.yaml", 'name: small\nversion: "0.1"\n')
    write(
        root / "documents" / "cjv.yaml",
        """
        kind: cjv
        title: Collaboration Agreement
        self_name: Agreement
        file_name: collaboration-agreement
        body: [cjv.one, cjv.cjv_only, cjv.never]
        schedules:
          - title: "{{ body.name }}"
            label: Part
            for_each: bodies
            item: body
            clauses: [cjv.part]
        """,
    )
    write(root / "terms" / "common.yaml", "Agreement:\n  definition: this agreement\n")
    clause = textwrap.dedent(
        """
        id: {id}
        title: {title}
        documents: [cjv]
        condition: '{condition}'
        version: "1.0"
        guidance: Guidance for {id}.
        sources:
          - A source for {id}
        ---
        """
    ).lstrip()
    write(
        root / "cjv" / "one.clause",
        clause.format(id="cjv.one", title="One", condition="true")
        + textwrap.dedent(
            """
            # One [#top]
            ## This [[Agreement]] starts on {{ collaborative.effective_date | date }}; see clause [[ref:cjv.one.second]].
            ## Second [#second]
            ### See also clause [[ref:cjv.part]].
            """
        ).lstrip(),
    )
    write(
        root / "cjv" / "cjv_only.clause",
        clause.format(id="cjv.cjv_only", title="CJV only", condition='legal_form == "cjv"') + "# Only for a CJV\n",
    )
    write(root / "cjv" / "never.clause", clause.format(id="cjv.never", title="Never", condition="false") + "# Never\n")
    write(
        root / "cjv" / "part.clause",
        clause.format(id="cjv.part", title="Per body", condition="true")
        + "# The {{ body.name }}\n## Quorum: {{ body.quorum.members }}.\n",
    )
    return root


# -------------------------------------------------------------------------------------------- list / show


def test_list_shows_every_clause_of_the_real_library() -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    for clause_id in ("common.parties", "common.execution", "cjv.term"):
        assert clause_id in result.output


def test_list_one_document_in_its_order(small: Path) -> None:
    result = run("list", "--document", "cjv", "--library", small)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "cjv." in line]
    assert [line.split()[1] for line in lines] == ["cjv.one", "cjv.cjv_only", "cjv.never", "cjv.part"]
    assert 'legal_form == "cjv"' in result.output  # conditions are printed as written, not as rich markup


def test_list_rejects_an_unknown_document() -> None:
    result = run("list", "--document", "xyz")
    assert result.exit_code == 2
    assert "mou, cjv, tor, sod, dra" in result.output


def test_show_prints_metadata_guidance_sources_and_text(small: Path) -> None:
    result = run("show", "cjv.one", "--library", small)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "cjv.one — One" in out
    assert "used in:    cjv body" in out
    assert "Guidance for cjv.one." in out
    assert "- A source for cjv.one" in out
    assert "## Second [#second]" in out  # the raw text, as written
    assert "Text (from line 10):" in out


def test_show_unknown_id_names_the_nearest_ids_in_one_line() -> None:
    result = run("show", "cjv.trem")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "cjv.trem: no such clause" in lines[0]
    assert "cjv.term" in lines[0]


# ------------------------------------------------------------------------------------------------ preview


def test_preview_numbers_the_clause_and_resolves_its_own_references(small: Path) -> None:
    result = run("preview", "cjv.one", "--answers", MSECC, "--library", small)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "1. One" in out
    assert "1.1 This Agreement starts on [●]; see clause 1.2." in out  # effective_date is unknown in msecc
    assert "1.2.1 See also clause [ref: cjv.part]." in out  # outside the clause: the target id is shown
    assert "Drafting note (cjv.one v1.0)" in out


def test_preview_of_a_part_repeated_per_body_takes_an_item(small: Path) -> None:
    first = run("preview", "cjv.part", "--answers", MSECC, "--library", small)
    second = run("preview", "cjv.part", "--answers", MSECC, "--library", small, "--item", "2")
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "1. The Community Collaborative Board" in first.output
    assert "body 2 of 6: Leadership Team" in second.output
    assert "1. The Leadership Team" in second.output
    out_of_range = run("preview", "cjv.part", "--answers", MSECC, "--library", small, "--item", "9")
    assert out_of_range.exit_code == 2
    assert "bodies gives 6 item(s)" in out_of_range.stderr


def test_preview_says_when_the_condition_is_false(small: Path) -> None:
    result = run("preview", "cjv.cjv_only", "--answers", JOINT, "--library", small)
    assert result.exit_code == 0, result.output
    assert 'condition `legal_form == "cjv"` is false for these answers' in result.output
    assert "1. Only for a CJV" in result.output


def test_preview_docx_goes_through_the_real_writer(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "one.docx"
    result = run("preview", "cjv.one", "--answers", MSECC, "--library", small, "--docx", out)
    assert result.exit_code == 0, result.output
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "One" in texts
    assert any(t.startswith("This Agreement starts on [●]; see clause 1.2") for t in texts)


def test_preview_unknown_clause_exits_2() -> None:
    result = run("preview", "cjv.nope", "--answers", MSECC)
    assert result.exit_code == 2


def test_preview_of_a_real_clause_per_body() -> None:
    result = run("preview", "tor.constitution", "--answers", MSECC, "--document", "tor", "--item", "2")
    assert result.exit_code == 0, result.output
    assert "Leadership Team" in result.output


# --------------------------------------------------------------------------------------------------- lint

EXPECTED = [
    # metadata schema, collected rather than raised
    "clause_library/cjv/meta.clause:3: titel: Extra inputs are not permitted",
    "clause_library/cjv/zz_duplicate.clause:1: id: duplicate clause id cjv.refs (also in clause_library/cjv/refs.clause)",
    # jinja syntax, at the file's own line
    "clause_library/cjv/syntax.clause:10: jinja: syntax: Unexpected end of template.",
    "clause_library/cjv/variables.clause:11: jinja: unknown filter moeny (did you mean money?)",
    "clause_library/mou/only.clause:8: macro: imports nothere.j2, which is not in macros/",
    # variables and condition fields the answers do not have
    "clause_library/cjv/variables.clause:4: variable: unknown variable legal_frm (did you mean legal_form?)",
    "clause_library/cjv/variables.clause:9: variable: collaborative.nmae: Collaborative has no field nmae",
    "clause_library/cjv/variables.clause:10: variable: unknown variable partys (did you mean parties?)",
    "clause_library/cjv/variables.clause:13: variable: p.knd: Party has no field knd (did you mean kind?)",
    "clause_library/cjv/part.clause:8: variable: body.quorm: Body has no field quorm (did you mean quorum?)",
    # cross-references
    "clause_library/cjv/refs.clause:8: reference: [[ref:cjv.nothere]]: no such clause",
    "clause_library/cjv/refs.clause:9: reference: [[ref:cjv.variables.missing]]: cjv.variables has no anchor [#missing]",
    "clause_library/mou/only.clause:9: reference: [[ref:cjv.refs]]: document mou includes mou.only but not cjv.refs",
    # inclusion in documents
    "clause_library/cjv/orphan.clause:1: documents: cjv.orphan is not included in any document",
    "clause_library/mou/shared.clause:3: documents: documents/cjv.yaml uses mou.shared but its `documents` does not list cjv",
    "clause_library/mou/shared.clause:3: documents: `documents` lists mou but documents/mou.yaml does not include mou.shared",
    # defined terms
    "clause_library/cjv/refs.clause:11: term: [[Undefined Term]] is used but not defined",
    "clause_library/terms/common.yaml:3: term: Unused Term is defined but no clause or definition uses it",
    # house templates
    "clause_library/documents/mou.yaml:6: template: template missing.docx not found in templates/",
    # facts computed in a clause: only {% set name = dotted.path %} aliases are allowed
    "clause_library/cjv/computed.clause:8: facts: {% set fts = … %} computes a fact in the clause",
    "clause_library/cjv/computed.clause:8: facts: a | selectattr(…) pipeline computes a fact",
    "clause_library/cjv/computed.clause:9: facts: {% set shall = … %} computes a fact",
    "clause_library/cjv/computed.clause:10: facts: namespace() computes a fact",
    "clause_library/cjv/computed.clause:10: facts: {% set ns = … %} computes a fact",
    "clause_library/cjv/computed.clause:11: facts: {% set ns.count = … %} computes a fact",
    "clause_library/cjv/computed.clause:13: facts: a | map(…) pipeline computes a fact",
    # versions
    "clause_library/cjv/changed.clause:4: version: text or condition changed since version 1.0 was recorded, but the "
    "version was not bumped",
]


@pytest.fixture(scope="module")
def bad_lint() -> Result:
    return run("lint", "--library", BAD)


@pytest.mark.parametrize("expected", EXPECTED, ids=[e.split(": ")[0] + " " + e.split(": ")[1] for e in EXPECTED])
def test_lint_finds_each_class_of_problem(bad_lint: Result, expected: str) -> None:
    assert bad_lint.exit_code == 1
    assert any(line.startswith(expected) for line in bad_lint.stdout.splitlines()), bad_lint.stdout


def test_lint_reports_all_problems_and_nothing_else(bad_lint: Result) -> None:
    lines = bad_lint.stdout.strip().splitlines()
    assert len(lines) == len(EXPECTED), bad_lint.stdout
    assert f"{len(EXPECTED)} problem(s)" in bad_lint.stderr


def test_lint_finds_house_template_tags_missing(small: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    document = docx.Document()
    document.add_paragraph("{{ title }} for the {{ collaborative }}")
    document.add_paragraph("{%p for p in parties %}")
    document.add_paragraph("{{r p }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{{p body }}")
    document.save(str(templates / "house.docx"))
    result = run("lint", "--library", small, "--templates", templates)
    missing = [t for t in HOUSE_TAGS if t not in ("title", "collaborative", "parties", "body")]
    for tag in missing:
        assert f"house.docx: template: house template lacks the tag {{{{ {tag} }}}}" in result.stdout
    assert "{{ title }}" not in result.stdout
    assert "house.docx: template: house template lacks the style Clause1" in result.stdout  # a plain Word file
    assert "house.docx: template: house template lacks list 1 with 5 level(s)" in result.stdout


def test_lint_on_a_clean_library_after_recording_versions(small: Path) -> None:
    before = run("lint", "--library", small)
    assert before.exit_code == 1
    assert "cjv.one v1.0 is not recorded in versions.lock" in before.stdout
    result = run("lint", "--library", small, "--update-lock")
    assert result.exit_code == 0, result.output
    assert "versions.lock updated" in result.stdout
    assert "0 problem(s) in 4 clause(s)" in result.stderr


def test_update_lock_refuses_a_change_without_a_version_bump(tmp_path: Path) -> None:
    library = tmp_path / "clause_library"
    shutil.copytree(BAD, library)
    lock = (library / "versions.lock").read_text(encoding="utf-8")
    refused = run("lint", "--library", library, "--update-lock")
    assert refused.exit_code == 1
    assert "clause_library/cjv/changed.clause:4: version: cjv.changed changed but keeps version 1.0" in refused.stdout
    assert (library / "versions.lock").read_text(encoding="utf-8") == lock

    changed = library / "cjv" / "changed.clause"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"'), encoding="utf-8"
    )
    bumped = run("lint", "--library", library)
    assert "version bumped to 1.1; versions.lock still records 1.0" in bumped.stdout
    recorded = run("lint", "--library", library, "--update-lock")
    assert "versions.lock updated" in recorded.stdout
    assert "changed.clause" not in recorded.stdout
    assert 'cjv.changed: {version: "1.1"' in (library / "versions.lock").read_text(encoding="utf-8")


def test_lint_passes_on_the_real_library() -> None:
    result = run("lint")
    assert result.exit_code == 0, "lint on clause_library/:\n" + result.stdout


# ------------------------------------------------------------------------------------ matrix and coverage


def test_matrix_table_and_csv(small: Path) -> None:
    table = run("matrix", "--library", small)
    assert table.exit_code == 0, table.output
    assert "cjv.part" in table.output
    assert "Part 1 (each body in bodies)" in table.output
    csv = run("matrix", "--format", "csv", "--library", small)
    lines = csv.stdout.splitlines()
    assert lines[0] == "clause,title,condition,mou,cjv,tor,sod,dra"
    assert 'cjv.cjv_only,CJV only,"legal_form == ""cjv""",,body,,,' in lines


def test_matrix_of_the_real_library() -> None:
    result = run("matrix", "--format", "csv")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if line.startswith("common.parties,"))
    assert row.endswith("parties,parties,,,parties")  # the terms of reference and scheme are adopted, not signed
    row = next(line for line in result.stdout.splitlines() if line.startswith("common.adoption,"))
    assert row.endswith(",,parties,parties,")


def test_coverage_names_each_gap(small: Path) -> None:
    result = run("coverage", "--library", small, MSECC, JOINT)
    assert result.exit_code == 1
    gaps = result.stdout.strip().splitlines()
    assert gaps == ["cjv.never: never included — its condition `false` is never true"]
    assert "2 answers set(s), 4 clause(s): 1 gap(s)" in result.stderr


def test_coverage_without_gaps_exits_0(small: Path) -> None:
    (small / "cjv" / "never.clause").unlink()
    definition = small / "documents" / "cjv.yaml"
    definition.write_text(definition.read_text(encoding="utf-8").replace(", cjv.never]", "]"), encoding="utf-8")
    result = run("coverage", "--library", small, MSECC, JOINT)
    assert result.exit_code == 0, result.output
