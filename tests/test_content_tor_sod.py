"""Terms of reference (outline C) and scheme of delegation (outline D): every section present for every body, the
MSECC facts, legal-form and voting variants, and the same clauses read correctly inside the collaboration agreement."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph
from ruamel.yaml import YAML

from assembler.answers_file import load_answers
from assembler.assembly import build
from assembler.compose import compose_document
from assembler.docmodel import BlockKind
from assembler.library import DocumentDef, ScheduleDef, load_library
from assembler.model import DocumentKind
from assembler.rendering import make_environment
from assembler.rules import check

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "answers"

# Outline C (documents.md): each section, the clause that carries it and the start of its heading.
OUTLINE_C: dict[str, tuple[str, str]] = {
    "Constitution and legal basis": ("tor.constitution", "Constitution and legal basis"),
    "Purpose": ("tor.purpose", "Purpose"),
    "Accountability and reporting": ("tor.accountability", "Accountability and reporting"),
    "Remit and delegated authority": ("tor.remit", "Remit and delegated authority"),
    "Membership": ("tor.membership", "Membership"),
    "Chair and vice-chair": ("tor.chair", "Chair"),
    "Deputies": ("tor.deputies", "Deputies"),
    "Quorum": ("tor.quorum", "Quorum"),
    "Meetings": ("tor.meetings", "Meetings"),
    "Voting": ("tor.voting", "Decision-making"),
    "Reserved and gated decisions": ("tor.reserved", "Reserved"),
    "Urgent decisions": ("tor.urgent", "Urgent decisions"),
    "Conflicts of interest": ("tor.conflicts", "Conflicts of interest"),
    "Meetings in public and confidentiality": ("tor.confidentiality", "Meetings in p"),
    "Sub-groups": ("tor.subgroups", "Sub-groups"),
    "Secretariat and papers": ("tor.secretariat", "Secretariat and papers"),
    "Minutes": ("tor.minutes", "Minutes"),
    "Review": ("tor.review", "Review"),
    "Approval by each party's board": ("tor.approval", "Approval"),
}

# Outline D (documents.md).
OUTLINE_D: dict[str, tuple[str, str]] = {
    "Status": ("sod.status", "Status"),
    "Interpretation": ("sod.interpretation", "Interpretation"),
    "Delegating does not remove accountability": ("sod.accountability", "Delegation does not remove accountability"),
    "Matters reserved to each party's own board": ("sod.party_reserved", "Matters reserved to each Party's board"),
    "Matters reserved to the collaborative body": ("sod.body_reserved", "Matters reserved to the"),
    "Delegations to bodies": ("sod.body_delegations", "Delegations to bodies"),
    "Delegations to officers": ("sod.officer_delegations", "Delegations to officers"),
    "Financial limits table": ("sod.limits", "Financial limits"),
    "Matters that cannot be delegated": ("sod.non_delegable", "Matters that cannot be delegated"),
    "Sub-delegation": ("sod.sub_delegation", "Sub-delegation"),
    "Urgent action": ("sod.urgent", "Urgent action"),
    "Recording and reporting": ("sod.recording", "Recording and reporting"),
    "Breach and revocation": ("sod.breach", "Breach and revocation"),
    "Review": ("sod.review", "Review"),
}

_yaml = YAML()


@dataclass
class Built:
    report: dict[str, Any]
    texts: dict[str, list[str]]  # document kind -> paragraphs and table rows ("a | b"), in order

    def doc(self, kind: str) -> dict[str, Any]:
        return next(d for d in self.report["documents"] if d["kind"] == kind)

    def included(self, kind: str) -> list[str]:
        return [c["id"] for c in self.doc(kind)["clauses"]]

    def text(self, kind: str) -> str:
        return "\n".join(self.texts[kind])

    def parts(self) -> dict[str, list[str]]:
        """The terms of reference split into its Parts: "Part 1: Name" -> its lines."""
        parts: dict[str, list[str]] = {}
        current: list[str] | None = None
        for line in self.texts["tor"]:
            if re.match(r"^Part \d+: ", line):
                current = parts[line] = []  # the contents list names each Part first: the last one is the Part
            elif line.startswith(("SIGNATURES", "EXECUTION")):
                current = None
            elif current is not None:
                current.append(line)
        return parts


def _lines(path: Path) -> list[str]:
    """The document's text without drafting notes (which quote the guidance), tables as "a | b" rows."""
    document = docx.Document(str(path))
    out: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            if text and paragraph.style is not None and paragraph.style.name != "DraftingNote":
                out.append(text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                out.append(" | ".join(cell.text.strip() for cell in row.cells))
    return out


def _build(path: Path, out: Path) -> Built:
    result = build(path, out_dir=out, only=[DocumentKind.TOR, DocumentKind.SOD])
    report = json.loads(Path(str(result.report_path)).read_text(encoding="utf-8"))
    texts = {}
    for doc in report["documents"]:
        texts[doc["kind"]] = _lines(out / doc["file"])
    return Built(report, texts)


def _variant(tmp: Path, example: str, change: Callable[[Any], None]) -> Path:
    data = _yaml.load((ANSWERS / f"{example}.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    change(data)
    path = tmp / f"{example}-variant.yaml"
    with path.open("w", encoding="utf-8") as fh:
        _yaml.dump(data, fh)
    return path


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    out = tmp_path_factory.mktemp("tor_sod")
    return {p.stem: _build(p, out / p.stem) for p in sorted(ANSWERS.glob("*.yaml"))}


def _clean(built: Built) -> None:
    for doc in built.report["documents"]:
        assert doc["broken_references"] == [], (doc["kind"], doc["broken_references"])
    for kind, lines in built.texts.items():
        text = "\n".join(lines)
        assert "{{" not in text and "{%" not in text, kind
        assert "[[" not in text and "]]" not in text, kind


# ------------------------------------------------------------------------------------------------ outlines


def test_outlines_cover_every_section() -> None:
    library = load_library()
    tor = library.documents[DocumentKind.TOR]
    sod = library.documents[DocumentKind.SOD]
    assert [c for c, _ in OUTLINE_C.values()] == list(tor.schedules[0].clauses)
    assert [c for c, _ in OUTLINE_D.values()] == list(sod.body)
    assert len(OUTLINE_C) == 19 and len(OUTLINE_D) == 14


def test_every_example_builds_clean(examples: dict[str, Built]) -> None:
    assert {"msecc", "nottingham", "joint_committee"} <= set(examples)
    for built in examples.values():
        _clean(built)


def test_terms_of_reference_have_every_section_for_every_body(examples: dict[str, Built]) -> None:
    for name, built in examples.items():
        answers = load_answers(ANSWERS / f"{name}.yaml").answers
        if not answers.documents.tor.produce:
            continue
        included = built.included("tor")
        parts = built.parts()
        assert list(parts) == [f"Part {i}: {b.name}" for i, b in enumerate(answers.bodies, start=1)], name
        for section, (clause_id, heading) in OUTLINE_C.items():
            assert included.count(clause_id) == len(answers.bodies), (name, section)
            for title, lines in parts.items():
                assert any(line.startswith(heading) for line in lines), (name, title, section)


def test_scheme_of_delegation_has_every_section(examples: dict[str, Built]) -> None:
    for name, built in examples.items():
        if "sod" not in built.texts:
            continue
        included = built.included("sod")
        for section, (clause_id, heading) in OUTLINE_D.items():
            assert clause_id in included, (name, section)
            assert any(line.startswith(heading) for line in built.texts["sod"]), (name, section)


# ------------------------------------------------------------------------------------------------ MSECC facts


def test_msecc_terms_of_reference(examples: dict[str, Built]) -> None:
    built = examples["msecc"]
    parts = built.parts()
    assert list(parts) == [
        "Part 1: Community Collaborative Board",
        "Part 2: Leadership Team",
        "Part 3: Joint Operational Group",
        "Part 4: Performance Sub-Committee",
        "Part 5: Quality Sub-Committee",
        "Part 6: Clinical Reference Group",
    ]
    board = "\n".join(parts["Part 1: Community Collaborative Board"])
    assert "as a contractual board" in board and "does not exercise any statutory function" in board
    for row in (
        "EPUT | Chair | Voting | Yes",
        "NELFT | Chief Executive | Voting | Yes",
        "Provide | Group Chief Executive | Voting | Yes",
    ):
        assert row in board
    assert (
        "quorate when at least three (3) Voting Members are present, including at least one Voting Member from each Party"
        in board
    )
    assert "shall take decisions by consensus" in board
    assert "no Voting Member present objects" in board
    assert "Mid and South Essex Integrated Care Board and Thurrock Council may each send one representative" in board
    assert "admission of a new party" in board and "agreement of every Party" in board
    assert "Part 2" in board and "Part 3" in board  # sub-groups cross-referenced
    for title, members, quorum in (
        ("Part 2: Leadership Team", ["EPUT | Chief Operating Officer"], "two (2)"),
        ("Part 4: Performance Sub-Committee", ["Provide | Director of Performance"], "two (2)"),
        ("Part 5: Quality Sub-Committee", ["EPUT | Director of Nursing"], "two (2)"),
    ):
        text = "\n".join(parts[title])
        assert all(m in text for m in members), title
        assert f"quorate when at least {quorum}" in text, title
        assert "by consensus" in text, title
        assert "no Voting Member present objects" in text, title
        assert "casting vote" not in text, title
    jog = "\n".join(parts["Part 3: Joint Operational Group"])
    # the four partnership directors and the CYP operations director: collaborative posts, holding no party's vote
    assert jog.count("Collaborative post | Partnership Director") == 4
    assert "quorate when at least three (3)" in jog and "does not vote" in jog
    assert "is accountable to the Community Collaborative Board" in jog
    assert "Performance Sub-Committee" in jog and "Part 4" in jog


def test_msecc_scheme_of_delegation(examples: dict[str, Built]) -> None:
    text = examples["msecc"].text("sod")
    for party in ("EPUT", "NELFT", "Provide"):
        assert re.search(
            rf"^{party} \| the Community Collaborative Board \| decisions on the joint delivery", text, re.M
        )
    assert "EPUT | Lead Director | day-to-day management of the collaborative's programme" in text
    assert re.search(
        r"day-to-day management of the collaborative's programme \| Lead Director \| EPUT \| £250,000", text
    )
    assert "| Community Collaborative Board | EPUT | [●]" not in text  # each row names the body with "the"
    assert "the Community Collaborative Board | EPUT | [●]" in text  # unknown limit left for the parties
    assert "remains accountable and liable" in text  # R13
    assert "for EPUT and NELFT, as foundation trusts, the statutory functions of each council of governors" in text
    assert "for Provide: the approval of its annual accounts" in text
    assert "no statutory function is delegated or transferred" in text


# ------------------------------------------------------------------------------------------------ variants


def test_weighted_votes_table(examples: dict[str, Built]) -> None:
    part = "\n".join(examples["joint_committee"].parts()["Part 1: Elective Surgery Joint Committee"])
    for row in ("Party | Votes", "WHT | 3", "EHFT | 3", "NCFT | 2", "ICB | 2", "Total | 10"):
        assert row in part
    assert "more than half of the weighted votes cast" in part
    assert "the chair has no second vote" in part and "casting vote" not in part
    assert "joint committee of WHT, EHFT, NCFT and ICB established under section 65Z6" in part
    assert "Westmoor County Council | Director of Adult Social Services | Non-voting" in part


def test_qualified_majority_casting_vote_and_chair_variants(tmp_path: Path) -> None:
    def change(d: Any) -> None:
        board = d["bodies"][0]
        board["voting"] = {"rule": "qualified_majority", "threshold": 75, "casting_vote": False}
        board["chair"] = {"method": "rotating", "rotation_months": 6, "vice_chair": True}
        d["bodies"][2]["members"] = [{"party": p, "role": "Partnership Director"} for p in ("EPUT", "NELFT", "Provide")]
        d["bodies"][2]["voting"] = {"rule": "simple_majority", "casting_vote": True}
        d["bodies"][2]["chair"] = {"method": "named_party", "party": "NELFT", "vice_chair": False}
        d["bodies"][3]["chair"] = {"method": "independent", "vice_chair": True}

    built = _build(_variant(tmp_path, "msecc", change), tmp_path / "out")
    _clean(built)
    parts = built.parts()
    board = "\n".join(parts["Part 1: Community Collaborative Board"])
    assert "at least 75% of the votes cast by the Voting Members present are in favour" in board
    assert "casting vote" not in board
    assert "holds the chair for a period of six (6) months" in board
    assert "(EPUT, NELFT and Provide, in that order)" in board
    jog = "\n".join(parts["Part 3: Joint Operational Group"])
    assert "simple majority of the votes cast" in jog
    assert "the chair has a second or casting vote" in jog
    assert "the member nominated by NELFT" in jog and "There is no vice-chair" in jog
    performance = "\n".join(parts["Part 4: Performance Sub-Committee"])
    assert "an independent person who is not a director, officer, employee" in performance


def test_committees_in_common(tmp_path: Path) -> None:
    def change(d: Any) -> None:
        d["legal_form"] = "committees_in_common"
        d["bodies"][0]["voting"] = {"rule": "consensus", "casting_vote": False}
        d["bodies"][0]["chair"] = {"method": "independent", "vice_chair": True}

    built = _build(_variant(tmp_path, "joint_committee", change), tmp_path / "out")
    _clean(built)
    part = "\n".join(built.parts()["Part 1: Elective Surgery Joint Committee"])
    assert "Each committee is a committee of its own Party only" in part
    assert "Each Party's committee decides only for its own Party" in part
    assert "No committee, and no chair, can make or block a decision for another Party" in part
    assert "WHT | the WHT committee of the Elective Surgery Joint Committee | [●]" in part
    assert "casting vote" not in part
    assert "is not a member of any Party's committee and has no vote" in part
    sod = built.text("sod")
    assert "Each Party delegates to its own committee" in sod
    assert "WHT | WHT's committee of the Elective Surgery Joint Committee" in sod


def test_lead_provider(tmp_path: Path) -> None:
    def change(d: Any) -> None:
        d["legal_form"] = "lead_provider"
        d["parties"][0]["roles"] = ["lead_provider", "host"]
        d["bodies"][0]["meetings"]["in_public"] = True

    built = _build(_variant(tmp_path, "msecc", change), tmp_path / "out")
    _clean(built)
    board = "\n".join(built.parts()["Part 1: Community Collaborative Board"])
    assert (
        'Essex Partnership University NHS Foundation Trust ("EPUT") holds the contract with the commissioner' in board
    )
    assert "Meetings of the Community Collaborative Board are held in public" in board
    assert "EPUT acts as host of the MSECC" in built.text("sod")


def test_mou_only(examples: dict[str, Built]) -> None:
    built = examples["nottingham"]
    part = "\n".join(built.parts()["Part 1: Chief Executives' Group"])
    assert "advisory forum of the Parties established under the Memorandum of Understanding" in part
    assert "has no delegated authority" in part and " shall " not in part
    assert "agrees recommendations by consensus" in part

    sod = built.text("sod")  # the example asks for the scheme, to record that nothing is delegated
    assert "No Party delegates any function, decision or financial authority to the Collaborative" in sod
    assert "Every decision on the work of the Collaborative returns to the board of each Party" in sod
    assert "Each Party remains solely accountable and liable" in sod


# ------------------------------------------------------------------------------------------------ in the CJV


def test_clauses_read_as_schedules_of_the_agreement() -> None:
    """The agreement's Schedule 1 reuses tor.* for the board and Schedule 2 the sod.* clauses."""
    library = load_library()
    tor = list(library.documents[DocumentKind.TOR].schedules[0].clauses)
    sod = [c for c in library.documents[DocumentKind.SOD].body if c != "sod.interpretation"]
    doc = DocumentDef(
        kind=DocumentKind.CJV,
        title="Collaboration Agreement",
        self_name="Agreement",
        parties="common.parties",
        body=list(library.documents[DocumentKind.CJV].body),
        schedules=[
            ScheduleDef(
                title="Terms of Reference of the {{ board.name }}",
                for_each="[board]",
                item="body",
                clauses=tor,
                anchor="cjv.tor_schedule",
            ),
            ScheduleDef(title="Scheme of Delegation", clauses=sod, anchor="cjv.sod_schedule"),
        ],
        file_name="agreement",
    )
    answers = load_answers(ANSWERS / "msecc.yaml").answers
    composed = compose_document(library, doc, answers, check(answers), env=make_environment(library=library))
    # the schedules this test leaves out
    assert composed.broken_refs == ["cjv.accession_schedule", "cjv.concordats_schedule", "cjv.dra_schedule"]
    text = "\n".join(b.plain() for b in composed.blocks if b.kind is not BlockKind.NOTE)
    assert "[[" not in text and "{{" not in text
    assert "This Schedule sets out the terms of reference of the Community Collaborative Board" in text
    assert "established by the Parties under this Agreement as a contractual board" in text
    assert "A change takes effect only as clause" in text  # the one variation regime, in the agreement
    assert "This Schedule records the authority that each Party has given" in text
    assert "this Part" not in text and "Terms of Reference are made under" not in text
    assert "Collaboration Agreement" not in text.split("Schedule 1", 1)[-1]
