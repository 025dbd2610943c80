"""Time from one answer to the next page (lenient parsing, checks, autosave, the plan worked out again).

Run: ``python benchmarks/interview_latency.py [ANSWERS]``. A fake user (tests/interview_autopilot.py) answers the
question engine from a new file until it holds the answers of ANSWERS (default: the four-party interview fixture);
each prompt's time is ``submit()`` plus the next ``page()``, what a front end waits for between the user's Enter
and the next question. Prints the median, the 95th percentile and the maximum per prompt (target: 95th <= 100 ms).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assembler.interview.engine import Engine  # noqa: E402
from tests.interview_autopilot import Autopilot  # noqa: E402


def measure(answers: Path) -> list[float]:
    """Milliseconds per prompt, answering the engine from ``answers``."""
    target = YAML(typ="safe").load(answers.read_text(encoding="utf-8"))
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        pilot = Autopilot(Engine.open(Path(tmp) / "answers.yaml"), target)
        page = pilot.engine.page()
        while page.kind not in ("review", "done"):
            value = pilot.answer(page)
            start = time.perf_counter()
            pilot.engine.submit(value)
            page = pilot.engine.page()
            times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    answers = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "fixtures" / "interview" / "four_party.yaml"
    times = measure(answers)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"{answers.name}: {len(times)} prompts; answer to next page: median {statistics.median(times):.1f} ms, "
        f"95th percentile {p95:.1f} ms, max {ordered[-1]:.1f} ms (target: 95th <= 100 ms)"
    )


if __name__ == "__main__":
    main()
