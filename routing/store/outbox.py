"""The outbox: every forwarded request, persisted before it is acknowledged.

A SQLite file in DATA_DIR holds one row per request. A row is written (and
synced) before the 202 goes out, so an accepted request survives a crash or a
restart. Statuses move queued → sending → sent | failed | written.

Claim before send. A sender takes a row by switching it to ``sending`` with a
lease (an owner and an expiry) inside one ``BEGIN IMMEDIATE`` transaction, so
two senders (two workers, two processes) can never hold the same row. Only
the lease's owner may record the outcome or renew the lease. Leases are
short (seconds) and renewed while an attempt runs, so a live sender keeps its
rows however slow the mail server is, and the rows of a sender that died are
due again within one lease.

The trade-off: at-least-once, never at-most-once. If a sender dies after the
mail server said 250 to our DATA but before the row was marked ``sent``, the
lease runs out and the row is queued again, so that message goes out a second
time. The other choice (treat a stale lease as failed) would silently drop
requests that may never have left, and this product promises never to lose
one. The row is marked ``sent`` as soon as the 250 arrives, before QUIT, so
the window is the 250's trip back over the network plus one synced SQLite
write: about 2 ms typically, a few hundred ms at worst under a burst of
deliveries contending for this file, longer while another process holds the
write lock (up to the busy timeout). The resend carries the same Message-ID,
which lets the receiving system recognise it. Everything else (two senders,
retries, restarts with queued rows, a server slow to answer QUIT) sends
exactly once.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from routing.store.database import POSTGRESQL, Database, Row, column_type

log = logging.getLogger("routing.outbox")

QUEUED, SENDING, SENT, FAILED, WRITTEN = "queued", "sending", "sent", "failed", "written"
STATUSES = (QUEUED, SENDING, SENT, FAILED, WRITTEN)
DONE = (SENT, FAILED, WRITTEN)

# Crockford's base32: no I, L, O or U, so a reference read out on the phone is unambiguous.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    contact_id TEXT NOT NULL,
    to_address TEXT NOT NULL,
    envelope_from TEXT NOT NULL,
    fields TEXT NOT NULL,
    message {blob} NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    status_message TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    next_attempt_at {real} NOT NULL,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until {real} NOT NULL DEFAULT 0,
    created_at {real} NOT NULL,
    sent_at {real}
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
"""


# Rows per INSERT statement: thirteen parameters each, well under SQLite's and PostgreSQL's limits.
_ROWS_PER_INSERT = 200
_THIRTEEN = "(" + ", ".join("?" * 13) + ")"


def new_reference() -> str:
    return "FW-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class New:
    """A request to queue, as ``Outbox.add`` takes it."""

    id: str
    dedupe_key: str
    contact_id: str
    to: str
    envelope_from: str
    fields: Mapping[str, Any]
    message: bytes


@dataclass(frozen=True)
class Item:
    id: str
    dedupe_key: str
    contact_id: str
    to: str
    envelope_from: str
    fields: Mapping[str, Any]
    message: bytes
    status: str
    status_message: str
    attempts: int
    last_error: str
    next_attempt_at: float
    lease_owner: str
    lease_until: float
    created_at: float
    sent_at: float | None


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


class Outbox(Database):
    """Thread-safe access to the outbox; every method is one short transaction."""

    name = "outbox"
    migrations = (_SCHEMA,)
    # Senders that LISTEN here wake as soon as a row is queued (PostgreSQL only).
    channel = "routing_outbox"

    def add(
        self,
        *,
        id: str,
        dedupe_key: str,
        contact_id: str,
        to: str,
        envelope_from: str,
        fields: Mapping[str, Any],
        message: bytes,
        now: float | None = None,
    ) -> tuple[Item, bool]:
        """Queue a request; returns the row and whether it is new.

        A second request with the same dedupe key gets the first one's row back
        instead of a new message.
        """
        row = New(id, dedupe_key, contact_id, to, envelope_from, fields, message)
        return self.add_many([row], now=now)[0]

    def add_many(self, rows: Sequence[New], now: float | None = None) -> list[tuple[Item, bool]]:
        """Queue several requests in one transaction: one synced commit for all (group commit).

        Each gets what ``add`` would have given it, in order: a repeat of a
        key already stored, or earlier in ``rows``, gets that first row back.
        Nothing is stored unless everything is.
        """
        return self.add_claiming(rows, "", 0.0, 0, now)[0]

    def add_claiming(
        self, rows: Sequence[New], owner: str, lease_seconds: float, claims: int, now: float | None = None
    ) -> tuple[list[tuple[Item, bool]], list[Item]]:
        """``add_many``, and in the same commit the first ``claims`` new rows claimed for ``owner``, as ``claim`` would.

        For a sender with idle workers: a claim of its own would cost a second
        synced commit per request. The first list is every row as it was
        accepted (queued); the second is the claimed ones, as their lease holder sees them.
        """
        moment = time.time() if now is None else now
        # The first row of each key is the one stored; a repeat later in ``rows`` gets that row back.
        first: dict[str, New] = {}
        for new in rows:
            first.setdefault(new.dedupe_key, new)
        unique = list(first.values())
        to_claim = {new.id for new in unique[:claims]}
        # Everything is made ready before the transaction, and each chunk is one statement: the
        # thread holding the write lock gives up the interpreter lock once per statement, and on a
        # busy server each time costs a wait for the event loop to hand it back.
        values = [
            (new.id, new.dedupe_key, new.contact_id, new.to, new.envelope_from, json.dumps(dict(new.fields)), new.message, moment, moment,
             *((SENDING, owner, moment + lease_seconds, 1) if new.id in to_claim else (QUEUED, "", 0.0, 0)))
            for new in unique
        ]
        stored: dict[str, Item] = {}
        created: set[str] = set()
        chunks = [values[start:start + _ROWS_PER_INSERT] for start in range(0, len(values), _ROWS_PER_INSERT)]
        # One chunk is one statement, atomic on its own: no BEGIN and COMMIT to pay for (each is another
        # hand-back of the interpreter lock). More chunks share a transaction: all are stored or none.
        with self.engine.transaction() if len(chunks) > 1 else contextlib.nullcontext(self.engine) as tx:
            for chunk in chunks:
                inserted = tx.run(
                    "INSERT INTO outbox (id, dedupe_key, contact_id, to_address, envelope_from, fields, message, next_attempt_at, created_at,"
                    " status, lease_owner, lease_until, attempts) VALUES " + ", ".join([_THIRTEEN] * len(chunk))
                    + " ON CONFLICT (dedupe_key) DO NOTHING RETURNING *",
                    [value for row in chunk for value in row],
                )
                for row in inserted.rows:
                    item = _item(row)
                    stored[item.dedupe_key] = item
                    created.add(item.id)
        # A repeated key's row was committed before (rows are never deleted), so reading it afterwards is reading it at once.
        known = [key for key in first if key not in stored]
        for start in range(0, len(known), _ROWS_PER_INSERT):
            keys = known[start:start + _ROWS_PER_INSERT]
            for row in self.engine.run("SELECT * FROM outbox WHERE dedupe_key IN (" + ", ".join("?" * len(keys)) + ")", keys).rows:
                item = _item(row)
                stored[item.dedupe_key] = item
        if len(created) > len(created & to_claim) and self.engine.dialect == POSTGRESQL:
            # After the commit, so a woken sender finds the rows. Only a wake-up: if it fails, the rows are stored
            # all the same and the senders' poll finds them, so the callers must still hear they were accepted.
            try:
                self.engine.run("SELECT pg_notify(?, '')", (self.channel,))
            except Exception:
                log.warning("could not notify the senders of %d new row(s); their poll will find them", len(created), exc_info=True)
        claimed = [item for item in stored.values() if item.id in created and item.id in to_claim]
        # Callers hear a request as it was accepted: queued, not yet attempted, even when it is already claimed.
        accepted = {item.dedupe_key: replace(item, status=QUEUED, lease_owner="", lease_until=0.0, attempts=0) for item in claimed}
        found = []
        for new in rows:
            item = accepted.get(new.dedupe_key) or stored[new.dedupe_key]
            found.append((item, new is first[new.dedupe_key] and item.id in created))
        return found, claimed

    def get(self, id: str) -> Item | None:
        row = self.engine.run("SELECT * FROM outbox WHERE id = ?", (id,)).one()
        return _item(row) if row else None

    def claim(self, owner: str, lease_seconds: float, now: float | None = None) -> Item | None:
        """Take the next due row for sending, or None when nothing is due.

        A ``sending`` row whose lease has run out belongs to a sender that died
        or hung (a live one renews its lease); it is due again, which is where
        at-least-once comes from. One statement either way: SQLite runs writes
        one at a time, and PostgreSQL's SKIP LOCKED lets senders on many
        machines each take a different row without waiting on each other.
        """
        moment = time.time() if now is None else now
        skip_locked = " FOR UPDATE SKIP LOCKED" if self.engine.dialect == POSTGRESQL else ""
        row = self.engine.run(
            "UPDATE outbox SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1"
            " WHERE id = (SELECT id FROM outbox WHERE (status = 'queued' AND next_attempt_at <= ?)"
            " OR (status = 'sending' AND lease_until <= ?) ORDER BY next_attempt_at, created_at LIMIT 1" + skip_locked + ")"
            " RETURNING *",
            (owner, moment + lease_seconds, moment, moment),
        ).one()
        return _item(row) if row else None

    def finish(self, id: str, owner: str, status: str, message: str = "", now: float | None = None) -> bool:
        """Record a final outcome (sent, written or failed). False when the lease was lost.

        ``last_error`` says why the row is not delivered: a failure's reason, or
        cleared on success, so an earlier attempt's problem never sits next to
        ``sent``.
        """
        return self.finish_many([(id, owner, status, message)], now)[0]

    def finish_many(self, outcomes: Sequence[tuple[str, str, str, str]], now: float | None = None) -> list[bool]:
        """``finish`` for several (id, owner, status, message): one statement, so one synced commit, per 200 of them."""
        for _, _, status, _ in outcomes:
            if status not in DONE:
                raise ValueError(f"not a final status: {status}")
        moment = time.time() if now is None else now
        real = column_type(self.engine.dialect, "real")  # PostgreSQL cannot tell the type of a column of NULLs
        # The same row twice: only its first outcome is recorded, as one call after another would have it.
        firsts = list({outcome[0]: outcome for outcome in reversed(outcomes)}.values())[::-1]
        kept_ids: set[str] = set()
        for start in range(0, len(firsts), _ROWS_PER_INSERT):
            chunk = firsts[start:start + _ROWS_PER_INSERT]
            values = [
                value
                for id, owner, status, message in chunk
                for value in (id, owner, status, message, None if status == FAILED else moment, message if status == FAILED else "")
            ]
            # One statement for the lot: each outcome is its own row's, and a row no longer ours is left alone.
            updated = self.engine.run(
                "WITH done (id, owner, status, message, sent_at, last_error) AS (VALUES "
                + ", ".join([f"(?, ?, ?, ?, CAST(? AS {real}), ?)"] * len(chunk)) + ")"
                " UPDATE outbox SET status = done.status, status_message = done.message, sent_at = done.sent_at,"
                " last_error = done.last_error, lease_owner = '', lease_until = 0"
                " FROM done WHERE outbox.id = done.id AND outbox.status = 'sending' AND outbox.lease_owner = done.owner"
                " RETURNING outbox.id",
                values,
            )
            kept_ids.update(row["id"] for row in updated.rows)
        kept = []
        for id, _, _, _ in outcomes:
            kept.append(id in kept_ids)
            kept_ids.discard(id)
        return kept

    def renew(self, id: str, owner: str, lease_seconds: float, now: float | None = None) -> bool:
        """Extend a lease (the sender's heartbeat). False when the row is no longer this owner's to send.

        A lease that ran out but was not taken over is still the owner's: claim
        and renew each change the row in one statement, so renewing can never
        overlap another sender's claim.
        """
        moment = time.time() if now is None else now
        return self.engine.run(
            "UPDATE outbox SET lease_until = ? WHERE id = ? AND status = 'sending' AND lease_owner = ?",
            (moment + lease_seconds, id, owner),
        ).rowcount == 1

    def retry_later(self, id: str, owner: str, error: str, delay: float, now: float | None = None) -> bool:
        moment = time.time() if now is None else now
        return self.engine.run(
            "UPDATE outbox SET status = 'queued', last_error = ?, next_attempt_at = ?, lease_owner = '', lease_until = 0,"
            " status_message = ? WHERE id = ? AND status = 'sending' AND lease_owner = ?",
            (error, moment + delay, "Waiting to retry after a temporary problem.", id, owner),
        ).rowcount == 1

    def release(self, id: str, owner: str) -> bool:
        """Hand a claimed row back untouched (a sender stopping mid-send); the attempt does not count."""
        return self.engine.run(
            "UPDATE outbox SET status = 'queued', attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,"
            " lease_owner = '', lease_until = 0 WHERE id = ? AND status = 'sending' AND lease_owner = ?",
            (id, owner),
        ).rowcount == 1

    def requeue_stale(self, now: float | None = None) -> int:
        """At start: rows left ``sending`` by a sender that is gone go back to the queue."""
        moment = time.time() if now is None else now
        return self.engine.run(
            "UPDATE outbox SET status = 'queued', lease_owner = '', lease_until = 0 WHERE status = 'sending' AND lease_until <= ?",
            (moment,),
        ).rowcount

    def retry_failed(self, id: str, now: float | None = None) -> bool:
        """An operator's second chance for a failed row (after fixing the cause)."""
        moment = time.time() if now is None else now
        return self.engine.run(
            "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?, status_message = '' WHERE id = ? AND status = 'failed'",
            (moment, id),
        ).rowcount == 1

    def next_due(self) -> float | None:
        """When the next queued row or lease falls due, for the sender's sleep."""
        row = self.engine.run(
            "SELECT min(t) AS due FROM (SELECT min(next_attempt_at) AS t FROM outbox WHERE status = 'queued'"
            " UNION ALL SELECT min(lease_until) AS t FROM outbox WHERE status = 'sending') AS due_times"
        ).one()
        return None if row is None or row["due"] is None else float(row["due"])

    def counts(self) -> dict[str, int]:
        rows = self.engine.run("SELECT status, count(*) AS n FROM outbox GROUP BY status").rows
        return {status: 0 for status in STATUSES} | {row["status"]: int(row["n"]) for row in rows}

    def depth(self) -> tuple[dict[str, int], float | None]:
        """Rows by status, and when the oldest row still waiting to be sent was accepted."""
        row = self.engine.run("SELECT min(created_at) AS oldest FROM outbox WHERE status IN ('queued', 'sending')").one()
        return self.counts(), None if row is None or row["oldest"] is None else float(row["oldest"])

    def recent(self, limit: int = 50, status: str | None = None) -> list[Item]:
        query = "SELECT * FROM outbox" + (" WHERE status = ?" if status else "") + " ORDER BY created_at DESC LIMIT ?"
        params: tuple[Any, ...] = ((status,) if status else ()) + (limit,)
        return [_item(row) for row in self.engine.run(query, params).rows]


def _item(row: Row) -> Item:
    return Item(
        id=row["id"],
        dedupe_key=row["dedupe_key"],
        contact_id=row["contact_id"],
        to=row["to_address"],
        envelope_from=row["envelope_from"],
        fields=json.loads(row["fields"]),
        message=bytes(row["message"]),
        status=row["status"],
        status_message=row["status_message"],
        attempts=int(row["attempts"]),
        last_error=row["last_error"],
        next_attempt_at=float(row["next_attempt_at"]),
        lease_owner=row["lease_owner"],
        lease_until=float(row["lease_until"]),
        created_at=float(row["created_at"]),
        sent_at=None if row["sent_at"] is None else float(row["sent_at"]),
    )


def outbox_path(data_dir: Path) -> Path:
    return data_dir / "outbox.sqlite3"
