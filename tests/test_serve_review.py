"""Check your answers in the browser as the terminal's review: the check's fixes made from it, list items moved up
and down, and a complete uploaded answers file opened on it."""

from __future__ import annotations

import copy
import re
import shutil
from html import unescape
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from assembler.web.app import COOKIE

from .test_serve import SMALL, csrf, saved, served
from .test_serve_sessions import data_app, person

__all__ = ["data_app", "served"]

ROOT = Path(__file__).parent.parent
LOWER = "Lower the quorum of the Collaborative Board to 2?"
TIERS = ["Operational resolution", "Executive resolution", "Board resolution"]


def write(path: Path, data: Any) -> None:
    with path.open("w", encoding="utf-8") as out:
        YAML().dump(data, out)


def fix_forms(html: str) -> dict[str, str]:
    """Each "Fix this" form on the page: the fix it offers (as the page says it) and the key it posts."""
    found = re.findall(
        r'<form method="post" action="/fix">.*?name="fix" value="([^"]*)">\s*<p[^>]*>(.*?)</p>', html, re.S
    )
    return {unescape(question): unescape(key) for key, question in found}


def tier_names(path: Path) -> list[str]:
    return [t["name"] for t in saved(path)["disputes"]["tiers"]]


def test_a_problem_the_check_can_fix_is_listed_and_fixed_from_check_your_answers(served: Any) -> None:
    client, path, engine_of = served
    data = copy.deepcopy(SMALL)
    data["bodies"][0]["quorum"]["members"] = 9  # the board has 2 voting members
    write(path, data)
    review = client.get("/check-your-answers")
    shown = unescape(review.text)
    assert review.status_code == 200 and "Things to fix" in shown
    assert "The quorum of Collaborative Board is 9 but it has only 2 voting member(s)" in shown
    assert shown.index("Things to fix") < shown.index("<dl")  # above the answers
    forms = fix_forms(review.text)
    assert list(forms) == [LOWER] and f'Fix this<span class="nhsuk-u-visually-hidden">: {LOWER}' in shown
    # without the session's token nothing is offered
    assert client.post("/fix", data={"fix": forms[LOWER]}).status_code == 403
    assert client.post("/fix", data={"fix": forms[LOWER], "csrf": "0" * 64}).status_code == 403
    assert engine_of().page().kind == "review"
    # "Fix this" shows the fix as the next page ...
    offered = client.post("/fix", data={"fix": forms[LOWER], "csrf": csrf(review.text)}, follow_redirects=False)
    assert (offered.status_code, offered.headers["location"]) == (303, "/question")
    page = engine_of().page()
    assert (page.kind, page.title) == ("fix", LOWER)
    question = client.get("/question")
    assert LOWER in unescape(question.text) and 'value="yes"' in question.text
    # ... choosing it changes the answers file, and the review comes back without the problem
    made = client.post(
        "/question", data={"csrf": csrf(question.text), "page": _page(question.text), "answer": "yes"},
        follow_redirects=True,
    )  # fmt: skip
    assert saved(path)["bodies"][0]["quorum"]["members"] == 2
    assert made.url.path == "/check-your-answers"
    after = unescape(made.text)
    assert "Changed: " in after and "How many voting members make a quorum: 2" in after
    assert "Things to fix" not in after and fix_forms(made.text) == {}


def test_a_fix_no_longer_needed_changes_nothing(served: Any) -> None:
    client, path, _ = served
    write(path, SMALL)
    review = client.get("/check-your-answers")
    before = path.read_bytes()
    stale = 'R10:{"ask": null, "changes": [[["bodies", 0, "quorum", "members"], 2]]}'
    done = client.post("/fix", data={"fix": stale, "csrf": csrf(review.text)}, follow_redirects=True)
    assert done.url.path == "/check-your-answers" and "That fix is no longer needed" in done.text
    assert path.read_bytes() == before


def test_dispute_tiers_move_up_and_down_from_check_your_answers(served: Any) -> None:
    client, path, _ = served
    shutil.copy(ROOT / "answers" / "msecc.yaml", path)
    review = client.get("/check-your-answers")
    shown = unescape(review.text)
    assert tier_names(path) == TIERS
    # the first tier can only go down, the last only up
    assert 'Move up<span class="nhsuk-u-visually-hidden"> Operational resolution' not in shown
    assert 'Move down<span class="nhsuk-u-visually-hidden"> Operational resolution' in shown
    assert 'Move up<span class="nhsuk-u-visually-hidden"> Board resolution' in shown
    assert 'Move down<span class="nhsuk-u-visually-hidden"> Board resolution' not in shown
    token = csrf(review.text)
    moved = client.post("/move", data={"csrf": token, "to": "disputes.tiers.0", "by": "down"}, follow_redirects=True)
    assert moved.url.path == "/check-your-answers" and "Moved Operational resolution down." in moved.text
    assert tier_names(path) == [TIERS[1], TIERS[0], TIERS[2]]
    moved = client.post("/move", data={"csrf": token, "to": "disputes.tiers.2", "by": "up"}, follow_redirects=True)
    assert tier_names(path) == [TIERS[1], TIERS[2], TIERS[0]]
    assert "Moved Board resolution up." in moved.text
    assert "Moved" not in client.get("/check-your-answers").text  # said once


def test_a_move_that_is_forged_or_not_one_changes_nothing(served: Any) -> None:
    client, path, _ = served
    shutil.copy(ROOT / "answers" / "msecc.yaml", path)
    review = client.get("/check-your-answers")
    before = path.read_bytes()
    token = csrf(review.text)
    for form in (
        {"to": "disputes.tiers.0", "by": "down"},  # no token
        {"to": "disputes.tiers.0", "by": "down", "csrf": "0" * 64},  # another's token
    ):
        assert client.post("/move", data=form).status_code == 403
    for to, by in (
        ("disputes.tiers.0", "up"),  # already first
        ("disputes.tiers.2", "down"),  # already last
        ("disputes.tiers.7", "up"),  # no such tier
        ("../../etc", "down"),
        ("disputes.tiers.1", "sideways"),
        ("collaborative.name", "down"),  # not a list item
    ):
        done = client.post("/move", data={"csrf": token, "to": to, "by": by}, follow_redirects=True)
        assert done.status_code == 200 and "Moved" not in done.text, (to, by)
    assert path.read_bytes() == before


def test_a_complete_uploaded_answers_file_opens_on_check_your_answers(data_app: Any) -> None:
    app, data = data_app
    client, engine = person(app)
    token = csrf(client.get("/").text)
    unfinished = (ROOT / "tests" / "fixtures" / "interview" / "four_party.yaml").read_bytes()
    done = client.post("/upload", data={"csrf": token}, files={"answers": ("ecc.yaml", unfinished, "text/plain")})
    assert done.status_code == 200 and done.url.path == "/question"  # questions are left: they are asked
    assert engine().page().kind == "usual"
    text = (ROOT / "answers" / "msecc.yaml").read_bytes()
    done = client.post("/upload", data={"csrf": token}, files={"answers": ("msecc.yaml", text, "application/yaml")})
    assert done.status_code == 200 and done.url.path == "/check-your-answers"
    shown = unescape(done.text)
    assert "<h1>Check your answers</h1>" in shown and "Mid and South Essex" in shown
    assert "Check and build the documents" in shown and "complete enough to build" in shown
    assert engine().page().kind == "review"
    answers = data / client.cookies[COOKIE] / "answers.yaml"
    signed = [p for p in saved(answers)["parties"] if "signatory" in p]
    assert len(signed) == text.decode().count("signatory:")  # no standard choice filled in on the way


def _page(html: str) -> str:
    found = re.search(r'name="page" value="([0-9a-f]+)"', html)
    assert found
    return found.group(1)


def test_a_complete_answers_file_served_as_it_is_carries_on_at_check_your_answers(served: Any) -> None:
    client, path, engine_of = served
    shutil.copy(ROOT / "answers" / "msecc.yaml", path)  # written elsewhere: no interview has gone through it
    start = client.get("/")
    assert 'href="/check-your-answers" class="nhsuk-button"' in start.text and "Carry on" in start.text
    review = client.get("/check-your-answers")
    assert "Check and build the documents" in review.text
    client.post("/continue", data={"csrf": csrf(review.text)})  # on to the questions left: the next visit asks them
    assert engine_of().page().kind == "usual"
    assert 'href="/question" class="nhsuk-button"' in client.get("/").text
