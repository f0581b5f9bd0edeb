"""The confirmation an employer sees in a real browser tells the truth, survives Reload and Back, and has a status link.

The app runs as it does on a fresh machine: no SMTP_HOST, so nothing is
emailed and every request is kept here as an .eml file. The confirmation
must say exactly that from the first moment (issue 16: it used to say "on its
way" and then, on reload, "not connected to a mail server").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import LiveServer, check_page, live_server, open_page
from playwright.sync_api import Browser, Dialog, expect

from routing.core.model import Directory
from routing.core.wording import phone_instructions

MONDAY_10AM = "2026-11-23T10:00:00-08:00"
TEAM = "account-management-support"
MESSAGE = "We are changing our broker of record to Pacific Benefits as of January 1."


@pytest.fixture(scope="module")
def folder(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("confirmation-app")


@pytest.fixture(scope="module")
def server(folder: Path) -> Iterator[LiveServer]:
    with live_server(folder, {"ROUTING_NOW": MONDAY_10AM}) as running:  # no SMTP_HOST: no mail server
        yield running


def test_the_confirmation_is_true_survives_reload_and_the_status_link_opens_anywhere(
    browser: Browser, server: LiveServer, folder: Path, directory: Directory
) -> None:
    team = directory.contact(TEAM)
    page, seen = open_page(browser, server)
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.goto(f"/contact?contact={TEAM}")
    page.get_by_label("Group name").fill("Ortiz Landscaping LLC")
    page.get_by_label("Group ID").fill("604213")
    page.get_by_label("Your email").fill("maria.ortiz@example.net")
    page.get_by_label("Subject").fill("Broker of record change")
    page.get_by_label("Message").fill(MESSAGE)
    page.get_by_role("button", name="Send request").click()

    # POST, then 303 to a GET: the page the browser shows came from a GET.
    page.wait_for_url(re.compile(r"/contact/sent/FW-[0-9A-Z]{8}$"))
    reference = page.url.rsplit("/", 1)[1]
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Request kept here, not emailed")
    state = page.locator(".request-state")
    expect(state).to_have_attribute("data-state", "kept_here")
    expect(state).to_contain_text("Not emailed: this help desk has no mail server set up")
    expect(state).to_contain_text(f"The {team.name} has not received it yet.")
    words = state.inner_text()
    for untrue in ("on its way", "emailed to", "We keep trying"):
        assert untrue not in page.locator("main").inner_text()
    phone = next(p for p in team.phones if p.keys)
    expect(page.locator(".next-steps")).to_contain_text(f"If you need an answer soon, {phone_instructions(phone)} and mention reference {reference}.")
    expect(page.locator(".facts")).to_contain_text("maria.ortiz@example.net")  # the sender's own browser
    check_page(page, "request-kept-here", seen)

    # Reload: a GET again (never a resubmission prompt), the same state, still one request.
    reloaded = page.reload()
    assert reloaded is not None and reloaded.request.method == "GET"
    expect(heading).to_have_text("Request kept here, not emailed")
    assert state.inner_text() == words
    # Back goes to the form by GET, Forward returns to the confirmation by GET.
    back = page.go_back()
    assert back is not None and back.request.method == "GET" and back.url.endswith(f"/contact?contact={TEAM}")
    forward = page.go_forward()
    assert forward is not None and forward.request.method == "GET"
    expect(heading).to_have_text("Request kept here, not emailed")
    assert dialogs == []
    eml = folder / "var" / "outbox-eml"
    assert sorted(p.name for p in eml.glob("*.eml")) == [f"{reference}.eml"]  # nothing was sent twice

    # The bookmarked status link, in a fresh browser: the state and the team, nothing private.
    link = page.get_by_role("link", name=re.compile(rf"requests.{reference}$"))
    href = link.get_attribute("href")
    assert href == f"/requests/{reference}"
    page.context.close()
    other, other_seen = open_page(browser, server)
    other.goto(href)
    expect(other.get_by_role("heading", level=1)).to_have_text("Request kept here, not emailed")
    expect(other.locator(".request-state")).to_have_text(words)
    expect(other.locator(".reference")).to_contain_text(reference)
    expect(other.locator(".facts")).to_contain_text(team.name)
    shown = other.locator("main").inner_text()
    for private in ("maria.ortiz@example.net", "Ortiz Landscaping LLC", "604213", MESSAGE):
        assert private not in shown
    check_page(other, "request-status-link", other_seen)
    other.context.close()


def test_a_billing_question_gets_the_phone_line_not_a_confirmation(browser: Browser, server: LiveServer, directory: Directory) -> None:
    page, seen = open_page(browser, server)
    page.goto("/contact")
    page.get_by_label("Group name").fill("Ortiz Landscaping LLC")
    page.get_by_label("Group ID").fill("604213")
    page.get_by_label("Your email").fill("maria.ortiz@example.net")
    page.get_by_label("Message").fill("Our bill is wrong: we were charged twice for the same employee.")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("#problem")).to_contain_text("We have not sent your request.")
    csc = directory.contact("california-service-center")
    phone = next(p for p in csc.phones if p.keys)
    call = page.locator(".call-instead a.tel")
    expect(call).to_have_attribute("href", phone.tel_uri)
    expect(call).to_have_text(f"Call {phone.display}, press {phone.keys}")
    check_page(page, "request-phone-line", seen)
    page.context.close()
