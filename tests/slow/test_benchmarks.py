"""Every benchmark script still runs and prints its figures (smallest options: the figures are not judged here).

The speed and memory targets live in the scripts under ``benchmarks/``, not in timed tests; this step keeps the
scripts from rotting as the code they measure changes (a benchmark that no longer runs measures nothing)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
NUMBER = r"\d+\.\d+"

SCRIPTS = {
    "build_speed.py": (
        ["--runs", "1", "--packs", "4"],
        [
            rf"cold CLI / cold floor\s+{NUMBER}\s+<= 2\.0",
            rf"cold CLI / docxtpl peer\s+{NUMBER}\s+<= 1\.0",
            rf"stack floor: docxtpl \+ pydantic, one model\s+{NUMBER} s",
            rf"stack floor / docxtpl peer\s+{NUMBER}",
            rf"in-process / floor\s+{NUMBER}\s+<= 2\.0",
            rf"cold `assembler check`.*{NUMBER} s\s+<= 0\.35 s",
            rf"40 parties / 3 parties\s+{NUMBER}",
            rf"peak memory, 40-party build \(cold\)\s+{NUMBER} MB",
            rf"2 processes / 1 process\s+{NUMBER}\s+>= 1\.7",
            rf"the cold CLI spends {NUMBER} s above it",
        ],
    ),
    "cache_savings.py": (["--runs", "1"], [rf"saved by the cache: -?{NUMBER} s a build"]),
    "compare_speed.py": (["--runs", "1"], [r"target: --compare at most 1\.5× a plain build"]),
    "input_limits.py": ([], [rf"a 50 MB file\s+{NUMBER} s\s+exit 2\s+1 line\(s\)"]),
    "interview_latency.py": ([], [rf"answer to next page: median {NUMBER} ms, 95th percentile {NUMBER} ms"]),
    "serve_latency.py": (["--clients", "2", "--seconds", "2"], [rf"both\s+\d+ requests\s+median\s+{NUMBER} ms"]),
}


def test_every_benchmark_script_is_covered() -> None:
    assert sorted(SCRIPTS) == sorted(p.name for p in (ROOT / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_benchmark_runs_and_prints_its_figures(script: str) -> None:
    args, patterns = SCRIPTS[script]
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for pattern in patterns:
        assert re.search(pattern, done.stdout), f"{script}: no line matching {pattern!r} in\n{done.stdout}"
