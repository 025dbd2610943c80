"""Build speed: cold CLI, in-process, the python-docx floor, and 40 parties against 3. Prints figures and targets.

Run: ``python benchmarks/build_speed.py [--runs N]``
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_cli(out: Path, runs: int) -> float:
    exe = shutil.which("assembler")
    command = [exe] if exe else [sys.executable, "-m", "assembler"]
    return _median(
        lambda: subprocess.run([*command, "build", str(MSECC), "--out", str(out)], check=True, capture_output=True),
        runs,
    )


def generated_answers(parties: int, folder: Path) -> Path:
    """An MSECC-shaped collaborative with ``parties`` foundation trusts, all on the board."""
    from assembler.answers_file import load_answers, save_answers
    from assembler.model import Delegation, Member, Party, PartyKind, Quorum

    answers = load_answers(MSECC).answers.model_copy(deep=True)
    answers.parties = [
        Party(
            short_name=f"T{i:02d}",
            name=f"Example {i} NHS Foundation Trust",
            kind=PartyKind.NHS_FOUNDATION_TRUST,
        )
        for i in range(1, parties + 1)
    ]
    names = [p.short_name for p in answers.parties]
    for body in answers.bodies:
        body.members = [Member(party=n, role="Chief Executive", board_director=True) for n in names]
        body.quorum = Quorum(members=parties, each_party=True)
    answers.delegations = [
        Delegation(from_party=n, to_body="board", function="joint service planning", legal_basis="standing orders")
        for n in names
    ]
    answers.staffing.posts = [p.model_copy(update={"employer": names[0]}) for p in answers.staffing.posts]
    for kind in ("mou", "cjv", "tor", "sod", "dra"):
        getattr(answers.documents, kind).parties = None
    path = folder / f"generated-{parties}.yaml"
    save_answers(answers, path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cli = cold_cli(folder / "cli", runs)

        import docx

        from assembler.answers_file import load_answers
        from assembler.assembly import build
        from assembler.library import load_library

        library = load_library()
        build(MSECC, out_dir=folder / "warm", library=library)
        in_process = _median(lambda: build(MSECC, out_dir=folder / "inproc", library=library), runs)
        full = _median(lambda: build(MSECC, out_dir=folder / "full"), runs)
        written = sorted((folder / "warm").glob("*.docx"))

        def floor() -> None:
            for path in written:
                document = docx.Document(str(path))
                document.save(io.BytesIO())

        floor_time = _median(floor, runs)
        three = in_process
        big = generated_answers(40, folder)
        load_answers(big)
        forty = _median(lambda: build(big, out_dir=folder / "forty", library=library), runs)
        paragraphs = sum(len(docx.Document(str(p)).paragraphs) for p in written)

    print(f"documents: {len(written)} ({paragraphs} paragraphs), median of {runs} runs")
    rows = [
        ("cold CLI build, MSECC pack", cli, "<= 1.0 s", cli <= 1.0),
        ("in-process build (library loaded)", in_process, "", True),
        ("in-process build (library + answers loaded)", full, "", True),
        ("floor: open + re-save the 5 documents", floor_time, "", True),
        ("in-process / floor", in_process / floor_time, "<= 2.0", in_process / floor_time <= 2.0),
        ("40-party build", forty, "", True),
        ("40 parties / 3 parties", forty / three, "<= 2.0", forty / three <= 2.0),
    ]
    for name, value, target, ok in rows:
        unit = "" if "/" in name else " s"
        mark = "" if not target else ("  ok" if ok else "  MISSED")
        print(f"{name:<45} {value:8.3f}{unit:<3} {target}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
