"""Answers in a real browser: the matching task leads and the rest folds, two teams side by side, how to send it.

Its own small server and browser (the fixtures of test_browser.py are not
importable under importlib mode); every page is checked with axe-core, for
script errors and for fitting a 390px phone, and photographed into
var/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from browser import DESKTOP, LiveServer, Watch, check_page, launch, live_server, require_chromium, watch
from playwright.sync_api import Browser, Page, expect, sync_playwright

from routing.core.model import Directory

MONDAY_10AM = "2026-11-23T10:00:00-08:00"
SATURDAY = "2026-11-28T10:00:00-08:00"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_chromium()
    with live_server(tmp_path_factory.mktemp("answers-app"), {"ROUTING_NOW": MONDAY_10AM}) as running:
        yield running


@pytest.fixture(scope="module")
def browser(server: LiveServer) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = launch(playwright, require_chromium())
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def visit(browser: Browser, server: LiveServer) -> Iterator[tuple[Page, Watch]]:
    context = browser.new_context(base_url=server.url, viewport=DESKTOP, locale="en-US", timezone_id="America/Los_Angeles")
    context.set_default_timeout(10_000)
    page = context.new_page()
    seen = watch(context, page)
    try:
        yield page, seen
    finally:
        context.close()


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
