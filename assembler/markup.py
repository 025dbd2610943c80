"""Clause markup: the line-based text a rendered clause is written in, parsed into document blocks.

Lines (after jinja has run)::

    # Heading                 numbered clause heading (1.)          add [#name] to bookmark it
    ## text                   numbered paragraph 1.1;  ### 1.1.1;  #### (a);  ##### (i)
    plain text                unnumbered paragraph at the indent of the paragraph above
    NOTE: text                drafting note (left out of the clean copy)
    PARTY: text / RECITAL: text   parties block item (1) / background recital (A)
    TITLE: text / SUBTITLE: text  unnumbered centred / left headings
    | a | b |                 table row (the first row of a table is its header)
    SIGN: label               a signature line with its label
    FIGURE: caption           the governance diagram as a numbered figure with this caption
    PAGEBREAK / DEFINITIONS   a page break / the definitions list of the document

Inline: ``[[Term]]`` or ``[[Term|shown form]]`` uses a defined term; ``[[ref:clause.id]]`` or
``[[ref:clause.id.name]]`` is a cross-reference; ``**bold**``.

Answers are data, never markup: ``protect`` escapes the characters markup uses, so a party called
``[[ref:x]] # NOTE:`` is printed exactly as typed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .docmodel import Block, BlockKind, Run, RunKind
from .errors import MarkupError

PLACEHOLDER_OPEN = "\ue001"
PLACEHOLDER_CLOSE = "\ue002"
_LITERAL = "\ue015"  # marks the start of an answer: a line starting with an answer is never a keyword
_ESCAPES = {"[": "\ue010", "]": "\ue011", "*": "\ue012", "|": "\ue014", "{": "\ue016", "}": "\ue017"}
_UNESCAPE = {v: k for k, v in _ESCAPES.items()} | {_LITERAL: ""}
_PRIVATE = re.compile("[\ue000-\ue0ff]")
_ESCAPE_ITEMS = tuple(_ESCAPES.items())
_SPACE = re.compile(r"\s+")
_UNESCAPE_ITEMS = tuple(_UNESCAPE.items())

_ANCHOR = re.compile(r"\s*\[#([a-z0-9_]+)\]$")
_INLINE = re.compile(
    r"\[\[(?P<inner>[^\[\]]+?)\]\]|\*\*(?P<bold>.+?)\*\*|"
    + PLACEHOLDER_OPEN
    + r"(?P<ph>[^"
    + PLACEHOLDER_CLOSE
    + r"]*)"
    + PLACEHOLDER_CLOSE
)

PLACEHOLDER_TEXT = "[●]"
_KEYWORD_KINDS = {
    "NOTE": BlockKind.NOTE,
    "PARTY": BlockKind.PARTY,
    "RECITAL": BlockKind.RECITAL,
    "TITLE": BlockKind.TITLE,
    "SUBTITLE": BlockKind.SUBTITLE,
    "SIGN": BlockKind.SIGNATURE,
    "FIGURE": BlockKind.FIGURE,
}


class Safe(str):
    """Text that is already markup (escaped answers joined by a filter): printed as it is."""

    __slots__ = ()


@functools.lru_cache(maxsize=4096)  # the same answers (names, roles) are printed hundreds of times a pack
def protect(text: str) -> str:
    """An answer made safe to put into markup: one line, markup characters escaped."""
    text = _PRIVATE.sub("", text)
    text = _SPACE.sub(" ", text)  # one line; an edge space ("; and ") is kept
    for char, marker in _ESCAPE_ITEMS:
        if char in text:
            text = text.replace(char, marker)
    return _LITERAL + text


def placeholder(path: str) -> str:
    """Markup for an unknown answer at ``path``."""
    return PLACEHOLDER_OPEN + path + PLACEHOLDER_CLOSE


def _unescape(text: str) -> str:
    # A replace per marker that is there: a few times faster than a regex or str.translate (which looks up
    # every character of the text in a dict).
    for marker, char in _UNESCAPE_ITEMS:
        if marker in text:
            text = text.replace(marker, char)
    return text


@dataclass
class Parsed:
    blocks: list[Block] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)
    refs: set[str] = field(default_factory=set)
    placeholders: list[str] = field(default_factory=list)


def parse_inline(text: str, parsed: Parsed, line: int = 0) -> list[Run]:
    if "[[" not in text and "**" not in text and PLACEHOLDER_OPEN not in text:  # most lines: plain text only
        plain = _unescape(text)
        return [Run(RunKind.TEXT, plain)] if plain else []
    runs: list[Run] = []
    pos = 0
    for m in _INLINE.finditer(text):
        start, end = m.span()
        if start > pos:
            runs.append(Run(RunKind.TEXT, _unescape(text[pos:start])))
        pos = end
        found = m.lastgroup  # the alternative that matched: each has one named group
        if found == "inner":
            inner = m.group("inner").strip()
            if inner.startswith("ref:"):
                target = inner[4:].strip()
                if not target:
                    raise MarkupError("empty cross-reference [[ref:]]", line)
                parsed.refs.add(target)
                runs.append(Run(RunKind.REF, "", target))
            else:
                term, _, shown = inner.partition("|")
                term = term.strip()
                if not term:
                    raise MarkupError("empty defined term [[ ]]", line)
                parsed.terms.add(term)
                runs.append(Run(RunKind.TERM, _unescape(shown.strip() or term), term))
        elif found == "bold":
            runs.append(Run(RunKind.BOLD, _unescape(m.group("bold"))))
        else:
            path = m.group("ph")
            parsed.placeholders.append(path)
            runs.append(Run(RunKind.PLACEHOLDER, PLACEHOLDER_TEXT, path))
    if pos < len(text):
        runs.append(Run(RunKind.TEXT, _unescape(text[pos:])))
    return [r for r in runs if r.text or r.kind is RunKind.REF]


def _heading(line: str) -> tuple[int, str] | None:
    r"""``(level, text)`` of a ``## text`` line: one to five ``#`` then white space (what the pattern
    ``(#{1,5})\s+(.*)`` matches), found with string methods, several times faster than the pattern."""
    level = len(line) - len(line.lstrip("#"))
    rest = line[level:]
    if level > 5 or not rest[:1].isspace():
        return None
    return level, rest.lstrip()


def _keyword(line: str) -> tuple[BlockKind, str] | None:
    r"""``(kind, text)`` of a ``NOTE: text`` line and the like (what ``(NOTE|PARTY|...):\s*(.*)`` matches)."""
    word, colon, rest = line.partition(":")
    kind = _KEYWORD_KINDS.get(word) if colon else None
    return None if kind is None else (kind, rest.lstrip())


def parse(text: str, *, clause_id: str) -> Parsed:
    """Parse a rendered clause into blocks. The first heading (or numbered line) carries the clause id anchor."""
    parsed = Parsed()
    level = 1
    table: Block | None = None
    anchored = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            table = None
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if table is None:
                table = Block(BlockKind.TABLE, clause_id=clause_id, level=level)
                parsed.blocks.append(table)
            table.rows.append([parse_inline(c, parsed, number) for c in cells])
            continue
        table = None
        heading = _heading(line) if line[0] == "#" else None
        keyword = _keyword(line) if line[0] in "NPRTSF" else None
        block: Block
        if heading:
            level, content = heading
            kind = BlockKind.HEADING if level == 1 else BlockKind.NUMBERED
            anchor = _ANCHOR.search(content) if content.endswith("]") else None
            if anchor is not None:
                content = content[: anchor.start()]
            block = Block(kind, parse_inline(content, parsed, number), level=level, clause_id=clause_id)
            if anchor is not None:
                block.anchors.append(f"{clause_id}.{anchor.group(1)}")
            if not anchored:
                block.anchors.insert(0, clause_id)
                anchored = True
        elif keyword:
            kind, rest = keyword
            block = Block(kind, parse_inline(rest, parsed, number), level=level, clause_id=clause_id)
            if kind in (BlockKind.PARTY, BlockKind.RECITAL) and not anchored:
                block.anchors.append(clause_id)
                anchored = True
        elif line == "PAGEBREAK":
            block = Block(BlockKind.PAGE_BREAK, clause_id=clause_id)
        elif line == "DEFINITIONS":
            block = Block(BlockKind.DEFINITION, clause_id=clause_id, level=level)
        else:
            block = Block(BlockKind.BODY, parse_inline(line, parsed, number), level=level, clause_id=clause_id)
        parsed.blocks.append(block)
    return parsed
