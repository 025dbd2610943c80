"""The clause library: clause files with metadata, document definitions and the glossary of defined terms.

A clause file (``clause_library/<document>/<name>.clause``) is YAML metadata, a line ``---``, then the jinja body
in clause markup (see ``markup``). Document definitions (``clause_library/documents/<kind>.yaml``) give the title,
the order of clauses and schedules and the template. ``terms.yaml`` defines every defined term once.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
import ruamel.yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from . import model
from .errors import LibraryError, Problem
from .model import DocumentKind
from .resources import clause_library_root

__all__ = [
    "Clause",
    "ClauseMeta",
    "DocumentDef",
    "Library",
    "ScheduleDef",
    "Source",
    "TermDef",
    "UnverifiedPoint",
    "default_root",
    "library_files",
    "load_library",
]

ClauseId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]
Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Strict):
    """A primary source checked for a clause: what it is, which provision, where it was read and when."""

    title: str = Field(min_length=1, description="e.g. National Health Service Act 2006")
    section: str = Field(min_length=1, description="The provision relied on, e.g. s9(1)-(4), Sch 7 para 15(3)")
    url: str = Field(pattern=r"^https?://\S+$", description="Where the text was read")
    checked: date | None = Field(default=None, description="The date the text was read (YYYY-MM-DD)")
    note: str | None = Field(default=None, description="What the text confirmed, or what it did not")

    @model_validator(mode="after")
    def _dated(self) -> Source:
        if self.checked is None:
            raise ValueError(
                f"source {self.title} {self.section} was read at {self.url} but has no `checked:` date — "
                "add the date it was read (YYYY-MM-DD)"
            )
        return self

    def cite(self) -> str:
        """One line: title, section, where read and when."""
        note = f" — {self.note}" if self.note else ""
        return f"{self.title} {self.section} (read at {self.url}, checked {self.checked}){note}"


class UnverifiedPoint(_Strict):
    """A point of law in a clause not confirmed against the primary text, and why."""

    point: str = Field(min_length=1, description="What is unconfirmed")
    reason: str = Field(min_length=1, description="Why it could not be confirmed (what was and was not read)")


class ClauseMeta(_Strict):
    """The metadata at the top of a clause file."""

    id: ClauseId = Field(description="Unique id: <document>.<name>, e.g. cjv.term")
    title: str = Field(min_length=1, description="Short title, shown in lists and the report")
    documents: list[DocumentKind] = Field(min_length=1, description="Documents the clause may appear in")
    condition: str = Field(default="true", min_length=1, description="Jinja expression over the answers")
    version: Version = Field(description="Bump it whenever the text changes")
    guidance: str = Field(min_length=1, description="Drafting guidance for the lawyer and maintainers")
    sources: list[Source | str] = Field(
        default_factory=list,
        description="Legal or guidance sources: a checked source (title, section, url, checked) or a plain citation",
    )
    unverified: list[UnverifiedPoint] = Field(
        default_factory=list, description="Points of law not yet confirmed against the primary text, each with why"
    )

    @field_validator("unverified", mode="before")
    @classmethod
    def _unverified_has_reason(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(
                "a bare `unverified: true` says nothing: list each point as `- point: ...` with `reason: ...` "
                "(why it could not be confirmed), or remove the mark once the source is checked"
            )
        if isinstance(value, dict):
            return [value]
        return value

    @property
    def marked(self) -> bool:
        """A point of law in the clause is still unconfirmed."""
        return bool(self.unverified)

    @property
    def checked_sources(self) -> list[Source]:
        return [s for s in self.sources if isinstance(s, Source)]


class ScheduleDef(_Strict):
    """A schedule (or part) of a document; with ``for_each`` it repeats once per item, e.g. per body."""

    title: str = Field(description="Jinja text; may use the item named by `as`")
    label: str = Field(default="Schedule", description="Schedule, Part or Annex")
    clauses: list[ClauseId] = Field(min_length=1)
    condition: str = "true"
    anchor: str | None = Field(
        default=None,
        pattern=r"^[a-z]+\.[a-z_]+$",
        description="A name references use for the (first) schedule, e.g. cjv.sod_schedule, whatever its number",
    )
    for_each: str | None = Field(default=None, description="Jinja expression giving the items, e.g. bodies")
    item: str = Field(default="item", pattern=r"^[a-z_]+$", description="Name of the item in the clauses")


class DocumentDef(_Strict):
    """How one of the five documents is put together."""

    kind: DocumentKind
    title: str
    self_name: str = Field(description="How the document refers to itself: Agreement, Memorandum...")
    plural: bool = Field(default=False, description="The name is plural (these Terms of Reference are...)")
    adopted: bool = Field(default=False, description="Approved by each party's board rather than entered into")
    numbered_as: Literal["clause", "paragraph"] = Field(
        default="clause", description="What the document calls its numbered provisions: clause or paragraph"
    )
    template: str = "house.docx"
    binding: bool = True
    parties: ClauseId | None = None
    recitals: ClauseId | None = None
    body: list[ClauseId] = Field(min_length=1)
    schedules: list[ScheduleDef] = Field(default_factory=list)
    execution: ClauseId | None = None
    file_name: str = Field(pattern=r"^[a-z0-9-]+$")


class TermDef(_Strict):
    """A defined term: its definition (jinja + markup), optionally different per document."""

    definition: str = Field(min_length=1)
    by_document: dict[DocumentKind, str] = Field(default_factory=dict)
    shown_as: str | None = Field(
        default=None,
        description="A fact naming the term in the documents instead of its key (``collaborative_term``: the "
        "collaborative's short name); clauses still write [[Key]].",
        pattern=r"^[a-z_][a-z0-9_.]*$",
    )

    def for_document(self, kind: DocumentKind) -> str:
        return self.by_document.get(kind, self.definition)


class LibraryInfo(_Strict):
    name: str
    version: Version


@dataclass(frozen=True)
class Clause:
    meta: ClauseMeta
    body: str
    path: Path
    body_line: int  # line number of the body's first line in the file

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def text_hash(self) -> str:
        """Hash of the clause text and its condition (what a version number vouches for)."""
        digest = hashlib.sha256((self.meta.condition + "\n" + self.body).encode("utf-8")).hexdigest()
        return digest[:16]


@dataclass
class Library:
    root: Path
    info: LibraryInfo
    clauses: dict[str, Clause] = field(default_factory=dict)
    documents: dict[DocumentKind, DocumentDef] = field(default_factory=dict)
    terms: dict[str, TermDef] = field(default_factory=dict)
    term_files: dict[str, str] = field(default_factory=dict)
    derived: dict[str, Any] = field(default_factory=dict, repr=False)  # e.g. the compiled jinja environment

    @property
    def version(self) -> str:
        return self.info.version

    def clause(self, clause_id: str) -> Clause:
        return self.clauses[clause_id]

    def document_clause_ids(self, doc: DocumentDef) -> list[str]:
        """Every clause id a document may include, in document order."""
        ids = [c for c in (doc.parties, doc.recitals) if c]
        ids += list(doc.body)
        for schedule in doc.schedules:
            ids += list(schedule.clauses)
        if doc.execution:
            ids.append(doc.execution)
        return ids


def default_root() -> Path:
    """The clause library shipped with the tool (package data in a wheel, the top-level folder in git)."""
    return clause_library_root()


def _yaml_load(text: str, name: str, problems: list[Problem], line_offset: int = 0) -> Any:
    try:
        return YAML(typ="safe").load(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        problems.append(
            Problem(
                name,
                "",
                f"YAML error: {(exc.problem or exc.context or '').strip()}",
                "fix the metadata",
                line,
            )
        )
    except YAMLError as exc:
        problems.append(Problem(name, "", f"YAML error: {exc}", "fix the metadata"))
    return None


def _validation_problems(exc: ValidationError, name: str, lines: dict[str, int] | None = None) -> list[Problem]:
    out = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"])
        top = str(error["loc"][0]) if error["loc"] else ""
        line = (lines or {}).get(top)
        fix = "remove it" if error["type"] == "extra_forbidden" else "see docs/authoring-clauses.md"
        out.append(Problem(name, where, str(error["msg"]), fix, line))
    return out


def _key_lines(text: str) -> dict[str, int]:
    """Top-level YAML keys and their 1-based lines (for messages)."""
    lines = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if line and not line[0].isspace() and ":" in line and not line.startswith("#"):
            lines[line.split(":", 1)[0].strip()] = number
    return lines


def parse_clause_file(path: Path, problems: list[Problem], *, name: str | None = None) -> Clause | None:
    """Read one clause file; problems go to ``problems`` as ``file:line`` messages."""
    name = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, "", f"cannot be read: {exc}", "save it as UTF-8 text"))
        return None
    lines = text.splitlines()
    try:
        split = lines.index("---")
    except ValueError:
        problems.append(Problem(name, "", "no '---' line between the metadata and the text", "add one", 1))
        return None
    head = "\n".join(lines[:split])
    data = _yaml_load(head, name, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(
            Problem(
                name,
                "",
                "the metadata is not a list of `key: value` lines",
                "see docs/authoring-clauses.md",
                1,
            )
        )
        return None
    try:
        meta = ClauseMeta.model_validate(data)
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, name, _key_lines(head)))
        return None
    body = "\n".join(lines[split + 1 :]) + "\n"
    return Clause(meta=meta, body=body, path=path, body_line=split + 2)


def load_library(root: Path | None = None, *, cached: bool = False) -> Library:
    """Load and validate the whole library; raise ``LibraryError`` listing every problem at once.

    ``cached=True`` (a build's path) takes the library from the user's cache when every one of its files is as it
    was when the cache was written (see ``_load_cached``); ``clauses lint`` and the other commands that report on the
    library read and validate the files afresh."""
    root = root or default_root()
    if not root.is_dir():
        raise LibraryError(problems=[Problem(str(root), "", "clause library folder not found", "pass --library DIR")])
    return _load_cached(root) if cached else _load_library(root)


_CACHE_FORMAT = "library-1"


def _load_cached(root: Path) -> Library:
    """The library as last loaded from ``root``, from the user's cache (``cache.py``: an entry authenticated with
    the user's own key), or loaded from the files and then kept there.

    The entry is valid only for the same content: the digest of every file under ``root`` (paths and bytes, so an
    edited, added or removed file is a miss), of this module and ``model`` (the code that reads and validates the
    files), and of the Python, pydantic and ruamel.yaml versions. Reading and hashing the ~120 files takes 1-2 ms;
    loading from them about 30 ms (YAML parsing and pydantic validation of 104 clauses), unpickling 1 ms.
    The entry is a pickle of the validated objects, restored without validating them again: pickle keeps every
    type as it was (dates, enums, nested models) where rebuilding models from plain data by hand would have to
    know each field's type; it is only ever read after its HMAC proves that this user's tool wrote it for this
    exact content (as jinja's compiled templates in the same cache are). Any problem with the cache is a miss."""
    from .cache import open_cache  # jinja2's bytecode cache classes: not needed unless a build caches

    cache = open_cache()
    digest = _content_digest(root) if cache is not None else None
    if cache is None or digest is None:
        return _load_library(root)
    name = "library-" + hashlib.sha256(f"{_CACHE_FORMAT}\n{root}".encode()).hexdigest()[:24]
    payload = cache.read(name, context=digest)
    if payload is not None:
        library = _from_cached(root, payload)
        if library is not None:
            return library
    library = _load_library(root)
    if _content_digest(root) == digest:  # not kept if a file changed while it was read
        with contextlib.suppress(Exception):  # something that cannot be pickled is simply not cached
            cache.write(name, _to_cached(library), context=digest)
    return library


def _content_digest(root: Path) -> str | None:
    """The sha256 of everything a loaded library depends on (see ``_load_cached``), or None if a file cannot be
    read (the library is then loaded without the cache, which reports the problem).

    Every file under ``root`` counts, more than the loader reads: folders are followed through symlinks (each
    folder once, so a link cycle ends), so a file the loader reaches through a linked folder is never missed."""
    digest = hashlib.sha256()

    def part(data: bytes) -> None:
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)

    try:
        for text in (_CACHE_FORMAT, sys.version, pydantic.VERSION, ruamel.yaml.__version__):
            part(text.encode())
        for module in (__file__, model.__file__):
            part(Path(module).read_bytes())
        for rel in library_files(root):
            part(rel.encode("utf-8", "surrogateescape"))
            with open(os.path.join(root, rel), "rb") as handle:
                part(handle.read())
    except (OSError, TypeError, ValueError):  # TypeError: no __file__ (a frozen build)
        return None
    return digest.hexdigest()


def library_files(root: Path | str) -> list[str]:
    """The relative paths (``/``-separated, sorted) of every file under ``root``, linked folders followed once
    each: what the library cache is bound to, and what ``build --watch`` looks at."""
    files: list[str] = []
    seen: set[tuple[int, int]] = set()
    folders = [""]
    while folders:
        rel = folders.pop()
        folder = os.path.join(root, rel)
        info = os.stat(folder)
        if (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        with os.scandir(folder) as entries:
            for entry in entries:
                name = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir():
                    folders.append(name)
                elif entry.is_file():
                    files.append(name)
    return sorted(files)


def _to_cached(library: Library) -> bytes:
    clauses = [
        (c.meta, c.body, c.path.relative_to(library.root).as_posix(), c.body_line) for c in library.clauses.values()
    ]
    state = (library.info, clauses, library.documents, library.terms, library.term_files)
    return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


def _from_cached(root: Path, payload: bytes) -> Library | None:
    """The library kept by ``_to_cached``, with its paths under ``root``; None if the entry is not one."""
    try:
        info, clauses, documents, terms, term_files = pickle.loads(payload)  # authenticated: see _load_cached
        library = Library(root=root, info=info, documents=documents, terms=terms, term_files=term_files)
        for meta, body, rel, body_line in clauses:
            library.clauses[meta.id] = Clause(meta=meta, body=body, path=root / rel, body_line=body_line)
    except Exception:  # authenticated yet unusable (say, a class renamed since): load from the files
        return None
    if not isinstance(info, LibraryInfo) or not all(isinstance(c.meta, ClauseMeta) for c in library.clauses.values()):
        return None
    return library


def _load_compositions(root: Path, problems: list[Problem]) -> dict[str, list[str]]:
    """``compositions.yaml``: named runs of clauses written once and placed in several documents (a schedule of the
    agreement and its standalone twin), referred to as ``"@name"`` in a document's ``body`` or a schedule's
    ``clauses``."""
    path = root / "compositions.yaml"
    if not path.is_file():
        return {}
    name = _rel(path, root)
    text = path.read_text(encoding="utf-8")
    data = _yaml_load(text, name, problems)
    lines = _key_lines(text)
    out: dict[str, list[str]] = {}
    for key, value in (data or {}).items() if isinstance(data, dict) else []:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(Problem(name, str(key), "a composition is a list of clause ids", "fix it", lines.get(key)))
            continue
        out[str(key)] = [str(v) for v in value]
    return out


def _expand_compositions(
    data: dict[str, Any], compositions: dict[str, list[str]], name: str, lines: dict[str, int], problems: list[Problem]
) -> dict[str, Any]:
    def expand(items: Any, where: str) -> Any:
        if not isinstance(items, list):
            return items
        out: list[Any] = []
        for item in items:
            if isinstance(item, str) and item.startswith("@"):
                if item[1:] not in compositions:
                    known = ", ".join(sorted(compositions)) or "none"
                    problems.append(
                        Problem(name, where, f"unknown composition {item}", f"use one of: {known}", lines.get(where))
                    )
                    continue
                out.extend(compositions[item[1:]])
            else:
                out.append(item)
        return out

    data = dict(data)
    data["body"] = expand(data.get("body"), "body")
    schedules = data.get("schedules")
    if isinstance(schedules, list):
        data["schedules"] = [
            {**s, "clauses": expand(s.get("clauses"), "schedules")} if isinstance(s, dict) else s for s in schedules
        ]
    return data


def _load_library(root: Path) -> Library:
    problems: list[Problem] = []
    info_path = root / "library.yaml"
    info_data = (
        _yaml_load(info_path.read_text(encoding="utf-8"), str(info_path), problems) if info_path.exists() else None
    )
    try:
        info = LibraryInfo.model_validate(info_data or {})
    except ValidationError as exc:
        problems.extend(_validation_problems(exc, str(info_path)))
        info = LibraryInfo(name="invalid", version="0.0")
    library = Library(root=root, info=info)

    for path in sorted(root.rglob("*.clause")):
        clause = parse_clause_file(path, problems, name=_rel(path, root))
        if clause is None:
            continue
        if clause.id in library.clauses:
            other = _rel(library.clauses[clause.id].path, root)
            problems.append(
                Problem(
                    _rel(path, root),
                    "id",
                    f"duplicate clause id {clause.id} (also in {other})",
                    "rename one",
                    1,
                )
            )
            continue
        library.clauses[clause.id] = clause

    compositions = _load_compositions(root, problems)
    for path in sorted((root / "documents").glob("*.yaml")):
        name = _rel(path, root)
        data = _yaml_load(path.read_text(encoding="utf-8"), name, problems)
        if data is None:
            continue
        if isinstance(data, dict):
            data = _expand_compositions(
                data, compositions, name, _key_lines(path.read_text(encoding="utf-8")), problems
            )
        try:
            doc = DocumentDef.model_validate(data)
        except ValidationError as exc:
            problems.extend(_validation_problems(exc, name, _key_lines(path.read_text(encoding="utf-8"))))
            continue
        library.documents[doc.kind] = doc
        lines = _key_lines(path.read_text(encoding="utf-8"))
        for clause_id in library.document_clause_ids(doc):
            if clause_id not in library.clauses:
                problems.append(
                    Problem(
                        name,
                        "",
                        f"unknown clause id {clause_id}",
                        "create the clause or fix the id",
                        lines.get("body"),
                    )
                )

    term_files = sorted((root / "terms").glob("*.yaml")) if (root / "terms").is_dir() else []
    defined_in: dict[str, str] = {}
    for terms_path in term_files:
        name = _rel(terms_path, root)
        text = terms_path.read_text(encoding="utf-8")
        data = _yaml_load(text, name, problems)
        lines = _key_lines(text)
        if data is not None and not isinstance(data, dict):
            problems.append(
                Problem(name, "", "not a mapping of terms to definitions", "see docs/authoring-clauses.md", 1)
            )
            continue
        for term, value in (data or {}).items():
            if str(term) in defined_in:
                problems.append(
                    Problem(
                        name,
                        str(term),
                        f"term already defined in {defined_in[str(term)]}",
                        "define each term once",
                        lines.get(str(term)),
                    )
                )
                continue
            try:
                library.terms[str(term)] = TermDef.model_validate(value)
                defined_in[str(term)] = name
            except ValidationError as exc:
                for p in _validation_problems(exc, name):
                    problems.append(Problem(p.file, f"{term}.{p.where}", p.what, p.fix, lines.get(str(term))))
        library.term_files.update({t: name for t in (data or {}) if defined_in.get(str(t)) == name})
    if problems:
        raise LibraryError(problems=problems)
    return library


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)
