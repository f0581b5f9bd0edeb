"""On PostgreSQL a sender sleeps on LISTEN, not on a poll: a row queued by another process wakes it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from email.parser import BytesParser

import pytest
from smtp_fixture import SmtpServer

import routing.delivery.sender as sender_module
from routing.core.model import Directory
from routing.core.recipients import team_email
from routing.delivery.enqueue import form_outgoing, put
from routing.delivery.sender import Sender
from routing.delivery.transport import SmtpTransport
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
