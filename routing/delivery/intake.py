"""Where inbound mail enters: triaged and kept in the triage log, whichever way it came.

The inbound SMTP listener, ``POST /api/triage`` and the console's paste box
all call ``take_in``, so an email reads the same in the console however it
arrived.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from routing.core.email.parse import parse
from routing.core.email.triage import Triage, triage
from routing.core.search import Searcher
from routing.present.triage import triage_json
from routing.store.triage_log import Record, TriageLog


def read(raw: bytes, index: Searcher, now: datetime) -> Triage:
    return triage(parse(raw), index, now)


async def take_in(log: TriageLog, raw: bytes, index: Searcher, now: datetime, source: str) -> tuple[Record, bool]:
    """Triage ``raw`` and store it; the record and whether it is new (the same bytes twice are one record).

    Triage runs on the event loop: the search index's searcher is shared, and
    one email takes milliseconds. Only the SQLite write goes to a thread.
    """
    result = read(raw, index, now)
    return await asyncio.to_thread(log.add, raw, triage_json(result), source)
