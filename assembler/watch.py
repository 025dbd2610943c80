"""``assembler build FILE --watch``: build the pack, then build it again whenever the answers file or the clause
library changes, in the same process.

A lawyer settling the answers, or a maintainer editing clauses, rebuilds many times: a process that stays up keeps
the imports, the answers' validator, the library and the compiled clauses, so a rebuild costs what the build itself
does (about 0.1 s for MSECC's five documents, against about 0.3 s for a new process). A change is seen by polling:
the answers file's bytes and the size and time of every file in the library folder, twice a second. An answers file
caught half-saved, or answers the rules refuse, is reported like any bad input and the watch goes on; the next save
builds again.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import AssemblerError

__all__ = ["Rebuild", "watch"]

INTERVAL = 0.5
"""Seconds between two looks at the files."""


@dataclass
class Rebuild:
    """One build of the watch: what set it off, and its result or the error it stopped at."""

    reason: str  # "first build", "answers changed", "library changed"
    seconds: float
    result: Any = None  # the BuildResult when it built
    error: AssemblerError | OSError | None = None


def _answers_state(path: Path) -> str:
    """The answers file as the watch sees it: a digest of its bytes (an editor may keep its time), or why not."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable: {exc.strerror}"


def _library_state(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file of the library (as its cache sees them) with its size and modification time: a clause saved is a
    change."""
    from .library import library_files

    try:
        names = library_files(root)
    except OSError:
        return ()  # the folder is missing or unreadable now: the build says so
    found: list[tuple[str, int, int]] = []
    for name in names:
        try:
            info = os.stat(root / name)
        except OSError:
            continue  # removed between the listing and now: the next look sees it gone
        found.append((name, info.st_size, info.st_mtime_ns))
    return tuple(found)


def watch(
    answers: Path,
    *,
    options: dict[str, Any],
    out_dir: Path | None,
    library_dir: Path | None,
    on_rebuild: Callable[[Rebuild], None],
    stop: threading.Event | None = None,
    interval: float = INTERVAL,
) -> None:
    """Build ``answers`` now and after each change until ``stop`` is set (or Ctrl-C); ``on_rebuild`` hears of each
    build, whether it built or stopped at an error. ``options`` are ``build``'s (only, clean, final, pdf, papers,
    diagram)."""
    from .assembly import build
    from .library import default_root, load_library

    stop = stop or threading.Event()
    root = library_dir or default_root()
    library = None
    seen: tuple[str, tuple[tuple[str, int, int], ...]] | None = None
    while not stop.is_set():
        state = (_answers_state(answers), _library_state(root))
        if state != seen:
            reason = (
                "first build" if seen is None else ("answers changed" if state[0] != seen[0] else "library changed")
            )
            if seen is None or state[1] != seen[1]:
                library = None  # read again: the cache is bound to every file's content, so an edit is a miss
            seen = state
            start = time.perf_counter()
            try:
                if library is None:
                    library = load_library(root, cached=True)
                result = build(answers, out_dir=out_dir, library=library, **options)
            except (AssemblerError, OSError) as exc:
                on_rebuild(Rebuild(reason, time.perf_counter() - start, error=exc))
            else:
                on_rebuild(Rebuild(reason, time.perf_counter() - start, result=result))
        stop.wait(interval)
