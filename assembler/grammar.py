"""The grammar lint: slips a reader of a finished draft would notice, found in its paragraphs' visible text.

Four checks, each over every paragraph a document shows (drafting notes excepted):

- **articles**: "a" before a vowel sound and "an" before a consonant sound ("a operational group", "a NHS
  trust"), reading initialisms by their letters ("an NHS trust", "a CIC");
- **counts**: a count and its noun agree ("one (1) years", "two (2) month");
- **lists**: the items after a lead-in that ends with a colon agree: each starts in lower case (unless it starts
  with a name or a defined term) and ends with ";", the last but one with "; and" or "; or", the last with ".";
  definitions end with ";" and the last with ".";
- **terms**: a capitalised word in mid-sentence is a term the document defines (in quotation marks), a name from
  the answers, or a proper name of the law or the NHS (``PROPER_NAMES``): "the Trust's scheme" in a document that
  defines no "Trust" is a slip.

The lint reads paragraphs as ``(style, text)`` pairs, so the tests can run it over the built Word files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .marking import MONTHS

__all__ = ["PROPER_NAMES", "GrammarProblem", "lint_paragraphs", "with_article"]

SKIPPED_STYLES = frozenset(
    {"DraftingNote", "ContentsTitle", "TOC1", "CoverText", "CoverTitle", "Caption", "Signature"}
)  # notes, the cover and contents (which repeat headings), captions, and the labels under signature lines

PROPER_NAMES = (
    # statutes and other instruments (their words: titles are matched as phrases)
    "National Health Service Act 2006",
    "Health and Care Act 2022",
    "Companies Act 2006",
    "Local Government Act 1972",
    "Law of Property Act 1925",
    "Law of Property (Miscellaneous Provisions) Act 1989",
    "Freedom of Information Act 2000",
    "Environmental Information Regulations 2004",
    "Data Protection Act 2018",
    "Privacy and Electronic Communications (EC Directive) Regulations 2003",
    "Contracts (Rights of Third Parties) Act 1999",
    "Competition Act 1998",
    "Procurement Act 2023",
    "Health Care Services (Provider Selection Regime) Regulations 2023",
    "NHS Bodies and Local Authorities Partnership Arrangements Regulations 2000",
    "National Health Service (Joint Working and Delegation Arrangements) (England) Regulations 2022",
    "Arbitration Act 1996",
    "Civil Contingencies Act 2004",
    "Equality Act 2010",
    "National Audit Act 1983",
    "Local Audit and Accountability Act 2014",
    "Emergency Preparedness, Resilience and Response Framework",
    "Bribery Act 2010",
    "Data Security and Protection Toolkit",
    "UK GDPR",
    "NHS Standard Contract",
    # bodies and institutions
    "NHS England",
    "Secretary of State",
    "Companies House",
    "Centre for Effective Dispute Resolution",
    "Model Mediation Procedure",
    "Chartered Institute of Arbitrators",
    "Competition and Markets Authority",
    "Information Commissioner",
    "Care Quality Commission",
    "National Audit Office",
    "Comptroller and Auditor General",
    "Caldicott Guardian",
    "Caldicott Principles",
    "that Act",
    "Model Mediation Agreement",
    "High Court",
    "England and Wales",
    "England",
    "Wales",
    # parts of a document, as they are cited
    "Schedule",
    "Schedules",
    "Part",
    "Parts",
    "Annex",
    "Stage",
    "Figure",
    # calendar
    *MONTHS,
    *(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
)
"""Proper names a document may use without defining them (statutes, institutions, months)."""

_VOWEL_LETTERS = set("AEFHILMNORSX")  # initialisms whose first letter is said with a vowel sound: "an NHS", "an MoU"
_CONSONANT_SOUND = re.compile(r"^(one|once|uni(?:que|t|on|vers|form|lateral|f)|use|usu|util|eu|ubiq)", re.I)
_VOWEL_SOUND = re.compile(r"^(hour|honest|honou?r|heir)", re.I)
_ARTICLE = re.compile(r"\b(a|an|A|An)\s+([\w'’-]+)")

_NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_COUNT = re.compile(
    r"(?<![\w-])(?P<word>" + "|".join(_NUMBERS) + r"|\d+)\s+(?:\((?P<digits>\d+)\)\s+)?(?P<noun>[A-Za-z]+)\b"
)
_COUNTED = {"year", "month", "week", "day", "party", "parties", "member", "members", "vote", "votes", "stage"}
_COUNTED |= {"years", "months", "weeks", "days", "stages", "matter", "matters", "director", "directors"}

_SENTENCE_START = re.compile(r"(^|[.!?:;]\s+|[(“\"‘'—–\[]\s*|\n)$")
_WORD = re.compile(r"(?<![\w'’-])[A-Za-z][\w'’-]*")
_CITATION = re.compile(r"\s+[A-Z]?\d")  # "Chapter A3", "Schedule 7", "Part 2": a capitalised word citing a number


@dataclass(frozen=True)
class GrammarProblem:
    """One slip: the check, the paragraph it is in (as a short quote) and what is wrong."""

    check: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.check}: {self.what} — in “{self.where}”"


def _quote(text: str) -> str:
    return text if len(text) <= 90 else text[:87] + "..."


def _vowel_sound(word: str) -> bool:
    letters = word.strip("'’-")
    if len(letters) >= 2 and (letters.isupper() or re.fullmatch(r"[A-Z][a-zA-Z]*[A-Z][a-zA-Z]*", letters)):
        return letters[0] in _VOWEL_LETTERS  # an initialism, said letter by letter: "an NHS", "a CIC", "an MoU"
    if _CONSONANT_SOUND.match(letters):
        return False
    if _VOWEL_SOUND.match(letters):
        return True
    return letters[:1].lower() in "aeiou"


def with_article(text: str) -> str:
    """ "operational group" → "an operational group", "NHS trust" → "an NHS trust", "board" → "a board"."""
    first = text.split(" ", 1)[0]
    return ("an " if first and _vowel_sound(first) else "a ") + text


def _articles(text: str) -> Iterable[str]:
    for m in _ARTICLE.finditer(text):
        article, word = m.group(1).lower(), m.group(2)
        if word[0].isdigit() or len(word) == 1:
            continue
        wanted = "an" if _vowel_sound(word) else "a"
        if article != wanted:
            yield f"“{m.group(0)}” should read “{wanted} {word}”"


def _counts(text: str) -> Iterable[str]:
    for m in _COUNT.finditer(text):
        noun = m.group("noun")
        if noun.lower() not in _COUNTED:
            continue
        word = m.group("word").lower()
        number = int(word) if word.isdigit() else _NUMBERS.index(word) + 1
        digits = m.group("digits")
        if digits is not None and int(digits) != number:
            yield f"“{m.group(0)}”: the words and the figures disagree"
        plural = noun.lower().endswith("s")
        if number == 1 and plural:
            yield f"“{m.group(0)}”: one of them is singular"
        if number != 1 and not plural and not text[m.end() : m.end() + 2].startswith(("'s", "’s")):
            yield f"“{m.group(0)}”: {number} of them is plural"


def _strip_allowed(text: str, allowed: Sequence[str]) -> str:
    for phrase in allowed:  # longest first, so "NHS England" goes before "England"
        if phrase in text:
            text = re.sub(rf"(?<![\w]){re.escape(phrase)}(?:s|'s|’s)?(?![\w])", " ", text)
    return text


def _terms(text: str, allowed: Sequence[str]) -> Iterable[str]:
    rest = _strip_allowed(text, allowed)
    for m in _WORD.finditer(rest):
        word = m.group(0)
        if not word[0].isupper():
            continue
        if len(word) == 1 or sum(c.isupper() or c.isdigit() for c in word) >= 2 or re.fullmatch(r"[IVXLC]+", word):
            continue  # an initialism (NHS, ICB, MoU, A3), a capital letter alone, or a roman numeral
        if _CITATION.match(rest, m.end()):
            continue
        if _SENTENCE_START.search(rest[: m.start()]):
            continue
        yield f"“{word}” is capitalised like a defined term, but this document does not define it"


_ITEM_STYLES = {"Clause4": 4, "Clause5": 5}


def _items(paragraphs: Sequence[tuple[str, str]], start: int) -> list[int]:
    """The indices of the items of the list led in by ``paragraphs[start]`` (empty if no list follows)."""
    level = _ITEM_STYLES.get(paragraphs[start + 1][0]) if start + 1 < len(paragraphs) else None
    if level is None or _ITEM_STYLES.get(paragraphs[start][0], 0) >= level:
        return []
    items = []
    for index in range(start + 1, len(paragraphs)):
        item_level = _ITEM_STYLES.get(paragraphs[index][0])
        if item_level is not None and item_level > level:
            continue
        if item_level != level:
            break
        items.append(index)
    return items


def _capitalised_start(item: str, allowed: Sequence[str]) -> bool:
    """The item starts with a capitalised word that is not an initialism, a name or a defined term."""
    first = _WORD.match(item)
    if first is None or not first.group(0)[0].isupper() or len(first.group(0)) == 1:
        return False
    word = first.group(0)
    return sum(c.isupper() or c.isdigit() for c in word) < 2 and not any(item.startswith(a) for a in allowed)


def _lists(paragraphs: Sequence[tuple[str, str]], allowed: Sequence[str]) -> Iterable[GrammarProblem]:
    definitions = [text.rstrip() for style, text in paragraphs if style == "Definition"]
    for i, text in enumerate(definitions):
        end = "." if i == len(definitions) - 1 else ";"
        if not text.endswith(end):
            what = "the last definition ends with “.”" if end == "." else "a definition ends with “;”"
            yield GrammarProblem("lists", _quote(text), what)
    closing: dict[int, str] = {}  # how a list inside an item ends: as that item would have
    for start, (_style, text) in enumerate(paragraphs):
        items = _items(paragraphs, start) if text.rstrip().endswith(":") else []
        texts = [paragraphs[i][1].rstrip() for i in items]
        if not items or any(re.search(r"[.!?]\s+[A-Z]", t) for t in texts):
            continue  # items that are sentences of their own (the stages of escalation) punctuate themselves
        last = len(items) - 1
        for position, (index, item) in enumerate(zip(items, texts, strict=True)):
            if _capitalised_start(item, allowed):
                yield GrammarProblem("lists", _quote(item), "an item starts in lower case (it completes the lead-in)")
            if position == last:
                wanted = closing.get(start, ".")
            elif position == last - 1:
                wanted = "; and" if not item.endswith("; or") else "; or"
            else:
                wanted = ";"
            if item.endswith(":"):
                closing[index] = wanted
            elif not item.endswith(wanted):
                yield GrammarProblem("lists", _quote(item), f"this item of a list ends with “{wanted}”")


def _singular(term: str) -> str:
    if term.endswith("ies"):
        return term[:-3] + "y"
    return term[:-1] if term.endswith("s") and not term.endswith("ss") else term


def lint_paragraphs(
    paragraphs: Sequence[tuple[str, str]], *, names: Iterable[str] = (), defined: Iterable[str] = ()
) -> list[GrammarProblem]:
    """Every grammar problem in a document's paragraphs (``(style, text)``, in order).

    ``names`` are names from the answers (parties, bodies, posts...); ``defined`` are terms the document defines
    besides those it puts in quotation marks itself."""
    shown = [(style, text) for style, text in paragraphs if style not in SKIPPED_STYLES and text.strip()]
    whole = "\n".join(text for _style, text in shown)
    quoted = set(re.findall(r"[“\"]([^”\"]{1,80})[”\"]", whole))
    terms = {*quoted, *defined}
    terms |= {_singular(t) for t in terms}  # "Reserved Matter" of "Reserved Matters", "Existing Party"
    allowed = sorted({*PROPER_NAMES, *terms, *(n for n in names if n)}, key=lambda phrase: (-len(phrase), phrase))
    problems: list[GrammarProblem] = []
    for _style, text in shown:
        for line in text.split("\n"):
            where = _quote(line)
            problems += [GrammarProblem("articles", where, what) for what in _articles(line)]
            problems += [GrammarProblem("counts", where, what) for what in _counts(line)]
            problems += [GrammarProblem("terms", where, what) for what in _terms(line, allowed)]
    problems += _lists(shown, allowed)
    return problems
