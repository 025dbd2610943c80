"""The loaded clause library kept in the user cache: a hit is the same library, any change to a file is a miss, a
damaged or planted entry is a miss, and lint never uses it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assembler import library as library_module
from assembler.cache import entry_path
from assembler.library import Library, default_root, load_library

CLAUSE = "cjv.term"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped library and a cache folder of the test's own."""
    monkeypatch.setenv("ASSEMBLER_CACHE", str(tmp_path / "cache"))
    copy = tmp_path / "clause_library"
    shutil.copytree(default_root(), copy)
    return copy


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every load from the files (a cache miss) is noted here."""
    noted: list[Path] = []
    real = library_module._load_library

    def counting(root: Path) -> Library:
        noted.append(root)
        return real(root)

    monkeypatch.setattr(library_module, "_load_library", counting)
    return noted


def assert_same(a: Library, b: Library) -> None:
    assert a.root == b.root
    assert a.info == b.info
    assert list(a.clauses) == list(b.clauses)
    for clause_id, clause in a.clauses.items():
        other = b.clauses[clause_id]
        assert (clause.meta, clause.body, clause.path, clause.body_line) == (
            other.meta,
            other.body,
            other.path,
            other.body_line,
        )
        assert clause.meta.version == other.meta.version
        assert clause.meta.sources == other.meta.sources and clause.meta.unverified == other.meta.unverified
        assert [type(s) for s in clause.meta.sources] == [type(s) for s in other.meta.sources]
        assert clause.text_hash == other.text_hash
    assert a.documents == b.documents
    assert list(a.documents) == list(b.documents)
    assert a.terms == b.terms and a.term_files == b.term_files
    assert a.clauses == b.clauses


def entries(root: Path) -> list[Path]:
    return sorted((root.parent / "cache").glob("library-*.entry"))


def test_a_hit_is_the_same_library_without_reading_it_again(root: Path, loads: list[Path]) -> None:
    fresh = load_library(root, cached=True)
    assert loads == [root] and len(entries(root)) == 1
    cached = load_library(root, cached=True)
    assert loads == [root], "the second load came from the cache"
    assert cached is not fresh
    assert_same(cached, fresh)
    assert_same(cached, load_library(root))  # and the same as read from the files without the cache


def test_an_edited_clause_is_a_miss_and_is_read_afresh(root: Path, loads: list[Path]) -> None:
    before = load_library(root, cached=True)
    path = before.clauses[CLAUSE].path
    path.write_text(path.read_text(encoding="utf-8") + "An added sentence.\n", encoding="utf-8")
    after = load_library(root, cached=True)
    assert len(loads) == 2
    assert after.clauses[CLAUSE].body == before.clauses[CLAUSE].body + "An added sentence.\n"
    assert len(entries(root)) == 1, "the entry for this library is replaced, not added to"
    load_library(root, cached=True)
    assert len(loads) == 2, "the edited library is cached in turn"


def test_an_added_or_removed_file_is_a_miss(root: Path, loads: list[Path]) -> None:
    library = load_library(root, cached=True)
    path = library.clauses[CLAUSE].path
    copy = path.with_name("extra.clause")
    copy.write_text(path.read_text(encoding="utf-8").replace(f"id: {CLAUSE}", "id: cjv.extra"), encoding="utf-8")
    assert "cjv.extra" in load_library(root, cached=True).clauses
    copy.unlink()
    assert "cjv.extra" not in load_library(root, cached=True).clauses
    assert len(loads) == 3
    (root / "notes.txt").write_text("any file in the folder counts", encoding="utf-8")
    load_library(root, cached=True)
    assert len(loads) == 4


@pytest.mark.parametrize("damage", ["flip", "truncate", "replace"])
def test_a_damaged_or_planted_entry_is_a_miss(root: Path, loads: list[Path], damage: str) -> None:
    expected = load_library(root, cached=True)
    (entry,) = entries(root)
    data = bytearray(entry.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        del data[len(data) // 2 :]
    else:  # a well-formed pickle, but not written with the user's key
        data[-200:] = b"\x80\x04N." + b"\0" * 196
    entry.write_bytes(bytes(data))
    assert_same(load_library(root, cached=True), expected)
    assert len(loads) == 2


def test_an_authenticated_entry_of_another_shape_is_a_miss(
    root: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_module, "_to_cached", lambda library: b"\x80\x04N.")  # pickled None
    expected = load_library(root, cached=True)
    assert_same(load_library(root, cached=True), expected)
    assert len(loads) == 2


def test_the_cache_switched_off_or_unusable_is_never_a_failure(
    root: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSEMBLER_CACHE", "off")
    load_library(root, cached=True)
    load_library(root, cached=True)
    assert len(loads) == 2 and not (root.parent / "cache").exists()
    monkeypatch.setenv("ASSEMBLER_CACHE", str(root / "library.yaml"))  # a file where the folder should be
    load_library(root, cached=True)
    assert len(loads) == 3


def test_the_entry_is_named_by_the_library_folder(root: Path) -> None:
    load_library(root, cached=True)
    (entry,) = entries(root)
    assert entry == entry_path(root.parent / "cache", entry.name.removesuffix(".entry"))
    other = root.parent / "other"
    shutil.copytree(root, other)
    load_library(other, cached=True)
    assert len(entries(root)) == 2  # two folders, two entries (each rewritten as its folder changes)


def test_lint_and_an_uncached_load_read_the_files(root: Path, loads: list[Path]) -> None:
    from assembler.lint import lint_library

    load_library(root, cached=True)
    load_library(root)
    lint_library(root)
    assert len(loads) == 3


def test_a_broken_library_is_reported_not_cached(root: Path, loads: list[Path]) -> None:
    from assembler.errors import LibraryError

    path = load_library(root).clauses[CLAUSE].path
    path.write_text("id: [unclosed\n---\nText.\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(LibraryError):
            load_library(root, cached=True)
    assert entries(root) == []


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX symlinks")
def test_a_file_in_a_linked_folder_counts_and_a_link_cycle_ends(root: Path, loads: list[Path]) -> None:
    outside = root.parent / "documents-elsewhere"
    (root / "documents").rename(outside)
    (root / "documents").symlink_to(outside, target_is_directory=True)
    (root / "cjv" / "loop").symlink_to(root, target_is_directory=True)  # a cycle: root/cjv/loop/cjv/loop/...
    before = load_library(root, cached=True)
    path = outside / "cjv.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "title: Revised", 1), encoding="utf-8")
    after = load_library(root, cached=True)
    assert len(loads) == 2
    assert after.documents != before.documents
