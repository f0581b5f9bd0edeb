"""The background sender: drains the outbox through a transport, with retries.

It wakes at once when a request is queued (``wake()``), and otherwise sleeps
until the next retry falls due, checking at least every ``POLL_SECONDS`` so a
row queued by another process is not left waiting. On PostgreSQL it also
LISTENs for the outbox's NOTIFY, so a row queued by any process on any
machine wakes it at once, and the poll is only a safety net.

Each attempt holds its row with a short lease (``LEASE_SECONDS``) that a
heartbeat renews while the attempt runs, so a slow but live attempt keeps its
row and the rows of a sender that died are sent by another (or by the next
start) within one lease. A 250 to DATA is recorded the moment it arrives,
before QUIT, so a crash while the server takes its time saying goodbye does
not send the message again.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import socket
import threading
import time
import uuid
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

from routing import metrics
from routing.delivery.transport import Outcome, Transport, backoff
from routing.settings import Settings
from routing.store.database import PostgresEngine
from routing.store.outbox import FAILED, Item, Outbox

log = logging.getLogger("routing.sender")

POLL_SECONDS = 5.0
LISTENING_POLL_SECONDS = 30.0
STORE_RETRY_SECONDS = 2.0  # after the outbox could not be read or written  # with NOTIFY waking us, polling only guards against a lost notification
WORKERS = 4
# How long a claimed row stays ours without a heartbeat: the longest a dead
# sender's rows wait. Renewed every LEASE_SECONDS / HEARTBEATS_PER_LEASE, so a
# live sender keeps its lease through a stall (a busy SQLite file waits up to
# 10 s) of four fifths of it.
LEASE_SECONDS = 15.0
HEARTBEATS_PER_LEASE = 5


class Sender:
    def __init__(
        self, outbox: Outbox, transport: Transport, settings: Settings, workers: int = WORKERS, lease_seconds: float = LEASE_SECONDS
    ) -> None:
        self.outbox = outbox
        self.transport = transport
        self.settings = settings
        self.workers = workers
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        # Short, because it follows progress rather than the slowest honest
        # attempt: the heartbeat renews it for as long as the attempt runs.
        self.lease_seconds = lease_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._last_look = 0.0  # when a worker last looked for work (time.time())
        self._attempts_under_way = 0
        self.store_problems = 0  # outbox reads or writes that failed (the store was down); each is retried
        self.sleeping = 0  # workers waiting for a wake-up or their poll: with every worker here, the sender is idle
        self._listener: threading.Thread | None = None
        self._stop_listening = threading.Event()
        self.poll_seconds = POLL_SECONDS
        self._handed: collections.deque[Item] = collections.deque()  # rows claimed for us at insert, not yet attempted
        self._finishes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Finishes] = weakref.WeakKeyDictionary()

    def alive(self, now: float) -> bool:
        """Running, and either looked at the outbox lately or is in the middle of a delivery."""
        running = any(not task.done() for task in self._tasks)
        return running and (self._attempts_under_way > 0 or now - self._last_look < 3 * self.poll_seconds)

    @property
    def emails(self) -> bool:
        """Whether queued rows are emailed (a mail server is configured) or only kept here as files."""
        return self.transport.emails

    async def start(self) -> None:
        requeued = await asyncio.to_thread(self.outbox.requeue_stale)
        if requeued:
            log.warning("re-queued %d request(s) left mid-send by a sender that stopped", requeued)
        self._tasks = [asyncio.create_task(self._work(), name=f"outbox-sender-{i}") for i in range(self.workers)]
        engine = self.outbox.engine
        if isinstance(engine, PostgresEngine):
            loop = asyncio.get_running_loop()
            self._stop_listening.clear()
            self._listener = threading.Thread(
                target=engine.listen, args=(self.outbox.channel, self._stop_listening, lambda: loop.call_soon_threadsafe(self.wake)),
                name="outbox-listen", daemon=True,
            )
            self._listener.start()
            self.poll_seconds = LISTENING_POLL_SECONDS

    def wake(self) -> None:
        self._wake.set()

    def idle(self) -> int:
        """How many new rows to claim for this sender as they are inserted: up to one waiting per worker.

        Busy workers are counted too. Under load every worker is busy, so counting
        only sleeping ones meant each row cost a claim commit of its own, and that
        commit was most of what a forward waited for. A row handed to a busy worker
        waits here instead of in the table, for no longer than one attempt, and its
        lease is renewed before it is sent (``_handed_item``). Another process's
        sender cannot take it meanwhile, so at most ``workers`` rows are held ahead,
        and on PostgreSQL, where senders on other machines share the table, only
        rows for sleeping workers are taken.
        """
        if self._stopping or not self._tasks:
            return 0
        if isinstance(self.outbox.engine, PostgresEngine):
            # Shared by senders on other machines: rows no worker here is free for stay in the table for them.
            return max(0, self.sleeping - len(self._handed))
        return max(0, self.workers - len(self._handed))

    def hand(self, items: Sequence[Item]) -> None:
        """Rows already claimed for this sender (``Outbox.add_claiming``): sent next, without a claim of their own."""
        if items:
            self._handed.extend(items)
            self._wake.set()

    async def stop(self, grace: float = 5.0) -> None:
        self._stopping = True
        self._wake.set()
        self._stop_listening.set()
        if self._listener is not None:
            await asyncio.to_thread(self._listener.join, 5.0)
            self._listener = None
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(self._tasks, timeout=grace)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        # Claimed for us at insert but never attempted: back to the queue, for the next start or another sender.
        while self._handed:
            item = self._handed.popleft()
            with contextlib.suppress(Exception):  # if the store is down the lease runs out and the row is due again anyway
                await asyncio.to_thread(self.outbox.release, item.id, self.owner)

    async def _work(self) -> None:
        while not self._stopping:
            try:
                await self._turn()
            except asyncio.CancelledError:
                raise
            except Exception:
                # The store is down or failing: nothing is lost (rows stay queued, or their lease runs
                # out and they are claimed again), so wait a little and carry on. A worker never ends here.
                self.store_problems += 1
                log.exception("the outbox could not be read or written; trying again in %.0f s", STORE_RETRY_SECONDS)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), STORE_RETRY_SECONDS)

    async def _turn(self) -> None:
        """Look for one due row and send it, or sleep until one is due (or we are woken)."""
        self._wake.clear()
        self._last_look = time.time()
        item = await self._handed_item() if self._handed else None
        if item is None:
            item = await asyncio.to_thread(self.outbox.claim, self.owner, self.lease_seconds)
        if item is None:
            await self._sleep()
            return
        self._attempts_under_way += 1
        try:
            await self._attempt(item)
        finally:
            self._attempts_under_way -= 1

    async def _handed_item(self) -> Item | None:
        """The next row claimed for us at insert; one whose lease has grown short is renewed first, or dropped if lost."""
        item = self._handed.popleft()
        # Handed rows wait only for a worker to wake, but never send on a lease another sender may take over.
        short = item.lease_until - time.time() < self.lease_seconds / 2
        if short and not await asyncio.to_thread(self.outbox.renew, item.id, self.owner, self.lease_seconds):
            return None
        return item

    async def _sleep(self) -> None:
        due = await asyncio.to_thread(self.outbox.next_due)
        timeout = self.poll_seconds if due is None else min(self.poll_seconds, max(due - time.time(), 0.01))
        self.sleeping += 1
        try:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
        finally:
            self.sleeping -= 1

    async def _attempt(self, item: Item) -> None:
        """One try at a claimed row, its lease renewed until the outcome is recorded."""
        recording: asyncio.Future[None] | None = None
        settled = asyncio.Event()  # the heartbeat's signal to stop

        async def accepted(outcome: Outcome) -> None:
            # The server has the message (250 to DATA): write that down before
            # QUIT, so a crash from here on cannot send it a second time.
            nonlocal recording
            settled.set()
            recording = asyncio.ensure_future(self._record(item, outcome))
            await asyncio.shield(recording)

        delivery = asyncio.create_task(self.transport.deliver(item, accepted), name=f"deliver-{item.id}")
        heartbeat = asyncio.create_task(self._keep_lease(item, delivery, settled), name=f"lease-{item.id}")
        try:
            outcome = await delivery
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # Stopped mid-send: keep a 250 already being written down, else
                # hand the row back so the next start sends it.
                if recording is not None:
                    await self._settle(item, recording)
                else:
                    await asyncio.shield(asyncio.to_thread(self.outbox.release, item.id, self.owner))
                raise
            # The heartbeat stopped the attempt: the row is another sender's now.
            if recording is not None:
                await self._settle(item, recording)
            return
        except Exception as exc:  # a transport bug must not lose the row or kill the worker
            if recording is not None:  # the 250 is in; only something after it went wrong
                await self._settle(item, recording)
                return
            log.exception("sending %s failed unexpectedly", item.id)
            outcome = Outcome("", f"Unexpected problem while sending ({type(exc).__name__}).")
        finally:
            # Stopped, not cancelled: a renewal under way finishes before the outcome is written.
            settled.set()
            await heartbeat
        if recording is not None:
            await self._settle(item, recording)
        else:
            await self._record(item, outcome)

    async def _settle(self, item: Item, recording: asyncio.Future[None]) -> None:
        """Wait for a 250's record to be written (even while stopping), logging a failure to write it."""
        try:
            await asyncio.shield(recording)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s was accepted by the mail server but could not be marked sent", item.id)

    async def _keep_lease(self, item: Item, delivery: asyncio.Task[Outcome], settled: asyncio.Event) -> None:
        """The heartbeat: renew the lease until ``settled``; stop the attempt if the row was taken over."""
        interval = self.lease_seconds / HEARTBEATS_PER_LEASE
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(settled.wait(), interval)
                return
            try:
                kept = await asyncio.to_thread(self.outbox.renew, item.id, self.owner, self.lease_seconds)
            except Exception:
                log.exception("could not renew the lease on %s; trying again", item.id)
                continue
            if not kept and not settled.is_set():
                log.warning("%s: the lease was lost mid-send (another sender owns the row now); stopping this attempt", item.id)
                delivery.cancel()
                return

    async def _record(self, item: Item, outcome: Outcome) -> None:
        metrics.deliveries.labels("retry" if outcome.retry and item.attempts < self.settings.max_attempts else outcome.status or FAILED).inc()
        if not outcome.retry:
            kept = await self._finish(item.id, outcome.status, outcome.message)
            log.info("%s → %s: %s", item.id, outcome.status, outcome.message)
        elif item.attempts >= self.settings.max_attempts:
            message = f"Gave up after {item.attempts} attempts. The last problem was: {outcome.message}"
            kept = await self._finish(item.id, FAILED, message)
            log.error("%s failed: %s", item.id, message)
        else:
            delay = backoff(item.attempts, self.settings)
            kept = await asyncio.to_thread(self.outbox.retry_later, item.id, self.owner, outcome.message, delay)
            log.warning("%s attempt %d: %s; next try in %.1f s", item.id, item.attempts, outcome.message, delay)
        if not kept:
            log.warning("%s: the lease ran out before the outcome was recorded; another sender owns it now", item.id)

    async def _finish(self, id: str, status: str, message: str) -> bool:
        """Record a final outcome. Outcomes that arrive while others are being written go to disk together:
        one synced commit for the lot (group commit), and each attempt hears back once its own is committed."""
        loop = asyncio.get_running_loop()
        batch = self._finishes.setdefault(loop, _Finishes())
        done: asyncio.Future[bool] = loop.create_future()
        batch.waiting.append(((id, self.owner, status, message), done))
        if batch.writer is None or batch.writer.done():
            batch.writer = loop.create_task(self._write_finishes(batch))
        return await asyncio.shield(done)

    async def _write_finishes(self, batch: _Finishes) -> None:
        while batch.waiting:
            taken, batch.waiting = batch.waiting, []
            try:
                results = await asyncio.to_thread(self.outbox.finish_many, [outcome for outcome, _ in taken])
            except Exception as exc:  # the store is failing: each attempt hears it, as it would have alone
                for _, done in taken:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, done), kept in zip(taken, results, strict=True):
                if not done.done():
                    done.set_result(kept)


@dataclass
class _Finishes:
    """Final outcomes waiting for the next group commit on one event loop, and the task writing them."""

    waiting: list[tuple[tuple[str, str, str, str], asyncio.Future[bool]]] = field(default_factory=list)
    writer: asyncio.Task[None] | None = None
