"""The terminal front end: shows the engine's pages with questionary and passes the keys back to it.

Nothing here decides what to ask or what an answer means (that is ``engine``); this module only draws pages,
wraps text to the terminal's width and maps keys: Ctrl-B back, Esc cancel an item being added, Ctrl-R review,
Ctrl-G help and glossary, Ctrl-C stop (everything is already saved).
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from .engine import Choice, Engine, Page
from .glossary import GLOSSARY
from .plan import SECTIONS

__all__ = ["BACK", "CANCEL", "GLOSSARY_KEY", "HEADING", "KEYS", "REVIEW", "Prompter", "Terminal", "wrap"]

HEADING = object()
"""The value of a choice that is a heading between choices (a review section), never chosen."""
BACK = object()
CANCEL = object()
REVIEW = object()
GLOSSARY_KEY = object()

KEYS = "Ctrl-B back · Esc cancel an item · Ctrl-R review · Ctrl-G help · Ctrl-C stop (saved)"


def width() -> int:
    return max(40, min(100, shutil.get_terminal_size((80, 24)).columns))


def wrap(text: str, indent: str = "") -> list[str]:
    """Whole words, never split, to the terminal's width (at least 40 columns)."""
    return textwrap.wrap(
        text, width=width(), initial_indent=indent, subsequent_indent=indent, break_long_words=False
    ) or [indent.rstrip()]


class Prompter:
    """Builds and runs every questionary prompt; tests inject prompt_toolkit ``input`` and ``output``."""

    def __init__(self, *, echo: Callable[[str], None], input: Any = None, output: Any = None) -> None:
        import questionary  # imported here so `check` and `build` never pay for prompt_toolkit

        self._q = questionary
        self.echo = echo
        self._io: dict[str, Any] = {k: v for k, v in (("input", input), ("output", output)) if v is not None}

    def _run(self, prompt: Any) -> Any:
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        bindings = KeyBindings()
        for key, result in (("c-b", BACK), ("c-r", REVIEW), ("c-g", GLOSSARY_KEY), ("escape", CANCEL)):

            def done(event: Any, result: Any = result) -> None:
                event.app.exit(result=result)

            bindings.add(key, eager=key != "escape")(done)
        prompt.application.key_bindings = merge_key_bindings([prompt.application.key_bindings, bindings])
        return prompt.unsafe_ask()  # Ctrl-C raises KeyboardInterrupt: every earlier answer is already saved

    def select(self, message: str, choices: Sequence[Choice], default: Any) -> Any:
        marker = object()
        options = [
            self._q.Separator(c.label)
            if c.value is HEADING
            else self._q.Choice(
                c.label, value=marker if c.value is None else c.value, description="\n".join(wrap(c.help)) or None
            )
            for c in choices
        ]
        start = next(
            (
                o
                for o in options
                if not isinstance(o, self._q.Separator) and o.value == (marker if default is None else default)
            ),
            None,
        )
        prompt = self._q.select(
            message, choices=options, default=start, use_search_filter=True, use_jk_keys=False,
            instruction="(arrows or type to filter)", **self._io,
        )  # fmt: skip
        answer = self._run(prompt)
        return None if answer is marker else answer

    def confirm(self, message: str, default: bool) -> Any:
        return self._run(self._q.confirm(message, default=default, **self._io))

    def checkbox(self, message: str, choices: Sequence[Choice], chosen: Sequence[Any]) -> Any:
        options = [
            self._q.Choice(
                c.label, value=c.value, checked=c.value in chosen, description="\n".join(wrap(c.help)) or None
            )
            for c in choices
        ]
        return self._run(
            self._q.checkbox(message, choices=options, instruction="(space to tick, Enter when done)", **self._io)
        )

    def text(self, message: str, default: str, hint: str = "") -> Any:
        return self._run(self._q.text(message, default=default, instruction=hint or None, **self._io))


class Terminal:
    """Runs an engine to the review and through it, one page at a time."""

    def __init__(self, engine: Engine, prompter: Prompter) -> None:
        self.engine = engine
        self.prompter = prompter
        self.echo = prompter.echo
        self._section = -1
        self.build: bool | None = None  # how the review was finished: build the documents now, or not

    def opening(self) -> None:
        """What the interview produces, its sections and length, what to have at hand, and the keys."""
        minutes = sum(s.minutes for s in SECTIONS)
        lines = [
            "This interview drafts your collaborative's governance documents (memorandum of understanding, "
            "collaboration agreement, terms of reference, scheme of delegation, dispute resolution annex) as Word "
            "files for your lawyer to finish.",
            f"It has {len(SECTIONS)} sections and takes about {minutes} minutes: "
            + "; ".join(f"{i + 1}. {s.title}" for i, s in enumerate(SECTIONS))
            + ".",
            "Have at hand: each party's legal name and kind of organisation, who sits on the board for each party, "
            "how decisions are made (quorum, voting), what each party delegates and up to what limit, and how "
            "disputes are escalated. Anything you do not know yet can be left for later.",
            f"Keys: {KEYS}. Every answer is saved at once; run the same command again to carry on.",
        ]
        for line in lines:
            for wrapped in wrap(line):
                self.echo(wrapped)
            self.echo("")

    def run(self) -> None:
        """Ask until the review is finished (the user chose Finish)."""
        while True:
            page = self.engine.page()
            if page.kind in ("review", "done"):
                if self.review():
                    return
                continue
            self.ask(page)

    def ask(self, page: Page) -> None:
        if page.section != self._section and page.kind not in ("clarify", "fix"):
            self._section = page.section
            self.echo("")
            self.echo(f"== {page.progress} ==")
        for note in page.notes:
            for line in wrap(note, "  "):
                self.echo(line)
        if page.context:
            self.echo(page.context)
        answer = self._prompt(page)
        if answer is BACK:
            if not self.engine.back():
                self.echo("  This is the first question.")
            return
        if answer is CANCEL:
            if not self.engine.cancel():
                self.echo("  Nothing to cancel here (Esc drops an item you are adding).")
            return
        if answer is REVIEW:
            self.engine.review()
            return
        if answer is GLOSSARY_KEY:
            self.help(page)
            return
        outcome = self.engine.submit(answer)
        for line in (*outcome.problems, *outcome.notes):
            for wrapped in wrap(line, "  ! " if line in outcome.problems else "  "):
                self.echo(wrapped)
        if outcome.accepted and outcome.echo and page.input == "text" and outcome.echo != str(answer).strip():
            self.echo(f"  Saved as: {outcome.echo}")
        elif outcome.accepted and outcome.echo and page.kind == "fix":
            for wrapped in wrap(f"Changed: {outcome.echo}", "  "):
                self.echo(wrapped)

    def _prompt(self, page: Page) -> Any:
        title = page.title
        if page.help:
            for line in wrap(page.help, "  "):
                self.echo(line)
        if page.input == "select":
            return self.prompter.select(title, page.choices, page.default)
        if page.input == "confirm":
            return self.prompter.confirm(title, bool(page.default))
        if page.input == "checkbox":
            return self.prompter.checkbox(title, page.choices, page.default or [])
        if page.input == "mapping":
            result: dict[str, Any] = {}
            current = page.default or {}
            for key in page.keys:
                answer = self.prompter.text(f"{title} {key}:", str(current.get(key, "")), "empty = none")
                if answer in (BACK, CANCEL, REVIEW, GLOSSARY_KEY):
                    return answer
                result[key] = answer
            return result
        hint = "separate items with ;" if page.input == "list" else ("empty = not known yet" if page.optional else "")
        return self.prompter.text(title, page.shown, hint)

    def help(self, page: Page) -> None:
        """The question's help, then the glossary terms it uses (all of them when none is used)."""
        text = f"{page.title} {page.help} " + " ".join(c.label + " " + c.help for c in page.choices)
        terms = [t for t in GLOSSARY if t.lower() in text.lower()] or list(GLOSSARY)
        self.echo("")
        for term in terms:
            for line in wrap(f"{term}: {GLOSSARY[term]}", "  "):
                self.echo(line)

    def review(self) -> bool:
        """Every answer, nested ones too, under the section headings, with the check's fixes first; pick an answer
        to change it in place, a fix to make it, or a party or tier to move or remove it. True when the user
        finishes."""
        sections = self.engine.review_sections()
        fixes = self.engine.fixes()
        items = [item for section in sections for item in section.items]
        choices = [
            Choice("Finish and build the documents", "build"),
            Choice("Finish without building (build later)", "finish"),
            Choice("Back to the questions", "back"),
        ]
        choices += [Choice(f"Fix: {action.question}", ("fix", n)) for n, action in enumerate(fixes)]
        index = 0
        for section in sections:
            choices.append(Choice(f"-- {section.title} --", HEADING))
            owner = ""
            for item in section.items:
                label = item.label
                if owner and label.startswith(owner + " › "):
                    label = label[len(owner) + 3 :]  # said once, on the party's or tier's own line
                if item.item:
                    owner = item.label
                choices.append(Choice(f"{'  ' * item.depth}{label}: {item.answer}", index))
                index += 1
        self.echo("")
        self.echo("== Your answers ==")
        picked = self.prompter.select("Which answer do you want to change?", choices, "build")
        if picked in (BACK, CANCEL, "back"):
            self.engine.close_review()
            return False
        if picked in ("build", "finish"):
            self.build = picked == "build"
            return True
        if picked in (REVIEW, GLOSSARY_KEY):
            return False
        if isinstance(picked, tuple):
            self.engine.offer(fixes[picked[1]])
            return False
        item = items[int(picked)]
        if item.item:
            self._item(item)
            return False
        self.engine.jump(item.target)
        return False

    def _item(self, item: Any) -> None:
        """A party, body or tier picked in the review: move it up or down its list, or remove it."""
        choices = [Choice("Back to the review", "back")]
        if item.movable and item.target[-1] > 0:
            choices.append(Choice("Move up", -1))
        listed = self.engine.session.get(item.target[:-1])
        if item.movable and isinstance(listed, list) and item.target[-1] < len(listed) - 1:
            choices.append(Choice("Move down", 1))
        choices.append(Choice(f"Remove {item.label}", "remove"))
        picked = self.prompter.select(f"{item.label}: what do you want to do?", choices, "back")
        if picked in (-1, 1):
            self.engine.move(item.target, int(picked))
        elif picked == "remove" and self.prompter.confirm(f"Remove {item.label} and all its answers?", False) is True:
            self.engine.remove(item.target)
