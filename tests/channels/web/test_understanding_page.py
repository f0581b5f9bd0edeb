"""A second need and a deciding question, as /api/route and /search show them."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from routing.core.directory import load
from routing.settings import ROOT

MONDAY_10AM = "2026-11-23T10:00:00-08:00"
TWO_NEEDS = "I need a copy of last month's bill, and we also want to change our broker of record."
UNSURE = "question about billing and benefits"


def test_the_api_lists_the_second_need_with_its_own_contact_and_reason(client: TestClient) -> None:
    answer = client.get("/api/route", params={"q": TWO_NEEDS, "at": MONDAY_10AM}).json()
    assert answer["contact"]["id"] == "california-service-center"
    [also] = answer["also_needed"]
    assert also["contact"]["id"] == "account-management-support"
    assert also["contact"]["phones"] and also["reason"].endswith(".")
    assert also["said"] == "we also want to change our broker of record."
    assert answer["clarify"] == [] and answer["clarify_question"] is None


def test_the_api_names_both_teams_and_the_question_that_decides(client: TestClient) -> None:
    answer = client.get("/api/route", params={"q": UNSURE, "at": MONDAY_10AM}).json()
    assert answer["clarify"][0]["contact_id"] == answer["contact"]["id"]
    assert len(answer["clarify"]) == 2
    assert answer["clarify_question"].startswith("Is this ")


def test_the_page_shows_the_second_need_and_the_deciding_question(client: TestClient) -> None:
    html = client.get("/search", params={"q": TWO_NEEDS, "at": MONDAY_10AM}).text
    also = re.search(r'<section class="also-needed".*?</section>', html, re.S)
    assert also is not None and "Account Management Support Team" in also.group(0)
    assert "You also asked about" in also.group(0)
    html = client.get("/search", params={"q": UNSURE, "at": MONDAY_10AM}).text
    clarify = re.search(r'<section class="clarify".*?</section>', html, re.S)
    assert clarify is not None and "Which one fits?" in clarify.group(0) and "Is this " in clarify.group(0)


def test_an_hours_question_says_the_hours_in_its_reason(client: TestClient) -> None:
    answer = client.get("/api/route", params={"q": "what are your hours", "at": MONDAY_10AM}).json()
    assert answer["hours_question"] is True
    assert "Mon–Fri 8:30 AM–5:00 PM PT" in answer["reason"]


def test_the_deciding_question_is_in_spanish_when_the_page_is(client: TestClient) -> None:
    html = client.get("/search", params={"q": UNSURE, "at": MONDAY_10AM, "lang": "es"}).text
    clarify = re.search(r'<section class="clarify".*?</section>', html, re.S)
    assert clarify is not None
    assert "¿Cuál corresponde?" in clarify.group(0) and "¿Se trata de «" in clarify.group(0)
    assert "Which one fits?" not in clarify.group(0)
    # Each team under the question by its Spanish name, and its link keeps the page in Spanish.
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', clarify.group(0))
    assert len(links) == 2
    assert all("lang=es" in href for href, _ in links)
    english = {c.id: c.name for c in load(ROOT / "directory.yaml").contacts}
    assert not set(name for _, name in links) & set(english.values())
