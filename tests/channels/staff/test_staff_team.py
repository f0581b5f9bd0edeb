"""The console for a team: named sign-in, the bootstrap password, the audit trail, finding emails, no second Forward."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from paths import FIXTURES
from starlette.testclient import TestClient

from routing.app import create_app
from routing.services import Services
from routing.settings import Settings
from routing.store.staff_accounts import BOOTSTRAP

SHARED = "test-staff-pass"  # make_settings' STAFF_PASSWORD
MARIA = ("maria.ortiz", "maria's own long password")
SAM = ("sam", "sam's own long password")


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTING_NOW", "2026-03-18T10:00:00-07:00")  # a Wednesday morning: every team open


@pytest.fixture
def desk(make_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    """The app with no mail server (sends become .eml files) and no one signed in."""
    with TestClient(create_app(make_settings(mail_from="help-desk@desk.example"))) as client:
        yield client


def svc(client: TestClient) -> Services:
    return client.app.state.services  # type: ignore[attr-defined,no-any-return]


def with_accounts(client: TestClient, *accounts: tuple[str, str]) -> TestClient:
    for name, password in accounts:
        assert svc(client).staff_accounts.add(name, password)
    return client


def token(client: TestClient, path: str = "/staff/login") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str) -> Any:
    form = {"name": name, "password": password, "csrf_token": token(client), "next": "/staff"}
    return client.post("/staff/login", data=form, follow_redirects=False)


def text(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


def triage(client: TestClient, name: str) -> str:
    raw = (FIXTURES / name).read_bytes()
    response = client.post("/api/triage", content=raw, headers={"content-type": "message/rfc822"})
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def act(client: TestClient, record_id: str, action: str, **fields: str) -> Any:
    csrf = token(client, f"/staff/messages/{record_id}")
    return client.post(f"/staff/messages/{record_id}/{action}", data={"csrf_token": csrf, **fields}, follow_redirects=True)


def history(client: TestClient, record_id: str) -> list[str]:
    """The "Who did what" list on the email's page, one line of text per entry."""
    page = client.get(f"/staff/messages/{record_id}").text
    block = re.search(r'<ol class="audit-history">(.*?)</ol>', page, re.S)
    items = re.findall(r"<li>(.*?)</li>", block.group(1), re.S) if block else []
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


# --- signing in -------------------------------------------------------------------------------------


def test_staff_sign_in_by_name_and_the_console_says_who(desk: TestClient) -> None:
    with_accounts(desk, MARIA)
    response = sign_in(desk, "Maria.Ortiz", MARIA[1])  # names are matched in any case
    assert response.status_code == 303 and response.headers["location"] == "/staff"
    page = desk.get("/staff")
    assert page.status_code == 200 and "Signed in as maria.ortiz" in text(page)
    assert "shared set-up password" not in text(page)


def test_a_wrong_password_or_unknown_name_is_refused_with_a_sentence_and_counted(make_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(make_settings(staff_login_rate_limit=3))) as desk:
        with_accounts(desk, MARIA)
        wrong = sign_in(desk, MARIA[0], "not maria's password")
        assert wrong.status_code == 401 and "That name and password do not match" in text(wrong)
        assert 'value="maria.ortiz"' in wrong.text  # the name stays typed
        assert sign_in(desk, "nobody", MARIA[1]).status_code == 401
        assert sign_in(desk, MARIA[0], "still not it").status_code == 401
        limited = sign_in(desk, MARIA[0], MARIA[1])  # the budget is spent: even the right password waits
        assert limited.status_code == 429
        assert desk.get("/staff", follow_redirects=False).status_code == 303


def test_the_shared_password_signs_in_as_bootstrap_only_while_no_account_exists(desk: TestClient) -> None:
    login = desk.get("/staff/login")
    assert "No staff accounts exist yet" in text(login) and 'name="name"' in login.text
    assert sign_in(desk, "", SHARED).status_code == 303
    page = text(desk.get("/staff"))
    assert f"Signed in as {BOOTSTRAP}" in page and "python -m routing staff add NAME" in page

    with_accounts(desk, MARIA)
    # The bootstrap session in this browser ends with the first account.
    assert desk.get("/staff", follow_redirects=False).headers["location"].startswith("/staff/login")
    refused = sign_in(desk, "", SHARED)
    assert refused.status_code == 401 and "no longer signs in" in text(refused)
    assert "the name of your staff account" in text(desk.get("/staff/login")).lower()
    # It stays the API's Bearer token, for scripts and the mail server's pipe.
    raw = (FIXTURES / "01_bor_change.eml").read_bytes()
    api = desk.post("/api/triage", content=raw, headers={"content-type": "message/rfc822", "authorization": f"Bearer {SHARED}"})
    assert api.status_code == 200


def test_a_named_session_ends_when_the_account_is_removed(desk: TestClient) -> None:
    with_accounts(desk, MARIA)
    assert sign_in(desk, *MARIA).status_code == 303
    svc(desk).staff_accounts.remove(MARIA[0])
    svc(desk).staff_sessions.end_for(MARIA[0])  # what `python -m routing staff remove` does
    assert desk.get("/staff", follow_redirects=False).status_code == 303


# --- the audit trail ---------------------------------------------------------------------------------


def test_each_action_is_recorded_with_who_did_it(desk: TestClient) -> None:
    with_accounts(desk, MARIA, SAM)
    sign_in(desk, *MARIA)
    asked = triage(desk, "22_missing_id_cobra_zip.eml")
    assert "in the outbox" in text(act(desk, asked, "ask"))
    fixed = triage(desk, "23_missing_name_plan_change.eml")
    assert "Saved" in text(act(desk, fixed, "correct", group_name="Harbor Fitness Center"))

    desk.post("/staff/logout", data={"csrf_token": token(desk, "/staff")})
    sign_in(desk, *SAM)
    assert "Forwarded" in text(act(desk, fixed, "forward"))
    spam = triage(desk, "25_missing_both_general_question.eml")
    assert "Marked ignored" in text(act(desk, spam, "ignore"))

    entries = {(e.message, e.action): e for e in svc(desk).audit.recent()}
    assert entries[(asked, "asked")].actor == "maria.ortiz" and entries[(asked, "asked")].ref.startswith("FW-")
    assert entries[(fixed, "corrected")].actor == "maria.ortiz"
    assert entries[(fixed, "corrected")].detail == "the group name to Harbor Fitness Center"
    assert entries[(fixed, "forwarded")].actor == "sam" and "(" in entries[(fixed, "forwarded")].detail
    assert entries[(spam, "ignored")].actor == "sam"
    assert len(entries) == 4

    steps = history(desk, fixed)
    assert len(steps) == 2
    assert steps[0].startswith("Corrected the group name to Harbor Fitness Center by maria.ortiz,")
    assert steps[1].startswith("Forwarded to ") and "by sam," in steps[1]
    assert desk.get(f"/api/triage/{spam}").json()["status"] == "ignored"


def test_an_email_nobody_touched_says_so_and_a_double_click_is_one_entry(desk: TestClient) -> None:
    with_accounts(desk, SAM)
    sign_in(desk, *SAM)
    record = triage(desk, "01_bor_change.eml")
    assert "No one has forwarded, asked, corrected or ignored this email yet." in text(desk.get(f"/staff/messages/{record}"))
    act(desk, record, "forward")
    act(desk, record, "forward")
    assert [e.action for e in svc(desk).audit.for_message(record)] == ["forwarded"]


# --- an email already forwarded ------------------------------------------------------------------------


def test_a_forwarded_email_says_to_whom_when_and_by_whom_and_offers_no_forward(desk: TestClient) -> None:
    with_accounts(desk, SAM)
    sign_in(desk, *SAM)
    record = triage(desk, "01_bor_change.eml")
    before = desk.get(f"/staff/messages/{record}").text
    assert f'action="/staff/messages/{record}/forward"' in before and f'action="/staff/messages/{record}/ignore"' in before
    act(desk, record, "forward")
    page = desk.get(f"/staff/messages/{record}")
    words = text(page)
    sentence = re.search(r"Forwarded to (.+?) on (\d{4}-\d\d-\d\d \d\d:\d\d \w+) by sam\.", words)
    assert sentence, words[:2000]
    assert "Account Management Support Team" in sentence.group(1)
    assert f'action="/staff/messages/{record}/forward"' not in page.text
    assert f'action="/staff/messages/{record}/ignore"' not in page.text  # nor Ignore: it is dealt with
    # A second forward (an old tab) queues nothing and says why.
    again = act(desk, record, "forward")
    assert again.status_code == 200 and "It is not forwarded again." in text(again)
    stored = svc(desk).triage_log.get(record)
    assert stored is not None and [i.id for i in svc(desk).outbox.recent(10)] == [stored.forward_id]
    refused = act(desk, record, "ignore")
    assert refused.status_code == 409 and "already forwarded" in text(refused)


# --- finding emails on the list -----------------------------------------------------------------------------


def fill(client: TestClient, count: int) -> list[str]:
    """``count`` stored emails, one a minute, alternating teams; their references, oldest first."""
    ids = []
    for n in range(count):
        team = ("account-management-support", "Account Management Support Team") if n % 2 else ("client-services-unit", "Client Services Unit")
        result = {
            "from": f"owner{n}@{'bakery' if n % 5 == 0 else 'garage'}.example", "subject": f"Request number {n}", "action": "forward",
            "group_id": f"7{n:05d}", "group_name": f"Shop {n}", "missing": [], "contact": {"id": team[0], "name": team[1]},
        }
        record, _ = svc(client).triage_log.add(f"Subject: {n}\n\nbody {n}".encode(), result, "api", now=1_773_000_000.0 + 60 * n)
        ids.append(record.id)
    return ids


def subjects(response: Any) -> list[str]:
    return re.findall(r'<td class="subject"><a href="/staff/messages/[^"]+">([^<]+)</a>', response.text)


def test_the_list_filters_by_group_id_sender_team_and_status_in_a_shareable_url(desk: TestClient) -> None:
    sign_in(desk, "", SHARED)
    ids = fill(desk, 12)
    svc(desk).triage_log.mark(ids[10], "forwarded", "FW-TEST0001")
    page = desk.get("/staff")
    for label in ("Group ID", "Sender", "Team", "Status"):
        assert re.search(rf'<label for="filter-[a-z]+">{label}</label>', page.text), label
    assert subjects(desk.get("/staff?group=700007")) == ["Request number 7"]
    assert subjects(desk.get("/staff?sender=Bakery")) == ["Request number 10", "Request number 5", "Request number 0"]
    team = desk.get("/staff?team=account-management-support&sender=bakery")
    assert subjects(team) == ["Request number 5"]
    assert 'option value="account-management-support" selected' in team.text and 'value="bakery"' in team.text
    assert subjects(desk.get("/staff?status=forwarded")) == ["Request number 10"]
    nothing = desk.get("/staff?group=999999")
    assert subjects(nothing) == [] and "No email matches your search" in text(nothing)
    # A team or status this desk does not have is dropped rather than matching nothing.
    assert len(subjects(desk.get("/staff?team=no-such-team&status=bogus"))) == 12
    assert "12 emails." in text(page)


def test_the_list_pages_by_fifty_with_newer_and_older_links_that_keep_the_filters(desk: TestClient) -> None:
    sign_in(desk, "", SHARED)
    ids = fill(desk, 120)
    newest_first = [f"Request number {n}" for n in range(119, -1, -1)]
    first = desk.get("/staff")
    assert subjects(first) == newest_first[:50] and "Emails 1 to 50 of 120." in text(first)
    assert 'rel="prev"' not in first.text
    older = re.search(r'<a href="([^"]+)" rel="next">Older emails', first.text)
    assert older
    second = desk.get(html.unescape(older.group(1)))
    assert subjects(second) == newest_first[50:100] and "Emails 51 to 100 of 120." in text(second)
    third_link = re.search(r'<a href="([^"]+)" rel="next">', second.text)
    assert third_link
    third = desk.get(html.unescape(third_link.group(1)))
    assert subjects(third) == newest_first[100:] and 'rel="next"' not in third.text
    newer = re.search(r'<a href="([^"]+)" rel="prev">← Newer emails', third.text)
    assert newer and subjects(desk.get(html.unescape(newer.group(1)))) == newest_first[50:100]

    # The filters travel with the page links.
    filtered = desk.get("/staff?team=client-services-unit")
    assert len(subjects(filtered)) == 50 and "of 60 matching your search" in text(filtered)
    link = re.search(r'<a href="([^"]+)" rel="next">', filtered.text)
    assert link
    query = parse_qs(urlsplit(html.unescape(link.group(1))).query)
    assert query["team"] == ["client-services-unit"] and query["older"] == [ids[20]]
    assert len(subjects(desk.get(html.unescape(link.group(1))))) == 10
