"""Facts: everything derived from the answers, computed once and read by the rules, the interview and the clauses.

A clause is prose plus conditions on the facts named here; a rule checks the answers through them; the interview
explains options with them. None of them works a fact out again, so the drafts, the findings and the guidance
cannot drift apart. Nothing here knows about Word, the terminal or the web.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property

from .model import (
    CHOICE_HELP,
    COMPANY_KINDS,
    Answers,
    Body,
    BodyKind,
    BodyNature,
    ChairMethod,
    CostMethod,
    CostSplit,
    DecisionRule,
    Delegation,
    DocumentKind,
    FinalForum,
    Frequency,
    Funder,
    LegalForm,
    Party,
    PartyKind,
    PartyRole,
    PlacedDocumentChoice,
    Placement,
    ReservedMechanism,
    Significance,
    Status,
    VoteBy,
)

__all__ = [
    "BINDING_DOCUMENTS",
    "BINDING_FORMS",
    "COMMISSIONER_KINDS",
    "COMPANY_KINDS",
    "CONTRACTUAL_FORMS",
    "FORM_NATURE",
    "HEALTH_SERVICE_BODY_KINDS",
    "HEALTH_SERVICE_BODY_UNCONFIRMED",
    "JOINT_NATURES",
    "MAJORITY_RULES",
    "NHS_RELEVANT_BODIES",
    "OWN_AUTHORITY_NATURES",
    "PLACEABLE",
    "SENTENCE_ENUMS",
    "STATUTORY_FORMS",
    "STATUTORY_NATURES",
    "Approval",
    "ApprovalKind",
    "BodyFacts",
    "CostShare",
    "Facts",
    "FinalForumFacts",
    "Location",
    "MemberFacts",
    "NhsContractFacts",
    "and_list",
    "answer_phrases",
    "authority_problem",
    "delegated_authority",
    "facts_of",
    "format_location",
    "is_member",
    "is_nhs_relevant",
    "parse_field_path",
    "sentence",
    "share_words",
    "threshold_met",
]

Location = tuple[str | int, ...]
"""Where an answer is, as pydantic's ``loc``: ``("bodies", 0, "quorum", "members")``."""

# ------------------------------------------------------------------------------------------- kinds and forms

NHS_RELEVANT_BODIES = frozenset(
    {PartyKind.NHS_TRUST, PartyKind.NHS_FOUNDATION_TRUST, PartyKind.ICB, PartyKind.NHS_ENGLAND}
)
"""Kinds of party that are NHS bodies able to exercise functions jointly (NHS Act 2006 s65Z5/s65Z6)."""

COMMISSIONER_KINDS = frozenset({PartyKind.ICB, PartyKind.NHS_ENGLAND})
"""Kinds of party that commission NHS services."""

STATUTORY_FORMS = frozenset({LegalForm.COMMITTEES_IN_COMMON, LegalForm.JOINT_COMMITTEE})
"""Forms in which NHS bodies exercise their statutory functions jointly (s65Z5/s65Z6)."""

BINDING_FORMS = frozenset({LegalForm.CJV, LegalForm.LEAD_PROVIDER, LegalForm.JOINT_COMMITTEE})
"""Forms in which one body's decision binds every party."""

CONTRACTUAL_FORMS = frozenset({LegalForm.CJV, LegalForm.LEAD_PROVIDER})
"""Forms in which a contractual board decides within authority each party gives it; no statutory function moves."""

PLACEABLE = (DocumentKind.TOR, DocumentKind.SOD, DocumentKind.DRA)
"""Documents whose provisions may be set out in the agreement's schedules, on their own, or both."""

FORM_NATURE: dict[LegalForm, BodyNature] = {
    LegalForm.MOU_ONLY: BodyNature.ADVISORY,
    LegalForm.CJV: BodyNature.CONTRACTUAL_BOARD,
    LegalForm.LEAD_PROVIDER: BodyNature.CONTRACTUAL_BOARD,
    LegalForm.COMMITTEES_IN_COMMON: BodyNature.COMMITTEES_IN_COMMON,
    LegalForm.JOINT_COMMITTEE: BodyNature.JOINT_COMMITTEE,
}
"""What a deciding body is in law when the answers do not say: what the collaborative's legal form makes it."""

STATUTORY_NATURES = frozenset({BodyNature.COMMITTEES_IN_COMMON, BodyNature.JOINT_COMMITTEE, BodyNature.ICB_COMMITTEE})
"""Bodies through which NHS bodies exercise statutory functions (jointly, in common, or as the ICB's committee)."""

JOINT_NATURES = frozenset({BodyNature.COMMITTEES_IN_COMMON, BodyNature.JOINT_COMMITTEE})
"""Bodies on which only NHS relevant bodies may vote (rule R1): functions are exercised jointly or in common."""
BINDING_DOCUMENTS = frozenset({DocumentKind.CJV, DocumentKind.TOR, DocumentKind.SOD})
"""Documents by which a party is bound to the collaborative's decisions (where the arrangements bind): its board
approves them. The memorandum and the dispute annex it applies do not make a system partner a member."""

OWN_AUTHORITY_NATURES = frozenset(
    {BodyNature.JOINT_COMMITTEE, BodyNature.ICB_COMMITTEE, BodyNature.LEAD_PROVIDER_COMMITTEE}
)
"""Bodies that decide under authority the parties (or the ICB, or the lead provider) give them directly: beneath
another body they report to it, but it cannot take their decisions, approve their terms or decide their deadlocks."""

MAJORITY_RULES = frozenset({DecisionRule.SIMPLE_MAJORITY, DecisionRule.QUALIFIED_MAJORITY, DecisionRule.WEIGHTED})
"""Voting rules under which a party can be outvoted."""


# ------------------------------------------------------------------------------------------- choice labels

_SENTENCE_LIST: list[tuple[StrEnum, str]] = [
    (LegalForm.MOU_ONLY, "a memorandum of understanding"),
    (LegalForm.CJV, "a contractual joint venture"),
    (LegalForm.LEAD_PROVIDER, "a lead provider arrangement"),
    (LegalForm.COMMITTEES_IN_COMMON, "committees in common"),
    (LegalForm.JOINT_COMMITTEE, "a joint committee"),
    (BodyKind.BOARD, "board"),
    (BodyKind.SUB_COMMITTEE, "sub-committee"),
    (BodyKind.OPERATIONAL_GROUP, "operational group"),
    (BodyKind.LEADERSHIP_TEAM, "leadership team"),
    (BodyKind.REFERENCE_GROUP, "reference group"),
    (BodyNature.CONTRACTUAL_BOARD, "a contractual board"),
    (BodyNature.COMMITTEES_IN_COMMON, "committees in common"),
    (BodyNature.JOINT_COMMITTEE, "a joint committee under section 65Z6 of the National Health Service Act 2006"),
    (BodyNature.ICB_COMMITTEE, "a committee of the integrated care board"),
    (BodyNature.LEAD_PROVIDER_COMMITTEE, "a committee of the lead provider"),
    (BodyNature.ADVISORY, "an advisory group"),
    (DecisionRule.CONSENSUS, "consensus"),
    (DecisionRule.UNANIMOUS, "unanimity"),
    (DecisionRule.SIMPLE_MAJORITY, "simple majority"),
    (DecisionRule.QUALIFIED_MAJORITY, "qualified majority"),
    (DecisionRule.WEIGHTED, "weighted vote"),
    (Frequency.WEEKLY, "every week"),
    (Frequency.FORTNIGHTLY, "every two weeks"),
    (Frequency.MONTHLY, "every month"),
    (Frequency.BIMONTHLY, "every two months"),
    (Frequency.QUARTERLY, "every quarter"),
]
"""Choices whose label in a sentence is not simply their lower-cased interview label. (Members of different enums
may share a value, and equal values are equal keys: see ``_SENTENCES``.)"""

_SENTENCES: dict[tuple[type[StrEnum], str], str] = {(type(c), c.value): text for c, text in _SENTENCE_LIST}


def sentence(choice: StrEnum) -> str:
    """A choice as it reads inside a sentence: ``sentence(DecisionRule.UNANIMOUS)`` is "unanimity"."""
    special = _SENTENCES.get((type(choice), choice.value))
    if special is not None:
        return special
    text = CHOICE_HELP[choice][0]
    # Keep proper names and initialisms ("NHS trust", "The courts of England and Wales" stays as written).
    return text if text[:3].isupper() or text.startswith("The ") else text[:1].lower() + text[1:]


SENTENCE_ENUMS: tuple[type[StrEnum], ...] = (
    PartyKind,
    PartyRole,
    LegalForm,
    BodyKind,
    BodyNature,
    ChairMethod,
    DecisionRule,
    ReservedMechanism,
    Status,
    VoteBy,
    Significance,
    Frequency,
    CostMethod,
    CostSplit,
    FinalForum,
    DocumentKind,
)
"""The enums whose members the clauses and messages name (each has a sentence label)."""


def and_list(items: Sequence[str], last: str = "and") -> str:
    """``A``, ``A and B``, ``A, B and C`` (empty for none)."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


# ------------------------------------------------------------------------------------------- votes

_ORDINALS = {
    2: "half",
    3: "third",
    4: "quarter",
    5: "fifth",
    6: "sixth",
    7: "seventh",
    8: "eighth",
    9: "ninth",
    10: "tenth",
}
_COUNTS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def share_words(share: Fraction) -> str:
    """A share of the votes as a lawyer writes it: "two-thirds", "three-quarters"; "62.5%" where no simple
    fraction says it."""
    if share.denominator in _ORDINALS and share.numerator < share.denominator:
        unit = _ORDINALS[share.denominator]
        return f"{_COUNTS[share.numerator]}-{unit}{'s' if share.numerator > 1 else ''}"
    percent = share * 100
    return f"{float(percent):g}%" if (percent * 100).denominator == 1 else f"{share.numerator}/{share.denominator}"


def threshold_met(votes_for: int, votes_cast: int, share: Fraction) -> bool:
    """Whether a proposal carries under "at least <share> of the votes cast", counted exactly (2 of 3 reaches
    two-thirds; 66.67% would not)."""
    return votes_cast > 0 and Fraction(votes_for, votes_cast) >= share


def majority_met(votes_for: int, votes_cast: int) -> bool:
    """A simple majority: more than half of the votes cast."""
    return votes_for * 2 > votes_cast


# ------------------------------------------------------------------------------------------- parties


def is_member(party: Party) -> bool:
    """A full party to the collaborative: a member or the lead provider (not only a host, associate or observer)."""
    return PartyRole.MEMBER in party.roles or PartyRole.LEAD_PROVIDER in party.roles


def is_nhs_relevant(party: Party) -> bool:
    """An NHS body that may exercise functions jointly with others (s65Z5/s65Z6)."""
    return party.kind in NHS_RELEVANT_BODIES


_DELEGATED_AUTHORITY: dict[PartyKind, str] = {
    PartyKind.NHS_FOUNDATION_TRUST: (
        "a committee of its directors or an executive director (NHS Act 2006 Sch 7 para 15(3)); "
        "not its chair or another non-executive director alone"
    ),
    PartyKind.NHS_TRUST: "a committee or sub-committee of the trust, or an officer, under its standing orders",
    PartyKind.ICB: "a committee or sub-committee, a member or an employee, under its constitution",
    PartyKind.NHS_ENGLAND: "a committee, sub-committee or officer, within SI 2022/642 reg 2",
    PartyKind.LOCAL_AUTHORITY: "a committee, sub-committee or officer under Local Government Act 1972 s101",
    PartyKind.CIC: "its board of directors, or a director or employee authorised under its articles",
    PartyKind.COMPANY: "its board of directors, or a director or employee authorised under its articles",
    PartyKind.CHARITY: "its trustees, or a person they authorise under its governing document",
    PartyKind.OTHER: "whoever its constitution allows: confirm",
}


def delegated_authority(kind: PartyKind) -> str:
    """Who may hold authority delegated by a party of this kind (the law drafted as a note; confirm it)."""
    return _DELEGATED_AUTHORITY[kind]


_NON_EXECUTIVE = re.compile(
    r"\b(non[- ]executive|ned)\b|\bchair(man|person|woman)?\b(?!\s+of\s+(?!the\s+(trust|foundation trust|board)\b))",
    re.IGNORECASE,
)
"""The chair or a non-executive director of the trust itself: not "the chair of the Clinical Reference Group"."""
_COUNCILLOR = re.compile(r"\b(councillor|cllr|elected member|cabinet member|portfolio holder)\b", re.IGNORECASE)
_AUTHORITY_LIMITS: dict[PartyKind, tuple[re.Pattern[str], str, str]] = {
    PartyKind.NHS_FOUNDATION_TRUST: (
        _NON_EXECUTIVE,
        "a foundation trust may delegate its functions only to a committee of its directors or to an executive "
        "director, so its chair or another non-executive director cannot hold authority to decide for it alone",
        "NHS Act 2006 Sch 7 para 15(3)",
    ),
    PartyKind.NHS_TRUST: (
        _NON_EXECUTIVE,
        "an NHS trust delegates under its standing orders to a committee or sub-committee of its board or to an "
        "officer, and a non-executive director (its chair included) is not an officer",
        "National Health Service Trusts (Membership and Procedure) Regulations 1990 (unverified here)",
    ),
    PartyKind.LOCAL_AUTHORITY: (
        _COUNCILLOR,
        "a council delegates to a committee, a sub-committee or an officer, and a councillor alone may act for it "
        "only as an executive member under executive arrangements",
        "Local Government Act 1972 s101; Local Government Act 2000 Part 1A (unverified here)",
    ),
}


def authority_problem(kind: PartyKind, role: str) -> tuple[str, str] | None:
    """Why a member of this kind of party in this post cannot hold authority to decide for it alone, with the
    source; None where the post can hold it (an ICB or a company delegates as its constitution or articles allow)."""
    limit = _AUTHORITY_LIMITS.get(kind)
    if limit is None or not limit[0].search(role):
        return None
    return limit[1], limit[2]


# ------------------------------------------------------------------------------------------- bodies


HEALTH_SERVICE_BODY_KINDS = frozenset({PartyKind.NHS_TRUST, PartyKind.ICB})
"""Kinds of party read as "health service bodies" in NHS Act 2006 s9(4) (an integrated care board, s9(4)(zb); an NHS
trust, which Sch 4 para 15 lets enter into NHS contracts as provider)."""

HEALTH_SERVICE_BODY_UNCONFIRMED = frozenset({PartyKind.NHS_FOUNDATION_TRUST, PartyKind.NHS_ENGLAND})
"""Kinds whose place in the s9(4) list could not be read (the text found stops after the ICB entry): the drafts treat
them as possibly health service bodies and say so. Councils, companies, CICs and charities are not NHS bodies."""


@dataclass(frozen=True)
class FinalForumFacts:
    """Where a dispute is finally decided (disputes.final_forum), as every clause that mentions it names it."""

    kind: FinalForum
    name: str  # "the courts of England and Wales", "arbitration", "NHS England", the ICB's name
    courts: bool  # the courts decide finally
    arbitration: bool  # a tribunal decides finally; the courts only as the Arbitration Act 1996 allows
    referee: bool  # the ICB or NHS England decides, the courts as backstop


@dataclass(frozen=True)
class NhsContractFacts:
    """Whether the collaboration agreement could be an "NHS contract" (NHS Act 2006 s9), from its parties' kinds."""

    health_service_bodies: tuple[str, ...]  # parties read as health service bodies in s9(4)
    unconfirmed: tuple[str, ...]  # parties whose kind's place in s9(4) was not confirmed
    others: tuple[str, ...]  # parties that are not health service bodies
    possible: bool  # every party is, or may be, a health service body: s9 may apply to an arrangement under it


@dataclass(frozen=True)
class MemberFacts:
    """One seat on a body, and whether it really votes once the law is applied."""

    index: int
    party: str | None  # None for an independent member, who represents no party
    role: str
    voting: bool  # as answered
    votes: bool  # as drafted: answered voting, and not barred by rule R1 or R2
    barred: bool  # R1: a voting seat of a party that is not an NHS relevant body, on a statutory body
    non_director: bool  # R2: a foundation trust's seat in committees in common not held by one of its directors
    board_director: bool | None
    post: bool = False  # a member who represents no party and holds one of the collaborative's posts


@dataclass(frozen=True)
class BodyFacts:
    """What the answers imply about one body."""

    index: int
    id: str
    name: str
    kind_sentence: str  # "sub-committee"
    parent: str | None
    part: int  # its Part of the terms of reference (1 for the first body)
    children: tuple[str, ...]
    deciding: bool  # takes decisions: the top body, any board, or a body a party delegates to
    decides: bool  # takes decisions that bind: deciding, in a form that is not MoU only
    statutory: bool  # deciding, in a form where NHS bodies exercise statutory functions jointly
    in_common: bool  # statutory, as committees in common: each party's committee decides for it alone
    members: tuple[MemberFacts, ...]
    voting_parties: tuple[str, ...]  # parties with a seat that votes as drafted, first seat first
    barred_parties: tuple[str, ...]
    non_directors: tuple[str, ...]  # "Chief Executive of EPUT"
    show_director: bool  # the membership table shows who is a director
    delegations: tuple[int, ...]  # indices into answers.delegations made to this body
    undelegated_voters: tuple[str, ...]  # voting parties that gave this body no authority
    majority: bool  # a vote can outvote a party
    weights_total: int
    observers: tuple[str, ...]  # full names of observer parties that may attend (top body only)
    nature: BodyNature  # what the body is in law: as answered, else what the legal form makes it
    nature_sentence: str  # "a joint committee under section 65Z6 ..."
    nature_answered: bool
    status: Status
    takes_effect: str | None  # the condition's wording, for a body subject to one
    by_party: bool  # each party has one vote, cast as its members present agree
    independent_chair: str | None  # the role of the independent member who chairs, where there is one
    icb: str | None  # the short name of the ICB whose committee it is, or that delegates to it
    own_authority: bool  # reports to a parent body but decides under authority from the parties, not the parent

    @property
    def has_voters(self) -> bool:
        return bool(self.voting_parties)

    @property
    def independents(self) -> tuple[MemberFacts, ...]:
        """Members who represent no party (an independent chair or member)."""
        return tuple(m for m in self.members if m.party is None)

    @property
    def seat_name(self) -> str:
        """How the body's voting seats are counted in a sentence: votes by party or by member."""
        return "Party" if self.by_party else "Voting Member"


class ApprovalKind(StrEnum):
    """What a party's board (or a foundation trust's council of governors) is asked to do with the pack."""

    APPROVE = "approve"  # a member, or a signatory of a binding document: its board approves and signs
    ENDORSE = "endorse"  # a system partner that signs only the memorandum of understanding: notes and endorses it
    GOVERNORS = "governors"  # a foundation trust's council of governors approves a significant transaction


@dataclass(frozen=True)
class Approval:
    """One decision the pack needs before it takes effect: who decides, what kind, on which documents."""

    party: Party
    kind: ApprovalKind
    documents: tuple[DocumentKind, ...]  # the documents of the pack the party signs or adopts, in the pack's order


@dataclass(frozen=True)
class CostShare:
    """What one party pays towards the shared costs: ``share`` where a fraction can be given, else ``None``."""

    method: CostMethod | None
    share: Fraction | None
    pays: bool  # the party meets part of the shared costs (False: it pays nothing unless it agrees in writing)
    of_remainder: bool = False  # the share is of what is left after the funders' contributions (equal shares)


@dataclass
class Facts:
    """The facts of one collaborative. Build with :func:`facts_of`; every property is computed once."""

    answers: Answers
    _bodies: dict[str, BodyFacts] = field(default_factory=dict, repr=False)

    # -- the arrangement

    @property
    def form(self) -> LegalForm:
        return self.answers.legal_form

    @property
    def binding(self) -> bool:
        """The arrangements bind the parties (every form but MoU only)."""
        return self.form is not LegalForm.MOU_ONLY

    @property
    def statutory_form(self) -> bool:
        return self.form in STATUTORY_FORMS

    @property
    def contractual_form(self) -> bool:
        return self.form in CONTRACTUAL_FORMS

    @property
    def binding_form(self) -> bool:
        return self.form in BINDING_FORMS

    @property
    def shall(self) -> str:
        """The verb of obligation: "shall" where the arrangements bind, "will" under an MoU."""
        return "shall" if self.binding else "will"

    @property
    def form_sentence(self) -> str:
        return sentence(self.form)

    @cached_property
    def documents(self) -> tuple[DocumentKind, ...]:
        """The documents the pack contains as files of their own, in the pack's order: those asked for, except a
        terms of reference, scheme or dispute procedure placed only in the agreement's schedules."""
        agreement = self.answers.documents.cjv.produce
        return tuple(
            k
            for k in DocumentKind
            if self.answers.documents.get(k).produce and not (agreement and self.placement(k) is Placement.SCHEDULE)
        )

    def placement(self, kind: DocumentKind) -> Placement:
        """Where the terms of reference, scheme or dispute procedure is set out (other documents stand alone)."""
        choice = self.answers.documents.get(kind)
        return choice.placement if isinstance(choice, PlacedDocumentChoice) else Placement.STANDALONE

    def in_agreement(self, kind: DocumentKind) -> bool:
        """The document's provisions are also (or only) a schedule of the collaboration agreement."""
        return (
            kind in PLACEABLE
            and DocumentKind.CJV in self.documents
            and self.placement(kind) is not Placement.STANDALONE
        )

    @cached_property
    def agreement_schedule_bodies(self) -> tuple[BodyFacts, ...]:
        """The bodies whose terms of reference the agreement sets out as schedules: every body when the terms of
        reference live only there, else the board alone (the separate document then holds every body's)."""
        if not self.in_agreement(DocumentKind.TOR):
            return ()
        if self.placement(DocumentKind.TOR) is Placement.SCHEDULE or not self.answers.documents.tor.produce:
            return self.bodies
        return (self.board,) if self.board else ()

    @property
    def governing_document(self) -> DocumentKind:
        """The instrument that states the pack's one order of precedence and one variation regime: the agreement
        where the pack has one; else, where the arrangements bind, the terms of reference each party's board
        adopts; else the memorandum of understanding."""
        docs = self.documents
        if DocumentKind.CJV in docs:
            return DocumentKind.CJV
        if self.binding and DocumentKind.TOR in docs:
            return DocumentKind.TOR
        if DocumentKind.MOU in docs:
            return DocumentKind.MOU
        return docs[0] if docs else DocumentKind.MOU

    # -- parties

    @cached_property
    def parties_by_name(self) -> dict[str, Party]:
        by_name: dict[str, Party] = {}
        for p in self.answers.parties:
            by_name.setdefault(p.short_name, p)  # a repeated short name is rule R19's finding
        return by_name

    def party(self, short_name: str) -> Party | None:
        return self.parties_by_name.get(short_name)

    @cached_property
    def members(self) -> tuple[Party, ...]:
        return tuple(p for p in self.answers.parties if is_member(p))

    @cached_property
    def member_names(self) -> frozenset[str]:
        return frozenset(p.short_name for p in self.members)

    def members_of_kind(self, *kinds: PartyKind) -> tuple[Party, ...]:
        return tuple(p for p in self.members if p.kind in kinds)

    @cached_property
    def foundation_trusts(self) -> tuple[Party, ...]:
        return self.members_of_kind(PartyKind.NHS_FOUNDATION_TRUST)

    @cached_property
    def nhs_members(self) -> tuple[Party, ...]:
        return self.members_of_kind(*NHS_RELEVANT_BODIES)

    @cached_property
    def company_members(self) -> tuple[Party, ...]:
        return self.members_of_kind(*COMPANY_KINDS)

    @cached_property
    def local_authority_members(self) -> tuple[Party, ...]:
        return self.members_of_kind(PartyKind.LOCAL_AUTHORITY)

    @cached_property
    def commissioner_members(self) -> tuple[Party, ...]:
        return self.members_of_kind(*COMMISSIONER_KINDS)

    @cached_property
    def outsiders(self) -> tuple[Party, ...]:
        """Members that are not NHS relevant bodies: they cannot vote where functions are exercised jointly."""
        return tuple(p for p in self.members if not is_nhs_relevant(p))

    @cached_property
    def host(self) -> Party | None:
        return next((p for p in self.answers.parties if PartyRole.HOST in p.roles), None)

    @cached_property
    def hosts(self) -> tuple[Party, ...]:
        return tuple(p for p in self.answers.parties if PartyRole.HOST in p.roles)

    @cached_property
    def lead_provider(self) -> Party | None:
        return next((p for p in self.answers.parties if PartyRole.LEAD_PROVIDER in p.roles), None)

    @cached_property
    def observers(self) -> tuple[Party, ...]:
        return tuple(p for p in self.answers.parties if PartyRole.OBSERVER in p.roles and not is_member(p))

    def party_location(self, short_name: str) -> Location:
        """Where a party is in the answers, by short name (``("parties",)`` if there is none)."""
        index = next((i for i, p in enumerate(self.answers.parties) if p.short_name == short_name), None)
        return ("parties",) if index is None else ("parties", index)

    def document_parties(self, kind: DocumentKind) -> tuple[Party, ...]:
        """The parties to one document: those named for it; else every member, and for the dispute resolution
        annex also every other party to the memorandum of understanding, which applies the annex to them all."""
        names = self.answers.documents.get(kind).parties
        if names is not None:
            return tuple(p for n in names if (p := self.party(n)) is not None)
        if kind is DocumentKind.DRA and DocumentKind.MOU in self.documents:
            mou = self.document_parties(DocumentKind.MOU)
            return tuple(p for p in self.answers.parties if p in self.members or p in mou)
        return self.members

    def system_partners(self, kind: DocumentKind) -> tuple[Party, ...]:
        """Signatories of a document that are not members (an ICB or council signing the MoU, say)."""
        return tuple(p for p in self.document_parties(kind) if not is_member(p))

    # -- bodies

    @cached_property
    def delegation_targets(self) -> frozenset[str]:
        return frozenset(d.to_body for d in self.answers.delegations if d.to_body is not None)

    @cached_property
    def bodies(self) -> tuple[BodyFacts, ...]:
        return tuple(self._body_facts(i, b) for i, b in enumerate(self.answers.bodies))

    def body(self, body_id: str) -> BodyFacts | None:
        if not self._bodies:
            for b in self.bodies:
                self._bodies.setdefault(b.id, b)  # a repeated id is rule C1's finding
        return self._bodies.get(body_id)

    @cached_property
    def board(self) -> BodyFacts | None:
        """The top body: the first that reports to no other."""
        return next((b for b in self.bodies if b.parent is None), None)

    @cached_property
    def structure_parties(self) -> tuple[Party, ...]:
        """The parties in the governance structure: the members, and any other party that sits on a body or
        delegates to one (in the answers' order)."""
        seated = {m.party for b in self.answers.bodies for m in b.members}
        delegating = {d.from_party for d in self.answers.delegations}
        return tuple(p for p in self.answers.parties if is_member(p) or p.short_name in seated | delegating)

    @cached_property
    def deciding_bodies(self) -> tuple[BodyFacts, ...]:
        return tuple(b for b in self.bodies if b.deciding)

    @cached_property
    def body_delegations(self) -> tuple[Delegation, ...]:
        return tuple(d for d in self.answers.delegations if d.to_body is not None)

    @cached_property
    def delegations_nature(self) -> str:
        """What the bodies the parties delegate to are in law: one nature's value, "mixed", or "" for none."""
        natures = {b.nature for b in self.bodies if b.delegations}
        if not natures:
            return ""
        return natures.pop().value if len(natures) == 1 else "mixed"

    @cached_property
    def officer_delegations(self) -> tuple[Delegation, ...]:
        return tuple(d for d in self.answers.delegations if d.to_body is None)

    @cached_property
    def nhs_england_delegates(self) -> bool:
        """NHS England delegates something, which SI 2022/642 reg 2 limits (rule R3)."""
        return any(
            (p := self.party(d.from_party)) and p.kind is PartyKind.NHS_ENGLAND for d in self.answers.delegations
        )

    @cached_property
    def nhs_england_is_party(self) -> bool:
        return any(p.kind is PartyKind.NHS_ENGLAND for p in self.answers.parties)

    @cached_property
    def limits_unknown(self) -> bool:
        """Some delegation gives no financial limit (the scheme of delegation shows [●] for it)."""
        return any(d.financial_limit is None for d in self.answers.delegations)

    @cached_property
    def register_keeper(self) -> str | None:
        """Who keeps the register of delegated decisions: the board's secretariat, else the host."""
        board = self.answers.bodies[self.board.index] if self.board else None
        if board is not None and board.secretariat is not None:
            return board.secretariat
        return self.host.short_name if self.host else None

    def nature_of(self, b: Body) -> BodyNature:
        """What a body is in law: as answered; else, for a body that decides (the top body, any board, or a body
        a party delegates to), what the legal form makes it; else an advisory group."""
        if b.nature is not None:
            return b.nature
        deciding = b.parent is None or b.kind is BodyKind.BOARD or b.id in self.delegation_targets
        return FORM_NATURE[self.form] if deciding else BodyNature.ADVISORY

    def _body_facts(self, index: int, b: Body) -> BodyFacts:
        nature = self.nature_of(b)
        default_deciding = b.parent is None or b.kind is BodyKind.BOARD or b.id in self.delegation_targets
        deciding = nature is not BodyNature.ADVISORY or (b.nature is None and default_deciding)
        statutory = deciding and nature in STATUTORY_NATURES
        in_common = statutory and nature is BodyNature.COMMITTEES_IN_COMMON
        joint = statutory and nature in JOINT_NATURES
        posts = {p.title.casefold() for p in self.answers.staffing.posts}
        members = tuple(
            replace(seat, post=seat.party is None and seat.role.casefold() in posts)
            for seat in (
                self._member_facts(i, m.party, m.role, m.voting, m.board_director, joint, in_common)
                for i, m in enumerate(b.members)
            )
        )
        voting_parties = _unique(m.party for m in members if m.votes and m.party is not None)
        delegations = tuple(i for i, d in enumerate(self.answers.delegations) if d.to_body == b.id)
        delegating = {self.answers.delegations[i].from_party for i in delegations}
        weights = b.voting.weights or {}
        seated = {m.party for m in b.members}
        independents = [m for m in b.members if m.party is None]
        chair = None
        if (
            b.chair.method is ChairMethod.INDEPENDENT
            and independents
            and not any(m.role.casefold() in posts for m in independents)
        ):
            chair = next((m.role for m in independents if "chair" in m.role.lower()), independents[0].role)
        icbs = [
            d.from_party
            for i in delegations
            if (p := self.party((d := self.answers.delegations[i]).from_party)) and p.kind is PartyKind.ICB
        ]
        if not icbs and nature is BodyNature.ICB_COMMITTEE:
            icbs = [p.short_name for p in self.answers.parties if p.kind is PartyKind.ICB]
        return BodyFacts(
            index=index,
            id=b.id,
            name=b.name,
            kind_sentence=sentence(b.kind),
            parent=b.parent,
            part=index + 1,
            children=tuple(c.id for c in self.answers.bodies if c.parent == b.id),
            deciding=deciding,
            decides=deciding and self.binding,
            statutory=statutory,
            in_common=in_common,
            members=members,
            voting_parties=voting_parties,
            barred_parties=_unique(m.party for m in members if m.barred and m.party is not None),
            non_directors=tuple(f"{m.role} of {m.party}" for m in members if m.non_director),
            show_director=joint or any(m.board_director is not None for m in b.members),
            delegations=delegations,
            undelegated_voters=tuple(p for p in voting_parties if p not in delegating),
            majority=b.voting.rule in MAJORITY_RULES,
            weights_total=sum(weights.get(p, 0) for p in voting_parties),
            observers=tuple(p.name for p in self.observers if p.short_name not in seated) if b.parent is None else (),
            nature=nature,
            nature_sentence=sentence(nature),
            nature_answered=b.nature is not None,
            status=b.status,
            takes_effect=b.takes_effect,
            by_party=b.voting.by is VoteBy.PARTY,
            independent_chair=chair,
            icb=icbs[0] if icbs else None,
            own_authority=b.parent is not None and deciding and nature in OWN_AUTHORITY_NATURES,
        )

    def _member_facts(
        self,
        index: int,
        party: str | None,
        role: str,
        voting: bool,
        director: bool | None,
        joint: bool,
        in_common: bool,
    ) -> MemberFacts:
        """``joint``: the body exercises NHS functions jointly or in common, so only NHS relevant bodies vote (and,
        in common, an independent member sits on no party's committee and cannot vote)."""
        p = self.party(party) if party is not None else None
        barred = voting and joint and ((p is not None and not is_nhs_relevant(p)) or (party is None and in_common))
        non_director = in_common and p is not None and p.kind is PartyKind.NHS_FOUNDATION_TRUST and director is not True
        return MemberFacts(
            index, party, role, voting, voting and not barred and not non_director, barred, non_director, director
        )

    # -- money and approvals

    @cached_property
    def funders(self) -> tuple[Funder, ...]:
        """Those that help meet the shared costs without being parties (the ICB meeting 60%, say)."""
        return tuple(self.answers.finance.cost_sharing.funders)

    @cached_property
    def cost_shares_total(self) -> Decimal | None:
        """The parties' and funders' percentage shares added up, where the parties' shares are answered."""
        shares = self.answers.finance.cost_sharing.shares
        if shares is None:
            return None
        return sum(shares.values(), Decimal(0)) + sum((f.share for f in self.funders if f.share), Decimal(0))

    def significance(self, party: Party) -> Significance | None:
        """Whether entering the arrangements is a significant transaction for a foundation trust (NHS Act 2006
        s51A): as answered; None for any other party."""
        if party.kind is not PartyKind.NHS_FOUNDATION_TRUST:
            return None
        return party.significant_transaction or Significance.NOT_YET_KNOWN

    @cached_property
    def governors_must_approve(self) -> tuple[Party, ...]:
        """Foundation trusts whose governors must approve, because the arrangements bind and are a significant
        transaction for them."""
        if not self.binding:
            return ()
        return tuple(p for p in self.foundation_trusts if self.significance(p) is Significance.YES)

    @cached_property
    def governors_unknown(self) -> tuple[Party, ...]:
        """Foundation trusts, in a binding arrangement, for which no one has yet said whether it is significant."""
        if not self.binding:
            return ()
        return tuple(p for p in self.foundation_trusts if self.significance(p) is Significance.NOT_YET_KNOWN)

    @cached_property
    def outside_agreement(self) -> tuple[Party, ...]:
        """Parties to the terms of reference that are not parties to the collaboration agreement (an ICB that
        adopts only the terms of a joint committee, say): the agreement's variation clause does not bind them."""
        if DocumentKind.CJV not in self.documents and not self.in_agreement(DocumentKind.TOR):
            return ()
        signing = {p.short_name for p in self.document_parties(DocumentKind.CJV)}
        return tuple(p for p in self.document_parties(DocumentKind.TOR) if p.short_name not in signing)

    @cached_property
    def natures_mixed(self) -> bool:
        """The bodies that are not advisory are of more than one kind in law (committees in common above a joint
        committee, say), so no one legal form describes the collaborative."""
        return len({b.nature for b in self.bodies if b.nature is not BodyNature.ADVISORY}) > 1

    @cached_property
    def quality_body(self) -> BodyFacts | None:
        """The body that assures quality: the first whose name says so (a quality sub-committee)."""
        return next((b for b in self.bodies if "quality" in b.name.casefold()), None)

    @property
    def collaborative_term(self) -> str:
        """The defined term for the collaborative in every document: its short name, else "Collaborative"."""
        return self.answers.collaborative.short_name or "Collaborative"

    @property
    def party_reserved_covers_accounts(self) -> bool:
        """The matters each party reserves to its own board already name its accounts."""
        return any("accounts" in m.lower() for m in self.answers.decisions.party_reserved_matters)

    # -- names

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Every name the answers give — the collaborative's, its places', the parties' (full and short), their
        signatories', the bodies', posts and roles, the forums of the dispute tiers, the mediation and expert
        appointers — which a document may capitalise without defining (the grammar lint's allow-list)."""
        a = self.answers
        c = a.collaborative
        found: list[str | None] = [c.name, c.short_name, c.footprint, c.ics, c.icb]
        for p in a.parties:
            found += [p.name, p.short_name, p.signatory.name, p.signatory.title]
        for b in a.bodies:
            found += [b.name, *(m.role for m in b.members)]
        found += [d.to_officer for d in a.delegations]
        found += [post.title for post in a.staffing.posts] + [post.joint_with for post in a.staffing.posts]
        found += [t.name for t in a.disputes.tiers] + [t.forum for t in a.disputes.tiers]
        if a.disputes.mediation is not None:
            found.append(a.disputes.mediation.provider)
        if a.disputes.expert_determination is not None:
            found.append(a.disputes.expert_determination.appointer)
        return _unique(n for n in found if n)

    @cached_property
    def proper_names(self) -> tuple[str, ...]:
        """The names above and the proper names the answers' free text uses (``answer_phrases``): what a draft
        may write with capitals without defining it, and what a list item may start with in capitals."""
        texts = _strings(self.answers.model_dump(mode="json"))
        return _unique([*self.names, *sorted(answer_phrases(texts, self.names))])

    # -- disputes

    @cached_property
    def deadlock_stage(self) -> int | None:
        """Where a deadlock of the top body enters the dispute procedure, as an index into the escalation tiers:
        after every tier whose forum is that body or a body below it (escalating only upwards, never back down to
        a body that reports to it or round to itself); None when no tier is left, so it goes to mediation."""
        board = self.board
        if board is None:
            return 0 if self.answers.disputes.tiers else None
        below = {board.id}
        grew = True
        while grew:
            grown = below | {b.id for b in self.bodies if b.parent in below}
            grew, below = grown != below, grown
        names = [b.name.casefold() for b in self.bodies if b.id in below]
        last = -1
        for i, tier in enumerate(self.answers.disputes.tiers):
            if any(name in tier.forum.casefold() for name in names):
                last = i
        stage = last + 1
        return stage if stage < len(self.answers.disputes.tiers) else None

    @cached_property
    def final_forum(self) -> FinalForumFacts:
        kind = self.answers.disputes.final_forum
        names = {
            FinalForum.COURTS: "the courts of England and Wales",
            FinalForum.ARBITRATION: "arbitration",
            FinalForum.NHS_ENGLAND: "NHS England",
            FinalForum.ICB: self.answers.collaborative.icb or "the integrated care board",
        }
        return FinalForumFacts(
            kind=kind,
            name=names[kind],
            courts=kind is FinalForum.COURTS,
            arbitration=kind is FinalForum.ARBITRATION,
            referee=kind in (FinalForum.ICB, FinalForum.NHS_ENGLAND),
        )

    @cached_property
    def nhs_contract(self) -> NhsContractFacts:
        """s9 status of the collaboration agreement, from the kinds of the parties who sign it."""
        parties = self.document_parties(DocumentKind.CJV)
        confirmed = tuple(p.name for p in parties if p.kind in HEALTH_SERVICE_BODY_KINDS)
        unconfirmed = tuple(p.name for p in parties if p.kind in HEALTH_SERVICE_BODY_UNCONFIRMED)
        others = tuple(p.name for p in parties if p.name not in confirmed + unconfirmed)
        return NhsContractFacts(confirmed, unconfirmed, others, possible=len(parties) > 1 and not others)

    @cached_property
    def cost_share_to_expert(self) -> bool:
        """A dispute about the Shared Costs goes to expert determination: the answers have an expert and shared
        costs (any method but "no shared costs"; an unanswered method still means costs are shared)."""
        method = self.answers.finance.cost_sharing.method
        return self.answers.disputes.expert_determination is not None and method is not CostMethod.NO_SHARED_COSTS

    @property
    def mediation_is_cedr(self) -> bool:
        """Mediation follows the CEDR Model Mediation Procedure (the provider named is CEDR)."""
        m = self.answers.disputes.mediation
        return m is not None and "CEDR" in m.provider.upper()

    # -- approvals: who must decide what before the pack takes effect (the board papers)

    def signed_documents(self, short_name: str) -> tuple[DocumentKind, ...]:
        """The documents of the pack this party signs or adopts (a schedule of the agreement comes with it)."""
        return tuple(k for k in self.documents if any(p.short_name == short_name for p in self.document_parties(k)))

    @cached_property
    def approvals(self) -> tuple[Approval, ...]:
        """Every decision the pack needs, in the answers' order of parties: the board of each member and of each
        other party to a binding document (``BINDING_DOCUMENTS``) approves; a system partner that signs only the memorandum notes
        and endorses it; after its board, the council of governors of a foundation trust for which the
        arrangements are a significant transaction approves them."""
        out: list[Approval] = []
        for party in self.answers.parties:
            documents = self.signed_documents(party.short_name)
            binding = self.binding and any(k in BINDING_DOCUMENTS for k in documents)
            if is_member(party) or binding:
                out.append(Approval(party, ApprovalKind.APPROVE, documents))
                if party in self.governors_must_approve:
                    out.append(Approval(party, ApprovalKind.GOVERNORS, documents))
            elif documents:
                out.append(Approval(party, ApprovalKind.ENDORSE, documents))
        return tuple(out)

    def delegations_from(self, short_name: str) -> tuple[int, ...]:
        """The delegations this party makes, as indices into ``answers.delegations``."""
        return tuple(i for i, d in enumerate(self.answers.delegations) if d.from_party == short_name)

    def seats_of(self, short_name: str) -> tuple[tuple[BodyFacts, tuple[MemberFacts, ...]], ...]:
        """Each body on which this party has seats, with those seats."""
        out = []
        for body in self.bodies:
            seats = tuple(m for m in body.members if m.party == short_name)
            if seats:
                out.append((body, seats))
        return tuple(out)

    @cached_property
    def cost_payers(self) -> tuple[str, ...]:
        """The parties that meet the shared costs: those given a share, else the members."""
        cs = self.answers.finance.cost_sharing
        if cs.method is CostMethod.NO_SHARED_COSTS:
            return ()
        if cs.method is CostMethod.FIXED_SHARES and cs.shares:
            return tuple(name for name, share in cs.shares.items() if share)
        return tuple(p.short_name for p in self.members)

    def cost_share(self, short_name: str) -> CostShare:
        """What this party pays towards the shared costs, as the drafts set it out."""
        cs = self.answers.finance.cost_sharing
        pays = short_name in self.cost_payers
        share: Fraction | None = None
        if pays and cs.method is CostMethod.EQUAL:
            share = Fraction(1, len(self.cost_payers))
        elif pays and cs.method is CostMethod.FIXED_SHARES and cs.shares:
            share = Fraction(str(cs.shares[short_name])) / 100
        return CostShare(cs.method, share, pays, bool(self.funders) and cs.method is CostMethod.EQUAL)

    def parties_at(self, loc: Location) -> frozenset[str]:
        """The parties (short names) an answer is about: a party's own entry, a delegation it makes, a seat it
        holds, its share or weight; none for an answer about the collaborative as a whole."""
        a = self.answers
        found: set[str] = {part for part in loc if isinstance(part, str) and part in self.parties_by_name}
        try:
            if len(loc) > 1 and loc[0] == "parties" and isinstance(loc[1], int):
                found.add(a.parties[loc[1]].short_name)
            elif len(loc) > 1 and loc[0] == "delegations" and isinstance(loc[1], int):
                found.add(a.delegations[loc[1]].from_party)
            elif len(loc) > 3 and loc[0] == "bodies" and loc[2] == "members" and isinstance(loc[3], int):
                body = a.bodies[loc[1]] if isinstance(loc[1], int) else next(b for b in a.bodies if b.id == loc[1])
                seat = body.members[loc[3]].party
                found.update([seat] if seat is not None else [])
        except (IndexError, StopIteration):
            pass
        return frozenset(found)

    def placeholder_parties(self, placeholder: str) -> frozenset[str]:
        """The parties a [●] left in the drafts is for: by its answer's field path ("parties[0].address"), or by
        the party a described gap names ("date EPUT approved the terms of reference")."""
        loc = parse_field_path(placeholder)
        if loc is not None:
            return self.parties_at(loc)
        words = set(re.findall(r"[\w'’-]+", placeholder))
        return frozenset(p.short_name for p in self.answers.parties if p.short_name in words or p.name in placeholder)

    # -- locations as the user wrote them

    def describe(self, loc: Location) -> str:
        """A location named as the user knows it: ``Community Collaborative Board › quorum › members``."""
        words: list[str] = []
        a = self.answers
        i = 0
        while i < len(loc):
            part = loc[i]
            nxt = loc[i + 1] if i + 1 < len(loc) else None
            if isinstance(nxt, int) and part in ("bodies", "parties", "delegations", "tiers", "members", "posts"):
                words.append(_item_name(a, loc[: i + 2]))
                i += 2
                continue
            words.append(str(part).replace("_", " "))
            i += 1
        return " › ".join(words)


def _item_name(a: Answers, loc: Location) -> str:
    """The name of one list item: a body's name, a party's short name, a numbered delegation."""
    try:
        if loc == ("bodies", loc[1]) and isinstance(loc[1], int):
            return a.bodies[loc[1]].name
        if loc == ("parties", loc[1]) and isinstance(loc[1], int):
            return a.parties[loc[1]].short_name
        if loc == ("delegations", loc[1]) and isinstance(loc[1], int):
            d = a.delegations[loc[1]]
            return f"delegation {loc[1] + 1} ({d.from_party} to {d.to_body or d.to_officer})"
        if loc[:2] == ("disputes", "tiers") or loc[-2] == "tiers":
            index = loc[-1]
            assert isinstance(index, int)
            return f"dispute tier '{a.disputes.tiers[index].name}'"
        if len(loc) == 4 and loc[0] == "bodies" and loc[2] == "members":
            body, seat = loc[1], loc[3]
            assert isinstance(body, int) and isinstance(seat, int)
            m = a.bodies[body].members[seat]
            return f"{m.role} of {m.party}"
    except (IndexError, AssertionError):
        pass
    return f"{loc[-2]} item {int(loc[-1]) + 1}"


def format_location(loc: Location) -> str:
    """A location as a field path: ``bodies[0].quorum.members``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_FIELD_PATH = re.compile(r"[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*")


def parse_field_path(text: str) -> Location | None:
    """A field path back into a location (``bodies[0].quorum`` → ``("bodies", 0, "quorum")``); ``None`` for text
    that is not one (a described gap such as "date of signature")."""
    if not _FIELD_PATH.fullmatch(text) or ("." not in text and "[" not in text):
        return None
    loc: list[str | int] = []
    for part in text.split("."):
        name, _, index = part.partition("[")
        loc.append(name)
        if index:
            loc.append(int(index.rstrip("]")))
    return tuple(loc)


_PHRASE = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:and|of|for|the|in|on)\s+)?[A-Z][\w'’-]*)+")


def answer_phrases(texts: Iterable[str], names: Iterable[str]) -> set[str]:
    """Proper names written in the answers' free text: runs of two or more capitalised words ("Westmoor and
    Eastvale", "Mid and South Essex"), less a leading article, and never a shortened form of a name ("Joint
    Committee" for the "Elective Surgery Joint Committee"), which a draft must not use undefined."""
    known = [n for n in names if n]
    found = set()
    for text in texts:
        for m in _PHRASE.finditer(text):
            phrase = re.sub(r"^(The|A|An|Each|Any|Every|This|These)\s+", "", m.group(0))
            if " " in phrase and not any(phrase != n and n.endswith(phrase) for n in known):
                found.add(phrase)
    return found


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def facts_of(answers: Answers) -> Facts:
    """The facts of a collaborative (cheap: each fact is worked out the first time it is read)."""
    return Facts(answers)
