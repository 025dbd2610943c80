"""File-system primitives of the pack: names, safe relative paths, writes that follow no link, errno messages."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import stat
import sys
import time
from pathlib import Path, PurePosixPath

from ..errors import BuildError

TOOL_DIR = ".assembler"
MANIFEST = "pack-manifest.json"
FORMAT = 1
_LOCK = "lock"
_JOURNAL = "journal.json"
_STAGING = "staging"
_BACKUP = "backup"
_TOOL_NAMES = (_LOCK, _JOURNAL, _JOURNAL + ".tmp", _STAGING, _BACKUP)
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


def step(label: str) -> None:
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
