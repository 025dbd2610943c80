"""`assembler serve --data DIR`: a session per browser under an unguessable id, isolated, with CSRF on every form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from starlette.testclient import TestClient

from assembler.web import Settings, create_app
from assembler.web.app import COOKIE
from assembler.web.forms import fingerprint

from .test_serve import NAME, SMALL, Browser, csrf


@pytest.fixture()
def data_app(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    app = create_app(Settings(data=tmp_path / "data", workers=1))
    with TestClient(app):  # runs the lifespan once; each test makes its own clients
        yield app, tmp_path / "data"


def person(app: Any) -> tuple[TestClient, Any]:
    client = TestClient(app)
    client.get("/")
    sid = client.cookies[COOKIE]
    return client, lambda: app.state.app.spaces.get(sid).engine()


def test_each_browser_gets_its_own_unguessable_answers_file(data_app: Any) -> None:
    app, data = data_app
    alice, alice_engine = person(app)
    bob, bob_engine = person(app)
    a, b = alice.cookies[COOKIE], bob.cookies[COOKIE]
    assert a != b and re.fullmatch(r"[A-Za-z0-9_-]{43}", a)
    Browser(alice, alice_engine, SMALL).reach(NAME)
    Browser(alice, alice_engine, SMALL).answer("Alice's Collaborative", typed=True)
    Browser(bob, bob_engine, SMALL).reach(NAME)
    Browser(bob, bob_engine, SMALL).answer("Bob's Collaborative", typed=True)
    yaml = YAML(typ="safe")
    assert yaml.load((data / a / "answers.yaml").read_text())["collaborative"]["name"] == "Alice's Collaborative"
    assert yaml.load((data / b / "answers.yaml").read_text())["collaborative"]["name"] == "Bob's Collaborative"
    assert "Bob" not in alice.get("/check-your-answers").text
    assert "Alice" not in bob.get("/answers.yaml").text
    assert "Alice's Collaborative" in alice.get("/answers.yaml").text


def test_a_token_from_one_session_is_refused_in_another(data_app: Any) -> None:
    app, data = data_app
    alice, _ = person(app)
    bob, bob_engine = person(app)
    Browser(bob, bob_engine, SMALL).reach(NAME)
    before = (data / bob.cookies[COOKIE] / "answers.yaml").read_bytes()
    alice_token = csrf(alice.get("/question").text)
    page = bob_engine().page()
    refused = bob.post("/question", data={"csrf": alice_token, "page": fingerprint(page), "answer": "Hijacked"})
    assert refused.status_code == 403
    assert (data / bob.cookies[COOKIE] / "answers.yaml").read_bytes() == before


def test_a_cookie_that_is_not_an_id_never_reaches_the_file_system(data_app: Any) -> None:
    app, data = data_app
    client = TestClient(app)
    page = client.get("/question", headers={"cookie": f"{COOKIE}=../../etc"})
    assert page.status_code == 200
    given = page.cookies[COOKIE]
    assert given != "../../etc"  # a new session was given
    assert not (data.parent / "etc").exists()
    assert sorted(p.name for p in data.iterdir()) == [given]


def test_an_uploaded_answers_file_is_carried_on_and_a_bad_one_refused(data_app: Any) -> None:
    app, _ = data_app
    client, engine = person(app)
    token = csrf(client.get("/").text)
    text = (Path(__file__).parent / "fixtures" / "interview" / "cjv_cic.yaml").read_bytes()
    done = client.post("/upload", data={"csrf": token}, files={"answers": ("x.yaml", text, "application/yaml")})
    assert done.status_code == 200
    assert engine().finish().collaborative.short_name == "NSCC"
    bad = client.post("/upload", data={"csrf": token}, files={"answers": ("x.yaml", b"a: &x 1\nb: *x\n", "text/plain")})
    assert bad.status_code == 400 and "There is a problem" in bad.text
    assert engine().finish().collaborative.short_name == "NSCC"
    refused = client.post("/upload", files={"answers": ("x.yaml", text, "application/yaml")})
    assert refused.status_code == 403


def test_a_form_posted_from_another_site_leaves_the_session_as_it_was(data_app: Any) -> None:
    """Without the cookie (SameSite keeps it back) and without a token: refused, and no new cookie that would
    replace the browser's own session."""
    app, _ = data_app
    stranger = TestClient(app)
    refused = stranger.post("/question", data={"answer": "FORGED", "page": "x"})
    assert refused.status_code == 403 and "set-cookie" not in refused.headers
    fresh = TestClient(app).get("/")
    assert "samesite=lax" in fresh.headers["set-cookie"].lower()
