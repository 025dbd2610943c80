"""Rendering and markup: the sandbox, unknown answers, escaping of answers, filters, and the clause markup."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.exceptions import SecurityError, UndefinedError

from assembler import markup
from assembler.docmodel import BlockKind, RunKind
from assembler.rendering import Unknown, _data, make_environment, number_words


def render(source: str, **context: object) -> str:
    return make_environment().from_string(source).render(context)


def parse(source: str, **context: object) -> markup.Parsed:
    return markup.parse(render(source, **context), clause_id="x.y")


def test_unknown_answers_become_placeholders_naming_their_field() -> None:
    data = _data({"party": {"address": None, "name": "A"}}, "")
    parsed = parse("## {{ party.name }} of {{ party.address }}.", **data)
    runs = parsed.blocks[0].runs
    assert [r.kind for r in runs] == [RunKind.TEXT, RunKind.PLACEHOLDER, RunKind.TEXT]
    assert runs[1].text == "[●]" and runs[1].value == "party.address"
    assert parsed.placeholders == ["party.address"]


def test_unknown_is_falsy_empty_and_chains() -> None:
    unknown = Unknown("finance.pooled_fund")
    assert not unknown and list(unknown) == [] and len(unknown) == 0 and unknown == None  # noqa: E711
    assert unknown.host.path == "finance.pooled_fund.host"
    assert render("{% if x %}yes{% else %}no{% endif %}", x=unknown) == "no"


def test_a_misspelt_name_is_an_error_not_a_blank() -> None:
    with pytest.raises(UndefinedError):
        render("{{ collaborative.nmae }}", collaborative={"name": "A"})


def test_the_sandbox_refuses_python_internals() -> None:
    with pytest.raises(SecurityError):
        render("{{ x.__class__.__mro__ }}", x="a")


@pytest.mark.parametrize(
    "answer",
    [
        "{{ 7*7 }}",
        "{% if true %}x{% endif %}",
        "[[ref:cjv.term]]",
        "[[Board]]",
        "**bold**",
        "| a | b |",
        "NOTE: not a note",
        "# not a heading",
        "PAGEBREAK",
        "a\nNOTE: on a new line",
        "private \ue001use\ue002",
    ],
)
def test_answers_are_text_never_markup_or_template(answer: str) -> None:
    parsed = parse("{{ value }}", value=answer)
    assert [b.kind for b in parsed.blocks] == [BlockKind.BODY]
    expected = " ".join(answer.replace("\ue001", "").replace("\ue002", "").split())
    assert parsed.blocks[0].plain() == expected
    assert not parsed.refs and not parsed.terms and not parsed.placeholders


def test_markup_lines_make_the_right_blocks() -> None:
    source = "\n".join(
        [
            "# Heading [#top]",
            "## Level two [[Board]] under [[ref:x.other]]",
            "### Level three",
            "#### Level four",
            "##### Level five",
            "plain text",
            "NOTE: a note",
            "PARTY: a party",
            "RECITAL: a recital",
            "TITLE: a title",
            "SUBTITLE: a subtitle",
            "SIGN: Director",
            "| a | b |",
            "| c | d |",
            "PAGEBREAK",
            "DEFINITIONS",
        ]
    )
    parsed = markup.parse(source, clause_id="x.y")
    kinds = [b.kind for b in parsed.blocks]
    assert kinds == [
        BlockKind.HEADING,
        BlockKind.NUMBERED,
        BlockKind.NUMBERED,
        BlockKind.NUMBERED,
        BlockKind.NUMBERED,
        BlockKind.BODY,
        BlockKind.NOTE,
        BlockKind.PARTY,
        BlockKind.RECITAL,
        BlockKind.TITLE,
        BlockKind.SUBTITLE,
        BlockKind.SIGNATURE,
        BlockKind.TABLE,
        BlockKind.PAGE_BREAK,
        BlockKind.DEFINITION,
    ]
    assert parsed.blocks[0].anchors == ["x.y", "x.y.top"]
    assert [b.level for b in parsed.blocks[1:5]] == [2, 3, 4, 5]
    assert parsed.blocks[5].level == 5  # plain text sits at the indent of the paragraph above
    assert parsed.terms == {"Board"} and parsed.refs == {"x.other"}
    assert parsed.blocks[12].rows[1][1][0].text == "d"


def test_term_with_a_shown_form() -> None:
    parsed = markup.parse("## the [[Party|Parties]] agree", clause_id="x.y")
    term = parsed.blocks[0].runs[1]
    assert term.kind is RunKind.TERM and term.text == "Parties" and term.value == "Party"


def test_edge_spaces_of_printed_values_are_kept() -> None:
    assert parse("a{{ '; and ' }}b").blocks[0].plain() == "a; and b"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ 5 | words }}", "five (5)"),
        ("{{ 15 | words }}", "fifteen (15)"),
        ("{{ 125 | words }}", "one hundred and twenty-five (125)"),
        ("{{ amount | money }}", "£250,000"),
        ("{{ half | money }}", "£1,234.50"),
        ("{{ share | percent }}", "33.33%"),
        ("{{ day | date }}", "1 April 2026"),
        ("{{ names | join }}", "A, B and C"),
        ("{{ names | join('or') }}", "A, B or C"),
        ('{{ "cjv" | label("LegalForm") }}', "Contractual joint venture (contractual board)"),
        ('{{ "cjv" | label("DocumentKind") }}', "Collaboration (contractual joint venture) agreement"),
    ],
)
def test_filters(source: str, expected: str) -> None:
    context = {
        "amount": Decimal("250000"),
        "half": Decimal("1234.5"),
        "share": Decimal("33.33"),
        "day": dt.date(2026, 4, 1),
        "names": ["A", "B", "C"],
    }
    assert parse(source, **context).blocks[0].plain() == expected


def test_filters_pass_unknowns_through_as_placeholders() -> None:
    parsed = parse("{{ x | money }} {{ x | words }} {{ x | date }}", x=Unknown("finance.host_fee.amount"))
    assert parsed.placeholders == ["finance.host_fee.amount"] * 3


def test_number_words() -> None:
    assert [number_words(n) for n in (0, 19, 20, 42, 100, 310)] == [
        "zero",
        "nineteen",
        "twenty",
        "forty-two",
        "one hundred",
        "three hundred and ten",
    ]


_PIECE = st.text(alphabet=st.sampled_from(list("#:NOTE abc\t\u00a0\u2003|[]*")), max_size=8)
_LINE = st.one_of(
    _PIECE,
    st.builds(lambda n, rest: "#" * n + rest, st.integers(1, 7), _PIECE),
    st.builds(
        lambda word, rest: word + rest,
        st.sampled_from(["NOTE", "PARTY", "RECITAL", "TITLE", "SUBTITLE", "SIGN", "FIGURE", "NOTES", "Note"]),
        _PIECE,
    ),
)


@settings(max_examples=500, deadline=None)
@given(_LINE)
def test_markup_line_kinds_read_as_their_patterns_say(line: str) -> None:
    """The markup parser finds headings and keyword lines with string methods; they read exactly as the patterns
    of the markup's definition do (a heading is one to five # and white space; a keyword a known word and a colon)."""
    heading = re.match(r"(#{1,5})\s+(.*)", line)
    if line.startswith("#"):
        assert markup._heading(line) == ((len(heading.group(1)), heading.group(2)) if heading else None)
    keyword = re.match(r"^(NOTE|PARTY|RECITAL|TITLE|SUBTITLE|SIGN|FIGURE):\s*(.*)$", line)
    expected = (markup._KEYWORD_KINDS[keyword.group(1)], keyword.group(2)) if keyword else None
    assert markup._keyword(line) == expected
