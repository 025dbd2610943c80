"""The collaboration (CJV) agreement's content: every outline-B section, the MSECC facts, and legal-form variants."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import docx
import pytest
from ruamel.yaml import YAML

from assembler.assembly import build
from assembler.library import Library, load_library
from assembler.model import DocumentKind

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "answers"

# Outline B (documents.md): each section and the clauses that carry it.
OUTLINE: dict[str, list[str]] = {
    "Parties": ["common.parties"],
    "Recitals": ["common.recitals"],
    "Definitions and interpretation": ["cjv.definitions"],
    "Commencement and term": ["cjv.term"],
    "Purpose, objectives and scope": ["cjv.purpose"],
    "Principles and good faith": ["cjv.principles"],
    "Relationship to each party's commissioner contract": ["cjv.contracts"],
    "Governance structure": ["cjv.governance"],
    "The collaborative board": ["cjv.board"],
    "Decision-making": ["cjv.decisions"],
    "Matters each party's own board must approve": ["cjv.party_reserved"],
    "Host role and host fee": ["cjv.host"],
    "Finance": ["cjv.finance"],
    "Pooled fund": ["cjv.pooled_fund"],
    "Staffing, joint posts and secondments": ["cjv.staffing"],
    "Quality and clinical governance": ["cjv.quality"],
    "Performance and reporting": ["cjv.performance"],
    "Information governance and data sharing": ["cjv.information"],
    "Confidentiality and FOI": ["cjv.confidentiality"],
    "Intellectual property": ["cjv.ip"],
    "Liability, indemnity and insurance": ["cjv.liability"],
    "Conflicts of interest": ["cjv.conflicts"],
    "Competition law and procurement": ["cjv.competition"],
    "New parties (deed of accession)": ["cjv.new_parties", "cjv.accession"],
    "Exit and termination": ["cjv.exit"],
    "Dispute resolution": ["cjv.disputes", "dra.scope", "dra.tiers"],
    "Variation": ["cjv.variation"],
    "Boilerplate": ["cjv.boilerplate"],
    "Schedule: terms of reference": ["tor.constitution", "tor.voting", "tor.reserved"],
    "Schedule: scheme of delegation": ["sod.status", "sod.limits"],
    "Execution": ["common.execution"],
}
# Sections that appear only when the answers call for them.
CONDITIONAL = {"cjv.host": "host or host fee", "cjv.pooled_fund": "pooled fund"}

_yaml = YAML(typ="safe", pure=True)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


class Built:
    """One built CJV: its paragraphs (drafting notes apart), tables and report entry."""

    def __init__(self, out: Path) -> None:
        files = list(out.glob("*-collaboration-agreement.docx"))
        assert len(files) == 1, files
        document = docx.Document(str(files[0]))
        paragraphs = [(p.text, p.style.name if p.style is not None else "") for p in document.paragraphs]
        self.paragraphs = [text.strip() for text, _ in paragraphs if text.strip()]
        self.body = [text for text, style in paragraphs if text.strip() and style != "DraftingNote"]
        self.notes = [text for text, style in paragraphs if text.strip() and style == "DraftingNote"]
        self.cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        report = json.loads((out / "assembly-report.json").read_text(encoding="utf-8"))
        (self.report,) = [d for d in report["documents"] if d["kind"] == "cjv"]
        self.included = {c["id"] for c in self.report["clauses"]}

    @property
    def text(self) -> str:
        """Operative text (no drafting notes), tables included."""
        return "\n".join(self.body + self.cells)

    @property
    def all_text(self) -> str:
        return "\n".join(self.body + self.notes + self.cells)


def _build(path: Path, out: Path, library: Library) -> Built:
    build(path, out_dir=out, only=[DocumentKind.CJV], library=library)
    return Built(out)


def _variant(tmp_path: Path, name: str, change: Any) -> Path:
    """A modified copy of the joint committee example, written to a tmp file."""
    data = _yaml.load((ANSWERS / "joint_committee.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    change(data)
    path = tmp_path / f"{name}.yaml"
    with path.open("w", encoding="utf-8") as handle:
        YAML(typ="safe", pure=True).dump(data, handle)
    return path


def _cjv_examples() -> list[Path]:
    out = []
    for path in sorted(ANSWERS.glob("*.yaml")):
        data = _yaml.load(path.read_text(encoding="utf-8"))
        choice = (data.get("documents") or {}).get("cjv") or {}
        if data.get("legal_form", "cjv") != "mou_only" and choice.get("produce", True):
            out.append(path)
    return out


def _assert_clean(built: Built) -> None:
    assert built.report["broken_references"] == []
    assert "{{" not in built.all_text and "{%" not in built.all_text


@pytest.fixture(scope="module")
def examples(library: Library, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    return {p.stem: _build(p, tmp_path_factory.mktemp(p.stem), library) for p in _cjv_examples()}


def test_every_cjv_example_builds_cleanly(examples: dict[str, Built]) -> None:
    assert {"msecc", "joint_committee"} <= set(examples)
    for built in examples.values():
        _assert_clean(built)


def test_outline_sections_are_included_and_headed(examples: dict[str, Built], library: Library) -> None:
    for section, ids in OUTLINE.items():
        for clause_id in ids:
            assert clause_id in library.clauses, (section, clause_id)
            title = library.clause(clause_id).meta.title
            hosts = [b for b in examples.values() if clause_id in b.included]
            if clause_id not in CONDITIONAL:
                assert len(hosts) == len(examples), (section, clause_id)
            assert hosts, (section, clause_id)
            for built in hosts:
                headings = set(built.paragraphs)
                if clause_id.startswith("cjv."):
                    assert title in headings, (section, clause_id, title)


def test_msecc_agreement_names_its_parties_bodies_and_decisions(examples: dict[str, Built]) -> None:
    built = examples["msecc"]
    text = built.text
    for name in (
        "Essex Partnership University NHS Foundation Trust",
        "North East London NHS Foundation Trust",
        "Provide Community Interest Company",
    ):
        assert name in text
    assert not any("Integrated Care Board" in p for p in built.body if p.startswith("Executed"))
    # the board and its members
    assert "Community Collaborative Board" in text
    for role in ("Chair", "Chief Executive", "Group Chief Executive"):
        assert role in built.cells
    # sub-groups
    for body in ("Joint Operational Group", "Performance Sub-Committee", "Quality Sub-Committee", "Leadership Team"):
        assert body in text
    # the decision rule (consensus) and reserved matters (unanimity)
    assert "by consensus of the voting members present" in text
    assert "admission of a new party" in text
    assert "may be decided only with the agreement of every Party" in text
    assert "casting vote" not in text
    # contractual board, not a delegation of statutory functions; no host clause without a host
    assert "contractual board" in text and "section 65Z6" not in text
    assert "cjv.host" not in built.included and "cjv.pooled_fund" not in built.included
    # execution blocks: two foundation trusts and a CIC, as a deed
    executed = [p for p in built.body if p.startswith(("Executed as a deed by ", "The common seal of "))]
    assert sum("NHS Foundation Trust was affixed to this deed" in p for p in executed) == 2 * 2  # and in accession
    assert any("Provide Community Interest Company acting by two authorised signatories" in p for p in executed)
    # staffing facts
    assert "Thurrock Council" in built.cells
    assert "employs no staff" in text


def test_joint_committee_agreement(examples: dict[str, Built]) -> None:
    built = examples["joint_committee"]
    text = built.text
    assert "joint committee under section 65Z6" in text
    assert "Only the voting members appointed by a Party that is an NHS relevant body may vote" in text
    assert "weighted vote" in text and "The chair has no casting vote" in text
    assert {"cjv.host", "cjv.pooled_fund"} <= built.included
    assert "£60,000" in text and "£15,000,000" in built.cells
    assert "fetters the exercise of its commissioning functions" in text


def _to_committees_in_common(data: dict[str, Any]) -> None:
    data["legal_form"] = "committees_in_common"
    data["bodies"][0]["voting"] = {"rule": "consensus", "casting_vote": False}


def _to_cjv_majority_casting(data: dict[str, Any]) -> None:
    data["legal_form"] = "cjv"
    data["bodies"][0]["voting"] = {"rule": "simple_majority", "casting_vote": True}
    data["decisions"]["reserved_mechanism"] = "locked_gateway"
    data["finance"]["pooled_fund"] = None
    data["liability"]["cap"] = 500000


def _to_lead_provider_qualified(data: dict[str, Any]) -> None:
    data["legal_form"] = "lead_provider"
    data["parties"][1]["roles"] = ["member", "lead_provider"]
    data["bodies"][0]["voting"] = {"rule": "qualified_majority", "threshold": 75, "casting_vote": False}
    data["decisions"]["reserved_mechanism"] = "referral_to_boards"
    data["finance"]["pooled_fund"] = None
    data["finance"]["host_fee"] = None
    data["finance"]["cost_sharing"] = {"method": "proportional_to_income"}


def _to_cjv_unanimous_no_host(data: dict[str, Any]) -> None:
    data["legal_form"] = "cjv"
    data["bodies"][0]["voting"] = {"rule": "unanimous", "casting_vote": False}
    data["parties"][1]["roles"] = ["member"]
    data["finance"] = {"cost_sharing": {"method": "no_shared_costs"}}
    data["disputes"]["final_forum"] = "icb"
    data["membership"]["minimum_term_months"] = None


def test_committees_in_common_never_binds_across_bodies(tmp_path: Path, library: Library) -> None:
    built = _build(_variant(tmp_path, "cic", _to_committees_in_common), tmp_path / "cic", library)
    _assert_clean(built)
    text = built.text
    assert "casting" not in text.lower()
    for rule in ("simple majority", "qualified majority", "weighted vote"):
        assert rule not in text.lower()
    assert "decides only for that Party" in text
    assert "by a majority of the committees" in text  # said only to exclude it
    assert "as a joint committee under section 65Z6" not in text


def test_cjv_simple_majority_with_casting_vote_and_locked_gateways(tmp_path: Path, library: Library) -> None:
    built = _build(_variant(tmp_path, "majority", _to_cjv_majority_casting), tmp_path / "majority", library)
    _assert_clean(built)
    text = built.text
    assert "simple majority" in text
    assert "the chair has a second or casting vote" in text
    assert "locked gateway" in text
    assert "£500,000" in text
    assert "cjv.pooled_fund" not in built.included
    assert "as a joint committee under section 65Z6" not in text and "as a contractual board" in text


def test_lead_provider_qualified_majority_and_referral(tmp_path: Path, library: Library) -> None:
    built = _build(_variant(tmp_path, "lead", _to_lead_provider_qualified), tmp_path / "lead", library)
    _assert_clean(built)
    text = built.text
    assert "Lead Provider" in text and "sub-contract" in text
    assert "at least 75%" in text
    assert "referred to the board of each Party" in text
    assert "casting vote" not in text.replace("The chair has no casting vote", "")
    assert "in proportion to the income" in text


def test_cjv_unanimous_without_shared_costs(tmp_path: Path, library: Library) -> None:
    built = _build(_variant(tmp_path, "unanimous", _to_cjv_unanimous_no_host), tmp_path / "unanimous", library)
    _assert_clean(built)
    text = built.text
    assert "decisions unanimously" in text
    assert "casting vote" not in text
    assert "cjv.host" not in built.included
    assert "do not intend to incur" in text
    assert "referred to the integrated care board" in text
