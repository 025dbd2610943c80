"""Governance rules: each rule and consistency check fires on broken answers and is silent once fixed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from assembler.answers_file import load_answers
from assembler.model import Answers, DisputeTier, Mediation, PooledFund
from assembler.rules import RULES, Finding, Severity, check, errors_in

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "rules"

Data = dict[str, Any]
Change = Callable[[Data], None]

E, W = Severity.ERROR, Severity.WARNING


@cache
def _example_data(name: str) -> Data:
    return load_answers(ROOT / "answers" / f"{name}.yaml").answers.model_dump()


def variant(name: str, *changes: Change) -> Answers:
    """An example's answers with changes applied to its data, validated again as the tool would."""
    data = Answers.model_validate(_example_data(name)).model_dump()
    for change in changes:
        change(data)
    return Answers.model_validate(data)


def _step(container: Any, key: str) -> tuple[Any, str | int]:
    index = re.fullmatch(r"(\w+)\[(\d+)\]", key)
    if index:
        return container[index[1]], int(index[2])
    return container, key


def _locate(data: Data, path: str) -> tuple[Any, str | int]:
    parts = path.split(".")
    node: Any = data
    for part in parts[:-1]:
        node, key = _step(node, part)
        node = node[key]
    return _step(node, parts[-1])


def sets(**values: Any) -> Change:
    """Set answers by field path; ``__`` in a keyword stands for ``.`` and ``_i_`` for ``[i]``."""

    def change(data: Data) -> None:
        for raw, value in values.items():
            path = re.sub(r"_(\d+)_", r"[\1]", raw).replace("__", ".")
            node, key = _locate(data, path)
            node[key] = value

    return change


def put(path: str, value: Any) -> Change:
    """Set one answer by its field path as the findings write it."""

    def change(data: Data) -> None:
        node, key = _locate(data, path)
        node[key] = value

    return change


def append(path: str, value: Any) -> Change:
    def change(data: Data) -> None:
        node, key = _locate(data, path)
        node[key].append(value)

    return change


def remove(path: str) -> Change:
    def change(data: Data) -> None:
        node, key = _locate(data, path)
        del node[key]

    return change


def of(rule_id: str, findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule == rule_id]


@dataclass(frozen=True)
class Case:
    """A rule, the broken answers that make it fire (severity, field) and the change that fixes them."""

    name: str
    rule: str
    severity: Severity
    field: str
    base: str
    breaks: tuple[Change, ...]
    fixes: tuple[Change, ...]


def case(
    name: str,
    rule: str,
    severity: Severity,
    field: str,
    base: str,
    breaks: Change | list[Change],
    fixes: Change | list[Change],
) -> Case:
    return Case(
        name,
        rule,
        severity,
        field,
        base,
        tuple(breaks if isinstance(breaks, list) else [breaks]),
        tuple(fixes if isinstance(fixes, list) else [fixes]),
    )


NHSE = {"short_name": "NHSE", "name": "NHS England", "kind": "nhs_england", "roles": ["member"]}
OTHER = {"short_name": "Hospice", "name": "A Hospice", "kind": "other", "roles": ["member"]}
JC_DELEGATION = {"to_body": "joint_committee", "function": "x", "legal_basis": "y"}
JC = "joint_committee"
MS = "msecc"
MSECC_BOARD_ONLY = {
    "id": "board",
    "name": "Community Collaborative Board",
    "members": [{"party": p, "role": "Chief Executive", "board_director": True} for p in ("EPUT", "NELFT", "Provide")],
}
NT = "nottingham"
FULL_FUND = _example_data(JC)["finance"]["pooled_fund"]
RESERVED = ["admission of a new party"]


def _ft_delegation(function: str) -> Change:
    return append("delegations", {"from_party": "EHFT", **JC_DELEGATION, "function": function})


CASES = [
    # R20: each voting member can hold authority to decide for its party (a foundation trust's chair cannot alone)
    case(
        "R20 foundation trust chair votes on a contractual board",
        "R20",
        W,
        "bodies[0].members[0].role",
        MS,
        [put("bodies", [MSECC_BOARD_ONLY]), put("bodies[0].members[0].role", "Chair")],
        put("bodies[0].members[0].role", "Chief Executive"),
    ),
    # R1: only NHS relevant bodies vote in a joint committee or committees in common
    case(
        "R1 CIC votes on a joint committee",
        "R1",
        E,
        "bodies[0].members[4].party",
        MS,
        put("legal_form", "joint_committee"),
        put("bodies[0].members[4].voting", False),
    ),
    case(
        "R1 council votes on a joint committee",
        "R1",
        E,
        "bodies[0].members[8].party",
        JC,
        put("bodies[0].members[8].voting", True),
        put("bodies[0].members[8].voting", False),
    ),
    # R2: a foundation trust's committee in common holds only its directors
    case(
        "R2 non-director",
        "R2",
        E,
        "bodies[0].members[3].board_director",
        JC,
        [put("legal_form", "committees_in_common"), put("bodies[0].members[3].board_director", False)],
        put("bodies[0].members[3].board_director", True),
    ),
    case(
        "R2 director status unknown",
        "R2",
        E,
        "bodies[0].members[3].board_director",
        JC,
        [put("legal_form", "committees_in_common"), put("bodies[0].members[3].board_director", None)],
        put("bodies[0].members[3].board_director", True),
    ),
    # R3: NHS England's delegations are limited by regulation 2
    case(
        "R3 NHS England delegates",
        "R3",
        W,
        "delegations[5].function",
        JC,
        [append("parties", NHSE), append("delegations", {"from_party": "NHSE", **JC_DELEGATION})],
        put("delegations[5].from_party", "ICB"),
    ),
    # R4: a local authority does not delegate to an NHS joint committee
    case(
        "R4 council delegates to the joint committee",
        "R4",
        E,
        "delegations[5].from_party",
        JC,
        append("delegations", {"from_party": "WCC", **JC_DELEGATION}),
        remove("delegations[5]"),
    ),
    # R5: corporate governance functions stay with each party
    case(
        "R5 annual accounts in a remit",
        "R5",
        E,
        "bodies[0].remit[4]",
        JC,
        append("bodies[0].remit", "approving each Party's Annual Accounts"),
        remove("bodies[0].remit[4]"),
    ),
    case(
        "R5 audit committee delegated",
        "R5",
        E,
        "delegations[0].function",
        JC,
        put("delegations[0].function", "the functions of the Audit Committee"),
        put("delegations[0].function", "planning elective surgery"),
    ),
    case(
        "R5 joint remuneration committee",
        "R5",
        E,
        "bodies[2].name",
        JC,
        put("bodies[2].name", "Joint Remuneration and Nominations Committee"),
        put("bodies[2].name", "Finance and Performance Group"),
    ),
    case(
        "R5 annual report",
        "R5",
        E,
        "delegations[0].function",
        JC,
        put("delegations[0].function", "approving the annual report"),
        put("delegations[0].function", "reporting performance each quarter"),
    ),
    # R6: governors' statutory functions are never delegated
    case(
        "R6 appointing the chair",
        "R6",
        E,
        "delegations[5].function",
        JC,
        _ft_delegation("appointing and removing the Chair and non-executive directors"),
        remove("delegations[5]"),
    ),
    case(
        "R6 NED pay",
        "R6",
        E,
        "delegations[5].function",
        JC,
        _ft_delegation("setting the remuneration of the non-executive directors"),
        put("delegations[5].function", "setting the remuneration of bank staff"),
    ),
    case(
        "R6 auditor",
        "R6",
        E,
        "delegations[5].function",
        JC,
        _ft_delegation("appointing the external auditor"),
        put("delegations[5].function", "agreeing the pooled fund's audit timetable"),
    ),
    case(
        "R6 chief executive",
        "R6",
        E,
        "delegations[5].function",
        JC,
        _ft_delegation("approving the appointment of the chief executive"),
        put("delegations[5].function", "appointing the chair of the Clinical Reference Group"),
    ),
    case(
        "R6 in a remit",
        "R6",
        E,
        "bodies[0].remit[4]",
        JC,
        append("bodies[0].remit", "appointing the non-executive directors"),
        remove("bodies[0].remit[4]"),
    ),
    # R7: governors approve a significant transaction, per foundation trust
    case(
        "R7 CJV with foundation trusts whose significance is not yet known",
        "R7",
        W,
        "parties[0].significant_transaction",
        MS,
        [],
        [put("parties[0].significant_transaction", "no"), put("parties[1].significant_transaction", "no")],
    ),
    case(
        "R7 a significant transaction the governors have not yet approved",
        "R7",
        W,
        "approvals.governors_approval",
        MS,
        [put("parties[0].significant_transaction", "yes"), put("parties[1].significant_transaction", "no")],
        put("approvals.governors_approval", True),
    ),
    case(
        "R7 pooled fund with foundation trusts",
        "R7",
        W,
        "finance.pooled_fund",
        JC,
        [],
        [put("parties[1].significant_transaction", "no"), put("parties[2].significant_transaction", "no")],
    ),
    case(
        "R7 any binding arrangement a foundation trust enters, not only a CJV",
        "R7",
        W,
        "legal_form",
        JC,
        put("finance.pooled_fund", None),
        [put("parties[1].significant_transaction", "no"), put("parties[2].significant_transaction", "no")],
    ),
    # R8: committees in common cannot outvote a body
    case(
        "R8 majority vote",
        "R8",
        E,
        "bodies[0].voting.rule",
        JC,
        put("legal_form", "committees_in_common"),
        put("bodies[0].voting.rule", "consensus"),
    ),
    case(
        "R8 casting vote",
        "R8",
        E,
        "bodies[0].voting.casting_vote",
        MS,
        [put("legal_form", "committees_in_common"), put("bodies[0].voting.casting_vote", True)],
        put("bodies[0].voting.casting_vote", False),
    ),
    # R9: majority voting needs minority protection
    case(
        "R9 weighted votes without reserved matters",
        "R9",
        W,
        "decisions.reserved_matters",
        JC,
        put("decisions.reserved_matters", []),
        put("decisions.reserved_matters", RESERVED),
    ),
    case(
        "R13 a deciding board to which nobody delegates",
        "R13",
        W,
        "delegations",
        JC,
        put("delegations", []),
        append("delegations", {"from_party": "EHFT", **JC_DELEGATION}),
    ),
    # R10: quorum
    case(
        "R10 and R1 agree: a party barred from voting is not required for the quorum",
        "R1",
        E,
        "bodies[0].members[4].party",
        MS,
        put("legal_form", "joint_committee"),
        put("bodies[0].members[4].voting", False),  # R1's fix, which R10 then accepts (see the test below)
    ),
    case(
        "R10 quorum above the voting members",
        "R10",
        E,
        "bodies[0].quorum.members",
        MS,
        put("bodies[0].quorum.members", 6),
        put("bodies[0].quorum.members", 5),
    ),
    case(
        "R10 each-party quorum with a non-voting party",
        "R10",
        E,
        "bodies[0].quorum.each_party",
        MS,
        put("bodies[0].members[4].voting", False),
        put("bodies[0].members[4].voting", True),
    ),
    case(
        "R10 binding decisions without each party",
        "R10",
        W,
        "bodies[0].quorum.each_party",
        MS,
        put("bodies[0].quorum.each_party", False),
        put("bodies[0].quorum.each_party", True),
    ),
    # R11: casting votes and weights
    case(
        "R11 casting vote with consensus",
        "R11",
        E,
        "bodies[0].voting.casting_vote",
        MS,
        put("bodies[0].voting.casting_vote", True),
        put("bodies[0].voting.rule", "simple_majority"),
    ),
    case(
        "R11 casting vote with unanimity",
        "R11",
        E,
        "bodies[1].voting.casting_vote",
        NT,
        [put("bodies[1].voting.rule", "unanimous"), put("bodies[1].voting.casting_vote", True)],
        put("bodies[1].voting.casting_vote", False),
    ),
    case(
        "R11 weight missing",
        "R11",
        E,
        "bodies[0].voting.weights",
        JC,
        put("bodies[0].voting.weights", {"WHT": 3, "EHFT": 3, "ICB": 2}),
        put("bodies[0].voting.weights", {"WHT": 3, "EHFT": 3, "ICB": 2, "NCFT": 2}),
    ),
    case(
        "R11 no weights at all",
        "R11",
        E,
        "bodies[0].voting.weights",
        JC,
        put("bodies[0].voting.weights", None),
        put("bodies[0].voting.rule", "simple_majority"),
    ),
    case(
        "R11 weight not positive",
        "R11",
        E,
        "bodies[0].voting.weights.NCFT",
        JC,
        put("bodies[0].voting.weights.NCFT", 0),
        put("bodies[0].voting.weights.NCFT", 2),
    ),
    case(
        "R11 one party holds most votes",
        "R11",
        W,
        "bodies[0].voting.weights.ICB",
        JC,
        put("bodies[0].voting.weights.ICB", 9),
        put("bodies[0].voting.weights.ICB", 2),
    ),
    # R12: pooled fund elements
    case(
        "R12 fund without audit",
        "R12",
        E,
        "finance.pooled_fund.audit",
        JC,
        put("finance.pooled_fund.audit", None),
        put("finance.pooled_fund.audit", "by the host's auditor"),
    ),
    case(
        "R12 fund without contributions",
        "R12",
        E,
        "finance.pooled_fund.contributions",
        JC,
        put("finance.pooled_fund.contributions", {}),
        put("finance.pooled_fund.contributions", {"ICB": 1}),
    ),
    # R13: each delegation names its delegate and basis
    case(
        "R13 delegation to a missing body",
        "R13",
        E,
        "delegations[0].to_body",
        MS,
        put("delegations[0].to_body", "cabinet"),
        put("delegations[0].to_body", "board"),
    ),
    case(
        "R13 officer delegation without basis",
        "R13",
        E,
        "delegations[3].legal_basis",
        MS,
        put("delegations[3].legal_basis", None),
        put("delegations[3].legal_basis", "the Trust's scheme of delegation"),
    ),
    # R14: execution as a deed
    case(
        "R14 deed with an 'other' party",
        "R14",
        W,
        "parties[5].kind",
        MS,
        append("parties", OTHER),
        put("documents.cjv.form", "under_hand"),
    ),
    case(
        "R14 deed with a charity",
        "R14",
        W,
        "documents.cjv.form",
        JC,
        put("parties[2].kind", "charity"),
        put("parties[2].kind", "company"),
    ),
    # R15: an MoU is not binding
    case(
        "R15 MoU with a delegation",
        "R15",
        E,
        "delegations[0]",
        NT,
        append("delegations", {"from_party": "NUH", "to_body": "board", "function": "x", "legal_basis": "y"}),
        remove("delegations[0]"),
    ),
    case(
        "R15 MoU board votes",
        "R15",
        E,
        "bodies[0].voting.rule",
        NT,
        put("bodies[0].voting.rule", "unanimous"),
        put("bodies[0].voting.rule", "consensus"),
    ),
    case(
        "R15 MoU as a deed",
        "R15",
        E,
        "documents.mou.form",
        MS,
        put("documents.mou.form", "deed"),
        put("documents.mou.form", "under_hand"),
    ),
    # R16: foundation trust directors declare interests
    case(
        "R16 foundation trusts in a CJV",
        "R16",
        W,
        "parties[1].kind",
        MS,
        [],
        [put("parties[0].kind", "nhs_trust"), put("parties[1].kind", "nhs_trust")],
    ),
    case(
        "R16 foundation trusts in a joint committee",
        "R16",
        W,
        "parties[2].kind",
        JC,
        [],
        put("legal_form", "committees_in_common"),
    ),
    # R17: dispute tiers
    case(
        "R17 no tiers",
        "R17",
        W,
        "disputes.tiers",
        MS,
        put("disputes.tiers", []),
        append("disputes.tiers", {"name": "Chief executives", "forum": "the chief executives", "days": 10}),
    ),
    case(
        "R17 repeated tier",
        "R17",
        E,
        "disputes.tiers[2].name",
        MS,
        put("disputes.tiers[2].name", "Operational resolution"),
        put("disputes.tiers[2].name", "Board resolution"),
    ),
    case(
        "R17 a court as an escalation tier ahead of mediation",
        "R17",
        E,
        "disputes.tiers[1].forum",
        MS,
        put("disputes.tiers[1].forum", "the High Court"),
        put("disputes.tiers[1].forum", "the chief executives of the Parties in dispute"),
    ),
    case(
        "R17 no mediation",
        "R17",
        W,
        "disputes.mediation",
        JC,
        put("disputes.mediation", None),
        put("disputes.mediation", {"provider": "CEDR"}),
    ),
    # R18: competition
    case(
        "R18 CJV without competition advice",
        "R18",
        W,
        "approvals.competition_review",
        MS,
        [],
        put("approvals.competition_review", True),
    ),
    case(
        "R18 lead provider",
        "R18",
        W,
        "legal_form",
        MS,
        [put("legal_form", "lead_provider"), put("parties[0].roles", ["lead_provider"])],
        put("legal_form", "mou_only"),
    ),
    # R19: parties exist and are unique
    case(
        "R19 one party",
        "R19",
        E,
        "parties",
        NT,
        [
            put("parties", _example_data(NT)["parties"][:1]),
            put("bodies", []),
            put("documents.mou.parties", None),
        ],
        put("parties", _example_data(NT)["parties"][:2]),
    ),
    case(
        "R19 duplicate short name",
        "R19",
        E,
        "parties[1].short_name",
        NT,
        put("parties[1].short_name", "NottsHC"),
        put("parties[1].short_name", "SFH"),
    ),
    case(
        "R19 unknown member party",
        "R19",
        E,
        "bodies[0].members[0].party",
        MS,
        put("bodies[0].members[0].party", "EPTU"),
        put("bodies[0].members[0].party", "EPUT"),
    ),
    case(
        "R19 unknown delegating party",
        "R19",
        E,
        "delegations[4].from_party",
        JC,
        put("delegations[4].from_party", "Eastvale"),
        put("delegations[4].from_party", "EHFT"),
    ),
    # C1–C7: consistency
    case(
        "C1 duplicate body id",
        "C1",
        E,
        "bodies[1].id",
        MS,
        put("bodies[1].id", "board"),
        put("bodies[1].id", "leadership"),
    ),
    case(
        "C2 unknown parent",
        "C2",
        E,
        "bodies[3].parent",
        MS,
        put("bodies[3].parent", "joint_ops"),
        put("bodies[3].parent", "jog"),
    ),
    case(
        "C2 bodies report in a circle",
        "C2",
        E,
        "bodies[0].parent",
        MS,
        put("bodies[0].parent", "performance"),
        put("bodies[0].parent", None),
    ),
    case(
        "C2 body reports to itself",
        "C2",
        E,
        "bodies[2].parent",
        MS,
        put("bodies[2].parent", "jog"),
        put("bodies[2].parent", "board"),
    ),
    case(
        "C3 named chair without a party",
        "C3",
        E,
        "bodies[0].chair.party",
        MS,
        put("bodies[0].chair.method", "named_party"),
        put("bodies[0].chair.party", "EPUT"),
    ),
    case(
        "C3 rotating chair without a period",
        "C3",
        E,
        "bodies[0].chair.rotation_months",
        MS,
        put("bodies[0].chair.rotation_months", None),
        put("bodies[0].chair.rotation_months", 24),
    ),
    case(
        "C4 cost shares do not total 100",
        "C4",
        E,
        "finance.cost_sharing.shares",
        JC,
        put("finance.cost_sharing.shares.NCFT", 25),
        put("finance.cost_sharing.shares.ICB", 5),
    ),
    case(
        "C4 gain and risk shares do not total 100",
        "C4",
        E,
        "finance.gain_risk_share.shares",
        JC,
        put("finance.gain_risk_share.shares.ICB", 20),
        put("finance.gain_risk_share.shares.ICB", 25),
    ),
    case(
        "C4 a funder's percentage counts towards 100",
        "C4",
        E,
        "finance.cost_sharing.shares",
        "mental_health_mou",
        put("finance.cost_sharing.funders[0].share", 50),
        put("finance.cost_sharing.funders[0].share", 60),
    ),
    case(
        "C4 fixed shares not given",
        "C4",
        E,
        "finance.cost_sharing.shares",
        JC,
        put("finance.cost_sharing.shares", None),
        put("finance.cost_sharing.method", "equal"),
    ),
    case(
        "C5 two hosts",
        "C5",
        E,
        "parties[1].roles",
        MS,
        [put("parties[0].roles", ["member", "host"]), put("parties[1].roles", ["member", "host"])],
        put("parties[1].roles", ["member"]),
    ),
    case(
        "C6 lead provider form without a lead provider",
        "C6",
        E,
        "legal_form",
        MS,
        put("legal_form", "lead_provider"),
        put("parties[0].roles", ["lead_provider"]),
    ),
    case(
        "C7 qualified majority without a threshold",
        "C7",
        E,
        "bodies[0].voting.threshold",
        JC,
        put("bodies[0].voting.rule", "qualified_majority"),
        put("bodies[0].voting.threshold", 75),
    ),
    case(
        "C7 qualified majority of half",
        "C7",
        E,
        "bodies[0].voting.threshold",
        JC,
        [put("bodies[0].voting.rule", "qualified_majority"), put("bodies[0].voting.threshold", 50)],
        put("bodies[0].voting.threshold", 66.67),
    ),
    case(
        "C8 an agreement asked for under an MoU-only form",
        "C8",
        E,
        "documents.cjv.produce",
        MS,
        put("legal_form", "mou_only"),
        put("documents.cjv.produce", False),
    ),
    case(
        "C8 a binding form with no bodies",
        "C8",
        E,
        "bodies",
        MS,
        [put("bodies", []), put("delegations", [])],
        put("bodies", [MSECC_BOARD_ONLY]),
    ),
    case(
        "C9 a body subject to a condition that is not stated",
        "C9",
        W,
        "bodies[0].takes_effect",
        MS,
        put("bodies[0].status", "conditional"),
        put("bodies[0].takes_effect", "the ICB's delegation to it takes effect"),
    ),
    case(
        "C9 a committee of the lead provider with no lead provider",
        "C9",
        E,
        "bodies[1].nature",
        MS,
        put("bodies[1].nature", "lead_provider_committee"),
        put("bodies[1].nature", "advisory"),
    ),
    case(
        "C10 an answer naming a document the pack does not produce",
        "C10",
        W,
        "delegations[0].legal_basis",
        MS,
        [put("documents.sod.produce", False), put("delegations[0].legal_basis", "the MSECC scheme of delegation")],
        put("delegations[0].legal_basis", "EPUT's own scheme of delegation"),
    ),
]


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_rule_fires_on_broken_answers(c: Case) -> None:
    findings = of(c.rule, check(variant(c.base, *c.breaks)))
    assert any(f.severity == c.severity and c.field in f.fields for f in findings), findings


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_rule_is_silent_once_fixed(c: Case) -> None:
    assert of(c.rule, check(variant(c.base, *c.breaks, *c.fixes))) == []


def test_every_rule_is_covered_by_a_case() -> None:
    assert {r.id for r in RULES} == {c.rule for c in CASES}
    assert {f"R{n}" for n in range(1, 21)} | {f"C{n}" for n in range(1, 11)} == {r.id for r in RULES}


# ------------------------------------------------------------------------------------------- examples


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_have_no_errors(path: Path) -> None:
    assert errors_in(check(load_answers(path).answers)) == []


def test_there_are_three_examples() -> None:
    assert {p.stem for p in EXAMPLES} >= {"msecc", "nottingham", "joint_committee"}


def test_nottingham_has_no_findings() -> None:
    assert check(variant(NT)) == []


# ------------------------------------------------------------------------------------------- details


def test_unverified_rules_say_so() -> None:
    unverified = {r.id for r in RULES if r.unverified}
    assert unverified == {"R1", "R2", "R5", "R17", "R20"}
    finding = of("R1", check(variant(MS, put("legal_form", "joint_committee"))))[0]
    assert finding.unverified
    assert "could not be verified" in finding.text()
    assert "could not be verified" in str(finding.as_dict()["message"])
    verified = of("R18", check(variant(MS)))[0]
    assert "could not be verified" not in verified.text()


def test_findings_carry_source_and_fix() -> None:
    findings = check(variant(MS, put("legal_form", "joint_committee"), put("bodies[0].quorum.members", 9)))
    assert findings
    for f in findings:
        assert f.message and f.fix and f.source and f.fields
    r1 = of("R1", findings)[0]
    assert "s65Z6" in r1.source
    assert "Provide" in r1.message


def test_errors_come_first_then_rule_order() -> None:
    findings = check(variant(MS, put("bodies[0].quorum.members", 9), put("bodies[1].id", "board")))
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=lambda s: s != E)
    assert [f.rule for f in errors_in(findings)] == ["R10", "C1"]


def test_r1_ignores_non_voting_members_and_contractual_boards() -> None:
    assert of("R1", check(variant(MS))) == []
    assert of("R1", check(variant(JC))) == []


def test_r1_reports_each_party_once_per_body() -> None:
    answers = variant(
        MS,
        put("legal_form", "committees_in_common"),
        append("bodies[0].members", {"party": "Provide", "role": "Chair"}),
    )
    assert len(of("R1", check(answers))) == 1


def test_r3_lists_the_regulation_2_limits() -> None:
    answers = variant(JC, append("parties", NHSE), append("delegations", {"from_party": "NHSE", **JC_DELEGATION}))
    (finding,) = of("R3", check(answers))
    assert "14Z25" in finding.message and "27B" in finding.message


def test_r4_allows_a_council_delegation_in_a_cjv() -> None:
    answers = variant(JC, put("legal_form", "cjv"), append("delegations", {"from_party": "WCC", **JC_DELEGATION}))
    assert of("R4", check(answers)) == []


def test_r6_only_checks_foundation_trusts() -> None:
    answers = variant(
        JC, append("delegations", {"from_party": "WHT", **JC_DELEGATION, "function": "appointing the chair"})
    )
    assert of("R6", check(answers)) == []


def test_r12_reports_every_missing_element() -> None:
    answers = variant(JC, put("finance.pooled_fund", {}))
    fields = {f.fields[0] for f in of("R12", check(answers))}
    assert fields == {f"finance.pooled_fund.{name}" for name in PooledFund.model_fields}
    assert set(FULL_FUND) == set(PooledFund.model_fields)


def test_r14_accepts_every_kind_in_the_execution_table() -> None:
    kinds = ["nhs_trust", "nhs_foundation_trust", "icb", "cic", "company", "local_authority"]
    for kind in kinds:
        assert of("R14", check(variant(MS, put("parties[2].kind", kind)))) == [], kind


def test_r17_positive_days() -> None:
    answers = variant(MS)
    answers.disputes.tiers = [DisputeTier.model_construct(name="Chief executives", forum="them", days=0)]
    (finding,) = of("R17", check(answers))
    assert (finding.severity, finding.fields) == (E, ("disputes.tiers[0].days",))
    answers.disputes.tiers = [DisputeTier(name="Chief executives", forum="them", days=5)]
    assert of("R17", check(answers)) == []


def test_r17_positive_mediation_days() -> None:
    answers = variant(MS)
    answers.disputes.mediation = Mediation.model_construct(provider="CEDR", days=0)
    assert [f.fields for f in of("R17", check(answers))] == [("disputes.mediation.days",)]


def test_rules_run_on_fixture_files() -> None:
    findings = check(load_answers(FIXTURES / "cic_joint_committee.yaml").answers)
    assert {f.rule for f in errors_in(findings)} >= {"R1", "R4"}
    fixed = check(load_answers(FIXTURES / "cic_contractual_board.yaml").answers)
    assert errors_in(fixed) == []


def test_r10_accepts_r1_s_fix() -> None:
    """Making the CIC non-voting on a joint committee (R1's fix) does not make R10 ask for its vote back."""
    fixed = check(variant(MS, put("legal_form", "joint_committee"), put("bodies[0].members[4].voting", False)))
    assert of("R1", fixed) == []
    assert [f for f in of("R10", fixed) if f.severity == E] == []
