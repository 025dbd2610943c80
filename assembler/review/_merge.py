"""A reviewer's wording merged into a clause's source: the two texts compared word by word, prose changes applied,
changes that touch a field, a condition, a term, a reference or an anchor kept back and reported."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ._pack import ATOM_STYLES, PackClause
from ._reader import ReadParagraph
from ._source import EDITABLE, MOVABLE, REMOVABLE, AtomKind, style_prefix

__all__ = ["ClauseMerge", "Held", "merge_clause"]

_WORDS = re.compile(r"\w+|\s+|[^\w\s]")
_MARKUP = ("{{", "}}", "{%", "%}", "{#", "#}", "[[", "]]", "**", "[#", "«", "»", "⟦", "⟧", "⟨", "⟩", "|")
"""Characters that would be markup (or look like a field) if typed into the clause file."""

_Key = tuple[str, str]


@dataclass(frozen=True)
class _Token:
    key: _Key  # ("t", word) | ("a", shown atom) | ("p", paragraph style) | ("n", "")
    source: str
    kind: AtomKind | None = None

    @property
    def shown(self) -> str:
        return {"t": self.key[1], "a": self.key[1], "n": "¶ "}.get(self.key[0], "")


@dataclass(frozen=True)
class Held:
    """A change not applied: what it touched and the wording before and after."""

    clause: str
    what: str  # field, condition, term, reference, anchor, table, markup, clause boundary
    before: str
    after: str


@dataclass
class _Op:
    tag: str
    old: list[_Token]
    new: list[_Token]
    held: str = ""  # why it is not applied ("" when it is)

    def deleted(self) -> str:
        return "".join(t.shown for t in self.old).strip()

    def inserted(self) -> str:
        return "".join(t.shown for t in self.new).strip()


@dataclass
class ClauseMerge:
    clause_id: str
    ops: list[_Op] = field(default_factory=list)

    def source(self) -> str:
        """The clause body with every change that is not held applied."""
        out: list[str] = []
        for op in self.ops:
            if op.tag == "equal" or op.held:
                out += [t.source for t in op.old]
            else:
                out += [t.source for t in op.new]
        return "".join(out)

    def held(self) -> list[Held]:
        return [Held(self.clause_id, op.held, op.deleted(), op.inserted()) for op in self.ops if op.held]

    def hold(self, op: _Op, why: str) -> None:
        op.held = why


def _old_tokens(item: PackClause) -> list[_Token]:
    tokens: list[_Token] = []
    for para in item.paragraphs:
        tokens.append(_Token(("p", para.style), para.prefix))
        for segment in para.segments:
            if segment.kind is AtomKind.TEXT:
                tokens += [_Token(("t", w), w) for w in _WORDS.findall(segment.source)]
            else:
                tokens.append(_Token(("a", segment.shown), segment.source, segment.kind))
        tokens.append(_Token(("n", ""), "\n"))
    return tokens


def _new_tokens(paragraphs: list[ReadParagraph], atoms: dict[str, AtomKind]) -> list[_Token]:
    """The reviewer's paragraphs as tokens: an atom is recognised by its shown words (a term only in a run of the
    term style, since its words are ordinary words); everything else is prose."""
    bracketed = sorted((s for s, k in atoms.items() if k not in REMOVABLE), key=len, reverse=True)
    styled = sorted(atoms, key=len, reverse=True)
    atom_styles = set(ATOM_STYLES.values())
    tokens: list[_Token] = []
    for para in paragraphs:
        tokens.append(_Token(("p", para.style), style_prefix(para.style)))
        pieces: list[tuple[bool, str]] = []
        for style, text in para.runs:
            candidates = styled if style in atom_styles else bracketed
            pos = 0
            while pos < len(text):
                found = next((s for s in candidates if text.startswith(s, pos)), None)
                if found is not None:
                    pieces.append((True, found))
                    pos += len(found)
                    continue
                if pieces and not pieces[-1][0]:
                    pieces[-1] = (False, pieces[-1][1] + text[pos])
                else:
                    pieces.append((False, text[pos]))
                pos += 1
        for is_atom, text in pieces:
            if is_atom:
                tokens.append(_Token(("a", text), "", atoms[text]))
            else:
                tokens += [_Token(("t", w), w) for w in _WORDS.findall(text)]
        tokens.append(_Token(("n", ""), "\n"))
    return tokens


def merge_clause(item: PackClause, paragraphs: list[ReadParagraph]) -> ClauseMerge:
    """Compare the reviewer's paragraphs of one clause with the clause as the pack showed it."""
    old = _old_tokens(item)
    atoms = {t.key[1]: t.kind for t in old if t.kind is not None}
    new = _new_tokens(paragraphs, atoms)
    matcher = SequenceMatcher(None, [t.key for t in old], [t.key for t in new], autojunk=False)
    merge = ClauseMerge(item.clause.id)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        merge.ops.append(_Op(tag, old[i1:i2], new[j1:j2]))
    changed = [op for op in merge.ops if op.tag != "equal"]
    # A field, term, reference or anchor that leaves one place and comes back in another has moved with its
    # wording (a paragraph moved or split, a sentence reworded around it): its source goes with it.
    pool: dict[_Key, list[_Token]] = {}
    for op in changed:
        for token in op.old:
            if token.kind in MOVABLE:
                pool.setdefault(token.key, []).append(token)
    arriving = Counter(t.key for op in changed for t in op.new if t.kind is not None)
    for op in changed:
        _judge(merge, op, pool, arriving)
    return merge


def _judge(merge: ClauseMerge, op: _Op, pool: dict[_Key, list[_Token]], arriving: Counter[_Key]) -> None:
    if op.tag == "replace" and all(t.key[0] == "p" for t in op.old + op.new) and len(op.old) == len(op.new):
        op.tag = "equal"  # only a paragraph's style changed: formatting, ignored
        return
    for token in op.old:
        if token.kind is None or token.kind in EDITABLE:
            continue
        if token.kind in MOVABLE and arriving[token.key] > 0:
            continue  # it comes back elsewhere
        if token.kind in REMOVABLE and op.tag == "delete":
            continue
        merge.hold(op, token.kind.value)
        return
    placed: list[_Token] = []
    for token in op.new:
        if token.kind is None:
            placed.append(token)
            continue
        origins = pool.get(token.key) if token.kind in MOVABLE else None
        if not origins:  # a field or term added, copied or edited
            merge.hold(op, token.kind.value)
            return
        placed.append(origins.pop(0))
    typed = "".join(t.source for t in op.new if t.kind is None)
    if any(mark in typed for mark in _MARKUP):
        merge.hold(op, "field" if "«" in typed or "»" in typed else "markup")
        return
    op.new = placed
