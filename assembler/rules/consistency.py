"""Cross-field consistency rules: R10, R11, R17 and C1–C10 (quorum, votes, dispute tiers, ids, shares...)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..facts import (
    BINDING_FORMS,
    BodyFacts,
    Facts,
    Location,
    and_list,
    format_location,
    is_member,
    is_nhs_relevant,
    sentence,
    share_words,
)
from ..model import (
    Answers,
    Body,
    BodyNature,
    ChairMethod,
    CostMethod,
    DecisionRule,
    DocumentKind,
    LegalForm,
    PartyRole,
    Status,
)
from .registry import Finding, Rule, rule

_COURT = re.compile(r"\b(courts?|tribunal|judge|arbitra\w*)\b", re.IGNORECASE)
"""A dispute tier that is a court, a tribunal or arbitration: only the final forum may be."""

# ------------------------------------------------------------------------------------------- R10, R11, R17


@rule("R10", "Quorum can be reached and protects each party", "logic; good practice")
def _quorum(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    for bf, b in zip(f.bodies, a.bodies, strict=True):
        bi = bf.index
        if b.quorum is None:
            continue
        voters = [m for m in bf.members if m.votes]
        if b.quorum.members > len(voters):
            yield r.error(
                f"The quorum of {b.name} is {b.quorum.members} but it has only {len(voters)} voting member(s).",
                [("bodies", bi, "quorum", "members"), ("bodies", bi, "members")],
                f"lower the quorum to at most {len(voters)}, or add voting members",
            )
        voting_parties = sorted(bf.voting_parties)
        if b.quorum.each_party and len(voting_parties) > b.quorum.members <= len(voters):
            yield r.warning(
                f"The quorum of {b.name} is {b.quorum.members}, but each of its {len(voting_parties)} voting parties "
                f"must be represented, so at least {len(voting_parties)} members must be present.",
                [("bodies", bi, "quorum", "members"), ("bodies", bi, "members")],
                f"raise the quorum to {len(voting_parties)}, or set quorum.each_party: false",
            )
        if b.quorum.each_party:
            # a party that may not vote on this body (rule R1: not an NHS relevant body where functions are exercised
            # jointly) is not required for the quorum, so R10 never asks for a vote R1 forbids
            silent = sorted(
                {
                    m.party
                    for m in b.members
                    if m.party is not None
                    and m.party not in bf.voting_parties
                    and (p := f.party(m.party)) is not None
                    and is_member(p)
                    and not (bf.statutory and not is_nhs_relevant(p))
                }
            )
            if silent:
                yield r.error(
                    f"The quorum of {b.name} needs each party, but {and_list(silent)} has no voting member on it.",
                    [("bodies", bi, "quorum", "each_party"), ("bodies", bi, "members")],
                    "give each party a voting member, or set quorum.each_party: false",
                )
        elif a.legal_form in BINDING_FORMS and bf.deciding:
            yield r.warning(
                f"Decisions of {b.name} bind every party, but its quorum can be met without each party present.",
                [("bodies", bi, "quorum", "each_party")],
                "set quorum.each_party: true, or record why a party may be bound in its absence",
            )


@rule("R11", "Casting votes and weights make sense", "logic")
def _votes(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    for bi, b in enumerate(a.bodies):
        v = b.voting
        if v.casting_vote and v.rule in {DecisionRule.CONSENSUS, DecisionRule.UNANIMOUS}:
            yield r.error(
                f"{b.name} decides by {sentence(v.rule)}, so a casting vote has nothing to break.",
                [("bodies", bi, "voting", "casting_vote"), ("bodies", bi, "voting", "rule")],
                "set voting.casting_vote: false, or choose a majority voting rule",
            )
        if v.rule != DecisionRule.WEIGHTED:
            continue
        yield from _weights(r, f.bodies[bi], b.voting.weights or {})


def _weights(r: Rule, b: BodyFacts, weights: dict[str, int]) -> Iterator[Finding]:
    path = ("bodies", b.index, "voting", "weights")
    missing = sorted(set(b.voting_parties) - set(weights))
    if missing:
        yield r.error(
            f"{b.name} uses weighted votes but sets no weight for {and_list(missing)}.",
            [path],
            "give every voting party a weight in voting.weights",
        )
    not_positive = sorted(name for name, w in weights.items() if w <= 0)
    if not_positive:
        yield r.error(
            f"The vote weights of {and_list(not_positive)} on {b.name} are not positive.",
            [(*path, name) for name in not_positive],
            "give each weight as a whole number of at least 1",
        )
    total = sum(w for w in weights.values() if w > 0)
    for name, w in weights.items():
        if total and w * 2 > total:
            yield r.warning(
                f"{name} holds {w} of {total} weighted votes on {b.name}, so it can outvote all the others together.",
                [(*path, name)],
                "reduce its weight below half, or protect the others with reserved matters",
            )


@rule(
    "R17",
    "Dispute tiers escalate in order with positive time limits",
    "NHS Standard Contract GC14 pattern (negotiation → mediation → expert determination; primary text not "
    "read here); CEDR Model Mediation Procedure and Agreement (2020 edition)",
    unverified=True,
)
def _disputes(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    d = a.disputes
    if not d.tiers:
        yield r.warning(
            "There are no dispute escalation tiers, so a dispute goes straight to mediation or the final forum.",
            [("disputes", "tiers")],
            "add tiers in escalation order, e.g. operational leads, chief executives, the board",
        )
    seen: set[str] = set()
    for ti, tier in enumerate(d.tiers):
        if _COURT.search(tier.forum) or _COURT.search(tier.name):
            yield r.error(
                f"The dispute tier '{tier.name}' goes to {tier.forum}, but a court or tribunal can only be the final "
                "forum, after the escalation stages and mediation.",
                [("disputes", "tiers", ti, "forum")],
                "remove the tier and set disputes.final_forum: courts (or arbitration)",
            )
        if tier.days <= 0:
            yield r.error(
                f"The dispute tier '{tier.name}' has no positive time limit.",
                [("disputes", "tiers", ti, "days")],
                "give the number of days (counted from referral) as a whole number of at least 1",
            )
        key = tier.name.casefold()
        if key in seen:
            yield r.error(
                f"The dispute tier '{tier.name}' appears twice, so the escalation order is unclear.",
                [("disputes", "tiers", ti, "name")],
                "list each tier once, from the most junior forum to the most senior",
            )
        seen.add(key)
    if d.mediation is None:
        yield r.warning(
            "There is no mediation step before expert determination or the final forum.",
            [("disputes", "mediation")],
            "add mediation (e.g. under the CEDR Model Mediation Procedure) after the escalation tiers",
        )
    elif d.mediation.days <= 0:
        yield r.error(
            "Mediation has no positive time limit.",
            [("disputes", "mediation", "days")],
            "give the number of days as a whole number of at least 1",
        )


# ------------------------------------------------------------------------------------------- C1–C7


@rule("C1", "Body ids are unique")
def _body_ids(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    seen: set[str] = set()
    for bi, b in enumerate(a.bodies):
        if b.id in seen:
            yield r.error(
                f"Two bodies share the id '{b.id}'.",
                [("bodies", bi, "id")],
                "give each body a different id",
            )
        seen.add(b.id)


@rule("C2", "Each body reports to an existing body, without cycles")
def _body_parents(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    ids = {b.id for b in a.bodies}
    for bi, b in enumerate(a.bodies):
        if b.parent is not None and b.parent not in ids:
            yield r.error(
                f"{b.name} reports to '{b.parent}', which is not the id of any body.",
                [("bodies", bi, "parent")],
                "use one of: " + ", ".join(x.id for x in a.bodies if x.id != b.id) + "; or null for the top body",
            )
    parent: dict[str, str | None] = {}
    first: list[tuple[int, Body]] = []
    for bi, b in enumerate(a.bodies):
        if b.id not in parent:  # a repeated id is C1's finding; follow the first body with it
            parent[b.id] = b.parent
            first.append((bi, b))
    reported: set[str] = set()
    for bi, b in first:
        chain = [b.id]
        current = parent.get(b.id)
        while current is not None and current in parent and current not in chain:
            chain.append(current)
            current = parent[current]
        if current == b.id and b.id not in reported:
            reported.update(chain)
            yield r.error(
                "Bodies report to each other in a circle: " + " → ".join([*chain, b.id]) + ".",
                [("bodies", bi, "parent")],
                "make one body in the circle report to a body outside it, or set its parent to null",
            )


@rule("C3", "Each chair is fully described")
def _chairs(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    for bi, b in enumerate(a.bodies):
        c = b.chair
        if c.method == ChairMethod.NAMED_PARTY and c.party is None:
            yield r.error(
                f"The chair of {b.name} comes from a named party, but no party is named.",
                [("bodies", bi, "chair", "party")],
                "set chair.party to a party's short name",
            )
        if c.method == ChairMethod.ROTATING and c.rotation_months is None:
            yield r.error(
                f"The chair of {b.name} rotates, but the rotation period is not given.",
                [("bodies", bi, "chair", "rotation_months")],
                "set chair.rotation_months, e.g. 12",
            )


@rule("C4", "Cost and gain/risk shares total 100%")
def _shares(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    costs = a.finance.cost_sharing
    if costs.method == CostMethod.FIXED_SHARES and not costs.shares:
        yield r.error(
            "Shared costs are met in fixed shares, but the shares are not given.",
            [("finance", "cost_sharing", "shares")],
            "give each party's percentage in finance.cost_sharing.shares",
        )
    tables = [(("finance", "cost_sharing", "shares"), costs.shares)]
    if a.finance.gain_risk_share is not None:
        tables.append((("finance", "gain_risk_share", "shares"), a.finance.gain_risk_share.shares))
    # Funders' percentages and the parties' shares together make 100; a funder's fixed sum comes off first, so
    # without funders' percentages the parties' shares alone total 100 of what remains.
    funded = [x.share for x in f.funders if x.share is not None]
    if funded:
        total_costs = f.cost_shares_total
        if total_costs is not None and total_costs != 100:
            yield r.error(
                f"The parties' shares of the shared costs and the funders' shares "
                f"({and_list([f'{s:g}%' for s in funded])}) total {total_costs:g}%, not 100%.",
                [("finance", "cost_sharing", "shares"), ("finance", "cost_sharing", "funders")],
                "adjust the percentages so that the parties' and the funders' shares together total 100",
            )
        tables = tables[1:]
    for path, shares in tables:
        if shares:
            total = sum(shares.values(), Decimal(0))
            if total != 100:
                yield r.error(
                    f"The shares in {format_location(path)} total {total:g}%, not 100%.",
                    [path],
                    "adjust the percentages so that they total 100",
                )


@rule("C9", "Each body's legal nature fits the parties, documents and delegations")
def _natures(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    for bf in f.bodies:
        b = a.bodies[bf.index]
        at: Location = ("bodies", bf.index, "nature")
        if bf.nature is BodyNature.ADVISORY and bf.delegations and bf.nature_answered:
            yield r.error(
                f"The {bf.name} is an advisory group, but {and_list([a.delegations[i].from_party for i in bf.delegations])} "
                "delegates to it.",
                [at, *(("delegations", i) for i in bf.delegations)],
                f"make the {bf.name} a body that decides (its nature), or delegate to another body",
            )
        if bf.nature is BodyNature.LEAD_PROVIDER_COMMITTEE and f.lead_provider is None:
            yield r.error(
                f"The {bf.name} is a committee of the lead provider, but no party is the lead provider.",
                [at, ("parties",)],
                "give the lead provider the role lead provider",
            )
        if bf.nature is BodyNature.ICB_COMMITTEE and bf.icb is None:
            yield r.warning(
                f"The {bf.name} is a committee of the integrated care board, but no ICB is a party or delegates to it.",
                [at, ("parties",)],
                "add the ICB as a party (it may sign only the MoU), or choose another nature for the body",
            )
        if bf.nature is BodyNature.CONTRACTUAL_BOARD and bf.nature_answered and not a.documents.cjv.produce:
            yield r.error(
                f"The {bf.name} is a contractual board, which exists only under a collaboration agreement, but the "
                "agreement is not asked for.",
                [at, ("documents", "cjv", "produce")],
                f"produce the collaboration agreement, or choose another nature for the {bf.name}",
            )
        if b.status is Status.CONDITIONAL and b.takes_effect is None:
            yield r.warning(
                f"The {bf.name} takes effect on a condition that is not stated, so the drafts show [●].",
                [("bodies", bf.index, "takes_effect")],
                "say from when it takes effect, e.g. 'the ICB's delegation to it takes effect'",
            )
    for i, d in enumerate(a.delegations):
        if d.status is Status.CONDITIONAL and d.takes_effect is None:
            yield r.warning(
                f"Delegation {i + 1} ({d.from_party} to {d.to_body or d.to_officer}) takes effect on a condition "
                "that is not stated, so the drafts show [●].",
                [("delegations", i, "takes_effect")],
                "say from when it takes effect, e.g. 'the ICB's board approves it'",
            )


_DOCUMENT_NAMES: dict[DocumentKind, re.Pattern[str]] = {
    DocumentKind.MOU: re.compile(r"\b(memorandum of understanding|MoU)\b", re.IGNORECASE),
    DocumentKind.CJV: re.compile(r"\b(collaboration|joint venture|partnership|alliance) agreement\b", re.IGNORECASE),
    DocumentKind.TOR: re.compile(r"\bterms of reference\b", re.IGNORECASE),
    DocumentKind.SOD: re.compile(r"\bscheme of delegation\b(?! of (each|a|any|its|their|that)\b)", re.IGNORECASE),
    DocumentKind.DRA: re.compile(r"\bdispute[- ]resolution (annex|procedure|protocol)\b", re.IGNORECASE),
}
"""How an answer names one of the pack's documents (a party's own scheme of delegation is not the pack's)."""


@rule("C10", "Answers refer only to documents the pack produces")
def _absent_documents(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    produced = {k for k in DocumentKind if a.documents.get(k).produce}
    for loc, text in _texts(a):
        for kind, pattern in _DOCUMENT_NAMES.items():
            if kind in produced:
                continue
            found = pattern.search(text)
            if found is None or _own_document(text, found):
                continue
            yield r.warning(
                f"{f.describe(loc)} refers to the {found.group(0)}, but the pack does not produce it.",
                [loc, ("documents", kind.value, "produce")],
                f"produce the {found.group(0)} too, or reword the answer",
            )


def _own_document(text: str, found: re.Match[str]) -> bool:
    """A party's own document ("the Trust's scheme of delegation", "its standing orders")."""
    before = text[: found.start()].rstrip().lower()
    return before.endswith(("'s", "’s", "its", "their", "own"))


def _texts(a: Answers) -> Iterator[tuple[Location, str]]:
    """Free-text answers that may name a document: delegations, remits, reserved matters, recitals, tiers."""
    for i, d in enumerate(a.delegations):
        yield ("delegations", i, "function"), d.function
        if d.legal_basis:
            yield ("delegations", i, "legal_basis"), d.legal_basis
    for bi, b in enumerate(a.bodies):
        for ri, item in enumerate(b.remit):
            yield ("bodies", bi, "remit", ri), item
        if b.purpose:
            yield ("bodies", bi, "purpose"), b.purpose
    for ri, item in enumerate(a.decisions.reserved_matters):
        yield ("decisions", "reserved_matters", ri), item
    for ri, item in enumerate(a.collaborative.background):
        yield ("collaborative", "background", ri), item
    for ti, t in enumerate(a.disputes.tiers):
        yield ("disputes", "tiers", ti, "forum"), t.forum


@rule("C5", "At most one host")
def _one_host(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    hosts = [(i, p) for i, p in enumerate(a.parties) if PartyRole.HOST in p.roles]
    if len(hosts) > 1:
        yield r.error(
            f"{and_list([p.short_name for _, p in hosts])} are all hosts; the documents provide for one.",
            [("parties", i, "roles") for i, _ in hosts],
            "keep the host role on one party only",
        )


@rule("C6", "A lead provider form names the lead provider")
def _lead_provider(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    if a.legal_form == LegalForm.LEAD_PROVIDER and not any(PartyRole.LEAD_PROVIDER in p.roles for p in a.parties):
        yield r.error(
            "The legal form is a lead provider, but no party has the lead_provider role.",
            [("legal_form",), ("parties",)],
            "add lead_provider to the roles of the party that holds the contract",
        )


@rule("C7", "A qualified majority is more than half")
def _threshold(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    for bi, b in enumerate(a.bodies):
        v = b.voting
        if v.rule == DecisionRule.QUALIFIED_MAJORITY and (v.threshold is None or v.threshold <= 0.5):
            given = "not given" if v.threshold is None else share_words(v.threshold)
            yield r.error(
                f"{b.name} decides by qualified majority, but the threshold is {given}.",
                [("bodies", bi, "voting", "threshold")],
                "set voting.threshold above half, e.g. 75 or 2/3",
            )


@rule("C8", "The documents asked for fit the legal form")
def _documents_fit_form(r: Rule, a: Answers, f: Facts) -> Iterator[Finding]:
    if a.legal_form == LegalForm.MOU_ONLY and a.documents.cjv.produce:
        yield r.error(
            "The collaborative is MoU only, but a binding collaboration agreement is asked for.",
            [("legal_form",), ("documents", "cjv", "produce")],
            "set documents.cjv.produce: false, or choose a binding legal form such as cjv",
        )
    if a.legal_form in (LegalForm.CJV, LegalForm.LEAD_PROVIDER) and not a.documents.cjv.produce:
        yield r.error(
            f"The collaborative is {sentence(a.legal_form)}, whose board exists only under the collaboration "
            "agreement, but the agreement is not asked for.",
            [("legal_form",), ("documents", "cjv", "produce")],
            "set documents.cjv.produce: true, or choose committees in common or a joint committee",
        )
    if a.legal_form in (LegalForm.COMMITTEES_IN_COMMON, LegalForm.JOINT_COMMITTEE) and not (
        a.documents.cjv.produce or a.documents.tor.produce
    ):
        yield r.error(
            "Without a collaboration agreement, the terms of reference each party's board adopts are what bind "
            "the parties, but neither document is asked for.",
            [("documents", "cjv", "produce"), ("documents", "tor", "produce")],
            "set documents.tor.produce: true (or documents.cjv.produce: true)",
        )
    needs_board = a.legal_form != LegalForm.MOU_ONLY or a.documents.tor.produce
    if needs_board and not a.bodies:
        problem = (
            "No bodies are given, so there are no terms of reference to draft."
            if a.legal_form == LegalForm.MOU_ONLY
            else "No bodies are given, but the collaborative's legal form needs a board for the documents to set up."
        )
        yield r.error(
            problem,
            [("bodies",)],
            "add the collaborative's board (and any sub-groups) under bodies",
        )
