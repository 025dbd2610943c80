"""A rule's fix as something the user can do where the problem is shown: a plain-English question and the answer
changes that make it ("Lower the quorum of the Joint Board to 4?"), or one answer asked again.

Each action is worked out from a finding's ``locations`` and the facts of the draft, never from its wording; a rule
with no action of its own gets, for an error, the offer to change the first answer it concerns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..facts import Facts
from ..rules import Finding, Severity
from .plan import Path, get
from .session import MISSING

__all__ = ["Action", "actions_for"]


@dataclass(frozen=True)
class Action:
    """A fix: ``changes`` (answer path, new YAML-ready value) made together in one save, or ``ask``: an answer to
    give again. ``question`` is what the screen asks ("Lower the quorum of the Joint Board to 4?")."""

    question: str
    changes: tuple[tuple[Path, Any], ...] = ()
    ask: Path | None = None
    rule: str = ""

    @property
    def key(self) -> str:
        """A stable name for the action (a browser form posts it back)."""
        what = {"changes": [[list(p), v] for p, v in self.changes], "ask": list(self.ask) if self.ask else None}
        return f"{self.rule}:{json.dumps(what, sort_keys=True, default=str)}"

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(p for p, _ in self.changes) + ((self.ask,) if self.ask else ())


Namer = Callable[[Path], str]
"""Where an answer sits and what it asks, as the screen says it ('Joint Board › Quorum', the question's title)."""

Maker = Callable[[Finding, Mapping[str, Any], Facts], Iterator[Action]]
_MAKERS: dict[str, Maker] = {}


def _maker(*rules: str) -> Callable[[Maker], Maker]:
    def register(fn: Maker) -> Maker:
        for r in rules:
            _MAKERS[r] = fn
        return fn

    return register


def actions_for(finding: Finding, data: Mapping[str, Any], facts: Facts, title: Namer, where: Namer) -> list[Action]:
    """The actions that fix ``finding`` in the draft ``data``: the rule's own, else (for an error) its first answer
    asked again."""
    maker = _MAKERS.get(finding.rule)
    found = [replace(a, rule=finding.rule) for a in maker(finding, data, facts)] if maker is not None else []
    if found or finding.severity != Severity.ERROR:
        return found
    for loc in finding.locations:
        path = tuple(loc)
        name = title(path)
        if name and get(data, path) is not MISSING:
            place = where(path)
            return [Action(f"Change your answer to “{name}”{f' ({place})' if place else ''}?", ask=path,
                           rule=finding.rule)]  # fmt: skip
    return []


def _body(data: Mapping[str, Any], index: Any) -> Mapping[str, Any]:
    body = get(data, ("bodies", index)) if isinstance(index, int) else MISSING
    return body if isinstance(body, Mapping) else {}


def _the(name: str) -> str:
    return name if name.lower().startswith("the ") else f"the {name}"


@_maker("R1")
def _non_voting(finding: Finding, data: Mapping[str, Any], facts: Facts) -> Iterator[Action]:
    loc = tuple(finding.locations[0])
    if len(loc) != 5 or loc[0] != "bodies":
        return
    bi, mi = loc[1], loc[3]
    body = _body(data, bi)
    members = body.get("members") if isinstance(body.get("members"), list) else []
    assert isinstance(members, list)
    name = _the(str(body.get("name", "body")))
    if loc[-1] == "voting":
        role = members[mi].get("role", "member") if isinstance(mi, int) and mi < len(members) else "member"
        yield Action(f"Make the {role} of {name} non-voting?", ((loc, False),))
        return
    party = members[mi].get("party") if isinstance(mi, int) and mi < len(members) else None
    seats = [
        (("bodies", bi, "members", j, "voting"), False)
        for j, m in enumerate(members)
        if isinstance(m, Mapping) and m.get("party") == party and m.get("voting", True) is not False
    ]
    if party is not None and seats:
        yield Action(f"Make {party}'s members of {name} non-voting?", tuple(seats))


@_maker("R10")
def _quorum(finding: Finding, data: Mapping[str, Any], facts: Facts) -> Iterator[Action]:
    loc = tuple(finding.locations[0])
    if len(loc) != 4 or loc[0] != "bodies" or not isinstance(loc[1], int) or loc[1] >= len(facts.bodies):
        return
    bi = loc[1]
    bf = facts.bodies[bi]
    body = _body(data, bi)
    quorum = body.get("quorum") if isinstance(body.get("quorum"), Mapping) else {}
    assert isinstance(quorum, Mapping)
    name = _the(bf.name)
    voters = sum(1 for m in bf.members if m.votes)
    parties = len(bf.voting_parties)
    members = quorum.get("members")
    each = ("bodies", bi, "quorum", "each_party")
    if loc[-1] == "members" and isinstance(members, int) and members > voters:
        if voters:
            yield Action(f"Lower the quorum of {name} to {voters}?", ((loc, voters),))
        return
    if loc[-1] == "members":  # each party must be present, but the quorum is smaller than the parties
        yield Action(f"Raise the quorum of {name} to {parties}?", ((loc, parties),))
        yield Action(f"Let {name} meet without every party present?", ((each, False),))
    elif finding.severity == Severity.ERROR:  # a party with no voting member can never make the quorum
        yield Action(f"Let {name} meet without every party present?", ((each, False),))
    else:
        yield Action(f"Require every party to be present for a quorum of {name}?", ((each, True),))


@_maker("R11")
def _casting_vote(finding: Finding, data: Mapping[str, Any], facts: Facts) -> Iterator[Action]:
    loc = tuple(finding.locations[0])
    if loc[-1:] == ("casting_vote",) and len(loc) == 4:
        name = _the(str(_body(data, loc[1]).get("name", "body")))
        yield Action(f"Remove the chair's casting vote on {name}?", ((loc, False),))


@_maker("C4")
def _shares(finding: Finding, data: Mapping[str, Any], facts: Facts) -> Iterator[Action]:
    loc = tuple(finding.locations[0])
    table = get(data, loc)
    total = sum(float(v) for v in table.values()) if isinstance(table, Mapping) else None
    what = "gains and risks" if "gain_risk_share" in loc else "shared costs"
    said = f" (they total {total:g}%)" if total is not None and table else ""
    yield Action(f"Give each party's share of the {what} again, so that they total 100%{said}?", ask=loc)


@_maker("C7")
def _threshold(finding: Finding, data: Mapping[str, Any], facts: Facts) -> Iterator[Action]:
    loc = tuple(finding.locations[0])
    if len(loc) != 4 or loc[0] != "bodies":
        return
    name = _the(str(_body(data, loc[1]).get("name", "body")))
    yield Action(f"Make the share of votes {name} needs two-thirds?", ((loc, "2/3"),))
    yield Action(f"Give the share of votes {name} needs again?", ask=loc)
