"""The lock, the journal and its repeatable swap, recovery of interrupted builds, and the note of builds in progress
that lets any command find them."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError
from . import _disk
from ._disk import (
    _BACKUP,
    _JOURNAL,
    _LOCK,
    _STAGING,
    FORMAT,
    TOOL_DIR,
    _fsync_dir,
    _join,
    _remove_tree,
    _safe_relative,
    _tool_dir,
    _write_new,
    os_error,
)

# ----------------------------------------------------------------------------------------------- lock


class _Lock:
    """An exclusive OS lock on ``OUT/.assembler/lock``, released by the OS if the process dies."""

    def __init__(self, path: Path) -> None:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        self.fd = os.open(path, flags, 0o644)

    def try_acquire(self) -> bool:
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(self.fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def close(self) -> None:
        os.close(self.fd)  # closing the file lets go of the lock


@contextlib.contextmanager
def _locked(tool: Path, *, wait: float) -> Iterator[bool]:
    """Hold the folder's lock; yields False if another process holds it for longer than ``wait`` seconds."""
    lock = _Lock(tool / _LOCK)
    try:
        deadline = time.monotonic() + wait
        while not (held := lock.try_acquire()) and time.monotonic() < deadline:
            time.sleep(0.05)
        yield held
    finally:
        lock.close()


# ----------------------------------------------------------------------------------------------- journal


@dataclass(frozen=True)
class _Entry:
    target: str  # the owned file, relative to OUT
    staged: bool  # a staged file replaces it (else the file is only removed)
    backup: str | None  # OUT/.assembler/backup/<backup> keeps what was at the target, if anything


@dataclass
class _Journal:
    state: str  # "swapping" or "committed"
    entries: list[_Entry]

    def dump(self) -> bytes:
        entries = [{"target": e.target, "staged": e.staged, "backup": e.backup} for e in self.entries]
        return json.dumps({"format": FORMAT, "state": self.state, "entries": entries}, indent=1).encode()

    @classmethod
    def load(cls, data: bytes) -> _Journal:
        raw = json.loads(data)
        if raw.get("format") != FORMAT or raw.get("state") not in ("swapping", "committed"):
            raise ValueError("unknown journal")
        entries = []
        for item in raw["entries"]:
            backup = item["backup"]
            if backup is not None and not (isinstance(backup, str) and backup.isdigit()):
                raise ValueError("bad backup name")
            entries.append(_Entry(str(_safe_relative(item["target"])), bool(item["staged"]), backup))
        return cls(state=raw["state"], entries=entries)


def _write_journal(tool: Path, journal: _Journal) -> None:
    tmp = tool / (_JOURNAL + ".tmp")
    tmp.unlink(missing_ok=True)
    try:
        _write_new(tmp, journal.dump())
        os.replace(tmp, tool / _JOURNAL)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(tool)


class _Swap:
    """The renames of one journal, each repeatable: a second run after an interruption finishes the job."""

    def __init__(self, out: Path, journal: _Journal) -> None:
        self.out = out
        self.tool = out / TOOL_DIR
        self.journal = journal

    def _paths(self, entry: _Entry) -> tuple[Path, Path, Path | None]:
        backup = self.tool / _BACKUP / entry.backup if entry.backup is not None else None
        return _join(self.out, entry.target), _join(self.tool / _STAGING, entry.target), backup

    def forward(self) -> None:
        (self.tool / _BACKUP).mkdir(exist_ok=True)
        for entry in self.journal.entries:
            target, staged, backup = self._paths(entry)
            pending = backup is not None and not os.path.lexists(backup) and os.path.lexists(target)
            if pending and backup and (os.path.lexists(staged) or not entry.staged):  # never back up the new file
                _disk.step(f"backup {entry.target}")
                os.replace(target, backup)
            if entry.staged and os.path.lexists(staged):
                _disk.step(f"place {entry.target}")
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, target)
        _fsync_dir(self.out)
        _disk.step("commit")
        self.journal.state = "committed"
        _write_journal(self.tool, self.journal)

    def back(self) -> None:
        if self.journal.state == "committed":  # the mark may be on disk: take it back before undoing the swap
            self.journal.state = "swapping"
            _write_journal(self.tool, self.journal)
        for entry in reversed(self.journal.entries):
            target, staged, backup = self._paths(entry)
            if entry.staged and not os.path.lexists(staged) and os.path.lexists(target):
                _disk.step(f"unplace {entry.target}")
                staged.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, staged)
            if backup is not None and os.path.lexists(backup):
                _disk.step(f"restore {entry.target}")
                os.replace(backup, target)
        _fsync_dir(self.out)


def _tidy(tool: Path) -> None:
    """Delete the journal, then the staging and backup folders: called once the folder holds one whole pack, so
    after the journal has gone, whatever an interruption leaves is only litter for the next command to sweep."""
    (tool / _JOURNAL).unlink(missing_ok=True)
    _disk.step("tidy")
    (tool / (_JOURNAL + ".tmp")).unlink(missing_ok=True)
    _remove_tree(tool / _STAGING)
    _remove_tree(tool / _BACKUP)


def _pending(tool: Path) -> bool:
    """Whether an interrupted build left anything in the tool's folder."""
    return any(os.path.lexists(tool / name) for name in (_JOURNAL, _STAGING, _BACKUP))


def _recover_locked(out: Path, tool: Path) -> str:
    """Finish or undo an interrupted swap (the lock is held); say what was done ("" if nothing was pending)."""
    journal_path = tool / _JOURNAL
    if not os.path.lexists(journal_path):
        if _pending(tool):
            _tidy(tool)  # a build stopped before its swap began: its staging folder is all it left
        _unregister(out)
        return ""
    try:
        journal = _Journal.load(journal_path.read_bytes())
    except (ValueError, KeyError, TypeError) as exc:
        raise BuildError(
            f"{journal_path}: an interrupted build left a journal the tool cannot read ({exc}) — "
            "check the folder's files, then delete the .assembler folder"
        ) from None
    swap = _Swap(out, journal)
    done = "finished"
    if journal.state != "committed":
        try:
            swap.forward()
        except OSError:
            try:
                swap.back()
            except OSError as exc:
                raise os_error(out, exc, doing="an interrupted build can be neither finished nor undone") from None
            done = "undone"
    _tidy(tool)
    _unregister(out)
    return f"{out}: an interrupted build was {done}"


def recover(out: Path | str) -> str:
    """Finish (or undo) an interrupted build in ``out`` unless another process is working there.

    Returns a line saying what was done, or "" when nothing was pending."""
    out = Path(out)
    tool = out / TOOL_DIR
    try:
        if not _pending(tool):
            return ""
        tool = _tool_dir(out, create=False)
        with _locked(tool, wait=0) as held:
            return _recover_locked(out, tool) if held else ""
    except OSError as exc:
        raise os_error(out, exc, doing="an interrupted build cannot be finished") from None


# ----------------------------------------------------------------------------------------------- pending swaps


def _state_dir() -> Path:
    """The user's own folder for the tool's state (``ASSEMBLER_STATE`` overrides it)."""
    override = os.environ.get("ASSEMBLER_STATE")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "nhs-collab-assembler"


def _pending_entry(out: Path) -> Path:
    key = hashlib.sha256(os.fsencode(os.path.abspath(out))).hexdigest()[:32]
    return _state_dir() / "pending" / key


def _register(out: Path) -> None:
    """Note a build writing into ``out``, so that the next command (whatever its folder) finishes it if this one
    dies."""
    try:
        pending = _pending_entry(out)
        pending.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        pending.write_text(os.path.abspath(out), encoding="utf-8")
    except OSError:
        pass  # only a convenience: the next build into the folder recovers it anyway


def _unregister(out: Path, *, force: bool = False) -> None:
    """Forget ``out`` once nothing is left there for the next command to finish or sweep (or when ``force``)."""
    with contextlib.suppress(OSError):
        if force or not _pending(out / TOOL_DIR):
            _pending_entry(out).unlink(missing_ok=True)


def recover_pending() -> list[str]:
    """Finish every interrupted build this user's commands have noted; run first by every command."""
    pending = _state_dir() / "pending"
    try:
        if not pending.is_dir() or (os.name != "nt" and pending.stat().st_uid != os.getuid()):
            return []
        entries = sorted(pending.iterdir())
    except OSError:
        return []
    done = []
    for entry in entries:
        try:
            out = Path(entry.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if entry.name != _pending_entry(out).name:
            continue  # not an entry this tool wrote
        if not _pending(out / TOOL_DIR):
            _unregister(out)
            continue
        try:
            line = recover(out)
        except BuildError as exc:  # say so once, but do not stop a command that has nothing to do with that folder
            line = exc.message  # (the next build into that folder says it again)
            _unregister(out, force=True)
        if line:
            done.append(line)
    return done
