"""The whole interview driven in-process with prompt_toolkit pipe input; each test ends by reading the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from ruamel.yaml import YAML

from assembler.answers_file import load_answers
from assembler.interview import InterviewInterrupted, run_interview

from .test_interview_helpers import (
    ALL,
    CTRL_C,
    CTRL_R,
    ENTER,
    FINISH,
    FIXTURES,
    NO,
    NSFT,
    SCRIPT,
    YES,
    copy_fixture,
    drive,
    keys,
    t,
)

pytestmark = pytest.mark.timeout(60)


def round_trip_yaml(path: Path) -> object:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_full_interview_writes_the_fixture(tmp_path: Path) -> None:
    target = tmp_path / "nscc.yaml"
    lines: list[str] = []
    result = drive(target, keys(*ALL) + "".join(FINISH), lines)

    assert target.read_text(encoding="utf-8") == (FIXTURES / "cjv_cic.yaml").read_text(encoding="utf-8")
    assert load_answers(target).answers == result.answers
    transcript = "\n".join(lines)
    # conditional questions: company number only for the CIC, weights only for weighted voting
    assert transcript.count("What is its company number?") == 1
    assert "How many votes does each party hold?" in transcript
    assert "What percentage of votes is needed?" not in transcript
    assert "To which officer?" not in transcript
    assert "What is the pooled fund manager" not in transcript
    # legal guidance at the moment it matters
    assert "Coastal (community interest company) is not an NHS body" in transcript
    assert "Coastal cannot be a voting member of committees in common" in transcript
    assert result.answers.legal_form == "cjv"


def test_interrupt_then_resume_continues_where_the_user_stopped(tmp_path: Path) -> None:
    target = tmp_path / "nscc.yaml"
    partial = keys("collaborative") + ENTER + "".join(NSFT[:2]) + CTRL_C  # stopped after the party's full name
    with pytest.raises(InterviewInterrupted) as stopped:
        drive(target, partial)
    assert stopped.value.exit_code == 130
    assert f"resume with `assembler interview {target}`" in stopped.value.message
    saved = round_trip_yaml(target)
    assert isinstance(saved, dict)
    assert saved["parties"] == [{"short_name": "NSFT", "name": "North Shore NHS Foundation Trust"}]
    assert saved["collaborative"]["vision"] is None  # an explicit unknown is kept, and counts as answered

    lines: list[str] = []
    rest = "".join(NSFT[2:]) + "".join(SCRIPT["parties"][len(NSFT) + 1 :]) + keys(*ALL[2:]) + "".join(FINISH)
    drive(target, rest, lines)
    assert target.read_text(encoding="utf-8") == (FIXTURES / "cjv_cic.yaml").read_text(encoding="utf-8")
    first_question = next(line for line in lines if line.startswith("? "))
    assert first_question == "? What kind of organisation is it?"


def test_resume_offers_the_group_the_user_was_adding_to(tmp_path: Path) -> None:
    target = tmp_path / "nscc.yaml"
    with pytest.raises(InterviewInterrupted):
        drive(target, keys("collaborative", "parties") + CTRL_C)  # stopped at the legal form
    lines: list[str] = []
    drive(target, t("Done") + keys(*ALL[2:]) + "".join(FINISH), lines)
    questions = [line for line in lines if line.startswith("? ")]
    assert questions[:2] == ["? Parties", "? Which legal form will the collaborative take?"]


def test_repeating_groups_add_edit_and_remove(tmp_path: Path) -> None:
    target = tmp_path / "nscc.yaml"
    extra = [t("Spare"), t("Spare Trust"), t("NHS trust"), ENTER, ENTER, ENTER, ENTER]
    parties = [
        ENTER, *NSFT,
        t("Add"), *extra,  # a third party ...
        t("Edit party Spare"), "\x15" + t("Spare2"), ENTER, ENTER, ENTER, ENTER, ENTER, ENTER,  # ... renamed ...
        t("Remove party Spare2"), YES,  # ... and removed
        t("Add"), *SCRIPT["parties"][len(NSFT) + 2 : -1], t("Done"),
    ]  # fmt: skip
    with pytest.raises(InterviewInterrupted):
        drive(target, keys("collaborative") + "".join(parties) + CTRL_C)
    saved = round_trip_yaml(target)
    assert isinstance(saved, dict)
    assert [p["short_name"] for p in saved["parties"]] == ["NSFT", "Coastal"]


def test_review_changes_one_earlier_answer_and_keeps_comments(tmp_path: Path) -> None:
    target = copy_fixture("cjv_cic.yaml", tmp_path)
    text = target.read_text(encoding="utf-8").replace(
        "  short_name: NSCC\n", "  short_name: NSCC  # agreed by the programme board\n"
    )
    target.write_text("# North Shore: interview test\n" + text, encoding="utf-8")
    lines: list[str] = []
    script = [
        t("The collaborative"),  # the complete file goes straight to the review: pick a section ...
        t("short name"),  # ... then the answer
        "\x15" + t("NSC"),  # clear the old answer (Ctrl-U) and type the new one
        t("Back to the summary"),
        *FINISH,
    ]
    result = drive(target, "".join(script), lines)
    assert result.answers.collaborative.short_name == "NSC"
    after = target.read_text(encoding="utf-8")
    assert after.startswith("# North Shore: interview test\n")
    changed = re.search(r"\n  short_name: NSC +# agreed by the programme board\n", after)
    assert changed is not None  # the comment stays on the changed answer
    same = after.replace(changed.group(0), "\n  short_name: NSCC  # agreed by the programme board\n")
    assert same == "# North Shore: interview test\n" + text  # nothing else changed
    assert "== Your answers ==" in lines


def test_ctrl_r_opens_the_review_at_any_question(tmp_path: Path) -> None:
    target = tmp_path / "nscc.yaml"
    lines: list[str] = []
    script = keys("collaborative")[: len(t("North Shore Community Collaborative"))] + CTRL_R
    script += t("Back to the interview") + "".join(SCRIPT["collaborative"][1:]) + keys(*ALL[1:]) + "".join(FINISH)
    drive(target, script, lines)
    assert lines.count("== Your answers ==") == 2  # once on request, once before finishing
    review_at = lines.index("== Your answers ==")
    assert "  What short name or abbreviation does it use?: — not answered" in lines[review_at:]


def test_declining_the_contractual_board_shows_the_rule(tmp_path: Path) -> None:
    target = tmp_path / "nscc.yaml"
    lines: list[str] = []
    declined = [t("Committees"), NO, t("unknown"), t("Yes")]
    board_with_coastal_voting = SCRIPT["bodies"][:18]  # up to the members menu after adding Coastal
    script = keys("collaborative", "parties") + "".join(declined + board_with_coastal_voting) + CTRL_C
    with pytest.raises(InterviewInterrupted):
        drive(target, script, lines)
    saved = round_trip_yaml(target)
    assert isinstance(saved, dict)
    assert saved["legal_form"] == "committees_in_common"
    at = next(i for i, line in enumerate(lines) if line.startswith("! Problem (R1)"))
    assert "Coastal (Community interest company) is not an NHS relevant body" in lines[at]
    assert lines[at + 1].startswith("  What to change: make its members non-voting")
    assert lines[at + 3].startswith("Who are its members? — 2 so far")  # shown as soon as it arises


def test_without_a_file_it_asks_where_to_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines: list[str] = []
    with (
        create_pipe_input() as pipe,
        create_app_session(input=pipe, output=DummyOutput()),
        pytest.raises(InterviewInterrupted) as stopped,
    ):
        pipe.send_text(ENTER + t("Harbour Collaborative") + CTRL_C)  # accept the path offered under answers/
        run_interview(None, echo=lines.append, input=pipe, output=DummyOutput(), trace=True)
    assert "? Where should the answers be saved?" in lines
    saved = tmp_path / "answers" / "collaborative.yaml"
    assert stopped.value.path == Path("answers/collaborative.yaml")
    assert saved.read_text(encoding="utf-8") == "format_version: 2\ncollaborative:\n  name: Harbour Collaborative\n"


@pytest.mark.timeout(120)
def test_an_mou_only_collaborative_is_offered_no_agreement_by_default(tmp_path: Path) -> None:

    target = copy_fixture("cjv_cic.yaml", tmp_path)
    yaml = YAML()
    data = yaml.load(target.read_text())
    data["legal_form"] = "mou_only"
    del data["documents"]
    with target.open("w") as handle:
        yaml.dump(data, handle)
    drive(target, ENTER * 40 + "".join(FINISH))
    saved = YAML(typ="safe").load(target.read_text())
    assert saved["documents"]["cjv"]["produce"] is False
    assert saved["documents"]["sod"]["produce"] is False
    assert saved["documents"]["mou"]["produce"] is True
