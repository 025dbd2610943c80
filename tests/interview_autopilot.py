"""A fake user for the question engine: answers each page from a target answers file, as a person would type it.

Drives ``assembler.interview.engine.Engine`` directly (no prompt_toolkit): the flow tests, the prompt count and
the latency benchmark use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assembler.interview.engine import NO_MORE, Engine, Page
from assembler.interview.plan import asked, get, governing, pattern
from assembler.interview.questions import model_at
from assembler.interview.session import MISSING
from assembler.marking import format_date

Typist = Callable[[Page, Any], Any]


NATURAL_ANSWERS: dict[tuple[str | int, ...], str] = {
    ("collaborative", "effective_date"): "1 April 2025",
    ("bodies", 0, "voting", "threshold"): "two-thirds",
    ("delegations", 0, "financial_limit"): "£1m",
    ("decisions", "revocation_notice_days"): "20 working days",
    ("disputes", "tiers", 0, "days"): "10 working days",
    ("disputes", "tiers", 1, "days"): "10 working days",
    ("bodies", 0, "quorum", "members"): "3",  # a mistake, which the slow tests then fix from the review
}
"""What a lead types for the four-party fixture in the slow end-to-end tests (terminal and browser): answers in
words, read leniently."""


def typed(value: Any) -> str:
    """How a person types a value: dates the British way, lists separated by semicolons."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def ticked(target: Mapping[str, Any]) -> list[str]:
    """The standard choices and details a user with ``target`` in mind ticks: those that differ from usual."""
    found: set[str] = set()

    def walk(node: Any, path: tuple[str | int, ...]) -> None:
        entry = governing(path) if path else None
        if entry is not None and path and not isinstance(path[-1], int):
            q = entry.question
            value = node
            if entry.detail:
                if _has_value(value):
                    found.add(entry.pattern)
            elif pattern(path) == entry.pattern and value != q.default():
                found.add(entry.pattern)
        if isinstance(node, Mapping):
            for k, v in node.items():
                walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))

    walk(target, ())
    return sorted(found)


def _has_value(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_has_value(v) for v in value.values())
    return value not in (None, [], {})


@dataclass
class Autopilot:
    """Answers every page from ``target``; ``overrides`` maps a path to what to type there instead."""

    engine: Engine
    target: Mapping[str, Any]
    overrides: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    prompts: int = 0
    log: list[str] = field(default_factory=list)
    refused: list[tuple[Page, tuple[str, ...]]] = field(default_factory=list)

    def answer(self, page: Page) -> Any:
        path = page.path
        if path in self.overrides:
            return self.overrides.pop(path)
        if page.kind == "usual":
            return ticked(self.target)
        if page.kind == "clarify":
            return page.choices[0].value
        if page.kind == "fix":  # a fix offered for a mistake: the target's answer is what the user wants
            return False if page.input == "confirm" else None
        if page.kind == "add":
            item = get(self.target, path)
            if item is MISSING:
                return NO_MORE if page.input == "select" else ""
            model = model_at(path)
            assert model is not None
            first = asked(model)[0].name
            return item[first] if page.input == "select" else typed(item[first])
        value = get(self.target, path)
        if page.input == "confirm":
            if value is MISSING:
                return page.default
            return value is not None if not isinstance(value, bool) else value
        if value is MISSING:
            return page.default if page.input not in ("text", "list") else page.shown
        if page.input in ("text", "list"):
            return typed(value)
        if page.input == "mapping":
            return {k: typed(v) for k, v in (value or {}).items()}
        return value

    def step(self) -> Page:
        page = self.engine.page()
        outcome = self.engine.submit(self.answer(page))
        self.prompts += 1
        self.log.append(f"{page.progress} | {page.context} | {page.title}")
        if not outcome.accepted and outcome.problems:
            self.refused.append((page, outcome.problems))
        return page

    def run(self, *, until: Callable[[Page], bool] | None = None, limit: int = 400) -> Page:
        """Answer pages until the review (or ``until`` holds for the page about to be shown)."""
        for _ in range(limit):
            page = self.engine.page()
            if page.kind in ("review", "done") or (until is not None and until(page)):
                return page
            self.step()
        raise AssertionError("the interview did not end:\n" + "\n".join(self.log[-20:]))
