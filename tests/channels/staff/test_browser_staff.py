"""The staff console for a team in a real browser: sign in by name, find emails, page through them, see who forwarded.

The app runs as a subprocess (tests/browser.py) with its own DATA_DIR; the
account is made with the real command, ``python -m routing staff add``, and the
emails arrive through POST /api/triage with the shared password as Bearer
token, as a mail server's pipe would send them. Screenshots go to
var/screenshots/staff-team-*.png.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from browser import DESKTOP, PHONE, SCREENSHOT_DIR, LiveServer, Watch, check_page, live_server
from paths import FIXTURES
from playwright.sync_api import Page, expect

from routing.settings import ROOT

NAME, PASSWORD = "maria.ortiz", "a long staff password"
EMAILS = 64  # more than a page of 50
WIDTHS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]
MONDAY_10AM = "2026-11-23T10:00:00-08:00"


@pytest.fixture(scope="module")
def server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("staff-team")
    with live_server(folder, {"ROUTING_NOW": MONDAY_10AM, "MAIL_FROM": "help-desk@desk.example"}) as running:
        _add_account(folder / "var", running.staff_password)
        _post_emails(running)
        yield running


def _add_account(data_dir: Path, shared: str) -> None:
    env = {"DATA_DIR": str(data_dir), "STAFF_PASSWORD": shared, "SESSION_SECRET": "unused-here", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "routing", "staff", "add", NAME, "--password-stdin"],
        input=PASSWORD + "\n", text=True, capture_output=True, cwd=ROOT, env=env, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"Added {NAME}" in done.stdout


def _post_emails(server: LiveServer) -> None:
    """Alternating a broker-of-record change (Maria) and a COBRA question (Nora), each made unique by a header."""
    sources = [(FIXTURES / "01_bor_change.eml").read_bytes(), (FIXTURES / "22_missing_id_cobra_zip.eml").read_bytes()]
    headers = {"authorization": f"Bearer {server.staff_password}", "content-type": "message/rfc822"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        for n in range(EMAILS):
            raw = f"X-Test-Number: {n}\r\n".encode() + sources[n % 2]
            assert client.post("/api/triage", content=raw).status_code == 200


def photograph(page: Page, name: str) -> None:
    """What the screen shows first at this width (check_page keeps the full pages), for a person to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"staff-team-{name}-{(page.viewport_size or DESKTOP)['width']}.png"))


def rows(page: Page) -> int:
    return page.locator(".staff-table tbody tr").count()


@pytest.mark.parametrize("size", WIDTHS)
def test_sign_in_by_name_filter_and_page_through_the_list(visit: tuple[Page, Watch], server: LiveServer, size: dict[str, int]) -> None:
    page, seen = visit
    page.set_viewport_size(size)
    page.goto("/staff")
    page.wait_for_url(re.compile(r"/staff/login\?next="))
    photograph(page, "login")
    check_page(page, "staff-team-login", seen)

    # Once an account exists the name is required: the shared password alone is stopped in the browser
    # (the server refuses it too; see test_staff_team.py).
    page.get_by_label("Staff password").fill(server.staff_password)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_label("Your name").evaluate("field => field.matches(':invalid')")
    assert urlsplit(page.url).path == "/staff/login"

    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Staff password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff$"))
    expect(page.get_by_role("navigation", name="Staff console")).to_contain_text(f"Signed in as {NAME}")
    expect(page.get_by_role("status").first).to_have_text(f"Emails 1 to 50 of {EMAILS}.")
    assert rows(page) == 50
    photograph(page, "list")
    check_page(page, "staff-team-list", seen)

    older = page.get_by_role("link", name="Older emails")
    older.click()
    page.wait_for_url(re.compile(r"older=TR-"))
    expect(page.get_by_role("status").first).to_have_text(f"Emails 51 to {EMAILS} of {EMAILS}.")
    assert rows(page) == EMAILS - 50
    expect(page.get_by_role("link", name="Older emails")).to_have_count(0)
    page.get_by_role("link", name="Newer emails").click()
    expect(page.get_by_role("status").first).to_have_text(f"Emails 1 to 50 of {EMAILS}.")

    search = page.get_by_role("search")
    search.get_by_label("Sender").fill("nora@")
    search.get_by_role("button", name="Find emails").click()
    page.wait_for_url(re.compile(r"sender=nora"))
    assert parse_qs(urlsplit(page.url).query)["sender"] == ["nora@"]
    expect(page.get_by_role("status").first).to_have_text(f"{EMAILS // 2} emails matching your search.")
    senders = page.locator('.staff-table td[data-label="From"]').all_inner_texts()
    assert len(senders) == EMAILS // 2 and all(s == "nora@example.net" for s in senders)
    expect(search.get_by_label("Sender")).to_have_value("nora@")  # the form shows what is filtered
    photograph(page, "filtered")
    check_page(page, "staff-team-filtered", seen)

    # Group ID and team together: Maria's emails (group 604213, the broker-of-record team); Nora's have no group ID.
    search.get_by_label("Group ID").fill("604213")
    search.get_by_label("Sender").fill("")
    search.get_by_label("Team").select_option(label="Account Management Support Team")
    search.get_by_role("button", name="Find emails").click()
    page.wait_for_url(re.compile(r"group=604213"))
    assert parse_qs(urlsplit(page.url).query)["team"] == ["account-management-support"]
    expect(page.get_by_role("status").first).to_have_text(f"{EMAILS // 2} emails matching your search.")
    assert set(page.locator('.staff-table td[data-label="From"]').all_inner_texts()) == {"maria.ortiz@example.net"}
    page.get_by_role("link", name="Show all emails").click()
    page.wait_for_url(re.compile(r"/staff$"))


def test_a_forwarded_email_says_who_forwarded_it_and_offers_no_forward(visit: tuple[Page, Watch], server: LiveServer) -> None:
    page, seen = visit
    page.goto("/staff/login")
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Staff password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff$"))
    page.get_by_label("Sender").fill("maria.ortiz@")
    page.get_by_label("Status").select_option("new")
    page.get_by_role("button", name="Find emails").click()
    page.wait_for_url(re.compile(r"status=new"))
    page.locator(".staff-table td.subject a").first.click()
    page.wait_for_url(re.compile(r"/staff/messages/TR-[0-9A-Z]+$"))
    page.get_by_role("button", name=re.compile(r"^Forward to ")).click()
    expect(page.get_by_role("status").first).to_contain_text("Forwarded: the email is in the outbox")
    expect(page.locator("#forwarded")).to_have_text(re.compile(rf"^Forwarded to Account Management Support Team \(.+\) on .+ by {re.escape(NAME)}\.$"))
    expect(page.get_by_role("button", name=re.compile(r"^Forward to "))).to_have_count(0)
    expect(page.get_by_role("button", name="Ignore this email")).to_have_count(0)
    history = page.get_by_role("region", name="Who did what")
    expect(history).to_contain_text(f"by {NAME}")
    photograph(page, "forwarded")
    check_page(page, "staff-team-forwarded", seen)
