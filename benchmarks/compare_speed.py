"""Cost of ``build --compare`` against a plain build of MSECC: cold CLI, median of paired runs. Target: at most 1.5×.

The earlier pack is MSECC as written in answers/; the new answers change one answer (the board's quorum, which
changes two documents). The same is then timed for a change that reaches every document (a party added: every
cover page and parties clause), for information.

Run: ``python benchmarks/compare_speed.py [--runs N]``
"""

from __future__ import annotations

import argparse
import shutil
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
    exe = shutil.which("assembler")
    return [exe] if exe else [sys.executable, "-m", "assembler"]


def _run(arguments: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*_command(), *arguments], check=True, capture_output=True)
    return time.perf_counter() - start


def _edited(folder: Path, name: str, edit: tuple[str, str]) -> Path:
    text = MSECC.read_text(encoding="utf-8")
    if edit[0] not in text:
        raise SystemExit(f"answers/msecc.yaml no longer holds {edit[0]!r}: update the benchmark's edit")
    path = folder / f"{name}.yaml"
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    return path


def paired(answers: Path, previous: Path, folder: Path, runs: int) -> tuple[float, float]:
    """Median seconds of a plain build and of a ``--compare`` build, run in pairs (alternating which goes first)."""
    plain, compare = [], []
    for index in range(runs):
        first_plain = index % 2 == 0
        for kind in ("plain", "compare") if first_plain else ("compare", "plain"):
            if kind == "plain":
                plain.append(_run(["build", str(answers), "--out", str(folder / "plain")]))
            else:
                compare.append(
                    _run(["build", str(answers), "--out", str(folder / "compare"), "--compare", str(previous)])
                )
    return statistics.median(plain), statistics.median(compare)


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
            plain, compare = paired(answers, previous, folder, runs)
            print(f"{label}: plain build {plain:.3f} s, --compare {compare:.3f} s, {compare / plain:.2f}×")
            ratio = ratio or compare / plain
        verdict = "met" if ratio <= TARGET else "NOT met"
        print(f"target: --compare at most {TARGET}× a plain build (one answer changed, median of {runs}): {verdict}")
        return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
