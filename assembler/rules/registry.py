"""The one registry of governance rules: statutory rules and cross-field consistency rules alike."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ..facts import Facts, Location, facts_of, format_location
from ..model import Answers, DocumentKind

__all__ = [
    "RULES",
    "WARNING_DOCUMENTS",
    "CheckFn",
    "Finding",
    "Rule",
    "Severity",
    "check",
    "concerns",
    "errors_in",
    "rule",
]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in the answers: which rule, how serious, what is wrong, where, why and what to change.

    ``locations`` are the answers concerned, as pydantic's ``loc`` tuples; ``where`` names the same answers as the
    user wrote them ("Community Collaborative Board › quorum › members")."""

    rule: str
    severity: Severity
    message: str
    locations: tuple[Location, ...]
    source: str
    fix: str
    unverified: bool = False
    where: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """The locations as field paths of the answers file: ``bodies[0].quorum.members``."""
        return tuple(format_location(loc) for loc in self.locations)

    def text(self) -> str:
        """The message with the unverified caveat, as printed and carried into drafting notes."""
        caveat = " (The source for this rule could not be verified in full: check it.)" if self.unverified else ""
        return f"{self.message}{caveat}"

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.text(),
            "fields": list(self.fields),
            "where": list(self.where),
            "source": self.source,
            "fix": self.fix,
            "unverified": self.unverified,
        }


CheckFn = Callable[["Rule", Answers, Facts], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A named governance check and the source it rests on."""

    id: str
    title: str
    source: str
    check_fn: CheckFn = field(repr=False)
    unverified: bool = False

    def finding(self, severity: Severity, message: str, locations: Iterable[Location], fix: str) -> Finding:
        return Finding(self.id, severity, message, tuple(locations), self.source, fix, self.unverified)

    def error(self, message: str, locations: Iterable[Location], fix: str) -> Finding:
        return self.finding(Severity.ERROR, message, locations, fix)

    def warning(self, message: str, locations: Iterable[Location], fix: str) -> Finding:
        return self.finding(Severity.WARNING, message, locations, fix)

    def run(self, facts: Facts) -> list[Finding]:
        return [
            replace(f, where=tuple(facts.describe(loc) for loc in f.locations))
            for f in self.check_fn(self, facts.answers, facts)
        ]


RULES: list[Rule] = []


def rule(rule_id: str, title: str, source: str = "logic", *, unverified: bool = False) -> Callable[[CheckFn], CheckFn]:
    """Register a check as a rule (decorator)."""

    def register(fn: CheckFn) -> CheckFn:
        if any(r.id == rule_id for r in RULES):
            raise ValueError(f"rule {rule_id} is registered twice")
        RULES.append(Rule(rule_id, title, source, fn, unverified))
        return fn

    return register


def _rule_order(rule_id: str) -> tuple[int, int, str]:
    """R1…R19 first, then the consistency checks C1…, numerically."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", rule_id)
    if match is None:
        return (2, 0, rule_id)
    return (0 if match[1] == "R" else 1, int(match[2]), rule_id)


def check(answers: Answers | Facts) -> list[Finding]:
    """Run every rule; findings come out errors first, then by rule number, in a stable order."""
    facts = answers if isinstance(answers, Facts) else facts_of(answers)
    findings = [f for r in sorted(RULES, key=lambda r: _rule_order(r.id)) for f in r.run(facts)]
    return sorted(findings, key=lambda f: (f.severity != Severity.ERROR, _rule_order(f.rule)))


_K = DocumentKind
WARNING_DOCUMENTS: dict[str, frozenset[DocumentKind]] = {
    "R3": frozenset({_K.SOD, _K.CJV}),
    "R7": frozenset({_K.CJV, _K.MOU}),
    "R9": frozenset({_K.CJV, _K.TOR}),
    "R10": frozenset({_K.TOR, _K.CJV}),
    "R11": frozenset({_K.TOR, _K.CJV}),
    "R12": frozenset({_K.CJV}),
    "R16": frozenset({_K.CJV, _K.TOR}),
    "R17": frozenset({_K.DRA, _K.CJV, _K.MOU}),
    "R18": frozenset({_K.CJV}),
    "R20": frozenset({_K.CJV, _K.TOR, _K.SOD}),
}
"""The drafts a rule's warnings are carried into as drafting notes; a rule not listed concerns every draft."""


def concerns(finding: Finding, kind: DocumentKind) -> bool:
    """Whether a finding belongs in the drafting notes of one document."""
    documents = WARNING_DOCUMENTS.get(finding.rule)
    return documents is None or kind in documents


def errors_in(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.ERROR]
