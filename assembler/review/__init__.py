"""The clause library reviewed in Word: a review pack for lawyers, and their tracked changes brought back.

``write_review_pack`` writes every clause (or one document's) with its variants, conditions in plain English,
guidance and sources, each clause's text in a content control tagged with its id, version and text hash.
``import_review`` reads a returned pack with every tracked change accepted, refuses it whole if any clause no
longer matches the library, applies prose changes to the clause files (version bumped, ``versions.lock``
updated) and reports the rest: changes to fields, conditions, terms, references and anchors, changes across
clause boundaries or outside the clauses, and the reviewer's comments as open points.

Modules: ``_labels`` (plain English for jinja), ``_source`` (a clause as paragraphs of prose and atoms), ``_pack``
(the Word file), ``_reader`` (a returned file read back), ``_merge`` (one clause's changes).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from ..answers_file import write_atomic
from ..errors import InputError, Problem, StaleReviewError
from ..library import Library, load_library
from ..lint.files import display
from ..lint.versions import update_lock
from ..model import DocumentKind
from ..resources import is_package_data, read_only_library_error
from ._merge import ClauseMerge, Held, _Op, merge_clause
from ._pack import TAG_PREFIX, pack_clauses, write_review_pack
from ._reader import Comment, ReadPack, read_pack

__all__ = ["ClauseChange", "Comment", "Held", "ReviewImport", "import_review", "write_review_pack"]

_CROSSING = 12  # characters: shorter wording deleted in one clause and added in another may be a coincidence
_VERSION_LINE = re.compile(r'^version:\s*["\']?(?P<version>[0-9.]+)["\']?\s*$', re.MULTILINE)


@dataclass(frozen=True)
class ClauseChange:
    clause_id: str
    file: str
    old_version: str
    new_version: str
    diff: list[str]


@dataclass
class ReviewImport:
    """What an import did (or, with ``dry_run``, would do)."""

    changes: list[ClauseChange] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # clauses of the pack's scope the file no longer holds
    lock_problems: list[Problem] = field(default_factory=list)


def bump(version: str) -> str:
    """The next version: "1.2" → "1.3", "1.2.9" → "1.2.10"."""
    parts = version.split(".")
    parts[-1] = str(int(parts[-1]) + 1)
    return ".".join(parts)


def import_review(path: Path, root: Path, template: Path, *, dry_run: bool = False) -> ReviewImport:
    """Bring a returned review pack's prose changes into the clause library at ``root``."""
    if is_package_data(root):
        raise read_only_library_error(root, "assembler clauses import-review")
    library = load_library(root)
    pack = read_pack(path)
    stale = []
    for clause_id, tag in sorted(pack.tags.items()):
        _id, version, text_hash = [*tag[len(TAG_PREFIX) :].split(":"), "", "", ""][:3]
        clause = library.clauses.get(clause_id)
        if clause is None:
            stale.append(Problem(str(path), clause_id, "is no longer in the library", "", None))
        elif (version, text_hash) != (clause.meta.version, clause.text_hash):
            now = clause.meta.version if version != clause.meta.version else f"{version}, with other text"
            stale.append(Problem(str(path), clause_id, f"was reviewed at version {version}; the library has {now}"))
    if stale:
        fix = "make a new pack with `assembler clauses review-pack` and carry the reviewer's changes over to it"
        raise StaleReviewError(problems=[*stale, Problem(str(path), "", "review pack refused: nothing imported", fix)])
    try:
        document = None if pack.document == "all" else DocumentKind(pack.document)
    except ValueError:
        raise InputError.single(path=path, what=f"names an unknown document {pack.document!r}") from None
    result = ReviewImport(comments=pack.comments)
    scope = pack_clauses(library, document)
    merges: dict[str, ClauseMerge] = {}
    for item in scope:
        if item.clause.id not in pack.clauses:
            result.missing.append(item.clause.id)
            continue
        merges[item.clause.id] = merge_clause(item, pack.clauses[item.clause.id])
    outside = _outside_changes(pack, library, template, document)
    _hold_crossings(list(merges.values()), [after for _clause, after in outside])
    result.held += [Held(clause, "outside the clauses", "", text) for clause, text in outside]
    for item in scope:
        merge = merges.get(item.clause.id)
        if merge is None:
            continue
        result.held += merge.held()
        body = merge.source()
        if body == item.clause.body:
            continue
        result.changes.append(_change(item.clause.id, item.clause.path, root, item.clause.body, body, dry_run))
    if result.changes and not dry_run:
        result.lock_problems = update_lock(root)
    return result


def _change(clause_id: str, clause_path: Path, root: Path, old_body: str, body: str, dry_run: bool) -> ClauseChange:
    text = clause_path.read_text(encoding="utf-8")
    lines = text.splitlines()
    split = lines.index("---")
    head = "\n".join(lines[:split])
    match = _VERSION_LINE.search(head)
    if match is None:
        raise InputError.single(path=clause_path, where="version", what="has no version line", fix="add one")
    old, new = match.group("version"), bump(match.group("version"))
    head = head[: match.start()] + f'version: "{new}"' + head[match.end() :]
    name = display(clause_path, root)
    diff = list(
        difflib.unified_diff(
            old_body.splitlines(), body.splitlines(), f"{name} v{old}", f"{name} v{new}", lineterm="", n=0
        )
    )
    if not dry_run:
        write_atomic(clause_path, (head + "\n---\n" + body).encode("utf-8"))
    return ClauseChange(clause_id, name, old, new, diff)


def _outside_changes(
    pack: ReadPack, library: Library, template: Path, document: DocumentKind | None
) -> list[tuple[str, str]]:
    """Paragraphs outside every clause's control that the reviewer added or changed: (clause before, text)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        original = Path(folder) / "original.docx"
        original.write_bytes(write_review_pack(library, template, document=document))
        before = read_pack(original).outside
    matcher = SequenceMatcher(None, [t for _c, t in before], [t for _c, t in pack.outside], autojunk=False)
    changed: list[tuple[str, str]] = []
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            changed += [item for item in pack.outside[j1:j2] if item[1].strip()]
    return changed


def _hold_crossings(merges: list[ClauseMerge], outside: list[str]) -> None:
    """Wording taken out of one clause and put into another (or outside every clause) is held in both."""
    removed = [(m, op, op.deleted()) for m in merges for op in m.ops if op.tag in ("delete", "replace")]
    added: list[tuple[ClauseMerge | None, _Op | None, str]] = [
        (m, op, op.inserted()) for m in merges for op in m.ops if op.tag in ("insert", "replace")
    ]
    added += [(None, None, text) for text in outside]
    for source, out_op, gone in removed:
        if len(gone) < _CROSSING or out_op.held:
            continue
        for target, in_op, came in added:
            if target is source or len(came) < _CROSSING or not (gone in came or came in gone):
                continue
            source.hold(out_op, "clause boundary")
            if target is not None and in_op is not None:
                target.hold(in_op, "clause boundary")
