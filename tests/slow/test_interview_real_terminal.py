"""Slow step: the four-party interview typed into a real terminal (pexpect), back twice, a quorum fixed from the
review, natural answers ("two-thirds", "1 April 2025", "£1m"); at most 80 prompts; the drafts say what was typed."""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pexpect
import pytest
from ruamel.yaml import YAML

from assembler.interview.engine import NO_MORE, Engine, Position
from tests.interview_autopilot import NATURAL_ANSWERS, Autopilot

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

FIXTURE = Path(__file__).parent.parent / "fixtures" / "interview" / "four_party.yaml"
DOWN = "\x1b[B"
TYPED = NATURAL_ANSWERS


def settled(record: Path, before: str) -> None:
    """Wait until the interview has taken the keys sent (it saves its position after every answer)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if record.exists() and record.read_text(encoding="utf-8") != before:
            time.sleep(0.05)
            return
        time.sleep(0.02)
    raise AssertionError("the interview did not take the answer")


def keys(page: Any, value: Any) -> str:
    if page.input in ("text", "list"):
        return "\x15" + str(value) + "\r"
    if page.input == "confirm":
        return "y" if value else "n"
    if page.input == "checkbox":
        values = [c.value for c in page.choices]
        out, at = "", 0
        for index in sorted(values.index(v) for v in value):
            out += DOWN * (index - at) + " "
            at = index
        return out + "\r"
    label = next(c.label for c in page.choices if c.value == value)
    return label + "\r"


def test_four_parties_in_a_real_terminal(tmp_path: Path) -> None:
    target = YAML(typ="safe").load(FIXTURE.read_text(encoding="utf-8"))
    answers = tmp_path / "ecc.yaml"
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100", "LINES": "40", "ASSEMBLER_STATE": str(tmp_path / "s")}
    script = shutil.which("assembler") or sys.executable
    args = ["interview", str(answers)] if script != sys.executable else ["-m", "assembler", "interview", str(answers)]
    child = pexpect.spawn(script, args, cwd=str(tmp_path), env=env, encoding="utf-8", timeout=30, dimensions=(40, 100))
    child.expect_exact("Answers file:")
    record = Position.file_for(answers)
    prompts, backs = 0, 0
    overrides = dict(TYPED)
    while True:
        shadow = Engine.open(answers) if answers.exists() else None
        page = shadow.page() if shadow is not None else None
        if page is None or page.kind in ("review", "done"):
            break
        child.expect_exact(page.title[:30])
        before = record.read_text(encoding="utf-8") if record.exists() else ""
        pilot = Autopilot(shadow, target, dict(overrides))  # type: ignore[arg-type]
        value = pilot.answer(page)
        overrides.pop(page.path, None)
        if page.path == ("parties", 2, "kind") and backs < 2:
            child.send("\x02")  # back twice: to EPUT's name ... and back to MSE
            backs += 1
            prompts += 1
            settled(record, before)
            continue
        child.send(keys(page, value if value != NO_MORE or page.input == "select" else ""))
        prompts += 1
        assert prompts <= 80
        settled(record, before)
        if page.path == ("bodies", 0, "quorum", "members") and value == "3":
            child.expect_exact("Raise the quorum of the Joint Board to 4?")  # the fix, offered at once
            child.send("No, leave it\r")  # ... but this user fixes it from the review
            prompts += 1
    child.expect_exact("Which answer do you want to change?")
    child.send("make a quorum\r")
    child.expect_exact("How many voting members make a quorum?")
    child.send("\x154\r")
    child.expect_exact("Which answer do you want to change?")
    child.send("Finish and build\r")
    prompts += 3
    child.expect_exact("What is left to find out", timeout=300)
    child.expect(pexpect.EOF, timeout=60)
    print(f"prompts: {prompts}")
    assert prompts <= 80
    saved = YAML(typ="safe").load(answers.read_text(encoding="utf-8"))
    assert saved["bodies"][0]["quorum"]["members"] == 4
    text = " ".join(
        re.sub(r"<[^>]+>", "", zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8"))
        for docx in (tmp_path / "out").rglob("*.docx")
    )
    assert "two-thirds" in text
    assert "1 April 2025" in text
    assert "£1,000,000" in text
