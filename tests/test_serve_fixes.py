"""The browser shows a rule's fix as the next page (the engine's page model), and makes it when confirmed."""

from __future__ import annotations

from html import unescape
from typing import Any

from .test_serve import SMALL, Browser, saved, served

__all__ = ["served"]

QUORUM = ("bodies", 0, "quorum", "members")


def test_a_quorum_too_high_is_fixed_from_the_page_that_offers_it(served: Any) -> None:
    client, path, engine_of = served
    browser = Browser(client, engine_of, SMALL)
    browser.reach(QUORUM)
    assert browser.answer("9", typed=True).status_code == 303
    shown = unescape(client.get("/question").text)
    page = browser.page()
    assert page.kind == "fix" and page.title.startswith("Lower the quorum of the ")
    assert page.title in shown and "but it has only" in shown  # the problem beside the offer
    assert browser.answer(True).status_code == 303
    assert saved(path)["bodies"][0]["quorum"]["members"] < 9
    assert browser.page().path != QUORUM
