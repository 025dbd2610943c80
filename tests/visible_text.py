"""The visible text of an example's pack, one line per paragraph with its number, for before/after comparisons.

``python -m tests.visible_text`` rewrites the recorded texts in ``tests/fixtures/visible_text/`` from the current
build; ``tests/test_visible_text.py`` shows every difference from the recorded text. A change of wording is then
a reviewed diff of those files in the commit that makes it.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from assembler.assembly import build

from .docx_reading import read

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))
RECORDED = Path(__file__).resolve().parent / "fixtures" / "visible_text"


_VERSION = re.compile(r"\((\w+\.\w+) v[0-9.]+\)")
"""Clause versions in drafting notes: left out, since a version bump alone changes no wording."""


def pack_text(answers: Path, out_dir: Path) -> dict[str, str]:
    """Each document of the example's pack (by kind) as numbered lines of visible text."""
    result = build(answers, out_dir=out_dir)
    texts = {}
    for composed, path in zip(result.documents, result.written, strict=True):
        doc = read(path)
        lines = [
            _VERSION.sub(r"(\1)", f"{p.number}\t{p.text}".strip()) for p in doc.paragraphs if p.text.strip() or p.number
        ]
        texts[composed.kind.value] = "\n".join(lines) + "\n"
    return texts


def record() -> None:
    for answers in EXAMPLES:
        with tempfile.TemporaryDirectory() as tmp:
            for kind, text in pack_text(answers, Path(tmp)).items():
                target = RECORDED / answers.stem / f"{kind}.txt"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    print(f"recorded the visible text of {len(EXAMPLES)} example pack(s) in {RECORDED}", file=sys.stderr)


if __name__ == "__main__":
    record()
