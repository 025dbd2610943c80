"""The user cache: only the user's own authenticated entries are ever used; any problem with it is a miss."""

from __future__ import annotations

import errno
import hashlib
import os
import pickle
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from jinja2 import bccache
from jinja2.sandbox import ImmutableSandboxedEnvironment

from assembler import cache as cache_module
from assembler.answers_file import load_answers
from assembler.cache import AuthenticatedBytecodeCache, entry_path, open_cache
from assembler.library import Library, load_library
from assembler.model import DocumentKind
from assembler.rendering import answers_context, make_environment

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
CLAUSE = "cjv.term"
POSIX = hasattr(os, "getuid")


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def context(library: Library) -> dict[str, Any]:
    return answers_context(load_answers(MSECC).answers, library.documents[DocumentKind.CJV])


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ASSEMBLER_CACHE", str(folder))
    return folder


def render(library: Library, context: dict[str, Any]) -> tuple[str, ImmutableSandboxedEnvironment]:
    """The clause rendered by a new environment (so nothing comes from memory, only source or disk cache)."""
    env = make_environment(library=library)
    return env.get_template(f"clause:{CLAUSE}").render(context), env


def clause_entry(env: ImmutableSandboxedEnvironment, library: Library) -> Path:
    bcc = env.bytecode_cache
    assert isinstance(bcc, AuthenticatedBytecodeCache)
    key = bcc.get_cache_key(f"clause:{CLAUSE}", str(library.clauses[CLAUSE].path))
    return entry_path(bcc.cache.folder, bcc.prefix + key)


@pytest.fixture
def expected(library: Library, context: dict[str, Any], folder: Path) -> str:
    text, env = render(library, context)  # fills the cache
    assert clause_entry(env, library).is_file()
    again, _ = render(library, context)
    assert again == text
    return text


def test_the_folder_and_key_are_private(expected: str, folder: Path) -> None:
    if POSIX:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE((folder / "key").stat().st_mode) == 0o600
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.glob("*.entry"))
    assert len((folder / "key").read_bytes()) == 32


def test_a_planted_unauthenticated_entry_is_never_loaded(
    library: Library, context: dict[str, Any], expected: str, folder: Path, tmp_path: Path
) -> None:
    """Jinja unpickles a bytecode entry's checksum: a pickle planted at the (predictable) key must never reach it."""
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (Path.touch, (marker,))

    planted = bccache.bc_magic + pickle.dumps(Payload()) + b"\0" * 64
    _, env = render(library, context)
    path = clause_entry(env, library)
    for data in (planted, cache_module._MAGIC + b"\0" * 32 + planted):  # as jinja stores it; with a forged tag
        path.write_bytes(data)
        text, _ = render(library, context)
        assert not marker.exists(), "a planted pickle was executed"
        assert text == expected


def test_a_tampered_entry_is_not_used(library: Library, context: dict[str, Any], expected: str) -> None:
    """Compiled code of an edited clause under the valid entry's tag (and the source's checksum) is refused."""
    _, env = render(library, context)
    path = clause_entry(env, library)
    data = path.read_bytes()
    head = data[: len(cache_module._MAGIC) + 32]
    clause = library.clauses[CLAUSE]
    bucket = bccache.Bucket(env, "k", hashlib.sha1(clause.body.encode("utf-8")).hexdigest())
    bucket.code = env.compile(clause.body.replace("The", "INSERTED The", 1), f"clause:{CLAUSE}", str(clause.path))
    path.write_bytes(head + bucket.bytecode_to_string())
    text, _ = render(library, context)
    assert "INSERTED" not in text and text == expected


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9, 0.999])
def test_a_flipped_byte_is_a_miss(library: Library, context: dict[str, Any], expected: str, where: float) -> None:
    _, env = render(library, context)
    path = clause_entry(env, library)
    data = bytearray(path.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    path.write_bytes(bytes(data))
    text, _ = render(library, context)
    assert text == expected
    assert path.read_bytes() != bytes(data), "the damaged entry is replaced by a good one"


@pytest.mark.parametrize("keep", [0, 10, 0.5])
def test_a_truncated_entry_is_a_miss(library: Library, context: dict[str, Any], expected: str, keep: float) -> None:
    _, env = render(library, context)
    path = clause_entry(env, library)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep) if isinstance(keep, float) else keep])
    assert render(library, context)[0] == expected


def _within(seconds: float, fn: Any) -> Any:
    """Run ``fn`` in a thread; fail (instead of hanging the test run) if it takes longer than ``seconds``."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(fn()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return result[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_at_an_entry_or_the_key_does_not_hang(
    library: Library, context: dict[str, Any], expected: str, folder: Path
) -> None:
    _, env = render(library, context)
    path = clause_entry(env, library)
    path.unlink()
    os.mkfifo(path)
    assert _within(5, lambda: render(library, context)[0]) == expected
    (folder / "key").unlink()
    os.mkfifo(folder / "key")
    assert _within(5, lambda: render(library, context)[0]) == expected
    assert (folder / "key").is_file() and len((folder / "key").read_bytes()) == 32


def test_a_folder_at_an_entry_path_is_a_miss(library: Library, context: dict[str, Any], expected: str) -> None:
    _, env = render(library, context)
    path = clause_entry(env, library)
    path.unlink()
    path.mkdir()
    assert render(library, context)[0] == expected


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES])
def test_a_cache_that_cannot_be_written_is_ignored(
    library: Library, context: dict[str, Any], folder: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    """A full disk, no inodes, a read-only or unwritable cache: the build goes on (was UnboundLocalError)."""
    expected, _ = render(library, context)
    for entry in folder.glob("*.entry"):
        entry.unlink()

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(cache_module.tempfile, "mkstemp", refuse)
    assert render(library, context)[0] == expected
    monkeypatch.undo()
    monkeypatch.setenv("ASSEMBLER_CACHE", str(folder))
    monkeypatch.setattr(cache_module.os, "replace", refuse)
    assert render(library, context)[0] == expected
    assert not list(folder.glob("*.entry")) and not list(folder.glob(".tmp-*")), "nothing half-written is left"


def test_a_cache_folder_that_cannot_be_made_is_ignored(
    library: Library, context: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("ASSEMBLER_CACHE", str(tmp_path / "file" / "cache"))
    assert open_cache() is None
    monkeypatch.setenv("ASSEMBLER_CACHE", "off")
    assert open_cache() is None
    monkeypatch.delenv("ASSEMBLER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    assert open_cache() is None
    assert render(library, context)[0]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_symlinked_cache_folder_is_refused(
    library: Library, context: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(target)
    monkeypatch.setenv("ASSEMBLER_CACHE", str(tmp_path / "link"))
    assert open_cache() is None
    render(library, context)
    assert not list(target.iterdir())


@pytest.mark.skipif(not POSIX, reason="POSIX owners and modes")
def test_a_folder_or_key_of_another_user_is_refused(
    library: Library, context: dict[str, Any], expected: str, folder: Path
) -> None:
    if os.getuid() != 0:
        pytest.skip("making a file of another user needs root")
    os.chown(folder / "key", 4242, 4242)
    cache = open_cache()
    assert cache is not None and (folder / "key").stat().st_uid == os.getuid(), "a foreign key is replaced"
    os.chown(folder, 4242, 4242)
    assert open_cache() is None


@pytest.mark.skipif(not POSIX, reason="POSIX modes")
def test_loose_modes_are_tightened_and_a_readable_key_replaced(expected: str, folder: Path) -> None:
    key = (folder / "key").read_bytes()
    os.chmod(folder, 0o777)
    os.chmod(folder / "key", 0o644)
    assert open_cache() is not None
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (folder / "key").read_bytes() != key


def test_an_entry_is_bound_to_its_name_and_context(folder: Path) -> None:
    cache = open_cache()
    assert cache is not None
    cache.write("a", b"payload", context="tool 1")
    assert cache.read("a", context="tool 1") == b"payload"
    assert cache.read("a", context="tool 2") is None
    entry_path(folder, "a").replace(entry_path(folder, "b"))
    assert cache.read("b", context="tool 1") is None


def test_the_key_covers_the_environment_settings(library: Library) -> None:
    """A changed tool or environment never runs templates compiled for another."""
    env = make_environment(library=library)
    other = make_environment(library=library)
    other.trim_blocks = False
    from assembler.rendering import _settings

    assert _settings(env) == _settings(make_environment(library=library))
    assert _settings(env) != _settings(other)
