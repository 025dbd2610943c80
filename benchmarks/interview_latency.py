"""Time from one answer to the next prompt (validation, autosave, rules, building the prompt) on the MSECC file.

Run: ``python benchmarks/interview_latency.py [ANSWERS]``. The interview resumes a copy of the answers file with
prompt_toolkit pipe input, accepting each offered default with Enter, and the time between one prompt returning
and the next one starting is recorded; the figure printed is the median and the 95th percentile of those gaps.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from assembler.interview import Prompter, run_interview

ROOT = Path(__file__).resolve().parent.parent


def measure(answers: Path) -> list[float]:
    """The gaps in milliseconds between one answer and the next prompt."""
    gaps: list[float] = []
    last_answer: list[float] = []
    original = Prompter._run

    def timed(self: Prompter, prompt: Any, message: str) -> Any:
        if last_answer:
            gaps.append((time.perf_counter() - last_answer[-1]) * 1000)
        try:
            return original(self, prompt, message)
        finally:
            last_answer.append(time.perf_counter())

    Prompter._run = timed  # type: ignore[method-assign]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / answers.name
            shutil.copy(answers, path)
            with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
                pipe.send_text("\r" * 2000)
                run_interview(path, echo=lambda _line: None, input=pipe, output=DummyOutput(), offer_build=False)
    finally:
        Prompter._run = original  # type: ignore[method-assign]
    return gaps


def main() -> None:
    answers = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "answers" / "msecc.yaml"
    gaps = measure(answers)
    if not gaps:
        print(f"{answers}: nothing was asked")
        return
    ordered = sorted(gaps)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"{answers.name}: {len(gaps)} answers; answer to next prompt: median {statistics.median(gaps):.1f} ms, "
        f"95th percentile {p95:.1f} ms, max {ordered[-1]:.1f} ms (target <= 100 ms)"
    )


if __name__ == "__main__":
    main()
