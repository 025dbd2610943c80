"""Dates and numbers are drafted in English whatever the process locale."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# strftime directives and format specs that follow the locale: month and day names, AM/PM, locale formats, `n`.
_LOCALE_DEPENDENT = re.compile(r"%[aAbBcphxX]|\{[^{}:]*:[<>^=+\- #0-9,_.]*n\}|\blocale\.")


def test_no_locale_dependent_formatting_in_the_package() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "assembler").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _LOCALE_DEPENDENT.search(line)
    ]
    assert not found, "format dates and numbers without the locale (see marking.format_date):\n" + "\n".join(found)


def _german_locale(folder: Path) -> dict[str, str] | None:
    """An environment in which de_DE.UTF-8 can be set, compiled into ``folder`` with localedef."""
    localedef = shutil.which("localedef")
    if localedef is None:
        return None
    made = subprocess.run(
        [localedef, "-i", "de_DE", "-f", "UTF-8", str(folder / "de_DE.UTF-8")], capture_output=True, timeout=60
    )
    if made.returncode not in (0, 1) or not (folder / "de_DE.UTF-8").exists():  # 1: made, with warnings
        return None
    return dict(os.environ, LOCPATH=str(folder))


def test_dates_and_numbers_are_english_under_a_german_locale(tmp_path: Path) -> None:
    """Through the Python API, month names followed the process locale ("1 März 2025")."""
    env = _german_locale(tmp_path)
    if env is None:
        if os.environ.get("CI"):
            pytest.fail("localedef could not make de_DE.UTF-8 (install the `locales` package)")
        pytest.skip("cannot make a German locale here")
    answers = tmp_path / "answers.yaml"
    text = (ROOT / "answers" / "msecc.yaml").read_text(encoding="utf-8")
    answers.write_text(re.sub(r"effective_date: null.*", "effective_date: 2025-03-01", text), encoding="utf-8")
    script = """
import datetime as dt, locale, sys
from decimal import Decimal
locale.setlocale(locale.LC_ALL, "de_DE.UTF-8")
assert dt.date(2025, 3, 1).strftime("%B") == "M\\u00e4rz", "the German locale is not in force"
from assembler.answers_file import load_answers
from assembler.compose import compose_document
from assembler.library import load_library
from assembler.model import DocumentKind
from assembler.rendering import make_environment
env = make_environment()
print(env.from_string("{{ d | date }}; {{ m | money }}; {{ p | percent }}").render(
    d=dt.date(2025, 3, 1), m=Decimal("1234.5"), p=Decimal("12.5")))
library = load_library()
answers = load_answers(sys.argv[1]).answers
composed = compose_document(
    library, library.documents[DocumentKind.CJV], answers, [], env=make_environment(library=library)
)
print(composed.cover["date"])
"""
    run = subprocess.run(
        [sys.executable, "-c", script, str(answers)], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    printed = re.sub("[\ue000-\uf8ff]", "", run.stdout)  # the markers that protect answers from markup
    assert printed.splitlines() == ["1 March 2025; £1,234.50; 12.50%", "1 March 2025"]
