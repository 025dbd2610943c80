"""The governance structure as a picture: who sits where, who reports to whom, what is delegated, where reserved
matters go — drawn by Graphviz from the facts layer (never from the answers again).

``governance_graph`` builds the Graphviz source (pure, deterministic); ``draw`` runs ``dot`` to make the SVG and
PNG. Graphviz's ``dot`` is optional: without it ``draw`` returns ``None`` and a one-line message, and the build
writes everything else. The same facts and the same Graphviz give byte-identical files: node names are fixed
(``party1``, ``body1``...), and neither format carries a timestamp.
"""

from __future__ import annotations

import html
import itertools
import shutil
import struct
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from .facts import BodyFacts, Facts, and_list, sentence
from .model import Delegation, LegalForm, ReservedMechanism

__all__ = ["DOT_MISSING", "Diagram", "caption", "draw", "governance_graph"]

DOT_MISSING = "governance diagram not drawn: Graphviz is not installed (apt-get install graphviz)"
PNG_DPI = 150  # sharp in print at the width of the page (a figure is at most 16 cm wide)

_BLUE, _GREY, _PALE, _NOTE = "#1F3A93", "#555555", "#E8EEFA", "#FFF8DC"
_FONT = "Helvetica"


@dataclass(frozen=True)
class Diagram:
    """The drawn diagram: its Graphviz source, the SVG and PNG made from it, and the PNG's size in pixels."""

    source: str
    svg: bytes
    png: bytes
    caption: str

    def files(self) -> list[tuple[str, bytes]]:
        """The files written beside the pack, by suffix."""
        return [(".svg", self.svg), (".png", self.png)]

    @property
    def size(self) -> tuple[int, int]:
        """The PNG's width and height in pixels (from its IHDR chunk)."""
        width, height = struct.unpack(">II", self.png[16:24])
        return int(width), int(height)


def caption(facts: Facts) -> str:
    """The figure's caption (and the picture's alternative text starts with it)."""
    return f"The governance structure of the {facts.answers.collaborative.name}"


def _esc(text: str) -> str:
    """Text for an HTML-like label: &, < and > escaped, and square brackets as character references (Graphviz's
    label parser fails on a ']' that starts a run of text: a body named ']' made the build an internal error)."""
    return html.escape(text, quote=False).replace("[", "&#91;").replace("]", "&#93;")


def _wrap(text: str, width: int = 34) -> str:
    """Text as HTML-label lines of at most ``width`` characters (escaped)."""
    return '<BR ALIGN="LEFT"/>'.join(_esc(line) for line in textwrap.wrap(text, width)) + '<BR ALIGN="LEFT"/>'


def _table(rows: Iterable[str]) -> str:
    cells = "".join(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{row}</TD></TR>' for row in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{cells}</TABLE>>'


def _body_kind(facts: Facts, body: BodyFacts) -> str:
    if body.in_common:
        role = "committees in common"
    elif body.statutory:
        role = "joint committee (s65Z6)" if facts.form is LegalForm.JOINT_COMMITTEE else "statutory committee"
    elif body.decides:
        role = "takes decisions"
    elif body.deciding:
        role = "advisory (no Party is bound)"
    else:
        role = "advises and reports"
    return f"{body.kind_sentence}: {role}"


def _seats(body: BodyFacts) -> list[str]:
    """One line per party: its seats on the body, with those that do not vote marked."""
    by_party: dict[str, list[str]] = {}
    for m in body.members:
        role = m.role if m.votes else f"{m.role} (no vote)"
        by_party.setdefault(m.party or "Independent", []).append(role)
    return [
        f"<B>{_esc(party)}</B>: " + _wrap(", ".join(roles), 40).removesuffix('<BR ALIGN="LEFT"/>')
        for party, roles in by_party.items()
    ]


def _delegated(delegations: list[Delegation]) -> list[str]:
    functions = list(dict.fromkeys(d.function for d in delegations))
    return ["<I>Delegated to it:</I>", *(_wrap("• " + f, 44) for f in functions)] if functions else []


def _limit(delegation: Delegation) -> str:
    return f"up to £{delegation.financial_limit:,.0f}" if delegation.financial_limit is not None else ""


def governance_graph(facts: Facts) -> str:
    """The Graphviz (dot) source of the collaborative's governance diagram."""
    a = facts.answers
    bodies = facts.bodies
    body_node = {b.id: f"body{i + 1}" for i, b in enumerate(bodies)}
    parties = facts.structure_parties
    party_node = {p.short_name: f"party{i + 1}" for i, p in enumerate(parties)}

    lines = [
        "digraph governance {",
        f'  graph [rankdir=TB, fontname="{_FONT}", fontsize=9, nodesep=0.25, ranksep=0.45, bgcolor="white",'
        ' labelloc=b, labeljust=l, label=<<FONT POINT-SIZE="8">Solid arrows: authority a Party delegates.'
        " Dashed arrows: reports to. Dotted: reserved matters.</FONT>>];",
        f'  node [fontname="{_FONT}", fontsize=9, shape=box, style="rounded,filled", fillcolor="white",'
        f' color="{_BLUE}", margin="0.08,0.04"];',
        f'  edge [fontname="{_FONT}", fontsize=8, color="{_GREY}", fontcolor="{_GREY}", arrowsize=0.7];',
    ]

    def node(name: str, label: str, **attrs: str) -> None:
        extra = "".join(f', {k}="{v}"' for k, v in attrs.items())
        lines.append(f"  {name} [label={label}{extra}];")

    for p in parties:
        kind = _esc(sentence(p.kind))
        label = _table([f"<B>{_esc(p.short_name)}</B> board", f'<FONT POINT-SIZE="7">{kind}</FONT>'])
        node(party_node[p.short_name], label, fillcolor=_PALE)
    row = [party_node[p.short_name] for p in parties]
    if a.decisions.party_reserved_matters and parties:
        count = len(a.decisions.party_reserved_matters)
        text = f"Each Party's own board keeps {count} reserved matter{'s' if count != 1 else ''}"
        node("party_reserved", _table([_wrap(text, 28)]), shape="note", style="filled", fillcolor=_NOTE)
        row.insert(0, "party_reserved")
    if row:  # the Parties side by side, in the answers' order (invisible edges hold the order)
        lines.append("  { rank=same; " + "; ".join(row) + "; }")
        lines.extend(f"  {left} -> {right} [style=invis];" for left, right in itertools.pairwise(row))

    for b in bodies:
        delegations = [a.delegations[i] for i in b.delegations]
        rows = [f"<B>{_esc(b.name)}</B>", f"<I>{_esc(_body_kind(facts, b))}</I>", *_seats(b)]
        rows += _delegated(delegations)
        attrs = {"penwidth": "2"} if b.deciding else {}
        node(body_node[b.id], _table(rows), **attrs)

    # Reporting lines: a body reports to its parent; a top body to each member's own board.
    for b in bodies:
        if b.parent is not None and b.parent in body_node:
            lines.append(f'  {body_node[b.parent]} -> {body_node[b.id]} [dir=back, style=dashed, label=" reports to"];')
        elif b.parent is None:
            for party in dict.fromkeys(m.party for m in b.members):
                if party in party_node:
                    lines.append(f"  {party_node[party]} -> {body_node[b.id]} [dir=back, style=dashed];")

    # Delegations: from the delegating party to the body, or to an officer.
    for i, d in enumerate(a.delegations):
        if d.from_party not in party_node:
            continue
        limit = _limit(d)
        label = f' label="{_esc(limit)}",' if limit else ""
        if d.to_body is not None and d.to_body in body_node:
            lines.append(f'  {party_node[d.from_party]} -> {body_node[d.to_body]} [{label} color="{_BLUE}"];')
        elif d.to_officer is not None:
            officer = f"officer{i + 1}"
            rows = [f"<B>{_esc(d.to_officer)}</B> (officer)", _wrap("• " + d.function, 40)]
            node(officer, _table(rows), style="filled", fillcolor="white")
            lines.append(f'  {party_node[d.from_party]} -> {officer} [{label} color="{_BLUE}"];')

    # Where reserved matters go.
    decisions = a.decisions
    board = facts.board
    if board is not None and decisions.reserved_matters:
        count = len(decisions.reserved_matters)
        matters = f"{count} reserved matter{'s' if count != 1 else ''}"
        where = {
            ReservedMechanism.UNANIMITY: f"decided by the {board.name} only with every Party's agreement",
            ReservedMechanism.LOCKED_GATEWAY: "held at a locked gateway until every Party agrees",
            ReservedMechanism.REFERRAL_TO_BOARDS: "referred to each Party's own board for approval",
        }[decisions.reserved_mechanism]
        node("reserved", _table([f"<B>{matters}</B>", _wrap(where, 36)]), shape="note", style="filled", fillcolor=_NOTE)
        lines.append(f"  {body_node[board.id]} -> reserved [style=dotted, arrowhead=none];")
        if decisions.reserved_mechanism is ReservedMechanism.REFERRAL_TO_BOARDS:
            for p in facts.members:
                if p.short_name in party_node:
                    lines.append(f"  reserved -> {party_node[p.short_name]} [style=dotted, constraint=false];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw(facts: Facts) -> tuple[Diagram | None, str]:
    """The diagram drawn by Graphviz, and a message; ``None`` and the one-line reason when ``dot`` is missing."""
    if shutil.which("dot") is None:
        return None, DOT_MISSING
    from concurrent.futures import ThreadPoolExecutor

    import graphviz

    source = governance_graph(facts)
    try:
        # the two drawings at once: each is a process of its own
        with ThreadPoolExecutor(max_workers=1) as pool:
            png_drawn = pool.submit(
                graphviz.Source(source.replace("graph [", f"graph [dpi={PNG_DPI}, ", 1)).pipe,
                format="png",
                engine="dot",
            )
            svg = graphviz.Source(source).pipe(format="svg", engine="dot")
            png = png_drawn.result()
    except graphviz.ExecutableNotFound:
        return None, DOT_MISSING
    parties = and_list([p.short_name for p in facts.members])
    return Diagram(source, svg, png, caption(facts)), f"governance diagram drawn ({parties})"
