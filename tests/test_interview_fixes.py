"""Fixes offered where a problem is shown, lists reordered and the review by section: the engine with no front end,
then the terminal's review through a fake prompter (no prompt_toolkit)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from assembler.interview.engine import Engine
from assembler.interview.plan import SECTIONS
from assembler.rules import check

from .interview_autopilot import Autopilot

FIXTURES = Path(__file__).parent / "fixtures" / "interview"
FOUR = YAML(typ="safe").load((FIXTURES / "four_party.yaml").read_text(encoding="utf-8"))


def saved(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def written(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """The four-party answers, complete, with one mistake."""
    data = copy.deepcopy(FOUR)
    data["bodies"][0]["id"] = "joint_board"
    change(data)
    path = tmp_path / "ecc.yaml"
    with path.open("w", encoding="utf-8") as out:
        YAML().dump(data, out)
    return path


def _quorum(n: int, each: bool = True) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        d["bodies"][0]["quorum"] = {"members": n, "each_party": each}

    return change


def _joint_committee(d: dict[str, Any]) -> None:
    d["legal_form"] = "joint_committee"
    d["bodies"][0]["quorum"]["members"] = 3


def _silent_party(d: dict[str, Any]) -> None:
    d["bodies"][0]["quorum"] = {"members": 3, "each_party": True}
    d["bodies"][0]["members"][3]["voting"] = False


def _casting_vote(d: dict[str, Any]) -> None:
    d["bodies"][0]["voting"] = {"rule": "consensus", "casting_vote": True}


def _half(d: dict[str, Any]) -> None:
    d["bodies"][0]["voting"]["threshold"] = "1/2"


# -- 1. each rule's fix as an action: the answer changes, saved together, then the check again

FIXES = [
    ("R1", _joint_committee, "Make KCP's members of the Joint Board non-voting?", ("members", 3, "voting"), False),
    ("R10", _quorum(7), "Lower the quorum of the Joint Board to 4?", ("quorum", "members"), 4),
    ("R10", _quorum(3), "Raise the quorum of the Joint Board to 4?", ("quorum", "members"), 4),
    ("R10", _silent_party, "Let the Joint Board meet without every party present?", ("quorum", "each_party"), False),
    ("R11", _casting_vote, "Remove the chair's casting vote on the Joint Board?", ("voting", "casting_vote"), False),
    ("C7", _half, "Make the share of votes the Joint Board needs two-thirds?", ("voting", "threshold"), "2/3"),
]


@pytest.mark.parametrize(("rule", "change", "question", "where", "value"), FIXES)
def test_each_rule_offers_its_fix_in_plain_words_and_applies_it(
    tmp_path: Path, rule: str, change: Any, question: str, where: tuple[Any, ...], value: Any
) -> None:
    path = written(tmp_path, change)
    engine = Engine.open(path)
    before = [f for f in check(engine.session.answers()) if f.rule == rule]
    assert before
    action = next((a for a in engine.fixes() if a.question == question), None)
    assert action is not None, [a.question for a in engine.fixes()]
    assert "bodies" not in action.question and "_" not in action.question  # named as the screen names things
    engine.offer(action)
    page = engine.page()
    assert (page.kind, page.input, page.title) == ("fix", "confirm", question)
    outcome = engine.submit(True)
    assert outcome.accepted and "Joint Board" in outcome.echo
    node: Any = saved(path)["bodies"][0]
    for part in where:
        node = node[part]
    assert node == value
    after = {f.message for f in check(Engine.open(path).session.answers()) if f.rule == rule}
    assert not after & {f.message for f in before}


def test_a_quorum_too_high_is_refused_with_its_fix_offered_there(tmp_path: Path) -> None:
    pilot = Autopilot(Engine.open(tmp_path / "ecc.yaml"), FOUR)
    pilot.run(until=lambda page: page.title == "How many voting members make a quorum?")
    outcome = pilot.engine.submit("7")
    assert not outcome.accepted
    assert [a.question for a in outcome.actions] == ["Lower the quorum of the Joint Board to 4?"]
    page = pilot.engine.page()
    assert (page.kind, page.input, page.title) == ("fix", "confirm", "Lower the quorum of the Joint Board to 4?")
    assert pilot.engine.submit(True).accepted
    assert saved(tmp_path / "ecc.yaml")["bodies"][0]["quorum"]["members"] == 4
    assert pilot.engine.page().title != "How many voting members make a quorum?"  # on to the next question
    assert pilot.engine.back() and pilot.engine.page().title == "How many voting members make a quorum?"


def test_declining_a_fix_leaves_the_question_and_the_same_answer_is_kept(tmp_path: Path) -> None:
    pilot = Autopilot(Engine.open(tmp_path / "ecc.yaml"), FOUR)
    pilot.run(until=lambda page: page.title == "How many voting members make a quorum?")
    pilot.engine.submit("3")  # accepted with a note: each of the 4 parties must attend
    page = pilot.engine.page()
    assert page.kind == "fix" and page.input == "select"
    assert [c.label for c in page.choices] == [
        "Raise the quorum of the Joint Board to 4?",
        "Let the Joint Board meet without every party present?",
        "No, leave it as it is",
    ]
    assert pilot.engine.submit(None).accepted
    assert saved(tmp_path / "ecc.yaml")["bodies"][0]["quorum"]["members"] == 3
    assert pilot.engine.page().kind != "fix"


def test_a_member_refused_by_r1_is_kept_non_voting_by_its_fix(tmp_path: Path) -> None:
    def nhs_seat(d: dict[str, Any]) -> None:
        _joint_committee(d)
        d["bodies"][0]["members"][3]["party"] = "MSE"

    path = written(tmp_path, nhs_seat)
    engine = Engine.open(path)
    engine.review()
    engine.jump(("bodies", 0, "members", 3, "party"))  # the seat given to KCP from the review
    outcome = engine.submit("KCP")
    assert not outcome.accepted
    assert [a.question for a in outcome.actions] == ["Make KCP's members of the Joint Board non-voting?"]
    page = engine.page()
    assert (page.kind, page.title) == ("fix", "Make KCP's members of the Joint Board non-voting?")
    assert engine.submit(True).accepted
    member = saved(path)["bodies"][0]["members"][3]
    assert member["party"] == "KCP" and member["voting"] is False  # the answer given, and the fix
    assert engine.page().kind == "review"  # back where the change was made


def test_shares_not_totalling_100_are_asked_again(tmp_path: Path) -> None:
    def shares(d: dict[str, Any]) -> None:
        d["finance"]["cost_sharing"] = {"method": "fixed_shares", "shares": {"NELFT": 40, "EPUT": 40, "MSE": 10}}

    path = written(tmp_path, shares)
    engine = Engine.open(path)
    engine.review()
    action = next(a for a in engine.fixes() if a.rule == "C4")
    assert (
        action.question
        == "Give each party's share of the shared costs again, so that they total 100% (they total 90%)?"
    )
    engine.offer(action)
    assert engine.submit(True).accepted
    page = engine.page()
    assert page.input == "mapping" and page.path == ("finance", "cost_sharing", "shares")
    assert engine.submit({"NELFT": "40", "EPUT": "40", "MSE": "10", "KCP": "10"}).accepted
    assert engine.page().kind == "review"  # back where the fix was chosen
    assert not [f for f in check(Engine.open(path).session.answers()) if f.rule == "C4"]


# -- 2. lists whose order matters reordered from the review


def test_dispute_tiers_move_up_and_down(tmp_path: Path) -> None:
    path = written(tmp_path, lambda d: None)
    engine = Engine.open(path)
    tiers = [i for i in engine.review_items() if i.item and i.target[:2] == ("disputes", "tiers")]
    assert [(t.label, t.movable) for t in tiers] == [
        ("Dispute tier 1 (Operational leads)", True),
        ("Dispute tier 2 (Chief executives)", True),
    ]
    assert not engine.move(tiers[0].target, -1)  # already first
    assert engine.move(tiers[1].target, -1)
    assert [t["name"] for t in saved(path)["disputes"]["tiers"]] == ["Chief executives", "Operational leads"]
    assert engine.move(("disputes", "tiers", 0), 1)
    assert [t["name"] for t in saved(path)["disputes"]["tiers"]] == ["Operational leads", "Chief executives"]


# -- 3. the review by section, every nested answer listed


def test_the_review_is_grouped_by_section_with_every_nested_answer(tmp_path: Path) -> None:
    pilot = Autopilot(Engine.open(tmp_path / "ecc.yaml"), FOUR)
    pilot.run()
    sections = pilot.engine.review_sections()
    assert [s.title for s in sections] == [s.title for s in SECTIONS]
    assert all(item.section == s.index for s in sections for item in s.items)
    targets = [item.target for s in sections for item in s.items]

    def leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if isinstance(node, dict):
            return [leaf for k, v in node.items() for leaf in leaves(v, (*path, k))]
        if isinstance(node, list) and node and isinstance(node[0], dict):
            return [leaf for i, v in enumerate(node) for leaf in leaves(v, (*path, i))]
        return [path]

    answers = [p for p in leaves(saved(tmp_path / "ecc.yaml")) if p != ("format_version",) and p[-1] != "id"]
    unlisted = [p for p in answers if not any(p[: len(t)] == t or t[:-1] == p for t in targets)]
    assert not unlisted
    board = next(s for s in sections if s.title == "Boards and groups")
    quorum = next(i for i in board.items if i.label.endswith("How many voting members make a quorum?"))
    assert quorum.answer == "4" and quorum.depth >= 1


# -- the terminal's review: headings, fixes and moves, through a fake prompter


class FakePrompter:
    def __init__(self, answers: list[Any]) -> None:
        self.answers = answers
        self.lines: list[str] = []
        self.asked: list[tuple[str, list[Any]]] = []

    def echo(self, line: str) -> None:
        self.lines.append(line)

    def select(self, message: str, choices: Any = (), *_: Any) -> Any:
        self.asked.append((message, list(choices)))
        answer = self.answers.pop(0)
        return answer(choices) if callable(answer) else answer

    def confirm(self, message: str, *_: Any) -> Any:
        return self.select(message)

    text = confirm


def _pick(label: str) -> Callable[[Any], Any]:
    return lambda choices: next(c.value for c in choices if c.label.strip().startswith(label))


def test_the_terminal_review_has_section_headings_and_makes_a_fix(tmp_path: Path) -> None:
    from assembler.interview.terminal import HEADING, Terminal

    path = written(tmp_path, _quorum(7))
    engine = Engine.open(path)
    engine.review()
    fake = FakePrompter([_pick("Fix: Lower the quorum of the Joint Board to 4?"), True, "finish"])
    terminal = Terminal(engine, fake)  # type: ignore[arg-type]
    terminal.run()
    headings = [c.label for c in fake.asked[0][1] if c.value is HEADING]
    assert headings[:2] == ["-- The collaborative --", "-- Parties --"]
    assert fake.asked[1][0] == "Lower the quorum of the Joint Board to 4?"
    assert saved(path)["bodies"][0]["quorum"]["members"] == 4
    assert "Changed: Body 1 (Joint Board) › Quorum › How many voting members make a quorum: 4" in " ".join(
        line.strip() for line in fake.lines
    )


def test_the_terminal_review_moves_a_dispute_tier_up(tmp_path: Path) -> None:
    from assembler.interview.terminal import Terminal

    path = written(tmp_path, lambda d: None)
    engine = Engine.open(path)
    engine.review()
    fake = FakePrompter([_pick("Dispute tier 2 (Chief executives)"), _pick("Move up"), "finish"])
    Terminal(engine, fake).run()  # type: ignore[arg-type]
    assert [t["name"] for t in saved(path)["disputes"]["tiers"]] == ["Chief executives", "Operational leads"]
    labels = [c.label.strip() for c in fake.asked[0][1]]
    assert "What is this tier called?: Chief executives" in labels  # the tier is named once, on its own line


# -- 4. "Why", point 10: `assembler interview` with no file carries on with the last one


def test_interview_without_a_file_carries_on_with_the_last_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assembler.interview import runner

    monkeypatch.setenv("ASSEMBLER_STATE", str(tmp_path / "state"))
    last = tmp_path / "ecc.yaml"
    last.write_text("format_version: 2\n", encoding="utf-8")
    runner._remember(last)
    fake = FakePrompter([])
    assert runner._choose_path(fake) == last.resolve()  # type: ignore[arg-type]
    assert fake.asked == []  # no question: straight back into it
    assert any("Carrying on with" in line for line in fake.lines)


def test_free_text_said_mid_sentence_is_not_capitalised(tmp_path: Path) -> None:
    pilot = Autopilot(Engine.open(tmp_path / "ecc.yaml"), FOUR)
    pilot.run(until=lambda page: page.path == ("disputes", "tiers", 0, "forum"))
    assert pilot.engine.submit("The directors of operations").accepted
    assert saved(tmp_path / "ecc.yaml")["disputes"]["tiers"][0]["forum"] == "the directors of operations"


def test_finishing_the_review_says_whether_to_build_in_the_same_prompt(tmp_path: Path) -> None:
    from assembler.interview import runner
    from assembler.interview.terminal import Terminal

    path = written(tmp_path, lambda d: None)
    engine = Engine.open(path)
    engine.review()
    fake = FakePrompter([_pick("Finish without building")])
    terminal = Terminal(engine, fake)  # type: ignore[arg-type]
    terminal.run()
    assert terminal.build is False and len(fake.asked) == 1
    result = runner.InterviewResult(path=path, answers=engine.finish(), findings=[])
    assert runner._end(result, fake, engine, True, build=terminal.build)  # type: ignore[arg-type]
    assert len(fake.asked) == 1  # not asked again whether to build
    assert f"Build the documents later with: assembler build {path}" in fake.lines
