"""The question engine: what to ask now, what an answer means, and where to go next — for any front end.

All state is the answers file (``Session``) and a small position record (``Position``, saved beside it), so the
terminal and a browser can drive the same interview and resume each other's. A front end asks ``page()`` for what
to show, passes what the user typed or chose to ``submit()``, and calls ``back()``, ``cancel()``, ``review()`` and
``jump()`` for the keys; nothing here prints or reads a terminal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from ..answers_file import plain_data, write_atomic
from ..facts import facts_of
from ..marking import format_date
from ..model import CHOICE_HELP, Answers, default_for_form
from ..rules import Severity, check
from .actions import Action, actions_for
from .feedback import concerns, plain
from .guidance import Guide, provisional
from .lenient import (
    Unclear,
    calendar_to_working,
    read_bool,
    read_date,
    read_days,
    read_list,
    read_money,
    read_number,
    read_share,
)
from .plan import (
    SECTIONS,
    Path,
    Step,
    StepKind,
    Usual,
    asked,
    derived,
    document_name,
    get,
    governing,
    slug,
    stale,
    steps,
    usual_fields,
)
from .questions import KEY_FIELDS, Kind, Question, default_at, question, to_yaml
from .session import MISSING, Session

__all__ = ["Action", "Choice", "Engine", "Outcome", "Page", "Position", "ReviewItem", "ReviewSection"]

NO_MORE = "\x00no-more"
"""The value of the 'no more' choice that ends a list."""


@dataclass(frozen=True)
class Choice:
    label: str
    value: Any
    help: str = ""


@dataclass(frozen=True)
class Page:
    """What to show now. ``input``: text, select, confirm, checkbox, list, mapping, review or done."""

    kind: str
    input: str
    title: str
    path: Path = ()
    context: str = ""
    help: str = ""
    choices: tuple[Choice, ...] = ()
    default: Any = None
    shown: str = ""
    optional: bool = False
    keys: tuple[str, ...] = ()
    section: int = 0
    notes: tuple[str, ...] = ()

    @property
    def progress(self) -> str:
        return f"{SECTIONS[self.section].title} · {self.section + 1} of {len(SECTIONS)}"


@dataclass(frozen=True)
class Outcome:
    """What an answer did: accepted (with what was stored, as the screen says it) or refused with problems."""

    accepted: bool
    echo: str = ""
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()  # the fixes offered for the problems and notes (the next page asks)


@dataclass(frozen=True)
class ReviewItem:
    """One line of the review: the question, the answer as the screen says it, and where to change it."""

    section: int
    depth: int
    label: str
    answer: str
    target: Path
    movable: bool = False  # an item of a list whose order matters (a dispute tier): ``move()`` reorders it
    item: bool = False  # the line naming a list item (a party, a tier) above its answers


@dataclass(frozen=True)
class ReviewSection:
    """The review's answers of one section of the interview, under its heading."""

    index: int
    title: str
    items: tuple[ReviewItem, ...]


@dataclass
class Position:
    """Where the user is: saved beside the answers file as ``.<name>.position.json``."""

    history: list[Path] = field(default_factory=list)
    forward: list[Path] = field(default_factory=list)
    cursor: Path | None = None
    usual: dict[int, list[str]] = field(default_factory=dict)
    closed: list[Path] = field(default_factory=list)
    reviewing: bool = False
    editing: bool = False  # changing one answer from the review: the review comes back after it
    finished: bool = False

    @staticmethod
    def file_for(answers: FilePath) -> FilePath:
        return answers.with_name(f".{answers.name}.position.json")

    @classmethod
    def load(cls, answers: FilePath) -> Position:
        try:
            raw = json.loads(cls.file_for(answers).read_text(encoding="utf-8"))
            return cls(
                history=[tuple(p) for p in raw.get("history", [])],
                forward=[tuple(p) for p in raw.get("forward", [])],
                cursor=tuple(raw["cursor"]) if raw.get("cursor") else None,
                usual={int(k): list(v) for k, v in raw.get("usual", {}).items()},
                closed=[tuple(p) for p in raw.get("closed", [])],
                reviewing=bool(raw.get("reviewing", False)),
                editing=bool(raw.get("editing", False)),
                finished=bool(raw.get("finished", False)),
            )
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls()  # no record, or one this version cannot read: the answers alone say where to go on

    def save(self, answers: FilePath) -> None:
        data = {
            "history": [list(p) for p in self.history[-200:]],
            "forward": [list(p) for p in self.forward],
            "cursor": list(self.cursor) if self.cursor else None,
            "usual": {str(k): v for k, v in self.usual.items()},
            "closed": [list(p) for p in self.closed],
            "reviewing": self.reviewing,
            "editing": self.editing,
            "finished": self.finished,
        }
        # The answers are saved (and flushed to disk) first; this record only keeps the way back, and a record
        # that a power cut left empty is read as none, so it is not flushed to disk: a page saves that time.
        with contextlib.suppress(OSError):
            write_atomic(self.file_for(answers), json.dumps(data).encode("utf-8"), durable=False)


@dataclass
class _Pending:
    """A follow-up question about the answer just given (which unit of days; a better legal form)."""

    kind: str  # "unit" (which days were meant), "offer" (a better answer proposed) or "fix" (a rule's fix)
    path: Path
    title: str
    choices: tuple[Choice, ...]
    help: str = ""
    actions: tuple[Action, ...] = ()


class Engine:
    """The interview as a state machine over one answers file."""

    def __init__(self, session: Session, position: Position | None = None) -> None:
        self.session = session
        self.position = position if position is not None else Position.load(session.path)
        self._pending: _Pending | None = None
        self._last_refused: tuple[Path, Any] | None = None
        self._guide = Guide()
        self._plan: tuple[int, tuple[Step, ...], dict[Path, Step]] | None = None
        self._fresh_since = -1  # the revision last found to hold no answer whose condition has gone

    def _steps(self) -> tuple[tuple[Step, ...], dict[Path, Step]]:
        """The plan over the draft as it is now (and each step by its path), worked out once per revision."""
        revision = self.session.revision
        if self._plan is None or self._plan[0] != revision:
            plan = tuple(steps(self.session.snapshot()))
            self._plan = (revision, plan, {s.path: s for s in plan})
        return self._plan[1], self._plan[2]

    @classmethod
    def open(cls, path: FilePath) -> Engine:
        return cls(Session.open(path))

    # --------------------------------------------------------------------------------------------- where

    def _data(self) -> dict[str, Any]:
        """The draft as plain data, shared until the next change: read only."""
        return self.session.snapshot()

    def _due(self, step: Step, data: Mapping[str, Any]) -> bool:
        if step.kind is StepKind.USUAL:
            return step.section not in self.position.usual
        if step.kind is StepKind.ADD:
            return step.path[:-1] not in self.position.closed
        return get(data, step.path) is MISSING

    def _auto(self, step: Step, data: Mapping[str, Any]) -> tuple[bool, Any]:
        """Whether a due step answers itself (a standard choice kept, a derived id, a body with no other to
        report to), and with what."""
        q = step.question
        if q is None or step.kind is StepKind.USUAL:
            return False, None
        ticked = self.position.usual.get(0)
        entry = governing(step.path)
        if ticked is not None and entry is not None and entry.pattern not in ticked:
            if step.kind is StepKind.OPTIONAL:
                return True, None if default_at(step.path) is None else CommentedMap()
            if step.kind is StepKind.ADD:
                return True, NO_MORE
            return True, self._default(step.path)
        if step.kind is not StepKind.FIELD:
            return False, None
        if q.ref is not None and not self._refs(q, step.path):
            return True, None
        return False, None

    def _frontier(self) -> Step | None:
        """The first step not answered yet, filling in the ones that answer themselves on the way."""
        for _ in range(10_000):
            data = self._data()
            gone = list(stale(data)) if self._fresh_since != self.session.revision else []
            if gone:
                for path in gone:
                    self.session.delete(path)
                continue
            self._fresh_since = self.session.revision  # no stale answer in this revision
            plan, _ = self._steps()
            later = [False] * (len(plan) + 1)  # an answer is given after this step (the user went on past it)
            for i in range(len(plan) - 1, -1, -1):
                step = plan[i]
                given = step.kind in (StepKind.FIELD, StepKind.OPTIONAL) and get(data, step.path) is not MISSING
                later[i] = later[i + 1] or given
            for i, step in enumerate(plan):
                if step.kind is StepKind.ADD and later[i + 1]:
                    continue  # a list the user went on from: more items are added from the review
                if not self._due(step, data):
                    continue
                auto, value = self._auto(step, data)
                if auto and step.kind is StepKind.ADD:
                    self.position.closed.append(step.path[:-1])
                    if self.session.get(step.path[:-1]) is MISSING:
                        self.session.set(step.path[:-1], [])
                    break
                if auto:
                    self.session.set(step.path, value)
                    break
                return step
            else:
                return None
        return None

    def _step_at(self, path: Path) -> Step | None:
        return self._steps()[1].get(tuple(path))

    def current(self) -> Step | None:
        cursor = self.position.cursor
        if cursor is not None:
            step = self._step_at(cursor)
            if step is not None:
                return step
            self.position.cursor = None
        return self._frontier()

    # ---------------------------------------------------------------------------------------------- pages

    def page(self) -> Page:
        """What to show now."""
        if self._pending is not None:
            p = self._pending
            if p.kind == "fix":
                single = len(p.actions) == 1
                return Page(
                    "fix", "confirm" if single else "select", p.title, p.path, self.context(p.path), p.help,
                    () if single else p.choices, True if single else 0, section=_section_of(p.path),
                )  # fmt: skip
            return Page(
                "clarify", "select", p.title, p.path, self.context(p.path), p.help, p.choices, p.choices[0].value,
                section=_section_of(p.path),
            )  # fmt: skip
        if self.position.reviewing:
            return Page("review", "review", "Your answers", section=len(SECTIONS) - 1)
        step = self.current()
        if step is None:
            return Page("done", "done", "All questions answered", section=len(SECTIONS) - 1)
        return self._question_page(step)

    def _question_page(self, step: Step) -> Page:
        data = self._data()
        notes = tuple(self._guide.before(step.path, data))
        if step.kind is StepKind.USUAL:
            choices = tuple(Choice(self._usual_label(u), u.pattern, u.question.help) for u in usual_fields())
            return Page(
                "usual", "checkbox", "Standard choices and details that can wait: tick any to answer now",
                step.path, help="Unticked, a standard choice keeps its usual answer and a detail is left as [●] "
                "in the drafts for you to find out. Change any of them later from the review.",
                choices=choices, default=[], section=step.section, notes=notes,
            )  # fmt: skip
        q = step.question
        assert q is not None
        context = self.context(step.path)
        if step.kind is StepKind.OPTIONAL:
            current = get(data, step.path)
            usual_yes = default_at(step.path) is not None or any(isinstance(p, int) for p in step.path)
            present = current is not None if current is not MISSING else usual_yes
            title = q.title if q.title.endswith("?") else f"Set the {q.title.lower()}?"
            return Page(
                "question", "confirm", title, step.path, context, q.help, default=present,
                section=step.section, notes=notes,
            )  # fmt: skip
        if step.kind is StepKind.ADD:
            first = asked(q.item_model)[0]
            items = get(data, step.path[:-1])
            count = len(items) if isinstance(items, list) else 0
            noun = q.noun
            page = self._field_page(first, (*step.path, first.name), step.section, current=MISSING)
            more = f"no more {_plural(noun)}" if count else f"no {_plural(noun)}"
            where = self.context((*step.path, first.name)) or f"{noun.capitalize()} {count + 1}"
            if page.input == "select":
                choices = (*[c for c in page.choices if c.value is not None], Choice(more.capitalize(), NO_MORE))
                return _replace(page, choices=choices, default=choices[0].value if choices else NO_MORE,
                                context=where, path=step.path, kind="add", notes=notes)  # fmt: skip
            hint = f"Leave empty when there are {more}."
            return _replace(page, context=where, path=step.path, kind="add",
                            help=f"{page.help} {hint}".strip(), optional=True, notes=notes)  # fmt: skip
        page = self._field_page(q, step.path, step.section, current=get(data, step.path))
        return _replace(page, context=context, notes=notes)

    def _default(self, path: Path) -> Any:
        return default_for_form(path, self.session.get(("legal_form",)), default_at(path))

    def _field_page(self, q: Question, path: Path, section: int, *, current: Any) -> Page:
        value = self._default(path) if current is MISSING else current
        title = q.title
        doc = document_name(path)
        if doc is not None and q.name == "produce":
            title = f"Produce the {doc[0].lower() + doc[1:]}?"
        common: dict[str, Any] = {"path": path, "help": q.help, "section": section, "optional": q.optional}
        if q.kind is Kind.SELECT:
            return Page("question", "select", title, choices=tuple(self._choices(q, path)), default=value, **common)
        if q.kind is Kind.CONFIRM:
            return Page("question", "confirm", title, default=bool(value), **common)
        if q.kind is Kind.CHECKBOX:
            choices = tuple(self._choices(q, path, unknown=False))
            return Page("question", "checkbox", title, choices=choices, default=list(value or []), **common)
        if q.kind is Kind.TEXT_LIST:
            shown = "; ".join(str(v) for v in value or [])
            return Page("question", "list", title, default=value, shown=shown, **common)
        if q.kind is Kind.MAPPING:
            keys = tuple(self._party_names())
            return Page("question", "mapping", title, default=value or {}, keys=keys, **common)
        return Page("question", "text", title, default=value, shown=_shown(value), **common)

    def _usual_label(self, entry: Usual) -> str:
        q = entry.question
        parts = entry.pattern.split(".")
        doc = document_name(parts)
        owner = [p.replace("_", " ") for p in parts[:-1] if p != "*"]
        where = f"{doc}: " if doc is not None else (f"{' › '.join(owner).capitalize()}: " if owner else "")
        title = q.title if q.kind is not Kind.MODEL else (q.help or q.title)
        if entry.detail:
            return f"{where}{title} — later"
        return f"{where}{title} — {self.say(q, q.default())}"

    def _party_names(self) -> list[str]:
        parties = self.session.get(("parties",))
        parties = parties if isinstance(parties, list) else []
        return [str(p["short_name"]) for p in parties if isinstance(p, Mapping) and "short_name" in p]

    def _bodies(self) -> list[tuple[str, str]]:
        bodies = self.session.get(("bodies",))
        bodies = bodies if isinstance(bodies, list) else []
        return [(str(b["id"]), str(b.get("name", b["id"]))) for b in bodies if isinstance(b, Mapping) and "id" in b]

    def _refs(self, q: Question, path: Path) -> list[tuple[str, str]]:
        if q.ref == "party":
            return [(p, p) for p in self._party_names()]
        own = path[1] if path[:1] == ("bodies",) and len(path) > 1 else None
        bodies = self._bodies()
        return [b for i, b in enumerate(bodies) if i != own]

    def _choices(self, q: Question, path: Path, *, unknown: bool = True) -> list[Choice]:
        choices: list[Choice] = []
        enum = q.enum
        if enum is not None:
            choices = [_enum_choice(c) for c in enum]
        elif q.inner is bool:
            choices = [Choice("Yes", True), Choice("No", False)]
        elif q.ref is not None:
            choices = [Choice(name, value) for value, name in self._refs(q, path)]
        if q.optional and unknown:
            extra = q.info.json_schema_extra
            none = extra.get("none_label") if isinstance(extra, dict) else None
            choices.append(Choice(str(none or "Not known yet"), None, "" if none else "Leaves [●] in the drafts."))
        return choices

    # ------------------------------------------------------------------------------------------- naming

    def context(self, path: Sequence[str | int]) -> str:
        """Where an answer sits, as the screen names it: 'Party 2 (NELFT) › Signatory'."""
        words: list[str] = []
        data = self._data()
        parts = list(path[:-1])
        for i, part in enumerate(parts):
            if isinstance(part, int):
                name = _item_name(get(data, path[: i + 1]))
                noun = _noun_of(path[:i]) if i else "Item"
                words.append(f"{noun} {part + 1}" + (f" ({name})" if name else ""))
            elif (doc := document_name(path[: i + 1])) is not None:
                words.append(doc)
            elif i + 1 < len(parts) and isinstance(parts[i + 1], int):
                continue  # the item names the list
            elif i > 0:
                words.append(str(part).replace("_", " ").capitalize())
        return " › ".join(words)

    def say(self, q: Question, value: Any) -> str:
        """An answer as the screen says it."""
        if value is MISSING:
            return "not answered"
        if value is None:
            extra = q.info.json_schema_extra
            none = extra.get("none_label") if isinstance(extra, dict) else None
            return str(none) if none else "not known yet"
        enum = q.enum
        if enum is not None:
            values = value if isinstance(value, list) else [value]
            return ", ".join(CHOICE_HELP[enum(v)][0] for v in values) or "none"
        if q.ref == "body":
            return dict(self._bodies()).get(str(value), str(value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, dt.date):
            return format_date(value)
        if isinstance(value, list):
            return "; ".join(str(v) for v in value) if value else "none"
        if isinstance(value, Mapping):
            return ", ".join(f"{k} {_money(v) if _is_money(q) else v}" for k, v in value.items()) or "none"
        if _is_money(q):
            return _money(value)
        if q.name.endswith("days") and isinstance(value, int):
            return f"{value} working days"
        if isinstance(value, str) and "/" in value and q.inner is Fraction:
            return _share_words(value)
        return str(value)

    # ----------------------------------------------------------------------------------------- answering

    def submit(self, value: Any) -> Outcome:
        """Take the answer to the current page: text as typed, a choice's value, ticked values, a mapping of
        typed values. Returns what was stored, or the problems (then the page stays; the same answer given again
        is kept anyway)."""
        if self._pending is not None:
            return self._resolve(value)
        page = self.page()
        if page.kind == "usual":
            self.position.usual[0] = [str(v) for v in value or []]
            return self._moved(page.path, "")
        step = self.current()
        assert step is not None and step.question is not None
        q = step.question
        if step.kind is StepKind.OPTIONAL:
            wanted = value if isinstance(value, bool) else read_bool(str(value))
            if wanted:
                if not isinstance(self.session.get(step.path), Mapping):
                    self.session.set(step.path, CommentedMap())
            else:
                self.session.set(step.path, None)
            return self._moved(step.path, "Yes" if wanted else "No")
        if step.kind is StepKind.ADD:
            return self._add(step, q, value)
        try:
            parsed = self.parse(q, step.path, value)
        except ValueError as exc:
            return Outcome(False, problems=(_sentence(str(exc)),))
        if isinstance(parsed, Unclear):
            return self._ask_unit(step.path, parsed)
        return self._store(step.path, q, parsed)

    def parse(self, q: Question, path: Path, value: Any) -> Any:
        """The YAML-ready value of an answer, read leniently; ``ValueError`` with a plain message if it is not one."""
        if q.kind is Kind.MAPPING:
            raw = value if isinstance(value, Mapping) else {}
            result = {str(k): _read_value(q, str(v)) for k, v in raw.items() if str(v).strip()}
            return q.validate(result) if result else (None if q.optional else q.validate({}))
        if q.kind is Kind.TEXT_LIST:
            items = read_list(value) if isinstance(value, str) else list(value or [])
            return q.validate(items)
        if q.kind in (Kind.SELECT, Kind.CHECKBOX):
            if q.kind is Kind.CHECKBOX and not value and q.optional:
                return None
            return q.validate(value)
        if q.kind is Kind.CONFIRM:
            return value if isinstance(value, bool) else read_bool(str(value))
        return self._read(q, value)

    def _read(self, q: Question, value: Any) -> Any:
        raw = str(value).strip() if value is not None else ""
        if not raw:
            if q.optional:
                return None
            raise ValueError("an answer is needed here")
        inner = q.inner
        if inner is dt.date:
            return read_date(raw)
        if inner is Fraction:
            return to_yaml(read_share(raw))
        if q.name.endswith("days"):
            days = read_days(raw)
            return days if isinstance(days, Unclear) else q.validate(days)
        if _is_money(q):
            return q.validate(read_money(raw))
        if inner in (Decimal,) or _percent(q):
            return q.validate(raw.replace("%", "").replace(",", "").strip())
        if inner is int:
            return q.validate(read_number(raw))
        extra = q.info.json_schema_extra
        if isinstance(extra, dict) and extra.get("phrase") and raw[:4] in ("The ", "A ", "An "[:3]):
            raw = raw[0].lower() + raw[1:]  # said mid-sentence in the drafts: "referred to the chief executives"
        return q.validate(raw)

    def _ask_unit(self, path: Path, unclear: Unclear) -> Outcome:
        n = unclear.days
        working = calendar_to_working(n)
        self._pending = _Pending(
            "unit",
            path,
            f"Is that {n} working days, or {n} calendar days?",
            (
                Choice(f"{n} working days (Monday to Friday, not bank holidays)", n),
                Choice(f"{n} calendar days (saved as {working} working days)", working),
            ),
            "The drafts count periods in working days.",
        )
        return Outcome(False, notes=("Which kind of days?",))

    def _resolve(self, value: Any) -> Outcome:
        pending = self._pending
        assert pending is not None
        self._pending = None
        if pending.kind == "fix":
            if len(pending.actions) == 1:
                wanted = value if isinstance(value, bool) else read_bool(str(value))
                chosen = pending.actions[0] if wanted else None
            else:
                chosen = (
                    pending.actions[value] if isinstance(value, int) and 0 <= value < len(pending.actions) else None
                )
            return self.apply(chosen) if chosen is not None else Outcome(True, "Left as it is.")
        q = _question_at(pending.path)
        if pending.kind == "offer":
            if value is not None:
                self.session.set(pending.path, value)
            return self._moved(pending.path, self.say(q, self.session.get(pending.path)))
        return self._store(pending.path, q, q.validate(value))

    def _store(self, path: Path, q: Question, value: Any) -> Outcome:
        """Check an answer against its item and the governance rules, then save it (or say what is wrong)."""
        problems, notes, actions = self._checks(path, value)
        if problems and self._last_refused != (path, value):
            self._last_refused = (path, value)
            keep = "Change the answer, or give the same answer again to keep it."
            offered = self._offer(path, actions, (path, value))
            return Outcome(False, problems=(*problems, keep), notes=notes, actions=offered)
        self._last_refused = None
        self.session.set(path, value)
        if path == ("legal_form",) or q.name == "kind":
            lines, offer = self._guide.after(path, value, self._data())
            notes = (*notes, *lines)
            if offer is not None:
                choices = (Choice("Yes", offer.value), Choice("No, keep my answer", None))
                self._pending = _Pending("offer", path, offer.question, choices)
                return Outcome(True, self.say(q, value), notes=notes)
        outcome = self._moved(path, self.say(q, value), notes)
        return replace(outcome, actions=self._offer(path, actions))

    def _offer(
        self, path: Path, actions: Sequence[Action], given: tuple[Path, Any] | None = None
    ) -> tuple[Action, ...]:
        """Ask next whether to make the fixes for what was just said about the answer at ``path`` (``given``: the
        refused answer, kept by a fix that does not change it)."""
        offered: list[Action] = []
        for action in actions:
            if action.ask == path and not action.changes:
                continue  # the same question again: the page stays anyway
            if given is not None and given[0] not in action.paths:
                action = replace(action, changes=(given, *action.changes))
            offered.append(action)
        if offered:
            self.offer(*offered)
        return tuple(offered)

    def offer(self, *actions: Action) -> None:
        """Show a fix next (one to confirm, or several to choose from); e.g. one the review lists from ``fixes()``."""
        if not actions:
            return
        at = actions[0].paths[0] if actions[0].paths else ()
        choices = (*(Choice(a.question, i) for i, a in enumerate(actions)), Choice("No, leave it as it is", None))
        title = actions[0].question if len(actions) == 1 else "Fix it now?"
        self._pending = _Pending("fix", at, title, choices, "", tuple(actions))

    def apply(self, action: Action) -> Outcome:
        """Make a fix: its answer changes together in one save, then the check again; or ask the answer it names
        again (and come back)."""
        self._pending = None
        self._last_refused = None
        here = self.current()
        if action.changes:
            self.session.update(list(action.changes))
        if action.ask is not None:
            if self.position.reviewing:
                self.jump(action.ask)
            else:
                if here is not None and here.path != action.ask:
                    self.position.forward.append(here.path)
                self.position.cursor = action.ask
                self.position.save(self.session.path)
            return Outcome(True, "")
        notes: list[str] = []
        for path, value in action.changes:
            problems, warnings, _ = self._checks(path, value)
            notes.extend((*problems, *warnings))
        echo = "; ".join(self._said(p, v) for p, v in action.changes)
        if here is not None and here.path in action.paths:
            return self._moved(here.path, echo, tuple(dict.fromkeys(notes)))
        self.position.save(self.session.path)
        return Outcome(True, echo, notes=tuple(dict.fromkeys(notes)))

    def fixes(self) -> list[Action]:
        """Every fix the governance check offers for the answers as they stand (the review and the end screen)."""
        found: dict[str, Action] = {}
        for _, actions in self.problems():
            for action in actions:
                found.setdefault(action.key, action)
        return list(found.values())

    def problems(self) -> list[tuple[str, tuple[Action, ...]]]:
        """Each finding of the governance check that has a fix, said in plain words, with its fixes (``fixes()``
        without the problem they fix; a review that shows the problem beside its fixes lists these)."""
        data = plain_data(self._data())
        answers = provisional(data)
        if answers is None:
            return []
        facts = facts_of(answers)
        found: list[tuple[str, tuple[Action, ...]]] = []
        for finding in check(facts):
            actions = actions_for(finding, data, facts, self._title, self.context)
            if actions:
                found.append((plain(finding), tuple(actions)))
        return found

    def _title(self, path: Path) -> str:
        """The question asked at ``path`` ("" for a whole list or part, or no question)."""
        try:
            q = _question_at(path)
        except (AssertionError, KeyError, IndexError):
            return ""
        return "" if q.kind in (Kind.GROUP, Kind.MODEL) else q.title

    def _said(self, path: Path, value: Any) -> str:
        where = self.context(path)
        title = self._title(path).rstrip("?")
        try:
            answer = self.say(_question_at(path), value)
        except (AssertionError, KeyError, IndexError):
            answer = str(value)
        return f"{where} › {title}: {answer}" if where else f"{title}: {answer}"

    def _checks(self, path: Path, value: Any) -> tuple[tuple[str, ...], tuple[str, ...], tuple[Action, ...]]:
        data = plain_data(self._data())
        _put(data, path, value)
        problems: list[str] = []
        item_path = _item_path(path)
        if item_path is not None:
            model = _model_of(item_path)
            item = get(data, item_path)
            if model is not None and isinstance(item, Mapping):
                try:
                    model.model_validate(item)
                except ValidationError as exc:
                    if not any(e["type"] == "missing" for e in exc.errors()):
                        msg = str(exc.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
                        problems.append(_sentence(_plain_model_message(msg)))
        problems.extend(_duplicate(data, path))
        answers = provisional(data)
        notes: list[str] = []
        actions: dict[str, Action] = {}
        if answers is not None:
            facts = facts_of(answers)
            for finding in check(facts):
                if concerns(finding, path, lambda loc: get(data, loc) is not MISSING):
                    (problems if finding.severity == Severity.ERROR else notes).append(plain(finding))
                    for action in actions_for(finding, data, facts, self._title, self.context):
                        actions.setdefault(action.key, action)
        return tuple(dict.fromkeys(problems)), tuple(dict.fromkeys(notes)), tuple(actions.values())

    def _add(self, step: Step, q: Question, value: Any) -> Outcome:
        group = step.path[:-1]
        first = asked(q.item_model)[0]
        if value in (None, NO_MORE) or (isinstance(value, str) and not value.strip()):
            if group not in self.position.closed:
                self.position.closed.append(group)
            if self.session.get(group) is MISSING:
                self.session.set(group, [])
            return self._moved(step.path, f"No more {_plural(q.noun)}")
        path = (*step.path, first.name)
        try:
            parsed = self.parse(first, path, value)
        except ValueError as exc:
            return Outcome(False, problems=(_sentence(str(exc)),))
        problems, _, actions = self._checks(path, parsed)
        item = CommentedMap()
        item[first.name] = parsed
        for name in q.item_model.model_fields:
            if derived(q.item_model, name):
                taken = [b for b, _ in self._bodies()]
                item[name] = slug(str(parsed), taken)
                item.move_to_end(name, last=False)
        if problems and self._last_refused != (path, parsed):
            self._last_refused = (path, parsed)
            offered = self._offer(step.path, actions, (step.path, item))
            keep = "Change the answer, or give the same answer again to keep it."
            return Outcome(False, problems=(*problems, keep), actions=offered)
        self.session.set(step.path, item)
        outcome = self._moved(step.path, self.say(first, parsed))
        return replace(outcome, actions=self._offer(step.path, actions))

    def _moved(self, path: Path, echo: str, notes: Sequence[str] = ()) -> Outcome:
        """After an answer: remember it for Back, then go forward (redo after Back, the review, or onward)."""
        if not self.position.history or self.position.history[-1] != path:
            self.position.history.append(path)
        self.position.cursor = None
        if self.position.forward:
            self.position.cursor = self.position.forward.pop()
        elif self.position.editing:
            self.position.reviewing = True
            self.position.editing = False
        self.position.save(self.session.path)
        return Outcome(True, echo, notes=tuple(notes))

    # ----------------------------------------------------------------------------------------------- keys

    def back(self) -> bool:
        """Go to the previous question (its answer offered as the default); False at the first one."""
        self._pending = None
        here = self.current()
        history = self.position.history
        while history:
            previous = history.pop()
            if self._step_at(previous) is not None and (here is None or previous != here.path):
                if here is not None:
                    self.position.forward.append(here.path)
                self.position.cursor = previous
                self.position.save(self.session.path)
                return True
        return False

    def cancel(self) -> bool:
        """Esc: drop the item being added (a half-added party, body or tier), or leave an edit from the review."""
        self._pending = None
        step = self.current()
        if step is not None and self.position.editing:
            self.position.editing = False
            self.position.cursor = None
            self.position.reviewing = True
            self.position.save(self.session.path)
            return True
        if step is None:
            return False
        item_path = _item_path(step.path)
        if item_path is None or (step.kind is StepKind.ADD and step.path == item_path):
            return False
        model = _model_of(item_path)
        item = plain_data(self.session.get(item_path))
        try:
            if model is not None:
                model.model_validate(item)
                return False  # a complete item is changed in the review, not cancelled
        except ValidationError:
            pass
        self.session.delete(item_path)
        self.position.cursor = None
        self.position.forward.clear()
        self.position.history = [p for p in self.position.history if p[: len(item_path)] != item_path]
        self.position.save(self.session.path)
        return True

    def remove(self, item: Sequence[str | int]) -> bool:
        """Remove a whole list item (a party, a body, a tier), e.g. from the review; False if there is none there.

        Answers elsewhere that named it (a member for a removed party) stay until the check or the review asks
        for them to be changed."""
        item = tuple(item)
        if not item or not isinstance(item[-1], int) or not isinstance(self.session.get(item), Mapping):
            return False
        self._pending = None
        self.session.delete(item)
        group = item[:-1]
        self.position.history = [p for p in self.position.history if p[: len(group)] != group]
        self.position.forward.clear()
        self.position.cursor = None
        self.position.save(self.session.path)
        return True

    def review(self) -> None:
        """Open the review (a front end shows ``review_items()``)."""
        self._pending = None
        self.position.reviewing = True
        self.position.save(self.session.path)

    def close_review(self) -> None:
        self.position.reviewing = False
        self.position.save(self.session.path)

    def jump(self, path: Sequence[str | int]) -> None:
        """Change one answer in place (from the review): it is asked next, then the review comes back."""
        self.position.cursor = tuple(path)
        self.position.reviewing = False
        self.position.editing = True
        self.position.save(self.session.path)

    def changeable(self, path: Sequence[str | int]) -> bool:
        """Whether ``path`` is an answer the review offers to change (the target of one of ``review_items()``)."""
        step = self._step_at(tuple(path))
        return step is not None and step.kind is not StepKind.USUAL and step.question is not None

    def review_items(self) -> list[ReviewItem]:
        """Every answer, nested ones included, with the path a change goes to."""
        data = self._data()
        items: list[ReviewItem] = []
        seen: set[Path] = set()
        for step in self._steps()[0]:
            if step.kind is StepKind.USUAL or step.question is None:
                continue
            for k, part in enumerate(step.path[:-1]):
                item = step.path[: k + 1]
                if isinstance(part, int) and item not in seen and isinstance(get(data, item), Mapping):
                    seen.add(item)
                    listed = get(data, item[:-1])
                    count = len(listed) if isinstance(listed, list) else 0
                    depth = sum(1 for p in item if isinstance(p, int))
                    name = self.context((*item, "x"))
                    items.append(ReviewItem(step.section, depth, name, f"{part + 1} of {count}", item, count > 1, True))
            value = get(data, step.path)
            depth = sum(1 for p in step.path if isinstance(p, int)) + (len(step.path) > 1)
            if step.kind is StepKind.ADD:
                q = step.question
                title = q.info.title or _plural(q.noun).capitalize()
                listed = get(data, step.path[:-1])
                names = [_item_name(i) or "?" for i in (listed if isinstance(listed, list) else [])]
                items.append(ReviewItem(step.section, 1, title, ", ".join(names) or "none", step.path))
                continue
            context = self.context(step.path)
            title = step.question.title if step.kind is StepKind.FIELD else step.question.title.rstrip("?")
            label_ = f"{context} › {title}" if context else title
            answer = self.say(step.question, value) if step.kind is StepKind.FIELD else _presence(value)
            items.append(ReviewItem(step.section, depth, label_, answer, step.path))
        return items

    def review_sections(self) -> list[ReviewSection]:
        """The review under the interview's section headings (sections with no answers left out)."""
        items = self.review_items()
        return [
            ReviewSection(i, section.title, tuple(x for x in items if x.section == i))
            for i, section in enumerate(SECTIONS)
            if any(x.section == i for x in items)
        ]

    def move(self, item: Sequence[str | int], by: int) -> bool:
        """Move a list item (a dispute tier, a party) up (``by`` -1) or down (+1) its list, e.g. from the review;
        False if it cannot go further."""
        item = tuple(item)
        listed = self.session.get(item[:-1])
        index = item[-1] if item else None
        if not isinstance(listed, list) or not isinstance(index, int) or not 0 <= index + by < len(listed):
            return False
        self._pending = None
        self.session.move(item, index + by)
        group = item[:-1]
        self.position.history = [p for p in self.position.history if p[: len(group)] != group]
        self.position.forward.clear()
        self.position.save(self.session.path)
        return True

    def finish(self) -> Answers:
        """The complete answers; ``InputError`` lists what is still missing or does not fit together."""
        self.position.finished = True
        self.position.reviewing = False
        self.position.save(self.session.path)
        return self.session.answers()


# -------------------------------------------------------------------------------------------------- helpers


def _duplicate(data: Mapping[str, Any], path: Path) -> list[str]:
    """A key answer (a party's short name) that another item of the same list already has: said at once, before
    the item is complete enough for the rules to see it."""
    if len(path) < 3 or not isinstance(path[-2], int):
        return []
    model = _model_of(path[:-1])
    if model is None or KEY_FIELDS.get(model) != path[-1]:
        return []
    items = get(data, path[:-2])
    value = get(data, path)
    others = (
        [i for n, i in enumerate(items) if n != path[-2] and isinstance(i, Mapping)] if isinstance(items, list) else []
    )
    if any(i.get(str(path[-1])) == value for i in others):
        noun = question(model, str(path[-1])).title.rstrip("?")
        return [f"Two parties share the short name '{value}'. Give each one a different answer to “{noun}?”."]
    return []


def _section_of(path: Sequence[str | int]) -> int:
    return next((i for i, s in enumerate(SECTIONS) if path and path[0] in s.fields), 0)


def _replace(page: Page, **changes: Any) -> Page:
    from dataclasses import replace

    return replace(page, **changes)


def _enum_choice(c: Any) -> Choice:
    text, explanation = CHOICE_HELP[c]
    return Choice(text, c.value, explanation)


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def _shown(value: Any) -> str:
    if value is None or value is MISSING:
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")) if text else text


def _presence(value: Any) -> str:
    return "No" if value is None else ("not answered" if value is MISSING else "Yes")


def _item_name(item: Any) -> str:
    if not isinstance(item, Mapping):
        return ""
    for key in ("short_name", "name", "party", "title", "from_party"):
        if isinstance(item.get(key), str):
            return str(item[key])
    return ""


def _noun_of(path: Sequence[str | int]) -> str:
    model = _model_of(path[:-1])
    if model is None:
        return str(path[-1]).capitalize()
    return question(model, str(path[-1])).noun.capitalize()


def _model_of(path: Sequence[str | int]) -> Any:
    from .questions import model_at

    return model_at(path)


def _question_at(path: Sequence[str | int]) -> Question:
    model = _model_of(path[:-1])
    assert model is not None
    return question(model, str(path[-1]))


def _item_path(path: Sequence[str | int]) -> Path | None:
    """The list item an answer belongs to (the innermost), e.g. ``("bodies", 0)``."""
    ints = [i for i, p in enumerate(path) if isinstance(p, int)]
    return tuple(path[: ints[-1] + 1]) if ints else None


def _put(data: dict[str, Any], path: Sequence[str | int], value: Any) -> None:
    node: Any = data
    for depth, part in enumerate(path[:-1]):
        fresh: Any = [] if isinstance(path[depth + 1], int) else {}
        if isinstance(node, dict) and (part not in node or node[part] is None):
            node[part] = fresh
        elif isinstance(node, list) and isinstance(part, int) and part == len(node):
            node.append(fresh)
        node = node[part]
    key = path[-1]
    if isinstance(node, list) and isinstance(key, int):
        if key == len(node):
            node.append(value)
        else:
            node[key] = value
    else:
        node[key] = value


def _is_money(q: Question) -> bool:
    return "(£)" in q.title or "£" in q.title


def _percent(q: Question) -> bool:
    return "%" in q.title or "percent" in q.title.lower()


def _money(value: Any) -> str:
    amount = Decimal(str(value))
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def _share_words(value: str) -> str:
    words = {"2/3": "two-thirds", "1/3": "one-third", "3/4": "three-quarters", "1/2": "one-half"}
    return words.get(value, value)


def _read_value(q: Question, raw: str) -> Any:
    """One value of a mapping (a party's weight, contribution or share), read leniently."""
    if _is_money(q):
        return read_money(raw)
    if _percent(q):
        return (
            Decimal(raw.replace("%", "").strip() or "x")
            if raw.replace("%", "").strip().replace(".", "").isdigit()
            else raw
        )
    return read_number(raw)


def _plain_model_message(message: str) -> str:
    return message.replace("give exactly one of to_body or to_officer", "choose a body or an officer, not both")


def last_file_record() -> FilePath:
    """Where the last answers file interviewed is remembered (``ASSEMBLER_STATE`` overrides the folder)."""
    override = os.environ.get("ASSEMBLER_STATE")
    base = (
        FilePath(override)
        if override
        else FilePath(os.environ.get("XDG_STATE_HOME") or FilePath.home() / ".local" / "state") / "nhs-collab-assembler"
    )
    return base / "last-interview"
