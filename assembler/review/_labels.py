"""Plain English for the jinja in a clause: a field's name («the Collaborative's name») and the condition that
selects a variant ("when the legal form is a joint committee"), so a lawyer can review every variant."""

from __future__ import annotations

from enum import StrEnum

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..facts import SENTENCE_ENUMS, sentence
from ..lint.templates import parse_expression
from ..model import DocumentKind

__all__ = ["Labeller"]

_NAMES = {
    "collaborative.name": "the Collaborative's name",
    "collaborative.short_name": "the Collaborative's short name",
    "doc.name": "the document's name for itself",
    "doc.this": "“this Agreement” or as the document calls itself",
    "doc.is": "“is” or “are”, as the document's name needs",
    "doc.has": "“has” or “have”, as the document's name needs",
    "doc.agreement": "“this Agreement” or “the Collaboration Agreement”",
    "doc.governing": "the governing document",
    "voice.shall": "“shall” (“will” in a memorandum of understanding)",
    "unit.this": "“this Schedule”, “this Part” or “this Annex”",
    "unit.This": "“This Schedule”, “This Part” or “This Annex”",
    "board.name": "the board's name",
    "body.name": "the body's name",
    "pack.precedence": "the clause on precedence",
    "pack.variation": "the clause on variation",
    "legal_form": "the legal form",
}
_TRUE = {
    "form.binding": "the arrangements bind the parties",
    "form.statutory": "the parties exercise statutory functions jointly",
    "form.contractual": "the form is contractual (a joint venture or lead provider)",
    "form.committees_in_common": "the legal form is committees in common",
    "form.joint_committee": "the legal form is a joint committee",
    "form.cjv": "the legal form is a contractual joint venture",
    "form.lead_provider": "the legal form is a lead provider arrangement",
    "form.mou_only": "the legal form is a memorandum of understanding only",
    "doc.is_deed": "the document is executed as a deed",
    "doc.adopted": "each party's board approves the document",
    "loop.last": "this is the last item",
    "loop.first": "this is the first item",
}
_COMPARE = {"eq": "is", "ne": "is not", "gt": "is more than", "gteq": "is at least", "lt": "is less than"}
_COMPARE |= {"lteq": "is at most", "in": "is one of", "notin": "is not one of"}


class Labeller:
    """Turns jinja expressions and statements into the words the review pack shows."""

    def __init__(self, env: ImmutableSandboxedEnvironment) -> None:
        self.env = env

    def _parse(self, source: str) -> nodes.Expr | None:
        try:
            tree = parse_expression(self.env, source.strip().strip("-").strip())
        except TemplateSyntaxError:
            return None
        output = tree.body[0]
        assert isinstance(output, nodes.Output)
        node = output.nodes[0]
        return node if isinstance(node, nodes.Expr) else None

    def field(self, source: str) -> str:
        """A ``{{ … }}`` field's name."""
        node = self._parse(source)
        return self.name(node) if node is not None else source.strip()

    def condition(self, source: str) -> str:
        """A condition in plain English ("the legal form is a joint committee"); ``true`` is "always"."""
        node = self._parse(source)
        return self.test(node) if node is not None else f"`{source.strip()}`"

    def statement(self, source: str) -> str:
        """A ``{% … %}`` tag as the words shown in its place."""
        text = source.strip().strip("-").strip()
        word, _, rest = text.partition(" ")
        if word in ("if", "elif"):
            return f"{'When' if word == 'if' else 'Otherwise, when'} {self.condition(rest)}:"
        if word == "else":
            return "Otherwise:"
        if word in ("endif", "endfor", "endmacro"):
            return {"endif": "End of condition", "endfor": "End of repetition"}.get(word, "End")
        if word == "for":
            target, _, items = rest.partition(" in ")
            return f"For each of {self.field(items)} ({target.strip()}):"
        if word == "set":
            name, _, value = rest.partition("=")
            return f"{name.strip()} means {self.field(value)}"
        return text

    def name(self, node: nodes.Node) -> str:
        path = _path(node)
        if path is not None:
            return _NAMES.get(path) or _humanise(path)
        if isinstance(node, nodes.Filter) and node.node is not None:
            return self.name(node.node)
        if isinstance(node, nodes.Const):
            return f"“{node.value}”" if isinstance(node.value, str) else str(node.value)
        if isinstance(node, nodes.CondExpr):
            other = self.name(node.expr2) if node.expr2 is not None else "nothing"
            return f"{self.name(node.expr1)} or {other}, as {self.test(node.test)}"
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
            if node.node.name == "placeholder" and node.args and isinstance(node.args[0], nodes.Const):
                return f"[●] {node.args[0].value}"
            return f"the wording of {node.node.name}"
        if isinstance(node, nodes.Getitem):
            return f"{self.name(node.node)}, for {self.name(node.arg)}"
        if isinstance(node, nodes.Concat | nodes.Add):
            parts = node.nodes if isinstance(node, nodes.Concat) else [node.left, node.right]
            return " ".join(self.name(n) for n in parts)
        return "an answer"

    def test(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Const) and node.value is True:
            return "always"
        if isinstance(node, nodes.And | nodes.Or):
            joiner = " and " if isinstance(node, nodes.And) else " or "
            return self.test(node.left) + joiner + self.test(node.right)
        if isinstance(node, nodes.Not):
            inner = node.node
            path = _path(inner)
            if path is not None and path not in _TRUE:
                return f"{self.name(inner)} is not given"
            return f"not ({self.test(inner)})"
        if isinstance(node, nodes.Compare) and len(node.ops) == 1:
            operand = node.ops[0]
            return f"{self._subject(node.expr)} {_COMPARE.get(operand.op, operand.op)} {self._value(operand.expr)}"
        if isinstance(node, nodes.Test):
            subject = self.name(node.node)
            return f"{subject} is {'not answered' if node.name == 'none' else node.name}"
        path = _path(node)
        if path is not None:
            return _TRUE.get(path) or f"{self.name(node)} is given"
        return self.name(node)

    def _subject(self, node: nodes.Node) -> str:
        return "the document" if _path(node) == "doc.kind" else self.name(node)

    def _value(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Const):
            if node.value is None:
                return "not answered"
            if isinstance(node.value, str):
                return _choice(node.value)
        if isinstance(node, nodes.List | nodes.Tuple):
            return ", ".join(self._value(item) for item in node.items)
        return self.name(node)


def _choice(value: str) -> str:
    """A choice's words: "joint_committee" is "a joint committee", "tor" "the terms of reference"."""
    try:
        return "the " + sentence(DocumentKind(value)).lower()
    except (ValueError, KeyError):
        pass
    for enum in SENTENCE_ENUMS:
        members: dict[str, StrEnum] = {m.value: m for m in enum}
        if value in members:
            return sentence(members[value])
    return f"“{value}”"


def _path(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _path(node.node)
        return f"{base}.{node.attr}" if base is not None else None
    return None


_LOOP_NAMES = {
    "p": "party",
    "b": "body",
    "m": "member",
    "d": "delegation",
    "t": "tier",
    "f": "funder",
    "s": "share",
    "cs": "cost sharing",
    "doc": "document",
    "item": "item",
    "party": "party",
}
"""What the clauses' short loop variables and aliases stand for (``{% for p in members %}``: a party)."""


def _humanise(path: str) -> str:
    """``body.quorum.members`` → "the body's quorum members"; ``p.kind`` → "the party's kind"."""
    parts = [p.replace("_", " ") for p in path.split(".")]
    if len(parts) == 1:
        if parts[0] in _LOOP_NAMES:
            return f"the {_LOOP_NAMES[parts[0]]}"
        return f"the {parts[0]}" if not parts[0][:1].isupper() else parts[0]
    owner = f"the {_LOOP_NAMES.get(parts[0], parts[0])}"
    return f"{owner}'s {' '.join(parts[1:])}"
