"""An engine page as form fields, and a posted form as the answer the engine takes.

Choices are posted as their position in the page's list (never as values the browser could forge into anything
else); a page fingerprint posted with every answer makes sure the answer is for the page the engine is on now
(another tab may have moved on)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..interview.engine import NO_MORE, Page

__all__ = ["Option", "answer_from_form", "fingerprint", "options", "parse_key", "path_key", "typed_back"]


@dataclass(frozen=True)
class Option:
    index: int
    label: str
    help: str
    checked: bool


def fingerprint(page: Page) -> str:
    """Which page a form belongs to: its kind, path and title."""
    raw = f"{page.kind}|{path_key(page.path)}|{page.title}|{len(page.choices)}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def path_key(path: Sequence[str | int]) -> str:
    """A path as the dotted text links carry: ``parties.0.short_name``."""
    return ".".join(str(p) for p in path)


def parse_key(key: str) -> tuple[str | int, ...]:
    """The path a link's dotted text stands for (``path_key`` the other way round); item numbers as ints."""
    return tuple(int(p) if _number(p) else p for p in key.split(".")) if key else ()


def options(page: Page, posted: Mapping[str, Any] | None = None) -> list[Option]:
    """The page's choices as radios or checkboxes, ticked as the engine proposes (or as just posted)."""
    if page.input == "confirm":
        chosen = {0 if page.default else 1}
        if posted is not None and "answer" in posted:
            chosen = {0 if posted["answer"] == "yes" else 1}
        return [Option(0, "Yes", "", 0 in chosen), Option(1, "No", "", 1 in chosen)]
    if page.input == "checkbox":
        wanted = list(page.default or [])
        ticked = {i for i, c in enumerate(page.choices) if c.value in wanted}
    else:
        ticked = {i for i, c in enumerate(page.choices) if c.value == page.default}
    if posted is not None:
        ticked = {int(v) for v in posted.get("answers", []) if _number(v)}
    return [Option(i, c.label, c.help, i in ticked) for i, c in enumerate(page.choices)]


def typed_back(page: Page, posted: Mapping[str, Any] | None) -> str:
    """What the text box shows: what was just typed (after an error), else the current answer."""
    if posted is not None and isinstance(posted.get("answer"), str):
        return str(posted["answer"])
    if page.kind == "add":
        return ""
    if page.input == "list":
        return "\n".join(str(v) for v in page.default or [])
    return page.shown


def answer_from_form(page: Page, form: Mapping[str, Any]) -> Any:
    """The value to pass to ``Engine.submit`` for this page; ``ValueError`` (a plain sentence) if a choice is
    missing."""
    if page.kind == "add" and form.get("action") == "none":
        return NO_MORE if page.input == "select" else ""
    kind = page.input
    if kind == "confirm":
        value = form.get("answer")
        if value not in ("yes", "no"):
            raise ValueError("Select yes or no.")
        return value == "yes"
    if kind == "select":
        index = _index(form.get("answer"), len(page.choices))
        if index is None:
            raise ValueError("Select one of the options.")
        return page.choices[index].value
    if kind == "checkbox":
        picked = [_index(v, len(page.choices)) for v in _all(form, "answers")]
        return [page.choices[i].value for i in picked if i is not None]
    if kind == "mapping":
        return {key: str(form.get(f"key-{i}", "")) for i, key in enumerate(page.keys)}
    text = form.get("answer", "")
    text = text if isinstance(text, str) else ""
    if page.kind == "add" and not text.strip() and page.input != "select":
        return ""
    return text


def _all(form: Mapping[str, Any], name: str) -> list[Any]:
    """Every value posted under ``name`` (a form's ``get`` gives only the last of several ticked boxes)."""
    getlist = getattr(form, "getlist", None)
    if getlist is not None:
        return list(getlist(name))
    value = form.get(name, [])
    return list(value) if isinstance(value, list | tuple) else [value]


def _index(raw: Any, size: int) -> int | None:
    if _number(raw) and int(raw) < size:
        return int(raw)
    return None


def _number(raw: Any) -> bool:
    """Plain ASCII digits (``"²".isdigit()`` is true, but ``int("²")`` fails)."""
    return isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 10
