"""Layout that holds for any answers: the cover is one page however many parties sign, and table columns are wide
enough that no short name breaks inside a word (checked in LibreOffice's PDF with 40 parties)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from assembler.assembly import build, convert_to_pdf
from assembler.compose import cover_parties
from assembler.docx_writer import CELL_MARGINS, word_width

from .docx_reading import read, w
from .optional_tools import need_office

ROOT = Path(__file__).resolve().parent.parent
SHORT_NAMES = ["LSCFT", "MWLFT"]  # capitals are wide: "LSCFT" once broke as "LSCF T" in a membership table
LAST = "Party Number 40 Community Health Services NHS Foundation Trust"


def forty_parties(tmp_path: Path) -> Path:
    """The MSECC answers with 40 parties, the first two under short names in capitals."""
    text = (ROOT / "answers" / "msecc.yaml").read_text(encoding="utf-8")
    text = re.sub(r"\bEPUT\b", SHORT_NAMES[0], text)
    text = re.sub(r"\bNELFT\b", SHORT_NAMES[1], text)
    extra = "".join(
        f"  - short_name: P{n:02d}FT\n"
        f"    name: Party Number {n} Community Health Services NHS Foundation Trust\n"
        "    kind: nhs_foundation_trust\n"
        for n in range(4, 41)
    )
    at = text.index("\nlegal_form:")
    target = tmp_path / "forty.yaml"
    target.write_text(text[:at] + "\n" + extra.rstrip("\n") + text[at:], encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def forty(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("forty")
    result = build(forty_parties(tmp), out_dir=tmp / "out", only=["cjv", "tor"])  # type: ignore[list-item]
    return {c.kind.value: p for c, p in zip(result.documents, result.written, strict=True)}


def _pdf_pages(docx: Path) -> list[str]:
    need_office()
    convert_to_pdf([docx], docx.parent)
    text = subprocess.run(
        ["pdftotext", "-layout", str(docx.with_suffix(".pdf")), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def test_the_cover_lists_a_few_parties_one_a_line_and_many_in_smaller_type() -> None:
    assert cover_parties(["A", "B"]) == (["A", "B"], None)
    names = [f"Party Number {n} Community Health Services NHS Foundation Trust" for n in range(40)]
    (joined,), size = cover_parties(names)
    assert joined.endswith(" and " + names[-1]) and joined.count("; ") == 38
    assert size is not None and 6 <= size < 12
    (reference,), size = cover_parties(names * 10)
    assert reference == "the 400 parties named in the parties clause" and size is None


def test_the_cover_of_a_forty_party_agreement_is_one_page(forty: dict[str, Path]) -> None:
    cover, second, *_ = _pdf_pages(forty["cjv"])
    flat = " ".join(cover.split())
    assert "Collaboration Agreement" in flat and LAST in flat and "Version 0.1 · DRAFT" in flat
    assert "Page 2" in second and LAST not in " ".join(second.split())


# Advance widths (thousandths of an em) of Arial, Arial Bold and DejaVu Sans (LibreOffice's fallback for Arial),
# independent of the writer's estimate: a column must hold the widest of them at 11 pt.
METRICS = {
    "L": (556, 611, 557),
    "S": (667, 667, 635),
    "C": (722, 722, 698),
    "F": (611, 611, 575),
    "T": (611, 611, 611),
    "M": (833, 833, 863),
    "W": (944, 944, 989),
    "a": (556, 556, 613),
    "r": (333, 389, 411),
    "t": (278, 333, 392),
    "y": (500, 556, 592),
    "P": (667, 667, 603),
}


def printed_width(word: str, *, bold: bool) -> int:
    """The word's width at 11 pt in twentieths of a point, in the widest of the three fonts."""
    fonts = (1, 2) if bold else (0, 2)
    return max(sum(METRICS[c][f] for c in word) for f in fonts) * 11 * 20 // 1000


def test_a_column_holds_its_widest_short_name_even_when_other_columns_say_a_lot() -> None:
    from assembler.docmodel import Block, BlockKind, text_runs
    from assembler.docx_writer import _column_widths

    long = "the committee of the Party established by resolution of its board on a date to be confirmed " * 2
    header = ["Party", "Committee", "Established by resolution of its board on", "Notes", "Legal basis"]
    rows = [[text_runs(t) for t in header]]
    rows += [[text_runs(name), *(text_runs(long) for _ in header[1:])] for name in ("LSCFT", "MWLFT", "Party")]
    widths = _column_widths(Block(BlockKind.TABLE, rows=rows), 9072 - 720)
    for word, bold in (("LSCFT", False), ("MWLFT", False), ("Party", True)):
        assert widths[0] - 216 >= printed_width(word, bold=bold), (word, widths)


def test_short_names_in_capitals_do_not_break_in_tables(forty: dict[str, Path]) -> None:
    doc = read(forty["tor"])
    body = doc.xml("word/document.xml")
    checked = 0
    for table in body.iter(w("tbl")):
        widths = [int(g.get(w("w"))) for g in table.iter(w("gridCol"))]
        for row_index, row in enumerate(table.iter(w("tr"))):
            for cell, width in zip(row.iter(w("tc")), widths, strict=False):
                text = "".join(t.text or "" for t in cell.iter(w("t")))
                for word in (word for word in text.split() if word in SHORT_NAMES):
                    assert width >= word_width(word, bold=row_index == 0) + CELL_MARGINS
                    checked += 1
    assert checked >= 4
    pdf = "\n".join(_pdf_pages(forty["tor"]))
    for name in SHORT_NAMES:
        assert re.search(rf"\b{name}\b", pdf)
        for cut in range(2, len(name)):
            assert not re.search(rf"(?<!\S){name[:cut]}(?!\S)", pdf), f"{name} broken as {name[:cut]}…"
