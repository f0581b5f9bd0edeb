"""On PostgreSQL a sender sleeps on LISTEN, not on a poll: a row queued by another process wakes it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from email.parser import BytesParser
from typing import Any

import pytest
from smtp_fixture import SmtpServer

import routing.delivery.sender as sender_module
from routing.core.model import Directory
from routing.core.recipients import team_email
from routing.delivery.enqueue import form_outgoing, put
from routing.delivery.sender import Sender
from routing.delivery.transport import SmtpTransport
from routing.errors import StoreUnavailable
from routing.present.email import Letter
from routing.settings import Settings
from routing.store.database import PostgresEngine
from routing.store.outbox import SENT, Outbox, new_reference

FIELDS = {"group_name": "Ortiz Landscaping LLC", "name": "Ana Ortiz", "email": "ana@ortiz-landscaping.example", "phone": "",
          "subject": "Broker of record change", "message": "We are switching brokers as of January 1."}


async def test_a_row_queued_elsewhere_wakes_a_listening_sender_at_once(
    database_url: str, smtp_server: SmtpServer, directory: Directory, at: Callable[[str], datetime],
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An hour between polls, listening or not: only the NOTIFY can get this row sent within the test.
    monkeypatch.setattr(sender_module, "LISTENING_POLL_SECONDS", 3600.0)
    monkeypatch.setattr(sender_module, "POLL_SECONDS", 3600.0)
    settings = make_settings(smtp_host=smtp_server.host, smtp_port=smtp_server.port, mail_from="desk@help.example")
    ours, theirs = Outbox(PostgresEngine(database_url, max_size=2)), Outbox(PostgresEngine(database_url, max_size=2))
    sender = Sender(ours, SmtpTransport(settings), settings, workers=1)
    await sender.start()
    try:
        deadline = time.monotonic() + 10
        while sender.sleeping < 1:  # the worker found nothing and is asleep: from here only a wake-up brings it back
            assert time.monotonic() < deadline, "the sender never went idle"
            await asyncio.sleep(0.01)
        team = directory.contact("account-management-support")
        address = team_email(team, team.topics[:1])
        assert address is not None
        letter = Letter(new_reference(), FIELDS | {"group_id": "604213"}, team, address, "Broker of record changes.",
                        at("2026-11-23T09:15:00-08:00"), directory.timezone)
        item, _ = await asyncio.to_thread(put, theirs, form_outgoing(letter, "desk@help.example", letter.reference), "desk@help.example")
        received = await smtp_server.await_for(1, timeout=20)
    finally:
        await sender.stop()
    row = ours.get(item.id)
    assert row is not None and row.status == SENT
    assert str(received[0].message["Message-ID"]) == str(BytesParser().parsebytes(item.message, headersonly=True)["Message-ID"])
    for box in (ours, theirs):
        box.engine.close()


async def test_the_sender_outlives_a_database_outage_and_delivers_after_it(
    postgres: Any, database_url: str, smtp_server: SmtpServer, directory: Directory, at: Callable[[str], datetime],
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pg_fixture import wait_until_accepting

    monkeypatch.setattr(sender_module, "STORE_RETRY_SECONDS", 0.2)
    monkeypatch.setattr(sender_module, "POLL_SECONDS", 0.2)
    monkeypatch.setattr(sender_module, "LISTENING_POLL_SECONDS", 0.2)
    settings = make_settings(smtp_host=smtp_server.host, smtp_port=smtp_server.port, mail_from="desk@help.example")
    box = Outbox(PostgresEngine(database_url, max_size=2, timeout=1.0))  # fail fast while the server is down
    sender = Sender(box, SmtpTransport(settings), settings, workers=2)
    await sender.start()
    try:
        await asyncio.to_thread(postgres.stop)
        try:
            deadline = time.monotonic() + 30
            while sender.store_problems < 2:  # both workers have met the outage
                assert time.monotonic() < deadline, "the sender never noticed the outage"
                await asyncio.sleep(0.05)
        finally:
            await asyncio.to_thread(postgres.start)
            await asyncio.to_thread(wait_until_accepting, postgres)
        team = directory.contact("account-management-support")
        address = team_email(team, team.topics[:1])
        assert address is not None
        letter = Letter(new_reference(), FIELDS | {"group_id": "604214"}, team, address, "Broker of record changes.",
                        at("2026-11-23T09:15:00-08:00"), directory.timezone)
        outgoing = form_outgoing(letter, "desk@help.example", letter.reference)
        deadline = time.monotonic() + 30
        while True:  # the pool reconnects on its own schedule; until then a request is told to try again (503)
            try:
                item, _ = await asyncio.to_thread(put, box, outgoing, "desk@help.example")
                break
            except StoreUnavailable:
                assert time.monotonic() < deadline, "the store never came back"
                await asyncio.sleep(0.1)
        received = await smtp_server.await_for(1, timeout=30)
        assert sender.alive(time.time())
    finally:
        await sender.stop()
    assert any(str(m.message["Message-ID"]) in item.message.decode() for m in received)
    box.engine.close()
