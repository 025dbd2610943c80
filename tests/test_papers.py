"""Board papers: every example builds a paper for each party that must approve or note the pack; each paper, read
back with python-docx, holds one resolution per delegation the party makes, its share of costs, every warning
concerning it, every [●] it must supply, and key-term clause numbers that match the built pack."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

from assembler.answers_file import load_answers
from assembler.assembly import build, parse_selection
from assembler.cli import main
from assembler.docx_writer import bookmark_name
from assembler.facts import Approval, ApprovalKind, Facts, facts_of, share_words
from assembler.model import CostMethod, DocumentKind, PartyKind
from assembler.papers import gap_text
from assembler.rendering import format_money
from assembler.rules import Severity, check, concerns

from .docx_reading import Docx, check_package, read

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))


@dataclass
class Built:
    """One example built once: its facts, findings, report, documents and papers (read back)."""

    facts: Facts
    findings: list[Any]
    report: dict[str, Any]
    out: Path
    papers: list[tuple[Approval, Docx]]

    def document(self, kind: str) -> Docx:
        entry = next(d for d in self.report["documents"] if d["kind"] == kind)
        return read(self.out / entry["file"])


def _build(answers: Path, out: Path) -> Built:
    result = build(answers, out_dir=out)
    facts = facts_of(load_answers(answers).answers)
    report = json.loads((out / "assembly-report.json").read_text())
    assert [Path(p["file"]) for p in report["papers"]] == [p.relative_to(out) for p in result.papers]
    papers = [(a, read(path)) for a, path in zip(facts.approvals, result.papers, strict=True)]
    return Built(facts, check(facts.answers), report, out, papers)


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    answers: Path = request.param
    return _build(answers, tmp_path_factory.mktemp(answers.stem))


def significant(text: str) -> str:
    """An answers file in which the arrangements are a significant transaction for every foundation trust."""
    return text.replace(
        "kind: nhs_foundation_trust\n", "kind: nhs_foundation_trust\n    significant_transaction: yes\n"
    )


@pytest.fixture(scope="module")
def governed(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The joint committee example (two foundation trusts and an NHS trust), as a significant transaction."""
    folder = tmp_path_factory.mktemp("governed")
    answers = folder / "significant.yaml"
    answers.write_text(significant((ROOT / "answers" / "joint_committee.yaml").read_text()))
    return _build(answers, folder / "out")


def resolutions(paper: Docx) -> list[str]:
    """The numbered resolutions under "The board (or council of governors) is asked to"."""
    out: list[str] = []
    inside = False
    for p in paper.paragraphs:
        if p.style == "Clause1":
            inside = p.text.endswith("is asked to")
        elif inside and p.style == "Clause2":
            out.append(p.text)
    return out


def flat(text: str) -> str:
    return " ".join(text.split())


# -- which papers


def test_every_example_builds_a_paper_for_each_approving_party(built: Built) -> None:
    assert built.papers, "no paper"
    listed = [(p["party"], p["kind"]) for p in built.report["papers"]]
    assert listed == [(a.party.short_name, a.kind.value) for a in built.facts.approvals]
    members = {p.short_name for p in built.facts.members}
    approving = {a.party.short_name for a in built.facts.approvals if a.kind is ApprovalKind.APPROVE}
    assert members <= approving
    mou = {p.short_name for p in built.facts.document_parties(DocumentKind.MOU)}
    endorsing = {a.party.short_name for a in built.facts.approvals if a.kind is ApprovalKind.ENDORSE}
    assert endorsing == {p for p in mou if p not in approving}
    manifest = json.loads((built.out / "pack-manifest.json").read_text())
    assert manifest["papers"] == [p["file"] for p in built.report["papers"]]
    assert set(manifest["papers"]) <= {f["path"] for f in manifest["files"]}
    for _, paper in built.papers:
        assert check_package(paper) == []
        assert docx.Document(str(paper.path)).paragraphs


def test_one_resolution_per_delegation_the_party_makes(built: Built) -> None:
    a = built.facts.answers
    for approval, paper in built.papers:
        if approval.kind is ApprovalKind.GOVERNORS:
            continue
        found = [r for r in resolutions(paper) if r.startswith("delegate to ")]
        made = built.facts.delegations_from(approval.party.short_name)
        assert len(found) == len(made), (approval.party.short_name, found)
        for index in made:
            d = a.delegations[index]
            body = built.facts.body(d.to_body) if d.to_body else None
            to = body.name if body is not None else str(d.to_officer)
            limit = format_money(d.financial_limit) if d.financial_limit is not None else "[●]"
            assert [r for r in found if to in r and d.function in r and limit in r], (d, found)


def test_each_paper_asks_to_approve_the_documents_appoint_members_and_authorise_signatories(built: Built) -> None:
    for approval, paper in built.papers:
        found = resolutions(paper)
        if approval.kind is ApprovalKind.GOVERNORS:
            continue
        verb = "approve" if approval.kind is ApprovalKind.APPROVE else "note"
        for kind in approval.documents:
            title = next(d["title"] for d in built.report["documents"] if d["kind"] == kind.value)
            assert [r for r in found if r.startswith(verb) and title in r], (approval.party.short_name, title)
        for body, _ in built.facts.seats_of(approval.party.short_name):
            assert [r for r in found if r.startswith("appoint its members") and body.name in r]
        assert [r for r in found if r.startswith("authorise ")]


def test_each_paper_states_the_partys_share_of_costs(built: Built) -> None:
    for approval, paper in built.papers:
        share = built.facts.cost_share(approval.party.short_name)
        text = flat(paper.text())
        short = approval.party.short_name
        if share.method is CostMethod.NO_SHARED_COSTS:
            assert "No shared costs" in text
        elif not share.pays:
            assert f"{short} pays no share" in text
        elif share.share is not None:
            words = (
                f"{float(share.share * 100):g}%"
                if share.method is CostMethod.FIXED_SHARES
                else share_words(share.share)
            )
            assert f"{short} pays {words} of the shared costs" in text


def test_each_paper_lists_every_warning_concerning_its_party_with_its_source(built: Built) -> None:
    for approval, paper in built.papers:
        text = flat(paper.text())
        short = approval.party.short_name
        for finding in (f for f in built.findings if f.severity is Severity.WARNING):
            named = set().union(*(built.facts.parties_at(loc) for loc in finding.locations))
            collective = not named and any(concerns(finding, k) for k in approval.documents)
            if short in named or collective:
                assert flat(finding.text()) in text and flat(finding.source) in text, (short, finding.rule)
            elif named:
                assert flat(finding.text()) not in text, (short, finding.rule)


def test_each_paper_lists_every_gap_its_party_must_fill(built: Built) -> None:
    gaps = [g for d in built.report["documents"] for g in d["placeholders"]]
    for approval, paper in built.papers:
        text = flat(paper.text())
        for gap in gaps:
            if approval.party.short_name in built.facts.placeholder_parties(gap):
                assert flat(gap_text(built.facts, gap)) in text, gap


def test_key_term_clause_numbers_match_the_built_pack(built: Built) -> None:
    documents = {d["kind"]: built.document(d["kind"]) for d in built.report["documents"]}
    cited = 0
    for entry, (_, paper) in zip(built.report["papers"], built.papers, strict=True):
        text = flat(paper.text())
        for term, places in entry["key_terms"].items():
            assert places or term in ("Members and votes", "Quorum", "Chair"), term
            for place in places:
                assert flat(place["text"])[1:] in text  # the table writes it with a capital
                doc = documents[place["document"]]
                for anchor, number in zip(place["anchors"], place["numbers"], strict=True):
                    name = bookmark_name(f"{anchor}@{place['section']}" if place["section"] else anchor)
                    paragraph = next(p for p in doc.paragraphs if name in p.bookmarks)
                    assert paragraph.number.rstrip(".") == number, (term, anchor)
                    cited += 1
    assert cited


def test_a_significant_transaction_asks_the_governors_of_each_foundation_trust_to_approve(governed: Built) -> None:
    trusts = {p.short_name for p in governed.facts.foundation_trusts}
    governors = {a.party.short_name: paper for a, paper in governed.papers if a.kind is ApprovalKind.GOVERNORS}
    assert set(governors) == trusts and trusts
    for paper in governors.values():
        found = resolutions(paper)
        assert [
            r for r in found if r.startswith("approve") and "significant transaction" in r and "more than half" in r
        ]
    for approval, paper in governed.papers:
        if approval.party.kind is PartyKind.NHS_TRUST:
            assert approval.kind is not ApprovalKind.GOVERNORS
            assert not [r for r in resolutions(paper) if "governors" in r]  # its next steps may name the others


# -- options


def test_only_papers_builds_the_papers_alone_citing_the_packs_numbers(tmp_path: Path) -> None:
    assert parse_selection("papers") == ([], True)
    assert parse_selection("cjv,papers") == ([DocumentKind.CJV], True)
    assert parse_selection("cjv") == ([DocumentKind.CJV], False)
    result = CliRunner().invoke(
        main, ["build", str(ROOT / "answers" / "msecc.yaml"), "--out", str(tmp_path), "--only", "papers"]
    )
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.glob("*.docx")) and list((tmp_path / "papers").glob("*.docx"))
    report = json.loads((tmp_path / "assembly-report.json").read_text())
    assert report["documents"] == [] and report["papers"]
    assert any(place for p in report["papers"] for places in p["key_terms"].values() for place in places)
    only_cjv = build(ROOT / "answers" / "msecc.yaml", out_dir=tmp_path, only=[DocumentKind.CJV])
    assert only_cjv.papers == [] and not list((tmp_path / "papers").glob("*.docx"))


def test_clean_papers_carry_no_drafting_notes(tmp_path: Path) -> None:
    noted = build(ROOT / "answers" / "nottingham.yaml", out_dir=tmp_path, only=[], papers=True)
    clean = build(ROOT / "answers" / "nottingham.yaml", out_dir=tmp_path, only=[], papers=True, clean=True)
    assert all(read(p).by_style("DraftingNote") for p in noted.papers)
    assert clean.papers and all(p.name.endswith("-clean.docx") for p in clean.papers)
    assert not any(read(p).by_style("DraftingNote") for p in clean.papers)
    manifest = json.loads((tmp_path / "pack-manifest-clean.json").read_text())
    assert manifest["papers"] == [str(p.relative_to(tmp_path)) for p in clean.papers]
