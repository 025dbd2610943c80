"""Writing a pack (stage, then swap in under a journal), reading its manifest, and checking a folder against it."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildError
from . import _disk
from ._disk import (
    _JOURNAL,
    _LOCK,
    _NAME_BYTES,
    _STAGING,
    _TEMPORARY,
    FORMAT,
    MANIFEST,
    TOOL_DIR,
    _fsync_dir,
    _join,
    _remove_tree,
    _safe_relative,
    _sha256,
    _tool_dir,
    _write_new,
    manifest_name,
    os_error,
)
from ._journal import _Entry, _Journal, _locked, _recover_locked, _register, _Swap, _tidy, _unregister, _write_journal

_LOCK_WAIT = 30.0  # seconds a build waits for another one writing to the same folder

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
                _disk.step(f"remove {entry.name}")
                Path(entry.path).unlink()

    def stage(self, name: str, data: bytes) -> Path:
        """Write one of the pack's files into the staging folder."""
        path = _join(self.staging, name)
        _disk.step(f"stage {name}")
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
        except OSError as exc:
            raise os_error(getattr(exc, "filename", None) or self.out, exc, doing="cannot be removed") from None
        try:
            _fsync_dir(self.staging)
            _disk.step("journal")
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
