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

import json
import secrets
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from routing.store.database import Database

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
    message BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    status_message TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    next_attempt_at REAL NOT NULL,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until REAL NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    sent_at REAL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
"""


def new_reference() -> str:
    return "FW-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


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
    """Thread-safe access to the outbox file; every method is one short transaction."""

    schema = _SCHEMA

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
        moment = time.time() if now is None else now
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO outbox (id, dedupe_key, contact_id, to_address, envelope_from, fields, message,"
                " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (dedupe_key) DO NOTHING",
                (id, dedupe_key, contact_id, to, envelope_from, json.dumps(dict(fields)), message, moment, moment),
            )
            created = cursor.rowcount == 1
            row = self._db.execute("SELECT * FROM outbox WHERE dedupe_key = ?", (dedupe_key,)).fetchone()
        return _item(row), created

    def get(self, id: str) -> Item | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM outbox WHERE id = ?", (id,)).fetchone()
        return _item(row) if row else None

    def claim(self, owner: str, lease_seconds: float, now: float | None = None) -> Item | None:
        """Take the next due row for sending, or None when nothing is due.

        A ``sending`` row whose lease has run out belongs to a sender that died
        or hung (a live one renews its lease); it is due again, which is where
        at-least-once comes from.
        """
        moment = time.time() if now is None else now
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT id FROM outbox WHERE (status = 'queued' AND next_attempt_at <= ?)"
                    " OR (status = 'sending' AND lease_until <= ?) ORDER BY next_attempt_at, created_at LIMIT 1",
                    (moment, moment),
                ).fetchone()
                if row is None:
                    self._db.execute("COMMIT")
                    return None
                claimed = self._db.execute(
                    "UPDATE outbox SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1"
                    " WHERE id = ? RETURNING *",
                    (owner, moment + lease_seconds, row["id"]),
                ).fetchone()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return _item(claimed)

    def finish(self, id: str, owner: str, status: str, message: str = "", now: float | None = None) -> bool:
        """Record a final outcome (sent, written or failed). False when the lease was lost.

        ``last_error`` says why the row is not delivered: a failure's reason, or
        cleared on success, so an earlier attempt's problem never sits next to
        ``sent``.
        """
        if status not in DONE:
            raise ValueError(f"not a final status: {status}")
        moment = time.time() if now is None else now
        sent_at = None if status == FAILED else moment
        last_error = message if status == FAILED else ""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE outbox SET status = ?, status_message = ?, sent_at = ?, last_error = ?, lease_owner = '', lease_until = 0"
                " WHERE id = ? AND status = 'sending' AND lease_owner = ?",
                (status, message, sent_at, last_error, id, owner),
            )
        return cursor.rowcount == 1

    def renew(self, id: str, owner: str, lease_seconds: float, now: float | None = None) -> bool:
        """Extend a lease (the sender's heartbeat). False when the row is no longer this owner's to send.

        A lease that ran out but was not taken over is still the owner's: claim
        and renew each change the row in one statement, so renewing can never
        overlap another sender's claim.
        """
        moment = time.time() if now is None else now
        with self._lock:
            cursor = self._db.execute(
                "UPDATE outbox SET lease_until = ? WHERE id = ? AND status = 'sending' AND lease_owner = ?",
                (moment + lease_seconds, id, owner),
            )
        return cursor.rowcount == 1

    def retry_later(self, id: str, owner: str, error: str, delay: float, now: float | None = None) -> bool:
        moment = time.time() if now is None else now
        with self._lock:
            cursor = self._db.execute(
                "UPDATE outbox SET status = 'queued', last_error = ?, next_attempt_at = ?, lease_owner = '', lease_until = 0,"
                " status_message = ? WHERE id = ? AND status = 'sending' AND lease_owner = ?",
                (error, moment + delay, "Waiting to retry after a temporary problem.", id, owner),
            )
        return cursor.rowcount == 1

    def release(self, id: str, owner: str) -> bool:
        """Hand a claimed row back untouched (a sender stopping mid-send); the attempt does not count."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE outbox SET status = 'queued', attempts = max(attempts - 1, 0), lease_owner = '', lease_until = 0"
                " WHERE id = ? AND status = 'sending' AND lease_owner = ?",
                (id, owner),
            )
        return cursor.rowcount == 1

    def requeue_stale(self, now: float | None = None) -> int:
        """At start: rows left ``sending`` by a sender that is gone go back to the queue."""
        moment = time.time() if now is None else now
        with self._lock:
            cursor = self._db.execute(
                "UPDATE outbox SET status = 'queued', lease_owner = '', lease_until = 0"
                " WHERE status = 'sending' AND lease_until <= ?",
                (moment,),
            )
        return cursor.rowcount

    def retry_failed(self, id: str, now: float | None = None) -> bool:
        """An operator's second chance for a failed row (after fixing the cause)."""
        moment = time.time() if now is None else now
        with self._lock:
            cursor = self._db.execute(
                "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = ?, status_message = ''"
                " WHERE id = ? AND status = 'failed'",
                (moment, id),
            )
        return cursor.rowcount == 1

    def next_due(self) -> float | None:
        """When the next queued row or lease falls due, for the sender's sleep."""
        with self._lock:
            row = self._db.execute(
                "SELECT min(t) FROM (SELECT min(next_attempt_at) AS t FROM outbox WHERE status = 'queued'"
                " UNION ALL SELECT min(lease_until) FROM outbox WHERE status = 'sending')"
            ).fetchone()
        return None if row[0] is None else float(row[0])

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
        return {status: 0 for status in STATUSES} | {row[0]: int(row[1]) for row in rows}

    def depth(self) -> tuple[dict[str, int], float | None]:
        """Rows by status, and when the oldest row still waiting to be sent was accepted."""
        with self._lock:
            row = self._db.execute("SELECT min(created_at) FROM outbox WHERE status IN ('queued', 'sending')").fetchone()
        return self.counts(), None if row[0] is None else float(row[0])

    def recent(self, limit: int = 50, status: str | None = None) -> list[Item]:
        query = "SELECT * FROM outbox" + (" WHERE status = ?" if status else "") + " ORDER BY created_at DESC LIMIT ?"
        params: tuple[Any, ...] = ((status,) if status else ()) + (limit,)
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        return [_item(row) for row in rows]


def _item(row: sqlite3.Row) -> Item:
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
