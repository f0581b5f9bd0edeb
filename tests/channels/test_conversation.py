"""Following the conversation end to end: an email without its group ID arrives over SMTP, the desk asks,
the sender replies, and the team gets one forward with both; a second reply forwards nothing more.

Everything is real: the inbound SMTP listener on loopback, the staff console (TestClient) pressing "Ask",
and aiosmtpd (``smtp_server``) as the mail server both the ask and the forward go out through.
"""

from __future__ import annotations

import asyncio
import re
import smtplib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

import pytest
from paths import FIXTURES
from smtp_fixture import Received, SmtpServer
from starlette.testclient import TestClient

from routing.app import create_app
from routing.channels.inbound_smtp import serve
from routing.core.model import Directory
from routing.settings import Settings
from routing.store.outbox import Outbox, outbox_path
from routing.store.triage_log import ASKED, FORWARDED, Record, TriageLog, triage_path

NOW = "2026-03-18T10:00:00-07:00"
PASSWORD = "test-staff-pass"
ORIGINAL = (FIXTURES / "22_missing_id_cobra_zip.eml").read_bytes()  # Lakeside Florist, no group ID


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTING_NOW", NOW)


@pytest.fixture
def desk(make_settings: Callable[..., Settings], smtp_server: SmtpServer) -> Settings:
    return make_settings(
        smtp_host=smtp_server.host, smtp_port=smtp_server.port, smtp_timeout=2.0, mail_from="help-desk@desk.example",
        retry_base_seconds=0.05, retry_max_seconds=0.2,
    )


@contextmanager
def listening(settings: Settings) -> Iterator[int]:
    """The inbound SMTP listener on its own thread and loop; yields its port."""
    ready = threading.Event()
    box: dict[str, Any] = {}

    def run() -> None:
        async def main() -> None:
            box["loop"], box["stop"] = asyncio.get_running_loop(), asyncio.Event()

            def started(port: int) -> None:
                box["port"] = port
                ready.set()

            await serve(settings, "127.0.0.1", 0, started, box["stop"])

        try:
            asyncio.run(main())
        except BaseException as exc:
            box["error"] = exc
            ready.set()

    thread = threading.Thread(target=run, name="inbound-conversation", daemon=True)
    thread.start()
    assert ready.wait(30), "the listener did not start"
    if "error" in box:
        raise box["error"]
    try:
        yield int(box["port"])
    finally:
        box["loop"].call_soon_threadsafe(box["stop"].set)
        thread.join(15)


def deliver(port: int, raw: bytes) -> None:
    """One message to the listener, as a mail server hands it on; returns once it is triaged and stored (the 250)."""
    wire = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        refused = client.sendmail("nora@example.net", ["smallbiz-inbox@example.com"], wire)
    assert refused == {}


def reply_to(ask: EmailMessage, body: str, message_id: str, headers: bool = True) -> bytes:
    lines = [
        "From: Nora Jensen <nora@example.net>",
        "To: help-desk@desk.example",
        f"Subject: Re: {ask['Subject']}",
        "Date: Wed, 18 Mar 2026 10:20:00 -0700",
        f"Message-ID: {message_id}",
    ]
    if headers:
        lines += [f"In-Reply-To: {ask['Message-ID']}", f"References: {ask['References']} {ask['Message-ID']}"]
    quoted = "\n".join("> " + line for line in ask.get_content().splitlines())
    lines += ["MIME-Version: 1.0", 'Content-Type: text/plain; charset="UTF-8"', "", body, "", "On Wed, Mar 18, 2026, Help desk wrote:", quoted, ""]
    return "\n".join(lines).encode()


def records(settings: Settings) -> list[Record]:
    log = TriageLog(triage_path(settings.data_dir))
    try:
        return sorted(log.recent(), key=lambda r: r.received_at)
    finally:
        log.close()


def outbox_rows(settings: Settings) -> int:
    box = Outbox(outbox_path(settings.data_dir))
    try:
        return len(box.recent(100))
    finally:
        box.close()


def wait_until(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def staff_client(settings: Settings) -> TestClient:
    client = TestClient(create_app(settings))
    client.__enter__()
    page = client.get("/staff/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    client.post("/staff/login", data={"password": PASSWORD, "csrf_token": csrf.group(1), "next": "/staff"})
    return client


def press(client: TestClient, record_id: str, action: str) -> str:
    page = client.get(f"/staff/messages/{record_id}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    done = client.post(f"/staff/messages/{record_id}/{action}", data={"csrf_token": csrf.group(1)})
    assert done.status_code == 200, done.text
    return done.text


def to_team(messages: list[Received], directory: Directory) -> list[Received]:
    teams = {e.address for c in directory.contacts for e in c.emails}
    return [m for m in messages if set(m.rcpt_tos) & teams]


def test_a_reply_with_the_group_id_completes_the_request_in_one_forward(desk: Settings, smtp_server: SmtpServer, directory: Directory) -> None:
    staff = staff_client(desk)
    try:
        with listening(desk) as port:
            deliver(port, ORIGINAL)
            [first] = records(desk)
            assert first.action == "ask_sender" and first.result["missing"] == ["group_id"]

            press(staff, first.id, "ask")
            [ask] = smtp_server.wait_for(1)
            assert ask.rcpt_tos == ("nora@example.net",)
            assert re.search(r"\[Ref FW-[0-9A-Z]{8}\]$", ask.message["Subject"])

            deliver(port, reply_to(ask.message, "Sorry about that! Our group ID is 604213.\n\nNora", "<reply-1@example.net>"))
            [forward] = wait_until(lambda: to_team(smtp_server.messages, directory))
            # A second reply (thanks, or the ID again) is kept with the thread and forwards nothing more.
            deliver(port, reply_to(ask.message, "Thanks! Just confirming group 604213.\n\nNora", "<reply-2@example.net>"))
            wait_until(lambda: len(records(desk)) == 3)
    finally:
        staff.__exit__(None, None, None)

    root, reply, late = records(desk)
    team = directory.contact("client-services-unit").emails[0].address
    assert forward.rcpt_tos == (team,)
    message = forward.message
    assert message["Subject"] == "[Group 604213] Lakeside Florist: COBRA for employee going part-time"
    assert message["Reply-To"] == "Nora Jensen <nora@example.net>"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "dropping to 15 hours a week" in text and "Our group ID is 604213" in text  # the request and the new detail, together
    attached = [part.get_filename() for part in message.iter_attachments()]
    assert attached == ["original.eml", "reply-1.eml"]

    assert (root.status, reply.status) == (FORWARDED, FORWARDED) and root.forward_id == reply.forward_id
    assert reply.thread_id == root.id == late.thread_id and reply.in_reply_to == root.id
    assert late.status == "new" and "already forwarded" in late.result["reason"]
    assert outbox_rows(desk) == 2  # the ask and one forward: the late reply queued nothing
    assert [m.rcpt_tos for m in smtp_server.messages] == [("nora@example.net",), (team,)]


def test_the_console_shows_the_thread_and_a_reply_is_matched_by_its_subject_alone(desk: Settings, smtp_server: SmtpServer) -> None:
    staff = staff_client(desk)
    try:
        first = staff.post("/api/triage", content=ORIGINAL, headers={"content-type": "message/rfc822"}).json()
        press(staff, first["id"], "ask")
        [ask] = smtp_server.wait_for(1)
        # A mail program that drops In-Reply-To and References: the [Ref FW-…] tag in the subject still matches it.
        raw = reply_to(ask.message, "Here you go: group 604213.", "<reply-s@example.net>", headers=False)
        reply = staff.post("/api/triage", content=raw, headers={"content-type": "message/rfc822"}).json()
        assert reply["status"] == FORWARDED
        page = staff.get(f"/staff/messages/{first['id']}").text
    finally:
        staff.__exit__(None, None, None)
    history = re.search(r'<ol class="conversation-history">(.*?)</ol>', page, re.S)
    assert history, "no conversation on the first email's page"
    steps = re.findall(r"<strong>([^<]+)</strong>", history.group(1))
    assert [s.split()[0] for s in steps] == ["Received", "Asked", "Reply", "Forwarded"]
    assert "Asked nora@example.net for the group ID" in steps[1] and "Client Services Unit" in steps[3]
    assert "604213" in page and "the sender&#39;s reply" in page  # the ID, and where it came from


def test_a_reply_still_missing_something_is_asked_once_more_for_only_that(desk: Settings, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    both_missing = (FIXTURES / "21_missing_both_invoice_copy.eml").read_bytes()
    staff = staff_client(desk)
    try:
        first = staff.post("/api/triage", content=both_missing, headers={"content-type": "message/rfc822"}).json()
        assert set(first["missing"]) == {"group_id", "group_name"}
        press(staff, first["id"], "ask")
        [ask] = smtp_server.wait_for(1)
        sender = first["reply_to"]
        # The same day: the one-a-day slot is taken, so the desk does not ask again and says why.
        raw = reply_to(ask.message, "Our group ID is 604213.", "<partial-1@example.net>").replace(b"nora@example.net", sender.encode())
        same_day = staff.post("/api/triage", content=raw, headers={"content-type": "message/rfc822"}).json()
        assert same_day["status"] == "new" and "not asked for again" in same_day["reason"] and "at most one a day" in same_day["reason"]
        # The next day a reply that still lacks the name gets one more ask, for the name only.
        monkeypatch.setenv("ROUTING_NOW", "2026-03-19T09:00:00-07:00")
        raw = reply_to(ask.message, "Group ID 604213 again, sorry.", "<partial-2@example.net>").replace(b"nora@example.net", sender.encode())
        next_day = staff.post("/api/triage", content=raw, headers={"content-type": "message/rfc822"}).json()
        assert next_day["status"] == ASKED
        [_, again] = smtp_server.wait_for(2)
        body = again.message.get_content()
        assert "did not include the group name" in body and "Group ID: 604213" in body and "  Group ID: 5 to 8" not in body
        assert again.message["In-Reply-To"] == "<partial-2@example.net>"
    finally:
        staff.__exit__(None, None, None)
