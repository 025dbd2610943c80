"""Kill test: builds killed (SIGKILL) at moments spread over the write phase always leave one complete pack.

Each build runs with ``ASSEMBLER_PACK_STEP_DELAY``, so that it names each step of the write phase on stderr and
pauses before it; the test kills build *i* just after step ``i mod steps`` was named (plus a random part of a pause,
so kills also land inside steps), alternating the answers between two versions. After each kill:

- at once: the folder holds a journal (a swap was under way) or is exactly the old pack (manifest matches files);
- after the next command (``assembler check``, which finishes interrupted builds whatever its folder, or the next
  build), and sometimes after killing that command too: the owned files are one complete pack from one build —
  manifest, report and every document's custom properties name the same answers — with no staging left.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assembler.pack import verify

from ..pack_checks import from_one_build

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX-only"),
    pytest.mark.timeout(540),
]

ROOT = Path(__file__).resolve().parents[2]
MSECC = ROOT / "answers" / "msecc.yaml"
KILLS = 40
DELAY = 0.03  # seconds before each step: the write phase lasts about a second


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "assembler", *args]


def _run_and_kill(args: list[str], at: int, rng: random.Random) -> tuple[bool, list[str]]:
    """Run a command with the step hook; SIGKILL it just after its ``at``-th step (counting from 0).

    Returns whether it was killed, and the steps it had named."""
    env = {**os.environ, "ASSEMBLER_PACK_STEP_DELAY": str(DELAY)}
    steps: list[str] = []
    with subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as process:
        assert process.stderr is not None
        for line in process.stderr:
            if line.startswith("pack-step "):
                steps.append(line.removeprefix("pack-step ").strip())
                if len(steps) > at:
                    time.sleep(rng.uniform(0, DELAY * 1.5))  # sometimes in the pause, sometimes inside the step
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    return True, steps
    return False, steps


def _owned_and_tool_files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink()}


def test_killed_builds_leave_one_complete_pack(tmp_path: Path) -> None:
    rng = random.Random(11)
    out = tmp_path / "out"
    answers = tmp_path / "msecc.yaml"
    versions = {}
    for name in ("A", "B"):
        versions[name] = f"# version {name}\n{MSECC.read_text(encoding='utf-8')}"
    mine = out / "my-marked-up-copy.docx"

    answers.write_text(versions["A"], encoding="utf-8")
    subprocess.run(_command("build", str(answers), "--out", str(out)), check=True, capture_output=True)
    mine.write_bytes(b"a lawyer's own file")
    from_one_build(out)
    env = {**os.environ, "ASSEMBLER_PACK_STEP_DELAY": "0"}  # count the steps of one build's write phase
    answers.write_text(versions["B"], encoding="utf-8")
    counted = subprocess.run(
        _command("build", str(answers), "--out", str(out)), env=env, capture_output=True, text=True
    )
    assert counted.returncode == 0, counted.stderr
    total = sum(line.startswith("pack-step ") for line in counted.stderr.splitlines())
    assert total >= 20, counted.stderr

    digests = {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in versions.items()}
    killed = 0
    where: dict[str, int] = {}
    for i in range(KILLS):
        version = "A" if i % 2 == 0 else "B"
        answers.write_text(versions[version], encoding="utf-8")
        was_killed, steps = _run_and_kill(_command("build", str(answers), "--out", str(out)), i % total, rng)
        assert was_killed, f"build {i} ended before step {i % total}: {steps}"
        killed += 1
        where[steps[-1]] = where.get(steps[-1], 0) + 1
        # straight after the kill: a swap under way (journal), or the old pack untouched
        if not (out / ".assembler" / "journal.json").exists():
            assert verify(out) == [], f"kill {i} at {steps[-1]}: no journal, and the pack is not whole"
        # the next command finishes (or undoes) the interrupted build; sometimes it is killed as well
        recovery = _command("check", str(answers)) if i % 3 else _command("build", str(answers), "--out", str(out))
        if i % 5 == 4:
            _run_and_kill(recovery, rng.randrange(3), rng)
        finished = subprocess.run(recovery, capture_output=True, text=True)
        assert finished.returncode in (0, 1), finished.stderr
        assert "internal error" not in finished.stderr
        digest = from_one_build(out)
        assert digest in digests.values()
        if recovery[3] == "build":
            assert digest == digests[version]
        left = _owned_and_tool_files(out)
        assert not any(name.startswith((".assembler/staging", ".assembler/backup")) for name in left), left
        assert not (out / ".assembler" / "journal.json").exists()
        assert mine.read_bytes() == b"a lawyer's own file"

    assert killed >= 30
    spread = len(where)
    print(f"\n{killed} builds killed at {spread} different steps of {total}; every time one complete pack after")
    assert spread >= total // 2, where
