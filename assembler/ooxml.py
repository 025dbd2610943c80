"""WordprocessingML elements placed where the Office schema wants them: the one place that knows child order.

Word rejects or repairs a part whose children are out of schema order (``w:numPr`` after ``w:ind`` in a
``w:pPr``, ``w:tblBorders`` after ``w:tblLayout``...), and LibreOffice never complains, so nothing the tool
builds appends children in call order: the numbering, review pack, redline and template script add every element
with ``add`` or ``get_or_add``, which insert it at its schema position among the children already there. (The
body writer, ``docx_writer._BodyWriter``, writes its elements as text in this order by construction; the tests
check what it writes against the schema too.)

The sequences below are copied from the Office 2019 schema (ECMA-376 with Word's 2010+ additions) for the
parents the tool writes into; ``tests/test_ooxml_structure.py`` checks them against the validator's copy.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from lxml.etree import SubElement

__all__ = ["NAMESPACES", "W", "add", "get_or_add", "qn", "wval", "xml_text"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = {
    "w": W,
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "sl": "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "xml": "http://www.w3.org/XML/1998/namespace",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}

_RPR = (
    *("w:ins", "w:del", "w:moveFrom", "w:moveTo", "w14:conflictIns", "w14:conflictDel"),
    *("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike"),
    *("w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden"),
    *("w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect"),
    *("w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout"),
    *("w:specVanish", "w14:glow", "w14:shadow", "w14:reflection", "w14:textOutline", "w14:textFill"),
    *("w14:scene3d", "w14:props3d", "w14:ligatures", "w14:numForm", "w14:numSpacing", "w14:stylisticSets"),
    *("w14:cntxtAlts", "w:oMath", "w:rPrChange"),
)
_SETTINGS = (
    *("w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime"),
    *("w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText"),
    *("w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts", "w:embedSystemFonts"),
    *("w:saveSubsetFonts", "w:saveFormsData", "w:mirrorMargins", "w:alignBordersAndEdges"),
    *("w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors"),
    *("w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign", "w:attachedTemplate"),
    *("w:linkStyles", "w:stylePaneFormatFilter", "w:stylePaneSortMethod", "w:documentType", "w:mailMerge"),
    *("w:revisionView", "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting", "w:documentProtection"),
    *("w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet", "w:defaultTabStop", "w:autoHyphenation"),
    *("w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps", "w:showEnvelope"),
    *("w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle", "w:evenAndOddHeaders"),
    *("w:bookFoldRevPrinting", "w:bookFoldPrinting", "w:bookFoldPrintingSheets"),
    *("w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing", "w:displayHorizontalDrawingGridEvery"),
    *("w:displayVerticalDrawingGridEvery", "w:doNotUseMarginsForDrawingGridOrigin"),
    *("w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin", "w:doNotShadeFormData"),
    *("w:noPunctuationKerning", "w:characterSpacingControl", "w:printTwoOnOne", "w:strictFirstAndLastChars"),
    *("w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture", "w:doNotValidateAgainstSchema"),
    *("w:saveInvalidXml", "w:ignoreMixedContent", "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml"),
    *("w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags"),
    *("w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr"),
    *("w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:uiCompat97To2003", "w:attachedSchema"),
    *("w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures"),
    *("w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "sl:schemaLibrary", "w:shapeDefaults"),
    *("w:decimalSymbol", "w:listSeparator", "w14:docId", "w14:discardImageEditingData", "w14:defaultImageDpi"),
    *("w14:conflictMode", "w15:chartTrackingRefBased", "w15:docId"),
)

# Child sequences by parent. For a paragraph, run, table, row or cell only the leading properties are listed:
# the content after them (runs, bookmarks, rows, cells, paragraphs) is free in order and goes at the end.
SEQUENCES: dict[str, tuple[str, ...]] = {
    "w:pPr": (
        *("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl"),
        *("w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku"),
        *("w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi"),
        *("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents"),
        *("w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap"),
        *("w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
    ),
    "w:rPr": _RPR,
    "w:numPr": ("w:ilvl", "w:numId", "w:numberingChange", "w:ins"),
    "w:pBdr": ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar"),
    "w:tblPr": (
        *("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblW", "w:jc", "w:tblCellSpacing"),
        *("w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"),
        *("w:tblDescription", "w:tblPrChange"),
    ),
    "w:tblBorders": ("w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end", "w:insideH", "w:insideV"),
    "w:trPr": (
        *("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:trHeight"),
        *("w:hidden", "w:cantSplit", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:ins", "w:del", "w:trPrChange"),
        *("w14:conflictIns", "w14:conflictDel"),
    ),
    "w:tcPr": (
        *("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap"),
        *("w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:cellIns", "w:cellDel"),
        *("w:cellMerge", "w:tcPrChange"),
    ),
    "w:p": ("w:pPr",),
    "w:r": ("w:rPr",),
    "w:tbl": ("w:tblPr", "w:tblGrid"),
    "w:tr": ("w:tblPrEx", "w:trPr"),
    "w:tc": ("w:tcPr",),
    "w:settings": _SETTINGS,
    "w:numbering": ("w:numPicBullet", "w:abstractNum", "w:num", "w:numIdMacAtCleanup"),
    "w:abstractNum": ("w:nsid", "w:multiLevelType", "w:tmpl", "w:name", "w:styleLink", "w:numStyleLink", "w:lvl"),
    "w:lvl": (
        *("w:start", "w:numFmt", "w:lvlRestart", "w:pStyle", "w:isLgl", "w:suff", "w:lvlText"),
        *("w:lvlPicBulletId", "w:legacy", "w:lvlJc", "w:pPr", "w:rPr"),
    ),
    "w:num": ("w:abstractNumId", "w:lvlOverride"),
    "w:lvlOverride": ("w:startOverride", "w:lvl"),
}


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters, lone surrogates)."""
    return _XML_UNSAFE.sub("", text)


@functools.cache
def qn(name: str) -> str:
    """``w:pPr`` as lxml spells it: ``{http://...wordprocessingml/2006/main}pPr``."""
    prefix, _, local = name.partition(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


_OPEN = {"w:p", "w:r", "w:tbl", "w:tr", "w:tc"}  # their sequences list only the leading properties


def _rank_table(parent: str) -> tuple[dict[str, int], int]:
    """Each child's place in ``parent``, and the place of children the sequence does not list (-1: none allowed)."""
    ranks: dict[str, int] = {}
    for index, name in enumerate(SEQUENCES[parent]):
        ranks.setdefault(qn(name), index)
    return ranks, len(ranks) if parent in _OPEN else -1


_RANKS = {qn(parent): _rank_table(parent) for parent in SEQUENCES}


def _settle(parent: Any, child: Any) -> Any:
    """Move ``child``, just appended to ``parent``, back before every sibling that the schema puts after it."""
    known = _RANKS.get(parent.tag)
    if known is None:  # a parent whose children are free in order (the body, a run's content...)
        return child
    ranks, unlisted = known
    rank = ranks.get(child.tag, unlisted)
    if rank < 0:
        parent.remove(child)
        raise ValueError(f"{child.tag} is not a child the schema allows in {parent.tag}")
    # Most elements are added in schema order already: look from the end, the usual place, first.
    after = len(ranks)  # where an unlisted sibling (a comment, a foreign element) counts as standing
    last = len(parent) - 1
    index = last
    while index and ranks.get(parent[index - 1].tag, after) > rank:
        index -= 1
    if index != last:
        parent.insert(index, child)
    return child


def wval(**attrs: str) -> dict[str, str]:
    """Attributes in the ``w:`` namespace, as lxml takes them: ``wval(val="1")`` is ``w:val="1"``."""
    return {qn("w:" + key): value for key, value in attrs.items()}


def add(parent: Any, name: str, /, text: str | None = None, **attrs: str) -> Any:
    """A new ``name`` child of ``parent`` (attributes in the ``w:`` namespace), placed in schema order.

    The element is made by the parent's own document, so python-docx's element classes apply to it."""
    # Made in place (a SubElement is made in the parent's document, not in one of its own that appending would
    # then merge: a third of the cost), then moved back among its siblings if the schema wants it earlier.
    child = SubElement(parent, qn(name), wval(**attrs) if attrs else None)
    if text is not None:
        child.text = text
    return _settle(parent, child)


def get_or_add(parent: Any, name: str, /, **attrs: str) -> Any:
    """The ``name`` child of ``parent``, added in schema order if missing; ``attrs`` are set on it either way."""
    child = parent.find(qn(name))
    if child is None:
        return add(parent, name, **attrs)
    for key, value in wval(**attrs).items():
        child.set(key, value)
    return child
