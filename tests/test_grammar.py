"""Grammar that holds for every answer: the grammar lint passes on every example's pack, catches each kind of slip,
and lists read alike whatever case and punctuation the answers use."""

from __future__ import annotations

from pathlib import Path

import pytest

from assembler.answers_file import load_answers
from assembler.assembly import build
from assembler.facts import answer_phrases, facts_of
from assembler.grammar import lint_paragraphs, with_article

from .docx_reading import read

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))


def lint_pack(answers_path: Path, out: Path) -> list[str]:
    """Every grammar problem in the pack built from an answers file, as "kind: problem" lines."""
    answers = load_answers(answers_path).answers
    names = facts_of(answers).proper_names
    result = build(answers_path, out_dir=out)
    problems = []
    for composed, path in zip(result.documents, result.written, strict=True):
        paragraphs = [(p.style, p.text) for p in read(path).paragraphs]
        own = [composed.definition.title, composed.definition.self_name]
        found = lint_paragraphs(paragraphs, names=names, defined=own)
        problems += [f"{composed.kind.value}: {problem}" for problem in found]
    return problems


@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_pack_passes_the_grammar_lint(answers: Path, tmp_path: Path) -> None:
    problems = lint_pack(answers, tmp_path)
    assert not problems, "\n".join(problems)


def _lint(*paragraphs: tuple[str, str], names: tuple[str, ...] = ()) -> list[str]:
    return [str(p) for p in lint_paragraphs(list(paragraphs), names=names)]


def test_articles_follow_the_sound_of_the_next_word() -> None:
    found = _lint(("Clause2", "The group is a operational group of an board, a NHS trust and an CIC."))
    assert len(found) == 4, found
    assert not _lint(
        ("Clause2", "It is an NHS trust, a CIC, an MoU, a unique post, an unincorporated body, a one-off.")
    )
    assert with_article("operational group") == "an operational group"
    assert with_article("NHS foundation trust") == "an NHS foundation trust"
    assert with_article("sub-committee") == "a sub-committee"


def test_counts_agree_with_their_nouns() -> None:
    found = _lint(("Clause2", "It runs for one (1) years, then two (2) month, then four (5) weeks."))
    assert len(found) == 3, found
    assert not _lint(("Clause2", "It runs for one (1) year, then twenty-four (24) months' notice of two (2) days."))


def test_capitalised_words_must_be_defined_named_or_proper() -> None:
    found = _lint(("Clause2", "Under the Trust's scheme the Board reports to Eastvale."))
    assert [f.split("“")[1].split("”")[0] for f in found] == ["Trust's", "Board", "Eastvale"]
    assert not _lint(
        ("Definition", "“Board” means the Elective Surgery Joint Committee."),
        ("Clause2", "Under section 65Z6 of the National Health Service Act 2006 the Board reports to Eastvale."),
        ("Clause2", "The Boards meet in Part 2 of Schedule 3 in March."),
        names=("Elective Surgery Joint Committee", "Eastvale"),
    )


def test_shortened_names_in_the_answers_are_not_names() -> None:
    names = ["Elective Surgery Joint Committee"]
    phrases = answer_phrases(["to advise the Joint Committee on care in Westmoor and Eastvale"], names)
    assert phrases == {"Westmoor and Eastvale"}


def test_lists_agree_in_case_and_punctuation() -> None:
    lead = ("Clause2", "The objectives are:")
    found = _lint(lead, ("Clause4", "Higher quality;"), ("Clause4", "lower cost;"), ("Clause4", "better access"))
    assert [f.split(" — ")[0] for f in found] == [
        "lists: an item starts in lower case (it completes the lead-in)",
        "lists: this item of a list ends with “; and”",
        "lists: this item of a list ends with “.”",
    ]
    nested = _lint(
        lead,
        ("Clause4", "for EPUT:"),
        ("Clause5", "its accounts;"),
        ("Clause5", "its report;"),  # the sub-list closes as its item would: "; and"
        ("Clause4", "for NELFT: its accounts."),
    )
    assert len(nested) == 2, nested  # "its accounts" wants "; and", "its report" wants "; and"
    found = _lint(("Definition", "“A” means a;"), ("Definition", "“B” means b;"))
    assert found == ["lists: the last definition ends with “.” — in ““B” means b;”"]


def test_answers_in_any_case_and_punctuation_make_lists_that_agree(tmp_path: Path) -> None:
    text = (ROOT / "answers" / "msecc.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    - higher quality sustainable services\n", "    - Higher quality sustainable services.\n", 1
    )
    text = text.replace("    - effective use of resources\n", "    - Mid and South Essex resources used well;\n", 1)
    assert "Higher quality" in text and "Mid and South Essex resources" in text
    answers = tmp_path / "msecc.yaml"
    answers.write_text(text, encoding="utf-8")
    assert not lint_pack(answers, tmp_path / "out")
    agreement = read(next((tmp_path / "out").glob("*collaboration-agreement.docx")))
    items = [p.text for p in agreement.paragraphs if p.style == "Clause4"]
    assert "higher quality sustainable services;" in items
    assert "Mid and South Essex resources used well;" in items
    assert "health equality and equitable access; and" in items
    assert "improved staff experience and retention." in items


def test_a_count_of_one_takes_the_singular(tmp_path: Path) -> None:
    text = (ROOT / "answers" / "msecc.yaml").read_text(encoding="utf-8")
    for old, new in (
        ("initial_term_years: null", "initial_term_years: 1"),
        ("review_months: 12\n", "review_months: 1\n"),
        ("exit_notice_months: 12", "exit_notice_months: 1"),
        ("forum: the Joint Operational Group, days: 10", "forum: the Joint Operational Group, days: 1"),
        ("notice_days: 5", "notice_days: 1"),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    answers = tmp_path / "msecc.yaml"
    answers.write_text(text, encoding="utf-8")
    assert not lint_pack(answers, tmp_path / "out")
    agreement = "\n".join(p.text for p in read(next((tmp_path / "out").glob("*agreement.docx"))).paragraphs)
    assert "one (1) year from the Commencement Date" in agreement or "one (1) year" in agreement
    assert "one (1) month's written notice" in agreement
    assert "one (1) Business Day after" in agreement
    assert "one (1) years" not in agreement and "one (1) Business Days" not in agreement
