"""Where the IMAP fetcher is in each mailbox: its UIDVALIDITY and the UID up to which every message is done.

IMAP numbers a folder's messages with UIDs that only grow, valid for as long
as the folder's UIDVALIDITY stays the same. ``last_uid`` is a watermark:
every message with a UID up to it was triaged and stored (or given up on and
kept for review), so a restart starts just after it and skips nothing. A
message that failed stays above the watermark and is tried again; the ones
after it that worked are flagged or moved on the server, so they are not
fetched again. ``failures`` counts the tries of a message that fails, so one
bad message cannot hold the others back for ever.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from routing.store.database import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mailbox_state (
    mailbox TEXT PRIMARY KEY,
    uidvalidity BIGINT NOT NULL,
    last_uid BIGINT NOT NULL,
    updated_at {real} NOT NULL
);
CREATE TABLE IF NOT EXISTS mailbox_failures (
    mailbox TEXT NOT NULL,
    uidvalidity BIGINT NOT NULL,
    uid BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    updated_at {real} NOT NULL,
    PRIMARY KEY (mailbox, uidvalidity, uid)
);
"""


@dataclass(frozen=True)
class Position:
    uidvalidity: int
    last_uid: int


class MailboxState(Database):
    name = "mailbox_state"
    migrations = (_SCHEMA,)

    def position(self, mailbox: str) -> Position | None:
        row = self.engine.run("SELECT uidvalidity, last_uid FROM mailbox_state WHERE mailbox = ?", (mailbox,)).one()
        return Position(int(row["uidvalidity"]), int(row["last_uid"])) if row else None

    def start(self, mailbox: str, uidvalidity: int) -> Position:
        """The position for this UIDVALIDITY: the one kept, or the folder's start when it is new or changed."""
        with self.engine.transaction() as tx:
            row = tx.run("SELECT uidvalidity, last_uid FROM mailbox_state WHERE mailbox = ?", (mailbox,)).one()
            if row is not None and int(row["uidvalidity"]) == uidvalidity:
                return Position(uidvalidity, int(row["last_uid"]))
            tx.run(
                "INSERT INTO mailbox_state (mailbox, uidvalidity, last_uid, updated_at) VALUES (?, ?, 0, ?)"
                " ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = 0, updated_at = excluded.updated_at",
                (mailbox, uidvalidity, time.time()),
            )
            tx.run("DELETE FROM mailbox_failures WHERE mailbox = ? AND uidvalidity <> ?", (mailbox, uidvalidity))
        return Position(uidvalidity, 0)

    def advance(self, mailbox: str, uidvalidity: int, uid: int) -> bool:
        """Move the watermark up to ``uid`` (never down, never across a UIDVALIDITY change)."""
        return self.engine.run(
            "UPDATE mailbox_state SET last_uid = ?, updated_at = ? WHERE mailbox = ? AND uidvalidity = ? AND last_uid < ?",
            (uid, time.time(), mailbox, uidvalidity, uid),
        ).rowcount == 1

    def failed(self, mailbox: str, uidvalidity: int, uid: int, error: str) -> int:
        """Count one more failed try of this message; returns how many there have been."""
        with self.engine.transaction() as tx:
            tx.run(
                "INSERT INTO mailbox_failures (mailbox, uidvalidity, uid, attempts, last_error, updated_at) VALUES (?, ?, ?, 1, ?, ?)"
                " ON CONFLICT (mailbox, uidvalidity, uid) DO UPDATE SET attempts = mailbox_failures.attempts + 1,"
                " last_error = excluded.last_error, updated_at = excluded.updated_at",
                (mailbox, uidvalidity, uid, error[:500], time.time()),
            )
            row = tx.run("SELECT attempts FROM mailbox_failures WHERE mailbox = ? AND uidvalidity = ? AND uid = ?", (mailbox, uidvalidity, uid)).one()
        assert row is not None
        return int(row["attempts"])

    def forget_failure(self, mailbox: str, uidvalidity: int, uid: int) -> None:
        self.engine.run("DELETE FROM mailbox_failures WHERE mailbox = ? AND uidvalidity = ? AND uid = ?", (mailbox, uidvalidity, uid))
