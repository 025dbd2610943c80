"""Input bounds: hostile or absurd answers files are refused quickly with one line naming the file (exit 2).

Timings here are only "under a second" sanity checks; measurements live in benchmarks/input_limits.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from assembler import answers_file
from assembler.answers_file import MAX_BYTES, MAX_DEPTH, load_answers, parse_answers
from assembler.assembly import build
from assembler.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
HEAD = "format_version: 2\ncollaborative: {name: x}\n"


def refused(path: Path, seconds: float = 1.0) -> str:
    """The one problem line for ``path``, checked to come within ``seconds`` (in a thread: a hang fails)."""
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            load_answers(path)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    start = time.perf_counter()
    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(max(seconds, 10))
    elapsed = time.perf_counter() - start
    assert not thread.is_alive(), f"{path} still loading after {elapsed:.1f} s"
    assert elapsed < seconds, f"{path} took {elapsed:.2f} s to refuse"
    (error,) = outcome
    assert isinstance(error, InputError), f"expected InputError, got {error!r}"
    (line,) = error.lines()
    assert line.startswith(str(path)) and " — " in line and "\n" not in line, line
    return line


def write(tmp_path: Path, text: str, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------- the file


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:  # a sparse 50 MB file: created at once, refused without reading it
        handle.truncate(50 * 1024 * 1024)
    line = refused(path)
    assert "50.0 MB" in line and "at most 5 MB" in line
    just_over = write(tmp_path, HEAD + "#" * (MAX_BYTES - len(HEAD)) + "\n", "over.yaml")
    assert "at most 5 MB" in refused(just_over)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused() -> None:
    assert "not a regular file" in refused(Path("/dev/zero"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in refused(fifo)


# ---------------------------------------------------------------------------------------------- nesting


@pytest.mark.parametrize(
    "body",
    [
        "[" * 30_000 + "]" * 30_000,  # crashed the C parser (exit 139, no message)
        "{a: " * 30_000 + "}" * 30_000,
        "\n" + "- " * 30_000 + "x",
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_is_refused_before_the_c_parser(tmp_path: Path, body: str) -> None:
    """In a separate process, so a crash of the parser cannot take the test run with it."""
    path = write(tmp_path, HEAD + "x: " + body + "\n")
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "assembler", "check", str(path)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2, (run.returncode, run.stderr[-500:])
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and f"more than {MAX_DEPTH} levels" in lines[0], lines
    assert f"{path}:{3 if body[0] != chr(10) else 4}:" in lines[0]
    assert time.perf_counter() - started < 20  # includes starting Python; the refusal itself is in milliseconds


@pytest.mark.parametrize("levels", [1_000, 20_000])
def test_nesting_that_raised_recursion_error_is_refused(tmp_path: Path, levels: int) -> None:
    assert f"more than {MAX_DEPTH} levels" in refused(write(tmp_path, HEAD + "x: " + "[" * levels + "]" * levels))


def test_the_nesting_limit_is_exactly_fifty_levels(tmp_path: Path) -> None:
    def nested(levels: int) -> str:  # the top-level mapping is one level
        return HEAD + "x: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"

    with pytest.raises(InputError) as caught:
        parse_answers(nested(MAX_DEPTH))
    assert "levels" not in caught.value.message  # refused by the model (unknown key x), not by the screen
    with pytest.raises(InputError, match="more than 50 levels"):
        parse_answers(nested(MAX_DEPTH + 1))


# ----------------------------------------------------------------------------------------------- YAML policy


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &x hello\nb: *x\n", "aliases"),  # scalar aliases passed before
        ("a: &x hello\n", "aliases"),
        ("base: {name: x}\ncollaborative:\n  <<: {name: y}\n", "merge keys"),
        ("collaborative:\n  name: !!binary aGVsbG8=\n", "tag tag:yaml.org,2002:binary"),  # printed as b'hello'
        ("collaborative: !!set {a: null}\n", "tag tag:yaml.org,2002:set"),
        ("collaborative: !!python/object:os.system {name: x}\n", "is not allowed"),
    ],
)
def test_yaml_policy_applies_to_every_alias_merge_key_and_tag(tmp_path: Path, text: str, expected: str) -> None:
    line = refused(write(tmp_path, "format_version: 2\n" + text))
    assert expected in line and "not allowed" in line


def test_plain_tags_and_a_quoted_merge_key_are_still_text(tmp_path: Path) -> None:
    answers = load_answers(MSECC).answers
    text = MSECC.read_text(encoding="utf-8").replace("  short_name: MSECC", "  short_name: !!str MSECC", 1)
    assert parse_answers(text).answers == answers


@pytest.mark.parametrize("digits", [101, 4_301, 100_000])
def test_huge_integers_are_refused_cleanly(tmp_path: Path, digits: int) -> None:
    """Python refuses to convert integers of over 4,300 digits: that was an internal error."""
    line = refused(write(tmp_path, HEAD + "x: " + "9" * digits + "\n"))
    assert f"{digits} digits" in line and ":3:" in line


# ------------------------------------------------------------------------------ errors without a second parse


@pytest.mark.parametrize(
    ("tail", "expected"),
    [("x: [unclosed\n", "YAML error"), ("legal_form: nonsense\n", "legal_form")],
    ids=["yaml", "model"],
)
def test_errors_are_located_without_a_second_pure_python_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail: str, expected: str
) -> None:
    """An 8 MB invalid file used to be parsed again by the pure-Python parser to find lines (9 s)."""

    def no_round_trip() -> Any:
        raise AssertionError("the slow round-trip parser was used to locate an error")

    monkeypatch.setattr(answers_file, "round_trip_yaml", no_round_trip)
    text = MSECC.read_text(encoding="utf-8").replace("legal_form: cjv\n", "")
    filler = "".join(f"# comment line {i} to make the file larger\n" for i in range(20_000))
    path = write(tmp_path, text + filler + tail)
    line = refused(path, seconds=5)
    last = (text + filler).count("\n") + 1
    assert expected in line and (f":{last}:" in line or f":{last + 1}:" in line), line  # the line, or end of file


# ------------------------------------------------------------------------- strings that name files or properties


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("  name: Mid and South Essex Community Collaborative", "  name: " + "N" * 230, "collaborative.name"),
        ("  short_name: MSECC", "  short_name: " + "S" * 212, "collaborative.short_name"),
    ],
)
def test_names_too_long_for_a_file_name_or_property_are_refused(tmp_path: Path, old: str, new: str, field: str) -> None:
    """A 230-character name crashed the writer (core properties hold 255); a 212-character short name made a
    file name the file system refused."""
    text = MSECC.read_text(encoding="utf-8")
    assert old in text
    line = refused(write(tmp_path, text.replace(old, new, 1)))
    assert field in line and "shorten it to at most" in line


def test_the_longest_names_allowed_still_build(tmp_path: Path) -> None:
    text = MSECC.read_text(encoding="utf-8")
    text = text.replace("  name: Mid and South Essex Community Collaborative", "  name: " + "Ü" * 150, 1)
    text = text.replace("  short_name: MSECC\n", "", 1)
    path = write(tmp_path, text)
    result = build(path, out_dir=tmp_path / "out")
    assert result.written
    for written in result.written:
        assert len(written.name.encode()) < 200


def test_long_plain_text_that_only_looks_numeric_is_not_taken_for_a_number(tmp_path: Path) -> None:
    text = MSECC.read_text(encoding="utf-8").replace(
        "  short_name: MSECC\n", "  short_name: MSECC\n  x: " + "-" * 120 + "\n"
    )
    with pytest.raises(InputError) as caught:
        parse_answers(text)
    assert "digits" not in caught.value.message and "collaborative.x" in caught.value.message  # an unknown key
