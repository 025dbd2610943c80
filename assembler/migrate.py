"""Answers written in an older format, brought up to the format this tool reads.

Each step turns format ``n`` into ``n + 1`` in place (on plain data or on the comment-keeping YAML tree, whose
comments and key order survive) and says in plain words what it changed. Reading an old file migrates it in
memory and says so in one line; ``assembler migrate FILE`` (or the interview's next save) writes it back.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from .errors import InputError
from .model import FORMAT_VERSION

__all__ = ["FIRST_FORMAT", "migrate", "notice"]

FIRST_FORMAT = 1
"""The oldest answers format this tool still reads."""


def _rename(mapping: MutableMapping[str, Any], old: str, new: str) -> bool:
    """Rename a key in place, keeping its position (and, in a YAML tree, its comments)."""
    if old not in mapping or new in mapping:
        return False
    if hasattr(mapping, "insert"):  # ruamel's CommentedMap: keep the key where it was
        keys = list(mapping)
        position = keys.index(old)
        comment = mapping.ca.items.pop(old, None)  # type: ignore[attr-defined]
        value = mapping.pop(old)
        mapping.insert(position, new, value)
        if comment is not None:
            mapping.ca.items[new] = comment  # type: ignore[attr-defined]
    else:
        items = list(mapping.items())
        mapping.clear()
        for key, value in items:
            mapping[new if key == old else key] = value
    return True


def _v1_to_v2(data: MutableMapping[str, Any]) -> list[str]:
    """Format 2 takes exact fractions as thresholds, so ``threshold_percent`` became ``threshold``."""
    changes: list[str] = []
    bodies = data.get("bodies")
    for body in bodies if isinstance(bodies, list) else []:
        voting = body.get("voting") if isinstance(body, MutableMapping) else None
        if isinstance(voting, MutableMapping) and _rename(voting, "threshold_percent", "threshold"):
            changes.append("voting.threshold_percent is now voting.threshold")
    return sorted(set(changes))


STEPS: dict[int, Callable[[MutableMapping[str, Any]], list[str]]] = {1: _v1_to_v2}
"""``STEPS[n]`` migrates format ``n`` to ``n + 1``."""


def migrate(data: MutableMapping[str, Any], name: str) -> tuple[int, list[str]]:
    """Bring ``data`` to the current format in place: ``(the format it was in, what changed)``.

    A file with no ``format_version`` is taken to be in the current format (the model then checks it); a format
    newer than this tool's, or one that is not a whole number, is refused with what to do."""
    version = data.get("format_version", FORMAT_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < FIRST_FORMAT:
        raise InputError.single(
            path=name,
            where="format_version",
            what=f"{version!r} is not an answers format",
            fix=f"write `format_version: {FORMAT_VERSION}`",
        )
    if version > FORMAT_VERSION:
        raise InputError.single(
            path=name,
            where="format_version",
            what=f"the file is in answers format {version}, written by a newer version of assembler",
            fix=f"upgrade assembler (this version reads formats {FIRST_FORMAT} to {FORMAT_VERSION})",
        )
    changes: list[str] = []
    for step in range(version, FORMAT_VERSION):
        changes += STEPS[step](data)
    if version != FORMAT_VERSION:
        data["format_version"] = FORMAT_VERSION
    return version, changes


def notice(name: str, version: int, changes: list[str], then: str | None = None) -> str | None:
    """The one line that tells the user an old file was read in the current format (None if it was current);
    ``then`` says what happens next (by default: the command that rewrites the file)."""
    if version == FORMAT_VERSION:
        return None
    what = f" ({'; '.join(changes)})" if changes else ""
    then = then or f"run `assembler migrate {name}` to update the file"
    return f"{name}: answers format {version} read as format {FORMAT_VERSION}{what}; {then}"
