"""Cost of ``build --compare`` against a plain build of MSECC: cold CLI, median of paired runs. Target: at most 1.5×.

The earlier pack is MSECC as written in answers/; the new answers change one answer (the board's quorum, which
changes two documents). The same is then timed for a change that reaches every document (a party added: every
cover page and parties clause), for information.

Run: ``python benchmarks/compare_speed.py [--runs N]``
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
TARGET = 1.5

QUORUM = (
    "quorum: {members: 3, each_party: true}\n    meetings: {frequency: monthly",
    "quorum: {members: 4, each_party: true}\n    meetings: {frequency: monthly",
)
PARTY = (
    "  - short_name: ICB\n",
    "  - short_name: Newtown\n    name: Newtown NHS Trust\n    kind: nhs_trust\n    roles: [observer]\n  - short_name: ICB\n",
)


def _command() -> list[str]:
    """The ``assembler`` command of the environment running the benchmark, never another found on PATH (a pyenv
    shim there runs a different installation)."""
    beside = Path(sys.executable).parent / "assembler"
    return [str(beside)] if beside.is_file() else [sys.executable, "-m", "assembler"]


def _run(arguments: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one cold CLI run: CPU time says the same on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*_command(), *arguments], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _edited(folder: Path, name: str, edit: tuple[str, str]) -> Path:
    text = MSECC.read_text(encoding="utf-8")
    if edit[0] not in text:
        raise SystemExit(f"answers/msecc.yaml no longer holds {edit[0]!r}: update the benchmark's edit")
    path = folder / f"{name}.yaml"
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    return path


def paired(answers: Path, previous: Path, folder: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Median wall-clock and CPU seconds of a plain build and of a ``--compare`` build, run in pairs (alternating
    which goes first)."""
    times: dict[str, list[tuple[float, float]]] = {"plain": [], "compare": []}
    for index in range(runs):
        for kind in ("plain", "compare") if index % 2 == 0 else ("compare", "plain"):
            arguments = ["build", str(answers), "--out", str(folder / kind)]
            times[kind].append(_run(arguments + (["--compare", str(previous)] if kind == "compare" else [])))
    return {
        kind: (statistics.median(t[0] for t in pairs), statistics.median(t[1] for t in pairs))
        for kind, pairs in times.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        previous = folder / "previous"
        subprocess.run([*_command(), "build", str(MSECC), "--out", str(previous)], check=True, capture_output=True)
        ratio = 0.0
        for label, edit in (("one answer (board quorum)", QUORUM), ("every document (party added)", PARTY)):
            answers = _edited(folder, label.split()[0], edit)
            t = paired(answers, previous, folder, runs)
            (plain, plain_cpu), (compare, compare_cpu) = t["plain"], t["compare"]
            print(
                f"{label}: plain build {plain:.3f} s ({plain_cpu:.3f} s CPU), --compare {compare:.3f} s "
                f"({compare_cpu:.3f} s CPU): {compare / plain:.2f}× wall-clock, {compare_cpu / plain_cpu:.2f}× CPU"
            )
            ratio = ratio or compare / plain
        verdict = "met" if ratio <= TARGET else "NOT met"
        print(f"target: --compare at most {TARGET}× a plain build (one answer changed, median of {runs}): {verdict}")
        return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
