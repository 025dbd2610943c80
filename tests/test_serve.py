"""The browser front end driven in-process over HTTP (Starlette's TestClient): the same engine, the same file."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Iterator
from html import unescape
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import pytest
from ruamel.yaml import YAML
from starlette.testclient import TestClient

from assembler.interview.engine import NO_MORE, Engine, Page
from assembler.web import Settings, create_app
from assembler.web.forms import fingerprint

from .interview_autopilot import Autopilot

FIXTURES = Path(__file__).parent / "fixtures" / "interview"
NAME = ("collaborative", "name")
SMALL = YAML(typ="safe").load((FIXTURES / "cjv_cic.yaml").read_text(encoding="utf-8"))


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def saved(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


class Browser:
    """A person at the browser: reads the page the server shows and answers it as the autopilot would."""

    def __init__(self, client: TestClient, engine_of: Any, target: Any) -> None:
        self.client = client
        self.engine_of = engine_of
        self.target = target
        self.pages = 0

    def page(self) -> Page:
        page: Page = self.engine_of().page()
        return page

    def form_for(self, page: Page, value: Any) -> dict[str, Any]:
        form: dict[str, Any] = {"page": fingerprint(page), "action": "continue"}
        if page.kind == "add" and value in ("", NO_MORE):
            form["action"] = "none"
            if page.input == "select":
                form["answer"] = str(next(i for i, c in enumerate(page.choices) if c.value == NO_MORE))
            return form
        if page.input == "confirm":
            form["answer"] = "yes" if value else "no"
        elif page.input == "select":
            names = {b["id"]: b["name"] for b in self.target.get("bodies", [])}  # a body is picked by its name
            form["answer"] = str(
                next(i for i, c in enumerate(page.choices) if c.value == value or c.label == names.get(value))
            )
        elif page.input == "checkbox":
            form["answers"] = [str(i) for i, c in enumerate(page.choices) if c.value in (value or [])]
        elif page.input == "mapping":
            for i, key in enumerate(page.keys):
                form[f"key-{i}"] = str((value or {}).get(key, ""))
        else:
            form["answer"] = value
        return form

    def answer(self, value: Any = None, *, typed: bool = False) -> Any:
        """Answer the page shown now (with ``value`` as typed, or as the autopilot would); the response."""
        shown = self.client.get("/question")
        page = self.page()
        assert unescape(page.title) in unescape(shown.text)
        if value is None and not typed:
            value = Autopilot(self.engine_of(), self.target).answer(page)
        form = self.form_for(page, value)
        form["csrf"] = csrf(shown.text)
        self.pages += 1
        return self.client.post("/question", data=form, follow_redirects=False)

    def reach(self, path: tuple[Any, ...]) -> None:
        while self.page().path != path:
            assert self.answer().status_code == 303

    def run(self, limit: int = 200) -> None:
        for _ in range(limit):
            if self.page().kind in ("review", "done"):
                return
            response = self.answer()
            assert response.status_code == 303, unescape(response.text)[-3000:]
        raise AssertionError("the interview did not end")


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[TestClient, Path, Any]]:
    path = tmp_path / "nscc.yaml"
    app = create_app(Settings(file=path, out=tmp_path / "out", workers=1))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield client, path, lambda: app.state.app.spaces.get("").engine()


def test_start_page_says_what_it_makes_how_long_and_what_to_have_ready(served: Any) -> None:
    client, _, _ = served
    page = client.get("/")
    assert page.status_code == 200
    text = unescape(page.text)
    for words in ("memorandum of understanding", "How long it takes", "What to have ready", "Start now"):
        assert words in text
    assert "nhsuk-frontend" in page.text and client.get("/static/nhsuk-frontend-10.6.1.min.css").status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_a_whole_interview_over_http_then_change_build_and_download(served: Any, tmp_path: Path) -> None:
    client, path, engine_of = served
    browser = Browser(client, engine_of, SMALL)
    browser.run()
    assert browser.pages < 120
    review = client.get("/check-your-answers")
    assert review.status_code == 200 and "Check your answers" in review.text
    assert saved(path)["collaborative"]["short_name"] == "NSCC"

    # a change from check your answers: the question comes back with its answer, then the review
    link = re.search(r'href="/change\?to=(collaborative\.purpose)"', review.text)
    assert link
    changed = client.get(f"/change?to={link.group(1)}")
    assert "What is the collaborative for?" in unescape(changed.text)
    assert "to join up community services" in changed.text
    response = browser.answer("to join up community and mental health services", typed=True)
    assert response.headers["location"] == "/question"
    assert client.get("/question", follow_redirects=False).headers["location"] == "/check-your-answers"
    assert saved(path)["collaborative"]["purpose"] == "to join up community and mental health services"

    built = client.post("/build", data={"csrf": csrf(client.get("/check-your-answers").text)}, follow_redirects=True)
    assert built.status_code == 200, unescape(built.text)[-2000:]
    assert "Your documents" in built.text and "gap" in built.text
    names = re.findall(r'href="/download/([^"]+\.docx)"', built.text)
    assert len(names) >= 3
    one = client.get(f"/download/{names[0]}")
    assert one.status_code == 200
    text = "\n".join(p.text for p in docx.Document(BytesIO(one.content)).paragraphs)
    assert "North Shore Community Collaborative" in text or "NSCC" in text
    archive = zipfile.ZipFile(BytesIO(client.get("/documents.zip").content))
    assert sorted(archive.namelist()) == sorted(set(re.findall(r'href="/download/([^"]+)"', built.text)))
    assert client.get("/download/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/download/nscc.yaml").status_code == 404


def test_back_goes_to_the_previous_question_with_its_answer(served: Any) -> None:
    client, _, engine_of = served
    browser = Browser(client, engine_of, SMALL)
    browser.reach(NAME)
    first = browser.page().title
    browser.answer()
    second = browser.page().title
    assert second != first
    back = client.post("/back", data={"csrf": csrf(client.get("/question").text)}, follow_redirects=True)
    assert unescape(first) in unescape(back.text)
    assert 'value="North Shore Community Collaborative"' in back.text


def test_a_form_without_the_right_token_changes_nothing(served: Any) -> None:
    client, path, engine_of = served
    Browser(client, engine_of, SMALL).answer()
    before = path.read_bytes()
    page = engine_of().page()
    for token in (None, "0" * 64):
        data = {"answer": "Hijacked", "page": fingerprint(page)} | ({"csrf": token} if token else {})
        refused = client.post("/question", data=data)
        assert refused.status_code == 403 and "expired" in refused.text
    assert client.post("/build", data={}).status_code == 403
    assert path.read_bytes() == before


def test_a_wrong_answer_gets_an_error_summary_and_an_inline_error(served: Any) -> None:
    client, path, engine_of = served
    browser = Browser(client, engine_of, SMALL)
    browser.reach(NAME)
    response = browser.answer("x" * 5000, typed=True)  # the collaborative's name: at most 150 characters
    assert response.status_code == 422
    assert "There is a problem" in response.text and "nhsuk-error-message" in response.text
    assert 'href="#answer"' in response.text
    assert "name" not in saved(path).get("collaborative", {})


def test_hostile_answers_are_stored_and_shown_as_text(served: Any) -> None:
    client, path, engine_of = served
    browser = Browser(client, engine_of, SMALL)
    browser.reach(NAME)
    hostile = "<script>alert(1)</script> {{ 7*7 }} ../../etc/passwd"
    assert browser.answer(hostile, typed=True).status_code == 303
    assert saved(path)["collaborative"]["name"] == hostile
    client.post("/back", data={"csrf": csrf(client.get("/question").text)})
    shown = client.get("/question").text
    assert "<script>alert(1)</script>" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in shown
    review = client.get("/check-your-answers").text
    assert "<script>" not in review and "&lt;script&gt;" in review


def test_the_engine_resumes_a_file_the_browser_wrote_and_the_browser_one_the_engine_wrote(served: Any) -> None:
    client, path, engine_of = served
    browser = Browser(client, engine_of, SMALL)
    for _ in range(5):
        browser.answer()
    # the terminal's engine (a separate process in life) picks up where the browser left off, and answers two more
    terminal = Autopilot(Engine.open(path), SMALL)
    assert terminal.engine.page().title == engine_of().page().title
    terminal.step()
    terminal.step()
    expected = terminal.engine.page().title
    shown = client.get("/question")
    assert unescape(expected) in unescape(shown.text)
    browser.run()
    assert engine_of().finish().collaborative.short_name == "NSCC"


def test_a_party_is_removed_from_check_your_answers(served: Any) -> None:
    client, path, engine_of = served
    Browser(client, engine_of, SMALL).run()
    review = client.get("/check-your-answers").text
    assert 'name="to" value="parties.1"' in review
    client.post("/remove", data={"csrf": csrf(review), "to": "parties.1"})
    assert [p["short_name"] for p in saved(path)["parties"]] == ["NSFT"]
    assert client.post("/remove", data={"csrf": csrf(review), "to": "../x"}).status_code == 200


def test_glossary(served: Any) -> None:
    client, _, _ = served
    page = client.get("/glossary")
    assert "Quorum" in page.text and "Committees in common" in page.text


def test_every_ticked_box_is_taken_not_only_the_last() -> None:
    from starlette.datastructures import FormData

    from assembler.interview.engine import Choice
    from assembler.web.forms import answer_from_form

    choices = tuple(Choice(f"option {i}", f"v{i}") for i in range(14))
    page = Page("question", "checkbox", "Which?", choices=choices)
    form = FormData([("answers", "0"), ("answers", "12"), ("answers", "²"), ("answers", "99")])
    assert answer_from_form(page, form) == ["v0", "v12"]


def test_file_mode_answers_only_to_this_machines_own_names(tmp_path: Path) -> None:
    """DNS rebinding: a page elsewhere whose name points at 127.0.0.1 cannot reach the FILE through the browser."""
    app = create_app(Settings(file=tmp_path / "a.yaml", port=8123, workers=1))
    for host in ("127.0.0.1:8123", "localhost:8123", "[::1]:8123", "LOCALHOST:8123"):
        with TestClient(app, base_url=f"http://{host}") as client:
            assert client.get("/").status_code == 200, host
    for host in ("evil.example:8123", "127.0.0.1:9999", "localhost", "127.0.0.1.evil.example:8123"):
        with TestClient(app, base_url=f"http://{host}") as client:
            refused = client.get("/question")
            assert refused.status_code == 421 and "127.0.0.1" in refused.text, host
            assert client.post("/question", data={"answer": "x"}).status_code == 421
    assert not (tmp_path / "a.yaml").exists()
    # --host chosen by the person running it, or --data: no check (the sessions are isolated anyway)
    assert Settings(file=tmp_path / "a.yaml", host="0.0.0.0").allowed_hosts() is None
    assert Settings(data=tmp_path / "d").allowed_hosts() is None


def test_an_older_answers_format_is_said_in_the_browser(tmp_path: Path) -> None:
    target = tmp_path / "old.yaml"
    shutil.copy(Path(__file__).parent / "fixtures" / "migrate" / "format1.yaml", target)
    app = create_app(Settings(file=target, workers=1))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        text = unescape(client.get("/question").text)
        assert "answers format 1 read as format 2" in text and "your next answer saves it in the new format" in text
        assert "answers format 1" not in unescape(client.get("/question").text)  # said once
