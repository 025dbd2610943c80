"""Single edits to an example's answers (and to a copy of the clause library), for the redline tests.

Each answers edit changes one thing a collaborative changes between drafts; it works on the answers as plain data
and fits every example in ``answers/``. The library edits copy the clause library and bump one clause's version
(with a change of wording), or move one clause within its document.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "clause_library"

Data = dict[str, Any]


def load(path: Path) -> Data:
    data: Data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


def dump(data: Data) -> str:
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]  # keep the answers' order
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _quorate(d: Data) -> Data:
    return next(b for b in d["bodies"] if isinstance(b.get("quorum"), dict))


def quorum(d: Data) -> None:
    q = _quorate(d)["quorum"]
    q["members"] = q["members"] - 1 if q["members"] > 2 else q["members"] + 1


def quorum_each_party(d: Data) -> None:
    q = _quorate(d)["quorum"]
    q["each_party"] = not q.get("each_party", False)


def threshold(d: Data) -> None:
    """The voting threshold of the first body that may vote by majority: not committees in common, where each
    committee decides for its own party (R8)."""
    from assembler.facts import facts_of
    from assembler.model import Answers

    facts = facts_of(Answers.model_validate(d))
    target = next((b.index for b in facts.bodies if not b.in_common and b.voting_parties), 0)
    voting = d["bodies"][target].setdefault("voting", {})
    rule = voting.get("rule")
    voting.clear()
    voting.update({"rule": "qualified_majority", "threshold": 80 if rule == "qualified_majority" else 75})


def party_added(d: Data) -> None:
    d["parties"].append(
        {
            "short_name": "Newtown",
            "name": "Newtown Community Health NHS Trust",
            "kind": "nhs_trust",
            "roles": ["observer"],
        }
    )


def _scrub(value: Any, name: str) -> Any:
    """``value`` without any mention of the party ``name`` (list items naming it go; fields naming it become null)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == name:
                continue
            out[key] = None if item == name else _scrub(item, name)
        return out
    if isinstance(value, list):
        kept = [
            v
            for v in value
            if v != name
            and not (isinstance(v, dict) and name in (v.get("party"), v.get("from_party"), v.get("employer")))
        ]
        return [_scrub(v, name) for v in kept]
    return value


def party_removed(d: Data) -> None:
    party = d["parties"][-1]
    d["parties"] = d["parties"][:-1]
    scrubbed = _scrub(d, party["short_name"])
    d.clear()
    d.update(scrubbed)
    for body in d["bodies"]:  # a quorum larger than the voting members left breaks rule R10
        voters = sum(1 for m in body.get("members", []) if m.get("voting", True))
        if isinstance(body.get("quorum"), dict):
            body["quorum"]["members"] = min(body["quorum"]["members"], max(voters, 1))
        chair = body.get("chair") or {}
        if chair.get("method") == "named_party" and not chair.get("party"):  # its chair came from that party
            chair.update({"method": "rotating", "rotation_months": 12})
    costs = (d.get("finance") or {}).get("cost_sharing") or {}
    if costs.get("shares"):  # its share of the costs passes to the first party left (shares total 100: C4)
        funded = sum(f.get("share") or 0 for f in costs.get("funders") or [])
        first = next(iter(costs["shares"]))
        costs["shares"][first] += 100 - funded - sum(costs["shares"].values())


def tier_added(d: Data) -> None:
    tiers = d.setdefault("disputes", {}).setdefault("tiers", [])
    tiers.insert(min(1, len(tiers)), {"name": "Senior manager resolution", "forum": "the senior managers", "days": 7})


def tier_removed(d: Data) -> None:
    tiers = d["disputes"]["tiers"]
    tiers.pop(0 if len(tiers) > 1 else -1)


def document_off(d: Data) -> None:
    d["documents"].setdefault("dra", {})["produce"] = False


def collaborative_renamed(d: Data) -> None:
    d["collaborative"]["name"] += " Partnership"


def dated(d: Data) -> None:
    d["collaborative"]["effective_date"] = "2026-04-01"


def purpose(d: Data) -> None:
    d["collaborative"]["purpose"] = "to improve community services for patients across the footprint"


def objective_added(d: Data) -> None:
    d["collaborative"].setdefault("objectives", []).append("shared digital records")


def principle_moved(d: Data) -> None:
    principles = d["collaborative"].setdefault("principles", ["openness", "equal partnership"])
    principles.append(principles.pop(0))


def notice_days(d: Data) -> None:
    meetings = d["bodies"][0].setdefault("meetings", {})
    meetings["notice_days"] = meetings.get("notice_days", 5) + 2


def frequency(d: Data) -> None:
    meetings = d["bodies"][0].setdefault("meetings", {})
    meetings["frequency"] = "quarterly" if meetings.get("frequency") != "quarterly" else "monthly"


def deputies_vote(d: Data) -> None:
    deputies = d["bodies"][0].setdefault("deputies", {"allowed": True})
    deputies["allowed"] = True
    deputies["may_vote"] = not deputies.get("may_vote", False)


def reserved_matter_added(d: Data) -> None:
    d.setdefault("decisions", {}).setdefault("reserved_matters", []).append("any change to the cost-sharing method")


def exit_notice(d: Data) -> None:
    membership = d.setdefault("membership", {})
    membership["exit_notice_months"] = membership.get("exit_notice_months", 12) + 3


def body_renamed(d: Data) -> None:
    d["bodies"][-1]["name"] += " (Renamed)"


def body_added(d: Data) -> None:
    top = d["bodies"][0]
    seats = [{"party": m["party"], "role": "Director of Digital"} for m in top["members"][:2]]
    d["bodies"].append(
        {
            "id": "digital",
            "name": "Digital Sub-Committee",
            "kind": "sub_committee",
            "parent": top["id"],
            "purpose": "to oversee shared digital systems",
            "members": seats,
            "quorum": {"members": 2, "each_party": False},
            "voting": {"rule": "consensus"},
        }
    )


def body_removed(d: Data) -> None:
    """The last body that no other body reports to and no delegation names (the end of the terms of reference)."""
    parents = {b.get("parent") for b in d["bodies"]}
    named = parents | {x.get("to_body") for x in d.get("delegations") or []}
    leaf = next((b for b in reversed(d["bodies"]) if b["id"] not in named), None)
    if leaf is None:  # every leaf holds a delegation: remove the last leaf and the delegations to it
        leaf = next(b for b in reversed(d["bodies"]) if b["id"] not in parents)
        d["delegations"] = [x for x in d.get("delegations") or [] if x.get("to_body") != leaf["id"]]
    d["bodies"].remove(leaf)


def mediation_provider(d: Data) -> None:
    disputes = d.setdefault("disputes", {})
    mediation = disputes.get("mediation") or {}
    mediation["provider"] = "the Centre for Effective Dispute Resolution" if mediation.get("provider") else "CEDR"
    disputes["mediation"] = mediation


def urgent_off(d: Data) -> None:
    urgent = d.setdefault("decisions", {}).setdefault("urgent", {})
    urgent.clear()
    urgent["allowed"] = False


ANSWER_EDITS: dict[str, Callable[[Data], None]] = {
    f.__name__: f
    for f in (
        quorum,
        quorum_each_party,
        threshold,
        party_added,
        party_removed,
        tier_added,
        tier_removed,
        document_off,
        collaborative_renamed,
        dated,
        purpose,
        objective_added,
        principle_moved,
        notice_days,
        frequency,
        deputies_vote,
        reserved_matter_added,
        exit_notice,
        body_renamed,
        body_added,
        body_removed,
        mediation_provider,
        urgent_off,
    )
}


def edited_answers(example: Path, edit: str, into: Path) -> Path:
    data = load(example)
    ANSWER_EDITS[edit](data)
    into.write_text(dump(data), encoding="utf-8")
    return into


# ----------------------------------------------------------------------------------------------- library


def library_copy(into: Path) -> Path:
    shutil.copytree(LIBRARY, into)
    return into


@dataclass(frozen=True)
class Bump:
    clause: str
    old: str
    new: str


def clause_bumped(library: Path, clause: str = "tor/quorum.clause") -> Bump:
    """Bump a clause's version and change its wording."""
    path = library / clause
    text = path.read_text(encoding="utf-8")
    version = next(line for line in text.splitlines() if line.startswith("version:"))
    old = version.split('"')[1]
    major, minor = old.split(".")
    new = f"{major}.{int(minor) + 1}"
    changed = text.replace(version, f'version: "{new}"', 1).replace(
        "may discuss the business", "may discuss any business", 1
    )
    assert changed.count("any business") == text.count("any business") + 1, "the clause's wording to change is gone"
    path.write_text(changed, encoding="utf-8")
    clause_id = next(line for line in text.splitlines() if line.startswith("id:")).split(":", 1)[1].strip()
    return Bump(clause_id, old, new)


def clause_moved(library: Path, document: str = "compositions.yaml", clause: str = "tor.quorum") -> None:
    """Move one clause to the end of its list (by default: the quorum, to the end of each body's terms of reference)."""
    path = library / document
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.strip() == f"- {clause}")
    moved = lines.pop(index)
    end = index
    while end < len(lines) and lines[end].strip().startswith("- "):
        end += 1
    lines.insert(end, moved)
    path.write_text("".join(lines), encoding="utf-8")
