"""The interview's draft: a partial answers file, saved atomically after every answer, comments kept.

A half-finished collaborative is not yet a valid ``Answers`` (required answers are missing), so the draft is
the YAML mapping itself, updated in place; each value put into it has been validated against its own field
first, so the file only ever holds valid answers. A key that is present has been answered (an explicit null
is an answer: "unknown"); resuming asks the first key that is missing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from .. import answers_file
from ..answers_file import write_atomic
from ..errors import InputError
from ..migrate import migrate, notice
from ..model import FORMAT_VERSION, Answers
from .questions import model_at

__all__ = ["MISSING", "Session"]

MISSING = object()
"""What ``Session.get`` returns for a question not yet answered."""


class Session:
    """One answers file being written by the interview."""

    def __init__(self, path: Path, document: CommentedMap) -> None:
        self.path = path
        self.document = document
        self._yaml = answers_file.round_trip_yaml()
        self._blocks: dict[str, str] = {}  # YAML text of each top-level answer, until it changes
        self.notice: str | None = None  # set when the file was in an older answers format
        self.revision = 0  # goes up with every change, so what is worked out from the draft can be kept till then
        self._snapshot: tuple[int, dict[str, Any]] | None = None

    @classmethod
    def open(cls, path: Path, *, name: str | None = None) -> Session:
        """Resume ``path`` if it exists (it need not be complete), else start a new draft there. ``name`` is the
        file as messages call it (default: its path)."""
        if path.exists():
            # The loader's own reading and YAML parsing (file, line and fix in every message), without the
            # whole-model validation a partial draft cannot pass yet.
            name = name or str(path)
            text = answers_file.read_text(path)
            document = answers_file.parse_document(text, name)
            version, changes = migrate(document, name)
            session = cls(path, document)
            session.notice = notice(
                name, version, changes, "your next answer saves it in the new format"
            )  # the next save writes the current format
            return session
        document = CommentedMap()
        document["format_version"] = FORMAT_VERSION
        session = cls(path, document)
        session.save()
        return session

    # -- reading

    def get(self, path: Sequence[str | int]) -> Any:
        """The answer at ``path``, or ``MISSING`` when it has not been answered."""
        node: Any = self.document
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    return MISSING
            elif not isinstance(node, dict) or part not in node:
                return MISSING
            node = node[part]
        return node

    def data(self) -> dict[str, Any]:
        """The draft as plain Python data (a copy)."""
        plain = answers_file.plain_data(self.document)
        assert isinstance(plain, dict)
        return plain

    def snapshot(self) -> dict[str, Any]:
        """The draft as plain Python data, made once per revision and shared: read it, never change it."""
        if self._snapshot is None or self._snapshot[0] != self.revision:
            self._snapshot = (self.revision, self.data())
        return self._snapshot[1]

    def answers(self) -> Answers:
        """The whole draft as ``Answers``; raise ``InputError`` naming every missing or wrong answer."""
        try:
            return Answers.model_validate(self.data())
        except ValidationError as exc:
            problems = list(answers_file.validation_problems(exc, self.document, str(self.path)))
            raise InputError(problems=problems) from None

    # -- writing (each call saves the file)

    def set(self, path: Sequence[str | int], value: Any) -> None:
        """Store one validated, YAML-ready answer and save."""
        parent = self._container(path)
        key = path[-1]
        if isinstance(key, int):
            assert isinstance(parent, list)
            if key == len(parent):
                parent.append(value)
            else:
                parent[key] = value
        else:
            assert isinstance(parent, dict)
            if key in parent:
                parent[key] = value
            else:
                _insert(parent, key, value, _order(path[:-1]))
        self.save(path)

    def update(self, changes: Sequence[tuple[Sequence[str | int], Any]]) -> None:
        """Store several answers together in one save (a fix that changes more than one answer)."""
        for path, value in changes:
            parent = self._container(path)
            key = path[-1]
            if isinstance(key, int):
                assert isinstance(parent, list)
                parent[key : key + 1] = [value]
            elif key in parent:
                parent[key] = value
            else:
                _insert(parent, key, value, _order(path[:-1]))
            self._blocks.pop(str(path[0]), None)
        self.save()

    def move(self, item: Sequence[str | int], to: int) -> None:
        """Move a list item (a dispute tier) to position ``to`` of its list and save."""
        group: Any = self.get(item[:-1])
        index = item[-1]
        assert isinstance(group, list) and isinstance(index, int)
        group.insert(to, group.pop(index))
        self.save(item)

    def delete(self, path: Sequence[str | int]) -> None:
        """Forget an answer (a list item, or a field whose condition no longer holds) and save."""
        parent: Any = self.get(path[:-1])
        key = path[-1]
        if parent is MISSING or parent is None:
            return
        present = key < len(parent) if isinstance(parent, list) and isinstance(key, int) else key in parent
        if not present:
            return
        del parent[key]
        self.save(path)

    def save(self, changed: Sequence[str | int] = ()) -> None:
        """Write the file atomically; only the top-level answer under ``changed`` is serialised again."""
        self.revision += 1
        if changed:
            self._blocks.pop(str(changed[0]), None)
        write_atomic(self.path, self.text().encode("utf-8"))

    def text(self) -> str:
        """The file's YAML text: each top-level answer is dumped on its own (a round-trip dump of the whole
        MSECC file takes ~40 ms, too slow to repeat after every answer) and cached until it changes."""
        parts = []
        for index, key in enumerate(self.document):
            block = self._blocks.get(key) if index else None
            if block is None:
                piece = CommentedMap()
                piece[key] = self.document[key]
                if key in self.document.ca.items:
                    piece.ca.items[key] = self.document.ca.items[key]
                if index == 0:
                    piece.ca.comment = self.document.ca.comment  # the comment heading the file
                stream = io.StringIO()
                self._yaml.dump(piece, stream)
                block = stream.getvalue()
                if index:
                    self._blocks[key] = block
            parts.append(block)
        return "".join(parts)

    def _container(self, path: Sequence[str | int]) -> Any:
        """The mapping or list holding the answer at ``path``, created (in model order) when missing."""
        node: Any = self.document
        for depth, part in enumerate(path[:-1]):
            if isinstance(part, str) and (part not in node or node[part] is None):
                created: Any = [] if isinstance(path[depth + 1], int) else CommentedMap()
                if part in node:
                    node[part] = created
                else:
                    _insert(node, part, created, _order(path[:depth]))
            node = node[part]
        return node


def _order(path: Sequence[str | int]) -> list[str]:
    model = model_at(path)
    return list(model.model_fields) if model is not None else []


def _insert(mapping: Any, key: str, value: Any, order: list[str]) -> None:
    """Insert ``key`` where the model's field order puts it, so a resumed file reads in the usual order."""
    if key not in order or not isinstance(mapping, CommentedMap):
        mapping[key] = value
        return
    rank = order.index(key)
    position = sum(1 for k in mapping if k in order and order.index(k) < rank)
    mapping.insert(position, key, value)
