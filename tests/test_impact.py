"""``assembler impact``: a pack built before a clause edit reports that clause and the documents holding it, and
nothing else; exit 0 when nothing would change, 1 when something would, 2 for a folder that kept no model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assembler.assembly import build
from assembler.cli import main
from assembler.impact import pack_impact
from assembler.library import load_library
from assembler.model import DocumentKind

from .redline_edits import Bump, clause_bumped, library_copy

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
MOU, TOR, DRA = DocumentKind.MOU, DocumentKind.TOR, DocumentKind.DRA


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(MSECC, out_dir=tmp_path_factory.mktemp("pack"), only=[MOU, TOR, DRA]).out_dir


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Bump]:
    """The clause library with tor.quorum edited (and its version bumped) since the pack was built."""
    library = library_copy(tmp_path_factory.mktemp("edited") / "library")
    bump = clause_bumped(library)
    assert bump.clause == "tor.quorum"
    return library, bump


def test_a_clause_edited_since_is_reported_with_its_documents_and_nothing_else(
    pack: Path, edited: tuple[Path, Bump]
) -> None:
    library, bump = edited  # tor.quorum: of the pack's documents, only the terms of reference hold it
    impact = pack_impact(pack, load_library(library))
    assert impact.changes
    assert [d.kind.value for d in impact.documents] == ["mou", "tor", "dra"]
    changed = {d.kind.value: d for d in impact.documents if d.rebuild != "unchanged"}
    assert set(changed) == {"tor"}
    for doc in changed.values():
        assert doc.rebuild == "would change"
        assert doc.changed_clauses == [bump.clause]
        assert doc.library_changes == [{"id": bump.clause, "old": bump.old, "new": bump.new}]
    assert all(d.library_changes == [] for d in impact.documents if d.kind.value not in changed)


def test_the_cli_exits_0_when_nothing_changes_and_1_when_something_would(pack: Path, edited: tuple[Path, Bump]) -> None:
    library, bump = edited
    same = CliRunner().invoke(main, ["impact", str(pack), "--format", "json"])
    assert same.exit_code == 0, same.output
    assert json.loads(same.output)[0]["would_change"] is False
    changed = CliRunner().invoke(main, ["impact", str(pack), str(pack), "--library", str(library)])
    assert changed.exit_code == 1, changed.output
    line = f"tor: would change (tor.quorum); clauses changed in the library: tor.quorum {bump.old} → {bump.new}"
    assert changed.output.count(line) == 2
    assert "mou: unchanged" in changed.output


def test_a_folder_without_a_model_exits_2(tmp_path: Path) -> None:
    build(MSECC, out_dir=tmp_path / "old", only=[DRA])
    (tmp_path / "old" / ".assembler" / "model.json").unlink()  # as a folder built before packs kept it
    result = CliRunner().invoke(main, ["impact", str(tmp_path / "old")])
    assert result.exit_code == 2
    assert "model.json missing" in result.output
