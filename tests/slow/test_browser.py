"""Slow step: ``assembler serve`` in a real browser (Debian's Chromium driven by Playwright for Python).

A whole four-party interview (answers typed, back links, an error, a party removed, one answer changed from "check
your answers"), built and downloaded, the .docx read back with python-docx; the whole interview without JavaScript;
a keyboard-only pass through every page type; CSRF refusal and session isolation; hostile input shown as text; a file
written by the browser resumed by the terminal interview's engine and the other way round; axe-core on every page
type (no serious or critical violation). Screenshots are saved as artefacts in the folder the tests print
(``BROWSER_ARTEFACTS``, default ``out/browser-artefacts``).

Playwright cannot download a browser here, so it launches Debian's ``chromium`` (``CHROMIUM`` overrides the
binary). Without Chromium or Playwright the tests are skipped, except under ``CI=1``, where that is a failure.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from ruamel.yaml import YAML

from assembler.interview.engine import NO_MORE, Choice, Engine, Page, Position
from tests.interview_autopilot import NATURAL_ANSWERS, Autopilot

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "interview"
FOUR = YAML(typ="safe").load((FIXTURES / "four_party.yaml").read_text(encoding="utf-8"))
SMALL = YAML(typ="safe").load((FIXTURES / "cjv_cic.yaml").read_text(encoding="utf-8"))
AXE = Path(__file__).parent / "axe" / "axe.min.js"
ARTEFACTS = Path(os.environ.get("BROWSER_ARTEFACTS") or ROOT / "out" / "browser-artefacts").resolve()
EXTRA = {"short_name": "XTR", "name": "Extra Community NHS Trust", "kind": "nhs_trust"}
TYPED = NATURAL_ANSWERS
HOSTILE = "<img src=x onerror=alert(1)><b>bold</b> {{ 7*7 }} ../../etc/passwd"


def chromium() -> str:
    """The Chromium binary, or skip (fail under CI)."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -e '.[test]')")
    binary = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        missing.append("chromium (apt-get install chromium)")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {' and '.join(missing)}")
        pytest.skip(f"{', '.join(missing)} not installed")
    assert binary is not None
    return binary


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    binary = chromium()
    from playwright.sync_api import sync_playwright

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser artefacts (screenshots): {ARTEFACTS}")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=binary)
        yield launched
        launched.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """``assembler serve`` in its own process, as a person starts it."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "ASSEMBLER_STATE": str(cwd / "state")}
        self.log = cwd / f"serve-{self.port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "assembler", "serve", *args, "--port", str(self.port)],
                cwd=cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                assert self.process.poll() is None, self.log.read_text(encoding="utf-8")
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


@pytest.fixture()
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(*args: str) -> Server:
        servers.append(Server(*args, cwd=tmp_path))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


# ------------------------------------------------------------------------------------------------ the person


def shadow(answers: Path) -> Engine:
    """The terminal interview's engine over a copy of the file the browser writes (the copy keeps the browser's
    file untouched): it says which question the browser must be showing now."""
    folder = Path(tempfile.mkdtemp(prefix="shadow-"))
    copy_ = folder / answers.name
    shutil.copy2(answers, copy_)
    if Position.file_for(answers).exists():
        shutil.copy2(Position.file_for(answers), Position.file_for(copy_))
    return Engine.open(copy_)


def choice_index(page: Page, value: Any, target: Any) -> int:
    names = {b["id"]: b["name"] for b in target.get("bodies", []) if "id" in b}
    names.update({b.get("id", ""): b["name"] for b in target.get("bodies", [])})
    return next(i for i, c in enumerate(page.choices) if c.value == value or c.label == names.get(value))


class Person:
    """Someone at the browser answering each page as the autopilot would, with the mouse (Playwright's clicks and
    fills) or with the keyboard alone."""

    def __init__(self, tab: Any, answers: Path, target: Any, *, keyboard: bool = False) -> None:
        self.tab = tab
        self.answers = answers
        self.target = target
        self.keyboard = keyboard
        self.overrides: dict[tuple[Any, ...], Any] = {}
        self.pages = 0
        self.declined: list[str] = []  # the fixes offered and left

    def expected(self) -> Page:
        page: Page = shadow(self.answers).page()
        return page

    def heading(self) -> str:
        return " ".join(str(self.tab.locator("h1").inner_text()).split())

    def check_shown(self, page: Page) -> None:
        title = " ".join(page.title.split())
        assert title in self.heading(), (title, self.heading())

    def value_for(self, page: Page) -> Any:
        if page.path in self.overrides:
            return self.overrides.pop(page.path)
        pilot = Autopilot(shadow(self.answers), self.target)
        return pilot.answer(page)

    # -- mouse

    def fill(self, page: Page, value: Any) -> str:
        """Fill the form for ``value``; the button to press."""
        tab = self.tab
        if page.kind == "add" and value in ("", NO_MORE):
            if page.input != "select":
                return "No more to add"
            tab.locator(f"#answer-{choice_index(page, NO_MORE, self.target)}").check()
            return "Save and continue"
        if page.input in ("text", "list"):
            tab.locator("#answer").fill(str(value))
        elif page.input == "confirm":
            tab.get_by_label("Yes" if value else "No", exact=True).check()
        elif page.input == "select":
            tab.locator(f"#answer-{choice_index(page, value, self.target)}").check()
        elif page.input == "checkbox":
            for i, c in enumerate(page.choices):
                tab.locator(f"#answer-{i}").set_checked(c.value in (value or []))
        elif page.input == "mapping":
            for i, key in enumerate(page.keys):
                tab.locator(f"#key-{i}").fill(str((value or {}).get(key, "")))
        return "Save and continue"

    def press(self, button: str) -> None:
        if self.keyboard:
            self.tab_to(lambda el: el["tag"] == "BUTTON" and el["text"] == button)
            with self.tab.expect_navigation():
                self.tab.keyboard.press("Enter")
        else:
            with self.tab.expect_navigation():
                self.tab.get_by_role("button", name=button, exact=True).click()

    def answer(self, value: Any = None, *, typed: bool = False) -> Page:
        page = self.expected()
        self.check_shown(page)
        if value is None and not typed:
            value = self.value_for(page)
        button = self.type_in(page, value) if self.keyboard else self.fill(page, value)
        self.press(button)
        self.pages += 1
        if self.heading().startswith("Is that ") and "calendar days" in self.heading():
            # a follow-up the engine keeps in memory (which days were meant): working days
            clarify = Page("clarify", "select", self.heading(), choices=(Choice("working", 0),))
            button = self.type_in(clarify, 0) if self.keyboard else self.fill(clarify, 0)
            self.press(button)
        leave = self.tab.get_by_label("No, leave it as it is", exact=True)
        if leave.count():
            # a fix the rules offer at once (the engine keeps it in memory): this person leaves the answer as it is
            n = self.tab.locator('input[name="answer"]').count()
            fix = Page("fix", "select", self.heading(), choices=tuple(Choice(str(i), i) for i in range(n)))
            button = self.type_in(fix, n - 1) if self.keyboard else self.fill(fix, n - 1)
            self.press(button)
            self.declined.append(fix.title)
        if self.tab.locator(".nhsuk-error-summary").count() and not typed:
            # a warning the rules raise about a draft is shown once; the same answer again keeps it
            button = self.type_in(page, value) if self.keyboard else self.fill(page, value)
            self.press(button)
        return page

    def back(self) -> None:
        if self.keyboard:
            self.tab_to(lambda el: el["tag"] == "BUTTON" and el["text"] == "Back")
            with self.tab.expect_navigation():
                self.tab.keyboard.press("Enter")
        else:
            with self.tab.expect_navigation():
                self.tab.get_by_role("button", name="Back", exact=True).click()

    def run(self, *, until: Callable[[Page], bool] | None = None, limit: int = 200) -> None:
        for _ in range(limit):
            page = self.expected()
            if page.kind in ("review", "done") or (until is not None and until(page)):
                return
            self.answer()
        raise AssertionError("the interview did not end")

    # -- keyboard

    def focused(self) -> dict[str, str]:
        found = self.tab.locator(":focus")
        if not found.count():
            return {"tag": "", "id": "", "text": "", "href": "", "type": ""}
        info: dict[str, str] = found.evaluate(
            "e => ({tag: e.tagName, id: e.id || '', text: (e.innerText || '').trim(), "
            "href: e.getAttribute('href') || '', type: e.getAttribute('type') || ''})"
        )
        return info

    def tab_to(self, wanted: Callable[[dict[str, str]], bool], limit: int = 400) -> dict[str, str]:
        """Press Tab until the focused element is the one wanted (it must be reachable by keyboard)."""
        for _ in range(limit):
            self.tab.keyboard.press("Tab")
            here = self.focused()
            if wanted(here):
                return here
        raise AssertionError("not reachable with the Tab key")

    def type_in(self, page: Page, value: Any) -> str:
        """Answer with the keyboard alone; the button to press."""
        kb = self.tab.keyboard
        if page.kind == "add" and value in ("", NO_MORE) and page.input != "select":
            return "No more to add"
        if page.kind == "add" and value in ("", NO_MORE):
            value = NO_MORE
        if page.input in ("text", "list"):
            self.tab_to(lambda el: el["id"] == "answer")
            kb.press("Control+A")
            kb.press("Delete")
            kb.type(str(value))
        elif page.input == "mapping":
            for i, key in enumerate(page.keys):
                self.tab_to(lambda el, i=i: el["id"] == f"key-{i}")
                kb.press("Control+A")
                kb.press("Delete")
                kb.type(str((value or {}).get(key, "")))
        elif page.input in ("select", "confirm"):
            index = (0 if value else 1) if page.input == "confirm" else choice_index(page, value, self.target)
            here = self.tab_to(lambda el: el["id"].startswith("answer-"))
            at = int(here["id"].split("-")[1])
            if at == index:
                kb.press("Space")
            while at != index:
                kb.press("ArrowDown" if at < index else "ArrowUp")
                at += 1 if at < index else -1
            assert self.tab.locator(f"#answer-{index}").is_checked()
        elif page.input == "checkbox":
            for i, c in enumerate(page.choices):
                self.tab_to(lambda el, i=i: el["id"] == f"answer-{i}")
                if self.tab.locator(f"#answer-{i}").is_checked() != (c.value in (value or [])):
                    kb.press("Space")
        return "Save and continue"


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def shot(tab: Any, name: str) -> None:
    tab.screenshot(path=str(ARTEFACTS / name), full_page=True)


def saved(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def build_and_download(tab: Any, person: Person | None = None) -> dict[str, bytes]:
    """Press "Check and build the documents", wait for the documents page; every .docx downloaded one by one and
    the zip; the files by name."""
    if person is not None and person.keyboard:
        person.tab_to(lambda el: el["tag"] == "BUTTON" and el["text"] == "Check and build the documents")
        with tab.expect_navigation(timeout=300_000):
            tab.keyboard.press("Enter")
    else:
        with tab.expect_navigation(timeout=300_000):
            tab.get_by_role("button", name="Check and build the documents").click()
    assert tab.url.endswith("/documents"), tab.locator("main").inner_text()
    files: dict[str, bytes] = {}
    links = tab.locator("main a[download]")
    names = [str(n).removeprefix("Download ") for n in links.all_inner_texts()]
    for name in [n for n in names if n.endswith(".docx")][:5]:
        with tab.expect_download() as info:
            if person is not None and person.keyboard:
                person.tab_to(lambda el, n=name: el["tag"] == "A" and el["text"] == f"Download {n}")
                tab.keyboard.press("Enter")
            else:
                tab.get_by_role("link", name=f"Download {name}", exact=True).click()
        files[name] = Path(info.value.path()).read_bytes()
    with tab.expect_download() as info:
        tab.locator('a[href="/documents.zip"]').click()
    archive = zipfile.ZipFile(info.value.path())
    assert {n for n in archive.namelist() if n.endswith(".docx")} >= set(files)
    return files


def session_id(context: Any) -> str:
    return str(next(c["value"] for c in context.cookies() if c["name"] == "assembler_session"))


def no_dialogs(tab: Any) -> list[str]:
    seen: list[str] = []
    tab.on("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    return seen


# --------------------------------------------------------------------------------------------------- the tests


def test_a_four_party_interview_in_the_browser_built_and_downloaded(browser: Any, serve: Any, tmp_path: Path) -> None:
    answers = tmp_path / "ecc.yaml"
    server = serve(str(answers))
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    dialogs = no_dialogs(tab)
    tab.goto(server.base + "/")
    assert "Start now" in tab.locator("main").inner_text()
    shot(tab, "start-page.png")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Start now").click()

    target = copy.deepcopy(FOUR)
    target["parties"].append(EXTRA)  # a fifth party, removed again from "check your answers"
    person = Person(tab, answers, target)
    person.overrides = dict(TYPED)
    backs, error_shown, removed = 0, False, False
    for _ in range(200):
        page = person.expected()
        if page.kind in ("review", "done"):
            break
        if page.path == ("parties", 2, "kind") and backs == 0:
            person.check_shown(page)
            person.back()
            assert person.expected().path == ("parties", 2, "name")
            assert tab.locator("#answer").input_value() == FOUR["parties"][2]["name"]  # the answer given, kept
            person.back()
            assert person.expected().path == ("parties", 1, "kind")  # adding party 3 began with its short name
            backs = 2
            continue
        if page.path == ("collaborative", "effective_date") and not error_shown:
            person.answer("31 February 2025", typed=True)
            summary = tab.locator(".nhsuk-error-summary")
            assert summary.is_visible() and "There is a problem" in summary.inner_text()
            assert tab.title().startswith("Error: ")
            assert tab.locator(".nhsuk-error-message").count() >= 1
            shot(tab, "question-with-error.png")
            error_shown = True
            continue
        if not removed and page.path[:1] not in (("parties",), ("collaborative",), ("#usual",)):
            assert len(saved(answers)["parties"]) == 5
            with tab.expect_navigation():
                tab.get_by_role("link", name="Check your answers so far").click()
            with tab.expect_navigation():
                tab.get_by_role("button", name="Remove XTR").click()
            assert "Removed XTR." in tab.locator("main").inner_text()
            assert [p["short_name"] for p in saved(answers)["parties"]] == ["NELFT", "EPUT", "MSE", "KCP"]
            with tab.expect_navigation():
                tab.get_by_role("button", name="Continue the questions").click()
            person.target = FOUR
            removed = True
            continue
        person.answer()
    assert backs == 2 and error_shown and removed
    assert any("quorum" in fix.lower() or "fix it now" in fix.lower() for fix in person.declined), person.declined
    assert tab.url.endswith("/check-your-answers")
    assert saved(answers)["bodies"][0]["quorum"]["members"] == 3
    shot(tab, "check-your-answers.png")

    with tab.expect_navigation():
        tab.locator('a[href="/change?to=bodies.0.quorum.members"]').click()
    assert "How many voting members make a quorum?" in person.heading()
    tab.locator("#answer").fill("4")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Save and continue").click()
    assert tab.url.endswith("/check-your-answers")
    assert saved(answers)["bodies"][0]["quorum"]["members"] == 4

    files = build_and_download(tab)
    shot(tab, "documents.png")
    assert len(files) == 5
    agreement = docx_text(next(v for k, v in files.items() if "collaboration-agreement" in k))
    every = "\n".join(docx_text(v) for v in files.values())
    for words in ("Estuary Community Collaborative", "two-thirds", "1 April 2025", "£1,000,000"):
        assert words in every, words
    for party in FOUR["parties"]:
        assert party["name"] in agreement
    assert EXTRA["name"] not in every
    assert dialogs == []
    print(f"four-party interview: {person.pages} pages answered")


def test_the_whole_interview_without_javascript(browser: Any, serve: Any, tmp_path: Path) -> None:
    server = serve("--data", str(tmp_path / "data"))
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    tab = context.new_page()
    tab.goto(server.base + "/")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Start now").click()
    answers = next((tmp_path / "data").glob("*/answers.yaml"))
    person = Person(tab, answers, SMALL)
    person.run()
    assert tab.url.endswith("/check-your-answers")
    files = build_and_download(tab)
    text = "\n".join(docx_text(v) for v in files.values())
    assert SMALL["collaborative"]["name"] in text
    assert [(p["short_name"], p["name"], p["kind"]) for p in saved(answers)["parties"]] == [
        (p["short_name"], p["name"], p["kind"]) for p in SMALL["parties"]
    ]


def test_keyboard_alone_through_every_page_type(browser: Any, serve: Any, tmp_path: Path) -> None:
    server = serve("--data", str(tmp_path / "data"))
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    tab.goto(server.base + "/")
    person = Person(tab, Path(), SMALL, keyboard=True)
    # the skip link comes first, then the start button
    assert person.tab_to(lambda el: True)["text"] == "Skip to main content"
    person.tab_to(lambda el: el["tag"] == "A" and el["text"] == "Start now")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    person.answers = next((tmp_path / "data").glob("*/answers.yaml"))
    kinds: set[str] = set()

    def note(page: Page) -> bool:
        kinds.add(f"{page.kind}:{page.input}")
        return False

    # the first questions, then an error, back, the glossary and back to the questions
    person.run(until=lambda p: note(p) or p.path == ("collaborative", "short_name"))
    person.answer("a" * 80, typed=True)  # too long: an error, said in the summary and at the field
    assert tab.locator(".nhsuk-error-summary").is_visible()
    person.tab_to(lambda el: el["tag"] == "A" and el["href"] == "#answer")  # the summary links to the field
    person.back()
    assert person.expected().path == ("collaborative", "name")
    person.tab_to(lambda el: el["tag"] == "A" and el["text"] == "What the legal words mean")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert "What the legal words mean" in person.heading()
    person.tab_to(lambda el: el["tag"] == "A" and el["text"] == "Back to the questions")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    # the rest of the interview (radios, checkboxes, repeating items, lists) by keyboard
    person.run(until=note)
    assert {"usual:checkbox", "question:text", "question:select", "add:text", "question:confirm"} <= kinds, kinds
    assert tab.url.endswith("/check-your-answers")
    # change an answer from "check your answers", remove an item, and build, all by keyboard
    person.tab_to(lambda el: el["tag"] == "A" and el["href"] == "/change?to=collaborative.footprint")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    person.answer("the whole of North Somerset", typed=True)
    assert tab.url.endswith("/check-your-answers")
    assert saved(person.answers)["collaborative"]["footprint"] == "the whole of North Somerset"
    person.tab_to(lambda el: el["tag"] == "BUTTON" and el["text"].split() == ["Move", "down", "NSFT"])
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert "Moved NSFT down." in tab.locator("main").inner_text()
    assert [p["short_name"] for p in saved(person.answers)["parties"]] == ["Coastal", "NSFT"]
    files = build_and_download(tab, person)
    assert files and all(name.endswith(".docx") for name in files)
    print(f"keyboard only: {person.pages} pages; page types {sorted(kinds)}")


def test_forged_and_stale_forms_are_refused_and_sessions_see_only_their_own(
    browser: Any, serve: Any, tmp_path: Path
) -> None:
    server = serve("--data", str(tmp_path / "data"))
    alice_ctx = browser.new_context(accept_downloads=True)
    bob_ctx = browser.new_context(accept_downloads=True)
    alice, bob = alice_ctx.new_page(), bob_ctx.new_page()
    for tab in (alice, bob):
        tab.goto(server.base + "/")
        with tab.expect_navigation():
            tab.get_by_role("button", name="Start now").click()
    assert len(list((tmp_path / "data").iterdir())) == 2
    alice_file, bob_file = (tmp_path / "data" / session_id(c) / "answers.yaml" for c in (alice_ctx, bob_ctx))
    Person(alice, alice_file, SMALL).run(until=lambda p: p.path == ("collaborative", "short_name"))
    Person(bob, bob_file, FOUR).run(until=lambda p: p.path == ("collaborative", "short_name"))
    assert saved(alice_file)["collaborative"]["name"] == SMALL["collaborative"]["name"]
    assert saved(bob_file)["collaborative"]["name"] == FOUR["collaborative"]["name"]

    # a form on another site posting to the interview: no session cookie goes with it (SameSite) and no token
    forged = (
        f'<form method="post" action="{server.base}/question"><input name="answer" value="FORGED">'
        '<input name="page" value="x"><button>Win a prize</button></form>'
    )
    alice_ctx.route("http://elsewhere.test/**", lambda route: route.fulfill(body=forged, content_type="text/html"))
    alice.goto("http://elsewhere.test/")
    with alice.expect_navigation():
        alice.get_by_role("button", name="Win a prize").click()
    assert "This form has expired" in alice.locator("h1").inner_text()
    # Bob's own form carrying Alice's token (copied into the page) is refused too
    alice.goto(server.base + "/question")
    alice_token = alice.locator('input[name="csrf"]').first.input_value()
    bob.goto(server.base + "/question")
    bob.locator('form[action="/question"] input[name="csrf"]').evaluate("(e, t) => { e.value = t }", alice_token)
    bob.locator("#answer").fill("FORGED")
    with bob.expect_navigation():
        bob.get_by_role("button", name="Save and continue").click()
    assert "This form has expired" in bob.locator("h1").inner_text()
    for f in (alice_file, bob_file):
        assert "FORGED" not in f.read_text(encoding="utf-8")

    # neither sees the other's answers; Alice builds, Bob cannot fetch her documents by name
    alice.goto(server.base + "/check-your-answers")
    bob.goto(server.base + "/check-your-answers")
    assert SMALL["collaborative"]["name"] in alice.locator("main").inner_text()
    assert SMALL["collaborative"]["name"] not in bob.locator("main").inner_text()
    assert FOUR["collaborative"]["name"] not in alice.locator("main").inner_text()
    alice_file.write_text(  # Alice finishes from an upload (the upload form itself is covered by the fast tests)
        (FIXTURES / "cjv_cic.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    Position.file_for(alice_file).unlink(missing_ok=True)
    alice.goto(server.base + "/question")
    Person(alice, alice_file, SMALL).run()
    files = build_and_download(alice)
    for name in files:
        response = bob.goto(f"{server.base}/download/{name}")
        assert response is not None and response.status == 404
    answers_of_bob = bob_ctx.request.get(server.base + "/answers.yaml").text()
    assert FOUR["collaborative"]["name"] in answers_of_bob and SMALL["collaborative"]["name"] not in answers_of_bob
    response = bob.goto(server.base + "/documents")
    assert response is not None and bob.url.endswith("/check-your-answers")
    response = bob_ctx.request.get(server.base + "/documents.zip")
    assert zipfile.ZipFile(io.BytesIO(response.body())).namelist() == []


def test_hostile_answers_are_kept_and_shown_as_text(browser: Any, serve: Any, tmp_path: Path) -> None:
    server = serve("--data", str(tmp_path / "data"))
    tab = browser.new_context().new_page()
    dialogs = no_dialogs(tab)
    tab.goto(server.base + "/")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Start now").click()
    answers = next((tmp_path / "data").glob("*/answers.yaml"))
    person = Person(tab, answers, SMALL)
    person.run(until=lambda p: p.path == ("collaborative", "name"))
    person.answer("N" * 5000, typed=True)
    error = tab.locator(".nhsuk-error-summary").inner_text()
    assert "150" in error and "There is a problem" in error
    assert tab.locator("#answer").input_value() == "N" * 5000  # what was typed, given back to change
    person.answer(HOSTILE, typed=True)
    assert person.expected().path != ("collaborative", "name")
    assert saved(answers)["collaborative"]["name"] == HOSTILE
    person.run(until=lambda p: p.path[:1] == ("parties",))
    with tab.expect_navigation():
        tab.get_by_role("link", name="Check your answers so far").click()
    main = tab.locator("main")
    assert HOSTILE in main.inner_text()
    assert main.locator("img").count() == 0 and main.locator("b").count() == 0
    assert "49" not in main.inner_text()
    for name in ("..%2F..%2F..%2Fetc%2Fpasswd", "answers.yaml", "%2Fetc%2Fpasswd"):
        response = tab.goto(f"{server.base}/download/{name}")
        assert response is not None and response.status == 404 and "root:" not in response.text()
    assert dialogs == []


def test_the_browser_and_the_terminal_resume_each_others_file(browser: Any, serve: Any, tmp_path: Path) -> None:
    answers = tmp_path / "ecc.yaml"
    # the terminal interview's engine answers the first sections ...
    pilot = Autopilot(Engine.open(answers), FOUR)
    pilot.run(until=lambda p: p.path[:1] == ("legal_form",))
    server = serve(str(answers))
    tab = browser.new_context().new_page()
    tab.goto(server.base + "/")
    assert "Carry on" in tab.locator("main").inner_text()
    with tab.expect_navigation():
        tab.get_by_role("button", name="Carry on").click()
    person = Person(tab, answers, FOUR)
    # ... the browser carries on from the same question, through the boards and groups ...
    assert person.expected().path == ("legal_form",)
    person.run(until=lambda p: p.path[:1] == ("decisions",))
    shown = person.heading()
    # ... and the terminal interview's engine carries on from where the browser is
    terminal = Engine.open(answers)
    assert " ".join(terminal.page().title.split()) in shown
    Autopilot(terminal, FOUR).run()
    assert terminal.finish().parties[3].short_name == "KCP"
    tab.goto(server.base + "/question")
    assert tab.url.endswith("/check-your-answers")
    assert "Check and build the documents" in tab.locator("main").inner_text()
    assert saved(answers)["bodies"][0]["name"] == "Joint Board"


# ------------------------------------------------------------------------------------------------ accessibility


def axe(tab: Any, name: str) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page shown now."""
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    found = [{"page": name, "id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in bad]
    every = [{"page": name, "id": v["id"], "impact": v["impact"]} for v in result["violations"]]
    with (ARTEFACTS / "axe.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps({"page": name, "violations": every}) + "\n")
    return found


def test_axe_finds_no_serious_or_critical_violation_on_any_page_type(browser: Any, serve: Any, tmp_path: Path) -> None:
    (ARTEFACTS / "axe.jsonl").unlink(missing_ok=True)
    server = serve("--data", str(tmp_path / "data"))
    # axe is injected as a script; the pages' own policy allows none, so this context alone bypasses it
    context = browser.new_context(bypass_csp=True, accept_downloads=True)
    tab = context.new_page()
    found: list[dict[str, Any]] = []
    checked: list[str] = []

    def check(name: str) -> None:
        checked.append(name)
        found.extend(axe(tab, name))

    tab.goto(server.base + "/")
    check("start")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Start now").click()
    answers = next((tmp_path / "data").glob("*/answers.yaml"))
    person = Person(tab, answers, SMALL)
    check("question (checkboxes)")
    person.run(until=lambda p: p.path == ("collaborative", "name"))
    check("question (text)")
    person.answer("", typed=True)
    check("error")
    person.run(until=lambda p: p.kind == "add" and p.path[:1] == ("parties",))
    check("repeating item (add)")
    person.answer()
    person.run(until=lambda p: p.input == "select" and p.path[:1] == ("parties",))
    check("repeating item (question in an item, radios)")
    tab.goto(server.base + "/glossary")
    check("glossary")
    tab.goto(server.base + "/check-your-answers")
    check("check your answers (unfinished)")
    answers.write_text((FIXTURES / "cjv_cic.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    Position.file_for(answers).unlink(missing_ok=True)
    tab.goto(server.base + "/question")
    person.run()
    check("check your answers")
    build_and_download(tab)
    check("download")
    broken = copy.deepcopy(SMALL)
    broken["bodies"][0]["quorum"]["members"] = 9  # the board has 2 voting members: the check offers a fix
    with answers.open("w", encoding="utf-8") as out:
        YAML().dump(broken, out)
    tab.goto(server.base + "/check-your-answers")
    assert "Things to fix" in tab.locator("main").inner_text()
    check("check your answers (a fix offered)")
    shot(tab, "check-your-answers-fix.png")
    with tab.expect_navigation():
        tab.get_by_role("button", name=re.compile(r"^Fix this\W+Lower the quorum")).click()
    check("a fix offered from the review")
    tab.get_by_label("Yes", exact=True).check()
    with tab.expect_navigation():
        tab.get_by_role("button", name="Save and continue").click()
    assert tab.url.endswith("/check-your-answers") and "Things to fix" not in tab.locator("main").inner_text()
    assert saved(answers)["bodies"][0]["quorum"]["members"] == 2
    tab.goto(server.base + "/download/nothing.docx")
    check("problem")
    print("axe: pages checked:", ", ".join(checked))
    print("axe: serious or critical:", found or "none")
    assert not found, found


def test_the_answers_file_of_today_loads(tmp_path: Path) -> None:
    """Keeps this module's fixtures honest without a browser: the four-party target is a complete interview."""
    engine = Engine.open(tmp_path / "x.yaml")
    Autopilot(engine, FOUR).run()
    assert engine.finish().collaborative.effective_date == dt.date(2025, 4, 1)
    assert re.fullmatch(r"\d+\.\d+\.\d+", json.loads((AXE.parent / "VERSION.json").read_text())["axe-core"])
