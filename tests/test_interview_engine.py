"""The question engine driven with no front end at all (no prompt_toolkit): one test per point of issue 16's "Why"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from assembler.interview.engine import NO_MORE, Engine, Page
from assembler.interview.feedback import plain_fix
from assembler.interview.glossary import GLOSSARY
from assembler.interview.lenient import Unclear, read_date, read_days, read_money, read_share
from assembler.interview.plan import SECTIONS

from .interview_autopilot import Autopilot

FIXTURES = Path(__file__).parent / "fixtures" / "interview"
FOUR = YAML(typ="safe").load((FIXTURES / "four_party.yaml").read_text(encoding="utf-8"))


def pilot(tmp_path: Path, target: Any = FOUR) -> Autopilot:
    return Autopilot(Engine.open(tmp_path / "ecc.yaml"), target)


def at(title: str) -> Any:
    return lambda page: title in page.title


def saved(tmp_path: Path) -> Any:
    return YAML(typ="safe").load((tmp_path / "ecc.yaml").read_text(encoding="utf-8"))


def test_the_engine_imports_no_front_end() -> None:
    code = "import sys, assembler.interview.engine; print(any(m.startswith(('prompt_toolkit', 'questionary')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_four_parties_with_standard_choices_take_at_most_80_prompts(tmp_path: Path) -> None:
    p = pilot(tmp_path)
    p.overrides[("disputes", "tiers", 0, "days")] = "10 working days"
    p.overrides[("disputes", "tiers", 1, "days")] = "10 working days"
    p.overrides[("decisions", "revocation_notice_days")] = "20 working days"
    assert p.run().kind == "done"
    assert p.prompts <= 80, "\n".join(p.log)
    assert not p.refused
    answers = p.engine.finish()
    assert [x.short_name for x in answers.parties] == ["NELFT", "EPUT", "MSE", "KCP"]
    assert str(answers.bodies[0].voting.threshold) == "2/3"


# -- 1. fixing a mistake: back, cancel, review with in-place edits of nested answers


def test_back_returns_to_the_previous_question_with_its_answer(tmp_path: Path) -> None:
    p = pilot(tmp_path)
    p.run(until=at("What is the collaborative for?"))
    assert p.engine.back()
    page = p.engine.page()
    assert page.title == "What short name or abbreviation does it use?"
    assert page.shown == "ECC"
    p.engine.submit("ECC2")
    assert p.engine.page().title == "What is the collaborative for?"  # then on to where the user was
    assert saved(tmp_path)["collaborative"]["short_name"] == "ECC2"


def test_esc_cancels_a_half_added_party(tmp_path: Path) -> None:
    p = pilot(tmp_path)
    p.run(until=lambda page: page.path == ("parties", 1, "kind"))
    assert p.engine.cancel()
    assert [x["short_name"] for x in saved(tmp_path)["parties"]] == ["NELFT"]
    page = p.engine.page()
    assert page.kind == "add" and page.context.startswith("Party 2")


def test_review_lists_nested_answers_and_edits_one_quorum_in_place(tmp_path: Path) -> None:
    p = pilot(tmp_path)
    p.run()
    items = p.engine.review_items()
    quorum = next(i for i in items if "Joint Board" in i.label and "quorum" in i.label.lower() and i.answer == "4")
    assert "bodies" not in quorum.label and "[" not in quorum.label  # named as the screen names it
    p.engine.review()
    p.engine.jump(quorum.target)
    page = p.engine.page()
    assert page.title == "How many voting members make a quorum?" and page.shown == "4"
    assert p.engine.submit("4").accepted
    assert p.engine.page().kind == "review"  # straight back: one prompt, not the whole board again


# -- 2. mistakes flagged at once, in the screen's words


def test_a_quorum_larger_than_the_board_is_refused_at_once_in_plain_words(tmp_path: Path) -> None:
    p = pilot(tmp_path)
    p.run(until=at("How many voting members make a quorum?"))
    outcome = p.engine.submit("7")
    assert not outcome.accepted
    text = " ".join(outcome.problems)
    assert "The quorum of Joint Board is 7 but it has only 4 voting member(s)" in text
    assert "bodies[" not in text and "quorum.members" not in text


def test_a_duplicate_short_name_is_refused_at_once(tmp_path: Path) -> None:
    p = pilot(tmp_path)
    p.run(until=lambda page: page.kind == "add" and page.path == ("parties", 1))
    outcome = p.engine.submit("NELFT")
    assert not outcome.accepted
    assert "Two parties share the short name 'NELFT'" in " ".join(outcome.problems)
    assert "parties[1]" not in " ".join(outcome.problems)


def test_fixes_name_the_question_not_the_field() -> None:
    assert plain_fix("set chair.rotation_months, e.g. 12").startswith(
        "Answer “How long does each party hold the chair (months)?”"
    )
    text = plain_fix("make its members non-voting (voting: false), or use legal_form: cjv")
    assert "voting: false" not in text and "legal_form" not in text
    assert "“Does this member vote?” with No" in text


def test_a_quorum_below_the_parties_that_must_attend_is_flagged(tmp_path: Path) -> None:
    p = pilot(tmp_path)
    p.run(until=at("How many voting members make a quorum?"))
    outcome = p.engine.submit("3")
    assert outcome.accepted
    assert any("at least 4 members must be present" in n for n in outcome.notes)


# -- 3. natural answers


def test_natural_answers_are_read_and_echoed(tmp_path: Path) -> None:
    assert read_share("two-thirds") == read_share("2/3") == read_share("two thirds majority")
    assert str(read_share("66.5%")) == "133/200"
    assert read_date("1 April 2025").isoformat() == read_date("1/4/2025").isoformat() == "2025-04-01"
    assert read_money("£1m") == 1_000_000 and read_money("£250k") == 250_000 and read_money("1.5 million") == 1_500_000
    assert read_days("10 working days") == 10 and read_days("14 calendar days") == 10
    assert read_days("10") == Unclear(10) and read_days("10 days") == Unclear(10)
    p = pilot(tmp_path)
    p.run(until=at("What share of the votes is needed?"))
    outcome = p.engine.submit("two-thirds")
    assert outcome.accepted and outcome.echo == "two-thirds"
    assert saved(tmp_path)["bodies"][0]["voting"]["threshold"] == "2/3"


def test_days_as_a_plain_number_are_asked_about(tmp_path: Path) -> None:
    p = pilot(tmp_path)
    p.run(until=lambda page: page.path == ("disputes", "tiers", 0, "days"))
    outcome = p.engine.submit("14")
    assert not outcome.accepted
    page = p.engine.page()
    assert page.kind == "clarify" and page.title == "Is that 14 working days, or 14 calendar days?"
    p.engine.submit(page.choices[1].value)
    assert saved(tmp_path)["disputes"]["tiers"][0]["days"] == 10


# -- 4. documents named; signatories say what the default means


def test_document_questions_and_review_name_the_document(tmp_path: Path) -> None:
    target = {**FOUR, "documents": {"tor": {"form": "deed"}}}
    p = pilot(tmp_path, target)
    page = p.run(until=lambda page: page.path[:1] == ("documents",) and page.kind == "question")
    assert page.context == "Terms of reference"
    p.run()
    labels = [i.label for i in p.engine.review_items()]
    assert any(label.startswith("Memorandum of understanding › ") for label in labels)
    assert not any(label.startswith(("mou", "cjv", "tor")) for label in labels)
    signs = [i for i in p.engine.review_items() if i.label.endswith("Which parties sign it?")]
    assert signs and all(i.answer == "Every member" for i in signs)


# -- 5. orientation


def test_every_page_shows_progress_and_names_the_party(tmp_path: Path) -> None:
    p = pilot(tmp_path)
    pages: list[Page] = []
    while (page := p.engine.page()).kind not in ("review", "done"):
        pages.append(page)
        p.step()
    assert all(" of 11" in page.progress for page in pages)
    assert pages[-1].progress == "The documents · 11 of 11"
    company = next(page for page in pages if page.title == "What is its company number?")
    assert company.context == "Party 4 (KCP)"
    assert {s.minutes for s in SECTIONS} and len(SECTIONS) == 11


def test_resume_names_the_party_on_signatory_questions(tmp_path: Path) -> None:
    target = {**FOUR, "parties": [{**p, "signatory": {"name": "Sam Okafor"}} for p in FOUR["parties"]]}
    p = pilot(tmp_path, target)
    p.run(until=lambda page: page.path == ("parties", 1, "signatory", "name"))
    resumed = Engine.open(tmp_path / "ecc.yaml")
    page = resumed.page()
    assert page.title == "Who signs for this party?" and page.context == "Party 2 (EPUT) › Signatory"


# -- 6. jargon


def test_glossary_and_no_body_id(tmp_path: Path) -> None:
    for term in ("Deed", "Under hand", "Recital", "Reserved matter", "Locked gateway", "Quorum",
                 "Significant transaction", "Committees in common", "Joint committee", "Merger control"):  # fmt: skip
        assert term in GLOSSARY
    p = pilot(tmp_path)
    p.run()
    assert not any("id" in line.split(" | ")[-1].split() for line in p.log)
    assert saved(tmp_path)["bodies"][0]["id"] == "joint_board"
    p2 = pilot(tmp_path / "2") if (tmp_path / "2").mkdir() is None else None
    assert p2 is not None
    page = p2.run(until=at("To which body?"))
    assert [c.label for c in page.choices] == ["Joint Board", "An officer instead"]


# -- 7. wrapping


def test_text_wraps_on_whole_words_at_40_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    from assembler.interview import terminal

    monkeypatch.setattr(terminal, "width", lambda: 40)
    text = "A company limited by guarantee or shares with a community interest statement."
    lines = terminal.wrap(text, "  ")
    assert all(len(line) <= 40 for line in lines)
    assert " ".join(line.strip() for line in lines) == text


# -- 8, 9. the end: a blocked build goes back to the review; gaps and next steps


class FakePrompter:
    def __init__(self, answers: list[Any]) -> None:
        self.answers = answers
        self.lines: list[str] = []
        self.asked: list[str] = []

    def echo(self, line: str) -> None:
        self.lines.append(line)

    def select(self, message: str, *_: Any) -> Any:
        self.asked.append(message)
        return self.answers.pop(0)

    confirm = text = select


def test_a_blocked_build_goes_back_to_the_review(tmp_path: Path) -> None:
    from assembler.interview import runner
    from assembler.rules import check

    p = pilot(tmp_path)
    p.run()
    answers = p.engine.finish()
    findings = check(answers.model_copy(update={"parties": answers.parties[:1]}))
    result = runner.InterviewResult(path=tmp_path / "ecc.yaml", answers=answers, findings=findings)
    fake = FakePrompter(["review"])
    assert runner._end(result, fake, p.engine, True) is False  # type: ignore[arg-type]
    assert fake.asked == ["What next?"]
    assert not any("assembler build" in line for line in fake.lines)


@pytest.mark.timeout(120)
def test_the_end_screen_lists_gaps_by_document_and_next_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assembler.interview import runner

    monkeypatch.chdir(tmp_path)
    p = pilot(tmp_path)
    p.run()
    answers = p.engine.finish()
    result = runner.InterviewResult(path=tmp_path / "ecc.yaml", answers=answers, findings=[])
    fake = FakePrompter([True])
    assert runner._end(result, fake, p.engine, True)
    text = "\n".join(fake.lines)
    assert "== What is left to find out ==" in text
    assert "Memorandum of understanding:" in text and "gap(s) [●]" in text
    assert "Who signs for this party?" in text and "[" not in text.split("== What is left")[1].split("gap(s)")[1][:0]
    assert "--clean" in text and "lawyer" in text


# -- 10. smaller points


def test_smaller_points(tmp_path: Path) -> None:
    p = pilot(tmp_path)
    p.run()
    asked = "\n".join(p.log)
    quorum = [line for line in p.log if line.endswith("Set the quorum?")]
    assert quorum
    assert asked.count("Is the member a director") == 2  # only for the two foundation trusts' members
    other = pilot(tmp_path / "x") if (tmp_path / "x").mkdir() is None else None
    assert other is not None
    other.run(until=at("What is its company number?"))
    assert not other.engine.submit("Sam Okafor").accepted
    assert other.engine.submit("09876543").accepted
    page = other.run(until=at("Set the quorum?"))
    assert page.default is True


@pytest.mark.parametrize(("rule", "asked"), [("consensus", False), ("simple_majority", True)])
def test_the_casting_vote_is_asked_only_under_majority_voting(tmp_path: Path, rule: str, asked: bool) -> None:
    from .interview_autopilot import ticked

    target = {**FOUR, "bodies": [{**FOUR["bodies"][0], "voting": {"rule": rule}}]}
    p = pilot(tmp_path, target)
    p.overrides[("#usual",)] = [*ticked(target), "bodies.*.voting.casting_vote"]
    p.run()
    assert ("Does the chair have a casting vote?" in "\n".join(p.log)) is asked


def test_position_survives_a_new_engine(tmp_path: Path) -> None:
    p = pilot(tmp_path)
    p.run(until=at("What is the collaborative for?"))
    assert Engine.open(tmp_path / "ecc.yaml").back()
    assert Engine.open(tmp_path / "ecc.yaml").page().title == "What short name or abbreviation does it use?"
    assert NO_MORE
