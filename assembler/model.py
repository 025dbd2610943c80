"""The answers model: every fact the five documents need, typed, with its question and help.

Each field's ``title`` is the question the interview asks and its ``description`` the help shown with it; each
closed choice is an enum whose members carry a label and a plain-English explanation in ``CHOICE_HELP``. The
interview, the rules, the clause conditions and the docs read the wording from here and nowhere else.

Unknown optional facts are ``None`` (a ``[●]`` placeholder in the drafts), never an empty string.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    model_validator,
)

FORMAT_VERSION = 2
"""The answers format this tool writes; older files are migrated when read (:mod:`assembler.migrate`)."""

_NOT_IN_DOCUMENTS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _empty_list() -> list[Any]:
    """An empty list, the default of a list field. Not ``default_factory=list``: pydantic reads each factory's
    signature when it builds the answers' validator, and a builtin's is parsed from its text by the tokenizer
    (about 2 ms at start-up over 18 fields, most of it compiling the tokenizer's patterns)."""
    return []


def _printable(value: str) -> str:
    """Refuse characters a Word document cannot hold (control characters, lone surrogates)."""
    bad = _NOT_IN_DOCUMENTS.search(value)
    if bad is not None:
        raise ValueError(f"contains the control character U+{ord(bad.group()):04X}, which a document cannot hold")
    return value


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), AfterValidator(_printable)
]
"""Free text; an unknown answer is null, never an empty string."""

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150), AfterValidator(_printable)
]
"""A name that also becomes part of file names (kept under 255 bytes) and of the documents' properties (which hold
at most 255 characters)."""

Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), AfterValidator(_printable)
]
"""A short label that also goes into file names or document properties: a short name, a version. (Its constraints
must differ from ``Ref``'s: the interview recognises a party reference by them.)"""

Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), AfterValidator(_printable)]
"""A reference to a party's short name or a body's id."""

Ident = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=40)
]
"""A machine id: lower-case letters, digits and underscores, starting with a letter."""

CompanyNumber = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^([A-Z]{2}\d{6}|\d{8}|\d{6,7})$"),
]
"""A Companies House number: eight characters, digits or two letters and six digits (01234567, SC123456)."""

Days = Annotated[int, Field(gt=0, le=3650)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]

_FRACTION_WORDS = {
    "half": Fraction(1, 2),
    "one-half": Fraction(1, 2),
    "two-thirds": Fraction(2, 3),
    "three-quarters": Fraction(3, 4),
    "three-fifths": Fraction(3, 5),
    "four-fifths": Fraction(4, 5),
}


def parse_share(value: Any) -> Fraction:
    """A share of the votes, exactly: a percentage (75, 66.5, "75%") or a fraction ("2/3", "two-thirds")."""
    if isinstance(value, Fraction):
        share = value
    elif isinstance(value, bool):
        raise ValueError("give a percentage such as 75, or a fraction such as 2/3")
    elif isinstance(value, int | float | Decimal):
        share = Fraction(Decimal(str(value))) / 100
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "").replace("\u2011", "-")
        if text in _FRACTION_WORDS:
            share = _FRACTION_WORDS[text]
        elif re.fullmatch(r"\d{1,3}/\d{1,3}", text):
            top, bottom = (int(x) for x in text.split("/"))
            if bottom == 0:
                raise ValueError("a fraction cannot have 0 below the line")
            share = Fraction(top, bottom)
        elif re.fullmatch(r"\d{1,3}(\.\d{1,2})?%?", text):
            share = Fraction(Decimal(text.rstrip("%"))) / 100
        else:
            raise ValueError("give a percentage such as 75, or a fraction such as 2/3")
    else:
        raise ValueError("give a percentage such as 75, or a fraction such as 2/3")
    if not 0 < share <= 1:
        raise ValueError("a share of the votes must be more than 0 and at most all of them (100%)")
    return share


def share_answer(share: Fraction) -> int | float | str:
    """A share as the answers file writes it: a percentage where that is exact (75, 62.5), else "2/3"."""
    percent = share * 100
    if (percent * 100).denominator == 1:
        return int(percent) if percent.denominator == 1 else float(percent)
    return f"{share.numerator}/{share.denominator}"


Share = Annotated[Fraction, BeforeValidator(parse_share), PlainSerializer(share_answer)]
"""A share of the votes, kept exactly (two-thirds is 2/3, not 66.67%)."""


def ask(question: str, help_text: str, **extra: Any) -> dict[str, Any]:
    """Field keyword arguments holding the interview's question and help (one place for both)."""
    schema_extra: dict[str, Any] = dict(extra)
    return {"title": question, "description": help_text, "json_schema_extra": schema_extra or None}


class Strict(BaseModel):
    """Base of every answers model: unknown keys are errors.

    Values are checked when answers are validated (loading a file, the interview checking each answer), not on
    attribute assignment: assignment validators would cost a quarter of the start-up time of every command."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=False, use_enum_values=False, frozen=False, defer_build=True
    )


# --------------------------------------------------------------------------------------------------- choices


class PartyKind(StrEnum):
    NHS_TRUST = "nhs_trust"
    NHS_FOUNDATION_TRUST = "nhs_foundation_trust"
    ICB = "icb"
    NHS_ENGLAND = "nhs_england"
    LOCAL_AUTHORITY = "local_authority"
    CIC = "cic"
    COMPANY = "company"
    CHARITY = "charity"
    OTHER = "other"


COMPANY_KINDS = frozenset({PartyKind.CIC, PartyKind.COMPANY, PartyKind.CHARITY})
"""Kinds of party that are companies or charities: registered at Companies House or the Charity Commission."""


class PartyRole(StrEnum):
    MEMBER = "member"
    HOST = "host"
    LEAD_PROVIDER = "lead_provider"
    ASSOCIATE = "associate"
    OBSERVER = "observer"


class LegalForm(StrEnum):
    MOU_ONLY = "mou_only"
    CJV = "cjv"
    LEAD_PROVIDER = "lead_provider"
    COMMITTEES_IN_COMMON = "committees_in_common"
    JOINT_COMMITTEE = "joint_committee"


class BodyKind(StrEnum):
    BOARD = "board"
    SUB_COMMITTEE = "sub_committee"
    OPERATIONAL_GROUP = "operational_group"
    LEADERSHIP_TEAM = "leadership_team"
    REFERENCE_GROUP = "reference_group"


class BodyNature(StrEnum):
    CONTRACTUAL_BOARD = "contractual_board"
    COMMITTEES_IN_COMMON = "committees_in_common"
    JOINT_COMMITTEE = "joint_committee"
    ICB_COMMITTEE = "icb_committee"
    LEAD_PROVIDER_COMMITTEE = "lead_provider_committee"
    ADVISORY = "advisory"


class Status(StrEnum):
    IN_FORCE = "in_force"
    PROPOSED = "proposed"
    CONDITIONAL = "conditional"


class VoteBy(StrEnum):
    MEMBER = "member"
    PARTY = "party"


class Significance(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_YET_KNOWN = "not_yet_known"


class ChairMethod(StrEnum):
    ROTATING = "rotating"
    INDEPENDENT = "independent"
    NAMED_PARTY = "named_party"
    NAMED_POST = "named_post"


class DecisionRule(StrEnum):
    CONSENSUS = "consensus"
    UNANIMOUS = "unanimous"
    SIMPLE_MAJORITY = "simple_majority"
    QUALIFIED_MAJORITY = "qualified_majority"
    WEIGHTED = "weighted"


class ReservedMechanism(StrEnum):
    UNANIMITY = "unanimity"
    LOCKED_GATEWAY = "locked_gateway"
    REFERRAL_TO_BOARDS = "referral_to_boards"


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"


class CostMethod(StrEnum):
    EQUAL = "equal"
    FIXED_SHARES = "fixed_shares"
    PROPORTIONAL_TO_INCOME = "proportional_to_income"
    ACTIVITY_BASED = "activity_based"
    NO_SHARED_COSTS = "no_shared_costs"


class CostSplit(StrEnum):
    EQUAL = "equal"
    AS_COST_SHARES = "as_cost_shares"
    AS_MEDIATOR_DIRECTS = "as_mediator_directs"


class FinalForum(StrEnum):
    COURTS = "courts"
    ICB = "icb"
    NHS_ENGLAND = "nhs_england"
    ARBITRATION = "arbitration"


class Placement(StrEnum):
    SCHEDULE = "schedule"
    STANDALONE = "standalone"
    BOTH = "both"


class DocumentForm(StrEnum):
    UNDER_HAND = "under_hand"
    DEED = "deed"


class DocumentKind(StrEnum):
    MOU = "mou"
    CJV = "cjv"
    TOR = "tor"
    SOD = "sod"
    DRA = "dra"


class ChoiceHelp:
    """Label and explanation of every closed choice, keyed by the member itself.

    Members of different enums can share a value (``LegalForm.CJV`` and ``DocumentKind.CJV`` are both "cjv"), so
    entries are stored by (enum class, value), never by the value alone.
    """

    def __init__(self, entries: list[tuple[StrEnum, str, str]]) -> None:
        self._entries: dict[tuple[type[StrEnum], str], tuple[str, str]] = {}
        self._members: list[StrEnum] = []
        for member, text, help_text in entries:
            self.add(member, text, help_text)

    def add(self, member: StrEnum, text: str, help_text: str) -> None:
        self._entries[(type(member), member.value)] = (text, help_text)
        self._members.append(member)

    def __getitem__(self, member: StrEnum) -> tuple[str, str]:
        return self._entries[(type(member), member.value)]

    def __contains__(self, member: object) -> bool:
        return isinstance(member, StrEnum) and (type(member), member.value) in self._entries

    def get(self, member: StrEnum, default: tuple[str, str] | None = None) -> tuple[str, str] | None:
        return self._entries.get((type(member), member.value), default)

    def items(self) -> list[tuple[StrEnum, tuple[str, str]]]:
        return [(m, self[m]) for m in self._members]

    def members(self, enum: type[StrEnum]) -> list[StrEnum]:
        return [m for m in self._members if type(m) is enum]


CHOICE_HELP: ChoiceHelp = ChoiceHelp(
    [
        (PartyKind.NHS_TRUST, "NHS trust", "A statutory NHS trust (NHS Act 2006 s25)."),
        (
            PartyKind.NHS_FOUNDATION_TRUST,
            "NHS foundation trust",
            "A public benefit corporation with a council of governors (NHS Act 2006 s30).",
        ),
        (PartyKind.ICB, "Integrated care board", "The statutory commissioner for an integrated care system."),
        (PartyKind.NHS_ENGLAND, "NHS England", "NHS England itself, usually as a delegating commissioner."),
        (
            PartyKind.LOCAL_AUTHORITY,
            "Local authority",
            "A county, unitary, borough or district council. It cannot sit with a vote on an NHS joint committee.",
        ),
        (
            PartyKind.CIC,
            "Community interest company",
            "A company limited by guarantee or shares with a community interest statement. Not an NHS body: it cannot vote in a joint committee or committees in common exercising NHS functions.",
        ),
        (PartyKind.COMPANY, "Company", "Any other company registered under the Companies Act 2006."),
        (PartyKind.CHARITY, "Charity", "A registered charity (company, CIO or trust)."),
        (PartyKind.OTHER, "Other", "Any other kind of organisation: describe it in the drafting notes."),
        (PartyRole.MEMBER, "Member", "A full party to the collaborative with a seat and a vote."),
        (
            PartyRole.HOST,
            "Host",
            "Hosts the collaborative's team, budget or contracts on behalf of the others.",
        ),
        (
            PartyRole.LEAD_PROVIDER,
            "Lead provider",
            "Holds the commissioner contract and sub-contracts services to the other parties.",
        ),
        (PartyRole.ASSOCIATE, "Associate", "Takes part in some work without full membership or a vote."),
        (PartyRole.OBSERVER, "Observer", "Attends and receives papers; no vote."),
        (
            LegalForm.MOU_ONLY,
            "Memorandum of understanding only",
            "An advisory collaborative: nothing is delegated, every decision goes back to each party's own board. Simple and quick, but the collaborative itself cannot decide anything.",
        ),
        (
            LegalForm.CJV,
            "Contractual joint venture (contractual board)",
            "A binding agreement sets up a collaborative board with no new legal entity. Works with any kind of party, including CICs, companies and local authorities, because no statutory function is delegated.",
        ),
        (
            LegalForm.LEAD_PROVIDER,
            "Lead provider",
            "One party holds the contract with the commissioner and sub-contracts to the others.",
        ),
        (
            LegalForm.COMMITTEES_IN_COMMON,
            "Committees in common",
            "Each NHS body sets up its own committee; they meet together but each decides only for its own body. Only NHS bodies' directors can be voting members, so a CIC or local authority cannot take part with a vote.",
        ),
        (
            LegalForm.JOINT_COMMITTEE,
            "Joint committee (NHS Act 2006 s65Z6)",
            "One committee exercises functions delegated by NHS bodies jointly. Only NHS 'relevant bodies' (trusts, foundation trusts, ICBs, NHS England) may be members with a vote.",
        ),
        (BodyKind.BOARD, "Collaborative board", "The main decision-making or advisory body."),
        (BodyKind.SUB_COMMITTEE, "Sub-committee", "Reports to another body, e.g. quality or performance."),
        (
            BodyKind.OPERATIONAL_GROUP,
            "Operational group",
            "Runs day-to-day joint delivery, e.g. a joint operational group.",
        ),
        (BodyKind.LEADERSHIP_TEAM, "Leadership team", "An executive team led by a lead director."),
        (BodyKind.REFERENCE_GROUP, "Reference group", "An advisory group, e.g. a clinical reference group."),
        (
            BodyNature.CONTRACTUAL_BOARD,
            "Contractual board",
            "Set up by the collaboration agreement; not a committee of any party. Each party authorises its members "
            "to decide for it within limits, and the decisions bind by contract. Any kind of party may vote.",
        ),
        (
            BodyNature.COMMITTEES_IN_COMMON,
            "Committees in common",
            "Each NHS body's own committee, meeting together with the others; each decides only for its own body. "
            "Only NHS bodies (for a foundation trust, only its directors) may be voting members.",
        ),
        (
            BodyNature.JOINT_COMMITTEE,
            "Joint committee (NHS Act 2006 s65Z6)",
            "One committee through which NHS bodies exercise functions jointly, and which may receive functions "
            "an ICB or NHS England delegates. Only NHS bodies may vote.",
        ),
        (
            BodyNature.ICB_COMMITTEE,
            "A committee of the ICB",
            "A committee or sub-committee of the integrated care board, exercising ICB functions it delegates under "
            "its constitution; others may sit on it as the constitution allows.",
        ),
        (
            BodyNature.LEAD_PROVIDER_COMMITTEE,
            "A committee of the lead provider",
            "A committee of the lead provider, which holds the contract with the commissioner; the other parties "
            "advise it and take part, but the lead provider decides.",
        ),
        (
            BodyNature.ADVISORY,
            "Advisory group",
            "Advises and makes recommendations; decides nothing and binds no one.",
        ),
        (Status.IN_FORCE, "In force", "Set up and working from the start of the arrangements."),
        (Status.PROPOSED, "Proposed", "Intended but not yet agreed: drafted as what the parties intend to set up."),
        (
            Status.CONDITIONAL,
            "Subject to a condition",
            "Takes effect only when something else happens, e.g. when the ICB's delegation takes effect.",
        ),
        (VoteBy.MEMBER, "Each voting member", "Every voting member present has a vote."),
        (
            VoteBy.PARTY,
            "Each party",
            "Each party has one vote however many members it sends, cast as its members present agree.",
        ),
        (Significance.YES, "Yes", "The governors must approve it by a majority of those voting (NHS Act 2006 s51A)."),
        (Significance.NO, "No", "Below the thresholds the trust's constitution sets for a significant transaction."),
        (Significance.NOT_YET_KNOWN, "Not yet known", "The drafts then leave the governors' approval as a condition."),
        (
            ChairMethod.ROTATING,
            "Rotating between parties",
            "The chair passes from party to party for a set period.",
        ),
        (ChairMethod.INDEPENDENT, "Independent chair", "A chair who belongs to none of the parties."),
        (ChairMethod.NAMED_PARTY, "A named party", "A member from one named party always chairs."),
        (
            ChairMethod.NAMED_POST,
            "A named post",
            "The holder of one post always chairs, e.g. the Lead Director chairs the leadership team.",
        ),
        (DecisionRule.CONSENSUS, "Consensus", "Decisions are reached by agreement without a formal vote."),
        (DecisionRule.UNANIMOUS, "Unanimous", "Every voting member present must agree."),
        (DecisionRule.SIMPLE_MAJORITY, "Simple majority", "More than half of the votes cast."),
        (
            DecisionRule.QUALIFIED_MAJORITY,
            "Qualified majority",
            "At least a set percentage of the votes cast.",
        ),
        (DecisionRule.WEIGHTED, "Weighted votes", "Each party's vote counts by a set weight."),
        (
            ReservedMechanism.UNANIMITY,
            "Unanimity",
            "Reserved matters need every party's agreement at the board.",
        ),
        (
            ReservedMechanism.LOCKED_GATEWAY,
            "Locked gateways",
            "A reserved matter cannot proceed past a gateway until every party has agreed it.",
        ),
        (
            ReservedMechanism.REFERRAL_TO_BOARDS,
            "Referral to each party's board",
            "A reserved matter goes back to each party's own board for approval.",
        ),
        (Frequency.WEEKLY, "Weekly", ""),
        (Frequency.FORTNIGHTLY, "Fortnightly", ""),
        (Frequency.MONTHLY, "Monthly", ""),
        (Frequency.BIMONTHLY, "Every two months", ""),
        (Frequency.QUARTERLY, "Quarterly", ""),
        (CostMethod.EQUAL, "Equal shares", "Each party meets an equal share of the shared costs."),
        (CostMethod.FIXED_SHARES, "Fixed shares", "Each party meets a fixed percentage."),
        (
            CostMethod.PROPORTIONAL_TO_INCOME,
            "In proportion to contract income",
            "Shares follow each party's income under its commissioner contract.",
        ),
        (CostMethod.ACTIVITY_BASED, "By activity", "Shares follow each party's use of the shared services."),
        (CostMethod.NO_SHARED_COSTS, "No shared costs", "Each party meets its own costs."),
        (CostSplit.EQUAL, "Equally", "Mediation costs are split equally."),
        (CostSplit.AS_COST_SHARES, "As the cost shares", "Mediation costs follow the agreed cost shares."),
        (CostSplit.AS_MEDIATOR_DIRECTS, "As the mediator directs", ""),
        (FinalForum.COURTS, "The courts of England and Wales", ""),
        (
            FinalForum.ICB,
            "Referral to the integrated care board",
            "The ICB is asked to decide or facilitate.",
        ),
        (FinalForum.NHS_ENGLAND, "Referral to NHS England", ""),
        (
            FinalForum.ARBITRATION,
            "Arbitration",
            "Final and binding arbitration under the Arbitration Act 1996.",
        ),
        (
            DocumentForm.UNDER_HAND,
            "Signed under hand",
            "A simple contract, signed by authorised signatories.",
        ),
        (
            DocumentForm.DEED,
            "Executed as a deed",
            "Needed where there is no consideration or a longer limitation period is wanted; each party executes with the formalities its legal kind requires.",
        ),
        (DocumentKind.MOU, "Memorandum of understanding", ""),
        (DocumentKind.CJV, "Collaboration (contractual joint venture) agreement", ""),
        (DocumentKind.TOR, "Terms of reference", ""),
        (DocumentKind.SOD, "Scheme of delegation", ""),
        (DocumentKind.DRA, "Dispute resolution annex", ""),
        (
            Placement.SCHEDULE,
            "In the agreement only",
            "Set out as a schedule of the collaboration agreement; no separate document. Every body's terms of "
            "reference then go into the agreement's schedules.",
        ),
        (
            Placement.STANDALONE,
            "As a separate document only",
            "A document of its own, adopted by each party's board; the agreement refers to it.",
        ),
        (
            Placement.BOTH,
            "Both",
            "In the agreement's schedule and as a separate document with the same text, for the parties' boards to "
            "adopt (for the terms of reference, the schedule holds the board's and the document every body's).",
        ),
    ]
)

FORM_DEFAULTS: dict[LegalForm, dict[tuple[str, ...], Any]] = {
    # An MoU-only collaborative binds no one and delegates nothing: no agreement and no scheme of delegation.
    LegalForm.MOU_ONLY: {("documents", "cjv", "produce"): False, ("documents", "sod", "produce"): False},
}
"""Defaults that depend on the legal form, offered by the interview in place of the field's own default."""


def default_for_form(path: tuple[str | int, ...], legal_form: object, default: Any) -> Any:
    """The default the interview offers for the answer at ``path``, given the legal form chosen so far."""
    try:
        form = LegalForm(str(legal_form))
    except ValueError:
        return default
    return FORM_DEFAULTS.get(form, {}).get(tuple(str(p) for p in path), default)


def label(choice: StrEnum) -> str:
    """The plain-English label of a closed choice."""
    return CHOICE_HELP[choice][0]


# --------------------------------------------------------------------------------------------------- parts


class Collaborative(Strict):
    name: Name = Field(
        **ask("What is the collaborative called?", "Its full name as it should appear in the documents.")
    )
    short_name: Label | None = Field(
        default=None,
        **ask("What short name or abbreviation does it use?", "Used as a defined term, e.g. MSECC."),
    )
    purpose: Text | None = Field(
        default=None, **ask("What is the collaborative for?", "One or two sentences on its purpose.")
    )
    vision: Text | None = Field(
        default=None, **ask("What is its vision?", "What success looks like for patients.", detail=True)
    )
    objectives: list[Text] = Field(
        default_factory=_empty_list,
        **ask("What are its objectives or outcome areas?", "One per item; measurable if possible."),
    )
    principles: list[Text] = Field(
        default_factory=_empty_list,
        **ask(
            "Which principles will guide how the parties work?",
            "E.g. subsidiarity, patient benefit, open book.",
            detail=True,
        ),
    )
    services_in_scope: list[Text] = Field(
        default_factory=_empty_list, **ask("Which services are in scope?", "The services the collaborative covers.")
    )
    services_out_of_scope: list[Text] = Field(
        default_factory=_empty_list,
        **ask("Which services are expressly out of scope?", "Leave empty if none.", detail=True),
    )
    footprint: Text | None = Field(
        default=None,
        **ask("What area does it cover?", "The geographical footprint, e.g. Mid and South Essex."),
    )
    ics: Text | None = Field(
        default=None, **ask("Which integrated care system is it part of?", "Its full name.", detail=True)
    )
    icb: Text | None = Field(default=None, **ask("Which integrated care board commissions the services?", "Full name."))
    background: list[Text] = Field(
        default_factory=_empty_list,
        **ask(
            "What is the background?",
            "Short paragraphs of history; each becomes a recital, a numbered paragraph of background at the start "
            "of the documents: (A), (B)...",
            detail=True,
        ),
    )
    effective_date: dt.date | None = Field(
        default=None,
        **ask("From what date do the arrangements take effect?", "A date as YYYY-MM-DD; unknown is fine."),
    )


class Signatory(Strict):
    name: Text | None = Field(
        default=None, **ask("Who signs for this party?", "Their name; leave unknown if not yet decided.")
    )
    title: Text | None = Field(default=None, **ask("What is their position?", "E.g. Chief Executive."))


class Party(Strict):
    short_name: Ref = Field(
        **ask("What short name will the documents use?", "Unique; e.g. EPUT. Other answers refer to it.")
    )
    name: Text = Field(**ask("What is the party's full legal name?", "Exactly as registered."))
    kind: PartyKind = Field(**ask("What kind of organisation is it?", "Decides how it is described and how it signs."))
    roles: list[PartyRole] = Field(
        default_factory=lambda: [PartyRole.MEMBER],
        min_length=1,
        **ask("What roles does it have?", "A party may be a member and the host, for example."),
    )
    address: Text | None = Field(
        default=None,
        **ask(
            "What is its registered or principal office address?",
            "As registered, e.g. with Companies House. Unknown is fine for now.",
            detail=True,
        ),
    )
    company_number: CompanyNumber | None = Field(
        default=None,
        **ask(
            "What is its company number?",
            "For a CIC, company or charity (Companies House): eight characters, e.g. 01234567 or SC123456.",
            when="company_like",
            detail=True,
        ),
    )
    signatory: Signatory = Field(default_factory=Signatory, **ask("Signatory", "Who signs for the party.", detail=True))
    significant_transaction: Significance | None = Field(
        default=None,
        **ask(
            "Is entering these arrangements a significant transaction for this foundation trust?",
            "Its constitution defines a significant transaction (NHS Act 2006 s51A); if it is one, more than half of "
            "the governors voting must approve before the trust enters into it. Unknown drafts the governors' "
            "approval as a condition to be confirmed.",
            when="foundation_trust",
            detail=True,
        ),
    )

    @property
    def is_company_like(self) -> bool:
        return self.kind in COMPANY_KINDS

    @property
    def is_foundation_trust(self) -> bool:
        return self.kind is PartyKind.NHS_FOUNDATION_TRUST


class Member(Strict):
    party: Ref | None = Field(
        default=None,
        **ask(
            "Which party does this member represent?",
            "A party's short name; none for an independent member, such as an independent chair, who represents "
            "no party.",
        ),
    )
    role: Text = Field(**ask("What is the member's role?", "The post, e.g. Chief Executive; not a person's name."))
    voting: bool = Field(default=True, **ask("Does this member vote?", "Non-voting members attend and speak."))
    board_director: bool | None = Field(
        default=None,
        **ask(
            "Is the member a director (board member) of their party?",
            "Matters for committees of a foundation trust, which may contain only its directors.",
            when="foundation_trust_party",
        ),
    )


class Chair(Strict):
    method: ChairMethod | None = Field(
        default=None,
        **ask(
            "How is the chair chosen?",
            "Rotating shares the chair between parties; an independent chair belongs to none of them. Unknown "
            "leaves [●] for the parties to decide.",
        ),
    )
    rotation_months: int | None = Field(
        default=None,
        gt=0,
        le=120,
        **ask("How long does each party hold the chair (months)?", "Often 12 months.", when="rotating"),
    )
    party: Ref | None = Field(
        default=None,
        **ask("Which party provides the chair?", "The party whose member always chairs the body.", when="named_party"),
    )
    post: Text | None = Field(
        default=None,
        **ask("Which post holds the chair?", "A member's role, e.g. Lead Director.", when="named_post"),
    )
    vice_chair: bool | None = Field(
        default=None,
        **ask(
            "Is there a vice-chair?",
            "Chairs when the chair is absent or conflicted. Unknown leaves a drafting note for the parties to decide.",
        ),
    )


class Deputies(Strict):
    allowed: bool | None = Field(
        default=None,
        **ask(
            "May a member send a deputy?",
            "A named deputy of suitable seniority. Unknown leaves a drafting note for the parties to decide.",
        ),
    )
    may_vote: bool | None = Field(
        default=None,
        **ask(
            "May a deputy vote?",
            "Only where the member's authority passes to them. Unknown gives a deputy no vote and leaves a "
            "drafting note.",
        ),
    )


class Quorum(Strict):
    members: int = Field(
        gt=0, le=100, **ask("How many voting members make a quorum?", "At most the number of voting members.")
    )
    each_party: bool = Field(
        default=True,
        **ask("Must each party be represented for a quorum?", "Protects parties when decisions bind all."),
    )


class Meetings(Strict):
    frequency: Frequency | None = Field(
        default=None,
        **ask(
            "How often does it meet?",
            "Extra meetings can always be called when needed. Unknown leaves [●] in the drafts.",
        ),
    )
    notice_days: Days | None = Field(
        default=None,
        **ask(
            "How many business days' notice of a meeting?",
            "Papers go out with the notice; five business days is common. Unknown leaves [●] in the drafts.",
        ),
    )
    in_public: bool | None = Field(
        default=None,
        **ask(
            "Does it meet in public?",
            "Confidential items may still be taken in private. Unknown leaves a drafting note for the parties to "
            "decide.",
        ),
    )


class Voting(Strict):
    rule: DecisionRule = Field(
        default=DecisionRule.CONSENSUS,
        **ask(
            "How are decisions made?",
            "Consensus is most common; voting rules need protection for the parties that are outvoted.",
        ),
    )
    by: VoteBy = Field(
        default=VoteBy.MEMBER,
        **ask(
            "Who holds the votes: each voting member, or each party?",
            "By party, each party has one vote however many members it sends, cast as its members present agree.",
        ),
    )
    threshold: Share | None = Field(
        default=None,
        **ask(
            "What share of the votes is needed?",
            "More than half: a percentage such as 75, or an exact fraction such as 2/3 (two-thirds of 3 votes is 2).",
            when="qualified_majority",
        ),
    )
    weights: dict[Ref, int] | None = Field(
        default=None,
        **ask("How many votes does each party hold?", "Whole numbers, per party.", when="weighted"),
    )
    casting_vote: bool = Field(
        default=False,
        **ask("Does the chair have a casting vote?", "Breaks a tied vote; only with majority voting.", when="majority"),
    )

    @property
    def is_majority(self) -> bool:
        """Decided by a vote that can be tied (the casting vote question is asked only then)."""
        return self.rule in (DecisionRule.SIMPLE_MAJORITY, DecisionRule.QUALIFIED_MAJORITY, DecisionRule.WEIGHTED)


_STATUS_HELP = (
    "In force from the start; proposed (intended, not yet agreed); or subject to a condition, such as the ICB's "
    "delegation taking effect."
)


class Body(Strict):
    id: Ident = Field(**ask("What id will answers use for this body?", "Lower case, e.g. board or jog."))
    name: Text = Field(**ask("What is the body called?", "E.g. Community Collaborative Board."))
    kind: BodyKind = Field(
        default=BodyKind.BOARD,
        **ask("What kind of body is it?", "The collaborative's board, or a group that reports to another body."),
    )
    nature: BodyNature | None = Field(
        default=None,
        **ask(
            "What is this body in law?",
            "Unknown follows the legal form for a body that decides (a contractual board under a contractual joint "
            "venture, for example) and makes any other body advisory. A collaborative may combine them: committees "
            "in common at the top with a joint committee beneath, say.",
            usual=True,
            none_label="As the legal form makes it",
        ),
    )
    status: Status = Field(default=Status.IN_FORCE, **ask("Is the body in place?", _STATUS_HELP))
    takes_effect: Text | None = Field(
        default=None,
        **ask(
            "From when does it take effect?",
            "Complete the sentence 'with effect from the date on which ...', e.g. the ICB's delegation to it takes "
            "effect.",
            when="conditional",
        ),
    )
    parent: Ident | None = Field(default=None, **ask("Which body does it report to?", "None for the top body."))
    purpose: Text | None = Field(
        default=None,
        **ask(
            "What is the body for?", "One sentence, e.g. to oversee day-to-day joint delivery of community services."
        ),
    )
    remit: list[Text] = Field(
        default_factory=_empty_list, **ask("What does it do or decide?", "One item per function.")
    )
    members: list[Member] = Field(default_factory=_empty_list, **ask("Who are its members?", "By party and role."))
    chair: Chair = Field(
        default_factory=Chair, **ask("Chair", "How the chair is chosen, and any vice-chair.", detail=True)
    )
    deputies: Deputies = Field(
        default_factory=Deputies, **ask("Deputies", "Whether members may send deputies, and their vote.", detail=True)
    )
    quorum: Quorum | None = Field(
        default=None, **ask("Quorum", "How many voting members must be present for the body to take decisions.")
    )
    meetings: Meetings = Field(
        default_factory=Meetings,
        **ask("Meetings", "How often it meets, the notice, and whether in public.", detail=True),
    )
    voting: Voting = Field(default_factory=Voting)
    secretariat: Ref | None = Field(
        default=None,
        **ask(
            "Which party provides the secretariat?",
            "The party whose staff send out papers and take minutes. Unknown is fine.",
        ),
    )
    review_months: int = Field(
        default=12,
        gt=0,
        le=120,
        **ask("How often are the terms of reference reviewed (months)?", "Usually every 12 months."),
    )


class UrgentDecisions(Strict):
    allowed: bool | None = Field(
        default=None,
        **ask(
            "May urgent decisions be taken between meetings?",
            "For decisions that cannot wait; they are reported to the next meeting. Unknown leaves a drafting note "
            "and no urgent procedure.",
        ),
    )
    taken_by: Text | None = Field(
        default=None,
        **ask(
            "Who may take an urgent decision?",
            "E.g. the chair and one voting member from each other party; reported to the next meeting for "
            "ratification. Unknown leaves [●].",
        ),
    )


class Decisions(Strict):
    reserved_matters: list[Text] = Field(
        default_factory=_empty_list,
        **ask("Which matters are reserved?", "Decisions that need every party's agreement."),
    )
    reserved_mechanism: ReservedMechanism = Field(
        default=ReservedMechanism.UNANIMITY,
        **ask("How are reserved matters protected?", "Reserved matters are the decisions no party can be outvoted on."),
    )
    party_reserved_matters: list[Text] = Field(
        default_factory=_empty_list,
        **ask("Which matters must each party's own board approve?", "E.g. annual accounts.", detail=True),
    )
    urgent: UrgentDecisions = Field(default_factory=UrgentDecisions)
    revocation_notice_days: Days | None = Field(
        default=None,
        **ask(
            "How many days' notice must a party give to vary or revoke an authority it has delegated?",
            "Gives the others time to adjust, often 30 days; the scheme of delegation lets them agree a shorter "
            "period. Unknown leaves [●].",
        ),
    )


class Delegation(Strict):
    from_party: Ref = Field(**ask("Which party delegates?", "A party's short name."))
    to_body: Ident | None = Field(
        default=None,
        **ask(
            "To which body?",
            "Choose the board or group that decides, or an officer (you name the post next).",
            none_label="An officer instead",
        ),
    )
    to_officer: Text | None = Field(
        default=None, **ask("To which officer?", "A post, e.g. Lead Director.", when="to_officer")
    )
    function: Text = Field(
        **ask(
            "What function or decision is delegated?",
            "In plain words, e.g. decisions on the joint delivery of community services within the annual plan.",
        )
    )
    legal_basis: Text | None = Field(
        default=None,
        **ask(
            "What allows the party to delegate it?",
            "The party's own rules that permit the delegation, e.g. its standing orders or scheme of delegation.",
        ),
    )
    financial_limit: Money | None = Field(default=None, **ask("Up to what financial limit (£)?", "Unknown is fine."))
    status: Status = Field(default=Status.IN_FORCE, **ask("Is the delegation in force?", _STATUS_HELP))
    takes_effect: Text | None = Field(
        default=None,
        **ask(
            "From when does it take effect?",
            "Complete the sentence 'with effect from the date on which ...', e.g. the ICB's board approves it.",
            when="conditional",
        ),
    )

    @property
    def is_to_officer(self) -> bool:
        """Delegated to an officer, not a body (the interview asks which officer only then)."""
        return self.to_body is None

    @model_validator(mode="after")
    def _one_delegate(self) -> Delegation:
        if (self.to_body is None) == (self.to_officer is None):
            raise ValueError("give exactly one of to_body or to_officer")
        return self


class Funder(Strict):
    name: Text = Field(
        **ask("Who is the funder?", "Its full name, e.g. NHS Mid and South Essex Integrated Care Board.")
    )
    short_name: Label | None = Field(
        default=None, **ask("What short name will the documents use for it?", "E.g. the ICB. Unknown is fine.")
    )
    share: Percent | None = Field(
        default=None,
        **ask("What percentage of the shared costs does it meet?", "Leave unknown if it pays a fixed sum instead."),
    )
    amount: Money | None = Field(
        default=None,
        **ask("What fixed sum does it pay each year (£)?", "Leave unknown if it meets a percentage instead."),
    )

    @model_validator(mode="after")
    def _share_or_sum(self) -> Funder:
        if self.share is not None and self.amount is not None:
            raise ValueError("give a funder either a share or a fixed sum, not both")
        return self


class CostSharing(Strict):
    method: CostMethod | None = Field(
        default=None,
        **ask(
            "How are shared costs met?",
            "Shared costs are the costs of the collaborative's own work, such as its programme team. Unknown "
            "leaves [●] and a drafting note.",
        ),
    )
    shares: dict[Ref, Percent] | None = Field(
        default=None,
        **ask(
            "What percentage does each party pay?",
            "With the funders' percentages, must total 100 (of the costs left after any funder's fixed sum).",
            when="fixed_shares",
        ),
    )
    funders: list[Funder] = Field(
        default_factory=_empty_list,
        **ask(
            "Does anyone that is not a party help to meet the shared costs?",
            "E.g. the ICB meeting 60% of the core team's costs. A funder pays its share without becoming a party "
            "or a member.",
            detail=True,
        ),
    )


class HostFee(Strict):
    amount: Money | None = Field(default=None, **ask("What is the annual host fee (£)?", "Unknown is fine."))
    basis: Text | None = Field(
        default=None,
        **ask("How is the fee calculated?", "E.g. a fixed sum each year, or a percentage of the shared costs."),
    )


class GainRiskShare(Strict):
    description: Text = Field(
        **ask("How are gains and risks shared?", "One or two sentences, e.g. in proportion to contract income.")
    )
    shares: dict[Ref, Percent] | None = Field(
        default=None, **ask("Each party's share (%)", "Percentages that add up to 100.")
    )


class PooledFund(Strict):
    """The elements rule R12 requires a pooled fund to state (s75 partnership regulations 2000, reg 7)."""

    aims_and_outcomes: Text | None = Field(
        default=None, **ask("What are the fund's aims and outcomes?", "What the pooled money is meant to achieve.")
    )
    functions: list[Text] = Field(
        default_factory=_empty_list,
        **ask("Which functions does it cover?", "The functions or services paid for from the fund."),
    )
    contributions: dict[Ref, Money] | None = Field(
        default=None, **ask("What does each party contribute (£)?", "Each party's contribution for the first year.")
    )
    contribution_changes: Text | None = Field(
        default=None, **ask("How may contributions change?", "E.g. reviewed each year and agreed by all parties.")
    )
    people_and_services: Text | None = Field(
        default=None,
        **ask("Which people and services are covered?", "The patients, population or services the fund pays for."),
    )
    resources: Text | None = Field(
        default=None,
        **ask("Which staff, goods or accommodation are provided?", "Anything given in kind rather than as money."),
    )
    shortfall_and_surplus: Text | None = Field(
        default=None,
        **ask("How are overspends and underspends dealt with?", "Who meets an overspend and who keeps an underspend."),
    )
    host: Ref | None = Field(
        default=None, **ask("Which party hosts the fund?", "The party that holds the money and accounts for it.")
    )
    fund_manager: Text | None = Field(
        default=None,
        **ask("Who is the pooled fund manager (post)?", "A post in the host party, e.g. Director of Finance."),
    )
    authorisation: Text | None = Field(
        default=None,
        **ask(
            "Who authorises payments from the fund?", "The post or body that approves spending, and up to what limit."
        ),
    )
    monitoring_and_reporting: Text | None = Field(
        default=None,
        **ask("How is the fund monitored and reported?", "E.g. quarterly reports to the board and each party."),
    )
    audit: Text | None = Field(
        default=None,
        **ask("How is the fund audited?", "Usually by the host party's auditors, with access for the others."),
    )
    duration: Text | None = Field(
        default=None,
        **ask("How long does the fund last?", "E.g. while the agreement lasts, or for a fixed number of years."),
    )
    review: Text | None = Field(
        default=None, **ask("How is the fund reviewed?", "E.g. a yearly review of its performance and contributions.")
    )
    variation: Text | None = Field(
        default=None,
        **ask("How may the fund arrangements be varied?", "Usually only by written agreement of all the parties."),
    )
    termination: Text | None = Field(
        default=None,
        **ask(
            "What happens to the fund on termination or exit?",
            "How money left in the fund, and any debts, are shared out.",
        ),
    )


class Finance(Strict):
    cost_sharing: CostSharing = Field(default_factory=CostSharing)
    host_fee: HostFee | None = Field(
        default=None,
        **ask(
            "Is there a host fee?",
            "A fee paid to the party that hosts the collaborative's team, budget or contracts.",
            detail=True,
        ),
    )
    gain_risk_share: GainRiskShare | None = Field(
        default=None,
        **ask(
            "Is there a gain or risk share?",
            "An agreement to share savings or overspends between the parties.",
            detail=True,
        ),
    )
    pooled_fund: PooledFund | None = Field(
        default=None,
        **ask(
            "Is there a pooled fund?",
            "A single budget that the parties pay into and spend together. It needs a legal basis and more detail.",
            detail=True,
        ),
    )


class Post(Strict):
    title: Text = Field(**ask("What is the post?", "E.g. Lead Director."))
    employer: Ref | None = Field(
        default=None,
        **ask(
            "Which party employs the post holder?",
            "The collaborative cannot employ anyone itself: one of the parties does. Unknown leaves [●].",
        ),
    )
    joint_with: Text | None = Field(
        default=None,
        **ask(
            "Is it a joint post with another organisation? Which?",
            "E.g. a post shared with a local authority. Unknown or none is fine.",
        ),
    )


class Staffing(Strict):
    collaborative_employs_staff: bool = Field(
        default=False,
        **ask(
            "Does the collaborative employ anyone itself?",
            "Without a legal entity it cannot: the parties employ.",
        ),
    )
    posts: list[Post] = Field(
        default_factory=_empty_list,
        **ask(
            "Which posts serve the collaborative?",
            "Posts such as a lead director or programme manager, by title, not by person.",
        ),
    )
    secondments: bool = Field(
        default=False,
        **ask(
            "Will staff be seconded between parties?",
            "A secondment keeps the employee with their employer while they work for another party.",
        ),
    )


class InformationGovernance(Strict):
    data_sharing_agreement: bool = Field(
        default=True,
        **ask(
            "Will the parties sign a data sharing agreement?",
            "Needed where personal data about patients or staff is shared between the parties.",
        ),
    )
    lead_party: Ref | None = Field(
        default=None,
        **ask(
            "Which party leads on information governance?",
            "Its data protection officer co-ordinates the others. Unknown is fine.",
        ),
    )


class Liability(Strict):
    cap: Money | None = Field(
        default=None,
        **ask(
            "Is each party's liability capped? At what amount (£)?",
            "A cap limits what one party can claim from another. Unknown means no cap is stated yet.",
        ),
    )
    indemnities: bool | None = Field(
        default=None,
        **ask(
            "Do the parties indemnify each other for their own defaults?",
            "Each party makes good the losses its own breach or negligence causes the others. Unknown drafts no "
            "indemnity and leaves a drafting note.",
            detail=True,
        ),
    )
    insurance: Text | None = Field(
        default=None,
        **ask("What insurance or indemnity cover must each party keep?", "E.g. NHS Resolution schemes.", detail=True),
    )


class Term(Strict):
    initial_term_years: int | None = Field(
        default=None,
        gt=0,
        le=50,
        **ask("For how many years at first?", "The initial term; unknown is fine if the arrangement is open-ended."),
    )
    review_months: int = Field(
        default=12, gt=0, le=120, **ask("How often are the arrangements reviewed (months)?", "Usually every 12 months.")
    )


class Membership(Strict):
    admission_requires_unanimity: bool = Field(
        default=True,
        **ask("Must all parties agree to admit a new party?", "Usually yes: a new party changes everyone's position."),
    )
    exit_notice_months: int | None = Field(
        default=None,
        gt=0,
        le=60,
        **ask(
            "How many months' notice to leave?",
            "Long enough for the others to rearrange services, often 6 or 12 months. Unknown leaves [●].",
        ),
    )
    minimum_term_months: int | None = Field(
        default=None,
        gt=0,
        le=120,
        **ask(
            "For how many months must a party stay?",
            "A minimum period before a party may give notice to leave. Unknown means none is stated.",
            detail=True,
        ),
    )
    termination_events: list[Text] = Field(
        default_factory=_empty_list,
        **ask("What events end a party's membership?", "E.g. insolvency, losing its contract.", detail=True),
    )


class DisputeTier(Strict):
    name: Text = Field(**ask("What is this tier called?", "E.g. operational leads."))
    forum: Text = Field(**ask("Who meets at this tier?", "E.g. the Joint Operational Group.", phrase=True))
    days: Days = Field(**ask("Within how many days must it be resolved?", "Counted from referral to this tier."))


class Mediation(Strict):
    provider: Text = Field(default="CEDR", **ask("Who appoints or provides the mediator?", "E.g. CEDR."))
    cost_split: CostSplit = Field(
        default=CostSplit.EQUAL,
        **ask(
            "How are mediation costs shared?",
            "The mediator's fees; each party always pays its own costs of taking part.",
        ),
    )
    days: Days = Field(
        default=30,
        **ask(
            "Within how many days should mediation conclude?",
            "Counted in business days from the mediator's appointment.",
        ),
    )


class ExpertDetermination(Strict):
    scope: Text = Field(**ask("Which disputes may go to an expert?", "E.g. technical or financial disputes."))
    appointer: Text = Field(
        default="the President of the Institute of Chartered Accountants in England and Wales",
        **ask("Who appoints the expert if the parties cannot agree?", "An office holder, not a named person."),
    )
    binding: bool = Field(default=True, **ask("Is the expert's decision binding?", "Save for fraud or manifest error."))
    response_days: Days = Field(
        default=10,
        **ask(
            "Within how many business days must the parties meet to consider a non-binding decision?",
            "Used only when the expert's decision is not binding.",
            when="not_binding",
        ),
    )

    @property
    def is_not_binding(self) -> bool:
        return not self.binding


class Disputes(Strict):
    tiers: list[DisputeTier] = Field(
        default_factory=_empty_list,
        **ask(
            "What escalation tiers are there, in order?",
            "Each tier is a meeting that tries to settle a dispute before it goes further, e.g. operational leads, then chief executives.",
        ),
    )
    mediation: Mediation | None = Field(
        default_factory=Mediation,
        **ask(
            "Is mediation used?",
            "An independent mediator helps the parties agree; nothing binds them until they sign a settlement.",
        ),
    )
    expert_determination: ExpertDetermination | None = Field(
        default=None,
        **ask(
            "Is expert determination used?",
            "An independent expert decides a technical or financial dispute.",
            detail=True,
        ),
    )
    final_forum: FinalForum = Field(
        default=FinalForum.COURTS,
        **ask(
            "Where are disputes finally decided?",
            "Where a dispute goes if escalation, mediation and any expert have not settled it.",
        ),
    )
    continued_performance: bool = Field(
        default=True,
        **ask(
            "Do parties keep performing during a dispute?",
            "Usually yes: services to patients carry on while the dispute is resolved.",
        ),
    )
    appointment_days: Days = Field(
        default=10,
        **ask(
            "Within how many business days must the parties agree a mediator, expert or arbitrator?",
            "After that, the nominating body named in the dispute procedure appoints one.",
        ),
    )


class DocumentChoice(Strict):
    produce: bool = Field(
        default=True, **ask("Produce this document?", "Say no for a document the collaborative does not need.")
    )
    form: DocumentForm = Field(
        default=DocumentForm.UNDER_HAND,
        **ask(
            "How is it executed?",
            "A deed needs more formal signing; most collaboration documents are signed under hand.",
        ),
    )
    parties: list[Ref] | None = Field(
        default=None,
        **ask(
            "Which parties sign it?",
            "Usually every member. An MoU may have other signatories.",
            none_label="Every member",
            usual=True,
        ),
    )
    version: Label = Field(
        default="0.1", **ask("Draft version", "Shown on the cover page, e.g. 0.1 for a first draft.")
    )


class PlacedDocumentChoice(DocumentChoice):
    """The terms of reference, scheme of delegation and dispute procedure: also a schedule of the agreement."""

    placement: Placement = Field(
        default=Placement.BOTH,
        **ask(
            "Where should it be set out?",
            "In the collaboration agreement's schedule, as a separate document the boards adopt, or both: the "
            "text is written once either way. Without an agreement it is always a separate document.",
        ),
    )


class Documents(Strict):
    mou: DocumentChoice = Field(default_factory=DocumentChoice)
    cjv: DocumentChoice = Field(default_factory=DocumentChoice)
    tor: PlacedDocumentChoice = Field(default_factory=PlacedDocumentChoice)
    sod: PlacedDocumentChoice = Field(default_factory=PlacedDocumentChoice)
    dra: PlacedDocumentChoice = Field(default_factory=PlacedDocumentChoice)
    draft_date: dt.date | None = Field(
        default=None,
        **ask(
            "What date should the drafts carry?",
            "The date in each draft's header marking, as YYYY-MM-DD; unknown is fine (then SOURCE_DATE_EPOCH or [●]).",
        ),
    )

    def get(self, kind: DocumentKind) -> DocumentChoice:
        choice: DocumentChoice = getattr(self, kind.value)
        return choice


class QualityConcordats(Strict):
    """The collaborative's quality concordats: common standards the parties agree, set out as a schedule."""

    titles: list[Text] = Field(
        default_factory=_empty_list,
        **ask(
            "What are the quality concordats called?",
            "One per concordat, e.g. a common falls prevention procedure. None listed leaves [●] in the schedule for "
            "the parties to complete.",
        ),
    )


class Provisions(Strict):
    """Optional provisions of the collaboration agreement: each is drafted unless the answers leave it out."""

    conditions_precedent: bool = Field(
        default=True,
        **ask(
            "Should the agreement take effect only once each party's approvals are in place?",
            "Conditions precedent: each party's board approves the agreement and, for a foundation trust for which "
            "it is a significant transaction, its council of governors too. Usual for a binding agreement.",
        ),
    )
    quality_concordats: QualityConcordats | None = Field(
        default=None,
        **ask(
            "Do the parties have quality concordats?",
            "Common quality standards or standard operating procedures the parties agree for their services; they "
            "become a schedule of the agreement.",
            detail=True,
        ),
    )

    force_majeure: bool = Field(
        default=True,
        **ask(
            "Include force majeure and business continuity (emergency preparedness) provisions?",
            "Relief for a party prevented by events beyond its control, and each party keeping business continuity "
            "and emergency plans as the Civil Contingencies Act 2004 and NHS England's EPRR framework expect. Say no "
            "only if another agreement between the parties already covers this.",
        ),
    )
    equality_duty: bool = Field(
        default=True,
        **ask(
            "Include the public sector equality duty?",
            "Public bodies must have due regard to equality when they act (Equality Act 2010 s149); the clause makes "
            "the collaborative's decisions take account of it and asks every party, public or not, to help.",
        ),
    )
    audit_access: bool = Field(
        default=True,
        **ask(
            "Include audit and inspection access?",
            "Lets each party's auditors, internal audit and the National Audit Office see the collaborative's "
            "records so far as they need them.",
        ),
    )


class Approvals(Strict):
    governors_approval: bool | None = Field(
        default=None,
        **ask(
            "Have the foundation trusts' governors approved the arrangement where it is a significant transaction?",
            "NHS Act 2006 s51A: more than half of the members of the council of governors voting.",
        ),
    )
    competition_review: bool | None = Field(
        default=None,
        **ask("Has competition (merger control) advice been taken?", "Joint control of services."),
    )


class Answers(Strict):
    """One collaborative's answers: the input to every document."""

    format_version: int = Field(default=FORMAT_VERSION, **ask("Answers format version", "Written by the tool."))
    collaborative: Collaborative
    parties: list[Party] = Field(default_factory=_empty_list)
    legal_form: LegalForm = Field(
        default=LegalForm.CJV,
        **ask(
            "Which legal form will the collaborative take?",
            "Decides what the documents can do: an MoU only records intentions; the other forms let the collaborative take decisions. Each choice is explained below.",
        ),
    )
    bodies: list[Body] = Field(default_factory=_empty_list)
    decisions: Decisions = Field(default_factory=Decisions)
    delegations: list[Delegation] = Field(default_factory=_empty_list)
    finance: Finance = Field(default_factory=Finance)
    staffing: Staffing = Field(default_factory=Staffing)
    information_governance: InformationGovernance = Field(default_factory=InformationGovernance)
    liability: Liability = Field(default_factory=Liability)
    term: Term = Field(default_factory=Term)
    membership: Membership = Field(default_factory=Membership)
    disputes: Disputes = Field(default_factory=Disputes)
    approvals: Approvals = Field(default_factory=Approvals)
    provisions: Provisions = Field(
        default_factory=Provisions,
        **ask(
            "Which optional provisions does the agreement include?",
            "Force majeure and emergency preparedness, the equality duty, and audit access; all are included unless you say no.",
        ),
    )
    documents: Documents = Field(default_factory=Documents)

    @model_validator(mode="after")
    def _format_version(self) -> Answers:
        if self.format_version != FORMAT_VERSION:
            raise ValueError(f"format_version {self.format_version} is not supported; this tool reads {FORMAT_VERSION}")
        return self
