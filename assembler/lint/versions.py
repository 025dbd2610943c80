"""Clause versions: ``versions.lock`` records each clause's version and text hash, so a change without a
version bump is caught."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problem
from ..library import Clause, default_root
from ..resources import is_package_data, read_only_library_error
from .files import display, key_lines, load_leniently, read_yaml

__all__ = ["LOCK_NAME", "read_lock", "update_lock", "version_problem"]

LOCK_NAME = "versions.lock"


def read_lock(path: Path) -> dict[str, dict[str, str]]:
    """The recorded versions: clause id → {version, hash} (empty when there is no lock yet)."""
    if not path.is_file():
        return {}
    data = read_yaml(path)
    if not isinstance(data, dict):
        return {}
    return {
        str(k): {"version": str(v.get("version", "")), "hash": str(v.get("hash", ""))}
        for k, v in data.items()
        if isinstance(v, dict)
    }


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def version_problem(clause: Clause, recorded: dict[str, str] | None) -> tuple[str, str] | None:
    """What is wrong with a clause's version against the lock, and what to do; None when all is well."""
    version = clause.meta.version
    update = "run `assembler clauses lint --update-lock`"
    if recorded is None:
        return f"{clause.id} v{version} is not recorded in {LOCK_NAME}", update
    if recorded["hash"] == clause.text_hash:
        if recorded["version"] == version:
            return None
        return f"version changed to {version} but the text did not ({LOCK_NAME} records {recorded['version']})", update
    if recorded["version"] == version:
        what = f"text or condition changed since version {version} was recorded, but the version was not bumped"
        return what, f"bump `version`, then {update}"
    if _version_key(version) <= _version_key(recorded["version"]):
        return f"version {version} is not later than the recorded {recorded['version']}", "bump `version`"
    return f"version bumped to {version}; {LOCK_NAME} still records {recorded['version']}", update


def update_lock(root: Path | None = None, *, lock: Path | None = None) -> list[Problem]:
    """Record every clause's version and hash; refuse (returning why) when a changed clause kept its version."""
    root = root or default_root()
    if is_package_data(root):
        raise read_only_library_error(root, "assembler clauses lint --update-lock")
    lock = lock or root / LOCK_NAME
    library = load_leniently(root)[0]
    locked = read_lock(lock)
    refused: list[Problem] = []
    for clause_id, clause in sorted(library.clauses.items()):
        recorded = locked.get(clause_id)
        if recorded is None or recorded["hash"] == clause.text_hash:
            continue
        if _version_key(clause.meta.version) <= _version_key(recorded["version"]):
            line = key_lines(clause.path.read_text(encoding="utf-8")).get("version")
            what = f"{clause_id} changed but keeps version {clause.meta.version} (recorded {recorded['version']})"
            refused.append(Problem(display(clause.path, root), "version", what, "bump `version` first", line))
    if refused:
        return refused
    lines = [
        "# Recorded clause versions: clause id -> version and hash of its text and condition.",
        "# Written by `assembler clauses lint --update-lock`; lint fails when a clause changes without a version bump.",
    ]
    for clause_id, clause in sorted(library.clauses.items()):
        lines.append(f'{clause_id}: {{version: "{clause.meta.version}", hash: "{clause.text_hash}"}}')
    text = "\n".join(lines) + "\n"
    if not lock.is_file() or lock.read_text(encoding="utf-8") != text:
        lock.write_text(text, encoding="utf-8")
    return []
