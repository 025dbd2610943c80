"""Clause sources and unverified marks: each checked source is dated, each mark has a reason, and the list counts them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pydantic import ValidationError

from assembler.clause_tools import marked_clauses
from assembler.cli import main
from assembler.facts import facts_of
from assembler.library import ClauseMeta, Source, load_library
from assembler.model import Answers, CostMethod, FinalForum, PartyKind

ROOT = Path(__file__).resolve().parent.parent
BASE = {"id": "cjv.x", "title": "X", "documents": ["cjv"], "version": "1.0", "guidance": "g"}
SOURCE = {"title": "National Health Service Act 2006", "section": "s9(1)", "url": "https://legislation.gov.uk/x"}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["clauses", *map(str, args)], env={"COLUMNS": "250"})


def test_a_checked_source_records_where_and_when() -> None:
    meta = ClauseMeta.model_validate({**BASE, "sources": [{**SOURCE, "checked": "2026-11-29"}, "Bribery Act 2010"]})
    (source,) = meta.checked_sources
    assert isinstance(source, Source)
    assert "read at https://legislation.gov.uk/x, checked 2026-11-29" in source.cite()


def test_a_source_without_a_date_is_refused() -> None:
    with pytest.raises(ValidationError, match="has no `checked:` date"):
        ClauseMeta.model_validate({**BASE, "sources": [SOURCE]})


def test_an_unverified_mark_needs_a_reason() -> None:
    with pytest.raises(ValidationError, match="bare `unverified: true`"):
        ClauseMeta.model_validate({**BASE, "unverified": True})
    with pytest.raises(ValidationError, match="reason"):
        ClauseMeta.model_validate({**BASE, "unverified": [{"point": "s9(4)"}]})
    meta = ClauseMeta.model_validate({**BASE, "unverified": {"point": "s9(4)", "reason": "not found"}})
    assert meta.marked and meta.unverified[0].reason == "not found"


def test_lint_refuses_a_bare_mark_and_an_undated_source(tmp_path: Path) -> None:
    library = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", library)
    clause = library / "cjv" / "purpose.clause"
    head, _, body = clause.read_text(encoding="utf-8").partition("\n---\n")
    clause.write_text(head + "\nunverified: true\n---\n" + body, encoding="utf-8")
    result = run("lint", "--library", library)
    assert result.exit_code == 1
    assert "cjv/purpose.clause" in result.stdout and "bare `unverified: true`" in result.stdout
    clause.write_text(head + f"\nsources:\n  - title: T\n    section: s1\n    url: {SOURCE['url']}\n---\n" + body)
    result = run("lint", "--library", library)
    assert result.exit_code == 1 and "has no `checked:` date" in result.stdout


def test_the_list_counts_the_marked_clauses_and_at_most_eight_remain() -> None:
    library = load_library()
    marked = marked_clauses(library.clauses.values())
    assert 0 < len(marked) <= 8
    assert all(point.reason for clause in marked for point in clause.meta.unverified)
    result = run("list")
    assert result.exit_code == 0
    assert f"{len(marked)} of {len(library.clauses)} clause(s) marked unverified" in result.stdout


def test_every_checked_source_in_the_library_is_dated_and_located() -> None:
    for clause in load_library().clauses.values():
        for source in clause.meta.checked_sources:
            assert source.checked is not None and source.url.startswith("http"), clause.id


def _answers(**changes: object) -> Answers:
    data: dict[str, object] = {
        "collaborative": {"name": "C", "icb": "NHS Somewhere Integrated Care Board"},
        "parties": [
            {"name": "A NHS Trust", "short_name": "A", "kind": "nhs_trust"},
            {"name": "B NHS Foundation Trust", "short_name": "B", "kind": "nhs_foundation_trust"},
        ],
    }
    data.update(changes)
    return Answers.model_validate(data)


def test_nhs_contract_fact_follows_the_parties_kinds() -> None:
    facts = facts_of(_answers()).nhs_contract
    assert facts.possible and facts.health_service_bodies == ("A NHS Trust",)
    assert facts.unconfirmed == ("B NHS Foundation Trust",) and not facts.others
    parties = [{"name": "A NHS Trust", "short_name": "A", "kind": "nhs_trust"}]
    parties.append({"name": "P CIC", "short_name": "P", "kind": PartyKind.CIC.value})
    facts = facts_of(_answers(parties=parties)).nhs_contract
    assert not facts.possible and facts.others == ("P CIC",)


@pytest.mark.parametrize("forum", list(FinalForum))
def test_final_forum_fact(forum: FinalForum) -> None:
    fact = facts_of(_answers(disputes={"final_forum": forum.value})).final_forum
    assert fact.kind is forum
    assert [fact.courts, fact.arbitration, fact.referee].count(True) == 1
    if forum is FinalForum.ICB:
        assert fact.name == "NHS Somewhere Integrated Care Board"


def test_cost_share_to_expert_needs_an_expert_and_shared_costs() -> None:
    expert = {"expert_determination": {"scope": "financial disputes"}}
    assert facts_of(_answers(disputes=expert)).cost_share_to_expert
    assert not facts_of(_answers()).cost_share_to_expert
    none = {"cost_sharing": {"method": CostMethod.NO_SHARED_COSTS.value}}
    assert not facts_of(_answers(disputes=expert, finance=none)).cost_share_to_expert
