"""Execution blocks by party kind (rules.md, "How each kind of party executes") in the agreement and its deed of
accession: each kind's attestation wording, its signature lines, aligned with the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from assembler.assembly import build

from .docx_reading import Docx, Para, read

ROOT = Path(__file__).resolve().parent.parent

WORDING = {
    "nhs_trust": (
        "The common seal of {name} was affixed",
        "paragraph 33 of Schedule 4",
        ["Chair (or authorised person)", "Director"],
    ),
    "nhs_foundation_trust": (
        "The common seal of {name} was affixed",
        "paragraph 29 of Schedule 7",
        ["Director", "Director"],
    ),
    "cic": (
        "Executed as a deed by {name} acting by two",
        "section 44(2)(a) of the Companies Act 2006",
        ["Director", "Director or Secretary"],
    ),
    "icb": ("Executed as a deed by {name} in accordance with its constitution", "", ["Authorised Signatory"] * 2),
    "local_authority": (
        "The common seal of {name} was affixed",
        "attested by",
        ["Member or Authorised Officer", "Authorised Officer"],
    ),
}


@pytest.fixture(scope="module", params=["msecc", "joint_committee"])
def agreement(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Docx]:
    out = tmp_path_factory.mktemp(request.param)
    result = build(ROOT / "answers" / f"{request.param}.yaml", out_dir=out, only=["cjv"])  # type: ignore[list-item]
    return request.param, read(result.written[0])


def _parties(example: str) -> list[tuple[str, str]]:
    from assembler.answers_file import load_answers
    from assembler.facts import facts_of
    from assembler.model import DocumentKind

    facts = facts_of(load_answers(ROOT / "answers" / f"{example}.yaml").answers)
    return [(p.name, p.kind.value) for p in facts.document_parties(DocumentKind.CJV)]


def _block(paragraphs: list[Para], start: int) -> tuple[str, list[str]]:
    """The attestation paragraph at ``start`` and the labels of the signature lines that follow it."""
    labels = []
    for p in paragraphs[start + 1 :]:
        if p.style != "Signature":
            break
        labels.append(p.text.split("\n")[-1].lstrip("."))
    return paragraphs[start].text, labels


def _sections(doc: Docx) -> tuple[list[Para], list[Para]]:
    paragraphs = [p for p in doc.paragraphs if p.style != "DraftingNote"]
    accession = next(i for i, p in enumerate(paragraphs) if p.text == "DEED OF ACCESSION")
    execution = next(i for i, p in enumerate(paragraphs) if p.text == "EXECUTION")
    return paragraphs[accession:execution], paragraphs[execution:]


def _check_blocks(paragraphs: list[Para], parties: list[tuple[str, str]]) -> None:
    for name, kind in parties:
        opening, law, labels = WORDING[kind]
        at = next((i for i, p in enumerate(paragraphs) if p.text.startswith(opening.format(name=name))), None)
        assert at is not None, f"no execution block for {name} ({kind})"
        text, signed = _block(paragraphs, at)
        assert law in text
        assert signed == labels, (name, signed)


def test_the_agreement_has_a_block_for_each_party_by_kind(agreement: tuple[str, Docx]) -> None:
    example, doc = agreement
    _accession, execution = _sections(doc)
    _check_blocks(execution, _parties(example))


def test_the_deed_of_accession_has_blocks_by_kind_for_the_new_party_and_each_existing_party(
    agreement: tuple[str, Docx],
) -> None:
    example, doc = agreement
    accession, _execution = _sections(doc)
    _check_blocks(accession, _parties(example))
    alternatives = [p.text for p in accession if p.text.startswith("[If the New Party is ")]
    assert alternatives == [
        "[If the New Party is an NHS trust:]",
        "[If the New Party is an NHS foundation trust:]",
        "[If the New Party is a company or community interest company:]",
        "[If the New Party is a local authority:]",
        "[If the New Party is an integrated care board:]",
    ]
    starts = [i for i, p in enumerate(accession) if p.text.startswith("[If the New Party is ")]
    for at, kind in zip(starts, ("nhs_trust", "nhs_foundation_trust", "cic", "local_authority", "icb"), strict=True):
        opening, law, labels = WORDING[kind]
        text, signed = _block(accession, at + 1)
        assert text.startswith(opening.format(name="the New Party")) and law in text, text
        assert signed == labels
    assert not any("in the form its legal kind requires" in p.text for p in accession)
