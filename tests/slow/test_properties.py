"""Property-based: random valid answers, for every legal form, load, check and build with no error other than the
tool's own, and every .docx written passes the package checks.

A slow CI step (`.ci/run`: ``timeout 1500 python3 -m pytest -q -m slow tests/slow/test_properties.py``); at least
500 examples a run (``PROPERTY_EXAMPLES`` raises it). Answers are drawn from the examples: for each legal form,
each example's free-text answers are replaced by random text (markup characters, any script, quotes, brackets),
optional answers are dropped, document forms and switches flipped and dates drawn, then written out as YAML.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from assembler.answers_file import load_answers
from assembler.assembly import build
from assembler.errors import AssemblerError
from assembler.library import Library, load_library
from assembler.model import DocumentForm, DocumentKind, LegalForm
from assembler.rules import check

from ..docx_reading import check_package, read

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((ROOT / "answers").glob("*.yaml"))
EXAMPLES_RUN = max(500, int(os.environ.get("PROPERTY_EXAMPLES", "500")))

OUTCOMES: dict[str, int] = {}
"""How the drawn answers sets ended (the test checks the spread)."""
BUILT_FORMS: set[str] = set()
NOTED: list[str] = []
"""Messages of errors other than findings and bad input (e.g. a clause that cannot render): printed at the end."""

_ID_LIKE = re.compile(r"^[a-z][a-z0-9_]*$")  # enum values and body ids: left alone (references must resolve)
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")  # amounts and shares (dumped as text): left alone


def _plain(path: Path) -> dict[str, Any]:
    data = load_answers(path).answers.model_dump(mode="json", exclude_unset=True)
    assert isinstance(data, dict)
    return data


BASES = {path.stem: _plain(path) for path in EXAMPLES}


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*path, index))]
    return [(path, value)]


def _count(data: Any) -> dict[str, int]:
    """How often each string occurs as a value or a key: a string that occurs twice is a reference."""
    counts: dict[str, int] = {}

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                counts[str(key)] = counts.get(str(key), 0) + 1
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            counts[value] = counts.get(value, 0) + 1

    walk(data)
    return counts


def _free_text(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    counts = _count(data)
    return [
        path
        for path, value in _leaves(data)
        if isinstance(value, str)
        and counts[value] == 1
        and not _ID_LIKE.match(value)
        and not _NUMBER.match(value)
        and path[-1] != "short_name"
    ]


def _shape(path: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple("*" if isinstance(part, int) else part for part in path)


def _optional(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Leaves that may be unknown (null): the same field (list positions aside) is null in some example."""
    nullable = {_shape(path) for base in BASES.values() for path, value in _leaves(base) if value is None}
    return [path for path, value in _leaves(data) if value is not None and _shape(path) in nullable]


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


_TEXT = (
    st.lists(
        st.one_of(
            st.characters(blacklist_categories=("Cs", "Cc")),  # control characters are refused on loading
            st.sampled_from(list("[]{}#*_<>&\"'%|~`\\—●£€-")),
            st.sampled_from(["[[", "]]", "{{", "}}", "{%", "##", "[●]", "ref:", "**", "\n", "  "]),
        ),
        min_size=1,
        max_size=20,
    )
    .map(lambda parts: "".join(parts)[:40].strip())
    .filter(bool)
)


@st.composite
def answers_data(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(sorted(BASES)))
    data = _deep_copy(BASES[name])
    form = draw(st.sampled_from([form.value for form in LegalForm])) if draw(st.integers(0, 2)) == 0 else None
    texts = _free_text(data)
    for path in draw(st.lists(st.sampled_from(texts), max_size=12, unique=True)) if texts else []:
        _set(data, path, draw(_TEXT))
    optional = _optional(data)
    for path in draw(st.lists(st.sampled_from(optional), max_size=6, unique=True)) if optional else []:
        _set(data, path, None)
    documents = data.setdefault("documents", {})
    for kind in DocumentKind:
        choice = documents.setdefault(kind.value, {})
        if draw(st.booleans()) and kind is not DocumentKind.MOU:  # an MoU is never a deed (rule R15)
            choice["form"] = draw(st.sampled_from([form.value for form in DocumentForm]))
        if draw(st.integers(0, 5)) == 0:
            choice["produce"] = False
    if draw(st.booleans()):
        date = draw(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
        data.setdefault("collaborative", {})["effective_date"] = date.isoformat()
    if form is not None:  # another legal form, and the answers the rules tie to it
        _fit_legal_form(data, form)
    if data["legal_form"] in (LegalForm.CJV, LegalForm.LEAD_PROVIDER):  # its board exists under the agreement (C8)
        data["documents"]["cjv"]["produce"] = True
    return data


def _fit_legal_form(data: dict[str, Any], form: str) -> None:
    """Change the legal form and the answers the governance rules tie to it, so that most such answers build."""
    data["legal_form"] = form
    parties = data.get("parties", [])
    if form == LegalForm.LEAD_PROVIDER and parties:
        roles = parties[0].setdefault("roles", [])
        if "lead_provider" not in roles:
            roles.append("lead_provider")
    if form in (LegalForm.COMMITTEES_IN_COMMON, LegalForm.MOU_ONLY):
        for body in data.get("bodies", []):
            body.setdefault("voting", {})["rule"] = "consensus"
            body["voting"].pop("weights", None)
            body["voting"].pop("threshold", None)
    if form == LegalForm.MOU_ONLY:
        data.pop("delegations", None)
    if form != LegalForm.CJV:  # only a contractual board may count voting members that are not NHS bodies
        nhs = {p.get("short_name") for p in parties if str(p.get("kind", "")).startswith("nhs_")}
        for body in data.get("bodies", []):
            for member in body.get("members", []):
                if member.get("party") not in nhs:
                    member["voting"] = False
                    if body.get("quorum"):  # a party without a vote cannot be needed for a quorum (R10)
                        body["quorum"]["each_party"] = False


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    return value


@functools.cache
def _library() -> Library:
    """Loaded once (not a fixture: hypothesis prints a failing example's arguments, and a library's repr is huge)."""
    return load_library()


@settings(
    max_examples=EXAMPLES_RUN,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(data=answers_data())
def _one_answers_set(data: dict[str, Any], work: Path) -> None:
    """One drawn answers set: loaded, checked and built; only the tool's own errors may stop it."""
    path = work / "answers.yaml"
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)  # each example builds a new pack
    try:
        loaded = load_answers(path)
        check(loaded.answers)
        result = build(path, out_dir=out, library=_library(), loaded=loaded)
    except AssemblerError as exc:
        OUTCOMES[type(exc).__name__] = OUTCOMES.get(type(exc).__name__, 0) + 1
        if type(exc).__name__ not in ("FindingsError", "InputError"):  # a library problem: worth a look
            NOTED.extend(exc.lines()[:2])
        if os.environ.get("PROPERTY_DEBUG"):
            print(type(exc).__name__, exc.lines()[:3])
        return  # the tool's own error: a message for the user, never a crash
    OUTCOMES["built"] = OUTCOMES.get("built", 0) + 1
    BUILT_FORMS.add(str(data["legal_form"]))
    for written in result.written:
        document = read(written)
        assert check_package(document) == [], written.name
        text = document.text()
        assert "{{" not in text or any("{{" in str(v) for _p, v in _leaves(data)), written.name
        assert docx.Document(str(written)).paragraphs


@pytest.mark.timeout(1200)  # the step's budget is the `timeout` in .ci/run; pytest's default of 120 s is for one test
def test_random_valid_answers_load_check_and_build(tmp_path: Path) -> None:
    """Every drawn answers set behaves; and they mostly build, in every legal form, or the test proves little.

    One test (hypothesis runs inside it), so the spread is checked in the process that drew the answers, whatever
    pytest-xdist does with tests."""
    OUTCOMES.clear()
    BUILT_FORMS.clear()
    _one_answers_set(work=tmp_path)
    total = sum(OUTCOMES.values())
    print(f"outcomes: {OUTCOMES}; legal forms built: {sorted(BUILT_FORMS)}")
    for line in NOTED[:20]:
        print(f"noted: {line}")
    assert total >= EXAMPLES_RUN, OUTCOMES
    assert OUTCOMES.get("built", 0) >= total // 2, OUTCOMES
    assert {form.value for form in LegalForm} == BUILT_FORMS, f"legal forms never built: {OUTCOMES}, {BUILT_FORMS}"
