"""The pack-consistency harness: the documents of a pack state the same governance facts, and the answers' ones.

It reads only the visible text of the built .docx files (``tests/pack_facts.py``), for every example in answers/ and
for answers generated along named axes (``tests/pack_variants.py``: legal form × documents produced × placement of
the terms of reference, scheme and dispute procedure × voting rule of the board). Builds run in a process pool.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from assembler.assembly import build
from assembler.errors import FindingsError

from ..docx_reading import Docx, read
from ..pack_facts import against_answers, disagreements, statements, unstated
from ..pack_variants import ALONGSIDE, AXES, Variant, variants

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))
MIN_VALID = 150


def problems(docs: dict[str, Docx], answers: dict[str, Any]) -> list[str]:
    """Everything the harness finds wrong with one pack."""
    found = statements(docs)
    return disagreements(found) + against_answers(found, answers) + unstated(docs, found, answers)


def _built(answers_path: Path, out: Path) -> dict[str, Docx]:
    result = build(answers_path, out_dir=out)
    return {c.kind.value: read(p) for c, p in zip(result.documents, result.written, strict=True)}


def check_variant(variant: Variant) -> tuple[str, str, list[str]]:
    """Build one generated pack and check it: (name, "built" or the rules that rejected it, problems)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.yaml"
        with path.open("w", encoding="utf-8") as handle:
            YAML().dump(variant.answers, handle)
        try:
            docs = _built(path, Path(tmp) / "out")
        except FindingsError as exc:
            rejected = sorted({f.rule for f in exc.findings if f.severity.value == "error"})
            return variant.name, "rejected by " + ", ".join(rejected), []
        return variant.name, "built", problems(docs, variant.answers)


@pytest.mark.parametrize("answers", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_pack_agrees_with_itself_and_its_answers(answers: Path, tmp_path: Path) -> None:
    data = YAML(typ="safe").load(answers.read_text(encoding="utf-8"))
    found = problems(_built(answers, tmp_path), data)
    assert not found, "\n".join(found)


@pytest.mark.timeout(1100)  # the whole step has `timeout 1200` in .ci/run; a build waits on disk as much as CPU
def test_generated_packs_agree_along_every_axis() -> None:
    todo = list(variants())
    workers = 2 * (os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(check_variant, todo, chunksize=4))
    built = [(name, found) for name, outcome, found in results if outcome == "built"]
    rejected = [(name, outcome) for name, outcome, _ in results if outcome != "built"]
    assert len(built) >= MIN_VALID, f"only {len(built)} valid combinations of {len(todo)} ({len(rejected)} rejected)"
    print(f"{len(built)} valid combinations built of {len(todo)} ({len(rejected)} rejected by the rules)")
    for axis, values in {**AXES, **ALONGSIDE}.items():  # every value of every axis is in at least one valid pack
        for value in values:
            assert any(f"{axis}={value}" in name for name, _ in built), f"no valid pack with {axis}={value}"
    failing = [f"{name}:\n  " + "\n  ".join(found) for name, found in built if found]
    assert not failing, f"{len(failing)} of {len(built)} packs disagree:\n" + "\n".join(failing[:10])


# ------------------------------------------------------------------------------------------- mutation


def _mutate(path: Path, old: str, new: str) -> None:
    """Replace text in one paragraph of word/document.xml (the ToR's quorum) and re-zip the package."""
    with zipfile.ZipFile(path) as z:
        parts = {info: z.read(info.filename) for info in z.infolist()}
    mutated = path.with_suffix(".mutated")
    with zipfile.ZipFile(mutated, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
                data = text.replace(old, new).encode("utf-8")
            z.writestr(info, data)
    shutil.move(mutated, path)


def test_a_quorum_changed_in_one_document_is_reported(tmp_path: Path) -> None:
    answers = ROOT / "answers" / "msecc.yaml"
    result = build(answers, out_dir=tmp_path)
    tor = next(p for c, p in zip(result.documents, result.written, strict=True) if c.kind.value == "tor")
    data = YAML(typ="safe").load(answers.read_text(encoding="utf-8"))
    docs = {c.kind.value: read(p) for c, p in zip(result.documents, result.written, strict=True)}
    before = problems(docs, data)
    old = "A meeting of the Community Collaborative Board is quorate when at least three (3) Voting Members"
    _mutate(tor, old, old.replace("three (3)", "four (4)"))
    docs["tor"] = read(tor)
    after = [p for p in problems(docs, data) if p not in before]
    assert after, "the harness did not notice the changed quorum"
    assert any(
        line.startswith("quorum of Community Collaborative Board differs")
        and "tor Part 1: Community Collaborative Board 8.1 says '4, each party present'" in line
        and "'3, each party present'" in line
        for line in after
    ), after
    assert any("tor Part 1" in line and "the answers give '3, each party present'" in line for line in after), after
