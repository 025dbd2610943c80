"""Lenient reading of typed answers: fractions and percentages in words, British dates, money, durations.

Every reader takes what a person would type and returns the value the answers model stores, or raises
``ValueError`` with a plain message saying what to type instead. A duration typed without its unit is
``Unclear``: the engine asks which unit was meant rather than guessing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ..marking import MONTHS
from ..model import parse_share

__all__ = ["Unclear", "read_bool", "read_date", "read_days", "read_list", "read_money", "read_number", "read_share"]

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90,
}  # fmt: skip
_ORDINALS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5}
_ORDINALS |= {"sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8, "tenth": 10, "tenths": 10}


@dataclass(frozen=True)
class Unclear:
    """A duration typed without its unit: ``days`` could be working or calendar days."""

    days: int


def read_share(raw: str) -> Fraction:
    """'two-thirds', 'two thirds', '2/3', '66.5%', '75 per cent', 'three quarters' → an exact fraction."""
    text = raw.strip().lower().replace("per cent", "%").replace("percent", "%")
    text = re.sub(r"\b(majority|of the votes( cast)?|of votes)\b", "", text).strip()
    words = re.fullmatch(r"(a|an|one|two|three|four|five|seven|nine)[\s-]+([a-z]+)", text)
    if words is not None and words[2] in _ORDINALS:
        top = 1 if words[1] in ("a", "an") else _NUMBER_WORDS[words[1]]
        return parse_share(f"{top}/{_ORDINALS[words[2]]}")
    if text == "half":
        return Fraction(1, 2)
    return parse_share(text.replace(" ", ""))


def read_date(raw: str) -> dt.date:
    """'1 April 2025', '1st April 2025', 'April 1, 2025', '1/4/2025', '01.04.25', '2025-04-01' (British order)."""
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", raw.strip().lower()).replace(",", " ")
    text = re.sub(r"\s+", " ", text)
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        numeric = re.fullmatch(r"(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2}|\d{4})", text)
        if numeric is not None:
            day, month, year = (int(x) for x in numeric.groups())
            return dt.date(year + 2000 if year < 100 else year, month, day)
        months = {name.lower(): i + 1 for i, name in enumerate(MONTHS)}
        months |= {name[:3]: number for name, number in months.items()} | {"sept": 9}
        word = re.fullmatch(r"(\d{1,2}) ([a-z]+)\.? (\d{4})", text) or re.fullmatch(
            r"([a-z]+)\.? (\d{1,2}) (\d{4})", text
        )
        if word is not None:
            first, second, year_text = word.groups()
            day_text, month_name = (first, second) if first.isdigit() else (second, first)
            if month_name in months:
                return dt.date(int(year_text), months[month_name], int(day_text))
    except ValueError:
        raise ValueError(f"there is no such date as “{raw.strip()}”") from None
    raise ValueError("write a date such as 1 April 2025 or 1/4/2025")


def read_money(raw: str) -> Decimal:
    """'£1m', '1.5 million', '£250k', '250,000', '£10,000.50' → pounds."""
    text = raw.strip().lower().replace("£", "").replace(",", "").replace(" ", "")
    text = text.removesuffix("pounds").removesuffix("gbp")
    scale = Decimal(1)
    for suffix, factor in (("million", 10**6), ("mn", 10**6), ("m", 10**6), ("thousand", 10**3), ("k", 10**3)):
        if text.endswith(suffix):
            text, scale = text.removesuffix(suffix), Decimal(factor)
            break
    try:
        amount = Decimal(text) * scale
    except InvalidOperation:
        raise ValueError("write an amount such as £250,000, £250k or £1m") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError("write an amount such as £250,000, £250k or £1m")
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def read_number(raw: str) -> int:
    """A whole number in figures or words ('12', 'twelve')."""
    text = raw.strip().lower().replace(",", "")
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text]
    if re.fullmatch(r"\d{1,6}", text):
        return int(text)
    raise ValueError("write a whole number, such as 12")


def read_days(raw: str) -> int | Unclear:
    """'10 working days', '10 business days' → 10; '14 calendar days' → 10 working days; '10' or '10 days' is
    ``Unclear`` (the engine asks which was meant); '2 weeks' → 10 working days."""
    text = raw.strip().lower()
    match = re.fullmatch(r"([a-z]+|\d{1,4})\s*(working|business|calendar|clear)?\s*(days?|weeks?)?", text)
    if match is None:
        raise ValueError("write a number of days, such as 10 working days")
    number = read_number(match[1])
    unit, period = match[2], match[3] or ""
    if period.startswith("week"):
        return number * 5
    if unit in ("working", "business"):
        return number
    if unit in ("calendar", "clear"):
        return calendar_to_working(number)
    return Unclear(number)


def calendar_to_working(days: int) -> int:
    """The working days in a span of calendar days (five in every seven, at least one)."""
    return max(1, (days * 5) // 7)


_TRUE = {"y", "yes", "true", "on", "1", "ok"}
_FALSE = {"n", "no", "false", "off", "0", "none"}


def read_bool(raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("answer yes or no")


def read_list(raw: str) -> list[str]:
    """Items typed on one line separated by semicolons (or one per line)."""
    return [item.strip() for item in re.split(r"[;\n]", raw) if item.strip()]
