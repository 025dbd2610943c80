"""The interview's course: sections in a natural order, repeating groups, conditions, and review-and-edit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap

from ..answers_file import plain_data
from ..errors import InputError
from ..model import CHOICE_HELP, Answers, default_for_form
from .guidance import Guide
from .questions import REVIEW, Kind, Prompter, Question, default_at, question, questions
from .session import MISSING, Session

__all__ = ["SECTIONS", "Interview", "Section"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Section:
    """A part of the interview: a heading and the top-level answers it asks."""

    title: str
    fields: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section("The collaborative", ("collaborative",)),
    Section("Parties", ("parties",)),
    Section("Legal form and approvals", ("legal_form", "approvals")),
    Section("The board, sub-groups and their members", ("bodies",)),
    Section("Decision rules and reserved matters", ("decisions",)),
    Section("Delegation and financial limits", ("delegations",)),
    Section("Finance and liability", ("finance", "liability")),
    Section("Staffing and information governance", ("staffing", "information_governance")),
    Section("Dispute resolution", ("disputes",)),
    Section("Term, admission and exit", ("term", "membership")),
    Section("Documents to produce and their form", ("documents",)),
)


class Interview:
    """Walks the answers model, asking what the draft does not hold yet, saving each answer at once.

    Resuming skips what is answered; the first unanswered question is where the user stopped. A repeating
    group finished just before that point is offered again first (the user may have stopped while adding).
    """

    def __init__(self, session: Session, prompter: Prompter) -> None:
        self.session = session
        self.prompter = prompter
        self.echo = prompter.echo
        self.guide = Guide()
        self.live = False  # a question has been asked in this run (the resume point is behind us)
        self.pending: Callable[[], None] | None = None
        self.heading: str | None = None

    # ------------------------------------------------------------------------------------------ the course

    def run(self) -> Answers:
        """Ask everything not yet answered, then review until the user finishes with complete answers."""
        while True:
            for section in SECTIONS:
                self.walk(section)
            if self.pending is not None:
                self._go_live()
            self.review(final=True)
            try:
                return self.session.answers()
            except InputError as exc:
                self.echo("Some answers are still missing or do not fit together:")
                for line in exc.lines():
                    self.echo(f"  {line}")

    def walk(self, section: Section, *, force: bool = False) -> None:
        """Ask a section's questions (all of them when ``force``, else only those not answered)."""
        self.heading = section.title
        for name in section.fields:
            self._field(question(Answers, name), (name,), force)
        if self.live and self.heading is None:
            self._check()
        self.heading = None

    def _go_live(self) -> None:
        """About to ask: announce the section, and first reopen a group the user may have been adding to."""
        if not self.live:
            self.live = True
            if self.pending is not None:
                reopen, self.pending = self.pending, None
                reopen()
        if self.heading is not None:
            self.echo("")
            self.echo(f"== {self.heading} ==")
            self.heading = None

    def _model(self, model: type[BaseModel], path: Path, force: bool) -> None:
        for q in questions(model):
            if not q.applies(self.session.get(path)):
                if self.session.get((*path, q.name)) is not MISSING:
                    self.session.delete((*path, q.name))
                continue
            self._field(q, (*path, q.name), force)

    def _field(self, q: Question, path: Path, force: bool) -> None:
        if q.kind is Kind.GROUP:
            self._group(q, path, force)
        elif q.kind is Kind.MODEL and not q.optional:
            self._model(q.item_model, path, force)
        elif q.kind is Kind.MODEL:
            self._optional_model(q, path, force)
        else:
            self._scalar(q, path, force)

    def _scalar(self, q: Question, path: Path, force: bool) -> None:
        current = self.session.get(path)
        if current is not MISSING and not force:
            self.pending = None
            return
        self._go_live()
        for line in self.guide.before(path, self.session.data()):
            self.echo(line)
        if current is MISSING:
            default = default_for_form(path, self.session.get(("legal_form",)), default_at(path))
        else:
            default = current
        answer = self._ask(lambda: q.ask(self.prompter, default, parties=self._parties(), bodies=self._bodies(path)))
        self.session.set(path, answer)
        lines, offer = self.guide.after(path, answer, self.session.data())
        for line in lines:
            self.echo(line)
        if offer is not None and self._ask(lambda: self.prompter.confirm(offer.question, default=True)):
            self.session.set(path, offer.value)
        if path == ("legal_form",):
            self._check()

    def _optional_model(self, q: Question, path: Path, force: bool) -> None:
        current = self.session.get(path)
        if current is MISSING or force:
            self._go_live()
            present = default_at(path) is not None if current is MISSING else current is not None
            message = q.title if q.title.endswith("?") else f"Set the {q.title.lower()}?"
            if q.help:
                self.echo(f"  ({q.help})")
            if not self._ask(lambda: self.prompter.confirm(message, default=present)):
                self.session.set(path, None)
                return
            if not isinstance(current, dict):
                self.session.set(path, CommentedMap())
        elif current is None:
            self.pending = None
            return
        self._model(q.item_model, path, force)

    def _ask(self, prompt: Callable[[], Any]) -> Any:
        """Run a prompt; Ctrl-R opens the review, then the same prompt comes back."""
        while True:
            answer = prompt()
            if answer is not REVIEW:
                return answer
            self.review(final=False)

    # ------------------------------------------------------------------------------------ repeating groups

    def _group(self, q: Question, path: Path, force: bool) -> None:
        items = self.session.get(path)
        if isinstance(items, list):
            for index in range(len(items)):
                self._item(q, (*path, index), force=False)
            if not self.live and not force:
                self.pending = lambda: self._menu(q, path)
                return
        self._go_live()
        self._menu(q, path)

    def _item(self, q: Question, path: Path, force: bool) -> None:
        """Ask one item's questions, then check the item as a whole (e.g. a delegation names one delegate)."""
        self._model(q.item_model, path, force)
        while True:
            try:
                q.item_model.model_validate(plain_data(self.session.get(path)))
                return
            except ValidationError as exc:
                if any(e["type"] == "missing" for e in exc.errors()):
                    return  # stopped part way: the resume asks the rest
                problem = str(exc.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
                self.echo(f"! This {q.noun} does not fit together: {problem}")
            self._go_live()
            self._model(q.item_model, path, force=True)

    def _menu(self, q: Question, path: Path) -> None:
        """Add, edit and remove items until the user is done."""
        title = q.info.title or _plural(q.noun).capitalize()
        while True:
            self._check()
            items = self.session.get(path)
            items = items if isinstance(items, list) else []
            labels = [_label(q.item_model, item) for item in items]
            self.echo(f"{title} — {len(items)} so far" + "".join(f"\n  {i + 1}. {lab}" for i, lab in enumerate(labels)))
            choices: list[tuple[str, Any, str]] = [(f"Add a {q.noun}", ("add", -1), "")]
            choices += [(f"Edit {q.noun} {lab}", ("edit", i), "") for i, lab in enumerate(labels)]
            choices += [(f"Remove {q.noun} {lab}", ("remove", i), "") for i, lab in enumerate(labels)]
            choices.append(("Done", ("done", -1), "Go on (Ctrl-R at any question reviews all answers)."))
            start = ("done", -1) if items else ("add", -1)
            action, index = self._ask(partial(self.prompter.select, title, choices, default=start))
            if action == "add":
                new = (*path, len(items))
                self.session.set(new, CommentedMap())
                self._item(q, new, force=False)
            elif action == "edit":
                self._item(q, (*path, index), force=True)
            elif action == "remove":
                sure = f"Remove {q.noun} {labels[index]}?"
                if self._ask(partial(self.prompter.confirm, sure, default=False)):
                    self.session.delete((*path, index))
            else:
                if self.session.get(path) is MISSING:
                    self.session.set(path, [])
                return

    # ------------------------------------------------------------------------------------------- guidance

    def _check(self) -> None:
        """Run the governance rules on the draft and show each new finding once."""
        for finding in self.guide.new_findings(self.session.data()):
            for line in self.guide.describe(finding):
                self.echo(line)

    def _parties(self) -> list[str]:
        parties = self.session.get(("parties",))
        parties = parties if isinstance(parties, list) else []
        return [str(p["short_name"]) for p in parties if isinstance(p, dict) and "short_name" in p]

    def _bodies(self, path: Path) -> list[str]:
        """Body ids to choose from (a body cannot report to itself)."""
        own = self.session.get(path[:2]) if path[:1] == ("bodies",) else None
        bodies = self.session.get(("bodies",))
        bodies = bodies if isinstance(bodies, list) else []
        return [str(b["id"]) for b in bodies if isinstance(b, dict) and "id" in b and b is not own]

    # ---------------------------------------------------------------------------------------------- review

    def review(self, *, final: bool) -> None:
        """A summary of every answer by section; pick a section to change answers in it, then come back."""
        done = "Finish" if final else "Back to the interview"
        while True:
            self.echo("")
            self.echo("== Your answers ==")
            for section in SECTIONS:
                self.echo(section.title)
                for label, value, _ in self._entries(section):
                    self.echo(f"  {label}: {value}")
            choices = [(s.title, i, "") for i, s in enumerate(SECTIONS)] + [(done, -1, "")]
            picked = self.prompter.select("Review: which section do you want to change?", choices, default=-1)
            if picked is REVIEW or picked == -1:
                return
            self._review_section(SECTIONS[picked])

    def _review_section(self, section: Section) -> None:
        while True:
            entries = list(self._entries(section))
            choices: list[tuple[str, Any, str]] = [
                (f"{label}: {value}", i, "") for i, (label, value, _) in enumerate(entries)
            ]
            choices += [("Ask this whole section again", "all", ""), ("Back to the summary", "back", "")]
            picked = self.prompter.select(section.title, choices, default="back")
            if picked in ("back", REVIEW):
                return
            if picked == "all":
                self.walk(section, force=True)
                continue
            entries[picked][2]()

    def _entries(self, section: Section) -> Iterator[tuple[str, str, Callable[[], None]]]:
        """``(question, answer summary, how to change it)`` for each answer the section holds."""
        for name in section.fields:
            yield from self._entries_of(question(Answers, name), (name,))

    def _entries_of(self, q: Question, path: Path, prefix: str = "") -> Iterator[tuple[str, str, Callable[[], None]]]:
        current = self.session.get(path)
        if q.kind is Kind.MODEL and not q.optional:
            inner_prefix = prefix + (f"{q.name.replace('_', ' ')}: " if len(path) > 1 else "")
            for inner in questions(q.item_model):
                if inner.applies(current):
                    yield from self._entries_of(inner, (*path, inner.name), inner_prefix)
            return
        if q.kind is Kind.GROUP:
            items = current if isinstance(current, list) else []
            title = q.info.title or _plural(q.noun).capitalize()
            labels = ", ".join(_label(q.item_model, item) for item in items) or "none"
            yield title, labels, lambda: self._menu(q, path)
            for index, item in enumerate(items):
                yield f"  {q.noun} {index + 1}", _label(q.item_model, item), self._editor(q, (*path, index))
            return
        yield prefix + q.title, _summary(q, current), lambda: self._field(q, path, True)

    def _editor(self, q: Question, path: Path) -> Callable[[], None]:
        return lambda: self._item(q, path, force=True)


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def _label(model: type[BaseModel], item: Any) -> str:
    """A short name for a group item: its first two answered plain values, e.g. 'EPUT: Chair'."""
    if not isinstance(item, dict):
        return "?"
    parts = [str(item[name]) for name in model.model_fields if isinstance(item.get(name), str | int)][:2]
    text = ": ".join(parts) or "(not yet answered)"
    return text if len(text) <= 70 else text[:67] + "..."


def _summary(q: Question, value: Any) -> str:
    enum = q.enum
    if enum is not None and isinstance(value, str | list):
        values = value if isinstance(value, list) else [value]
        return ", ".join(CHOICE_HELP[enum(v)][0] for v in values)
    if value is MISSING:
        return "— not answered"
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        if not value:
            return "yes"
        return ", ".join(f"{k} {v}" for k, v in value.items() if not isinstance(v, dict | list)) or "yes"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) if value else "none"
    text = str(value)
    return text if len(text) <= 70 else text[:67] + "..."
