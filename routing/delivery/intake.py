"""Where inbound mail enters: triaged and kept in the triage log, whichever way it came.

The inbound SMTP listener, ``POST /api/triage`` and the console's paste box
all call ``take_in``, so an email reads the same in the console however it
arrived; the console re-reads a stored email (with staff's corrections)
through ``read_in_worker`` too.

Reading runs in a worker thread, never on the event loop: a stranger's email
is parsed and triaged there, so a hard one slows only itself, never the other
requests. Each read has a budget. The parser and triage are linear in the
message's size, and what they cut to stay so (a text over the character cap,
too many nested parts) makes the triage a "review"; on top of that the time
spent parsing is checked before triage starts, and past twice the budget the
caller stops waiting. Either way the email is still stored, as "review", with
a sentence saying why: it is never dropped.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

from routing import metrics
from routing.core.email.parse import ParsedEmail, parse
from routing.core.email.triage import Correction, Triage, too_complex, triage
from routing.core.search import Searcher
from routing.present.triage import triage_json
from routing.store.triage_log import Record, TriageLog

BUDGET_SECONDS = 5.0  # for one email; a real one takes milliseconds, the largest we accept well under a second


def read(raw: bytes, index: Searcher, now: datetime, correction: Correction | None = None, budget: float = BUDGET_SECONDS) -> Triage:
    """Parse and triage ``raw``, checking the clock between the two. Blocking: call it from a worker thread."""
    started = time.monotonic()
    parsed = parse(raw)
    spent = time.monotonic() - started
    if spent > budget:
        return too_complex(parsed, f"reading it took {spent:.1f} seconds, more than the {budget:g} allowed", index, correction)
    return triage(parsed, index, now, correction)


async def read_in_worker(
    raw: bytes, index: Searcher, now: datetime, correction: Correction | None = None, budget: float = BUDGET_SECONDS
) -> Triage:
    """``read`` in a worker thread. Past twice the budget this stops waiting and answers "review".

    A thread cannot be stopped, so one that overruns finishes on its own and
    its answer is dropped; the search index it shares is guarded by a lock.
    """
    try:
        return await asyncio.wait_for(asyncio.to_thread(read, raw, index, now, correction, budget), timeout=2 * budget)
    except TimeoutError:
        unread = ParsedEmail(raw_size=len(raw), problems=(f"Reading the message took longer than {2 * budget:g} seconds; it was stopped.",))
        return too_complex(unread, f"reading it took longer than {2 * budget:g} seconds", index, correction)


async def take_in(
    log: TriageLog, raw: bytes, index: Searcher, now: datetime, source: str, budget: float = BUDGET_SECONDS
) -> tuple[Record, bool]:
    """Triage ``raw`` and store it; the record and whether it is new (the same bytes twice are one record)."""
    result = await read_in_worker(raw, index, now, budget=budget)
    record, created = await asyncio.to_thread(log.add, raw, triage_json(result), source)
    if created:  # the same email twice is one email
        metrics.triage_actions.labels(record.action or "none").inc()
    return record, created
