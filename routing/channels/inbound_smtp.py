"""The inbound SMTP listener: every message it receives is triaged and stored for the staff console.

It is a sink, never a relay: it accepts mail for any recipient, triages it
and keeps it. The one mail it sends is the desk's own: when a reply completes
a request the desk asked about, the forward to the team (and, when the reply
still lacks something, one more ask), through the app's outbox. It listens on loopback unless told
otherwise, so a mail server on the same machine can hand the shared inbox's
mail to it. A message over MAX_MESSAGE_BYTES is refused with 552 while it
is still arriving (SMTP SIZE, RFC 1870); a storage failure answers 451 so the
sending server tries again later instead of losing the message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from routing.clock import now
from routing.core import i18n
from routing.delivery.enqueue import Mailroom
from routing.delivery.intake import take_in
from routing.delivery.sender import Sender
from routing.delivery.transport import transport_for
from routing.settings import Settings
from routing.store import catalogs
from routing.store.live_directory import LiveDirectory
from routing.store.stores import open_stores
from routing.store.triage_log import TriageLog

log = logging.getLogger("routing.inbound")


class InboundHandler:
    def __init__(self, settings: Settings, directory: LiveDirectory, triage_log: TriageLog, mailroom: Mailroom | None = None) -> None:
        self.settings = settings
        self.directory = directory
        self.triage_log = triage_log
        self.mailroom = mailroom
        self._checked = time.monotonic()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        limit = self.settings.max_message_bytes
        if len(raw) > limit:
            return f"552 5.3.4 Message too big for this inbox: the limit is {limit} bytes"
        self._reload_if_due()
        try:
            # The desk's own records are in English; a reply to the sender is written in the language triage read (``drafts``).
            with i18n.speaking(i18n.SOURCE):
                record, created = await take_in(self.triage_log, raw, self.directory.current.index, now(), "inbound", mailroom=self.mailroom)
        except Exception:  # keep the message with the sender's server: it retries on 4xx
            log.exception("could not triage or store a message from %s", envelope.mail_from)
            return "451 4.3.0 Could not store the message; please try again later"
        log.info("%s from %s: %s%s", record.id, envelope.mail_from, record.action, "" if created else " (already stored)")
        return f"250 2.0.0 Triaged as {record.id} ({record.action})"

    def _reload_if_due(self) -> None:
        interval = self.settings.reload_interval
        if interval > 0 and time.monotonic() - self._checked >= interval:
            self._checked = time.monotonic()
            self.directory.reload()


def smtp_factory(handler: InboundHandler, settings: Settings) -> Any:
    def build() -> SMTP:
        # data_size_limit makes aiosmtpd advertise SIZE and answer 552 as soon as the data passes it.
        return SMTP(handler, data_size_limit=settings.max_message_bytes, enable_SMTPUTF8=True, hostname="triage.inbound", timeout=60)

    return build


async def serve(settings: Settings, host: str, port: int, started: Any = None, stop: asyncio.Event | None = None) -> None:
    """Listen until ``stop`` is set (or forever); ``started(port)`` is called once listening."""
    catalogs.install_all()  # a reply to a Spanish sender is written from the Spanish catalog
    directory = LiveDirectory(path=settings.directory_path, index_dir=settings.index_dir)
    directory.load()
    stores = open_stores(settings)  # the app's own stores: SQLite in DATA_DIR, or DATABASE_URL
    triage_log = stores.triage_log
    # Its own sender on the shared outbox: the claim keeps it and the app's from sending one row twice.
    sender = Sender(stores.outbox, transport_for(settings), settings)
    await sender.start()
    handler = InboundHandler(settings, directory, triage_log, Mailroom(stores.outbox, sender, settings.mail_from))
    loop = asyncio.get_running_loop()
    try:
        server = await loop.create_server(smtp_factory(handler, settings), host, port)
    except BaseException:
        await sender.stop()
        stores.close()
        raise
    try:
        actual = server.sockets[0].getsockname()[1]
        if started is not None:
            started(actual)
        await (stop or asyncio.Event()).wait()
    finally:
        server.close()
        await server.wait_closed()
        await sender.stop()
        stores.close()
