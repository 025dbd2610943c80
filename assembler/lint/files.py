"""The library's files as lint reads them: display names, key lines, and a lenient load that keeps going."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..errors import LibraryError, Problem
from ..library import DocumentDef, Library, LibraryInfo, TermDef, load_library, parse_clause_file
from ..model import DocumentKind

__all__ = ["Source", "display", "key_lines", "load_leniently", "read_yaml"]


@dataclass
class Source:
    """One file whose text lint reads: its display name and where its keys are."""

    name: str
    keys: dict[str, int] = field(default_factory=dict)

    def line(self, key: str, default: int | None = 1) -> int | None:
        return self.keys.get(key, default)


def display(path: Path, root: Path) -> str:
    """A path as load_library names it: relative to the library's parent folder."""
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def key_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if line == "---":
            break
        if line and not line[0].isspace() and not line.startswith("#") and ":" in line:
            lines.setdefault(line.split(":", 1)[0].strip(), number)
    return lines


def read_yaml(path: Path) -> Any:
    try:
        return YAML(typ="safe", pure=True).load(io.StringIO(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, YAMLError):
        return None


def _partial_library(root: Path) -> Library:
    """Whatever loads of a broken library, so the other checks still run (load_library reports the rest)."""
    library = Library(root=root, info=LibraryInfo(name="(partial)", version="0.0"))
    ignored: list[Problem] = []
    for path in sorted(root.rglob("*.clause")):
        clause = parse_clause_file(path, ignored)
        if clause is not None:
            library.clauses.setdefault(clause.id, clause)
    for path in sorted((root / "documents").glob("*.yaml")):
        try:
            doc = DocumentDef.model_validate(read_yaml(path))
        except ValidationError:
            continue
        library.documents.setdefault(DocumentKind(doc.kind), doc)
    for path in sorted((root / "terms").glob("*.yaml")):
        data = read_yaml(path)
        for term, value in (data if isinstance(data, dict) else {}).items():
            try:
                library.terms.setdefault(str(term), TermDef.model_validate(value))
            except ValidationError:
                continue
            library.term_files.setdefault(str(term), display(path, root))
    return library


def load_leniently(root: Path) -> tuple[Library, list[Problem]]:
    try:
        return load_library(root), []
    except LibraryError as exc:
        if not root.is_dir():
            raise
        return _partial_library(root), list(exc.problems)
