"""The OOXML the tool writes, construct by construct: children in schema order (styles' and paragraphs' pPr,
rPr, tblPr, settings, numbering), style references by id, every w:shd with its w:val, custom properties that
survive any characters, list numbers that fit their indents. The slow step (tests/slow/test_ooxml_valid.py)
runs the whole validator; these say which construct broke, in the fast run."""

from __future__ import annotations

import io
import json
import re
import zipfile
from functools import cache
from importlib import resources
from pathlib import Path

import pytest
from lxml import etree

from assembler import ooxml
from assembler.assembly import build
from assembler.library import load_library
from assembler.package import normalise_package
from assembler.review import write_review_pack

ROOT = Path(__file__).resolve().parent.parent
HOUSE = ROOT / "templates" / "house.docx"
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
PREFIXES = {
    "w": W,
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "sl": "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# -- the Office 2019 schema, as the validator (openxml-audit, a test dependency) holds it


@cache
def _schema_types() -> dict[str, dict[str, object]]:
    data = resources.files("openxml_audit").joinpath(
        "data/openxml/schemas/schemas_openxmlformats_org_wordprocessingml_2006_main.json"
    )
    return {t["Name"]: t for t in json.loads(data.read_text(encoding="utf-8"))["Types"]}


def _names(particle: dict[str, object]) -> list[str]:
    if "Name" in particle and "Kind" not in particle:
        return [str(particle["Name"]).split("/")[1]]
    items = particle.get("Items", [])
    assert isinstance(items, list)
    return [name for item in items for name in _names(item)]


@cache
def schema_sequence(type_name: str) -> tuple[str, ...]:
    """The child elements of a schema type (``w:CT_PPr/w:pPr``) in the order the schema wants them."""
    particle = _schema_types()[type_name]["Particle"]
    assert isinstance(particle, dict)
    return tuple(dict.fromkeys(_names(particle)))


def _clark(name: str) -> str:
    prefix, _, local = name.partition(":")
    return f"{{{PREFIXES[prefix]}}}{local}"


# The parents whose children we check, with the schema type that orders them. A style's pPr and rPr and a
# paragraph mark's rPr are subsequences of these, so one order serves each tag.
ORDERED = {
    "pPr": "w:CT_PPr/w:pPr",
    "rPr": "w:CT_ParaRPr/w:rPr",
    "numPr": "w:CT_NumPr/w:numPr",
    "pBdr": "w:CT_PBdr/w:pBdr",
    "tblPr": "w:CT_TblPr/w:tblPr",
    "tblBorders": "w:CT_TblBorders/w:tblBorders",
    "trPr": "w:CT_TrPr/w:trPr",
    "tcPr": "w:CT_TcPr/w:tcPr",
    "style": "w:CT_Style/w:style",
    "settings": "w:CT_Settings/w:settings",
    "numbering": "w:CT_Numbering/w:numbering",
    "abstractNum": "w:CT_AbstractNum/w:abstractNum",
    "lvl": "w:CT_Lvl/w:lvl",
    "num": "w:CT_Num/w:num",
    "lvlOverride": "w:CT_NumLvl/w:lvlOverride",
}


def out_of_order(root: etree._Element, parent: str) -> list[str]:
    """Every ``parent`` element under ``root`` whose children break the schema's order, with its children."""
    ranks = {_clark(name): index for index, name in enumerate(schema_sequence(ORDERED[parent]))}
    problems = []
    for element in root.iter(w(parent)):
        children = [c for c in element if isinstance(c.tag, str)]
        order = [ranks.get(c.tag, -1) for c in children]
        if -1 in order or order != sorted(order):
            owner = element.getparent()
            where = owner.get(w("styleId")) if owner is not None and owner.get(w("styleId")) else ""
            names = [etree.QName(c).localname for c in children]
            problems.append(f"{parent} {where}: {' '.join(names)}".replace("  ", " "))
    return problems


# -- what the tool writes


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """Every document of every example (and the house template and the clause library's review pack), as their
    parts by name."""
    out: dict[str, dict[str, bytes]] = {"house.docx": _parts(HOUSE)}
    pack = tmp_path_factory.mktemp("review") / "review-pack.docx"
    pack.write_bytes(write_review_pack(load_library(), HOUSE))
    out["review-pack.docx"] = _parts(pack)
    for answers in EXAMPLES:
        result = build(answers, out_dir=tmp_path_factory.mktemp(answers.stem))
        for path in [*result.written, *result.papers]:  # the board papers are written by the same writer
            out[f"{answers.stem}/{path.name}"] = _parts(path)
    return out


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _xml(parts: dict[str, bytes], name: str) -> etree._Element:
    return etree.fromstring(parts[name])


def test_every_style_in_the_house_template_has_its_properties_in_schema_order() -> None:
    styles = _xml(_parts(HOUSE), "word/styles.xml")
    problems = [p for parent in ("style", "pPr", "rPr", "numPr", "pBdr") for p in out_of_order(styles, parent)]
    assert problems == []
    drafting_note = styles.find("w:style[@w:styleId='DraftingNote']/w:pPr", NS)
    assert drafting_note is not None and drafting_note.find("w:pBdr", NS) is not None


def test_written_documents_have_styles_paragraphs_runs_and_tables_in_schema_order(
    built: dict[str, dict[str, bytes]],
) -> None:
    problems = []
    for name, parts in built.items():
        for part in ("word/styles.xml", "word/document.xml"):
            root = _xml(parts, part)
            for parent in ("style", "pPr", "rPr", "numPr", "pBdr", "tblPr", "tblBorders", "trPr", "tcPr"):
                problems += [f"{name} {part}: {p}" for p in out_of_order(root, parent)]
    assert problems == []
    tables = [t for parts in built.values() for t in _xml(parts, "word/document.xml").iter(w("tblPr"))]
    assert any(t.find("w:tblBorders", NS) is not None for t in tables), "no table with borders was checked"


def test_settings_are_in_schema_order_and_ask_nothing_on_opening(built: dict[str, dict[str, bytes]]) -> None:
    for name, parts in built.items():
        settings = _xml(parts, "word/settings.xml")
        assert out_of_order(settings, "settings") == [], name
        # w:updateFields makes Word ask, on opening, whether to update the fields: the writer writes their results
        assert settings.find("w:updateFields", NS) is None, name


def test_numbering_definitions_are_in_schema_order(built: dict[str, dict[str, bytes]]) -> None:
    for name, parts in built.items():
        numbering = _xml(parts, "word/numbering.xml")
        for parent in ("numbering", "abstractNum", "lvl", "num", "lvlOverride", "pPr", "rPr"):
            assert out_of_order(numbering, parent) == [], name


def test_paragraphs_runs_and_tables_name_styles_that_exist_by_id(built: dict[str, dict[str, bytes]]) -> None:
    kinds = {"pStyle": "paragraph", "rStyle": "character", "tblStyle": "table"}
    for name, parts in built.items():
        styles = _xml(parts, "word/styles.xml")
        ids = {(s.get(w("type")), s.get(w("styleId"))) for s in styles.iter(w("style"))}
        for part in (n for n in parts if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)):
            for tag, kind in kinds.items():
                for ref in _xml(parts, part).iter(w(tag)):
                    assert (kind, ref.get(w("val"))) in ids, f"{name} {part}: {tag} {ref.get(w('val'))!r}"
    agreement = next(parts for name, parts in built.items() if name.endswith("msecc-collaboration-agreement.docx"))
    contents = _xml(agreement, "word/document.xml").findall(".//w:pPr/w:pStyle[@w:val='TOC1']", NS)
    assert len(contents) >= 12, "the contents entries use the TOC1 style"


def test_every_shading_has_its_required_pattern(built: dict[str, dict[str, bytes]]) -> None:
    for name, parts in built.items():
        for part, data in parts.items():
            if part.endswith(".xml"):
                for shd in etree.fromstring(data).iter(w("shd")):
                    assert shd.get(w("val")), f"{name} {part}: w:shd without w:val"
                    assert re.fullmatch(r"auto|[0-9A-F]{6}", shd.get(w("fill"), "auto")), f"{name} {part}"


def test_the_cover_marks_an_unknown_date_with_the_placeholder_style(built: dict[str, dict[str, bytes]]) -> None:
    document = _xml(built["msecc/msecc-collaboration-agreement.docx"], "word/document.xml")
    runs = [r for r in document.iter(w("r")) if r.findtext("w:t", namespaces=NS) == "[●]"]
    assert any(r.find("w:rPr/w:rStyle[@w:val='Placeholder']", NS) is not None for r in runs)


def test_custom_properties_keep_every_character_of_names_and_values() -> None:
    properties = {
        'name "quoted" & <angled>': "value with\ttab, line\nbreak, carriage\r\nreturn & <markup> \"quotes\" 'too'",
        "line\nbreak\tin a name": "plain",
        "assembler.answers_file": "ünïcødé — “curly” ● 😀",
    }
    source = {
        "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
    }
    with zipfile.ZipFile(io.BytesIO(normalise_package(source, properties))) as archive:
        custom = etree.fromstring(archive.read("docProps/custom.xml"))
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    assert custom.tag == f"{{{ns}}}Properties"
    read_back = {p.get("name"): p.findtext(f"{{{vt}}}lpwstr") for p in custom.iter(f"{{{ns}}}property")}
    assert read_back == properties
    assert [p.get("pid") for p in custom] == ["2", "3", "4"]


# -- list numbers fit in the space their level leaves them

# Advance widths (em) of the characters list numbers use, in DejaVu Sans: wider than Arial, and what LibreOffice
# lays out with where Arial is missing (CI). Letters not listed count as the widest capital.
_WIDTHS = {
    False: {**dict.fromkeys("0123456789", 0.636), ".": 0.318, "(": 0.39, ")": 0.39, "i": 0.278, "v": 0.592, "x": 0.592},
    True: {**dict.fromkeys("0123456789", 0.696), ".": 0.38, "(": 0.457, ")": 0.457, "i": 0.343, "v": 0.652, "x": 0.645},
}
_WIDEST_LETTER = {False: 0.989, True: 1.103}
_MIN_GAP = 72  # twentieths of a point: a space's width, so the number never runs into the text
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


def _candidates(fmt: str) -> list[str]:
    """Every number a level may show, up to 99 for decimals and 26 for letters and roman numerals."""
    if fmt == "decimal":
        return [str(n) for n in range(99, 0, -1)]  # the widest first, so failures name 99
    if fmt in ("lowerLetter", "upperLetter"):
        return ["W"]  # one letter, counted as the widest
    roman = [("x" * (n // 10)) + _ROMAN[n % 10 - 1] if n % 10 else "x" * (n // 10) for n in range(1, 27)]
    return roman


def _width(text: str, bold: bool, size_half_points: int) -> float:
    em = sum(_WIDTHS[bold].get(ch, _WIDEST_LETTER[bold]) for ch in text)
    return em * size_half_points * 10  # em × points × 20 twentieths


def test_every_list_number_up_to_99_99_99_fits_before_its_text() -> None:
    parts = _parts(HOUSE)
    styles, numbering = _xml(parts, "word/styles.xml"), _xml(parts, "word/numbering.xml")
    size = styles.find("w:style[@w:styleId='Normal']/w:rPr/w:sz", NS)
    half_points = int(size.get(w("val"))) if size is not None else 22
    checked = []
    for abstract in numbering.iter(w("abstractNum")):
        formats = {int(v.get(w("ilvl"))): v.find("w:numFmt", NS).get(w("val")) for v in abstract.iter(w("lvl"))}
        for lvl in abstract.iter(w("lvl")):
            text = lvl.find("w:lvlText", NS).get(w("val"))
            if not text or lvl.find("w:pStyle", NS) is None:
                continue  # levels no style uses
            bold = lvl.find("w:rPr/w:b", NS) is not None and lvl.find("w:rPr/w:b", NS).get(w("val")) in ("1", None)
            widest = text
            for level, fmt in formats.items():
                widest = widest.replace(f"%{level + 1}", max(_candidates(fmt), key=lambda s: _width(s, bold, 22)))
            hanging = int(lvl.find("w:pPr/w:ind", NS).get(w("hanging")))
            width = _width(widest, bold, half_points)
            style = lvl.find("w:pStyle", NS).get(w("val"))
            checked.append(style)
            assert width + _MIN_GAP <= hanging, f"{style}: {widest!r} is {width:.0f} wide; it hangs {hanging}"
    assert {"Clause1", "Clause2", "Clause3", "Clause4", "Clause5", "PartyItem", "Recital"} <= set(checked)


# -- the one module that places elements


def test_the_writers_order_tables_agree_with_the_office_schema() -> None:
    types = {
        **{f"w:{tag}": ORDERED[tag] for tag in ORDERED},
        "w:p": "w:CT_P/w:p",
        "w:r": "w:CT_R/w:r",
        "w:tbl": "w:CT_Tbl/w:tbl",
        "w:tr": "w:CT_Row/w:tr",
        "w:tc": "w:CT_Tc/w:tc",
    }
    for parent, sequence in ooxml.SEQUENCES.items():
        schema = schema_sequence(types[parent])
        if parent in ("w:p", "w:r", "w:tbl", "w:tr", "w:tc"):  # only the leading properties are listed
            schema = tuple(name for name in schema if name in sequence)
        assert sequence == schema, parent


def test_add_puts_a_child_in_its_schema_position_whatever_the_call_order() -> None:
    ppr = etree.Element(w("pPr"))
    ooxml.add(ppr, "w:ind", left="720")
    ooxml.add(ppr, "w:spacing", after="120")
    ooxml.add(ppr, "w:numPr")
    ooxml.add(ppr, "w:pStyle", val="Clause1")
    ooxml.get_or_add(ppr, "w:outlineLvl", val="0")
    ooxml.get_or_add(ppr, "w:ind", hanging="720")
    assert [etree.QName(c).localname for c in ppr] == ["pStyle", "numPr", "spacing", "ind", "outlineLvl"]
    assert ppr.find("w:ind", NS).attrib == {w("left"): "720", w("hanging"): "720"}
    p = etree.Element(w("p"))
    ooxml.add(p, "w:r")
    ooxml.add(p, "w:pPr")
    assert [etree.QName(c).localname for c in p] == ["pPr", "r"]
    with pytest.raises(ValueError, match="not a child"):
        ooxml.add(ppr, "w:tblBorders")


# -- the body writer's text


TRICKY = [
    "plain",
    "",
    "A & B < C > D \"quoted\" 'single'",
    "tab\there, line\nbreak, return\r, ]]> end",
    "control \x00\x01\x08\x0b\x0c\x1f dropped, \x85 and \u2028 kept",
    "lone \ud800 surrogate, \ufffe\uffff non-characters, \U0001f600 and é kept",
]


@pytest.mark.parametrize("value", TRICKY)
def test_the_body_writer_escapes_text_and_attributes_as_lxml_writes_them(value: str) -> None:
    """The writer's body goes into document.xml as text, never through lxml: it must read byte for byte as lxml
    would have written the same element (the outputs are byte-identical across versions)."""
    from assembler.docx_writer import _attribute, _text

    element = etree.Element(w("t"), nsmap={"w": W})
    element.text = ooxml.xml_text(value)
    element.set("descr", ooxml.xml_text(value))
    written = etree.tostring(element, encoding="unicode")
    assert written == f'<w:t xmlns:w="{W}" descr="{_attribute(value)}">{_text(value)}</w:t>'
