"""Governance rules R1–R19: small named checks over the answers, each returning findings with a legal source."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from .model import Answers

__all__ = ["RULES", "Finding", "Rule", "Severity", "check", "errors_in"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in the answers: which rule, how serious, what is wrong, where, why (source) and what to change."""

    rule: str
    severity: Severity
    message: str
    fields: tuple[str, ...]
    source: str
    fix: str
    unverified: bool = False

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
            "source": self.source,
            "fix": self.fix,
            "unverified": self.unverified,
        }


CheckFn = Callable[["Rule", Answers], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A named governance check and the source it rests on."""

    id: str
    title: str
    source: str
    check_fn: CheckFn = field(repr=False)
    unverified: bool = False

    def finding(self, severity: Severity, message: str, fields: list[str] | tuple[str, ...], fix: str) -> Finding:
        return Finding(self.id, severity, message, tuple(fields), self.source, fix, self.unverified)

    def error(self, message: str, fields: list[str] | tuple[str, ...], fix: str) -> Finding:
        return self.finding(Severity.ERROR, message, fields, fix)

    def warning(self, message: str, fields: list[str] | tuple[str, ...], fix: str) -> Finding:
        return self.finding(Severity.WARNING, message, fields, fix)

    def run(self, answers: Answers) -> list[Finding]:
        return list(self.check_fn(self, answers))


RULES: list[Rule] = []


def rule(rule_id: str, title: str, source: str, *, unverified: bool = False) -> Callable[[CheckFn], CheckFn]:
    """Register a check as a rule (decorator)."""

    def register(fn: CheckFn) -> CheckFn:
        RULES.append(Rule(rule_id, title, source, fn, unverified))
        return fn

    return register


def check(answers: Answers) -> list[Finding]:
    """Run every rule; findings come out errors first, then by rule number, in a stable order."""
    findings = [f for r in RULES for f in r.run(answers)]
    order = {r.id: i for i, r in enumerate(RULES)}
    return sorted(findings, key=lambda f: (f.severity != Severity.ERROR, order.get(f.rule, 0)))


def errors_in(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.ERROR]


# ------------------------------------------------------------------------------------------------- rules


@rule("R19", "Parties exist and are unique", "logic")
def _parties_exist(r: Rule, a: Answers) -> Iterator[Finding]:
    if len(a.parties) < 2:
        yield r.error("A collaborative needs at least two parties.", ["parties"], "add the other parties")
    seen: set[str] = set()
    for i, p in enumerate(a.parties):
        if p.short_name in seen:
            yield r.error(
                f"Two parties share the short name '{p.short_name}'.",
                [f"parties[{i}].short_name"],
                "give each party a different short name",
            )
        seen.add(p.short_name)
    for path, name in _party_refs(a):
        if a.party(name) is None:
            yield r.error(
                f"'{name}' is not the short name of any party.",
                [path],
                "use one of: " + ", ".join(p.short_name for p in a.parties),
            )


def _party_refs(a: Answers) -> Iterator[tuple[str, str]]:
    """Every answer that names a party, with its field path."""
    for bi, b in enumerate(a.bodies):
        for mi, m in enumerate(b.members):
            yield f"bodies[{bi}].members[{mi}].party", m.party
        if b.chair.party is not None:
            yield f"bodies[{bi}].chair.party", b.chair.party
        if b.secretariat is not None:
            yield f"bodies[{bi}].secretariat", b.secretariat
        for name in b.voting.weights or {}:
            yield f"bodies[{bi}].voting.weights.{name}", name
    for di, d in enumerate(a.delegations):
        yield f"delegations[{di}].from_party", d.from_party
    for name in a.finance.cost_sharing.shares or {}:
        yield f"finance.cost_sharing.shares.{name}", name
    if a.finance.gain_risk_share is not None:
        for name in a.finance.gain_risk_share.shares or {}:
            yield f"finance.gain_risk_share.shares.{name}", name
    fund = a.finance.pooled_fund
    if fund is not None:
        for name in fund.contributions or {}:
            yield f"finance.pooled_fund.contributions.{name}", name
        if fund.host is not None:
            yield "finance.pooled_fund.host", fund.host
    for pi, post in enumerate(a.staffing.posts):
        yield f"staffing.posts[{pi}].employer", post.employer
    if a.information_governance.lead_party is not None:
        yield "information_governance.lead_party", a.information_governance.lead_party
    for kind in ("mou", "cjv", "tor", "sod", "dra"):
        for i, name in enumerate(getattr(a.documents, kind).parties or []):
            yield f"documents.{kind}.parties[{i}]", name
