"""The pack-facts extractors (tests/pack_facts.py) find every fact in the MSECC pack, and each can fail.

The slow harness (tests/slow/test_pack_consistency.py) runs them over every example and ~170 generated packs; this
fast check catches an extractor broken by a change of wording within the normal test run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from assembler.assembly import build

from .docx_reading import Docx, Para, read
from .pack_facts import (
    EXTRACTORS,
    PACK,
    Statement,
    Unit,
    against_answers,
    disagreements,
    statements,
    unstated,
    words_value,
)

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
NOT_IN_MSECC = {
    "voting threshold",
    "vote weights",
    "weighted majority",
    "casting vote",
}  # the MSECC board decides by consensus


@pytest.fixture(scope="module")
def msecc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Docx]:
    result = build(MSECC, out_dir=tmp_path_factory.mktemp("msecc"))
    return {c.kind.value: read(p) for c, p in zip(result.documents, result.written, strict=True)}


@pytest.fixture(scope="module")
def found(msecc: dict[str, Docx]) -> list[Statement]:
    return statements(msecc)


@pytest.mark.parametrize("fact", sorted(set(EXTRACTORS) - NOT_IN_MSECC))
def test_each_fact_is_found_in_the_msecc_pack(found: list[Statement], fact: str) -> None:
    assert any(s.fact == fact for s in found), f"no statement of {fact} in the MSECC pack"


def test_the_msecc_pack_agrees_with_itself_and_its_answers(msecc: dict[str, Docx], found: list[Statement]) -> None:
    answers = YAML(typ="safe").load(MSECC.read_text(encoding="utf-8"))
    assert disagreements(found) == []
    assert against_answers(found, answers) == []
    assert unstated(msecc, found, answers) == []


def test_the_msecc_pack_states_its_board_facts_in_every_place(found: list[Statement]) -> None:
    board = "Community Collaborative Board"
    quorum = {s.unit for s in found if s.fact == "quorum" and s.subject == board and s.value == "3, each party present"}
    assert quorum == {
        "cjv Schedule 1: Terms of Reference of the Community Collaborative Board",
        "tor Part 1: Community Collaborative Board",
    }
    chair = {s.unit for s in found if s.fact == "chair" and s.subject == board}
    assert chair == quorum  # the agreement leaves the chair to the terms of reference
    precedence = {s.unit: s.value for s in found if s.fact == "precedence"}
    assert precedence == dict.fromkeys(["cjv", "mou", "tor", "sod", "dra"], "cjv 1.3")
    tiers = [s.value for s in found if s.fact == "dispute tiers"]
    assert len(tiers) == 2 and tiers[0].startswith("1 Operational resolution (the Joint Operational Group) 10 days;")


# ------------------------------------------------------------------------------------------- each can fail


def _unit(*texts: str, document: str = "tor", body: str = "Board X") -> Unit:
    paras = [Para("Clause2", text, None, None, number=f"{i}.1") for i, text in enumerate(texts, start=1)]
    return Unit(document, f"{document} Part 1: {body}", body, paras, first=False)


def _values(fact: str, unit: Unit) -> list[tuple[str, str]]:
    return [(subject, value) for subject, value, _p in EXTRACTORS[fact](unit)]


# (fact, a sentence as the drafts write it, what it yields, a changed sentence, what that yields)
CASES = [
    (
        "quorum",
        "A meeting of the Board X is quorate when at least two (2) Voting Members are present.",
        [("Board X", "2")],
        "A meeting of the Board X is quorate when at least three (2) Voting Members are present.",
        [("Board X", "three (2)")],  # words and digits that disagree are reported as written
    ),
    (
        "voting rule",
        "The Board X shall take decisions by consensus. A decision is taken when no Voting Member objects.",
        [("Board X", "consensus")],
        "The Board X shall take decisions by the unanimous agreement of the Voting Members present.",
        [("Board X", "unanimous")],
    ),
    (
        "voting threshold",
        "The Board X shall seek to reach decisions by consensus. Where it cannot, a decision is taken only if at "
        "least 75% of the votes cast by the Voting Members present are in favour.",
        [("Board X", "75%")],
        "The Board X shall seek to reach decisions by consensus. Where it cannot, a decision is taken by a simple "
        "majority of the votes cast.",
        [],
    ),
    (
        "weighted majority",
        "A proposal is carried if more than half of the weighted votes cast are in favour.",
        [("Board X", "more than half of the weighted votes cast")],
        "A decision requires more than half of the votes held by the Parties present at a quorate meeting.",
        [("Board X", "more than half of the votes held by the Parties present")],
    ),
    (
        "casting vote",
        "If the votes for and against a proposal are equal, the proposal is not carried, and the chair has no second "
        "vote.",
        [("Board X", "no")],
        "If the votes for and against a proposal are equal, the chair has a second or casting vote.",
        [("Board X", "yes")],
    ),
    (
        "reserved-matter rule",
        "A reserved matter may be decided only with the agreement of every Party, given by its Voting Members.",
        [("Board X", "unanimity")],
        "A reserved matter may be decided by a majority of the Parties.",
        [],
    ),
    (
        "reserved-matter rule",
        "Each reserved matter is subject to a locked gateway. The Board X may develop and consider a proposal on it.",
        [("Board X", "locked_gateway")],
        "The Board X may only make recommendations on a reserved matter. The matter shall be referred to the board "
        "of each Party, and the decision takes effect only when the board of every Party has approved it.",
        [("Board X", "referral_to_boards")],
    ),
    (
        "chair",
        "The chair of the Board X rotates between the Parties (AFT, BT and CT, in that order). Each Party holds the "
        "chair for a period of twelve (12) months, and nominates one of its voting members.",
        [("Board X", "rotating, 12 months each, order AFT, BT, CT")],
        "The chair of the Board X rotates between the Parties in the order its members decide. Each Party holds "
        "the chair for a period of six (6) months.",
        [("Board X", "rotating, 6 months each, order decided by the body")],
    ),
    (
        "chair",
        "The chair of the Board X is the member nominated by BT from among its voting members.",
        [("Board X", "named_party BT")],
        "The chair of the Board X is [●].",  # unanswered: left for the parties
        [("Board X", "unknown")],
    ),
    (
        "meeting frequency",
        "The Board X will meet every quarter, on dates set by the chair.",
        [("Board X", "quarterly")],
        "The Board X shall meet [●], on dates set by the chair.",
        [("Board X", "unknown")],
    ),
    (
        "meeting frequency",
        "The Board X shall meet every month, on dates set by the chair.",
        [("Board X", "monthly")],
        "The Board X will meet every two weeks, on dates set by the chair.",
        [("Board X", "fortnightly")],
    ),
    (
        "dispute tiers",
        "Stage 1: Operational resolution. The Dispute shall first be referred to the Operations Group. The "
        "representatives at this stage shall meet and try to resolve it within ten (10) Business Days after notice.",
        [(PACK, "1 Operational resolution (the Operations Group) 10 days")],
        "Stage 1: Operational resolution. The Dispute shall first be referred to the Operations Group. The "
        "representatives at this stage shall meet and try to resolve it within five (5) Business Days after notice.",
        [(PACK, "1 Operational resolution (the Operations Group) 5 days")],
    ),
    (
        "mediation days",
        "If the Dispute is not settled within thirty (30) Business Days after the Mediator is appointed, it goes on.",
        [(PACK, "30")],
        "If the Dispute is not settled within twenty (20) Business Days after the Mediator is appointed, it goes on.",
        [(PACK, "20")],
    ),
    (
        "final forum",
        "A Dispute that has not been resolved under the earlier paragraphs of this Schedule may be referred by any "
        "Disputing Party to the courts of England and Wales.",
        [(PACK, "courts")],
        "A Dispute that has not been resolved under the earlier paragraphs of this Annex shall be referred to and "
        "finally resolved by arbitration under the Arbitration Act 1996.",
        [(PACK, "arbitration")],
    ),
    (
        "precedence",
        "If there is any conflict between this Schedule and another document, the order of precedence in clause 1.3 "
        "of this Agreement applies.",
        [(PACK, "cjv 1.3")],
        "If there is any conflict between this Scheme and another document, the order of precedence in paragraph "
        "1.4 of the Terms of Reference applies.",
        [(PACK, "tor 1.4")],
    ),
    (
        "variation",
        "A change takes effect only as clause 23 of the Collaboration Agreement provides.",
        [(PACK, "cjv 23")],
        "A change takes effect only as clause 17.3 of the Memorandum of Understanding provides.",
        [(PACK, "mou 17.3")],
    ),
    (
        "initial term",
        "Unless terminated earlier, this Agreement continues for an initial term of three (3) years from the "
        "Commencement Date.",
        [(PACK, "3 years")],
        "Unless terminated earlier, this Agreement continues for an initial term of [●] years from the "
        "Commencement Date.",
        [(PACK, "unknown")],
    ),
    (
        "review",
        "The Board shall review the operation of this Agreement at least every 12 months.",
        [(PACK, "12 months")],
        "The Parties will review this Memorandum, and how the Collaborative is working, at least every "
        "twenty-four (24) months.",
        [(PACK, "24 months")],
    ),
]


@pytest.mark.parametrize(("fact", "text", "want", "changed", "then"), CASES, ids=[c[0] for c in CASES])
def test_each_extractor_reads_the_fact_and_notices_a_change(
    fact: str, text: str, want: list[tuple[str, str]], changed: str, then: list[tuple[str, str]]
) -> None:
    assert _values(fact, _unit(text)) == want
    assert _values(fact, _unit(changed)) == then
    assert want != then


def test_the_extractors_without_a_case_above_can_fail() -> None:
    assert {c[0] for c in CASES} | {"parties", "reserved matters", "vote weights", "financial limits"} == set(
        EXTRACTORS
    )
    unit = _unit("This paragraph states nothing at all.")
    assert all(_values(fact, unit) == [] for fact in EXTRACTORS)
    invited = _unit("The chair may invite any other person to attend. A person attending by invitation does not vote.")
    assert _values("voting rule", invited) == []
    assert _values("voting rule", _unit("The Board X does not vote. It seeks a shared view.")) == [("Board X", "none")]


def test_the_parties_reserved_matters_and_weights_read_their_lists() -> None:
    head = [
        Para("PartyItem", 'Alpha NHS Foundation Trust, an NHS foundation trust ("AFT");', None, None, number="(1)"),
        Para("PartyItem", 'Beta Hospitals NHS Trust ("BT").', None, None, number="(2)"),
    ]
    assert _values("parties", Unit("sod", "sod", "", head)) == [(PACK, "AFT, BT")]
    assert _values("parties", Unit("sod", "sod", "", head[1:])) == [(PACK, "BT")]
    listed = [
        Para("Clause2", 'The following matters (the "reserved matters") are reserved:', None, None, number="11.1"),
        Para("Clause3", "admission of a new party;", None, None, number="11.1.1"),
        Para("Clause3", "approval of the budget.", None, None, number="11.1.2"),
        Para("Clause2", "Something else.", None, None, number="11.2"),
    ]
    unit = Unit("tor", "tor Part 1: B", "B", listed, first=False)
    assert _values("reserved matters", unit) == [("B", "admission of a new party | approval of the budget")]
    unit.paragraphs = listed[:2] + listed[3:]
    assert _values("reserved matters", unit) == [("B", "admission of a new party")]
    weighted = [
        Para(
            "Clause2",
            "The Board X shall seek to reach decisions by consensus. Where it cannot, a decision is taken by a vote in "
            "which each Party has the number of votes shown below, cast by its Voting Members present:",
            None,
            None,
        ),
        *(Para("TableText", t, None, None) for t in ("Party", "Votes", "AFT", "3", "BT", "2", "Total", "5")),
    ]
    unit = Unit("tor", "tor Part 1: Board X", "Board X", weighted, first=False)
    assert _values("vote weights", unit) == [("Board X", "AFT=3, BT=2")]
    weighted[6].text = "1"
    assert _values("vote weights", unit) == [("Board X", "AFT=3, BT=1")]


def test_the_financial_limits_of_the_terms_of_reference_and_the_scheme_read_alike() -> None:
    def table(lead: str, *cells: str) -> Unit:
        paras = [Para("Clause2", lead, None, None, number="4.2")]
        paras += [Para("TableText", c, None, None) for c in cells]
        return Unit("sod", "sod", "", paras)

    tor = table(
        "Each Party shown below has authorised the Board X:", "Party", "Function or decision", "Authority given by"
    )
    tor.paragraphs += [Para("TableText", c, None, None) for c in ("Financial limit", "AFT", "buying", "its SoRD", "£5")]
    tor.body = "Board X"
    sod = table("Each Delegate may commit:", "Matter", "Delegate", "Delegating Party", "Limit", "buying", "the Board X")
    sod.paragraphs += [Para("TableText", c, None, None) for c in ("AFT", "£5", "paying", "Lead Director", "AFT", "£1")]
    assert _values("financial limits", tor) == [("Board X", "AFT: buying = £5")]
    assert _values("financial limits", sod) == [("Board X", "AFT: buying = £5"), ("Lead Director", "AFT: paying = £1")]
    sod.paragraphs[8].text = "£6"
    assert _values("financial limits", sod)[0] == ("Board X", "AFT: buying = £6")


def test_a_fact_missing_from_a_unit_or_differing_from_the_answers_is_reported(msecc: dict[str, Docx]) -> None:
    answers = YAML(typ="safe").load(MSECC.read_text(encoding="utf-8"))
    tor = msecc["tor"]
    paragraphs = [p for p in tor.paragraphs if "Community Collaborative Board is quorate" not in p.text]
    assert len(paragraphs) == len(tor.paragraphs) - 1
    docs = {**msecc, "tor": Docx(tor.path, tor.parts, paragraphs)}
    found = statements(docs)
    assert unstated(docs, found, answers) == ["tor Part 1: Community Collaborative Board: no statement of quorum found"]
    misread = [Statement("quorum", "chair may invite any other person", "3", "tor Part 1", "5.5")]
    assert against_answers(misread, answers) == [f"{misread[0]}: not a body of the answers (an extractor misread?)"]
    answers["bodies"][0]["quorum"]["members"] = 4
    wrong = against_answers(statements(msecc), answers)
    assert len(wrong) == 2 and all("quorum of Community Collaborative Board" in line for line in wrong), wrong
    assert all("the answers give '4, each party present'" in line for line in wrong)


def test_disagreements_name_each_document_and_value() -> None:
    same = [Statement("quorum", "B", "3", "cjv Schedule 1", "8.1"), Statement("quorum", "B", "3", "tor Part 1", "8.1")]
    assert disagreements(same) == []
    differing = [*same[:1], Statement("quorum", "B", "4", "tor Part 1", "8.1")]
    (line,) = disagreements(differing)
    assert line.startswith("quorum of B differs") and "tor Part 1 8.1 says '4'" in line and "says '3'" in line


def test_numbers_in_words() -> None:
    assert [words_value(w) for w in ("two", "twelve", "twenty-one", "one hundred and five")] == [2, 12, 21, 105]
    assert words_value("a dozen") is None
