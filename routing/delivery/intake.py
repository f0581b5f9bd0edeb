"""Where inbound mail enters: triaged and kept in the triage log, whichever way it came.

The inbound SMTP listener, the IMAP fetcher, ``POST /api/triage`` and the
console's paste box all call ``take_in``, so an email reads the same in the
console however it arrived; the console re-reads a stored email (with
staff's corrections) through ``read_in_worker`` too (``reading``).

A reply to an email already stored (matched by ``conversation.find_parent``)
is kept in that email's thread; with a mailroom to send through, the desk then
follows the conversation (``conversation.follow``): a reply that gives what the
desk asked for completes the request and forwards it, once.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from routing import metrics
from routing.core.search import Searcher
from routing.delivery import conversation
from routing.delivery.enqueue import Mailroom
from routing.delivery.reading import BUDGET_SECONDS, read, read_in_worker
from routing.present.triage import triage_json
from routing.store.triage_log import Record, TriageLog

__all__ = ["BUDGET_SECONDS", "read", "read_in_worker", "take_in"]


async def take_in(
    log: TriageLog, raw: bytes, index: Searcher, now: datetime, source: str, budget: float = BUDGET_SECONDS, mailroom: Mailroom | None = None
) -> tuple[Record, bool]:
    """Triage ``raw`` and store it; the record and whether it is new (the same bytes twice are one record).

    Without ``mailroom`` a reply is still linked to its thread, but nothing is sent for it.
    """
    result = await read_in_worker(raw, index, now, budget=budget)
    parent = await asyncio.to_thread(conversation.find_parent, log, result.email, mailroom.mail_from if mailroom else "")
    thread_id, in_reply_to = (parent.thread, parent.id) if parent is not None else ("", "")
    record, created = await asyncio.to_thread(log.add, raw, triage_json(result), source, None, thread_id, in_reply_to)
    if created:  # the same email twice is one email
        metrics.triage_actions.labels(record.action or "none").inc()
        if parent is not None and mailroom is not None:
            await conversation.follow(log, mailroom, index, now, record, result)
            followed = await asyncio.to_thread(log.get, record.id)  # with what the desk did
            record = followed or record
    return record, created
