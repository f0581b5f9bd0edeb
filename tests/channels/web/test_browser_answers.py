"""Answers in a real browser: the matching task leads and the rest folds, two teams side by side, how to send it.

Its own small server (no mail server; the browser and its pages come from
tests/browser.py); every page is checked with axe-core, for
script errors and for fitting a 390px phone, and photographed into
var/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from browser import LiveServer, Watch, check_page, live_server
from playwright.sync_api import Page, expect

from routing.core.model import Directory

MONDAY_10AM = "2026-11-23T10:00:00-08:00"
SATURDAY = "2026-11-28T10:00:00-08:00"


@pytest.fixture(scope="module")
def server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("answers-app"), {"ROUTING_NOW": MONDAY_10AM}) as running:
        yield running


def ask(page: Page, question: str, at: str = MONDAY_10AM) -> None:
    page.goto("/search?" + urlencode({"q": question, "at": at}))


def test_a_website_answer_shows_its_task_and_opens_the_rest_on_request(visit: tuple[Page, Watch], directory: Directory) -> None:
    page, seen = visit
    ask(page, "order id cards")
    answer = page.locator("section.answer")
    expect(answer.get_by_role("heading", level=2)).to_have_text("Do it yourself on account.kp.org")
    expect(answer.locator(".lead-topic")).to_contain_text("Order member ID cards")
    folded = answer.locator("details.all-topics")
    others = folded.locator("li")
    expect(others.first).to_be_hidden()
    folded.locator("summary").click()
    expect(others).to_have_count(len(directory.contact("account-kp-org").topics))
    expect(others.first).to_be_visible()
    check_page(page, "answer-website", seen)


def test_two_teams_for_eligibility_stand_side_by_side(visit: tuple[Page, Watch]) -> None:
    page, seen = visit
    ask(page, "eligibility")
    answer = page.locator("section.answer")
    for team in ("client-services-unit", "california-service-center"):
        expect(answer.locator(f"article#{team}")).to_be_visible()
    expect(page.locator("section.alternatives article#california-service-center")).to_have_count(0)
    check_page(page, "answer-shared", seen)


def test_sending_advice_and_the_closed_team_with_the_website_first(visit: tuple[Page, Watch]) -> None:
    page, seen = visit
    ask(page, "where do I fax enrollment forms")
    expect(page.locator(".send")).to_contain_text("Send this by email, not by fax.")
    check_page(page, "answer-send", seen)
    ask(page, "renewal", SATURDAY)
    online = page.locator("section.answer .self-service")
    expect(online).to_contain_text("closed now")
    assert online.bounding_box()["y"] < page.locator("section.answer article#account-management-support").bounding_box()["y"]
    check_page(page, "answer-closed", seen)
