"""One board paper: the proposal, the resolutions, the key terms, the risks and the next steps, from the facts.

Every sentence is built from the facts layer (who approves what, each party's delegations, seats and cost share),
the governance check's findings and the composed pack (its clause numbers and open [●] gaps): nothing here works
out again who delegates what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..compose import Anchor, ComposedDocument
from ..docmodel import Block, BlockKind, Run, RunKind
from ..facts import (
    Approval,
    ApprovalKind,
    CostShare,
    Facts,
    and_list,
    parse_field_path,
    sentence,
    share_words,
)
from ..marking import Marking, format_date
from ..model import CostMethod, DocumentForm, DocumentKind, PartyKind, Significance, Status
from ..rendering import format_money
from ..rules import Finding, Severity, concerns
from ._citations import Citation, cite

__all__ = ["Paper", "compose_paper", "gap_text", "placeholders_for", "warnings_for"]

GAP = "[●]"
Piece = str | None  # None: an answer still open, drafted as a highlighted [●]


@dataclass
class Paper:
    """A board paper as the Word writer takes it, with what the tests and the report read back."""

    approval: Approval
    blocks: list[Block]
    cover: dict[str, Any]
    resolutions: list[str] = field(default_factory=list)
    key_terms: dict[str, list[Citation]] = field(default_factory=dict)
    risks: list[Finding] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    toc: list[tuple[str, str]] = field(default_factory=list)  # a paper has no contents list
    warnings: list[Finding] = field(default_factory=list)  # its risks are in its body, not in a notes section

    @property
    def subject(self) -> str:
        return "Board paper" if self.approval.kind is not ApprovalKind.GOVERNORS else "Paper to the governors"

    def anchor(self, target: str, section: str) -> Anchor | None:
        return None  # a paper cites the pack's numbers as text: it has no cross-references of its own

    def report(self) -> dict[str, object]:
        return {
            "party": self.approval.party.short_name,
            "kind": self.approval.kind.value,
            "documents": [k.value for k in self.approval.documents],
            "resolutions": self.resolutions,
            "key_terms": {term: [c.as_dict() for c in found] for term, found in self.key_terms.items()},
            "warnings": [f.rule for f in self.risks],
            "placeholders": self.placeholders,
        }


def _runs(*pieces: Piece) -> list[Run]:
    return [Run(RunKind.PLACEHOLDER, GAP) if p is None else Run(RunKind.TEXT, p) for p in pieces if p != ""]


def _para(*pieces: Piece) -> Block:
    return Block(BlockKind.BODY, _runs(*pieces))


def _item(*pieces: Piece) -> Block:
    return Block(BlockKind.NUMBERED, _runs(*pieces), level=2)


def _heading(text: str) -> Block:
    return Block(BlockKind.HEADING, _runs(text))


def _cell(*pieces: Piece) -> list[Run]:
    return _runs(*pieces)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def decider(approval: Approval) -> str:
    """Who takes the decision: "board", "council of governors" (a council's executive for a local authority)."""
    if approval.kind is ApprovalKind.GOVERNORS:
        return "council of governors"
    return "executive" if approval.party.kind is PartyKind.LOCAL_AUTHORITY else "board"


def warnings_for(facts: Facts, findings: list[Finding], approval: Approval) -> list[Finding]:
    """The governance check's warnings that concern this party: those about its own answers (its entry, a
    delegation it makes, a seat it holds), and those about the arrangements as a whole that concern a document
    it signs."""
    short = approval.party.short_name
    out = []
    for finding in findings:
        if finding.severity is not Severity.WARNING:
            continue
        named = frozenset().union(*(facts.parties_at(loc) for loc in finding.locations))
        if short in named or (not named and any(concerns(finding, k) for k in approval.documents)):
            out.append(finding)
    return out


def placeholders_for(facts: Facts, pack: dict[DocumentKind, ComposedDocument], short: str) -> list[str]:
    """Each [●] still open in the pack that this party must supply, once, in the pack's order."""
    gaps = (gap for doc in pack.values() for gap in doc.placeholders)
    return list(dict.fromkeys(gap for gap in gaps if short in facts.placeholder_parties(gap)))


def gap_text(facts: Facts, gap: str) -> str:
    """A [●] gap as a reader knows it: "EPUT › signatory › name" for ``parties[0].signatory.name``."""
    loc = parse_field_path(gap)
    return facts.describe(loc) if loc is not None else gap


class _Writer:
    """Builds the blocks of one paper (one instance a paper)."""

    def __init__(
        self,
        facts: Facts,
        findings: list[Finding],
        pack: dict[DocumentKind, ComposedDocument],
        approval: Approval,
        *,
        figure: str | None,
        clean: bool,
        marking: Marking,
    ) -> None:
        self.marking = marking
        self.facts = facts
        self.findings = findings
        self.pack = pack
        self.approval = approval
        self.party = approval.party
        self.short = approval.party.short_name
        self.figure = figure
        self.clean = clean
        self.blocks: list[Block] = []
        self.paper = Paper(approval, self.blocks, {})

    # -- helpers

    def title(self, kind: DocumentKind) -> str:
        doc = self.pack.get(kind)
        return doc.definition.title if doc is not None else kind.value.upper()

    def titles(self, kinds: tuple[DocumentKind, ...] | list[DocumentKind]) -> str:
        return and_list([f"the {self.title(k)}" for k in kinds])

    def note(self, text: str) -> None:
        if not self.clean:
            self.blocks.append(Block(BlockKind.NOTE, _runs(f"Drafting note: {text}")))

    def resolve(self, *pieces: Piece) -> None:
        block = _item(*pieces)
        self.blocks.append(block)
        self.paper.resolutions.append(block.plain())

    # -- the sections

    def build(self) -> Paper:
        self.summary()
        self.resolutions()
        self.key_terms()
        self.risks()
        self.next_steps()
        return self.paper

    def summary(self) -> None:
        f, a = self.facts, self.facts.answers
        collab = a.collaborative.name
        purpose = {
            ApprovalKind.APPROVE: "For approval",
            ApprovalKind.ENDORSE: "To note and endorse",
            ApprovalKind.GOVERNORS: "For approval (significant transaction)",
        }[self.approval.kind]
        rows = [
            [_cell("Paper to"), _cell(f"The {decider(self.approval)} of {self.party.name}")],
            [_cell("Purpose"), _cell(purpose)],
            [_cell("Documents"), _cell(_upper_first(self.titles(self.approval.documents)))],
            [_cell("Date of the drafts"), _cell(self.paper_date())],
        ]
        self.blocks.append(Block(BlockKind.TABLE, rows=rows))
        self.blocks.append(_heading("The proposal"))
        partners = [p.short_name for p in f.observers if p in f.document_parties(DocumentKind.MOU)]
        members = and_list([p.short_name for p in f.members])
        self.blocks.append(
            _para(
                f"The {collab} brings together {members} as {f.form_sentence}",
                f", with {and_list(partners)} as system partner{'s' if len(partners) > 1 else ''}" if partners else "",
                ". Its purpose is ",
                a.collaborative.purpose,
                ".",
            )
        )
        if self.approval.kind is ApprovalKind.APPROVE:
            effect = (
                "Once every party has approved and signed them, the bodies they set up take the decisions the "
                "parties delegate to them, within the limits below, and each party stays accountable for its own "
                "functions."
                if f.binding
                else "The arrangements are not legally binding except where the memorandum says so: each member's "
                "own board keeps every decision, and the collaborative's groups make recommendations to them."
            )
            self.blocks.append(
                _para(
                    f"This paper asks the board of {self.short} to approve {self.titles(self.approval.documents)}. {effect}"
                )
            )
        elif self.approval.kind is ApprovalKind.ENDORSE:
            self.blocks.append(
                _para(
                    f"{self.short} is not a member of the collaborative. It is asked to note and endorse "
                    f"{self.titles(self.approval.documents)}, which it signs as a system partner; the documents that "
                    "bind the members do not bind it."
                )
            )
        else:
            self.blocks.append(
                _para(
                    f"The board of {self.short} is asked to approve {self.titles(self.approval.documents)}. Entering "
                    f"into them is a significant transaction for {self.short} under its constitution, so it also "
                    "needs the approval of more than half of the members of the council of governors voting "
                    "(NHS Act 2006 s51A)."
                )
            )
        if self.figure is not None:
            self.blocks.append(Block(BlockKind.FIGURE, _runs(self.figure)))

    def paper_date(self) -> Piece:
        date = self.marking.date
        return format_date(date) if date is not None else None

    def resolutions(self) -> None:
        self.blocks.append(_heading(f"The {decider(self.approval)} is asked to"))
        if self.approval.kind is ApprovalKind.GOVERNORS:
            self.governors()
            return
        f, a = self.facts, self.facts.answers
        endorse = self.approval.kind is ApprovalKind.ENDORSE
        for kind in self.approval.documents:
            title = self.title(kind)
            if endorse:
                verb = "note and endorse" if kind is DocumentKind.MOU else "note"
                self.resolve(f"{verb} the {title}")
            elif kind is DocumentKind.CJV:
                form = "as a deed" if a.documents.cjv.form is DocumentForm.DEED else "under hand"
                self.resolve(f"approve the {title}, with its schedules, and {self.short} entering into it {form}")
            elif kind is DocumentKind.TOR:
                bodies = and_list([b.name for b in f.bodies])
                self.resolve(f"approve the {title} of the {bodies}")
            elif kind is DocumentKind.SOD:
                self.resolve(f"approve the {title}, under which {self.short} delegates as set out below")
            else:
                self.resolve(f"approve the {title} and {self.short} signing it")
        for index in f.delegations_from(self.short):
            d = a.delegations[index]
            body = f.body(d.to_body) if d.to_body is not None else None
            to = f"the {body.name}" if body is not None else f"the {d.to_officer}"
            limit: tuple[Piece, ...] = (
                (f", up to {format_money(d.financial_limit)}",)
                if d.financial_limit is not None
                else (", up to a financial limit still to be set (", None, ")")
            )
            basis = f", under {d.legal_basis}" if d.legal_basis else ""
            when = ""
            if d.status is not Status.IN_FORCE:
                when = f", with effect from when {d.takes_effect}" if d.takes_effect else ", once it is confirmed"
            self.resolve(f"delegate to {to} {d.function}", *limit, basis, when)
        seats = f.seats_of(self.short)
        if seats:
            places = "; ".join(
                f"its {and_list([m.role + ('' if m.votes else ' (not voting)') for m in held])} to the {body.name}"
                for body, held in seats
            )
            self.resolve(f"appoint its members of each body: {places}")
        signed = [k for k in self.approval.documents if (doc := self.pack.get(k)) and doc.definition.execution]
        if signed:
            s = self.party.signatory
            self.resolve("authorise ", s.name, ", ", s.title, f", to sign {self.titles(signed)} for {self.short}")
        if self.party.kind is PartyKind.NHS_FOUNDATION_TRUST and not endorse:
            answer = f.significance(self.party)
            if self.party in f.governors_must_approve:
                self.resolve(
                    f"note that entering into the arrangements is a significant transaction for {self.short}, and "
                    "refer it to the council of governors for approval"
                )
            elif answer is Significance.NOT_YET_KNOWN and f.binding:
                self.resolve(
                    f"decide whether entering into the arrangements is a significant transaction under {self.short}'s "
                    "constitution and, if it is, refer it to the council of governors for approval"
                )

    def governors(self) -> None:
        a = self.facts.answers
        pooled = " and its contributions to the pooled fund" if a.finance.pooled_fund is not None else ""
        self.resolve(
            f"approve {self.short} entering into {self.titles(self.approval.documents)}{pooled} as a significant "
            "transaction: the approval of more than half of the members of the council of governors voting is "
            "needed (NHS Act 2006 s51A)"
        )
        delegations = self.facts.delegations_from(self.short)
        if delegations:
            self.resolve(
                f"note that the board of {self.short} is asked to make {len(delegations)} delegation"
                f"{'s' if len(delegations) > 1 else ''} under the Scheme of Delegation, and that none of the "
                "governors' own statutory functions is delegated"
            )

    def key_terms(self) -> None:
        f, a = self.facts, self.facts.answers
        board = f.board
        top = a.bodies[board.index] if board is not None else None
        governing = f.governing_document
        own = sorted(self.approval.documents, key=lambda k: k is not governing)
        order = own + [k for k in self.pack if k not in own]
        share = f.cost_share(self.short)
        rows: list[tuple[str, str, tuple[Piece, ...]]] = [
            ("legal form", "Legal form", (_upper_first(f.form_sentence), "; " + self.form_effect())),
        ]
        if board is not None and top is not None:
            seats = "; ".join(
                f"{p or 'Independent'}: "
                f"{and_list([m.role + ('' if m.votes else ' (not voting)') for m in board.members if m.party == p])}"
                for p in dict.fromkeys(m.party for m in board.members)
            )
            quorum: tuple[Piece, ...] = (
                (
                    f"{top.quorum.members} voting members",
                    ", including one from each party" if top.quorum.each_party else "",
                )
                if top.quorum is not None
                else (None,)
            )
            chair = top.chair
            rows += [
                ("members", "Members and votes", (f"{board.name}: {seats}",)),
                ("quorum", "Quorum", quorum),
                (
                    "voting",
                    "Voting",
                    (
                        _upper_first(sentence(top.voting.rule)),
                        "; the chair has a casting vote" if top.voting.casting_vote else "; no casting vote",
                    ),
                ),
                (
                    "chair",
                    "Chair",
                    (
                        _upper_first(sentence(chair.method)) if chair.method is not None else None,
                        f", every {chair.rotation_months} months" if chair.rotation_months else "",
                    ),
                ),
            ]
        reserved = a.decisions.reserved_matters
        rows.append(
            (
                "reserved",
                "Reserved matters",
                (_upper_first("; ".join(reserved)) + f" (decided by {sentence(a.decisions.reserved_mechanism)})",)
                if reserved
                else ("None listed",),
            )
        )
        rows.append(("costs", f"Costs and {self.short}'s share", self.share_text(share)))
        rows.append(("term", "Term and exit", self.term_text()))
        rows.append(("disputes", "Disputes", self.disputes_text()))
        table = [[_cell("Term"), _cell("What is proposed"), _cell("Where it is set out")]]
        for key, label, what in rows:
            found = cite(self.pack, key, order=order, board=board)
            self.paper.key_terms[label] = found
            where = "; ".join(c.text() for c in found) or "not set out in the documents built"
            table.append([_cell(label), _cell(*what), _cell(_upper_first(where))])
        self.blocks.append(_heading("Key terms"))
        self.blocks.append(Block(BlockKind.TABLE, rows=table))

    def form_effect(self) -> str:
        f = self.facts
        if not f.binding:
            return "not legally binding, except the clauses the memorandum names"
        if f.statutory_form:
            return "the parties exercise their statutory functions jointly (NHS Act 2006 s65Z5 and s65Z6)"
        return "the agreement binds the parties and creates no new legal body; each party keeps its own contracts"

    def share_text(self, share: CostShare) -> tuple[Piece, ...]:
        method = share.method
        if method is None:
            return ("How shared costs are met is not yet decided (", None, ")")
        if method is CostMethod.NO_SHARED_COSTS:
            return ("No shared costs: each party meets its own costs",)
        label = _upper_first(sentence(method))
        rest = " left after the funders' contributions" if share.of_remainder else ""
        funders = "; ".join(
            f"{f.short_name or f.name} "
            + (
                f"{float(f.share):g}%"
                if f.share is not None
                else format_money(f.amount) + " a year"
                if f.amount
                else GAP
            )
            for f in self.facts.funders
        )
        label += f" (funders: {funders})" if funders else ""
        if not share.pays:
            return (f"{label}; {self.short} pays no share unless it agrees in writing",)
        if share.share is not None:
            words = f"{float(share.share * 100):g}%" if method is CostMethod.FIXED_SHARES else share_words(share.share)
            return (f"{label}; {self.short} pays {words} of the shared costs{rest}",)
        return (f"{label}; {self.short} pays its share on that basis",)

    def term_text(self) -> tuple[Piece, ...]:
        a = self.facts.answers
        years = a.term.initial_term_years
        notice = a.membership.exit_notice_months
        minimum = a.membership.minimum_term_months
        return (
            "Initial term of ",
            f"{years} years" if years else None,
            f"; reviewed every {a.term.review_months} months; a party may leave on ",
            f"{notice} months'" if notice else None,
            " notice",
            f", after a minimum of {minimum} months" if minimum else "",
        )

    def disputes_text(self) -> tuple[Piece, ...]:
        d = self.facts.answers.disputes
        steps = [t.name.lower() for t in d.tiers]
        if d.mediation is not None:
            steps.append(f"mediation ({d.mediation.provider})")
        if d.expert_determination is not None:
            steps.append("expert determination")
        final = sentence(d.final_forum)
        final = "t" + final[1:] if final.startswith("The ") else final
        return (_upper_first(f"{'escalation through ' + ', '.join(steps) + ', then ' if steps else ''}{final}"),)

    def risks(self) -> None:
        self.blocks.append(_heading("Risks and points to note"))
        self.paper.risks = warnings_for(self.facts, self.findings, self.approval)
        if self.paper.risks:
            self.blocks.append(
                _para(f"The governance check raised these points for {self.short}; the drafts carry each as a note:")
            )
        else:
            self.blocks.append(_para(f"The governance check raised no warning that concerns {self.short}."))
        for finding in self.paper.risks:
            self.blocks.append(_item(f"{finding.text()} (Source: {finding.source}.)"))
        gaps = placeholders_for(self.facts, self.pack, self.short)
        self.paper.placeholders = list(gaps)
        if gaps:
            details = "; ".join(gap_text(self.facts, gap) for gap in gaps)
            self.blocks.append(
                _para(f"{self.short} must still supply these details, shown as ", None, f" in the drafts: {details}.")
            )
        else:
            self.blocks.append(_para(f"Nothing is left in the drafts for {self.short} to supply."))
        self.note(
            f"prepared from the answers and the governance check; check each resolution against {self.short}'s "
            "standing orders and scheme of reservation and delegation before the meeting."
        )

    def next_steps(self) -> None:
        f, a = self.facts, self.facts.answers
        self.blocks.append(_heading("Next steps and dates"))
        by_kind: dict[ApprovalKind, list[str]] = {}
        for approval in f.approvals:
            by_kind.setdefault(approval.kind, []).append(approval.party.short_name)
        if by_kind.get(ApprovalKind.APPROVE):
            self.blocks.append(_item(f"Approval by the board of each of {and_list(by_kind[ApprovalKind.APPROVE])}."))
        if by_kind.get(ApprovalKind.GOVERNORS):
            names = and_list(by_kind[ApprovalKind.GOVERNORS])
            self.blocks.append(_item(f"Approval by the council of governors of {names} (significant transaction)."))
        unknown = [p.short_name for p in f.governors_unknown]
        if unknown:
            self.blocks.append(
                _item(f"{and_list(unknown)} to confirm whether the arrangements are a significant transaction.")
            )
        if by_kind.get(ApprovalKind.ENDORSE):
            self.blocks.append(_item(f"Noting and endorsement by {and_list(by_kind[ApprovalKind.ENDORSE])}."))
        signed = [k for k in f.documents if (doc := self.pack.get(k)) and doc.definition.execution]
        if signed:
            self.blocks.append(_item(f"Signing of {self.titles(signed)} once every approval is given."))
        date = a.collaborative.effective_date
        self.blocks.append(_item("Commencement on ", format_date(date) if date else None, "."))
        self.blocks.append(_item(f"First review {a.term.review_months} months after commencement."))


def compose_paper(
    facts: Facts,
    findings: list[Finding],
    pack: dict[DocumentKind, ComposedDocument],
    approval: Approval,
    *,
    marking: Marking,
    reference: str,
    figure: str | None,
    clean: bool,
) -> Paper:
    """One party's paper, ready for the Word writer."""
    paper = _Writer(facts, findings, pack, approval, figure=figure, clean=clean, marking=marking).build()
    a = facts.answers
    kind = approval.kind
    what = {
        ApprovalKind.APPROVE: "for approval",
        ApprovalKind.ENDORSE: "to note and endorse",
        ApprovalKind.GOVERNORS: "for approval",
    }[kind]
    date = marking.date
    paper.cover = {
        "title": f"{a.collaborative.name}: the governance documents",
        "collaborative": f"Paper to the {decider(approval)} of {approval.party.name}, {what}",
        "parties": [],
        "party_size": None,
        "date": format_date(date) if date else None,
        "version": a.documents.get(facts.governing_document).version,
        "status": marking.status(),
        "marking": "" if marking.final else f"Draft board paper \u2014 {format_date(date)}",
        "reference": reference,
        "form": "",
    }
    return paper
