"""Statutory and good-practice governance rules R1–R9, R12–R16, R18 and R19, each naming its legal source."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..facts import MAJORITY_RULES, STATUTORY_FORMS, Facts, Location, and_list, authority_problem, sentence
from ..model import (
    Answers,
    DecisionRule,
    DocumentForm,
    DocumentKind,
    LegalForm,
    Party,
    PartyKind,
    PooledFund,
    Significance,
    label,
)
from .registry import Finding, Rule, rule

# ------------------------------------------------------------------------------------------------- helpers


def _indexed(f: Facts, parties: tuple[Party, ...]) -> list[tuple[int, Party]]:
    """Parties with their index in the answers (for the locations of a finding)."""
    return [(i, p) for i, p in enumerate(f.answers.parties) if p in parties]


def _names(parties: list[tuple[int, Party]]) -> str:
    return and_list([p.short_name for _, p in parties])


def _scan(text: str, patterns: dict[str, re.Pattern[str]]) -> list[str]:
    """The descriptions of every pattern found in ``text``."""
    return [what for what, pattern in patterns.items() if pattern.search(text)]


def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# ------------------------------------------------------------------------------------------------- rules


@rule(
    "R1",
    "Only NHS relevant bodies vote where statutory functions are exercised jointly",
    "NHS Act 2006 s65Z5/s65Z6, inserted by s71 Health and Care Act 2022 (section text not read here: "
    "secondary sources); s47A; NHS Providers / Browne Jacobson practical guide on joint ventures",
    unverified=True,
)
def _relevant_bodies(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    for bf in f.deciding_bodies:
        flagged: set[str | None] = set()
        nature_at: Location = ("bodies", bf.index, "nature") if bf.nature_answered else ("legal_form",)
        for m in bf.members:
            if not m.barred or m.party in flagged:
                continue
            flagged.add(m.party)
            p = f.party(m.party) if m.party is not None else None
            if p is None:
                yield r.error(
                    f"The {m.role} votes on the {bf.name}, but represents no party, and committees in common are "
                    "each party's own committee: an independent member sits on none of them and cannot vote.",
                    [("bodies", bf.index, "members", m.index, "voting"), nature_at],
                    f"make the {m.role} non-voting (the chair of the meeting in common may still preside)",
                )
                continue
            yield r.error(
                f"{p.short_name} ({label(p.kind)}) is not an NHS relevant body, so it cannot vote on the "
                f"{bf.name}, which exercises NHS functions as {bf.nature_sentence}.",
                [("bodies", bf.index, "members", m.index, "party"), nature_at],
                f"make {p.short_name}'s members of the {bf.name} non-voting, or make the {bf.name} a contractual "
                "board (nature: contractual_board), which exercises no statutory function",
            )


@rule(
    "R2",
    "A foundation trust's committee in common contains only its directors",
    "NHS Act 2006 Sch 7 para 15(3) (confirmed, pre-2022 wording); the 2022 change for joint committees: "
    "secondary sources only",
    unverified=True,
)
def _ft_committee_directors(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    for bf in f.deciding_bodies:
        for m in bf.members:
            if not m.non_director:
                continue
            status = "is not" if m.board_director is False else "is not recorded as"
            yield r.error(
                f"The {m.role} of {m.party} {status} a director of the trust, so cannot sit on its "
                f"committee in common ({bf.name}).",
                [("bodies", bf.index, "members", m.index, "board_director")],
                "set board_director: true if they are a director; otherwise let them attend without "
                "membership, or use a s65Z6 joint committee",
            )


@rule("R3", "NHS England delegates only what regulation 2 allows", "SI 2022/642 reg 2 (in force 1 July 2022)")
def _nhs_england_limits(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    for di, d in enumerate(a.delegations):
        p = f.party(d.from_party)
        if p is not None and p.kind == PartyKind.NHS_ENGLAND:
            yield r.warning(
                "NHS England cannot delegate the functions listed in regulation 2 of SI 2022/642 (e.g. "
                "NHS Act 2006 ss14Z25, 14Z26, 14Z28, 14Z59–14Z62, 27B–27D and 33): check that "
                f"'{d.function}' is not one.",
                [("delegations", di, "function"), ("delegations", di, "from_party")],
                "check the function against regulation 2 and remove the delegation if it is listed",
            )


@rule(
    "R4",
    "A local authority does not delegate to an NHS joint committee",
    "s75 NHS Act 2006 and the 2000 partnership regulations; Local Government Act 1972 s101 (local "
    "authority delegation)",
)
def _local_authority_delegation(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    if a.legal_form not in STATUTORY_FORMS:
        return
    for di, d in enumerate(a.delegations):
        p = f.party(d.from_party)
        if p is not None and p.kind == PartyKind.LOCAL_AUTHORITY and d.to_body is not None:
            yield r.error(
                f"{p.short_name} is a local authority, so it cannot delegate its functions to "
                f"'{d.to_body}' in {sentence(a.legal_form)} of NHS bodies.",
                [("delegations", di, "from_party"), ("delegations", di, "to_body")],
                "remove the delegation and use a section 75 partnership agreement (or the council's own "
                "s101 arrangements) instead",
            )


_CORPORATE_GOVERNANCE = {
    "a remuneration committee": _regex(r"\bremuneration (and \w+ )?committee"),
    "the audit committee": _regex(r"\baudit committee"),
    "the annual or consolidated accounts": _regex(r"\b(annual|consolidated) accounts\b"),
    "the annual report": _regex(r"\bannual reports?\b"),
}


@rule(
    "R5",
    "Corporate governance functions are not delegated",
    "NHS England statutory guidance 'Arrangements for delegation and joint exercise of statutory "
    "functions' (issued under s65Z7; the current edition supersedes September 2022; paragraphs unverified)",
    unverified=True,
)
def _corporate_governance(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    texts: list[tuple[Location, str]] = [
        (("delegations", di, "function"), d.function) for di, d in enumerate(a.delegations)
    ]
    for bi, b in enumerate(a.bodies):
        texts.append((("bodies", bi, "name"), b.name))
        texts.extend((("bodies", bi, "remit", ri), item) for ri, item in enumerate(b.remit))
    for path, text in texts:
        for what in _scan(text, _CORPORATE_GOVERNANCE):
            yield r.error(
                f"'{text}' would hand {what} to the collaborative, but it stays with each party's own board.",
                [path],
                "remove it; list it in decisions.party_reserved_matters instead",
            )


_TRUST_CHAIR = r"chair(man|person)?\b(?!\s+of\s+(?!the\s+(trust|foundation trust)\b))"
"""The chair, but not 'the chair of the Clinical Reference Group': only of the trust itself."""

_GOVERNOR_FUNCTIONS = {
    "appointing or removing the chair or non-executive directors": _regex(
        r"\b(appoint|remov|dismiss)\w*\b.{0,40}\b(" + _TRUST_CHAIR + r"|non[- ]executive|neds?\b)"
    ),
    "setting the pay of the chair or non-executive directors": _regex(
        r"\b(remuneration|pay|allowances?)\b.{0,40}\b(non[- ]executive|neds?\b|" + _TRUST_CHAIR + ")"
    ),
    "appointing or removing the auditor": _regex(r"\b(appoint|remov)\w*\b.{0,40}\b(external )?auditors?\b"),
    "approving the appointment of the chief executive": _regex(
        r"\b(appoint\w*)\b.{0,40}\bchief executive\b|\bchief executive\b.{0,20}\bappointment"
    ),
}


@rule("R6", "Governors' statutory functions are never delegated", "NHS Act 2006 Sch 7")
def _governors(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    foundation_trusts = {p.short_name for p in a.parties if p.kind == PartyKind.NHS_FOUNDATION_TRUST}
    texts: list[tuple[Location, str, str]] = [
        (("delegations", di, "function"), d.function, d.from_party)
        for di, d in enumerate(a.delegations)
        if d.from_party in foundation_trusts
    ]
    for bi, b in enumerate(a.bodies):
        trust = next((m.party for m in b.members if m.party in foundation_trusts), None)
        if trust is not None:
            texts.extend((("bodies", bi, "remit", ri), item, trust) for ri, item in enumerate(b.remit))
    for path, text, trust in texts:
        for what in _scan(text, _GOVERNOR_FUNCTIONS):
            yield r.error(
                f"'{text}' looks like {what}, a statutory function of {trust}'s council of governors that "
                "cannot be delegated.",
                [path],
                "remove it: it stays with the council of governors",
            )


@rule("R7", "Governors approve a significant transaction", "NHS Act 2006 s51A")
def _significant_transaction(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    arrangements: list[str] = []
    fields: list[Location] = []
    if f.binding and (DocumentKind.CJV in f.documents or DocumentKind.TOR in f.documents):
        # any binding arrangement a foundation trust enters may be a significant transaction, not only a CJV
        arrangements.append(f"binding arrangement ({sentence(a.legal_form)})")
        fields.append(("legal_form",))
    if a.finance.pooled_fund is not None:
        arrangements.append("pooled fund")
        fields.append(("finance", "pooled_fund"))
    if not arrangements:
        return
    what = " and ".join(arrangements)
    for i, trust in _indexed(f, f.foundation_trusts):
        significance = f.significance(trust)
        at: list[Location] = [("parties", i, "significant_transaction"), *fields]
        if significance is Significance.YES and a.approvals.governors_approval is not True:
            yield r.warning(
                f"The {what} is a significant transaction for {trust.short_name}: more than half of the members of "
                "its council of governors voting must approve it before the trust enters into it.",
                [*at, ("approvals", "governors_approval")],
                f"put it to {trust.short_name}'s governors, then set approvals.governors_approval: true",
            )
        elif significance is Significance.NOT_YET_KNOWN:
            yield r.warning(
                f"Whether the {what} is a significant transaction for {trust.short_name} is not yet known; if it "
                "is, more than half of its council of governors voting must approve it.",
                at,
                f"check {trust.short_name}'s constitution, then answer whether it is a significant transaction "
                "(yes or no)",
            )


@rule("R8", "In committees in common no body is outvoted", "committees-in-common guidance")
def _committees_in_common(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    for bf in f.deciding_bodies:
        if not bf.in_common:
            continue
        bi, b = bf.index, a.bodies[bf.index]
        if b.voting.rule in MAJORITY_RULES:
            yield r.error(
                f"{b.name} decides by {sentence(b.voting.rule)} across bodies, but in committees in "
                "common each committee decides only for its own body.",
                [("bodies", bi, "voting", "rule"), ("legal_form",)],
                "use consensus or unanimity, each committee deciding for its own body",
            )
        if b.voting.casting_vote:
            yield r.error(
                f"The chair of {b.name} has a casting vote, which would bind a body that disagrees.",
                [("bodies", bi, "voting", "casting_vote"), ("legal_form",)],
                "set voting.casting_vote: false",
            )


@rule("R9", "Majority voting protects the minority", "good governance guidance")
def _minority_protection(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    if a.legal_form not in {LegalForm.JOINT_COMMITTEE, LegalForm.CJV, LegalForm.LEAD_PROVIDER}:
        return
    if a.decisions.reserved_matters:
        return
    for bf in f.deciding_bodies:
        bi, b = bf.index, a.bodies[bf.index]
        if b.voting.rule in MAJORITY_RULES:
            yield r.warning(
                f"{b.name} decides by {sentence(b.voting.rule)} with no reserved matters, so a party can "
                "be outvoted on anything.",
                [("bodies", bi, "voting", "rule"), ("decisions", "reserved_matters")],
                "list reserved matters (decided by unanimity, locked gateways or referral to each party's board)",
            )


_FUND_ELEMENTS = {
    "aims_and_outcomes": "its aims and outcomes",
    "functions": "the functions it covers",
    "contributions": "each party's contribution",
    "contribution_changes": "how contributions may change",
    "people_and_services": "the people and services it covers",
    "resources": "the staff, goods or accommodation provided",
    "shortfall_and_surplus": "how a shortfall or surplus is dealt with",
    "host": "which party hosts it",
    "fund_manager": "who manages it",
    "authorisation": "who authorises payments from it",
    "monitoring_and_reporting": "how it is monitored and reported",
    "audit": "how it is audited",
    "duration": "how long it lasts",
    "review": "how it is reviewed",
    "variation": "how it may be varied",
    "termination": "what happens to it on termination or exit",
}
"""The R12 elements as they read in a sentence, by ``PooledFund`` field."""


@rule(
    "R12",
    "A pooled fund states every element",
    "s65Z6 pooled funds; s75 partnership regulations 2000 reg 7 (pooled funds; as-made text — recheck amendments)",
)
def _pooled_fund(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    fund = a.finance.pooled_fund
    if fund is None:
        return
    for name in PooledFund.model_fields:
        if getattr(fund, name) in (None, [], {}):
            yield r.error(
                f"The pooled fund does not state {_FUND_ELEMENTS.get(name, name.replace('_', ' '))}.",
                [("finance", "pooled_fund", name)],
                f"answer finance.pooled_fund.{name}",
            )


@rule("R13", "Each delegation names its delegate and basis", "NHS Act 2006; statutory guidance")
def _delegations(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    board = f.board
    if board is not None and board.decides and not board.delegations and a.bodies[board.index].members:
        yield r.warning(
            f"The {board.name} is to take decisions for the parties as {sentence(a.legal_form)}, but no party "
            "delegates anything to it, so the drafts make it advisory.",
            [("delegations",), ("bodies", board.index, "remit")],
            f"add each party's delegation to '{board.id}' under delegations, or make the form an MoU",
        )
    for di, d in enumerate(a.delegations):
        if d.to_body is not None and f.body(d.to_body) is None:
            yield r.error(
                f"The delegation from {d.from_party} is to '{d.to_body}', which is not the id of any body.",
                [("delegations", di, "to_body")],
                "use one of: " + ", ".join(b.id for b in a.bodies),
            )
        if d.to_officer is not None and d.legal_basis is None:
            yield r.error(
                f"The delegation from {d.from_party} to the {d.to_officer} does not state its legal basis.",
                [("delegations", di, "legal_basis")],
                "give the basis, e.g. the party's scheme of reservation and delegation",
            )


_DEED_FORMALITY_UNKNOWN = {
    PartyKind.OTHER: "its kind is not known",
    PartyKind.CHARITY: "they depend on whether it is a company, a CIO or a trust",
    PartyKind.NHS_ENGLAND: "the execution table does not cover NHS England",
}


@rule("R14", "Each party can sign in the form chosen", "rules.md execution table")
def _execution(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    for kind in DocumentKind:
        choice = a.documents.get(kind)
        if not choice.produce or choice.form != DocumentForm.DEED:
            continue
        for p in f.document_parties(kind):
            why = _DEED_FORMALITY_UNKNOWN.get(p.kind)
            if why is not None:
                yield r.warning(
                    f"The {sentence(kind)} is a deed, but {p.short_name}'s formalities for executing "
                    f"a deed are unknown ({why}).",
                    [("documents", kind.value, "form"), (*f.party_location(p.short_name), "kind")],
                    "confirm how the party executes a deed and complete its execution block, or sign under hand",
                )


@rule("R15", "An MoU is not legally binding", "drafting practice")
def _mou(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    if a.documents.mou.produce and a.documents.mou.form == DocumentForm.DEED:
        yield r.error(
            "The memorandum of understanding is executed as a deed, but it is not legally binding.",
            [("documents", "mou", "form")],
            "set documents.mou.form: under_hand",
        )
    if a.legal_form != LegalForm.MOU_ONLY:
        return
    for di, d in enumerate(a.delegations):
        yield r.error(
            f"An MoU cannot delegate decisions, but {d.from_party} delegates '{d.function}'.",
            [("delegations", di), ("legal_form",)],
            "remove the delegation, or choose a binding legal form (e.g. cjv)",
        )
    for bi, b in enumerate(a.bodies):
        if b.parent is None and b.voting.rule != DecisionRule.CONSENSUS:
            yield r.error(
                f"Under an MoU {b.name} only makes recommendations, so it cannot decide by {sentence(b.voting.rule)}.",
                [("bodies", bi, "voting", "rule"), ("legal_form",)],
                "set voting.rule: consensus, or choose a binding legal form (e.g. cjv)",
            )


@rule("R16", "Foundation trust directors declare interests", "NHS Act 2006 Sch 7 para 18C")
def _declare_interests(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    if a.legal_form not in {LegalForm.CJV, LegalForm.JOINT_COMMITTEE}:
        return
    trusts = _indexed(f, f.foundation_trusts)
    if trusts:
        yield r.warning(
            f"The directors of {_names(trusts)} must declare any interest in the proposed arrangement to their boards.",
            [("legal_form",), *(("parties", i, "kind") for i, _ in trusts)],
            "ask each foundation trust's company secretary to record the directors' declarations",
        )


@rule("R18", "Joint control may raise merger-control questions", "NHS template alliance agreement notes")
def _competition(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    if a.legal_form in {LegalForm.CJV, LegalForm.LEAD_PROVIDER, LegalForm.JOINT_COMMITTEE} and (
        a.approvals.competition_review is not True
    ):
        yield r.warning(
            f"Joint control of services through {sentence(a.legal_form)} may raise merger-control questions.",
            [("legal_form",), ("approvals", "competition_review")],
            "take competition advice, then set approvals.competition_review: true",
        )


@rule("R19", "Parties exist and are unique", "logic")
def _parties_exist(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    if len(a.parties) < 2:
        yield r.error("A collaborative needs at least two parties.", [("parties",)], "add the other parties")
    seen: set[str] = set()
    for i, p in enumerate(a.parties):
        if p.short_name in seen:
            yield r.error(
                f"Two parties share the short name '{p.short_name}'.",
                [("parties", i, "short_name")],
                "give each party a different short name",
            )
        seen.add(p.short_name)
    for path, name in _party_refs(a):
        if f.party(name) is None:
            yield r.error(
                f"'{name}' is not the short name of any party.",
                [path],
                "use one of: " + ", ".join(p.short_name for p in a.parties),
            )


def _party_refs(a: Answers) -> Iterator[tuple[Location, str]]:
    """Every answer that names a party, with its field path."""
    for bi, b in enumerate(a.bodies):
        for mi, m in enumerate(b.members):
            if m.party is not None:
                yield ("bodies", bi, "members", mi, "party"), m.party
        if b.chair.party is not None:
            yield ("bodies", bi, "chair", "party"), b.chair.party
        if b.secretariat is not None:
            yield ("bodies", bi, "secretariat"), b.secretariat
        for name in b.voting.weights or {}:
            yield ("bodies", bi, "voting", "weights", name), name
    for di, d in enumerate(a.delegations):
        yield ("delegations", di, "from_party"), d.from_party
    for name in a.finance.cost_sharing.shares or {}:
        yield ("finance", "cost_sharing", "shares", name), name
    if a.finance.gain_risk_share is not None:
        for name in a.finance.gain_risk_share.shares or {}:
            yield ("finance", "gain_risk_share", "shares", name), name
    fund = a.finance.pooled_fund
    if fund is not None:
        for name in fund.contributions or {}:
            yield ("finance", "pooled_fund", "contributions", name), name
        if fund.host is not None:
            yield ("finance", "pooled_fund", "host"), fund.host
    for pi, post in enumerate(a.staffing.posts):
        if post.employer is not None:
            yield ("staffing", "posts", pi, "employer"), post.employer
    if a.information_governance.lead_party is not None:
        yield ("information_governance", "lead_party"), a.information_governance.lead_party
    for kind in ("mou", "cjv", "tor", "sod", "dra"):
        for i, name in enumerate(getattr(a.documents, kind).parties or []):
            yield ("documents", kind, "parties", i), name


@rule(
    "R20",
    "Each voting member can hold authority to decide for its party",
    "NHS Act 2006 Sch 7 para 15(3) (foundation trusts); NHS trusts' standing orders; Local Government Act 1972 s101",
    unverified=True,
)
def _authority(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    if not f.contractual_form:
        # committees in common: R2 requires each committee to hold only the trust's directors; a s65Z6 joint
        # committee exercises the functions jointly (membership rules there: see R1 and R2)
        return
    for bf in f.bodies:
        if not bf.decides:
            continue
        for m in bf.members:
            p = f.party(m.party) if m.party is not None else None
            problem = authority_problem(p.kind, m.role) if p is not None and m.votes else None
            if problem is None:
                continue
            why, source = problem
            yield r.warning(
                f"The {m.role} of {m.party} votes on the {bf.name}, but {why} ({source}).",
                [("bodies", bf.index, "members", m.index, "role")],
                f"make an executive director or officer of {m.party} its voting member, or have {m.party} delegate "
                "to a committee (of its directors, for a foundation trust) that its member reports to",
            )
