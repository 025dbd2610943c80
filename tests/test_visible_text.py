"""Every example's pack reads as recorded: any change of wording shows here as a diff to review and re-record."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from .optional_tools import need_dot
from .visible_text import EXAMPLES, RECORDED, pack_text


@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_pack_reads_as_recorded(answers: Path, tmp_path: Path) -> None:
    need_dot()  # the MoU and the terms of reference show the governance diagram's caption
    texts = pack_text(answers, tmp_path)
    recorded = {p.stem: p.read_text(encoding="utf-8") for p in sorted((RECORDED / answers.stem).glob("*.txt"))}
    assert sorted(texts) == sorted(recorded), "documents built differ from those recorded"
    diffs = []
    for kind, text in texts.items():
        diffs += difflib.unified_diff(
            recorded[kind].splitlines(), text.splitlines(), f"recorded/{kind}", f"built/{kind}", lineterm="", n=0
        )
    assert not diffs, (
        "the wording changed; if every difference is intended, run `python -m tests.visible_text` and commit the "
        "recorded texts with the change:\n" + "\n".join(diffs[:200])
    )
