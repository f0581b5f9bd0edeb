"""Composing the email, and delivering it to a real SMTP server with retries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from smtp_fixture import SmtpServer, unused_server

from routing.core.model import Directory, Email
from routing.core.recipients import team_email
from routing.delivery.enqueue import form_outgoing, put
from routing.delivery.sender import Sender
from routing.delivery.transport import EmlTransport, SmtpTransport, backoff, eml_dir
from routing.present.email import Letter, compose, message_id
from routing.settings import Settings
from routing.store.outbox import FAILED, SENT, WRITTEN, Item, Outbox, new_reference, outbox_path

SUBMITTED = "2026-11-23T09:15:00-08:00"
FIELDS = {
    "group_name": "Ortiz Landscaping LLC",
    "group_id": "604213",
    "name": "Ana Ortiz",
    "email": "ana@ortiz-landscaping.example",
    "phone": "",
    "subject": "Broker of record change",
    "message": "We are switching brokers as of January 1.\nPlease send the forms.",
}


def letter_for(directory: Directory, at: Callable[[str], datetime], **fields: str) -> Letter:
    team = directory.contact("account-management-support")
    email = team_email(team, team.topics[:1])
    assert email is not None
    return Letter(
        reference=new_reference(),
        fields={**FIELDS, **fields},
        contact=team,
        to=email,
        reason="“Broker of record changes” is handled by Account Management Support Team.",
        submitted_at=at(SUBMITTED),
        timezone=directory.timezone,
    )


def test_the_email_carries_the_group_and_reaches_the_team(directory: Directory, at: Callable[[str], datetime]) -> None:
    letter = letter_for(directory, at)
    raw = compose(letter, "Help desk <desk@help.example>").as_bytes()
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    team_address = directory.contact("account-management-support").emails[0].address
    assert msg["Subject"] == "[Group 604213] Ortiz Landscaping LLC: Broker of record change"
    assert msg["To"].addresses[0].addr_spec == team_address
    assert msg["Reply-To"].addresses[0].addr_spec == "ana@ortiz-landscaping.example"
    assert msg["Reply-To"].addresses[0].display_name == "Ana Ortiz"
    assert msg["From"].addresses[0].addr_spec == "desk@help.example"
    assert msg["Message-ID"] == message_id(letter.reference, "desk@help.example")
    assert msg["Message-ID"].endswith("@help.example>")
    body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    for value in ("Ortiz Landscaping LLC", "604213", "Ana Ortiz", "ana@ortiz-landscaping.example", "Broker of record change"):
        assert value in body
    assert "We are switching brokers as of January 1.\nPlease send the forms." in body
    assert any(line.startswith("Phone ") and line.endswith("  (not given)") for line in body.splitlines())
    assert letter.reason in body
    assert "Monday, November 23, 2026 at 9:15 AM PST" in body
    assert letter.reference in body


def test_the_message_id_is_the_same_for_every_attempt_and_differs_between_requests() -> None:
    assert message_id("FW-ABC", "desk@help.example") == message_id("FW-ABC", "Desk <desk@help.example>")
    assert message_id("FW-ABC", "desk@help.example") != message_id("FW-ABD", "desk@help.example")


def test_summer_requests_show_pacific_daylight_time(directory: Directory, at: Callable[[str], datetime]) -> None:
    letter = replace(letter_for(directory, at), submitted_at=at("2026-07-01T23:05:00Z"))
    assert "Wednesday, July 1, 2026 at 4:05 PM PDT" in compose(letter, "desk@help.example").get_content()


def test_accents_survive_the_trip(directory: Directory, at: Callable[[str], datetime]) -> None:
    letter = letter_for(directory, at, name="José Muñoz", group_name="Viveros Muñoz", subject="Cambio de corredor")
    msg = BytesParser(policy=policy.default).parsebytes(compose(letter, "desk@help.example").as_bytes())
    assert msg["Subject"] == "[Group 604213] Viveros Muñoz: Cambio de corredor"
    assert msg["Reply-To"].addresses[0].display_name == "José Muñoz"


def test_a_line_break_can_never_reach_a_header(directory: Directory, at: Callable[[str], datetime]) -> None:
    # The form refuses these first; the email library is the second lock on the door.
    letter = letter_for(directory, at, subject="Hi\r\nBcc: victim@example.test")
    with pytest.raises(ValueError):
        compose(letter, "desk@help.example").as_bytes()


def test_the_address_whose_purpose_fits_the_topic_is_chosen(directory: Directory) -> None:
    team = directory.contact("account-management-support")
    general = Email("general@team.example", "General questions")
    brokers = Email("brokers@team.example", "Broker of record changes")
    two = replace(team, emails=(general, brokers))
    broker_topic = directory.topic("broker-of-record")[1]
    assert team_email(two, [broker_topic]) == brokers
    assert team_email(two, []) == general
    assert team_email(directory.contact("member-services"), []) is None


def test_backoff_doubles_from_the_base_and_stops_at_the_cap(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(retry_base_seconds=1.5, retry_max_seconds=10)
    assert [backoff(n, settings) for n in range(1, 6)] == [1.5, 3.0, 6.0, 10.0, 10.0]


# --- delivery against a real server ------------------------------------------


def smtp_settings(make_settings: Callable[..., Settings], server: SmtpServer, **more: object) -> Settings:
    values: dict[str, object] = {
        "smtp_host": server.host, "smtp_port": server.port, "smtp_timeout": 2.0,
        "retry_base_seconds": 0.05, "retry_max_seconds": 0.2, "mail_from": "desk@help.example",
    }
    values.update(more)
    return make_settings(**values)


def queue_one(box: Outbox, letter: Letter) -> Item:
    item, created = put(box, form_outgoing(letter, "desk@help.example", letter.reference), "desk@help.example")
    assert created
    return item


async def until_done(box: Outbox, ref: str, timeout: float = 10.0) -> Item:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = box.get(ref)
        if item is not None and item.status in (SENT, FAILED, WRITTEN):
            return item
        await asyncio.sleep(0.01)
    raise AssertionError(f"{ref} was not finished within {timeout} s: {box.get(ref)}")


@pytest.fixture
def box(tmp_path: Path) -> Outbox:
    outbox = Outbox(outbox_path(tmp_path / "var"))
    yield outbox
    outbox.close()


async def test_the_smtp_transport_delivers_to_the_team(
    smtp_server: SmtpServer, make_settings: Callable[..., Settings], box: Outbox, directory: Directory, at: Callable[[str], datetime]
) -> None:
    settings = smtp_settings(make_settings, smtp_server)
    item = queue_one(box, letter_for(directory, at))
    outcome = await SmtpTransport(settings).deliver(item)
    assert outcome.status == SENT
    [received] = smtp_server.messages
    assert received.rcpt_tos == (item.to,)
    assert received.mail_from == "desk@help.example"
    assert received.message["Subject"] == "[Group 604213] Ortiz Landscaping LLC: Broker of record change"


@pytest.mark.parametrize("reply, retry", [("421 4.3.2 Service shutting down", True), ("451 4.3.0 Try later", True), ("550 5.1.1 No such mailbox", False)])
async def test_smtp_replies_are_classified(
    reply: str, retry: bool, smtp_server: SmtpServer, make_settings: Callable[..., Settings], box: Outbox,
    directory: Directory, at: Callable[[str], datetime],
) -> None:
    smtp_server.fail_next(reply)
    outcome = await SmtpTransport(smtp_settings(make_settings, smtp_server)).deliver(queue_one(box, letter_for(directory, at)))
    assert outcome.retry is retry
    assert reply.split()[0] in outcome.message and reply.split()[-1] in outcome.message
    assert smtp_server.messages == []


async def test_an_unreachable_server_is_worth_another_try(
    make_settings: Callable[..., Settings], box: Outbox, directory: Directory, at: Callable[[str], datetime]
) -> None:
    down = unused_server()
    outcome = await SmtpTransport(smtp_settings(make_settings, down)).deliver(queue_one(box, letter_for(directory, at)))
    assert outcome.retry
    assert f"Could not reach the mail server at 127.0.0.1:{down.port}" in outcome.message


async def test_without_smtp_host_the_message_becomes_an_eml_file(
    tmp_path: Path, box: Outbox, directory: Directory, at: Callable[[str], datetime]
) -> None:
    item = queue_one(box, letter_for(directory, at))
    outcome = await EmlTransport(tmp_path / "var").deliver(item)
    path = eml_dir(tmp_path / "var") / f"{item.id}.eml"
    assert outcome.status == WRITTEN and f"outbox-eml/{item.id}.eml" in outcome.message
    assert "SMTP_HOST is not set" in outcome.message and str(tmp_path) not in outcome.message
    msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert msg["Subject"] == "[Group 604213] Ortiz Landscaping LLC: Broker of record change"
    assert list(path.parent.iterdir()) == [path]  # no half-written leftovers


# --- the sender loop ----------------------------------------------------------


async def test_421_and_451_are_retried_until_the_message_is_delivered_once(
    smtp_server: SmtpServer, make_settings: Callable[..., Settings], box: Outbox, directory: Directory, at: Callable[[str], datetime]
) -> None:
    settings = smtp_settings(make_settings, smtp_server)
    smtp_server.fail_next("421 4.3.2 Busy", "451 4.3.0 Try later")
    sender = Sender(box, SmtpTransport(settings), settings, workers=2)
    await sender.start()
    item = queue_one(box, letter_for(directory, at))
    sender.wake()
    done = await until_done(box, item.id)
    await sender.stop()
    assert (done.status, done.attempts) == (SENT, 3)
    assert done.last_error == ""  # the 451 was the problem then; delivered, there is none
    assert len(smtp_server.messages) == 1


async def test_a_550_fails_with_the_servers_reason_and_is_not_retried(
    smtp_server: SmtpServer, make_settings: Callable[..., Settings], box: Outbox, directory: Directory, at: Callable[[str], datetime]
) -> None:
    settings = smtp_settings(make_settings, smtp_server)
    smtp_server.fail_next("550 5.1.1 Mailbox unavailable")
    sender = Sender(box, SmtpTransport(settings), settings)
    await sender.start()
    item = queue_one(box, letter_for(directory, at))
    sender.wake()
    done = await until_done(box, item.id)
    await sender.stop()
    assert (done.status, done.attempts) == (FAILED, 1)
    assert "550 5.1.1 Mailbox unavailable" in done.last_error
    assert smtp_server.data_commands == 1


async def test_a_server_that_comes_up_later_gets_the_message_exactly_once(
    make_settings: Callable[..., Settings], box: Outbox, directory: Directory, at: Callable[[str], datetime]
) -> None:
    server = unused_server()
    settings = smtp_settings(make_settings, server)
    sender = Sender(box, SmtpTransport(settings), settings)
    await sender.start()
    item = queue_one(box, letter_for(directory, at))
    sender.wake()
    while (box.get(item.id) or item).attempts < 2:
        await asyncio.sleep(0.01)
    assert "Could not reach" in box.get(item.id).last_error  # type: ignore[union-attr]
    server.start()
    try:
        done = await until_done(box, item.id)
        await asyncio.sleep(0.3)  # long enough for a wrong second send to show up
        await sender.stop()
        assert done.status == SENT and done.attempts >= 2
        assert done.last_error == ""
        assert len(server.messages) == 1
    finally:
        server.stop()


async def test_it_gives_up_after_max_attempts_and_says_why(
    make_settings: Callable[..., Settings], box: Outbox, directory: Directory, at: Callable[[str], datetime]
) -> None:
    settings = smtp_settings(make_settings, unused_server(), max_attempts=3)
    sender = Sender(box, SmtpTransport(settings), settings)
    await sender.start()
    item = queue_one(box, letter_for(directory, at))
    sender.wake()
    done = await until_done(box, item.id)
    await sender.stop()
    assert (done.status, done.attempts) == (FAILED, 3)
    assert done.last_error.startswith("Gave up after 3 attempts. The last problem was: Could not reach")


async def test_two_senders_on_one_outbox_send_each_message_once(
    smtp_server: SmtpServer, make_settings: Callable[..., Settings], tmp_path: Path, directory: Directory, at: Callable[[str], datetime]
) -> None:
    settings = smtp_settings(make_settings, smtp_server)
    boxes = [Outbox(outbox_path(tmp_path / "shared")), Outbox(outbox_path(tmp_path / "shared"))]
    senders = [Sender(b, SmtpTransport(settings), settings, workers=3) for b in boxes]
    for sender in senders:
        await sender.start()
    refs = [queue_one(boxes[n % 2], letter_for(directory, at, group_id=f"{600000 + n}")).id for n in range(30)]
    for sender in senders:
        sender.wake()
    for ref in refs:
        assert (await until_done(boxes[0], ref)).status == SENT
    for sender in senders:
        await sender.stop()
    for b in boxes:
        b.close()
    ids = sorted(m.message["Message-ID"] for m in smtp_server.messages)
    assert len(ids) == 30 and len(set(ids)) == 30



def test_a_header_that_decodes_to_a_line_break_is_never_composed() -> None:
    from email import policy as email_policy
    from email.message import EmailMessage

    from routing.core.email.addresses import header_text
    from routing.errors import UnsafeHeaders
    from routing.present.email import check_headers

    msg = EmailMessage(policy=email_policy.SMTP)
    msg["From"] = "desk@example.org"
    msg["Subject"] = "Acme =?utf-8?q?a=0D=0ABcc:_x@y.example?="
    with pytest.raises(UnsafeHeaders):
        check_headers(msg)
    safe = header_text("=?utf-8?b?" + __import__("base64").b64encode(b"=?utf-8?q?a=0D=0ABcc:_x@y.example?=").decode() + "?=")
    assert "\r" not in safe and "\n" not in safe and "=?" not in safe
    clean = EmailMessage(policy=email_policy.SMTP)
    clean["Subject"] = safe
    check_headers(clean)
    assert [k.lower() for k in clean] == ["subject"]
