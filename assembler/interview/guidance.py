"""Guidance as the user answers: the rules run on the draft; legal options are explained when they matter."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..facts import NHS_RELEVANT_BODIES, Location, facts_of
from ..model import CHOICE_HELP, Answers, LegalForm, PartyKind
from ..rules import Finding, Severity, check

__all__ = ["Guide", "Offer", "provisional"]

_JOINT_FORMS = (LegalForm.COMMITTEES_IN_COMMON.value, LegalForm.JOINT_COMMITTEE.value)


@dataclass(frozen=True)
class Offer:
    """A better answer proposed after the user's: ask ``question`` and, on yes, store ``value`` instead."""

    question: str
    value: Any


def provisional(data: dict[str, Any]) -> Answers | None:
    """The draft as ``Answers`` for the rules, leaving out unfinished items (a party without a kind, say)."""
    data = copy.deepcopy(data)
    collaborative = data.setdefault("collaborative", {})
    if isinstance(collaborative, dict):
        collaborative.setdefault("name", "the collaborative")
    for _ in range(100):
        try:
            return Answers.model_validate(data)
        except ValidationError as exc:
            if not _prune(data, [tuple(e["loc"]) for e in exc.errors(include_url=False)]):
                return None
    return None


def _prune(data: dict[str, Any], locs: list[tuple[int | str, ...]]) -> bool:
    """Drop the innermost list item (else the enclosing mapping) holding each error; False if none can go."""
    cuts: set[tuple[int | str, ...]] = set()
    for loc in locs:
        ints = [i for i, part in enumerate(loc) if isinstance(part, int)]
        if ints:
            cuts.add(loc[: ints[-1] + 1])
        elif len(loc) >= 2 and loc[:1] != ("collaborative",):
            cuts.add(loc[:-1])
        else:
            return False
    for cut in sorted(cuts, key=lambda c: [str(p).zfill(6) for p in c], reverse=True):
        node: Any = data
        for part in cut[:-1]:
            node = node[part]
        del node[cut[-1]]
    return bool(cuts)


class Guide:
    """Shows each governance finding once, in plain English with the fix, as soon as the draft shows it."""

    def __init__(self) -> None:
        self._shown: set[tuple[str, str, tuple[Location, ...]]] = set()

    def new_findings(self, data: dict[str, Any]) -> list[Finding]:
        answers = provisional(data)
        if answers is None:
            return []
        fresh = []
        for finding in check(answers):
            key = (finding.rule, finding.message, finding.locations)
            if not all(_answered(data, loc) for loc in finding.locations):
                continue  # it concerns answers still to come (the model's defaults stand in for them here)
            if key not in self._shown:
                self._shown.add(key)
                fresh.append(finding)
        return fresh

    @staticmethod
    def describe(finding: Finding) -> list[str]:
        what = "Problem" if finding.severity == Severity.ERROR else "Warning"
        return [
            f"! {what} ({finding.rule}): {finding.text()}",
            f"  What to change: {finding.fix}",
            f"  Answers concerned: {'; '.join(finding.where or finding.fields)}. Source: {finding.source}",
        ]

    # -- legal options at the moment they matter

    @staticmethod
    def before(path: Sequence[str | int], data: dict[str, Any]) -> list[str]:
        """Advice to show before the question at ``path``."""
        if tuple(path) == ("legal_form",):
            outsiders = _outsiders(data)
            if outsiders:
                names = ", ".join(f"{name} ({CHOICE_HELP[kind][0].lower()})" for name, kind in outsiders)
                cic = CHOICE_HELP[LegalForm.COMMITTEES_IN_COMMON]
                joint = CHOICE_HELP[LegalForm.JOINT_COMMITTEE]
                cjv = CHOICE_HELP[LegalForm.CJV]
                return [
                    f"Note: {names} {'is' if len(outsiders) == 1 else 'are'} not an NHS body.",
                    f"  {cic[0]}: {cic[1]}",
                    f"  {joint[0]}: {joint[1]}",
                    f"  So consider a {cjv[0].lower()}: {cjv[1]}",
                ]
        return []

    @staticmethod
    def after(path: Sequence[str | int], value: Any, data: dict[str, Any]) -> tuple[list[str], Offer | None]:
        """Advice on an answer just given, and perhaps a better answer to offer."""
        if tuple(path) == ("legal_form",) and value in _JOINT_FORMS:
            outsiders = _outsiders(data)
            if outsiders:
                names = ", ".join(name for name, _ in outsiders)
                chosen = CHOICE_HELP[LegalForm(value)][0].lower()
                cjv = CHOICE_HELP[LegalForm.CJV][0].lower()
                return (
                    [
                        f"! {names} cannot be a voting member of {chosen}: only NHS bodies exercise "
                        "statutory functions jointly. It could attend without a vote, or the parties could "
                        "use a contractual board, which delegates no statutory function."
                    ],
                    Offer(f"Use a {cjv} instead?", LegalForm.CJV.value),
                )
        if len(path) == 3 and path[0] == "parties" and path[2] == "kind" and value is not None:
            kind = PartyKind(value)
            if kind not in NHS_RELEVANT_BODIES:
                return ([f"Note: {CHOICE_HELP[kind][0]}: {CHOICE_HELP[kind][1]}"], None)
        return ([], None)


def _answered(data: dict[str, Any], loc: Location) -> bool:
    """Whether the draft holds the answer at a finding's location, e.g. ``("bodies", 0, "voting", "weights")``."""
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return False
            node = node[part]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return True


def _outsiders(data: dict[str, Any]) -> list[tuple[str, PartyKind]]:
    """Members of the draft that are not NHS relevant bodies (CICs, companies, charities, local authorities)."""
    answers = provisional(data)
    if answers is None:
        return []
    return [(p.short_name, p.kind) for p in facts_of(answers).outsiders]
