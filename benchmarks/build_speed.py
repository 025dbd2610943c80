"""Build speed, every figure of issue 22's "Done when" in one run, each against its target.

The figures cover the five documents only: board papers, the governance diagram, PDFs and redlines are off
(``--only mou,cjv,tor,sod,dra --no-diagram``; ``build(papers=False, diagram=False)``).

- cold CLI: ``assembler build answers/msecc.yaml`` as a new process (user cache warm: compiled clauses, loaded
  library), against
  - the cold floor: a new process that imports python-docx and re-saves the same five documents;
  - the docxtpl peer: a new process that renders five documents with the same paragraphs from a looped docxtpl
    template (the way most document assemblers work) and saves them;
  - the stack floor: a new process that only loads what the design card fixes for every build — docxtpl (with
    python-docx and jinja) for the Word files and pydantic for the answers model — and validates a one-field model.
    No build can start sooner; ``stack floor / docxtpl peer`` is the lowest ``cold CLI / docxtpl peer`` can be;
- in-process: ``build()`` with the library loaded, against the in-process floor (open and re-save the five);
- ``assembler check`` as a new process;
- a 40-party collaborative against the 3-party MSECC (in-process), and the peak memory of a 40-party build (a new
  process: its maximum resident set);
- packs per second for generated collaboratives (3 to 12 parties) on one process and on every core (two pairs of
  runs, back to back; the speed-up is the median of the pairs' ratios).

Every new process runs from compiled bytecode, the tool's own modules as well as python-docx's and docxtpl's: an
installed tool's modules are compiled by pip at install time, while a checkout run with ``PYTHONDONTWRITEBYTECODE``
set would recompile its modules from source in every process and pay for it in each cold figure. So the child
processes run without ``PYTHONDONTWRITEBYTECODE`` and with ``PYTHONPYCACHEPREFIX`` pointing into the benchmark's
temporary folder (filled by the warm-up runs, gone afterwards): nothing is written into the checkout.

The machine's speed drifts from second to second (shared cores), so each comparison is made from runs taken back to
back, and a ratio is the median of the pairs' ratios. The load average is printed with the figures.

Run: ``python benchmarks/build_speed.py [--runs N] [--packs N]``
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
FIVE = ["--only", "mou,cjv,tor,sod,dra", "--no-diagram"]


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def child_env(pycache: Path) -> dict[str, str]:
    """The environment of every child process: bytecode written and read under ``pycache`` (see the docstring)."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, check=True, capture_output=True, env=env)


def _cpu() -> float:
    """CPU seconds (user and system) of the child processes waited for so far: less disturbed by other load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cold(command: list[str], cpu: list[float], env: dict[str, str]) -> float:
    """Wall seconds of one run of ``command`` as a new process; its CPU seconds are appended to ``cpu``."""
    before = _cpu()
    wall = _seconds(lambda: subprocess.run(command, check=False, capture_output=True, env=env))
    cpu.append(_cpu() - before)
    return wall


def _assembler() -> list[str]:
    """The ``assembler`` command of the environment running the benchmark (the one it imports in-process), never
    another found on PATH: a pyenv shim there runs a different installation, through a shell script."""
    folder = Path(sys.executable).parent
    for name in ("assembler", "assembler.exe"):
        if (folder / name).is_file():
            return [str(folder / name)]
    return [sys.executable, "-m", "assembler"]


def generated_answers(parties: int, folder: Path, name: str | None = None) -> Path:
    """An MSECC-shaped collaborative with ``parties`` foundation trusts, all on the board."""
    from assembler.answers_file import load_answers, save_answers
    from assembler.model import Delegation, Member, Party, PartyKind, Quorum

    answers = load_answers(MSECC).answers.model_copy(deep=True)
    if name is not None:
        answers.collaborative.name = f"{name} Collaborative"
        answers.collaborative.short_name = name
    answers.parties = [
        Party(
            short_name=f"T{i:02d}",
            name=f"Example {i} NHS Foundation Trust",
            kind=PartyKind.NHS_FOUNDATION_TRUST,
        )
        for i in range(1, parties + 1)
    ]
    names = [p.short_name for p in answers.parties]
    for body in answers.bodies:
        body.members = [Member(party=n, role="Chief Executive", board_director=True) for n in names]
        body.quorum = Quorum(members=parties, each_party=True)
    answers.delegations = [
        Delegation(from_party=n, to_body="board", function="joint service planning", legal_basis="standing orders")
        for n in names
    ]
    answers.staffing.posts = [p.model_copy(update={"employer": names[0]}) for p in answers.staffing.posts]
    for kind in ("mou", "cjv", "tor", "sod", "dra"):
        getattr(answers.documents, kind).parties = None
    path = folder / f"{name or 'generated'}-{parties}.yaml"
    save_answers(answers, path)
    return path


FLOOR = """
import io, sys
import docx
for path in sys.argv[1:]:
    docx.Document(path).save(io.BytesIO())
"""

PEER = """
import io, json, sys
from docxtpl import DocxTemplate
template, texts = sys.argv[1], json.loads(open(sys.argv[2], encoding="utf-8").read())
for paragraphs in texts:
    document = DocxTemplate(template)
    document.render({"paragraphs": paragraphs}, autoescape=True)
    document.save(io.BytesIO())
"""

STACK = """
import os
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")  # as the assembler command sets it
import docxtpl
import pydantic
class Probe(pydantic.BaseModel):
    value: int
Probe.model_validate({"value": 1})
"""

PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peer_inputs(written: list[Path], folder: Path) -> tuple[Path, Path]:
    """The docxtpl peer's template (one looped paragraph in the house template's page set-up) and the paragraphs
    of the five documents as built, so that the peer writes as many paragraphs of the same text."""
    import docx

    template = docx.Document(str(ROOT / "templates" / "house.docx"))
    body = template.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    for text in ("{%p for text in paragraphs %}", "{{ text }}", "{%p endfor %}"):
        template.add_paragraph(text)
    path = folder / "peer-template.docx"
    template.save(str(path))
    texts = [[p.text for p in docx.Document(str(w)).paragraphs] for w in written]
    data = folder / "peer-texts.json"
    data.write_text(json.dumps(texts), encoding="utf-8")
    return path, data


def packs_per_second(files: list[Path], out: Path, workers: int) -> float:
    from assembler.batch import build_many, pack_jobs

    options = {"only": None, "papers": False, "diagram": False}
    shutil.rmtree(out, ignore_errors=True)
    jobs = pack_jobs(files, out_dir=out, options=options)
    start = time.perf_counter()
    outcomes = build_many(jobs, workers=workers)
    elapsed = time.perf_counter() - start
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"{len(failed)} generated pack(s) failed: {failed[0].error}")
    return len(files) / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="runs of each timing (median)")
    parser.add_argument("--packs", type=int, default=100, help="generated collaboratives for packs per second")
    args = parser.parse_args()
    runs: int = args.runs
    cores = os.cpu_count() or 1
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        command = [*_assembler(), "build", str(MSECC), "--out", str(folder / "cli"), *FIVE]
        env = child_env(folder / "pycache")
        _run(command, env)  # caches and bytecode warmed; the five documents the floor and the peer work from
        written = sorted((folder / "cli").glob("*.docx"))
        template, texts = peer_inputs(written, folder)
        floor_command = [sys.executable, "-c", FLOOR, *map(str, written)]
        peer_command = [sys.executable, "-c", PEER, str(template), str(texts)]
        check_command = [*_assembler(), "check", str(MSECC)]
        stack_command = [sys.executable, "-c", STACK]
        _run(check_command, env)
        _run(floor_command, env)
        _run(peer_command, env)  # these fail loudly here if the floor, the peer or the stack floor is broken
        _run(stack_command, env)
        cold: list[tuple[float, float, float, float]] = []
        stacks: list[float] = []
        cpu: dict[str, list[float]] = {"cli": [], "floor": [], "peer": [], "check": [], "stack": []}
        for _ in range(runs):
            cold.append(
                (
                    _cold(command, cpu["cli"], env),
                    _cold(floor_command, cpu["floor"], env),
                    _cold(peer_command, cpu["peer"], env),
                    _cold(check_command, cpu["check"], env),
                )
            )
            stacks.append(_cold(stack_command, cpu["stack"], env))

        import docx

        from assembler.assembly import build
        from assembler.library import load_library

        library = load_library()
        build(MSECC, out_dir=folder / "warm", library=library, papers=False, diagram=False)
        big = generated_answers(40, folder)
        build(big, out_dir=folder / "forty", library=library, papers=False, diagram=False)

        def floor() -> None:
            for path in written:
                docx.Document(str(path)).save(io.BytesIO())

        pairs_floor: list[tuple[float, float]] = []
        pairs_forty: list[tuple[float, float]] = []
        for _ in range(runs):
            three = _seconds(
                lambda: build(MSECC, out_dir=folder / "inproc", library=library, papers=False, diagram=False)
            )
            pairs_floor.append((three, _seconds(floor)))
            forty_time = _seconds(
                lambda: build(big, out_dir=folder / "forty", library=library, papers=False, diagram=False)
            )
            pairs_forty.append((three, forty_time))
        peak_runs = []
        for _ in range(3):
            forty_cli = [*_assembler(), "build", str(big), "--out", str(folder / "forty-cli"), *FIVE]
            out = subprocess.run(
                [sys.executable, "-c", PEAK, *forty_cli], check=True, capture_output=True, text=True, env=env
            )
            kib = int(out.stdout.strip())
            peak_runs.append(kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024)
        peak = statistics.median(peak_runs)

        generated = folder / "generated"
        generated.mkdir()
        files = [generated_answers(3 + i % 10, generated, name=f"G{i:03d}") for i in range(args.packs)]
        throughput = [  # two back-to-back pairs: one run of 100 packs is long enough for the machine to drift
            (
                packs_per_second(files, folder / "one", workers=1),
                packs_per_second(files, folder / "every", workers=cores),
            )
            for _ in range(2)
        ]
        one = statistics.median(o for o, _ in throughput)
        every = statistics.median(e for _, e in throughput)
        paragraphs = sum(len(docx.Document(str(p)).paragraphs) for p in written)

    cli = statistics.median(c for c, _, _, _ in cold)
    cold_floor = statistics.median(f for _, f, _, _ in cold)
    peer = statistics.median(p for _, _, p, _ in cold)
    check = statistics.median(k for _, _, _, k in cold)
    cli_floor = statistics.median(c / f for c, f, _, _ in cold)
    cli_peer = statistics.median(c / p for c, _, p, _ in cold)
    stack = statistics.median(stacks)
    stack_peer = statistics.median(s / p for s, (_, _, p, _) in zip(stacks, cold, strict=True))
    stack_floor = statistics.median(s / f for s, (_, f, _, _) in zip(stacks, cold, strict=True))
    in_process = statistics.median(b for b, _ in pairs_floor)
    floor_time = statistics.median(f for _, f in pairs_floor)
    forty = statistics.median(f for _, f in pairs_forty)
    floor_ratio = statistics.median(b / f for b, f in pairs_floor)
    forty_ratio = statistics.median(f / b for b, f in pairs_forty)
    speedup = statistics.median(e / o for o, e in throughput)
    load_after = os.getloadavg()
    print(f"five documents ({paragraphs} paragraphs), papers/diagram/PDF/redlines off; median of {runs} runs")
    print("new processes run from compiled bytecode (PYTHONPYCACHEPREFIX in a temporary folder), as installed")
    print(f"cores: {cores}; load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    cpu_of = {name: statistics.median(values) for name, values in cpu.items()}
    rows: list[tuple[str, float, str, str, bool | None]] = [
        ("cold CLI build, MSECC", cli, "s", f"(CPU {cpu_of['cli']:.3f} s)", None),
        ("cold floor: python-docx re-saves the 5", cold_floor, "s", f"(CPU {cpu_of['floor']:.3f} s)", None),
        ("docxtpl peer: 5 looped templates", peer, "s", f"(CPU {cpu_of['peer']:.3f} s)", None),
        ("cold CLI / cold floor", cli_floor, "", "<= 2.0", cli_floor <= 2.0),
        ("cold CLI / docxtpl peer", cli_peer, "", "<= 1.0", cli_peer <= 1.0),
        ("stack floor: docxtpl + pydantic, one model", stack, "s", f"(CPU {cpu_of['stack']:.3f} s)", None),
        ("stack floor / docxtpl peer", stack_peer, "", "", None),
        ("stack floor / cold floor", stack_floor, "", "", None),
        ("in-process build (library loaded)", in_process, "s", "", None),
        ("in-process floor: open + re-save the 5", floor_time, "s", "", None),
        ("in-process / floor", floor_ratio, "", "<= 2.0", floor_ratio <= 2.0),
        ("cold `assembler check` (CPU: see below)", check, "s", "<= 0.35 s", check <= 0.35),
        ("40-party build (in-process)", forty, "s", "", None),
        ("40 parties / 3 parties", forty_ratio, "", "<= 2.0", forty_ratio <= 2.0),
        ("peak memory, 40-party build (cold)", peak, "MB", "<= 150 MB", peak <= 150),
        (f"{args.packs} generated packs, 1 process", one, "/s", "", None),
        (f"{args.packs} generated packs, {cores} processes", every, "/s", "", None),
        (f"{cores} processes / 1 process", speedup, "", ">= 1.7", speedup >= 1.7),
    ]
    for name, value, unit, target, ok in rows:
        mark = "" if ok is None else ("  ok" if ok else "  MISSED")
        print(f"{name:<44} {value:8.3f} {unit:<3} {target:<10}{mark}")
    cpu_ratio = statistics.median(c / f for c, f in zip(cpu["cli"], cpu["floor"], strict=True))
    print(
        f"CPU time, cold: CLI / floor {cpu_ratio:.2f}, `check` {cpu_of['check']:.3f} s (less disturbed by other load)"
    )
    print(
        f"the stack floor is what any build's process costs before its own work: the cold CLI spends "
        f"{cli - stack:.3f} s above it (its own modules, the answers, the clauses, the five documents)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
