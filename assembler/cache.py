"""The user's cache folder: compiled clause templates kept between runs, authenticated so that nobody else's bytes
are ever used.

The folder must be the user's own: a real folder (not a symlink) owned by the user with mode 0700 (on POSIX; a
folder the user owns with looser bits is tightened). Each entry carries an HMAC-SHA256 of its name, its context
(tool, Python and settings) and its bytes, keyed by a random key kept in the folder (``key``, mode 0600), so an
entry planted or changed by anyone without the key, truncated, or flipped by a bad disk is a miss. Any problem at
all (a FIFO or a folder at an entry's path, a full disk, no inodes, a folder that cannot be made) is a miss too:
the cache is only an accelerator, and a build never fails or slows down because of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from .reading import read_at_most

__all__ = ["AuthenticatedBytecodeCache", "UserCache", "cache_dir", "entry_path", "open_cache"]

_MAGIC = b"assembler-cache-1\n"
_KEY_NAME = "key"
_KEY_SIZE = 32
_MAX_ENTRY = 64 * 1024 * 1024  # far above any compiled clause; a bigger file is not ours
# Never follow a symlink, never block on a FIFO; flags a platform lacks (Windows) are simply 0.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_POSIX = hasattr(os, "getuid")


def _location() -> Path | None:
    setting = os.environ.get("ASSEMBLER_CACHE")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assembler"


def cache_dir() -> Path | None:
    """``$ASSEMBLER_CACHE``, else ``$XDG_CACHE_HOME/assembler`` or ``~/.cache/assembler``; None when it is
    switched off (``ASSEMBLER_CACHE=off``), cannot be made, is a symlink or is not the user's own."""
    try:
        folder = _location()
        if folder is None:
            return None
        folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        if not stat.S_ISDIR(os.lstat(folder).st_mode):  # a symlink (or a file) is refused, even to a folder
            return None
        if _POSIX and not _own_private_folder(folder):
            return None
    except (OSError, NotImplementedError, RuntimeError, KeyError):  # RuntimeError, KeyError: no home folder
        return None
    return folder


def _own_private_folder(folder: Path) -> bool:
    """The folder, opened without following a link, is the user's; group and others lose any access to it."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return False
        if info.st_mode & 0o077:
            os.fchmod(fd, 0o700)
        return True
    finally:
        os.close(fd)


def entry_path(folder: Path, name: str) -> Path:
    """Where the entry ``name`` is kept (``name`` is made only of the tool's own hex digests and prefixes)."""
    return folder / f"{name}.entry"


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file owned by the user, or None (a FIFO, device, symlink or folder is never read)."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        if _POSIX and info.st_uid != os.getuid():
            return None
        data = read_at_most(fd, info.st_size)  # a file that grows while it is read is longer than it said
        return data if len(data) <= min(info.st_size, limit) else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _write_new(folder: Path, path: Path, data: bytes) -> bool:
    """Write ``data`` to a new private file and rename it to ``path``; False on any failure (nothing left behind)."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return True
    except (OSError, ValueError):  # a full disk, no inodes, a folder in the way, a read-only cache...
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False


def _key(folder: Path) -> bytes | None:
    """The user's cache key, made on first use; a key others could read or change is replaced."""
    path = folder / _KEY_NAME
    key = _read_regular(path, _KEY_SIZE)
    if key is not None and len(key) == _KEY_SIZE and _private(path):
        return key
    if not _write_new(folder, path, secrets.token_bytes(_KEY_SIZE)):
        return None
    key = _read_regular(path, _KEY_SIZE)  # another process may have written its own key at the same moment
    return key if key is not None and len(key) == _KEY_SIZE else None


def _private(path: Path) -> bool:
    if not _POSIX:
        return True
    try:
        return not os.lstat(path).st_mode & 0o077
    except OSError:
        return False


def _mac(key: bytes, name: str, context: str, payload: bytes) -> bytes:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in (name.encode(), context.encode(), payload):
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.digest()


class UserCache:
    """An opened cache: the user's folder and key, checked once, then entries read and written by name."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self._key = key

    def read(self, name: str, *, context: str) -> bytes | None:
        """The bytes stored as ``name`` under the same ``context``, or None: absent, unreadable, not a regular file,
        damaged, or not written by this user's tool under this context, all are misses."""
        data = _read_regular(entry_path(self.folder, name), _MAX_ENTRY)
        if data is None or not data.startswith(_MAGIC):
            return None
        tag, payload = data[len(_MAGIC) : len(_MAGIC) + 32], data[len(_MAGIC) + 32 :]
        if not hmac.compare_digest(tag, _mac(self._key, name, context, payload)):
            return None
        return payload

    def write(self, name: str, payload: bytes, *, context: str) -> None:
        """Keep ``payload`` for the next run; failures are ignored (the cache is only an accelerator)."""
        if len(payload) <= _MAX_ENTRY - 64:
            mac = _mac(self._key, name, context, payload)
            _write_new(self.folder, entry_path(self.folder, name), _MAGIC + mac + payload)


def open_cache() -> UserCache | None:
    """The user's cache, or None when it is off or cannot be used safely (see the module's docstring)."""
    folder = cache_dir()
    if folder is None:
        return None
    key = _key(folder)
    return UserCache(folder, key) if key is not None else None


class AuthenticatedBytecodeCache(BytecodeCache):
    """Jinja's compiled templates in the user's cache. Jinja unpickles and unmarshals what a bytecode cache hands
    it, so only an entry that authenticates (same user's key, same tool, Python and environment settings) is."""

    def __init__(self, cache: UserCache, *, settings: str) -> None:
        self.cache = cache
        self.context = settings
        self.prefix = "jinja-" + hashlib.sha256(settings.encode()).hexdigest()[:16] + "-"

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.cache.read(self.prefix + bucket.key, context=self.context)
        if data is None:
            return
        try:
            bucket.bytecode_from_string(data)
        except Exception:  # authenticated yet unusable (another jinja's format): compile from the source
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            data = bucket.bytecode_to_string()
        except Exception:  # some code objects cannot be marshalled: simply not cached
            return
        self.cache.write(self.prefix + bucket.key, data, context=self.context)
