"""Many packs at once: several answers files (or folders of them) built in parallel processes.

Each pack is built exactly as ``assembler build FILE`` builds it (:func:`assembler.assembly.build`), into a folder of
its own; a pack that fails is reported and the others still build. The caller hears of each pack as it finishes
(``on_done``), to show progress; nothing here prints.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import AssemblerError, InputError, Problem

__all__ = ["ANSWERS_SUFFIXES", "PackJob", "PackOutcome", "answers_files", "build_many", "pack_jobs"]

ANSWERS_SUFFIXES = (".yaml", ".yml")
"""The answers files a folder given to ``assembler build`` contributes (sorted by name)."""


@dataclass(frozen=True)
class PackJob:
    """One pack to build: its answers file, its folder and the build's options (all plain data: it crosses
    into a worker process)."""

    answers: Path
    out_dir: Path
    options: dict[str, Any] = field(default_factory=dict)
    library_dir: Path | None = None


@dataclass(frozen=True)
class PackOutcome:
    """What became of one pack: built (with its counts) or failed (with its error's lines and exit code)."""

    answers: Path
    out_dir: Path
    ok: bool
    seconds: float = 0.0
    documents: int = 0
    papers: int = 0
    placeholders: int = 0
    warnings: int = 0
    error: list[str] = field(default_factory=list)
    exit_code: int = 0

    def summary(self) -> str:
        """One line for the terminal."""
        if not self.ok:
            first = self.error[0] if self.error else "failed"
            return f"FAILED {self.answers}: {first}"
        papers = f", {self.papers} board paper(s)" if self.papers else ""
        return (
            f"built  {self.answers} → {self.out_dir}: {self.documents} document(s){papers}, "
            f"{self.placeholders} [●] to complete, {self.warnings} warning(s), {self.seconds:.1f} s"
        )


def answers_files(paths: Iterable[Path]) -> list[Path]:
    """The answers files named, each folder standing for the answers files directly inside it (by name);
    a path that is neither is a bad input (exit 2)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in ANSWERS_SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(str(path), "", "no answers files (*.yaml) in this folder", "name the files"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), "", "no such file or folder", "check the name"))
    if problems:
        raise InputError(problems=problems)
    return files


def pack_jobs(
    files: list[Path], *, out_dir: Path | None, options: dict[str, Any], library_dir: Path | None = None
) -> list[PackJob]:
    """One job per answers file, each with a pack folder of its own: ``OUT/<file name without suffix>`` (OUT is
    ``--out``, else ``out``). Two files that would share a folder are a bad input (exit 2)."""
    parent = out_dir if out_dir is not None else Path("out")
    seen: dict[Path, Path] = {}
    problems: list[Problem] = []
    for path in files:
        folder = parent / path.stem
        if folder in seen:
            problems.append(
                Problem(str(path), "", f"would share the pack folder {folder} with {seen[folder]}", "rename one")
            )
        seen.setdefault(folder, path)
    if problems:
        raise InputError(problems=problems)
    return [PackJob(answers=p, out_dir=parent / p.stem, options=options, library_dir=library_dir) for p in files]


def build_many(
    jobs: list[PackJob],
    *,
    workers: int | None = None,
    on_done: Callable[[PackOutcome], None] | None = None,
) -> list[PackOutcome]:
    """Build every job, ``workers`` processes at a time (default: one per core, at most one per job); with one
    worker the packs are built in this process, one after another. Returns the outcomes in the jobs' order."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    outcomes: dict[int, PackOutcome] = {}

    def done(index: int, outcome: PackOutcome) -> None:
        outcomes[index] = outcome
        if on_done is not None:
            on_done(outcome)

    if workers == 1:
        for index, job in enumerate(jobs):
            done(index, build_one(job))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
            futures: dict[Future[PackOutcome], int] = {pool.submit(build_one, job): i for i, job in enumerate(jobs)}
            for future in as_completed(futures):
                index = futures[future]
                try:
                    outcome = future.result()
                except BrokenProcessPool as exc:  # a worker died (killed, out of memory): its pack failed
                    job = jobs[index]
                    outcome = PackOutcome(
                        job.answers, job.out_dir, ok=False, error=[f"worker died: {exc}"], exit_code=1
                    )
                done(index, outcome)
    return [outcomes[i] for i in range(len(jobs))]


_LIBRARIES: dict[Path | None, Any] = {}
"""Each process loads the clause library once, for all the packs it builds."""


def build_one(job: PackJob) -> PackOutcome:
    """Build one pack; any error is caught and returned as a failed outcome (the other packs go on)."""
    from .assembly import build
    from .library import load_library
    from .pack import os_error

    start = time.perf_counter()
    try:
        library = _LIBRARIES.get(job.library_dir)
        if library is None:
            library = _LIBRARIES[job.library_dir] = load_library(job.library_dir, cached=True)
        result = build(job.answers, out_dir=job.out_dir, library=library, **job.options)
    except AssemblerError as exc:
        return PackOutcome(job.answers, job.out_dir, ok=False, error=exc.lines(), exit_code=exc.exit_code)
    except OSError as exc:
        error = os_error(exc.filename or job.out_dir, exc, doing="failed")
        return PackOutcome(job.answers, job.out_dir, ok=False, error=error.lines(), exit_code=error.exit_code)
    except Exception as exc:  # a bug: reported for this pack, the others still build
        message = f"internal error: {type(exc).__name__}: {exc} — rerun this file alone with --debug and report it"
        return PackOutcome(job.answers, job.out_dir, ok=False, error=[message], exit_code=1)
    return PackOutcome(
        job.answers,
        job.out_dir,
        ok=True,
        seconds=time.perf_counter() - start,
        documents=len(result.written),
        papers=len(result.papers),
        placeholders=sum(len(doc.placeholders) for doc in result.documents),
        warnings=sum(1 for f in result.findings if f.severity.value == "warning"),
    )


def _context() -> Any:
    """Worker processes forked from a server that has already imported the build (POSIX), else spawned."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["assembler.assembly", "assembler.batch"])
        return context
    return multiprocessing.get_context("spawn")
