"""Reading one email: parse and triage it in a worker thread, within a budget.

Reading runs in a worker thread, never on the event loop: a stranger's email
is parsed and triaged there, so a hard one slows only itself, never the other
requests. Each read has a budget. The parser and triage are linear in the
message's size, and what they cut to stay so (a text over the character cap,
too many nested parts) makes the triage a "review"; on top of that the time
spent parsing is checked before triage starts, and past twice the budget the
caller stops waiting. Either way the email is still stored, as "review", with
a sentence saying why: it is never dropped.

The desk's ``[Ref FW-…]`` tag is taken out of the subject for triage: it is
ours, not the sender's words, and names no team or group.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import datetime

from routing.core.conversation import without_tag
from routing.core.email.parse import ParsedEmail, parse
from routing.core.email.triage import Correction, Triage, too_complex, triage
from routing.core.i18n import _
from routing.core.search import Searcher

BUDGET_SECONDS = 5.0  # for one email; a real one takes milliseconds, the largest we accept well under a second


def read(raw: bytes, index: Searcher, now: datetime, correction: Correction | None = None, budget: float = BUDGET_SECONDS) -> Triage:
    """Parse and triage ``raw``, checking the clock between the two. Blocking: call it from a worker thread."""
    started = time.monotonic()
    parsed = parse(raw)
    spent = time.monotonic() - started
    if spent > budget:
        return too_complex(parsed, _("reading it took %(spent)s seconds, more than the %(budget)s allowed") % {"spent": f"{spent:.1f}", "budget": f"{budget:g}"}, index, correction)
    subject = parsed.subject
    if "[" not in subject or without_tag(subject) == subject:
        return triage(parsed, index, now, correction)
    # The Subject header itself keeps the tag (``conversation.find_parent`` reads it there).
    return triage(replace(parsed, subject=without_tag(subject)), index, now, correction)


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
        limit = {"seconds": f"{2 * budget:g}"}
        unread = ParsedEmail(raw_size=len(raw), problems=(_("Reading the message took longer than %(seconds)s seconds; it was stopped.") % limit,))
        return too_complex(unread, _("reading it took longer than %(seconds)s seconds") % limit, index, correction)
