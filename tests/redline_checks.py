"""Checks shared by the fast and slow redline tests: Accept All reads as the new build, Reject All as the old one."""

from __future__ import annotations

import difflib
from pathlib import Path

from assembler.answers_file import load_answers
from assembler.assembly import BuildResult, templates_root
from assembler.changes import Comparison, compare_documents

from .docx_reading import check_package, read
from .redline_reading import has_revisions, resolved, tracked_characters, visible


def compare_builds(old: BuildResult, new: BuildResult, *, clean: bool = False) -> Comparison:
    """The comparison a ``--compare`` build makes, from two builds in memory."""
    return compare_documents(
        previous=old.out_dir,
        old_answers=load_answers(old.answers_path).answers,
        new_answers=load_answers(new.answers_path).answers,
        old_documents={c.kind: c for c in old.documents},
        old_files={c.kind: p.name for c, p in zip(old.documents, old.written, strict=True)},
        built=[(c, p.name, p.read_bytes()) for c, p in zip(new.documents, new.written, strict=True)],
        templates=templates_root(),
        clean=clean,
        properties={},
    )


def redline_problems(old: BuildResult, new: BuildResult, comparison: Comparison, work: Path) -> list[str]:
    """Everything wrong with the comparison's redlines (empty when each resolves to exactly the two builds)."""
    problems = []
    old_paths = {c.kind: p for c, p in zip(old.documents, old.written, strict=True)}
    new_paths = {c.kind: p for c, p in zip(new.documents, new.written, strict=True)}
    for doc in comparison.documents:
        kind = doc.kind.value
        if doc.status == "unchanged":
            if visible(read(old_paths[doc.kind])) != visible(read(new_paths[doc.kind])):
                problems.append(f"{kind}: called unchanged, but its text changed")
            continue
        if doc.status != "changed":
            continue
        assert doc.data is not None
        path = work / f"{kind}-redline.docx"
        path.write_bytes(doc.data)
        if not has_revisions(path):
            problems.append(f"{kind}: a redline without tracked changes")
        problems += [f"{kind}: {p}" for p in check_package(read(path))]
        accepted = visible(resolved(path, accept=True, into=work / f"{kind}-accepted.docx"))
        rejected = visible(resolved(path, accept=False, into=work / f"{kind}-rejected.docx"))
        if accepted != visible(read(new_paths[doc.kind])):
            problems.append(f"{kind}: Accept All does not give the new document{_first(accepted, new_paths[doc.kind])}")
        if rejected != visible(read(old_paths[doc.kind])):
            problems.append(f"{kind}: Reject All does not give the old document{_first(rejected, old_paths[doc.kind])}")
        tracked = tracked_characters(path)
        before, after = visible(read(old_paths[doc.kind])), visible(read(new_paths[doc.kind]))
        changed = _changed_characters(before, after)
        if tracked > changed:
            problems.append(f"{kind}: {tracked} characters tracked where {changed} changed: not a word-level redline")
        if not doc.clauses:
            problems.append(f"{kind}: changed, but no clause is named as changed")
    return problems


def _first(lines: list[tuple[str, str, str]], expected_path: Path) -> str:
    expected = visible(read(expected_path))
    for index, (got, want) in enumerate(zip(lines, expected, strict=False)):
        if got != want:
            return f" (paragraph {index}: {got!r}, expected {want!r})"
    return f" ({len(lines)} paragraphs, expected {len(expected)})"


def _changed_characters(before: list[tuple[str, str, str]], after: list[tuple[str, str, str]]) -> int:
    """The characters in the paragraphs that differ between two documents (in order: a move counts twice)."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return sum(
        sum(len(line[2]) for line in before[i1:i2]) + sum(len(line[2]) for line in after[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    )
