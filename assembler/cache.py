"""The user's cache folder: compiled templates and parsed clause libraries kept between runs.

Everything cached is keyed by a checksum of its sources, so an edited clause is never served stale; a cache that
cannot be written is simply not used.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "load_pickle", "store_pickle"]


def cache_dir() -> Path | None:
    """``$ASSEMBLER_CACHE``, else ``$XDG_CACHE_HOME/assembler`` or ``~/.cache/assembler``; None if unusable."""
    if os.environ.get("ASSEMBLER_CACHE") == "off":
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(os.environ.get("ASSEMBLER_CACHE") or Path(base) / "assembler")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def load_pickle(name: str) -> Any | None:
    """A cached object, or None when absent or unreadable (for example written by another version)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with (folder / name).open("rb") as handle:
            return pickle.load(handle)
    except Exception:  # a damaged or incompatible cache entry is a miss, never an error
        return None


def store_pickle(name: str, value: Any) -> None:
    """Keep an object for the next run (atomically; failures are ignored: the cache is only an accelerator)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / name)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
