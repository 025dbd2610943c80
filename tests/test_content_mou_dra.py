"""The memorandum of understanding and dispute resolution annex content: outlines A and E, R15 and R17, variants."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from ruamel.yaml import YAML

from assembler.answers_file import load_answers
from assembler.assembly import build
from assembler.compose import compose_document
from assembler.library import DocumentDef, Library, ScheduleDef, load_library
from assembler.model import DocumentKind
from assembler.rendering import make_environment

from .docx_reading import Docx, read

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "answers"
EXAMPLES = sorted(ANSWERS.glob("*.yaml"))

# Outline A (documents.md): each section and the clauses that carry it.
OUTLINE_A: dict[str, list[str]] = {
    "Parties and date": ["common.parties"],
    "Background": ["common.recitals"],
    "Status": ["mou.status"],
    "Purpose and vision": ["mou.purpose"],
    "Objectives and outcomes": ["mou.objectives"],
    "Scope and exclusions": ["mou.scope"],
    "Principles and behaviours": ["mou.principles"],
    "Governance overview": ["mou.governance"],
    "Decision-making": ["mou.decisions"],
    "Roles": ["mou.roles"],
    "Resources and costs": ["mou.costs"],
    "Information sharing, confidentiality and FOI": ["mou.information_sharing", "mou.confidentiality"],
    "Conflicts of interest": ["mou.conflicts"],
    "Communications and media": ["mou.communications"],
    "System partners": ["mou.system_partners"],
    "Disputes": ["mou.disputes"],
    "Term, review and variation": ["mou.term"],
    "Joining and leaving": ["mou.membership"],
    "Signatures": ["common.execution"],
}

# Outline E: sections 4-6 (the tiers) are one clause with a stage per disputes.tiers entry.
OUTLINE_E: dict[str, list[str]] = {
    "Parties": ["common.parties"],
    "Scope": ["dra.scope"],
    "Principles and continued performance": ["dra.principles"],
    "Dispute notice": ["dra.notice"],
    "Escalation tiers": ["dra.tiers"],
    "Mediation": ["dra.mediation"],
    "Expert determination": ["dra.expert"],
    "Final forum": ["dra.final_forum"],
    "Urgent court relief": ["dra.urgent_relief"],
    "Confidentiality": ["dra.confidentiality"],
    "Costs": ["dra.costs"],
    "Multi-party disputes and joinder": ["dra.multi_party"],
}

# The heading each clause prints (execution depends on the form; checked separately).
HEADINGS: dict[str, str] = {
    "common.parties": "Parties",
    "common.recitals": "Background",
    "mou.status": "Status of this Memorandum",
    "mou.purpose": "Purpose and vision",
    "mou.objectives": "Objectives and outcomes",
    "mou.scope": "Scope and exclusions",
    "mou.principles": "Principles and behaviours",
    "mou.governance": "Governance overview",
    "mou.decisions": "Decision-making",
    "mou.roles": "Roles",
    "mou.costs": "Resources and costs",
    "mou.information_sharing": "Information sharing",
    "mou.confidentiality": "Confidentiality and freedom of information",
    "mou.conflicts": "Conflicts of interest",
    "mou.communications": "Communications and media",
    "mou.system_partners": "System partners",
    "mou.disputes": "Disputes",
    "mou.term": "Term, review and variation",
    "mou.membership": "Joining and leaving",
    "mou.governing_law": "Governing law and jurisdiction",
    "common.execution": "SIGNATURES",
    "dra.scope": "Scope",
    "dra.principles": "Principles and continued performance",
    "dra.notice": "Dispute notice",
    "dra.tiers": "Escalation",
    "dra.mediation": "Mediation",
    "dra.expert": "Expert determination",
    "dra.final_forum": "Final resolution",
    "dra.urgent_relief": "Urgent relief",
    "dra.confidentiality": "Confidentiality",
    "dra.costs": "Costs",
    "dra.multi_party": "Multi-party disputes and joinder",
}

# Rule R15: the only binding provisions, in document order.
BINDING = ["mou.costs", "mou.confidentiality", "mou.disputes", "mou.governing_law"]


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    return data


def _write(data: dict[str, Any], path: Path) -> Path:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    return path


class Built:
    """One build of the MoU and the annex: report entries, paragraphs with Word numbers, python-docx text."""

    def __init__(self, answers: Path, out: Path) -> None:
        result = build(answers, out_dir=out, only=[DocumentKind.MOU, DocumentKind.DRA])
        assert result.report_path is not None
        report = json.loads(result.report_path.read_text(encoding="utf-8"))
        self.report = {d["kind"]: d for d in report["documents"]}
        self.files = {d["kind"]: out / d["file"] for d in report["documents"]}
        self.answers = _load(answers)

    def included(self, kind: str) -> list[str]:
        return [c["id"] for c in self.report[kind]["clauses"]]

    def numbered(self, kind: str) -> Docx:
        return read(self.files[kind])

    def texts(self, kind: str) -> list[str]:
        """Paragraph and table cell texts, without drafting notes (which quote the guidance)."""
        document = docx.Document(str(self.files[kind]))
        out = [p.text for p in document.paragraphs if p.style is None or "Drafting" not in p.style.name]
        for table in document.tables:
            out.extend(cell.text for row in table.rows for cell in row.cells)
        return out


_CACHE: dict[str, Built] = {}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    for path in EXAMPLES:
        if path.stem not in _CACHE:
            _CACHE[path.stem] = Built(path, tmp_path_factory.mktemp(path.stem))
    return _CACHE


def _variant(tmp_path: Path, base: str, change: dict[str, Any]) -> Built:
    data = copy.deepcopy(_load(ANSWERS / f"{base}.yaml"))
    data["disputes"].update(change)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = _write(data, tmp_path / f"{base}-variant.yaml")
    return Built(path, tmp_path / "out")


def _clause_headings(doc: Docx) -> dict[str, str]:
    """Clause number ("10") to heading text, for the level-1 clauses of the body."""
    return {p.number.rstrip("."): p.text for p in doc.by_style("Clause1")}


def _produces(built: dict[str, Built], kind: str) -> list[str]:
    return [name for name, b in built.items() if kind in b.report]


# ----------------------------------------------------------------------------------------------- both documents


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLES])
def test_no_broken_references_or_template_syntax(built: dict[str, Built], example: str) -> None:
    b = built[example]
    for kind in b.report:
        assert b.report[kind]["broken_references"] == [], (example, kind)
        for text in [*b.texts(kind), *(p.text for p in b.numbered(kind).paragraphs)]:
            assert "{{" not in text and "{%" not in text, (example, kind, text)
            assert "[#" not in text, (example, kind, text)


# ----------------------------------------------------------------------------------------------- outline A


def test_some_example_produces_each_document(built: dict[str, Built]) -> None:
    assert _produces(built, "mou") and _produces(built, "dra")


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLES])
def test_mou_follows_outline_a(built: dict[str, Built], example: str) -> None:
    b = built[example]
    if "mou" not in b.report:
        pytest.skip("this example produces no MoU")
    included = b.included("mou")
    texts = b.texts("mou")
    for section, ids in OUTLINE_A.items():
        for clause_id in ids:
            assert clause_id in included, f"{example}: outline A '{section}' needs {clause_id}"
            heading = HEADINGS[clause_id]
            if clause_id == "common.execution" and b.answers["documents"]["mou"].get("form") == "deed":
                heading = "EXECUTION"
            assert heading in texts, f"{example}: heading '{heading}' of {clause_id} missing"
    assert "mou.governing_law" in included


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLES])
def test_mou_is_not_binding_save_the_listed_clauses(built: dict[str, Built], example: str) -> None:
    b = built[example]
    if "mou" not in b.report:
        pytest.skip("this example produces no MoU")
    doc = b.numbered("mou")
    assert "is not intended to be legally binding" in doc.text()
    status = next(p for p in doc.paragraphs if p.text.startswith("Only the following provisions"))
    headings = _clause_headings(doc)
    listed = re.findall(r"(\d+) \(([^)]+)\)", status.text)
    assert [title for _n, title in listed] == [HEADINGS[c] for c in BINDING]
    for number, title in listed:
        assert headings[number] == title, f"{example}: clause {number} is {headings[number]!r}, not {title!r}"
    # the REF fields point at the bookmarks of those clauses
    by_bookmark = {bm: p for p in doc.paragraphs for bm in p.bookmarks}
    for bookmark, cached in status.refs[:4]:
        target = by_bookmark[bookmark]
        assert target.number.rstrip(".") == cached and target.text in [HEADINGS[c] for c in BINDING]


def test_mou_only_forums_are_advisory(built: dict[str, Built]) -> None:
    b = built["nottingham"]
    text = "\n".join(b.texts("mou"))
    assert "Each forum is advisory" in text
    assert "each Member will decide whether to accept it through its own board" in text
    assert "Collaboration Agreement" not in text


def test_mou_with_cjv_points_to_the_agreement_and_names_system_partners(built: dict[str, Built]) -> None:
    b = built["msecc"]
    text = "\n".join(b.texts("mou"))
    assert "set out in the Collaboration Agreement" in text
    assert "Mid and South Essex Integrated Care Board" in text  # the ICB signs the MoU as a system partner
    assert "It is a Party to this Memorandum as a system partner" in text
    assert text.count("Signed for and on behalf of") == 5
    assert "Lead Director" in text and "joint post with Thurrock Council" in text


# ----------------------------------------------------------------------------------------------- outline E


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLES])
def test_dra_follows_outline_e(built: dict[str, Built], example: str) -> None:
    b = built[example]
    if "dra" not in b.report:
        pytest.skip("this example produces no annex")
    included = b.included("dra")
    texts = b.texts("dra")
    disputes = b.answers["disputes"]
    for section, ids in OUTLINE_E.items():
        for clause_id in ids:
            expected = {
                "dra.mediation": bool(disputes.get("mediation", True)),
                "dra.expert": bool(disputes.get("expert_determination")),
            }.get(clause_id, True)
            assert (clause_id in included) == expected, f"{example}: outline E '{section}' ({clause_id})"
            if expected:
                assert HEADINGS[clause_id] in texts, f"{example}: heading of {clause_id} missing"


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLES])
def test_dra_has_one_stage_per_tier_in_order_then_mediation(built: dict[str, Built], example: str) -> None:
    b = built[example]
    if "dra" not in b.report:
        pytest.skip("this example produces no annex")
    doc = b.numbered("dra")
    tiers = b.answers["disputes"]["tiers"]
    stages = [(i, p) for i, p in enumerate(doc.paragraphs) if re.match(r"Stage \d+:", p.text)]
    assert len(stages) == len(tiers)
    for n, ((_i, para), tier) in enumerate(zip(stages, tiers, strict=True), start=1):
        assert para.text.startswith(f"Stage {n}: {tier['name']}.")
        assert tier["forum"] in para.text
        assert f"({tier['days']})" in para.text or f" {tier['days']} " in para.text
    mediation = next(i for i, p in enumerate(doc.paragraphs) if p.style == "Clause1" and p.text == "Mediation")
    assert stages[-1][0] < mediation


def test_expert_determination_only_when_set(built: dict[str, Built], tmp_path: Path) -> None:
    assert "Expert determination" in built["joint_committee"].texts("dra")
    assert "Expert determination" not in built["msecc"].texts("dra")
    binding = _variant(
        tmp_path / "b", "msecc", {"expert_determination": {"scope": "disputes about shared costs", "binding": True}}
    )
    text = "\n".join(binding.texts("dra"))
    assert "Expert determination" in binding.texts("dra")
    assert "disputes about shared costs" in text and "save in the case of fraud or manifest error" in text
    assert "Institute of Chartered Accountants in England and Wales" in text
    advisory = _variant(
        tmp_path / "a", "msecc", {"expert_determination": {"scope": "disputes about shared costs", "binding": False}}
    )
    text = "\n".join(advisory.texts("dra"))
    assert "decision is not binding" in text and "manifest error" not in text
    assert advisory.report["dra"]["broken_references"] == []


@pytest.mark.parametrize(
    ("forum", "phrases"),
    [
        ("courts", ["courts of England and Wales. Each Party irrevocably submits to the exclusive jurisdiction"]),
        ("icb", ["referred by any Disputing Party to Mid and South Essex Integrated Care Board"]),
        ("nhs_england", ["referred by any Disputing Party to NHS England"]),
        ("arbitration", ["finally resolved by arbitration under the Arbitration Act 1996", "section 35"]),
    ],
)
def test_final_forum_variants(tmp_path: Path, forum: str, phrases: list[str]) -> None:
    b = _variant(tmp_path, "msecc", {"final_forum": forum})
    text = "\n".join(b.texts("dra"))
    for phrase in phrases:
        assert phrase in text, (forum, phrase)
    assert ("Arbitration Act 1996" in text) == (forum == "arbitration")
    mou = "\n".join(b.texts("mou"))
    assert ("finally resolved by arbitration" in mou) == (forum == "arbitration")
    for kind in ("mou", "dra"):
        assert b.report[kind]["broken_references"] == []


def test_dra_clauses_read_as_a_schedule_of_the_agreement() -> None:
    """The CJV reuses the dra.* clauses as a schedule: they must say "this Schedule" and resolve there."""
    library: Library = load_library()
    ids = [c for c in library.documents[DocumentKind.DRA].body if "cjv" in library.clause(c).meta.documents]
    assert "dra.interpretation" not in ids and "dra.governing_law" not in ids
    doc = DocumentDef(
        kind=DocumentKind.CJV,
        title="Collaboration Agreement",
        self_name="Agreement",
        file_name="x",
        body=["common.parties"],
        schedules=[ScheduleDef(title="Dispute resolution procedure", clauses=ids)],
    )
    answers = load_answers(ANSWERS / "msecc.yaml").answers
    composed = compose_document(library, doc, answers, [], env=make_environment(library=library))
    assert composed.broken_refs == []
    text = "\n".join(block.plain() for block in composed.blocks)
    assert "this Schedule" in text and "this Annex" not in text and "This Annex" not in text
