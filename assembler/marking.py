"""The draft marking: what each page of a draft says about its status, and the document's reference.

A draft agreement is marked "Draft (0.2) — 1 May 2025 — subject to contract"; a document the parties' boards
approve rather than sign (terms of reference, scheme of delegation, dispute resolution annex) is marked
"Draft for approval (0.2) — 1 May 2025". A final build carries no marking. The date comes from the answers
(``documents.draft_date``), else from ``SOURCE_DATE_EPOCH``, else it is unknown ([●]): never from the clock, so
two builds of the same answers are the same file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import InputError
from .library import DocumentDef
from .model import Answers

__all__ = ["MONTHS", "Marking", "draft_date", "format_date", "reference"]

UNKNOWN = "[●]"


def format_date(value: dt.date | None) -> str:
    """A date as the drafts write it, in English whatever the locale: "1 May 2025" ([●] when unknown)."""
    if value is None:
        return UNKNOWN
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def draft_date(answers: Answers, environ: Mapping[str, str]) -> dt.date | None:
    """The date the drafts carry: the answers' draft date, else ``SOURCE_DATE_EPOCH`` (UTC), else unknown."""
    if answers.documents.draft_date is not None:
        return answers.documents.draft_date
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    if not epoch.isdigit():
        raise InputError.single(
            path="SOURCE_DATE_EPOCH",
            what=f"{epoch!r} is not a number of seconds since 1970",
            fix="set it to an integer, or unset it",
        )
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()


@dataclass(frozen=True)
class Marking:
    """How one build marks its documents: draft (with a date) or final."""

    final: bool = False
    date: dt.date | None = None

    def header(self, doc: DocumentDef, version: str) -> str:
        """The running header's marking for one document (empty in a final build)."""
        if self.final:
            return ""
        if doc.adopted:
            return f"Draft for approval ({version}) \u2014 {format_date(self.date)}"
        return f"Draft ({version}) \u2014 {format_date(self.date)} \u2014 subject to contract"

    def status(self) -> str:
        """The cover's status word."""
        return "FINAL" if self.final else "DRAFT"


def reference(short_name: str, doc: DocumentDef, version: str) -> str:
    """The document's reference in each page's footer: ``MSECC/CJV/0.2``."""
    prefix = re.sub(r"[^A-Za-z0-9]+", "-", short_name).strip("-").upper() or "COLLABORATIVE"
    return f"{prefix}/{doc.kind.upper()}/{version}"
