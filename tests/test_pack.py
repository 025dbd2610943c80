"""One pack, one set of provisions: what a pack's documents say about each other, read from the built .docx files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from assembler.assembly import build

from .docx_reading import Docx, read

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))


def _build_variant(tmp_path: Path, example: str, change: dict[str, Any]) -> dict[str, Docx]:
    yaml = YAML()
    data = yaml.load((ROOT / "answers" / f"{example}.yaml").read_text(encoding="utf-8"))
    for path, value in change.items():
        node = data
        *parents, last = (int(k) if k.isdigit() else k for k in path.split("."))
        for key in parents:
            node = node[key]
        node[last] = value
    answers = tmp_path / f"{example}.yaml"
    with answers.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    result = build(answers, out_dir=tmp_path / "out")
    return {c.kind.value: read(p) for c, p in zip(result.documents, result.written, strict=True)}


def _built(answers: Path, tmp_path: Path) -> dict[str, Docx]:
    result = build(answers, out_dir=tmp_path)
    return {c.kind.value: read(p) for c, p in zip(result.documents, result.written, strict=True)}


def _body(doc: Docx) -> list[str]:
    """The paragraphs a reader sees as the document, without drafting notes and the contents list."""
    return [
        f"{p.number} {p.text}".strip()
        for p in doc.paragraphs
        if p.style not in ("DraftingNote",) and "TOC" not in p.style
    ]


@pytest.mark.parametrize(
    ("example", "form"),
    [("joint_committee", "joint_committee"), ("joint_committee", "committees_in_common"), ("nottingham", "mou_only")],
)
def test_a_pack_without_an_agreement_never_mentions_one(tmp_path: Path, example: str, form: str) -> None:
    change: dict[str, Any] = {"documents.cjv.produce": False, "legal_form": form}
    if form == "committees_in_common":  # each committee decides for its own party: no weighted vote across them
        change["bodies.0.voting"] = {"rule": "consensus"}
    docs = _build_variant(tmp_path, example, change)
    assert "cjv" not in docs
    for kind, doc in docs.items():
        for line in _body(doc):
            assert "Collaboration Agreement" not in line, (kind, line)
            assert "this Agreement" not in line, (kind, line)


@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_the_terms_of_reference_and_scheme_are_adopted_not_signed(answers: Path, tmp_path: Path) -> None:
    docs = _built(answers, tmp_path)
    for kind in ("tor", "sod"):
        if kind not in docs:
            continue
        doc = docs[kind]
        assert not doc.by_style("Signature"), f"{kind} has a signature line"
        text = doc.text()
        assert "adopted by resolution of the board of each of the following" in text
        assert "Signed for and on behalf of" not in text and "Executed as a deed" not in text
        assert "Minute reference" in text  # the approval record
    for kind in ("mou", "cjv"):
        if kind in docs:
            assert "Signed for and on behalf of" in docs[kind].text() or "Executed as a deed" in docs[kind].text()


def _precedence_refs(text: str) -> list[tuple[str, str]]:
    return re.findall(
        r"order of precedence in (clause|paragraph) ([0-9.]+) of the ([A-Z][A-Za-z ]+?)(?: applies|\.)", text
    )


@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_one_order_of_precedence_stated_once_and_referred_to(answers: Path, tmp_path: Path) -> None:
    docs = _built(answers, tmp_path)
    statements = {
        kind: [
            line
            for line in _body(doc)
            if re.search(r"prevail in this order|Terms of Reference prevail|this Memorandum prevails\.", line)
        ]
        for kind, doc in docs.items()
    }
    stating = [k for k, lines in statements.items() if lines]
    assert len(stating) == 1, statements  # one document states the order of precedence ...
    assert len(statements[stating[0]]) == 1  # ... once
    governing = stating[0]
    number = re.match(r"([0-9.]+) ", statements[governing][0]).group(1)  # type: ignore[union-attr]
    for kind, doc in docs.items():
        if kind == governing:
            continue
        refs = _precedence_refs(doc.text())
        assert refs, f"{kind} does not refer to the order of precedence"
        for _noun, cited, _title in refs:
            assert cited == number, (kind, cited, number)  # ... and every other document cites that clause
        assert not any(
            "prevails." in line and "conflict" in line and "order of precedence" not in line for line in _body(doc)
        ), kind


@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_one_variation_regime(answers: Path, tmp_path: Path) -> None:
    docs = _built(answers, tmp_path)
    texts = {k: d.text() for k, d in docs.items()}
    # the schedules and the standalone documents never make a change a variation of the agreement itself
    for kind, text in texts.items():
        assert "is a variation of this Agreement" not in text, kind
        assert "takes effect only as a variation of this Agreement" not in text, kind
    cited = {m for text in texts.values() for m in re.findall(r"only as (?:clause|paragraph) ([0-9.]+)", text)}
    if "cjv" in docs:
        variation = next(p.number for p in docs["cjv"].paragraphs if p.style == "Clause1" and p.text == "Variation")
        assert cited == {variation.rstrip(".")}


@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_jurisdiction_is_stated_once_per_document(answers: Path, tmp_path: Path) -> None:
    for kind, doc in _built(answers, tmp_path).items():
        stated = [line for line in _body(doc) if "exclusive jurisdiction" in line]
        assert len(stated) <= 1, (kind, stated)


def test_references_in_a_schedule_say_where_they_point(tmp_path: Path) -> None:
    docs = _built(ROOT / "answers" / "msecc.yaml", tmp_path)
    agreement = docs["cjv"]
    in_schedules = [p for p in agreement.paragraphs[_first_schedule(agreement) :] if p.refs]
    assert in_schedules
    for p in in_schedules:
        for _target, cached in p.refs:
            # in a schedule a reference is to "paragraph N of this Schedule", "paragraph N of Schedule 2" or
            # "clause N of this Agreement": never a bare "clause N", which a reader takes for the agreement's
            # (the deed of accession names the agreement it accedes to: "clause 22 of the Agreement")
            assert not re.search(rf"\bclauses? {re.escape(cached)}(?! of (this|the) Agreement)", p.text), p.text
    body = agreement.paragraphs[: _first_schedule(agreement)]
    assert any(re.search(r"\bclause [0-9.]+\b", p.text) for p in body if p.refs)


def _first_schedule(doc: Docx) -> int:
    return next(i for i, p in enumerate(doc.paragraphs) if p.style == "ScheduleTitle")


def test_the_agreement_defines_the_board_where_it_establishes_it(tmp_path: Path) -> None:
    agreement = _built(ROOT / "answers" / "msecc.yaml", tmp_path)["cjv"]
    definition = next(p.text for p in agreement.paragraphs if p.text.startswith("“Board” means"))
    establishing = next(p for p in agreement.paragraphs if p.text.startswith("The Parties establish the Board"))
    clause = establishing.number.split(".")[0]
    assert definition.endswith(f"established under clause {clause};"), definition


def test_the_annex_binds_everyone_the_memorandum_applies_it_to(tmp_path: Path) -> None:
    docs = _built(ROOT / "answers" / "msecc.yaml", tmp_path)
    mou_parties = [p.text for p in docs["mou"].by_style("PartyItem")]
    annex_parties = [p.text for p in docs["dra"].by_style("PartyItem")]
    assert "applies between all the Parties to this Memorandum" in docs["mou"].text()
    assert len(annex_parties) == len(mou_parties) == 5
    assert any("Integrated Care Board" in p for p in annex_parties)


def _schedule(doc: Docx, title: str) -> list[str]:
    """The visible paragraphs of one schedule of the agreement (from its title to the next schedule)."""
    start = next(i for i, p in enumerate(doc.paragraphs) if p.style == "ScheduleTitle" and title in p.text)
    out = []
    for p in doc.paragraphs[start + 1 :]:
        if p.style == "ScheduleTitle":
            break
        out.append(p)
    return [p.text for p in out if p.style != "DraftingNote" and p.text.strip()]


_VOICE = [
    # the notices clause: a schedule uses the agreement's, a standalone document carries its own (written once each)
    (
        re.compile(r"shall be in writing and (given in accordance with the notices provisions|delivered by hand).*$"),
        "NOTICES",
    ),
    (re.compile(r"\(see (Part [0-9]+( of the Terms of Reference)?|Schedule [0-9]+)\)"), "(see PART)"),
    (
        re.compile(
            r"(?i)\b(clause|paragraph)s? [0-9]+(\.[0-9]+)*(\([a-z]+\))*"
            r"( of (this|the) (Schedule|Part|Agreement|Scheme|Annex|Collaboration Agreement)| of Schedule [0-9]+)?"
        ),
        "REF",
    ),
    (re.compile(r"\b(this|This) (Schedule|Part|Scheme|Annex)\b"), r"\1 UNIT"),
    (re.compile(r"\bthis Agreement\b|\bthe Collaboration Agreement\b"), "AGREEMENT"),
]


def _voice_free(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        for pattern, replacement in _VOICE:
            line = pattern.sub(replacement, line)
        out.append(line)
    return out


@pytest.mark.parametrize(("kind", "title"), [("sod", "Scheme of Delegation"), ("dra", "Dispute Resolution Procedure")])
def test_a_schedule_and_its_standalone_twin_are_one_text(tmp_path: Path, kind: str, title: str) -> None:
    docs = _built(ROOT / "answers" / "msecc.yaml", tmp_path)
    schedule = _voice_free(_schedule(docs["cjv"], title))
    standalone = _voice_free([p.text for p in docs[kind].paragraphs if p.style != "DraftingNote" and p.text.strip()])
    # every paragraph of the schedule is in the standalone document, in the same order, word for word but for voice
    at, missing = 0, []
    for line in schedule:
        if line in standalone[at:]:
            at += standalone[at:].index(line) + 1
        else:
            missing.append(line)
    assert not missing, missing[:5]


def test_terms_of_reference_of_the_board_are_one_text_in_both_places(tmp_path: Path) -> None:
    docs = _built(ROOT / "answers" / "msecc.yaml", tmp_path)
    schedule = _voice_free(_schedule(docs["cjv"], "Terms of Reference of the"))
    tor = docs["tor"]
    start = next(i for i, p in enumerate(tor.paragraphs) if p.style == "ScheduleTitle" and p.text.startswith("Part 1"))
    end = next(i for i, p in enumerate(tor.paragraphs) if p.style == "ScheduleTitle" and p.text.startswith("Part 2"))
    part = _voice_free(
        [p.text for p in tor.paragraphs[start + 1 : end] if p.style != "DraftingNote" and p.text.strip()]
    )
    # the one designed difference: the agreement's schedule is approved by entering into the agreement, the
    # standalone part by each board's resolution (its approval record)
    schedule = schedule[: schedule.index("Approval")]
    part = part[: part.index("Approval")]
    differing = [(a, b) for a, b in zip(schedule, part, strict=False) if a != b]
    assert len(schedule) == len(part) and not differing, differing[:5]


def test_placement_in_the_agreement_only(tmp_path: Path) -> None:
    change = {f"documents.{k}.placement": "schedule" for k in ("tor", "sod", "dra")}
    docs = _build_variant(tmp_path, "msecc", change)
    assert sorted(docs) == ["cjv", "mou"]  # no separate terms of reference, scheme or annex
    titles = [p.text for p in docs["cjv"].by_style("ScheduleTitle")]
    bodies = [
        "Community Collaborative Board",
        "Leadership Team",
        "Joint Operational Group",
        "Performance",
        "Quality",
        "Clinical Reference Group",
    ]
    for i, name in enumerate(bodies, start=1):
        assert titles[i - 1].startswith(f"Schedule {i}: Terms of Reference of the") and name in titles[i - 1], titles
    assert titles[6].startswith("Schedule 7: Scheme of Delegation")
    text = docs["cjv"].text()
    assert "set out in Schedule 7" in text  # the scheme's definition follows its schedule, whatever its number


def test_placement_as_separate_documents_only(tmp_path: Path) -> None:
    change = {f"documents.{k}.placement": "standalone" for k in ("tor", "sod", "dra")}
    docs = _build_variant(tmp_path, "msecc", change)
    assert sorted(docs) == ["cjv", "dra", "mou", "sod", "tor"]
    titles = [p.text for p in docs["cjv"].by_style("ScheduleTitle")]
    assert titles == ["Schedule 1: Quality concordats", "Schedule 2: Form of Deed of Accession"], titles
    text = docs["cjv"].text()
    assert "“Scheme of Delegation” means the scheme of delegation adopted by the board of each Party" in text
    assert "“Terms of Reference” means the terms of reference of the Board adopted by the board of each Party" in text


@pytest.mark.parametrize(("mechanism", "refers"), [("unanimity", False), ("referral_to_boards", True)])
def test_the_party_reserved_list_refers_to_a_referral_only_where_one_is_made(
    tmp_path: Path, mechanism: str, refers: bool
) -> None:
    agreement = _build_variant(tmp_path, "msecc", {"decisions.reserved_mechanism": mechanism})["cjv"]
    referral = [p.text for p in agreement.paragraphs if "refers to the Parties under clause" in p.text]
    assert bool(referral) is refers, referral


def test_every_capitalised_abbreviation_used_in_the_agreement_is_defined(tmp_path: Path) -> None:
    agreement = _built(ROOT / "answers" / "msecc.yaml", tmp_path)["cjv"]
    lines = _body(agreement)
    text = "\n".join(lines)
    defined = set(re.findall(r"“([^”]+)” means", text)) | set(re.findall(r'\("([A-Z][A-Za-z]+)"\)', text))
    known = {"NHS", "CIC", "VAT", "UK", "GDPR", "EC", "SI", "CEDR", "LLP", "EWCA", "CPR"}  # statutes and common use
    known |= {"DATED", "DEED", "DRAFT"}  # cover and execution page markings
    known |= {word for term in defined for word in term.split() if word.isupper()}  # "Collaborative IPR"
    used = set()
    for line in lines:
        words = line.split()
        for i, word in enumerate(words):
            token = word.strip(".,;:()\"'“”")
            neighbours = [w.strip(".,;:()") for w in words[max(i - 1, 0) : i] + words[i + 1 : i + 2]]
            if re.fullmatch(r"[A-Z]{2,6}", token) and not any(n.isupper() and len(n) > 1 for n in neighbours):
                used.add(token)
    assert used - known <= defined, sorted(used - known - defined)
