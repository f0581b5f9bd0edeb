"""The background sender: drains the outbox through a transport, with retries.

It wakes at once when a request is queued (``wake()``), and otherwise sleeps
until the next retry falls due, checking at least every ``POLL_SECONDS`` so a
row queued by another process is not left waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid

from routing.delivery.transport import Outcome, Transport, backoff
from routing.settings import Settings
from routing.store.outbox import FAILED, Item, Outbox

log = logging.getLogger("routing.sender")

POLL_SECONDS = 5.0
WORKERS = 4


class Sender:
    def __init__(self, outbox: Outbox, transport: Transport, settings: Settings, workers: int = WORKERS) -> None:
        self.outbox = outbox
        self.transport = transport
        self.settings = settings
        self.workers = workers
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        # A lease outlives the slowest honest attempt (connect, EHLO, TLS, AUTH,
        # MAIL, RCPT, DATA each get the timeout), so a live sender never looks dead.
        self.lease_seconds = settings.smtp_timeout * 8 + 30
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        requeued = await asyncio.to_thread(self.outbox.requeue_stale)
        if requeued:
            log.warning("re-queued %d request(s) left mid-send by a sender that stopped", requeued)
        self._tasks = [asyncio.create_task(self._work(), name=f"outbox-sender-{i}") for i in range(self.workers)]

    def wake(self) -> None:
        self._wake.set()

    async def stop(self, grace: float = 5.0) -> None:
        self._stopping = True
        self._wake.set()
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(self._tasks, timeout=grace)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _work(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                item = await asyncio.to_thread(self.outbox.claim, self.owner, self.lease_seconds)
            except Exception:
                log.exception("could not read the outbox; trying again shortly")
                item = None
            if item is not None:
                await self._attempt(item)
                continue
            await self._sleep()

    async def _sleep(self) -> None:
        due = await asyncio.to_thread(self.outbox.next_due)
        timeout = POLL_SECONDS if due is None else min(POLL_SECONDS, max(due - time.time(), 0.01))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def _attempt(self, item: Item) -> None:
        try:
            outcome = await self.transport.deliver(item)
        except asyncio.CancelledError:
            # Stopped mid-send: hand the row back so the next start sends it.
            await asyncio.shield(asyncio.to_thread(self.outbox.release, item.id, self.owner))
            raise
        except Exception as exc:  # a transport bug must not lose the row or kill the worker
            log.exception("sending %s failed unexpectedly", item.id)
            outcome = Outcome("", f"Unexpected problem while sending ({type(exc).__name__}).")
        await asyncio.to_thread(self._record, item, outcome)

    def _record(self, item: Item, outcome: Outcome) -> None:
        if not outcome.retry:
            kept = self.outbox.finish(item.id, self.owner, outcome.status, outcome.message)
            log.info("%s → %s: %s", item.id, outcome.status, outcome.message)
        elif item.attempts >= self.settings.max_attempts:
            message = f"Gave up after {item.attempts} attempts. The last problem was: {outcome.message}"
            kept = self.outbox.finish(item.id, self.owner, FAILED, message)
            log.error("%s failed: %s", item.id, message)
        else:
            delay = backoff(item.attempts, self.settings)
            kept = self.outbox.retry_later(item.id, self.owner, outcome.message, delay)
            log.warning("%s attempt %d: %s; next try in %.1f s", item.id, item.attempts, outcome.message, delay)
        if not kept:
            log.warning("%s: the lease ran out before the outcome was recorded; another sender owns it now", item.id)
