"""Coverage of the clause library by the example and fixture answers sets.

Every answers/*.yaml and tests/fixtures/**/answers*.yaml is composed (no .docx): each clause must be included by
at least one answers set, and each non-trivial clause or schedule condition must be seen both true and false.
When this fails, add an answers fixture that exercises each gap named in the message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assembler.clause_tools import CoverageReport, coverage, default_answers_files
from assembler.library import load_library

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report() -> CoverageReport:
    files = default_answers_files(ROOT)
    assert files, "no answers sets found"
    return coverage(load_library(), files, base=ROOT)


def test_every_answers_set_composes(report: CoverageReport) -> None:
    assert not report.errors, "\n".join(report.errors)


def test_every_clause_and_condition_is_exercised(report: CoverageReport) -> None:
    gaps = report.gaps()
    sets = "\n".join(f"  {name}" for name in report.answers)
    assert not gaps, (
        f"{len(gaps)} coverage gap(s) across {len(report.answers)} answers sets:\n"
        + "\n".join(f"  {gap}" for gap in gaps)
        + f"\nanswers sets used:\n{sets}"
    )
