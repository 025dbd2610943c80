"""The facts layer: one unit test per fact, over the bundled examples and small hand-made answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assembler.answers_file import load_answers
from assembler.facts import (
    NHS_RELEVANT_BODIES,
    SENTENCE_ENUMS,
    Facts,
    and_list,
    delegated_authority,
    facts_of,
    format_location,
    is_member,
    is_nhs_relevant,
    sentence,
)
from assembler.model import (
    CHOICE_HELP,
    Answers,
    BodyKind,
    DecisionRule,
    DocumentKind,
    Frequency,
    LegalForm,
    PartyKind,
)

ROOT = Path(__file__).resolve().parent.parent


def example(name: str) -> Facts:
    return facts_of(load_answers(ROOT / "answers" / f"{name}.yaml").answers)


def party(short: str, kind: str = "nhs_trust", roles: list[str] | None = None) -> dict[str, Any]:
    return {"short_name": short, "name": f"{short} Full Name", "kind": kind, "roles": roles or ["member"]}


def seat(short: str, voting: bool = True, director: bool | None = None) -> dict[str, Any]:
    return {"party": short, "role": "Chief Executive", "voting": voting, "board_director": director}


def make(**fields: Any) -> Facts:
    data: dict[str, Any] = {"collaborative": {"name": "Test Collaborative"}}
    data.update(fields)
    return facts_of(Answers.model_validate(data))


TWO = [party("A", "nhs_foundation_trust"), party("B", "cic")]


# ----------------------------------------------------------------------------------------------- the form


@pytest.mark.parametrize(
    ("form", "binding", "statutory", "contractual", "binding_form", "shall"),
    [
        ("mou_only", False, False, False, False, "will"),
        ("cjv", True, False, True, True, "shall"),
        ("lead_provider", True, False, True, True, "shall"),
        ("committees_in_common", True, True, False, False, "shall"),
        ("joint_committee", True, True, False, True, "shall"),
    ],
)
def test_form_facts(
    form: str, binding: bool, statutory: bool, contractual: bool, binding_form: bool, shall: str
) -> None:
    f = make(parties=TWO, legal_form=form)
    assert (f.binding, f.statutory_form, f.contractual_form, f.binding_form, f.shall) == (
        binding,
        statutory,
        contractual,
        binding_form,
        shall,
    )
    assert f.form_sentence == sentence(LegalForm(form))


def test_documents_in_the_pack_and_the_governing_one() -> None:
    assert example("nottingham").documents == (DocumentKind.MOU, DocumentKind.TOR, DocumentKind.SOD, DocumentKind.DRA)
    assert example("nottingham").governing_document is DocumentKind.MOU
    assert example("msecc").documents == tuple(DocumentKind)
    assert example("msecc").governing_document is DocumentKind.CJV
    # with no agreement, binding arrangements are governed by the terms of reference each board adopts
    f = make(parties=TWO, legal_form="joint_committee", documents={"cjv": {"produce": False}})
    assert f.governing_document is DocumentKind.TOR
    f = make(
        parties=TWO, legal_form="joint_committee", documents={"cjv": {"produce": False}, "tor": {"produce": False}}
    )
    assert f.governing_document is DocumentKind.MOU


# ----------------------------------------------------------------------------------------------- parties


def test_members_are_members_and_lead_providers_only() -> None:
    f = make(
        parties=[
            party("M"),
            party("L", roles=["lead_provider"]),
            party("H", roles=["host"]),
            party("O", "icb", roles=["observer"]),
            party("S", "local_authority", roles=["associate"]),
            party("MH", roles=["member", "host"]),
        ]
    )
    assert [p.short_name for p in f.members] == ["M", "L", "MH"]
    assert f.member_names == {"M", "L", "MH"}
    assert [is_member(p) for p in f.answers.parties] == [True, True, False, False, False, True]
    assert f.host is not None and f.host.short_name == "H"
    assert [p.short_name for p in f.hosts] == ["H", "MH"]
    assert f.lead_provider is not None and f.lead_provider.short_name == "L"
    assert [p.short_name for p in f.observers] == ["O"]


def test_members_by_kind() -> None:
    f = make(
        parties=[
            party("FT", "nhs_foundation_trust"),
            party("T", "nhs_trust"),
            party("ICB", "icb"),
            party("NHSE", "nhs_england"),
            party("LA", "local_authority"),
            party("CIC", "cic"),
            party("CO", "company"),
            party("CH", "charity"),
            party("X", "other"),
            party("OBS", "nhs_foundation_trust", roles=["observer"]),
        ]
    )

    def names(parties: tuple[Any, ...]) -> list[str]:
        return [p.short_name for p in parties]

    assert names(f.foundation_trusts) == ["FT"]  # not the observer foundation trust
    assert names(f.nhs_members) == ["FT", "T", "ICB", "NHSE"]
    assert names(f.company_members) == ["CIC", "CO", "CH"]
    assert names(f.local_authority_members) == ["LA"]
    assert names(f.commissioner_members) == ["ICB", "NHSE"]
    assert names(f.outsiders) == ["LA", "CIC", "CO", "CH", "X"]
    assert names(f.members_of_kind(PartyKind.CIC, PartyKind.OTHER)) == ["CIC", "X"]


def test_nhs_relevant_bodies_are_the_four_nhs_kinds() -> None:
    assert {
        PartyKind.NHS_TRUST,
        PartyKind.NHS_FOUNDATION_TRUST,
        PartyKind.ICB,
        PartyKind.NHS_ENGLAND,
    } == NHS_RELEVANT_BODIES
    f = example("msecc")
    assert [is_nhs_relevant(p) for p in f.members] == [True, True, False]  # EPUT, NELFT, Provide CIC
    assert [p.short_name for p in f.outsiders] == ["Provide"]


def test_document_parties_and_system_partners() -> None:
    f = example("msecc")
    assert [p.short_name for p in f.document_parties(DocumentKind.CJV)] == ["EPUT", "NELFT", "Provide"]
    assert [p.short_name for p in f.system_partners(DocumentKind.MOU)] == ["ICB", "Thurrock"]
    # the annex binds everyone the memorandum applies it to, the ICB included
    assert [p.short_name for p in f.document_parties(DocumentKind.DRA)] == [
        "EPUT",
        "NELFT",
        "Provide",
        "ICB",
        "Thurrock",
    ]
    assert f.system_partners(DocumentKind.CJV) == ()
    assert [p.short_name for p in example("joint_committee").system_partners(DocumentKind.MOU)] == ["WCC"]


def test_party_location() -> None:
    f = make(parties=TWO)
    assert f.party_location("B") == ("parties", 1)
    assert f.party_location("nobody") == ("parties",)
    assert f.party("A") is f.answers.parties[0]
    assert f.party("nobody") is None


# ----------------------------------------------------------------------------------------------- bodies


def body(
    id_: str, parent: str | None = None, kind: str = "board", members: list[Any] | None = None, **more: Any
) -> dict[str, Any]:
    return {"id": id_, "name": f"The {id_}", "kind": kind, "parent": parent, "members": members or [], **more}


def test_deciding_bodies_are_the_top_body_boards_and_delegates() -> None:
    f = make(
        parties=TWO,
        bodies=[
            body("top"),
            body("sub", "top", "sub_committee"),
            body("board2", "top", "board"),
            body("delegate", "top", "operational_group"),
        ],
        delegations=[{"from_party": "A", "to_body": "delegate", "function": "x", "legal_basis": "y"}],
    )
    assert [b.id for b in f.deciding_bodies] == ["top", "board2", "delegate"]
    assert [b.decides for b in f.bodies] == [True, False, True, True]
    mou = make(parties=TWO, legal_form="mou_only", bodies=[body("top")])
    assert mou.bodies[0].deciding and not mou.bodies[0].decides


def test_statutory_and_in_common_bodies() -> None:
    bodies = [body("top"), body("sub", "top", "sub_committee")]
    cic = make(parties=TWO, legal_form="committees_in_common", bodies=bodies)
    assert [(b.statutory, b.in_common) for b in cic.bodies] == [(True, True), (False, False)]
    joint = make(parties=TWO, legal_form="joint_committee", bodies=bodies)
    assert [(b.statutory, b.in_common) for b in joint.bodies] == [(True, False), (False, False)]
    cjv = make(parties=TWO, legal_form="cjv", bodies=bodies)
    assert [(b.statutory, b.in_common) for b in cjv.bodies] == [(False, False), (False, False)]


def test_who_votes_once_the_law_is_applied() -> None:
    seats = [seat("A", director=True), seat("A", director=None), seat("B"), seat("A", voting=False)]
    cjv = make(parties=TWO, legal_form="cjv", bodies=[body("top", members=seats)]).bodies[0]
    assert [m.votes for m in cjv.members] == [True, True, True, False]
    assert cjv.voting_parties == ("A", "B")
    assert cjv.barred_parties == () and cjv.non_directors == ()
    # R1: the CIC cannot vote where functions are exercised jointly; R2: a foundation trust's committee in common
    # holds only its directors
    cic = make(parties=TWO, legal_form="committees_in_common", bodies=[body("top", members=seats)]).bodies[0]
    assert [m.votes for m in cic.members] == [True, False, False, False]
    assert [m.barred for m in cic.members] == [False, False, True, False]
    assert [m.non_director for m in cic.members] == [False, True, False, True]
    assert cic.voting_parties == ("A",)
    assert cic.barred_parties == ("B",)
    assert cic.non_directors == ("Chief Executive of A", "Chief Executive of A")
    joint = make(parties=TWO, legal_form="joint_committee", bodies=[body("top", members=seats)]).bodies[0]
    assert [m.votes for m in joint.members] == [True, True, False, False]


def test_show_director_column() -> None:
    plain = make(parties=TWO, bodies=[body("top", members=[seat("A")])]).bodies[0]
    assert not plain.show_director
    told = make(parties=TWO, bodies=[body("top", members=[seat("A", director=False)])]).bodies[0]
    assert told.show_director
    statutory = make(parties=TWO, legal_form="joint_committee", bodies=[body("top", members=[seat("A")])])
    assert statutory.bodies[0].show_director


def test_delegations_to_a_body_and_voters_without_one() -> None:
    f = make(
        parties=TWO,
        bodies=[body("top", members=[seat("A"), seat("B")])],
        delegations=[
            {"from_party": "A", "to_body": "top", "function": "f1", "legal_basis": "SO"},
            {"from_party": "A", "to_officer": "Lead Director", "function": "f2", "legal_basis": "SO"},
        ],
    )
    top = f.bodies[0]
    assert top.delegations == (0,)
    assert top.undelegated_voters == ("B",)
    assert [d.function for d in f.body_delegations] == ["f1"]
    assert [d.function for d in f.officer_delegations] == ["f2"]
    assert f.limits_unknown


def test_voting_rule_facts() -> None:
    seats = [seat("A"), seat("B")]
    weighted = {"rule": "weighted", "weights": {"A": 3, "B": 2, "Z": 9}}
    f = make(parties=TWO, bodies=[body("top", members=seats, voting=weighted)])
    assert f.bodies[0].majority
    assert f.bodies[0].weights_total == 5  # only the voting parties' weights count
    consensus = make(parties=TWO, bodies=[body("top", members=seats, voting={"rule": "consensus"})])
    assert not consensus.bodies[0].majority


def test_structure_of_bodies() -> None:
    f = example("msecc")
    assert f.board is not None and f.board.id == "board"
    assert f.board.children == ("leadership_team", "jog", "clinical_reference_group")
    assert [b.part for b in f.bodies] == [1, 2, 3, 4, 5, 6]
    assert [b.kind_sentence for b in f.bodies][:3] == ["board", "leadership team", "operational group"]
    assert f.body("jog") is f.bodies[2]
    assert f.body("nothing") is None
    assert f.board.observers == ("Mid and South Essex Integrated Care Board", "Thurrock Council")
    assert f.bodies[1].observers == ()  # observers attend the top body only


def test_nhs_england_facts() -> None:
    f = make(
        parties=[*TWO, party("NHSE", "nhs_england")],
        delegations=[{"from_party": "NHSE", "to_body": "top", "function": "f", "legal_basis": "b"}],
        bodies=[body("top")],
    )
    assert f.nhs_england_is_party and f.nhs_england_delegates
    assert not make(parties=TWO).nhs_england_is_party
    assert not make(parties=TWO).nhs_england_delegates


def test_register_keeper() -> None:
    assert example("joint_committee").register_keeper == "EHFT"  # the host
    assert example("msecc").register_keeper is None
    f = make(parties=TWO, bodies=[body("top", secretariat="B")])
    assert f.register_keeper == "B"


def test_mediation_under_cedr() -> None:
    assert example("msecc").mediation_is_cedr
    assert not make(parties=TWO, disputes={"mediation": {"provider": "the ICB's mediation service"}}).mediation_is_cedr
    assert not make(parties=TWO, disputes={"mediation": None}).mediation_is_cedr


# ----------------------------------------------------------------------------------------------- words


def test_every_choice_has_a_sentence_label() -> None:
    for enum in SENTENCE_ENUMS:
        for member in enum:
            text = sentence(member)
            assert (text and text[0] == text[0].lower()) or text[:3].isupper() or text.startswith("The "), member
            assert member in CHOICE_HELP


def test_sentence_labels_read_in_a_sentence() -> None:
    assert sentence(DecisionRule.UNANIMOUS) == "unanimity"
    assert sentence(LegalForm.CJV) == "a contractual joint venture"
    assert sentence(BodyKind.SUB_COMMITTEE) == "sub-committee"
    assert sentence(Frequency.BIMONTHLY) == "every two months"
    assert sentence(PartyKind.NHS_TRUST) == "NHS trust"
    assert sentence(PartyKind.CIC) == "community interest company"
    assert sentence(DocumentKind.SOD) == "scheme of delegation"


def test_and_list() -> None:
    assert and_list([]) == ""
    assert and_list(["A"]) == "A"
    assert and_list(["A", "B"]) == "A and B"
    assert and_list(["A", "B", "C"], "or") == "A, B or C"


def test_delegated_authority_for_every_kind() -> None:
    for kind in PartyKind:
        assert delegated_authority(kind)
    assert "Sch 7 para 15(3)" in delegated_authority(PartyKind.NHS_FOUNDATION_TRUST)
    assert "non-executive" in delegated_authority(PartyKind.NHS_FOUNDATION_TRUST)


def test_locations_as_paths_and_as_the_user_wrote_them() -> None:
    f = example("msecc")
    assert format_location(("bodies", 0, "quorum", "members")) == "bodies[0].quorum.members"
    assert format_location(("legal_form",)) == "legal_form"
    board = f.answers.bodies[0]
    assert f.describe(("bodies", 0, "quorum", "members")) == f"{board.name} › quorum › members"
    assert f.describe(("parties", 2, "kind")) == "Provide › kind"
    seat0 = board.members[0]
    assert f.describe(("bodies", 0, "members", 0, "party")) == f"{board.name} › {seat0.role} of {seat0.party} › party"
    assert f.describe(("delegations", 0, "function")).startswith("delegation 1 (")
    assert f.describe(("disputes", "tiers", 0, "days")).startswith("disputes › dispute tier '")
    assert f.describe(("bodies", 99, "name")) == "bodies item 100 › name"


def test_party_reserved_matters_that_name_the_accounts() -> None:
    assert make(
        parties=TWO, decisions={"party_reserved_matters": ["Approval of Annual Accounts"]}
    ).party_reserved_covers_accounts
    assert not make(
        parties=TWO, decisions={"party_reserved_matters": ["capital investment"]}
    ).party_reserved_covers_accounts


# ----------------------------------------------------------------------------------------------- votes


@pytest.mark.parametrize(
    ("threshold", "votes_for", "votes_cast", "carried"),
    [
        ("2/3", 2, 3, True),  # two-thirds of three votes is two: exact, not 66.67%
        ("2/3", 3, 5, False),
        ("2/3", 4, 6, True),
        ("3/4", 3, 4, True),
        ("3/4", 5, 7, False),
        ("75", 3, 4, True),
        ("75%", 2, 3, False),
        ("two-thirds", 5, 7, True),
        (66.67, 2, 3, False),  # a rounded percentage is not two-thirds: 2 of 3 is 66.666...%
    ],
)
def test_a_threshold_is_counted_exactly(threshold: Any, votes_for: int, votes_cast: int, carried: bool) -> None:
    from assembler.facts import threshold_met
    from assembler.model import Voting

    share = Voting.model_validate({"rule": "qualified_majority", "threshold": threshold}).threshold
    assert share is not None
    assert threshold_met(votes_for, votes_cast, share) is carried


def test_a_share_is_kept_exactly_and_drafted_in_words() -> None:
    from fractions import Fraction

    from assembler.facts import share_words
    from assembler.model import Voting

    voting = Voting.model_validate({"rule": "qualified_majority", "threshold": "2/3"})
    assert voting.threshold == Fraction(2, 3)
    assert voting.model_dump(mode="json")["threshold"] == "2/3"  # saved as written, not 66.67
    assert Voting.model_validate({"threshold": 75}).model_dump(mode="json")["threshold"] == 75
    assert share_words(Fraction(2, 3)) == "two-thirds"
    assert share_words(Fraction(3, 4)) == "three-quarters"
    assert share_words(Fraction(3, 4) + Fraction(1, 100)) == "76%"
    for bad in ("0", "0/3", "5/4", "lots", True):
        with pytest.raises(ValueError):
            Voting.model_validate({"threshold": bad})


def test_a_two_thirds_majority_is_drafted_in_words(tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    from assembler.assembly import build

    from .docx_reading import read

    yaml = YAML()
    data = yaml.load((ROOT / "answers" / "msecc.yaml").read_text(encoding="utf-8"))
    data["bodies"][0]["voting"] = {"rule": "qualified_majority", "threshold": "2/3", "casting_vote": False}
    data["decisions"]["reserved_matters"] = ["admission of a new party"]
    answers = tmp_path / "msecc.yaml"
    with answers.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    result = build(answers, out_dir=tmp_path / "out")
    texts = {c.kind.value: read(p).text() for c, p in zip(result.documents, result.written, strict=True)}
    assert "at least two-thirds of the votes cast" in texts["tor"]
    assert "66.67" not in texts["tor"] and "66.67" not in texts["cjv"]


# ----------------------------------------------------------------------------------------------- names and structure


def test_the_structure_holds_members_and_others_who_sit_or_delegate() -> None:
    facts = make(
        parties=[
            party("A"),
            party("OBS", "charity", ["observer"]),
            party("SEAT", "local_authority", ["observer"]),
            party("DEL", "icb", ["observer"]),
        ],
        bodies=[{"id": "board", "name": "The Board", "members": [seat("A"), seat("SEAT", voting=False)]}],
        delegations=[{"from_party": "DEL", "to_body": "board", "function": "commissioning decisions"}],
    )
    assert [p.short_name for p in facts.structure_parties] == ["A", "SEAT", "DEL"]


def test_names_and_proper_names_of_the_answers() -> None:
    facts = example("joint_committee")
    assert {"Elective Surgery Joint Committee", "WHT", "Joint Programme Director"} <= set(facts.names)
    proper = set(facts.proper_names)
    assert "Westmoor and Eastvale" in proper  # a place named in the answers' free text
    assert "Joint Committee" not in proper  # a shortened name is not a name


# ----------------------------------------------------------------------------------------------- approvals


def test_members_approve_and_a_system_partner_that_signs_only_the_memorandum_endorses() -> None:
    from assembler.facts import ApprovalKind

    facts = example("msecc")
    kinds = {a.party.short_name: a.kind for a in facts.approvals}
    assert kinds == {
        "EPUT": ApprovalKind.APPROVE,
        "NELFT": ApprovalKind.APPROVE,
        "Provide": ApprovalKind.APPROVE,
        "ICB": ApprovalKind.ENDORSE,
        "Thurrock": ApprovalKind.ENDORSE,
    }
    icb = next(a for a in facts.approvals if a.party.short_name == "ICB")
    assert DocumentKind.CJV not in icb.documents and DocumentKind.MOU in icb.documents


def test_the_governors_approve_only_where_the_arrangements_are_a_significant_transaction() -> None:
    from assembler.facts import ApprovalKind

    for answer in ("yes", "no", "not_yet_known"):
        parties = [{**party("A", "nhs_foundation_trust"), "significant_transaction": answer}, party("B")]
        facts = make(legal_form="cjv", parties=parties)
        governors = [a.party.short_name for a in facts.approvals if a.kind is ApprovalKind.GOVERNORS]
        assert governors == (["A"] if answer == "yes" else [])  # never B, an NHS trust
    advisory = make(
        legal_form="mou_only",
        parties=[{**party("A", "nhs_foundation_trust"), "significant_transaction": "yes"}, party("B")],
    )
    assert all(a.kind is not ApprovalKind.GOVERNORS for a in advisory.approvals)  # nothing binds: no transaction


def test_each_partys_delegations_seats_and_cost_share() -> None:
    from fractions import Fraction

    msecc = example("msecc")
    assert msecc.delegations_from("EPUT") == (0, 3)
    assert next(b.id for b, _ in msecc.seats_of("Provide")) == "board"
    assert msecc.cost_share("NELFT").share == Fraction(1, 3)
    assert not msecc.cost_share("ICB").pays  # an observer meets no share of equal costs
    weac = example("joint_committee")
    assert weac.cost_share("NCFT").share == Fraction(20, 100)
    assert example("nottingham").cost_share("NUH").share is None


def test_field_paths_read_back_and_the_parties_an_answer_or_a_gap_concerns() -> None:
    from assembler.facts import parse_field_path

    assert parse_field_path("parties[2].signatory.name") == ("parties", 2, "signatory", "name")
    assert parse_field_path("date of signature") is None
    facts = example("msecc")
    assert facts.parties_at(("parties", 1, "address")) == {"NELFT"}
    assert facts.parties_at(("delegations", 3, "financial_limit")) == {"EPUT"}
    assert facts.parties_at(("bodies", 0, "members", 4, "role")) == {"Provide"}
    assert facts.parties_at(("legal_form",)) == frozenset()
    assert facts.placeholder_parties("parties[2].company_number") == {"Provide"}
    assert facts.placeholder_parties("minute reference of the board of NELFT") == {"NELFT"}
    assert facts.placeholder_parties("date of signature") == frozenset()
