"""Wording that agrees with the answers, whatever they say: lists alike in case and punctuation, and counts
with their nouns ("one (1) month", "two (2) months").

A list is the run of numbered items one level below a lead-in that ends with a colon ("The services are:").
Each item completes the lead-in, so it starts in lower case — unless it starts with a name, a defined term or an
initialism — and ends with ";", the last but one with "; and" (or "; or" where it already says so), the last with
"." — or, for a list inside an item, with the punctuation that item would have had. Items that are sentences of
their own (the stages of an escalation) are left as written. Answers arrive in any case and with any
punctuation ("Adult services.", "improved access"): this is where they are made to agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .docmodel import Block, BlockKind, Run, RunKind

__all__ = ["agree_definitions", "agree_lists"]

_SENTENCES = re.compile(r"[.!?]\s+[A-Z]")
_TRAILING = re.compile(r"(?:[\s;,.]*[;,]\s*(?:and|or))?[\s;,.]*$")
_FIRST_WORD = re.compile(r"\s*([A-Za-z][\w'’-]*)")


def _lead_in(block: Block) -> bool:
    return block.kind in (BlockKind.HEADING, BlockKind.NUMBERED, BlockKind.BODY) and _ends_with_colon(block)


def _ends_with_colon(block: Block) -> bool:
    """Whether the block's text ends with a colon (looked for from its last run: most blocks' text is long)."""
    for run in reversed(block.runs):
        text = run.text.rstrip()
        if text:
            return text.endswith(":")
    return False


def _items(blocks: list[Block], start: int) -> list[int]:
    """The indices of the items of the list whose lead-in is ``blocks[start]`` (empty if none follows)."""
    lead = blocks[start]
    following = next((blocks[i] for i in range(start + 1, len(blocks)) if blocks[i].kind is not BlockKind.NOTE), None)
    if following is None or following.kind is not BlockKind.NUMBERED or following.level <= lead.level:
        return []
    level = following.level
    items = []
    for index in range(start + 1, len(blocks)):
        block = blocks[index]
        if block.kind is BlockKind.NOTE or (block.kind is BlockKind.NUMBERED and block.level > level):
            continue
        if block.kind is not BlockKind.NUMBERED or block.level != level:
            break
        items.append(index)
    return items


def _lower_first(block: Block, proper: Sequence[str]) -> None:
    if not block.runs or block.runs[0].kind is not RunKind.TEXT:
        return  # a defined term, a reference, bold words or a placeholder start the item as they are
    text = block.runs[0].text
    first = _FIRST_WORD.match(text)
    if first is None:
        return
    word = first.group(1)
    initialism = sum(c.isupper() or c.isdigit() for c in word) >= 2
    if not word[0].isupper() or initialism or len(word) == 1 or any(text.lstrip().startswith(p) for p in proper):
        return
    at = first.start(1)
    block.runs[0] = replace(block.runs[0], text=text[:at] + word[0].lower() + text[at + 1 :])


def _end_with(block: Block, ending: str) -> None:
    """Replace the item's closing punctuation (and a dangling "and"/"or") by ``ending``."""
    runs = block.runs
    if runs and runs[-1].kind is RunKind.TEXT:
        stripped = _TRAILING.sub("", runs[-1].text)
        runs[-1] = replace(runs[-1], text=stripped)
        if not stripped:
            runs.pop()
    runs.append(Run(RunKind.TEXT, ending))


def _agree(blocks: list[Block], start: int, closing: str, proper: Sequence[str], done: set[int]) -> None:
    items = _items(blocks, start)
    done.add(start)
    if not items or any(_SENTENCES.search(blocks[i].plain()) for i in items):
        return
    last = len(items) - 1
    for position, index in enumerate(items):
        block = blocks[index]
        _lower_first(block, proper)
        if position == last:
            ending = closing
        elif position == last - 1:
            ending = "; or" if re.search(r"\bor\s*$", block.plain()) else "; and"
        else:
            ending = ";"
        if _ends_with_colon(block):
            _agree(blocks, index, ending, proper, done)  # a list inside the item closes as the item would
        else:
            _end_with(block, ending)


def agree_lists(blocks: list[Block], proper: Sequence[str]) -> None:
    """Make every list in ``blocks`` agree in case and punctuation (in place). ``proper`` are names and
    defined terms an item may start with, capitalised."""
    done: set[int] = set()
    for index, block in enumerate(blocks):
        if index not in done and _lead_in(block):
            _agree(blocks, index, ".", proper, done)


def agree_definitions(entries: list[Block]) -> None:
    """The definitions list: each definition ends with ";", the last with "." (in place)."""
    for position, entry in enumerate(entries):
        _end_with(entry, "." if position == len(entries) - 1 else ";")


_ONE = re.compile(r"(?<![\w-])(?:one \(1\)|1)\s+$")
_ONE_NOUN = re.compile(
    r"(?<![\w-])(?P<one>one \(1\)|1)\s+(?P<noun>years|months|weeks|days|members|parties|votes|stages)(?P<own>')?(?![\w])"
)
_ONE_HINT = re.compile(r"1\)?\s")  # what both patterns need, found fast (their look-behind is slow to search with)
_SINGULAR = {"parties": "party"}


def _singular_noun(m: re.Match[str]) -> str:
    noun = m.group("noun")
    singular = _SINGULAR.get(noun, noun[:-1])
    possessive = "'s" if m.group("own") else ""
    return f"{m.group('one')} {singular}{possessive}"


def agree_counts(blocks: list[Block]) -> None:
    """A count of one takes the singular: "one (1) months' notice" reads "one (1) month's notice", and "one (1)
    [[Business Day|Business Days]]" shows the term itself, "Business Day" (in place)."""
    for block in blocks:
        runs = block.runs
        for index, run in enumerate(runs):
            if run.kind is not RunKind.TEXT or "1" not in run.text or not _ONE_HINT.search(run.text):
                continue  # most runs have no count of one
            if _ONE_NOUN.search(run.text):
                runs[index] = run = replace(run, text=_ONE_NOUN.sub(_singular_noun, run.text))
            if (
                _ONE.search(run.text)
                and index + 1 < len(runs)
                and runs[index + 1].kind is RunKind.TERM
                and runs[index + 1].text != runs[index + 1].value
            ):
                runs[index + 1] = replace(runs[index + 1], text=runs[index + 1].value)
