"""Every triaged email, in the store (SQLite under DATA_DIR, or PostgreSQL): the raw bytes, the result, its status and staff corrections.

Statuses: new → forwarded | asked | ignored | corrected (and a corrected one
can still be forwarded or asked). The same raw bytes are stored once, so an
SMTP client that retries a delivery, or a second paste of one email, finds
the first record.

The ask_sender limit (one reply per sender per Pacific day) is a row in
``asks`` with a primary key on (sender, day): the INSERT either takes the
day's slot or finds it taken, atomically, however many workers or processes
try at once.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routing.store.database import Database, Row

NEW, FORWARDED, ASKED, IGNORED, CORRECTED = "new", "forwarded", "asked", "ignored", "corrected"
STATUSES = (NEW, FORWARDED, ASKED, IGNORED, CORRECTED)

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    received_at {real} NOT NULL,
    updated_at {real} NOT NULL,
    sender TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '',
    raw {blob} NOT NULL,
    result TEXT NOT NULL,
    status TEXT NOT NULL,
    correction TEXT NOT NULL DEFAULT '{}',
    forward_id TEXT NOT NULL DEFAULT '',
    ask_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS messages_recent ON messages (received_at DESC);
CREATE TABLE IF NOT EXISTS asks (
    sender TEXT NOT NULL,
    day TEXT NOT NULL,
    message TEXT NOT NULL,
    asked_at {real} NOT NULL,
    PRIMARY KEY (sender, day)
);
"""


def new_id() -> str:
    return "TR-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class Record:
    id: str
    source: str  # api, console, inbound
    received_at: float
    updated_at: float
    sender: str
    subject: str
    message_id: str
    raw: bytes
    result: dict[str, Any]
    status: str
    correction: dict[str, str]
    forward_id: str
    ask_id: str
    thread_id: str = ""  # the id of the conversation's first email; "" for a first email
    in_reply_to: str = ""  # the id of the email this one answers

    @property
    def action(self) -> str:
        return str(self.result.get("action", ""))

    @property
    def thread(self) -> str:
        """The conversation this email belongs to: its first email's id."""
        return self.thread_id or self.id


class TriageLog(Database):
    """Thread-safe; every method is one short transaction."""

    name = "triage_log"
    migrations = (
        _SCHEMA,
        # 2: staff search by sender; conversations are found by the Message-ID a reply quotes.
        """
        CREATE INDEX IF NOT EXISTS messages_sender ON messages (sender);
        CREATE INDEX IF NOT EXISTS messages_message_id ON messages (message_id);
        """,
        # 3: conversations. A reply is kept with the id of its thread's first email and of the email it answers;
        # an ask is found by its outbox reference, which the reply quotes.
        """
        ALTER TABLE messages ADD COLUMN thread_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE messages ADD COLUMN in_reply_to TEXT NOT NULL DEFAULT '';
        CREATE INDEX IF NOT EXISTS messages_thread ON messages (thread_id);
        CREATE INDEX IF NOT EXISTS messages_ask ON messages (ask_id);
        """,
    )

    def add(
        self, raw: bytes, result: dict[str, Any], source: str, now: float | None = None, thread_id: str = "", in_reply_to: str = ""
    ) -> tuple[Record, bool]:
        """Store a triaged email; returns the record and whether it is new (the same bytes are kept once).

        ``thread_id`` and ``in_reply_to`` link a reply to its conversation: the first email's id and the one it answers.
        """
        moment = time.time() if now is None else now
        digest = hashlib.sha256(raw).hexdigest()
        status = IGNORED if result.get("action") == "ignore" else NEW
        with self.engine.transaction() as tx:
            created = tx.run(
                "INSERT INTO messages (id, digest, source, received_at, updated_at, sender, subject, message_id, raw, result, status,"
                " thread_id, in_reply_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING",
                (
                    new_id(), digest, source, moment, moment, str(result.get("from") or ""), str(result.get("subject") or "")[:500],
                    str(result.get("message_id") or ""), raw, json.dumps(result), status, thread_id, in_reply_to,
                ),
            ).rowcount == 1
            row = tx.run("SELECT * FROM messages WHERE digest = ?", (digest,)).one()
        assert row is not None
        return _record(row), created

    def get(self, id: str) -> Record | None:
        row = self.engine.run("SELECT * FROM messages WHERE id = ?", (id,)).one()
        return _record(row) if row else None

    def recent(self, limit: int = 100, status: str | None = None) -> list[Record]:
        query = "SELECT * FROM messages" + (" WHERE status = ?" if status else "") + " ORDER BY received_at DESC, id DESC LIMIT ?"
        params: tuple[Any, ...] = ((status,) if status else ()) + (limit,)
        return [_record(row) for row in self.engine.run(query, params).rows]

    def counts(self) -> dict[str, int]:
        rows = self.engine.run("SELECT status, count(*) AS n FROM messages GROUP BY status").rows
        return {status: 0 for status in STATUSES} | {row["status"]: int(row["n"]) for row in rows}

    def correct(self, id: str, correction: dict[str, str], result: dict[str, Any], now: float | None = None) -> bool:
        """Record staff corrections and the triage they lead to. A message already sent on keeps its status."""
        moment = time.time() if now is None else now
        return self.engine.run(
            "UPDATE messages SET correction = ?, result = ?, updated_at = ?,"
            " status = CASE WHEN status IN ('forwarded', 'asked') THEN status ELSE 'corrected' END WHERE id = ?",
            (json.dumps(correction), json.dumps(result), moment, id),
        ).rowcount == 1

    def mark(self, id: str, status: str, outbox_id: str = "", now: float | None = None) -> bool:
        if status not in STATUSES:
            raise ValueError(f"not a status: {status}")
        moment = time.time() if now is None else now
        column = {FORWARDED: "forward_id", ASKED: "ask_id"}.get(status)
        extra = f", {column} = ?" if column else ""
        params: tuple[Any, ...] = (status, moment) + ((outbox_id,) if column else ()) + (id,)
        return self.engine.run(f"UPDATE messages SET status = ?, updated_at = ?{extra} WHERE id = ?", params).rowcount == 1

    def with_ask(self, reference: str) -> Record | None:
        """The email whose ask_sender reply went out as outbox row ``reference``."""
        row = self.engine.run("SELECT * FROM messages WHERE ask_id = ? ORDER BY received_at LIMIT 1", (reference.upper(),)).one()
        return _record(row) if row else None

    def with_message_id(self, message_ids: list[str]) -> Record | None:
        """The newest stored email with one of these Message-IDs (as written: mail programs copy them exactly), earlier ids first."""
        for message_id in message_ids[:50]:
            row = self.engine.run("SELECT * FROM messages WHERE message_id = ? ORDER BY received_at DESC LIMIT 1", (message_id,)).one()
            if row:
                return _record(row)
        return None

    def thread(self, thread_id: str) -> list[Record]:
        """The first email of a conversation and every reply linked to it, oldest first."""
        rows = self.engine.run(
            "SELECT * FROM messages WHERE id = ? OR thread_id = ? ORDER BY received_at, id", (thread_id, thread_id)
        ).rows
        return [_record(row) for row in rows]

    def set_result(self, id: str, result: dict[str, Any], now: float | None = None) -> bool:
        """Keep the triage as it stands after its conversation was followed (what the list and the API show)."""
        moment = time.time() if now is None else now
        return self.engine.run("UPDATE messages SET result = ?, updated_at = ? WHERE id = ?", (json.dumps(result), moment, id)).rowcount == 1

    def claim_ask(self, sender: str, day: str, message: str, now: float | None = None) -> bool:
        """Take this sender's ask_sender reply for the day; False when one was already taken."""
        moment = time.time() if now is None else now
        return self.engine.run(
            "INSERT INTO asks (sender, day, message, asked_at) VALUES (?, ?, ?, ?) ON CONFLICT (sender, day) DO NOTHING",
            (sender.strip().lower(), day, message, moment),
        ).rowcount == 1

    def release_ask(self, sender: str, day: str, message: str) -> None:
        """Give the day's slot back when the reply could not be queued after all."""
        self.engine.run("DELETE FROM asks WHERE sender = ? AND day = ? AND message = ?", (sender.strip().lower(), day, message))

    def asked_today(self, sender: str, day: str) -> str:
        """The record that used this sender's reply for the day, or ''."""
        row = self.engine.run("SELECT message FROM asks WHERE sender = ? AND day = ?", (sender.strip().lower(), day)).one()
        return str(row["message"]) if row else ""


def _record(row: Row) -> Record:
    return Record(
        id=row["id"],
        source=row["source"],
        received_at=float(row["received_at"]),
        updated_at=float(row["updated_at"]),
        sender=row["sender"],
        subject=row["subject"],
        message_id=row["message_id"],
        raw=bytes(row["raw"]),
        result=json.loads(row["result"]),
        status=row["status"],
        correction=json.loads(row["correction"] or "{}"),
        forward_id=row["forward_id"],
        ask_id=row["ask_id"],
        thread_id=row["thread_id"],
        in_reply_to=row["in_reply_to"],
    )


def triage_path(data_dir: Path) -> Path:
    return data_dir / "triage.sqlite3"
