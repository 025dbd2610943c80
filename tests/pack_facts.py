"""The governance facts a pack's documents state, read from their visible text (never properties or bookmarks).

A built document is cut into *units*, each speaking in one voice: the agreement's clauses, each of its schedules,
each Part of the terms of reference, the scheme, the annex, the memorandum. One small extractor per fact reads a
unit's paragraphs and yields *statements*: (fact, subject, value), where the subject is a body's name ("Collaborative
Board") or ``PACK`` for facts of the whole pack. Extractors accept every voice ("this Schedule", "this Part",
"this Agreement", "these Terms of Reference"), so a schedule and its standalone twin yield the same statements.

``disagreements(statements)`` lists every fact stated with more than one value; the harness adds the answers'
values as one more "document" to compare with.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from assembler.facts import share_words
from assembler.model import parse_share

from .docx_reading import Docx, Para

PACK = "the pack"
"""The subject of facts that belong to the whole pack (dispute tiers, precedence, variation, term)."""

# ------------------------------------------------------------------------------------------- numbers in words

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
_UNITS += "seventeen eighteen nineteen"
_ONES = _UNITS.split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}


def words_value(words: str) -> int | None:
    """'twenty-one' → 21, 'one hundred and five' → 105; None for anything else."""
    total = 0
    for part in re.split(r"\s+and\s+|\s+", words.strip().lower()):
        if part in _ONES:
            total += _ONES.index(part)
        elif part == "hundred":
            total *= 100
        elif "-" in part and part.split("-")[0] in _TENS and part.split("-")[1] in _ONES:
            total += _TENS[part.split("-")[0]] + _ONES.index(part.split("-")[1])
        elif part in _TENS:
            total += _TENS[part]
        else:
            return None
    return total


_COUNT = r"(?P<words>[a-z]+(?:[ -][a-z]+)*) \((?P<n>\d+)\)"
"""A number as the drafts write it: "three (3)"."""


def count(match: re.Match[str]) -> str:
    """The number of a "three (3)" match; a number whose words disagree with its digits reads "three (2)"."""
    n = int(match.group("n"))
    return str(n) if words_value(match.group("words")) == n else f"{match.group('words')} ({n})"


# ------------------------------------------------------------------------------------------- units

_HIDDEN_STYLES = ("DraftingNote", "Finding", "Note")


def _visible(p: Para) -> bool:
    return bool(p.text.strip()) and not any(s in p.style for s in _HIDDEN_STYLES) and "TOC" not in p.style


@dataclass
class Unit:
    """A part of one built document that speaks in one voice."""

    document: str  # the document kind: mou, cjv, tor, sod, dra
    label: str  # "cjv", "cjv Schedule 1: Terms of Reference of the Collaborative Board", "tor Part 2: ..."
    body: str  # the body whose terms of reference it is, or the Board the agreement sets up ("" if none)
    paragraphs: list[Para]
    first: bool = True  # the first unit of its document (holds its party block)


def units(kind: str, doc: Docx) -> list[Unit]:
    """The document cut at each schedule (agreement) or Part (terms of reference)."""
    paras = [p for p in doc.paragraphs if _visible(p)]
    out = [Unit(kind, kind, "", [])]
    for p in paras:
        if p.style == "ScheduleTitle" and re.match(r"(Schedule|Part) \d+:", p.text):
            title = p.text.strip()
            m = re.match(r"(?:Schedule \d+: Terms of Reference of the |Part \d+: )(.+)$", title)
            out.append(Unit(kind, f"{kind} {title}", m.group(1) if m else "", [], first=False))
            continue
        out[-1].paragraphs.append(p)
    board = _defined_board(out[0].paragraphs)
    if board:
        out[0].body = board
    return out


def _defined_board(paras: list[Para]) -> str:
    for p in paras:
        m = re.match(r"“Board” means the (.+?) established", p.text)
        if m:
            return m.group(1)
    return ""


# ------------------------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class Statement:
    fact: str
    subject: str
    value: str
    unit: str  # the unit's label
    where: str  # the paragraph number (or the start of its text)

    def __str__(self) -> str:
        return f"{self.unit} {self.where}: {self.fact} of {self.subject} = {self.value}"


Found = tuple[str, str, Para]  # (subject, value, paragraph)
Extractor = Callable[[Unit], Iterator[Found]]
EXTRACTORS: dict[str, Extractor] = {}


def extractor(fact: str) -> Callable[[Extractor], Extractor]:
    def register(fn: Extractor) -> Extractor:
        EXTRACTORS[fact] = fn
        return fn

    return register


def _subject(name: str, unit: Unit) -> str:
    """A body named in a sentence: "Board" in the agreement is the body it defines as the Board."""
    return unit.body if name in ("Board", "the Board") and unit.body else name


# --- parties


_PARTY = re.compile(r"^(?P<name>[^,(]+?)(?:,.*?)? \(“?\"?(?P<short>[A-Za-z][\w&.' -]*)\"?”?\)[;,.]?(?: and)?$")


@extractor("parties")
def parties(unit: Unit) -> Iterator[Found]:
    """The party block (or adopting parties) at the head of a document: their short names, in order."""
    if not unit.first:
        return
    items = [p for p in unit.paragraphs if p.style == "PartyItem"]
    shorts = []
    for p in items:
        m = _PARTY.match(p.text.strip())
        shorts.append(m.group("short") if m else f"?{p.text[:40]}")
    if items:
        yield PACK, ", ".join(shorts), items[0]


def party_names(docs: dict[str, Docx]) -> dict[str, str]:
    """Full name → short name, from every party block of the pack (tables name parties either way)."""
    out = {}
    for doc in docs.values():
        for p in doc.by_style("PartyItem"):
            m = _PARTY.match(p.text.strip())
            if m:
                out[m.group("name").strip()] = m.group("short")
    return out


# --- quorum

_QUORUM = re.compile(
    rf"A meeting of the (?P<body>.+?) is quorate when at least {_COUNT} (?:Voting Members|members) are present"
    r"(?P<each>, including at least one Voting Member from each Party)?"
)


@extractor("quorum")
def quorum(unit: Unit) -> Iterator[Found]:
    for p in unit.paragraphs:
        m = _QUORUM.search(p.text)
        if m:
            yield _subject(m.group("body"), unit), count(m) + (", each party present" if m.group("each") else ""), p


# --- voting rule

_RULES: list[tuple[re.Pattern[str], str]] = [
    # terms of reference, any voice
    (re.compile(r"^The (?P<body>.+?) shall take decisions by consensus\."), "consensus"),
    (re.compile(r"^The (?P<body>.+?) (?:shall agree its advice and|agrees) recommendations by consensus"), "consensus"),
    (re.compile(r"^The (?P<body>.+?) shall take decisions by the unanimous agreement"), "unanimous"),
    (
        re.compile(
            r"^The (?P<body>.+?) shall seek to reach decisions by consensus\. Where it cannot, a decision is taken by a simple majority"
        ),
        "simple_majority",
    ),
    (
        re.compile(
            r"^The (?P<body>.+?) shall seek to reach decisions by consensus\. Where it cannot, a decision is taken only if at least (?P<pct>\d+(?:\.\d+)?%|[a-z]+-[a-z]+) of the votes cast"
        ),
        "qualified_majority",
    ),
    (
        re.compile(
            r"^The (?P<body>.+?) shall seek to reach decisions by consensus\. Where it cannot, a decision is taken by a vote in which each Party has the number of votes"
        ),
        "weighted",
    ),
    (
        re.compile(
            r"^Each Party's committee decides only for its own Party\. A committee takes a decision by consensus"
        ),
        "consensus",
    ),
    (
        re.compile(
            r"^Each Party's committee decides only for its own Party\. A committee takes a decision with the agreement of all"
        ),
        "unanimous",
    ),
    # the agreement
    (re.compile(r"^The (?P<body>Board) shall take its decisions by consensus"), "consensus"),
    (re.compile(r"^The (?P<body>Board) shall take its decisions unanimously"), "unanimous"),
    (
        re.compile(
            r"^The (?P<body>Board) shall try to reach its decisions by consensus\. .*?a decision is taken by a simple majority"
        ),
        "simple_majority",
    ),
    (
        re.compile(
            r"^The (?P<body>Board) shall try to reach its decisions by consensus\. .*?a decision requires a qualified majority of at least (?P<pct>\d+(?:\.\d+)?%|[a-z]+-[a-z]+)"
        ),
        "qualified_majority",
    ),
    (
        re.compile(
            r"^The (?P<body>Board) shall try to reach its decisions by consensus\. .*?a decision is taken by weighted vote"
        ),
        "weighted",
    ),
    (re.compile(r"^Within each committee, decisions are taken by consensus"), "consensus"),
    (re.compile(r"^Within each committee, decisions are taken unanimously"), "unanimous"),
    (re.compile(r"^The (?P<body>[^.]+?) does not vote\. "), "none"),
    # the memorandum names the rule of the binding document
    (re.compile(r"the voting rule of the (?P<body>.+?) \((?P<label>[a-z ]+)\)"), "label"),
]
_LABELS = {
    "consensus": "consensus",
    "unanimous": "unanimous",
    "unanimity": "unanimous",
    "simple majority": "simple_majority",
    "qualified majority": "qualified_majority",
    "weighted votes": "weighted",
    "weighted vote": "weighted",
}


def _voting_rules(unit: Unit) -> Iterator[tuple[str, str, re.Match[str], int]]:
    for i, p in enumerate(unit.paragraphs):
        for pattern, rule in _RULES:
            m = pattern.search(p.text)
            if not m:
                continue
            if rule == "label":
                rule = _LABELS.get(m.group("label"), f"?{m.group('label')}")
            yield _subject(m.groupdict().get("body") or unit.body, unit), rule, m, i
            break


@extractor("voting rule")
def voting_rule(unit: Unit) -> Iterator[Found]:
    """The body's voting rule: consensus, unanimous, simple_majority, qualified_majority or weighted."""
    for subject, rule, _m, i in _voting_rules(unit):
        yield subject, rule, unit.paragraphs[i]


@extractor("voting threshold")
def voting_threshold(unit: Unit) -> Iterator[Found]:
    """The percentage a qualified majority needs."""
    for subject, _rule, m, i in _voting_rules(unit):
        if m.groupdict().get("pct"):
            yield subject, m.group("pct"), unit.paragraphs[i]


@extractor("vote weights")
def vote_weights(unit: Unit) -> Iterator[Found]:
    """Each party's votes under weighted voting, from the table after the rule."""
    for subject, rule, m, i in _voting_rules(unit):
        if rule == "weighted" and m.groupdict().get("label") is None:
            yield subject, _weights(unit.paragraphs[i + 1 : i + 30]), unit.paragraphs[i]


def _weights(after: list[Para]) -> str:
    """The votes table that follows a weighted rule: "AFT=3, BT=2" (parties by the names the table uses)."""
    cells = [p.text.strip() for p in after if p.style.startswith("Table")]
    if cells[:2] != ["Party", "Votes"]:
        return "(no votes table)"
    rows = []
    for name, votes in zip(cells[2::2], cells[3::2], strict=False):
        if not votes.isdigit() or name == "Total":
            break
        rows.append(f"{name}={votes}")
    return ", ".join(sorted(rows))


_WEIGHTED_CARRIED = re.compile(
    r"(?P<share>more than half|at least [^,;]+?) of the (?P<votes>weighted votes cast|votes held by the Parties present)"
)


@extractor("weighted majority")
def weighted_majority(unit: Unit) -> Iterator[Found]:
    """What a weighted vote needs to carry a proposal."""
    for p in unit.paragraphs:
        m = _WEIGHTED_CARRIED.search(p.text)
        if m:
            yield unit.body, f"{m.group('share')} of the {m.group('votes')}", p


_CASTING = [
    (re.compile(r"the chair has a second or casting vote"), "yes"),
    (re.compile(r"the chair has no second vote|The chair has no casting vote"), "no"),
    (re.compile(r"^If a proposal does not reach the threshold, it is not carried\."), "no"),
]


@extractor("casting vote")
def casting_vote(unit: Unit) -> Iterator[Found]:
    """Whether the chair of a body that votes by majority has a casting vote."""
    for p in unit.paragraphs:
        for pattern, value in _CASTING:
            if pattern.search(p.text):
                yield unit.body, value, p
                break


# --- reserved matters


_RESERVED_RULE = [
    (
        re.compile(
            r"(?:A|a) (?:reserved matter|Reserved Matter) may be decided only with the agreement of every Party"
        ),
        "unanimity",
    ),
    (
        re.compile(r"^The (?P<body>.+?) may decide a matter listed above only with the agreement of every Party"),
        "unanimity",
    ),
    (re.compile(r"^Each (?:reserved matter|Reserved Matter) is subject to a locked gateway\."), "locked_gateway"),
    (
        re.compile(r"^A matter listed above may not proceed beyond its gateway until each Party has confirmed"),
        "locked_gateway",
    ),
    (
        re.compile(
            r"^The (?P<body>.+?) may only (?:make recommendations on|recommend a decision on) a (?:reserved matter|"
            r"Reserved Matter)\. (?:The matter|Its recommendation) (?:shall|will) be referred to the board of each Party"
        ),
        "referral_to_boards",
    ),
    (
        re.compile(
            r"^On a matter listed above the (?P<body>.+?) may only make a recommendation, which takes effect when"
        ),
        "referral_to_boards",
    ),
]


@extractor("reserved-matter rule")
def reserved_rule(unit: Unit) -> Iterator[Found]:
    """How a reserved matter is decided: unanimity, locked_gateway or referral_to_boards."""
    body = unit.body
    for p in unit.paragraphs:
        listed = _RESERVED_LISTS[2].search(p.text)  # the scheme names the body in the list's lead-in
        if listed:
            body = listed.group("body")
        for pattern, value in _RESERVED_RULE:
            m = pattern.search(p.text)
            if m:
                yield _subject(m.groupdict().get("body") or body, unit), value, p
                break


_RESERVED_LISTS = [
    re.compile(r"^The following matters \(the \"reserved matters\"\) are reserved:$"),
    re.compile(r"^The following matters are Reserved Matters:$"),
    re.compile(r"^The following matters may be decided only by the (?P<body>.+?), and not by any other body"),
]


@extractor("reserved matters")
def reserved_matters(unit: Unit) -> Iterator[Found]:
    """The list of reserved matters, item by item."""
    paras = unit.paragraphs
    for i, p in enumerate(paras):
        for pattern in _RESERVED_LISTS:
            m = pattern.search(p.text)
            if not m:
                continue
            items = []
            for q in paras[i + 1 :]:
                if not _is_item(q, p):
                    break
                items.append(re.sub(r"[;.]$|; and$|; or$", "", q.text.strip()))
            yield _subject(m.groupdict().get("body") or unit.body, unit), " | ".join(items), p
            break


def _is_item(q: Para, lead: Para) -> bool:
    """A list item under ``lead``: numbered one level deeper ("11.1.2" under "11.1", or "(b)")."""
    if lead.number and q.number.startswith(lead.number.rstrip(".") + "."):
        return True
    return bool(re.fullmatch(r"\([a-z]+\)", q.number))


# --- delegated authority


def _table(after: list[Para]) -> list[str]:
    """The cells of the table that follows a paragraph (row by row, left to right)."""
    cells = []
    for p in after:
        if not p.style.startswith("Table"):
            break
        cells.append(p.text.strip())
    return cells


_LIMIT_TABLES = {
    # the terms of reference (remit): who authorised the body, for what, and up to what limit
    ("Party", "Function or decision", "Authority given by", "Financial limit"): (0, 1, 3, None),
    # the scheme (financial limits): matter, delegate (a body or an officer), delegating party, limit
    ("Matter", "Delegate", "Delegating Party", "Limit"): (2, 0, 3, 1),
}


@extractor("financial limits")
def financial_limits(unit: Unit) -> Iterator[Found]:
    """Each delegation to a body with its limit: "AFT: <function> = £1,000,000; ..." (subject: the body)."""
    for i, p in enumerate(unit.paragraphs):
        cells = _table(unit.paragraphs[i + 1 :])
        for header, (party, function, limit, delegate) in _LIMIT_TABLES.items():
            if tuple(cells[:4]) != header:
                continue
            rows: dict[str, list[str]] = defaultdict(list)
            for row in zip(*(iter(cells[4:]),) * 4, strict=False):
                body = unit.body if delegate is None else re.sub(r"^the ", "", row[delegate])
                # the terms of reference add a delegation's status to its function; the scheme's limits do not
                function_text = re.sub(r" \((?:with effect from the date on which|proposed:) .*\)$", "", row[function])
                rows[body].append(f"{row[party]}: {function_text} = {row[limit]}")
            for body, lines in rows.items():
                yield _subject(body, unit), "; ".join(sorted(lines)), p


# --- chair

_CHAIR = [
    (
        re.compile(
            r"^The chair of the (?P<body>.+?) rotates between the Parties"
            r"(?: \((?P<order>.+?), in that order\)| in (?P<decided>the order .+?))?"
            rf"(?:\. Each Party holds the chair for a period of (?:{_COUNT}|(?P<unknown>\[●\]))|, each Party holding it "
            r"for (?P<digits>\d+)) months"
            r"(?: in (?P<decided2>the order .+?)\.)?"
        ),
        "rotating",
    ),
    (
        re.compile(r"^The chair of the (?P<body>.+?) is the member nominated by (?P<party>\S+) from among"),
        "named_party",
    ),
    (re.compile(r"^The chair of the (?P<body>.+?) is (?:an|the) [Ii]ndependent"), "independent"),
    (re.compile(r"^The (?P<body>.+?) is chaired, and its work led, by the (?P<post>.+?)\.$"), "named_post"),
    (re.compile(r"^The chair of the (?P<body>.+?) is \[●\]\.$"), "unknown"),
]
DECIDED_ORDER = "order decided by the body"
"""How a rotation reads whose order is left to the body ("in the order the Board decides")."""


@extractor("chair")
def chair(unit: Unit) -> Iterator[Found]:
    """The chair arrangement: "rotating, 12 months each, order AFT, BT, CT", "named_party BT", "independent"."""
    for p in unit.paragraphs:
        for pattern, method in _CHAIR:
            m = pattern.search(p.text)
            if not m:
                continue
            groups = m.groupdict()
            value = method
            if method == "rotating":
                months = count(m) if groups.get("words") else groups["digits"] or "unknown"
                if groups["order"]:
                    order = "order " + re.sub(r",? and ", ", ", groups["order"])
                else:
                    order = DECIDED_ORDER if groups["decided"] or groups["decided2"] else "order not stated"
                value += f", {months} months each, {order}"
            elif method == "named_party":
                value += f" {groups['party']}"
            elif method == "named_post":
                value += f" {groups['post']}"
            yield _subject(groups["body"], unit), value, p
            break


# --- meetings

_FREQUENCIES = {
    "every week": "weekly",
    "weekly": "weekly",
    "every two weeks": "fortnightly",
    "fortnightly": "fortnightly",
    "every month": "monthly",
    "monthly": "monthly",
    "every two months": "bimonthly",
    "bimonthly": "bimonthly",
    "every quarter": "quarterly",
    "quarterly": "quarterly",
    "[●]": "unknown",
}
_MEETS = re.compile(
    r"^The (?P<body>.+?) (?:shall meet|will meet|meets) (?P<freq>every week|every two weeks|every month|every two "
    r"months|every quarter|weekly|fortnightly|monthly|bimonthly|quarterly|\[●\])(?:\b|,)"
)


@extractor("meeting frequency")
def frequency(unit: Unit) -> Iterator[Found]:
    for p in unit.paragraphs:
        for sentence in re.split(r"(?<=\.) ", p.text):
            m = _MEETS.search(sentence)
            if m:
                yield _subject(m.group("body"), unit), _FREQUENCIES[m.group("freq")], p


# --- disputes

_STAGE = re.compile(
    r"^Stage (?P<stage>\d+): (?P<name>.+?)\. .*?(?:referred to|refer it to) (?P<forum>.+?)\. .*?within "
    rf"{_COUNT} Business Days"
)


@extractor("dispute tiers")
def dispute_tiers(unit: Unit) -> Iterator[Found]:
    """Every escalation stage in order: "1 Operational resolution (the Operations Group) 10 days; ..."."""
    stages = []
    first = None
    for p in unit.paragraphs:
        m = _STAGE.search(p.text)
        if m:
            first = first or p
            stages.append(f"{m.group('stage')} {m.group('name')} ({m.group('forum')}) {count(m)} days")
    if first is not None:
        yield PACK, "; ".join(stages), first


_MEDIATION = re.compile(rf"not settled within {_COUNT} Business Days after the Mediator is appointed")


@extractor("mediation days")
def mediation_days(unit: Unit) -> Iterator[Found]:
    for p in unit.paragraphs:
        m = _MEDIATION.search(p.text)
        if m:
            yield PACK, count(m), p


_FINAL = re.compile(
    r"(?:may be referred by any Disputing Party to|shall be (?:referred to and )?finally resolved by|not resolved under "
    r"the earlier stages of the Dispute Resolution Procedure shall be referred to) (?P<forum>the courts|arbitration|"
    r"NHS England|the integrated care board|[A-Z][\w ]*Integrated Care Board)"
)


def _forum(name: str) -> str:
    if name == "the courts":
        return "courts"
    if name == "arbitration":
        return "arbitration"
    return "nhs_england" if name == "NHS England" else "icb"


@extractor("final forum")
def final_forum(unit: Unit) -> Iterator[Found]:
    """Where a dispute is finally decided: courts, arbitration, icb or nhs_england."""
    for p in unit.paragraphs:
        m = _FINAL.search(p.text)
        if m:
            yield PACK, _forum(m.group("forum")), p


# --- precedence and variation: which clause of which document holds the pack's one rule


_DOCUMENT_NAMES = [
    (re.compile(r"^(?:this|the) (?:Collaboration )?Agreement$"), "cjv"),
    (re.compile(r"^(?:these|the) Terms of Reference$"), "tor"),
    (re.compile(r"^(?:this|the) Memorandum(?: of Understanding)?$"), "mou"),
    (re.compile(r"^(?:this|the) Scheme(?: of Delegation)?$"), "sod"),
    (re.compile(r"^(?:this|the) (?:Dispute Resolution )?Annex$"), "dra"),
]


def document_named(name: str) -> str:
    for pattern, kind in _DOCUMENT_NAMES:
        if pattern.match(name):
            return kind
    return f"?{name}"


def _number(p: Para) -> str:
    return p.number.rstrip(".")


_PRECEDENCE_STATED = re.compile(r"prevail in this order|these Terms of Reference prevail\b|this Memorandum prevails\.$")
_PRECEDENCE_REF = re.compile(
    r"the order of precedence in (?:clause|paragraph) (?P<n>[0-9.]+) of (?P<doc>(?:the|this|these) [A-Z][A-Za-z ]+?)"
    r" applies"
)


@extractor("precedence")
def precedence(unit: Unit) -> Iterator[Found]:
    """Where the pack's order of precedence is: "cjv 1.3", whether stated here or referred to."""
    for p in unit.paragraphs:
        if _PRECEDENCE_STATED.search(p.text):
            yield PACK, f"{unit.document} {_number(p)}", p
        for m in _PRECEDENCE_REF.finditer(p.text):
            yield PACK, f"{document_named(m.group('doc'))} {m.group('n')}", p


_VARIATION_REF = re.compile(
    r"(?:varied only as|takes effect only as|which is made as) (?:clause|paragraph) (?P<n>[0-9.]+) of "
    r"(?P<doc>(?:the|this|these) [A-Z][A-Za-z ]+?) provides"
)
_VARIATION_STATED = re.compile(r"^These Terms of Reference (?:and the Scheme of Delegation )?may be varied only by")


@extractor("variation")
def variation(unit: Unit) -> Iterator[Found]:
    """Where the variation regime for the terms of reference and scheme is: "cjv 23"."""
    for p in unit.paragraphs:
        if unit.document == "cjv" and p.style == "Clause1" and p.text.strip() == "Variation" and unit.first:
            yield PACK, f"cjv {_number(p)}", p
        if unit.document == "tor" and _VARIATION_STATED.search(p.text):
            yield PACK, f"tor {_number(p)}", p
        for m in _VARIATION_REF.finditer(p.text):
            yield PACK, f"{document_named(m.group('doc'))} {m.group('n')}", p


# --- term and review

_INITIAL_TERM = re.compile(rf"continues for an initial term of (?:{_COUNT}|(?P<unknown>\[●\])) years")
_REVIEW = re.compile(
    r"(?:review the operation of this Agreement|review this Memorandum, and how the .+? is working,) "
    rf"at least every (?:{_COUNT}|(?P<digits>\d+)) months"
)


@extractor("initial term")
def initial_term(unit: Unit) -> Iterator[Found]:
    for p in unit.paragraphs:
        m = _INITIAL_TERM.search(p.text)
        if m:
            yield PACK, "unknown" if m.group("unknown") else f"{count(m)} years", p


@extractor("review")
def review(unit: Unit) -> Iterator[Found]:
    """How often the arrangements as a whole are reviewed (the agreement or the memorandum)."""
    for p in unit.paragraphs:
        m = _REVIEW.search(p.text)
        if m:
            yield PACK, f"{m.group('digits') or count(m)} months", p


# ------------------------------------------------------------------------------------------- the pack


def statements(docs: dict[str, Docx], facts: Iterable[str] | None = None) -> list[Statement]:
    """Every statement of every fact (or of the facts named) in the documents of one pack."""
    names = party_names(docs)
    wanted = list(facts) if facts is not None else list(EXTRACTORS)
    out = []
    for kind, doc in docs.items():
        for unit in units(kind, doc):
            for fact in wanted:
                for subject, value, p in EXTRACTORS[fact](unit):
                    for full, short in names.items():  # weights tables name parties in full or short
                        value = value.replace(f"{full}=", f"{short}=")
                    out.append(Statement(fact, subject, value, unit.label, p.number or p.text[:30]))
    return out


def disagreements(found: list[Statement]) -> list[str]:
    """One line per fact (and subject) stated with different values, naming every document and value."""
    by_fact: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    for s in found:
        if s.fact != "parties":  # each document has its own signatories (compared with the answers instead)
            by_fact[(s.fact, s.subject)].append(s)
    out = []
    for (fact, subject), group in sorted(by_fact.items()):
        values = {s.value for s in group}
        if len(values) > 1:
            detail = "; ".join(f"{s.unit} {s.where} says {s.value!r}" for s in group)
            out.append(f"{fact} of {subject} differs: {detail}")
    return out


# ------------------------------------------------------------------------------------------- the answers

Answers = dict[str, Any]


def _members(a: Answers) -> list[str]:
    return [p["short_name"] for p in a["parties"] if {"member", "lead_provider"} & set(p.get("roles", ["member"]))]


def produced(a: Answers) -> list[str]:
    """The document kinds built as documents of their own."""
    docs = a.get("documents", {})
    out = []
    for kind in ("mou", "cjv", "tor", "sod", "dra"):
        choice = docs.get(kind, {})
        if not choice.get("produce", True):
            continue
        in_agreement = docs.get("cjv", {}).get("produce", True)
        if kind in ("tor", "sod", "dra") and in_agreement and choice.get("placement", "both") == "schedule":
            continue
        out.append(kind)
    return out


def document_parties(a: Answers, kind: str) -> list[str]:
    """The parties to one document, as the answers give them (see ``Facts.document_parties``)."""
    named = a.get("documents", {}).get(kind, {}).get("parties")
    if named is not None:
        return list(named)
    members = _members(a)
    if kind == "dra" and "mou" in produced(a):
        mou = document_parties(a, "mou")
        return [p["short_name"] for p in a["parties"] if p["short_name"] in members or p["short_name"] in mou]
    return members


def governing(a: Answers) -> str:
    """The document that holds the pack's order of precedence and variation regime."""
    kinds = produced(a)
    if a.get("documents", {}).get("cjv", {}).get("produce", True):
        return "cjv"
    if a.get("legal_form", "cjv") != "mou_only" and "tor" in kinds:
        return "tor"
    return "mou"


def expected(a: Answers) -> dict[tuple[str, str], str]:
    """What the answers say each fact should be, keyed like the statements: (fact, subject) → value."""
    out: dict[tuple[str, str], str] = {}
    for body in a.get("bodies", []):
        name = body["name"]
        # a member who represents no party (an independent member, a collaborative post) holds no party's vote
        voters = [m["party"] for m in body.get("members", []) if m.get("voting", True) and m.get("party")]
        quorum = body.get("quorum")
        if quorum:
            out[("quorum", name)] = f"{quorum['members']}" + (
                ", each party present" if quorum.get("each_party", True) else ""
            )
        voting = body.get("voting") or {}
        rule = voting.get("rule", "consensus") if voters else "none"
        out[("voting rule", name)] = rule
        if rule in ("simple_majority", "weighted"):
            out[("casting vote", name)] = "yes" if voting.get("casting_vote") else "no"
        if rule == "qualified_majority":  # a tie never reaches the threshold: no casting vote is drafted
            out[("casting vote", name)] = "no"
        if rule == "qualified_majority":  # as drafted: "75%", or a fraction in words ("two-thirds")
            threshold = voting["threshold"]
            out[("voting threshold", name)] = (
                share_words(parse_share(threshold)) if "/" in str(threshold) else f"{threshold}%"
            )
        if rule == "weighted":
            out[("vote weights", name)] = ", ".join(sorted(f"{p}={w}" for p, w in voting["weights"].items()))
        chair = body.get("chair") or {}
        if chair.get("method") == "rotating":
            order = f"order {', '.join(dict.fromkeys(voters))}" if voters else DECIDED_ORDER
            out[("chair", name)] = f"rotating, {chair.get('rotation_months') or 'unknown'} months each, {order}"
        elif chair.get("method") == "named_party":
            out[("chair", name)] = f"named_party {chair['party']}"
        elif chair.get("method") == "named_post":
            out[("chair", name)] = f"named_post {chair.get('post') or '[●]'}"
        else:
            out[("chair", name)] = chair.get("method") or "unknown"
        out[("meeting frequency", name)] = (body.get("meetings") or {}).get("frequency") or "unknown"
    names = {b["id"]: b["name"] for b in a.get("bodies", [])}
    limits: dict[str, list[str]] = defaultdict(list)
    for d in a.get("delegations", []):
        if d.get("to_body"):
            limit = d.get("financial_limit")
            shown = "[●]" if limit is None else f"£{limit:,}"
            limits[names.get(d["to_body"], d["to_body"])].append(f"{d['from_party']}: {d['function']} = {shown}")
    for body, lines in limits.items():
        out[("financial limits", body)] = "; ".join(sorted(lines))
    top = next((b["name"] for b in a.get("bodies", []) if not b.get("parent")), None)
    decisions = a.get("decisions", {})
    if top and decisions.get("reserved_matters"):
        out[("reserved matters", top)] = " | ".join(decisions["reserved_matters"])
        out[("reserved-matter rule", top)] = decisions.get("reserved_mechanism", "unanimity")
    disputes = a.get("disputes", {})
    tiers = disputes.get("tiers", [])
    if tiers:
        out[("dispute tiers", PACK)] = "; ".join(
            f"{i} {t['name']} ({t['forum']}) {t['days']} days" for i, t in enumerate(tiers, start=1)
        )
    if disputes.get("mediation", {}) is not None:
        out[("mediation days", PACK)] = str((disputes.get("mediation") or {}).get("days", 30))
    out[("final forum", PACK)] = disputes.get("final_forum", "courts")
    term = a.get("term", {})
    years = term.get("initial_term_years")
    out[("initial term", PACK)] = f"{years} years" if years else "unknown"
    out[("review", PACK)] = f"{term.get('review_months', 12)} months"
    return out


def against_answers(found: list[Statement], a: Answers) -> list[str]:
    """Every statement that differs from the answers, and every produced document whose parties differ."""
    want = expected(a)
    subjects = (
        {b["name"] for b in a.get("bodies", [])} | {PACK} | {d.get("to_officer") for d in a.get("delegations", [])}
    )
    out = [f"{s}: not a body of the answers (an extractor misread?)" for s in found if s.subject not in subjects]
    for s in found:
        if s.fact == "parties":
            parties = ", ".join(document_parties(a, s.unit))
            if s.value != parties:
                out.append(f"{s}: the answers give {parties!r}")
        elif s.fact in ("precedence", "variation"):
            if s.value.split()[0] != governing(a):
                out.append(f"{s}: the governing document is {governing(a)}")
        elif (s.fact, s.subject) in want and s.value != want[(s.fact, s.subject)]:
            out.append(f"{s}: the answers give {want[(s.fact, s.subject)]!r}")
    return out


def _required(unit: Unit, a: Answers) -> set[str]:
    """The facts a unit must state (so that an extractor that stops matching is noticed, not silently skipped)."""
    bodies = {b["name"]: b for b in a.get("bodies", [])}
    need: set[str] = set()
    if unit.first:
        need |= {"parties", "precedence"}
    if unit.label == "cjv":
        # (the board's chair and meetings are left to its terms of reference: the agreement does not restate them)
        need |= {"voting rule", "initial term", "review", "variation", "final forum"}
    if unit.label.startswith("tor Part") or ("Schedule" in unit.label and "Terms of Reference of" in unit.label):
        need |= {"voting rule", "chair", "meeting frequency"}
        if bodies.get(unit.body, {}).get("quorum"):
            need.add("quorum")
    delegated = {b["name"] for b in bodies.values() for d in a.get("delegations", []) if d.get("to_body") == b["id"]}
    if unit.body in delegated and (unit.label.startswith("tor Part") or "Terms of Reference of" in unit.label):
        need.add("financial limits")
    if delegated and (unit.label == "sod" or unit.label.endswith("Scheme of Delegation")):
        need.add("financial limits")
    top = next((b["name"] for b in bodies.values() if not b.get("parent")), None)
    reserved = a.get("decisions", {}).get("reserved_matters") and a.get("legal_form", "cjv") != "mou_only"
    if reserved and (unit.label in ("cjv", "sod") or (unit.body == top and unit.label.startswith(("tor", "cjv Sch")))):
        need |= {"reserved matters", "reserved-matter rule"}
    if unit.label == "dra" or (
        unit.label.startswith("cjv Schedule") and unit.label.endswith("Dispute Resolution Procedure")
    ):
        need.add("final forum")
        if a.get("disputes", {}).get("tiers"):
            need.add("dispute tiers")
    return need


def unstated(docs: dict[str, Docx], found: list[Statement], a: Answers) -> list[str]:
    """Facts a unit should state but no extractor found there."""
    stated = {(s.unit, s.fact) for s in found}
    out = []
    for kind, doc in docs.items():
        for unit in units(kind, doc):
            for fact in sorted(_required(unit, a)):
                if (unit.label, fact) not in stated:
                    out.append(f"{unit.label}: no statement of {fact} found")
    return out
