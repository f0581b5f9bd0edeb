"""What an employer and a staff member see in a real browser, against the real app.

One uvicorn server (a subprocess, its own data folder, the clock pinned to a
Monday morning when every team is open) and one Chromium serve the whole
module (the fixtures are in conftest.py); each test gets a fresh browser
context, so no cookie carries over.
Every page visited is checked with axe-core (no serious or critical
violation), for CSP and script errors, and for fitting a 390px phone screen,
and is photographed at phone and desktop width into var/screenshots/.

Without Chromium these tests are skipped, except with CI set, where that fails.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import MISSING_CHROMIUM, LiveServer, Watch, check_page, require_chromium
from paths import FIXTURES
from playwright.sync_api import Page, expect
from smtp_fixture import SmtpServer

from routing.core.model import Directory

QUESTION = "we are changing our broker of record"
BOR_TEAM = "account-management-support"
EMAIL_FIXTURE = FIXTURES / "01_bor_change.eml"


def phones_as_links(directory: Directory, contact_id: str) -> list[tuple[str, str]]:
    """(href, visible text) each of a contact's phones should have: the E.164 number and the keys after a pause."""
    expected = []
    for phone in directory.contact(contact_id).phones:
        href = f"tel:{phone.number}" + (f",{phone.keys}" if phone.keys else "")
        text = f"Call {phone.display}" + (f", press {phone.keys}" if phone.keys else "")
        expected.append((href, text))
    return expected


# --- 1. searching from the home page -------------------------------------------------------


def test_search_from_the_home_page_names_the_team_and_how_to_call(visit: tuple[Page, Watch], directory: Directory) -> None:
    page, seen = visit
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who should I contact?")
    check_page(page, "home", seen)

    page.get_by_label("Describe what you need in a few words").fill(QUESTION)
    page.get_by_role("button", name="Find the contact").click()
    page.wait_for_url("**/search?*")
    assert parse_qs(urlsplit(page.url).query)["q"] == [QUESTION]

    team = directory.contact(BOR_TEAM)
    topic = next(t for t in team.topics if t.id == "broker-of-record")
    answer = page.locator("section.answer")
    expect(answer.get_by_role("heading", level=2)).to_have_text(f"Contact {team.name}")
    expect(answer.locator(".reason")).to_contain_text(topic.title)
    expect(answer.locator(".reason")).to_contain_text(team.name)
    expect(answer.locator(f"#{BOR_TEAM} .badge")).to_have_text("Open")
    href, text = phones_as_links(directory, BOR_TEAM)[0]
    expect(answer.locator(f"#{BOR_TEAM} a.tel").first).to_have_attribute("href", href)
    expect(answer.locator(f"#{BOR_TEAM} a.tel").first).to_have_text(text)
    # The box keeps the question, so it can be reworded.
    expect(page.get_by_label("Describe what you need in a few words")).to_have_value(QUESTION)
    check_page(page, "search", seen)


# --- 2. tel: links ------------------------------------------------------------------------------


def test_every_tel_link_dials_the_directory_number_then_its_key(visit: tuple[Page, Watch], directory: Directory) -> None:
    page, _seen = visit
    page.goto("/")
    checked = 0
    for contact in directory.contacts:
        links = page.locator(f"article#{contact.id} a.tel")
        expected = phones_as_links(directory, contact.id)
        assert links.count() == len(expected), contact.id
        for index, (href, text) in enumerate(expected):
            link = links.nth(index)
            expect(link).to_have_attribute("href", href)
            expect(link).to_have_text(text)
            assert re.fullmatch(r"tel:(\+[1-9][0-9]{7,14}|[0-9]{3})(,[0-9*#]+)?", href), href
            checked += 1
    assert checked >= 3, "the directory should list several phone lines"
    # The key is spelled out where a caller reads it, not only hidden in the href.
    amt_link = page.locator(f"article#{BOR_TEAM} a.tel").first
    keys = directory.contact(BOR_TEAM).phones[0].keys
    assert keys and (amt_link.get_attribute("href") or "").endswith(f",{keys}")
    expect(amt_link).to_contain_text(f"press {keys}")


# --- 3. a contact's own page ----------------------------------------------------------------------


def test_a_contact_name_opens_its_page(visit: tuple[Page, Watch], directory: Directory) -> None:
    page, seen = visit
    team = directory.contact(BOR_TEAM)
    page.goto("/")
    page.locator(f"article#{BOR_TEAM}").get_by_role("link", name=team.name, exact=True).click()
    page.wait_for_url(f"**/contacts/{BOR_TEAM}")
    expect(page.get_by_role("heading", level=1)).to_have_text(team.name)
    expect(page).to_have_title(re.compile(re.escape(team.name)))
    expect(page.locator(".badge").first).to_have_text("Open")
    expect(page.get_by_role("link", name=team.emails[0].address)).to_have_attribute("href", f"mailto:{team.emails[0].address}")
    check_page(page, "contact", seen)

    page.get_by_role("link", name="All contacts").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Who should I contact?")


# --- 4. the forward form, through to the mail server -----------------------------------------------


def test_the_request_form_shows_mistakes_then_delivers_to_the_team(
    visit: tuple[Page, Watch], directory: Directory, smtp: SmtpServer
) -> None:
    page, seen = visit
    team = directory.contact(BOR_TEAM)
    page.goto("/contact")
    expect(page.get_by_role("heading", level=1)).to_have_text("Send a request to a team")
    check_page(page, "request-form", seen)

    message = "We are changing our broker of record to Westside Benefits Advisors from April 1."
    page.get_by_label("Group name").fill("Ortiz Landscaping LLC")
    page.get_by_label("Your name").fill("Maria Ortiz")
    page.get_by_label("Your email").fill("maria.ortiz at example.net")
    page.get_by_label("Team").select_option(BOR_TEAM)
    page.get_by_label("Subject").fill("Broker of record change")
    page.get_by_label("Message").fill(message)
    page.get_by_role("button", name="Send request").click()

    # Refused: a sentence next to each field that is wrong, and everything typed kept.
    expect(page.locator("#problem")).to_be_visible()
    expect(page.locator("#group_id-error")).to_be_visible()
    expect(page.locator("#group_id-error")).to_contain_text("group ID")
    expect(page.locator("#email-error")).to_be_visible()
    expect(page.locator("#email-error")).to_contain_text("email")
    expect(page.get_by_label("Group ID")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Your email")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Group name")).to_have_value("Ortiz Landscaping LLC")
    expect(page.get_by_label("Your email")).to_have_value("maria.ortiz at example.net")
    expect(page.get_by_label("Team")).to_have_value(BOR_TEAM)
    expect(page.get_by_label("Message")).to_have_value(message)
    expect(page.locator("#group_name-error")).to_have_count(0)
    check_page(page, "request-form-errors", seen)

    # The summary's links lead to the fields.
    page.locator("#problem").get_by_role("link").first.click()
    expect(page.get_by_label("Group ID")).to_be_focused()

    page.get_by_label("Group ID").fill("604213")
    page.get_by_label("Your email").fill("maria.ortiz@example.net")
    page.get_by_role("button", name="Send request").click()

    page.wait_for_url(re.compile(r"/contact/sent/FW-[A-Z0-9]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Request (received|sent)$"))
    reference_text = page.locator(".reference strong").inner_text()
    assert re.fullmatch(r"FW-[A-Z0-9]+", reference_text), reference_text
    assert page.url.endswith(f"/contact/sent/{reference_text}")
    expect(page.locator(".facts")).to_contain_text(team.name)
    expect(page.locator(".facts")).to_contain_text("[Group 604213] Ortiz Landscaping LLC: Broker of record change")
    check_page(page, "request-sent", seen)

    received = [m for m in smtp.wait_for(1, timeout=15) if "[Group 604213]" in str(m.message["Subject"])]
    assert received, f"the mail server received nothing for group 604213 (it has {len(smtp.messages)} message(s))"
    mail = received[0].message
    assert mail["Subject"] == "[Group 604213] Ortiz Landscaping LLC: Broker of record change"
    assert received[0].rcpt_tos == (team.emails[0].address,)
    assert [a.addr_spec for a in mail["Reply-To"].addresses] == ["maria.ortiz@example.net"]
    assert reference_text.lower() in mail["Message-ID"]
    body = mail.get_body(("plain",))
    assert body is not None and message in body.get_content()

    # The status page says it went: the row is marked sent just after the server accepts it.
    deadline = time.monotonic() + 10
    while page.get_by_role("heading", level=1).inner_text() != "Request sent" and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request sent")


# --- 5. the staff console ----------------------------------------------------------------------------


def test_the_staff_console_needs_a_sign_in(visit: tuple[Page, Watch], server: LiveServer) -> None:
    page, seen = visit
    page.goto("/staff")
    assert urlsplit(page.url).path == "/staff/login"
    assert parse_qs(urlsplit(page.url).query)["next"] == ["/staff"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff sign-in")
    check_page(page, "staff-login", seen)

    page.goto("/staff/triage")
    assert urlsplit(page.url).path == "/staff/login"
    refused = page.request.post(f"{server.url}/staff/triage", multipart={"raw": "Subject: hi\n\nhello"})
    assert refused.status == 401

    page.get_by_label("Staff password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#problem")).to_contain_text("That password is not right")
    assert urlsplit(page.url).path.startswith("/staff/login")


def test_staff_sign_in_and_triage_a_pasted_email(visit: tuple[Page, Watch], server: LiveServer, directory: Directory) -> None:
    page, seen = visit
    page.goto("/staff")
    page.get_by_label("Staff password").fill(server.staff_password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Triaged emails")

    page.get_by_role("link", name="Triage an email").click()
    page.wait_for_url("**/staff/triage")
    check_page(page, "staff-triage-form", seen)
    page.get_by_label("The email, as text").fill(EMAIL_FIXTURE.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Triage").click()

    page.wait_for_url(re.compile(r"/staff/messages/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Broker of record change")
    facts = page.locator(".triage-summary .facts")
    expect(facts.locator("dt:text-is('Team') + dd")).to_contain_text(directory.contact(BOR_TEAM).name)
    expect(facts.locator("dt:text-is('Group ID') + dd")).to_contain_text("604213")
    expect(facts.locator("dt:text-is('Group name') + dd")).to_contain_text("Ortiz Landscaping LLC")
    expect(page.locator("#summary-heading")).to_contain_text("Forward to the team")
    expect(page.get_by_role("button", name=re.compile(r"^Forward to "))).to_be_enabled()
    check_page(page, "staff-triage-result", seen)

    page.get_by_role("link", name="All triaged emails").click()
    expect(page.get_by_role("link", name="Broker of record change")).to_be_visible()
    check_page(page, "staff-list", seen)


# --- 6. the phone tree -----------------------------------------------------------------------------------


def test_the_phone_tree_lists_the_menu_keys_and_who_is_open(visit: tuple[Page, Watch], directory: Directory) -> None:
    page, seen = visit
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Phone menu").click()
    page.wait_for_url("**/ivr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Phone menu")

    line = directory.ivr.line
    menu = [(p.keys, c) for c in directory.contacts for p in c.phones if p.number == line and p.keys]
    assert menu, "the directory's IVR line should have key options"
    display = next(p.display for c in directory.contacts for p in c.phones if p.number == line)
    real = page.get_by_role("table", name=display)
    for keys, contact in menu:
        expect(real.get_by_role("row").filter(has_text=f"Press {keys}").filter(has_text=contact.name)).to_have_count(1)
    options = page.locator("ul.phone-menu li")
    for keys, contact in menu:
        expect(options.filter(has_text=f"Press {keys}").filter(has_text=contact.name)).to_have_count(1)
    row = real.locator("tr", has=page.get_by_role("link", name=directory.contact(BOR_TEAM).name, exact=True)).first
    expect(row.locator(".badge")).to_have_text("Open")
    check_page(page, "ivr", seen)


# --- the API reference ---------------------------------------------------------------------------------


def test_the_api_reference_is_linked_from_every_page_and_lists_the_endpoints(visit: tuple[Page, Watch]) -> None:
    page, seen = visit
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="API reference").click()
    page.wait_for_url("**/docs")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for operation in ("GET /api/route", "GET /api/contacts", "POST /api/forward", "POST /api/triage", "GET /api/ivr"):
        expect(page.get_by_role("heading", level=3, name=operation).first).to_be_visible()
    check_page(page, "docs", seen)


# --- the error page --------------------------------------------------------------------------------------


def test_an_unknown_address_gets_the_not_found_page(visit: tuple[Page, Watch]) -> None:
    page, seen = visit
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("link", name="Go to the home page")).to_have_attribute("href", "/")
    check_page(page, "not-found", seen)


# --- without Chromium ----------------------------------------------------------------------------------


def test_without_chromium_the_browser_tests_are_skipped_with_the_reason() -> None:
    with pytest.raises(pytest.skip.Exception, match="chromium not found; install it with apt-get install chromium"):
        require_chromium(find=lambda: None, environ={})
    assert "apt-get install chromium" in MISSING_CHROMIUM


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_without_chromium_in_ci_the_browser_tests_fail(ci: str) -> None:
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        require_chromium(find=lambda: None, environ={"CI": ci})


def test_ci_set_to_false_still_skips() -> None:
    with pytest.raises(pytest.skip.Exception):
        require_chromium(find=lambda: None, environ={"CI": "false"})
