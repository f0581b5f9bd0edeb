"""The staff console and POST /api/triage: sign-in, CSRF, triage, corrections, forwarding and asking, through real SMTP."""

from __future__ import annotations

import base64
import email
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from paths import FIXTURES
from smtp_fixture import SmtpServer
from starlette.testclient import TestClient

from routing.app import create_app
from routing.core.model import Directory
from routing.settings import ROOT, Settings
from routing.store.outbox import DONE, Outbox

PASSWORD = "test-staff-pass"
WEDNESDAY = "2026-03-18T10:00:00-07:00"
THURSDAY = "2026-03-19T09:00:00-07:00"


def _cpython_email_data() -> Path | None:
    try:
        import test.test_email

        return Path(test.test_email.__file__).parent / "data"
    except ImportError:
        fallback = Path("/root/.pyenv/versions/3.11.7/lib/python3.11/test/test_email/data")
        return fallback if fallback.is_dir() else None


CPYTHON_DATA = _cpython_email_data()
CPYTHON_FILES = sorted(p.name for p in CPYTHON_DATA.iterdir() if p.is_file()) if CPYTHON_DATA else []


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTING_NOW", WEDNESDAY)


@pytest.fixture
def staff_settings(make_settings: Callable[..., Settings], smtp_server: SmtpServer) -> Settings:
    return make_settings(
        smtp_host=smtp_server.host, smtp_port=smtp_server.port, smtp_timeout=2.0, mail_from="help-desk@desk.example",
        retry_base_seconds=0.05, retry_max_seconds=0.2,
    )


@pytest.fixture
def staff(staff_settings: Settings) -> Iterator[TestClient]:
    """A client signed in to the staff console."""
    with TestClient(create_app(staff_settings)) as client:
        sign_in(client)
        yield client


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One signed-in app for the many read-only API checks (building an app per file would be slow)."""
    tmp = tmp_path_factory.mktemp("staff-api")
    settings = Settings.from_env(
        {}, directory_path=ROOT / "directory.yaml", index_dir=tmp / "index", data_dir=tmp / "var",
        reload_interval=0, staff_password=PASSWORD, session_secret="test-secret",
    )
    with TestClient(create_app(settings)) as client:
        sign_in(client)
        yield client


@pytest.fixture
def stranger(staff_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(staff_settings)) as client:
        yield client


def token(client: TestClient, path: str = "/staff/login") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, password: str = PASSWORD) -> Any:
    return client.post("/staff/login", data={"password": password, "csrf_token": token(client), "next": "/staff"}, follow_redirects=False)


def post_email(client: TestClient, raw: bytes, **headers: str) -> Any:
    return client.post("/api/triage", content=raw, headers={"content-type": "message/rfc822", **headers})


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def act(client: TestClient, message_id: str, action: str, **fields: str) -> Any:
    csrf = token(client, f"/staff/messages/{message_id}")
    return client.post(f"/staff/messages/{message_id}/{action}", data={"csrf_token": csrf, **fields}, follow_redirects=True)


def flash_or_problem(page: Any) -> str:
    found = re.search(r'class="(?:notice|form-problem)"[^>]*>(?:<p><strong>)?([^<]+)', page.text)
    return found.group(1).strip() if found else ""


def outbox(client: TestClient) -> Outbox:
    return client.app.state.services.outbox  # type: ignore[attr-defined,no-any-return]


def wait_sent(client: TestClient, reference: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = outbox(client).get(reference)
        if item is not None and item.status in DONE:
            return item.status
        time.sleep(0.02)
    return "timeout"


# --- who may come in --------------------------------------------------------------------------

STAFF_PAGES = ["/staff", "/staff/triage", "/staff/messages/TR-00000000", "/staff/messages/TR-00000000/original"]
STAFF_POSTS = ["/staff/triage", "/staff/messages/TR-00000000/correct", "/staff/messages/TR-00000000/forward", "/staff/messages/TR-00000000/ask"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_every_staff_page_sends_strangers_to_sign_in(path: str, stranger: TestClient) -> None:
    response = stranger.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login?next=")


@pytest.mark.parametrize("path", STAFF_POSTS)
def test_every_staff_action_refuses_strangers(path: str, stranger: TestClient) -> None:
    response = stranger.post(path, data={"csrf_token": token(stranger)})
    assert response.status_code == 401
    assert "sign in" in response.text.lower()


def test_the_api_refuses_strangers_and_wrong_tokens(stranger: TestClient) -> None:
    raw = fixture("01_bor_change.eml")
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": "Basic " + PASSWORD}):
        response = post_email(stranger, raw, **headers)
        assert response.status_code == 401
        assert response.json()["error"]["message"].startswith("This needs staff access")
    assert stranger.get("/api/triage/TR-00000000").status_code == 401


def test_wrong_bearer_tokens_are_limited_and_then_even_the_right_one_waits(stranger: TestClient) -> None:
    raw = fixture("01_bor_change.eml")
    codes = [post_email(stranger, raw, authorization=f"Bearer guess{n}").status_code for n in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    assert post_email(stranger, raw, authorization=f"Bearer {PASSWORD}").status_code == 429  # a 200 would confirm the guess


def test_a_double_encoded_subject_adds_no_header_to_the_forward_or_the_reply(staff: TestClient, smtp_server: SmtpServer) -> None:
    hidden = base64.b64encode(b"=?utf-8?q?Broker_of_record=0D=0ABcc:_x@y.example?=").decode()
    raw = fixture("01_bor_change.eml").replace(b"Subject: Broker of record change", f"Subject: =?utf-8?b?{hidden}?=".encode())
    record = post_email(staff, raw).json()
    assert act(staff, record["id"], "forward").status_code == 200
    [received] = smtp_server.wait_for(1)
    assert received.message["Bcc"] is None
    assert "Bcc" not in received.message["Subject"].split(":")[0]
    assert received.rcpt_tos == (staff.app.state.services.snapshot.directory.contact("account-management-support").emails[0].address,)  # type: ignore[attr-defined]


def test_the_api_takes_the_staff_password_as_a_bearer_token(stranger: TestClient) -> None:
    response = post_email(stranger, fixture("01_bor_change.eml"), authorization=f"Bearer {PASSWORD}")
    assert response.status_code == 200 and response.json()["action"] == "forward"


def test_a_wrong_password_is_refused_and_the_console_stays_closed(stranger: TestClient) -> None:
    response = sign_in(stranger, "not-the-password")
    assert response.status_code == 401
    assert "password is not right" in response.text
    assert stranger.get("/staff", follow_redirects=False).status_code == 303


def test_signing_in_opens_the_console_and_signing_out_closes_it(stranger: TestClient) -> None:
    response = sign_in(stranger)
    assert response.status_code == 303 and response.headers["location"] == "/staff"
    assert stranger.get("/staff").status_code == 200
    out = stranger.post("/staff/logout", data={"csrf_token": token(stranger, "/staff")}, follow_redirects=False)
    assert out.status_code == 303
    assert stranger.get("/staff", follow_redirects=False).status_code == 303


def test_sign_in_only_returns_to_console_pages(stranger: TestClient) -> None:
    csrf = token(stranger)
    response = stranger.post("/staff/login", data={"password": PASSWORD, "csrf_token": csrf, "next": "https://evil.example/"}, follow_redirects=False)
    assert response.headers["location"] == "/staff"


def test_sign_in_attempts_are_limited(stranger: TestClient) -> None:
    codes = [sign_in(stranger, f"guess-{n}").status_code for n in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    assert sign_in(stranger).status_code == 429  # even the right password waits


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["correct", "forward", "ask"])
def test_staff_forms_need_their_csrf_token(action: str, staff: TestClient) -> None:
    record = post_email(staff, fixture("01_bor_change.eml")).json()
    for data in ({}, {"csrf_token": "forged"}):
        response = staff.post(f"/staff/messages/{record['id']}/{action}", data=data)
        assert response.status_code == 403
        assert "Reload the page" in response.text
    assert outbox(staff).counts()["queued"] + outbox(staff).counts()["sent"] == 0


def test_sign_in_and_triage_forms_need_their_csrf_token(stranger: TestClient, staff: TestClient) -> None:
    assert stranger.post("/staff/login", data={"password": PASSWORD}).status_code == 403
    assert staff.post("/staff/triage", data={"raw": "Subject: x\n\nhello"}).status_code == 403


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_answers_with_the_triage_and_stores_it(staff: TestClient) -> None:
    response = post_email(staff, fixture("03_cobra_subject_group_base64.eml"))
    body = response.json()
    assert response.status_code == 200
    assert body["contact"]["id"] == "client-services-unit" and body["group_id"] == "190044" and body["group_name"] == "Blue Heron Dental Group"
    assert body["status"] == "new" and body["url"] == f"/staff/messages/{body['id']}"
    assert staff.get(f"/api/triage/{body['id']}").json()["group_id"] == "190044"
    again = post_email(staff, fixture("03_cobra_subject_group_base64.eml")).json()
    assert again["id"] == body["id"] and again["duplicate"] is True


@pytest.mark.skipif(CPYTHON_DATA is None, reason="this Python ships without its test package (test/test_email/data)")
@pytest.mark.parametrize("name", CPYTHON_FILES)
def test_every_cpython_test_email_gets_a_json_answer(name: str, api: TestClient) -> None:
    assert CPYTHON_DATA is not None
    response = post_email(api, (CPYTHON_DATA / name).read_bytes())
    assert response.status_code == 200, response.text
    assert response.json()["action"] in ("forward", "ask_sender", "review", "ignore")


def test_cpython_test_emails_are_all_there() -> None:
    if CPYTHON_DATA is None:
        pytest.skip("this Python ships without its test package")
    assert sum(1 for n in CPYTHON_FILES if n.startswith("msg_")) >= 40


def test_empty_binary_and_truncated_input_get_json(api: TestClient) -> None:
    staff = api
    rnd = random.Random(4)
    whole = fixture("11_renewal_changes_alternative.eml")
    bodies = [b"", b"\x00", bytes(rnd.getrandbits(8) for _ in range(5000)), whole[: len(whole) // 3], whole[:-40], b"From: x\n\n" + os.urandom(64)]
    for raw in bodies:
        response = post_email(staff, raw)
        assert response.status_code == 200, response.text
        assert response.json()["action"] in ("review", "ask_sender", "forward", "ignore")
    assert post_email(staff, b"").json()["action"] == "review"


def test_an_oversized_email_gets_a_413_with_a_sentence(make_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(make_settings(max_message_bytes=2_000))) as client:
        sign_in(client)
        response = post_email(client, b"Subject: big\n\n" + b"x" * 3_000)
        assert response.status_code == 413
        assert "larger than the 2,000 bytes" in response.json()["error"]["message"]
        # Streamed without a length: refused all the same.
        chunked = client.post("/api/triage", content=iter([b"Subject: big\n\n", b"x" * 3_000]), headers={"content-type": "message/rfc822"})
        assert chunked.status_code == 413


def test_the_api_reads_only_raw_email(api: TestClient) -> None:
    response = api.post("/api/triage", json={"raw": "hello"})
    assert response.status_code == 415
    assert "message/rfc822" in response.json()["error"]["message"]


# --- the console ------------------------------------------------------------------------------------


def test_paste_an_email_and_see_the_triage_with_reasons(staff: TestClient) -> None:
    raw = fixture("21_missing_both_invoice_copy.eml").decode()
    response = staff.post("/staff/triage", data={"raw": raw, "csrf_token": token(staff, "/staff/triage")}, files={"file": ("", b"")})
    assert response.status_code == 200 and "/staff/messages/TR-" in str(response.url)
    text = response.text
    # An invoice copy is the California Service Center's, by phone: no listed mailbox covers it.
    assert "Needs a person" in text
    assert "California Service Center handles “Receive copies of bills” by phone: call 1-800-790-4661, press 1." in text
    assert "The reply that would go to dana.whitfield@example.com" in text


def test_upload_an_eml_file(staff: TestClient) -> None:
    response = staff.post(
        "/staff/triage",
        data={"raw": "", "csrf_token": token(staff, "/staff/triage")},
        files={"file": ("13.eml", fixture("13_terminations_csv_attachment.eml"), "message/rfc822")},
    )
    assert response.status_code == 200
    assert "Bayview Auto Glass Inc" in response.text and "terminations_2026-03.csv" in response.text


def test_an_empty_paste_is_explained(staff: TestClient) -> None:
    response = staff.post("/staff/triage", data={"raw": "  ", "csrf_token": token(staff, "/staff/triage")}, files={"file": ("", b"")})
    assert response.status_code == 422 and "Paste an email" in response.text


def test_the_list_shows_each_email_with_its_status(staff: TestClient) -> None:
    post_email(staff, fixture("01_bor_change.eml"))
    post_email(staff, fixture("41_precedence_bulk_newsletter.eml"))
    page = staff.get("/staff").text
    assert "Broker of record change" in page and "March issue: COBRA deadlines" in page
    assert 'status-new">New' in page and 'status-ignored">Ignored' in page  # words, not status names
    only_ignored = staff.get("/staff?status=ignored").text
    assert "March issue" in only_ignored and "Broker of record change" not in only_ignored


def test_the_original_can_be_downloaded_unchanged(staff: TestClient) -> None:
    raw = fixture("05_payment_arrangement_latin1.eml")
    record = post_email(staff, raw).json()
    response = staff.get(f"/staff/messages/{record['id']}/original")
    assert response.content == raw and response.headers["content-type"].startswith("message/rfc822")


def test_corrections_are_checked_and_change_the_triage(staff: TestClient, directory: Directory) -> None:
    record = post_email(staff, fixture("21_missing_both_invoice_copy.eml")).json()
    bad = act(staff, record["id"], "correct", contact_id="member-services", group_id="12", group_name="")
    assert bad.status_code == 422
    assert "does not take email" in bad.text and "“12” is not a group ID" in bad.text
    good = act(staff, record["id"], "correct", contact_id="client-services-unit", group_id="604213", group_name="Whitfield Books LLC")
    assert good.status_code == 200 and "Saved" in flash_or_problem(good)
    stored = staff.get(f"/api/triage/{record['id']}").json()
    assert stored["status"] == "corrected" and stored["action"] == "forward"
    assert stored["contact"]["id"] == "client-services-unit" and stored["group_name"] == "Whitfield Books LLC"


# --- forwarding through the outbox -------------------------------------------------------------------


def test_forward_is_delivered_once_to_the_team_with_the_original(staff: TestClient, smtp_server: SmtpServer, directory: Directory) -> None:
    raw = fixture("01_bor_change.eml")
    record = post_email(staff, raw).json()
    first = act(staff, record["id"], "forward")
    assert first.status_code == 200 and flash_or_problem(first).startswith("Forwarded")
    second = act(staff, record["id"], "forward")  # a double click
    assert second.status_code == 200
    stored = staff.get(f"/api/triage/{record['id']}").json()
    assert stored["status"] == "forwarded"
    reference = re.search(r"Reference (FW-[0-9A-Z]+)", flash_or_problem(first))
    assert reference and wait_sent(staff, reference.group(1)) == "sent"
    page = staff.get(f"/staff/messages/{record['id']}").text
    assert f"{reference.group(1)} to {directory.contact('account-management-support').emails[0].address}: <strong>sent</strong>" in page
    time.sleep(0.2)  # room for a wrong second delivery to show up
    [received] = smtp_server.messages
    team = directory.contact("account-management-support").emails[0].address
    assert received.rcpt_tos == (team,)
    message = received.message
    assert message["Reply-To"] == "Maria Ortiz <maria.ortiz@example.net>"
    assert message["Subject"] == "[Group 604213] Ortiz Landscaping LLC: Broker of record change"
    assert "Broker of record" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    [attached] = [part for part in message.iter_attachments() if part.get_content_type() == "message/rfc822"]
    original = attached.get_content()
    assert original["Message-ID"] == "<20260302091422.4471@example.net>"


def test_an_eight_bit_original_is_attached_byte_for_byte(staff: TestClient, smtp_server: SmtpServer) -> None:
    raw = fixture("20_reply_outlook_reconcile_cp1252.eml")
    record = post_email(staff, raw).json()
    # No listed mailbox covers a bill to reconcile, so staff name the team themselves.
    act(staff, record["id"], "correct", contact_id="client-services-unit")
    act(staff, record["id"], "forward")
    [received] = smtp_server.wait_for(1)
    [attached] = list(received.message.iter_attachments())
    assert attached.get_content() == raw


def test_forward_needs_both_group_fields(staff: TestClient, smtp_server: SmtpServer) -> None:
    record = post_email(staff, fixture("23_missing_name_plan_change.eml")).json()
    response = act(staff, record["id"], "forward")
    assert response.status_code == 409 and "group name is not known yet" in response.text
    assert smtp_server.messages == []


# --- asking the sender ---------------------------------------------------------------------------------


def test_ask_sender_reply_goes_to_the_sender_marked_as_automatic(staff: TestClient, smtp_server: SmtpServer) -> None:
    record = post_email(staff, fixture("22_missing_id_cobra_zip.eml")).json()
    response = act(staff, record["id"], "ask")
    assert response.status_code == 200 and "in the outbox for nora@example.net" in flash_or_problem(response)
    [received] = smtp_server.wait_for(1)
    assert received.rcpt_tos == ("nora@example.net",)
    message: EmailMessage = received.message
    reference = re.search(r"Reference (FW-[0-9A-Z]+)", flash_or_problem(response))
    assert reference
    # The reference in the subject lets a reply be matched even when the sender's mail program drops In-Reply-To.
    assert message["Subject"] == f"Re: COBRA for employee going part-time [Ref {reference.group(1)}]"
    assert message["In-Reply-To"] == "<CANj3ns0@example.net>"
    assert message["Auto-Submitted"] == "auto-replied"
    assert "did not include the group ID" in message.get_content()
    assert staff.get(f"/api/triage/{record['id']}").json()["status"] == "asked"


def test_each_sender_gets_at_most_one_ask_a_day(staff: TestClient, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = fixture("21_missing_both_invoice_copy.eml")
    first = post_email(staff, raw).json()
    second = post_email(staff, raw.replace(b"<CAD8wf1tq@example.com>", b"<CAD8wf1tq-2@example.com>")).json()
    assert act(staff, first["id"], "ask").status_code == 200
    again = act(staff, first["id"], "ask")
    assert again.status_code == 409 and "already sent today" in again.text
    refused = act(staff, second["id"], "ask")
    assert refused.status_code == 429 and "at most one a day" in refused.text
    monkeypatch.setenv("ROUTING_NOW", THURSDAY)
    assert act(staff, second["id"], "ask").status_code == 200
    received = smtp_server.wait_for(2)
    time.sleep(0.2)
    assert len(smtp_server.messages) == 2 == len(received)


def test_machine_mail_is_never_answered(staff: TestClient, smtp_server: SmtpServer) -> None:
    for name in ("40_auto_replied_out_of_office.eml", "44_bounce_delivery_status.eml", "46_noreply_payment_confirmation.eml"):
        record = post_email(staff, fixture(name)).json()
        response = act(staff, record["id"], "ask")
        assert response.status_code == 409 and "never answered" in response.text
    assert smtp_server.messages == []


def test_nothing_to_ask_when_nothing_is_missing(staff: TestClient) -> None:
    record = post_email(staff, fixture("01_bor_change.eml")).json()
    response = act(staff, record["id"], "ask")
    assert response.status_code == 409 and "forward it to the team instead" in response.text


def test_the_received_messages_parse_as_email(staff: TestClient, smtp_server: SmtpServer) -> None:
    record = post_email(staff, fixture("07_reinstatement_rfc2047_subject.eml")).json()
    act(staff, record["id"], "correct", contact_id="client-services-unit")  # no listed mailbox covers a reinstatement
    act(staff, record["id"], "forward")
    [received] = smtp_server.wait_for(1)
    reparsed = email.message_from_bytes(received.raw, policy=policy.default)
    assert reparsed["Subject"] == "[Group 5521873] Café Lumière LLC: Reinstatement request – Café Lumière LLC"


def test_the_session_cookie_is_secure_behind_https_and_lasts_a_working_day(make_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(make_settings(public_base_url="https://help.example.org")), base_url="https://help.example.org") as client:
        cookie = client.get("/staff/login").headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "max-age=43200" in cookie
