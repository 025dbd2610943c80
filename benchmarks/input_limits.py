"""How fast hostile or absurd answers files are refused (the promise: each in under a second, with one line).

Run: ``python benchmarks/input_limits.py``. Each case is a fresh ``assembler check`` process (so a parser crash shows
as its exit code), timed from start to exit, next to the bare start-up time of ``assembler --version``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"


def _cases(folder: Path) -> list[tuple[str, Path]]:
    cases: list[tuple[str, Path]] = []
    if Path("/dev/zero").exists():
        cases.append(("/dev/zero", Path("/dev/zero")))
    if hasattr(os, "mkfifo"):
        fifo = folder / "fifo.yaml"
        os.mkfifo(fifo)
        cases.append(("a FIFO with no writer", fifo))
    big = folder / "big.yaml"
    with big.open("wb") as handle:
        handle.write(MSECC.read_bytes() * (50 * 1024 * 1024 // MSECC.stat().st_size + 1))
    cases.append(("a 50 MB file", big))
    head = "format_version: 1\ncollaborative: {name: x}\nx: "
    for levels in (1_000, 30_000):
        nested = folder / f"nested-{levels}.yaml"
        nested.write_text(head + "[" * levels + "]" * levels + "\n", encoding="utf-8")
        cases.append((f"{levels:,} levels of nesting", nested))
    number = folder / "number.yaml"
    number.write_text(head + "9" * 5_000 + "\n", encoding="utf-8")
    cases.append(("an integer of 5,000 digits", number))
    filler = "".join(f"  # comment line {i}: a long file with its mistake at the very end\n" for i in range(70_000))
    invalid = folder / "invalid.yaml"
    invalid.write_text(MSECC.read_text(encoding="utf-8") + filler + "legal_form: [unclosed\n", encoding="utf-8")
    cases.append((f"a {invalid.stat().st_size / 1e6:.1f} MB file with a YAML error at its end", invalid))
    wrong = folder / "wrong.yaml"
    wrong.write_text(MSECC.read_text(encoding="utf-8") + filler + "unknown_key: 1\n", encoding="utf-8")
    cases.append((f"a {wrong.stat().st_size / 1e6:.1f} MB file with an unknown key at its end", wrong))
    parties = "".join(
        f"  - {{short_name: P{i}, name: Party number {i} NHS Foundation Trust, kind: nhs_foundation_trust}}\n"
        for i in range(50_000)
    )
    dense = folder / "dense.yaml"
    dense.write_text(
        "format_version: 1\ncollaborative: {name: x}\nunknown_key: 1\nparties:\n" + parties, encoding="utf-8"
    )
    cases.append((f"{dense.stat().st_size / 1e6:.1f} MB of real answers (50,000 parties), an unknown key", dense))
    return cases


def _time(command: list[str]) -> tuple[float, int, str]:
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return time.perf_counter() - start, run.returncode, run.stderr.strip()


def main() -> int:
    beside = Path(sys.executable).with_name("assembler")  # this environment's, not another on the PATH
    exe = str(beside) if beside.is_file() else shutil.which("assembler")
    command = [exe] if exe else [sys.executable, "-m", "assembler"]
    startup = min(_time([*command, "--version"])[0] for _ in range(3))
    print(f"start-up of the CLI alone: {startup:.3f} s; times below include it")
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in _cases(Path(tmp)):
            seconds, code, err = _time([*command, "check", str(path)])
            lines = err.splitlines()
            first = lines[0].replace(str(path), "FILE") if lines else ""
            print(f"{label:<58} {seconds:6.3f} s  exit {code}  {len(lines)} line(s): {first[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
