"""The pack folder: the files one build owns, written all or nothing (staged, then swapped in under a journal).

A build's output folder holds its *pack*: the documents (and PDFs), the assembly report, a snapshot of the answers
and the document model as JSON, and the manifest ``pack-manifest.json`` naming every file the pack owns with its
SHA-256 (clean copies, ``--clean``, are a second pack beside the first: ``pack-manifest-clean.json``). The tool
touches only files the previous manifest names or that it writes now; anything else in the folder is left alone.

How a pack is written (the tool's own state lives in ``OUT/.assembler/``)::

    1. lock      take OUT/.assembler/lock (an OS file lock: a killed process lets go of it at once), finish
                 any interrupted swap (below), delete stale staging and temporary files
    2. check     every target is a file, a link or absent (a folder in the way stops the build here)
    3. stage     write every new file, PDFs included, into OUT/.assembler/staging/ (same disk: renames are
                 atomic), flushed to disk; a full disk or any error here deletes the staging folder, and
                 nothing in OUT has changed
    4. journal   write OUT/.assembler/journal.json (atomically): each target, whether a staged file replaces
                 it, and where the file it replaces is kept (OUT/.assembler/backup/N)
    5. swap      for each target: move the old file (or a planted link: renames never follow links) to its
                 backup, then the staged file into place; the manifest goes last
    6. commit    mark the journal committed, then delete it, the backups and the staging folder

Any error during the swap puts every old file back (roll back) and the build fails with a one-line message. If
the process dies (killed, power cut) with a journal on disk, the next command that runs (any command: a pending
swap is also noted in the user's state folder) rolls it forward — the staged files are complete, since the
journal is written only after them — or back when that fails; each step can be repeated, so a second
interruption changes nothing. Whenever no command is running, the owned files are all from one build.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import BuildError

__all__ = [
    "MANIFEST",
    "TOOL_DIR",
    "PackWriter",
    "manifest_name",
    "os_error",
    "read_manifest",
    "recover",
    "recover_pending",
    "verify",
]

TOOL_DIR = ".assembler"
MANIFEST = "pack-manifest.json"
FORMAT = 1
_LOCK = "lock"
_JOURNAL = "journal.json"
_STAGING = "staging"
_BACKUP = "backup"
_TOOL_NAMES = (_LOCK, _JOURNAL, _JOURNAL + ".tmp", _STAGING, _BACKUP)
_LOCK_WAIT = 30.0  # seconds a build waits for another one writing to the same folder
_NAME_BYTES = 255  # the longest file name most file systems store (NTFS: 255 UTF-16 units)
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")  # tempfile.mkstemp(prefix=".NAME.", suffix=".tmp")


def manifest_name(variant: str = "") -> str:
    """``pack-manifest.json``, or ``pack-manifest-clean.json`` for the clean copies (variant ``-clean``)."""
    return f"pack-manifest{variant}.json"


# ----------------------------------------------------------------------------------------------- errors

_ADVICE = {
    errno.ENOSPC: ("the disk is full", "free some space, or build into another disk with --out"),
    errno.EDQUOT: ("the disk quota is used up", "free some space, or build into another disk with --out"),
    errno.ENAMETOOLONG: ("the name is too long", "shorten collaborative.short_name, or use a shorter --out"),
    errno.EACCES: ("permission denied", "close it if it is open, check the folder's permissions, or use --out"),
    errno.EPERM: ("not permitted", "close it if it is open, check the folder's permissions, or use --out"),
    errno.EROFS: ("the disk is read-only", "build into another folder with --out"),
    errno.EISDIR: ("a folder is in the way", "move the folder away, or use --out"),
    errno.ENOTDIR: ("a file is in the way of a folder", "move the file away, or use --out"),
    errno.EBUSY: ("the file is in use", "close it if it is open, or use --out"),
    errno.EIO: ("the disk reported an input/output error", "check the disk, or use --out"),
}


def os_error(path: Path | str, exc: OSError, *, doing: str = "cannot be written") -> BuildError:
    """A one-line ``BuildError`` for an ``OSError``, with advice that fits its errno."""
    reason, advice = _ADVICE.get(exc.errno or 0, (exc.strerror or type(exc).__name__, "use another folder with --out"))
    return BuildError(f"{path}: {doing} ({reason}) — {advice}")


# ----------------------------------------------------------------------------------------------- hooks


def _step(label: str) -> None:
    """The kill test's hook: with ``ASSEMBLER_PACK_STEP_DELAY`` set, say each step on stderr and pause before it."""
    delay = os.environ.get("ASSEMBLER_PACK_STEP_DELAY")
    if delay:
        print(f"pack-step {label}", file=sys.stderr, flush=True)
        time.sleep(float(delay))


# ----------------------------------------------------------------------------------------------- paths


def _safe_relative(name: str) -> PurePosixPath:
    """A path the pack may own: relative, '/'-separated, inside the folder, no '..' or drive."""
    rel = PurePosixPath(name)
    if (
        not name
        or rel.is_absolute()
        or "\\" in name
        or ":" in name
        or any(part in ("", ".", "..") for part in name.split("/"))
        or (rel.parts[0] == TOOL_DIR and (len(rel.parts) != 2 or rel.parts[1] in _TOOL_NAMES))
    ):
        raise ValueError(f"not a pack file name: {name!r}")
    return rel


def _join(root: Path, rel: str) -> Path:
    return root.joinpath(*_safe_relative(rel).parts)


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder to flush it; its renames are journalled by NTFS
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist: nothing is written through a link) and flush it to disk."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_tree(path: Path) -> None:
    """Delete a folder of the tool's own (or a link or file planted in its place) without following links."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path)
    else:
        path.unlink()


def _tool_dir(out: Path, *, create: bool) -> Path:
    tool = out / TOOL_DIR
    try:
        mode = os.lstat(tool).st_mode
    except FileNotFoundError:
        if create:
            tool.mkdir(mode=0o755)
        return tool
    if not stat.S_ISDIR(mode):
        raise BuildError(
            f"{tool}: is not the tool's folder (a file or link is in its place) — move it away, or use --out"
        )
    return tool


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
                _step(f"backup {entry.target}")
                os.replace(target, backup)
            if entry.staged and os.path.lexists(staged):
                _step(f"place {entry.target}")
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, target)
        _fsync_dir(self.out)
        _step("commit")
        self.journal.state = "committed"
        _write_journal(self.tool, self.journal)

    def back(self) -> None:
        if self.journal.state == "committed":  # the mark may be on disk: take it back before undoing the swap
            self.journal.state = "swapping"
            _write_journal(self.tool, self.journal)
        for entry in reversed(self.journal.entries):
            target, staged, backup = self._paths(entry)
            if entry.staged and not os.path.lexists(staged) and os.path.lexists(target):
                _step(f"unplace {entry.target}")
                staged.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, staged)
            if backup is not None and os.path.lexists(backup):
                _step(f"restore {entry.target}")
                os.replace(backup, target)
        _fsync_dir(self.out)


def _tidy(tool: Path) -> None:
    """Delete the journal, then the staging and backup folders: called once the folder holds one whole pack, so
    after the journal has gone, whatever an interruption leaves is only litter for the next command to sweep."""
    (tool / _JOURNAL).unlink(missing_ok=True)
    _step("tidy")
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


# ----------------------------------------------------------------------------------------------- manifest


def read_manifest(out: Path, variant: str = "") -> dict[str, Any] | None:
    """The pack's manifest, or None when there is none (or it cannot be read)."""
    path = out / manifest_name(variant)
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        data = json.loads(path.read_bytes())
        files = data["files"]
        for item in files:
            _safe_relative(item["path"])
            if not isinstance(item["sha256"], str):
                raise ValueError("bad digest")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def verify(out: Path | str, variant: str = "") -> list[str]:
    """Problems with the pack in ``out`` (empty if its files are exactly the ones its manifest names)."""
    out = Path(out)
    if os.path.lexists(out / TOOL_DIR / _JOURNAL):
        return [f"{out}: a build was interrupted and not yet finished"]
    manifest = read_manifest(out, variant)
    if manifest is None:
        return [f"{out / manifest_name(variant)}: missing or unreadable"]
    problems = []
    for item in manifest["files"]:
        path = _join(out, item["path"])
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                problems.append(f"{path}: not a file")
            elif _sha256(path) != item["sha256"]:
                problems.append(f"{path}: changed since the build")
        except FileNotFoundError:
            problems.append(f"{path}: missing")
    return problems


# ----------------------------------------------------------------------------------------------- writing


def check_name(name: str) -> str | None:
    """Why ``name`` cannot be a file name on common file systems, or None."""
    if len(os.fsencode(name)) > _NAME_BYTES or len(name.encode("utf-16-le")) // 2 > _NAME_BYTES:
        return f"a file name of {len(name)} characters is too long (at most {_NAME_BYTES} bytes)"
    return None


@dataclass
class PackWriter:
    """One build's writes into ``out``: ``with PackWriter(out, manifest=...) as pack: pack.stage(...); pack.commit(...)``.

    Entering creates the folder, takes its lock, finishes any interrupted build and deletes stale files; leaving
    without ``commit`` (an error) deletes what was staged, so the folder is as it was."""

    out: Path
    manifest: str = MANIFEST
    staged: dict[str, str] = field(default_factory=dict)  # relative name → SHA-256
    _created: list[Path] = field(default_factory=list)
    _lock: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _committed: bool = False

    @property
    def tool(self) -> Path:
        return self.out / TOOL_DIR

    @property
    def staging(self) -> Path:
        return self.tool / _STAGING

    def __enter__(self) -> PackWriter:
        try:
            missing = []
            place = self.out
            while not os.path.lexists(place) and place != place.parent:
                missing.append(place)
                place = place.parent
            self.out.mkdir(parents=True, exist_ok=True)
            self._created = missing
            if not os.path.lexists(self.tool):
                self._created.insert(0, self.tool)
            tool = _tool_dir(self.out, create=True)
            held = self._lock.enter_context(_locked(tool, wait=_LOCK_WAIT))
            if not held:
                raise BuildError(f"{self.out}: another build is writing to this folder — wait for it, or use --out")
            _recover_locked(self.out, tool)
            _register(self.out)
            self.staging.mkdir(mode=0o700)
        except OSError as exc:
            self._close(failed=True)
            raise os_error(self.out, exc) from None
        except BaseException:
            self._close(failed=True)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._close(failed=not self._committed)

    def _close(self, *, failed: bool) -> None:
        undo = failed and not os.path.lexists(self.tool / _JOURNAL)  # failed before its swap: nothing changed
        if undo:
            with contextlib.suppress(OSError):
                _remove_tree(self.staging)
        _unregister(self.out)
        self._lock.close()
        if not undo:
            return
        for folder in self._created:  # a failed first build leaves no empty folder behind
            with contextlib.suppress(OSError):
                if folder == self.tool:
                    (folder / _LOCK).unlink(missing_ok=True)
                folder.rmdir()

    def _owned_before(self) -> dict[str, str]:
        manifest = read_manifest(self.out, self._variant())
        owned = {item["path"]: item["sha256"] for item in manifest["files"]} if manifest else {}
        if manifest is not None:
            owned[self.manifest] = ""
        return owned

    def _variant(self) -> str:
        return self.manifest.removeprefix("pack-manifest").removesuffix(".json")

    def _remove_stale_temporaries(self, names: set[str]) -> None:
        """Hidden ``.NAME.XXXXXXXX.tmp`` files that interrupted writes of earlier versions left beside pack files."""
        for entry in os.scandir(self.out):
            match = _TEMPORARY.match(entry.name)
            if match and match["name"] in names and not entry.is_dir(follow_symlinks=False):
                _step(f"remove {entry.name}")
                Path(entry.path).unlink()

    def check_targets(self, names: list[str]) -> None:
        """Stop before anything changes if a target cannot be replaced (a folder, or a non-file, in its place)."""
        check_targets(self.out, names)

    def stage(self, name: str, data: bytes) -> Path:
        """Write one of the pack's files into the staging folder."""
        path = _join(self.staging, name)
        _step(f"stage {name}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_new(path, data)
        except OSError as exc:
            raise os_error(_join(self.out, name), exc) from None
        self.staged[name] = hashlib.sha256(data).hexdigest()
        return path

    def adopt(self, name: str) -> None:
        """Add a file that another program (LibreOffice) wrote into the staging folder."""
        self.staged[name] = _sha256(_join(self.staging, name))

    def commit(self, meta: dict[str, Any]) -> dict[str, Any]:
        """Write the manifest, then swap the staged files in (rolling back on any error); returns the manifest."""
        files = [{"path": n, "sha256": self.staged[n]} for n in sorted(self.staged)]
        build_id = hashlib.sha256("".join(f"{f['path']}\0{f['sha256']}\n" for f in files).encode()).hexdigest()
        manifest = {"format": FORMAT, "build": build_id, **meta, "files": files}
        self.stage(self.manifest, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        before = self._owned_before()
        new = [n for n in self.staged if n != self.manifest] + [self.manifest]  # the manifest goes last
        check_targets(self.out, new)
        entries: list[_Entry] = []
        for name in new:
            exists = os.path.lexists(_join(self.out, name))
            entries.append(_Entry(name, True, str(len(entries)) if exists else None))
        for name, digest in sorted(before.items()):
            path = _join(self.out, name)
            if name in self.staged or not os.path.lexists(path):
                continue
            with contextlib.suppress(OSError, BuildError):  # an owned file changed since is the user's now: kept
                check_targets(self.out, [name])  # in a real folder of OUT, not through a link
                if stat.S_ISREG(os.lstat(path).st_mode) and _sha256(path) == digest:
                    entries.insert(0, _Entry(name, False, str(len(entries))))
        journal = _Journal("swapping", entries)
        swap = _Swap(self.out, journal)
        try:
            self._remove_stale_temporaries({n for n in [*self.staged, *before] if "/" not in n})
            _fsync_dir(self.staging)
            _step("journal")
            _write_journal(self.tool, journal)
        except OSError as exc:
            with contextlib.suppress(OSError):
                (self.tool / _JOURNAL).unlink(missing_ok=True)
            raise os_error(self.tool / _JOURNAL, exc) from None
        try:
            swap.forward()
        except OSError as exc:
            try:
                swap.back()
            except OSError:
                raise os_error(
                    self.out, exc, doing="the build stopped half-way; the next command finishes it"
                ) from None
            with contextlib.suppress(OSError):
                _tidy(self.tool)
                _unregister(self.out)
            raise os_error(getattr(exc, "filename", None) or self.out, exc) from None
        self._committed = True
        with contextlib.suppress(OSError):  # the new pack is in place; what is left is only tidying
            _tidy(self.tool)
            _unregister(self.out)
        return manifest


def check_targets(out: Path, names: list[str]) -> None:
    """Raise ``BuildError`` if a pack file cannot be written at one of ``names`` (nothing is changed)."""
    for name in names:
        path = _join(out, name)
        reason = check_name(path.name)
        if reason:
            raise BuildError(f"{path}: {reason} — shorten collaborative.short_name, or use --out")
        for parent in reversed(path.relative_to(out).parents[:-1]):
            place = out / parent
            with contextlib.suppress(FileNotFoundError):
                if not stat.S_ISDIR(os.lstat(place).st_mode):
                    raise BuildError(
                        f"{place}: is not a folder (a file or link is in its place) — move it away, or use --out"
                    )
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise os_error(path, exc) from None
        if stat.S_ISDIR(mode):
            raise BuildError(f"{path}: a folder is in the way — move it away, or use --out")
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            raise BuildError(f"{path}: is not a file — move it away, or use --out")
        if os.name == "nt" and stat.S_ISREG(mode):  # Windows cannot replace a file Word has open
            try:
                with open(path, "r+b"):
                    pass
            except OSError as exc:
                raise os_error(path, exc) from None
