"""The audit trail: which staff member forwarded, asked, corrected or ignored which email, and when.

One row per action, written by the console right after the action took
effect. Rows are never changed or deleted by the app. An action that names
an outbox reference (a forward, a reply to the sender) is recorded once per
reference, so a double click or a retried request that queued one message
leaves one row.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from routing.store.database import Database, Row

FORWARDED, ASKED, CORRECTED, IGNORED = "forwarded", "asked", "corrected", "ignored"
ACTIONS = (FORWARDED, ASKED, CORRECTED, IGNORED)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_entries (
    id TEXT PRIMARY KEY,
    at {real} NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    message TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    ref TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_by_message ON audit_entries (message, at);
CREATE INDEX IF NOT EXISTS audit_recent ON audit_entries (at DESC);
CREATE UNIQUE INDEX IF NOT EXISTS audit_once_per_ref ON audit_entries (message, action, ref) WHERE ref <> '';
"""


@dataclass(frozen=True)
class Entry:
    at: float
    actor: str
    action: str
    message: str  # the triaged email's reference (TR-…)
    detail: str  # what a person reads after the action: "to <the team> (<its address>)"
    ref: str  # the outbox reference the action queued, if any


class AuditTrail(Database):
    name = "audit"
    migrations = (_SCHEMA,)

    def record(self, actor: str, action: str, message: str, detail: str = "", ref: str = "", now: float | None = None) -> bool:
        """Write one entry; False when this action's outbox reference was recorded already."""
        if action not in ACTIONS:
            raise ValueError(f"not an audited action: {action}")
        moment = time.time() if now is None else now
        return self.engine.run(
            "INSERT INTO audit_entries (id, at, actor, action, message, detail, ref) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            ("AU-" + secrets.token_hex(8), moment, actor, action, message, detail, ref),
        ).rowcount == 1

    def for_message(self, message: str) -> list[Entry]:
        """Everything done to one email, oldest first."""
        rows = self.engine.run("SELECT * FROM audit_entries WHERE message = ? ORDER BY at, id", (message,)).rows
        return [_entry(row) for row in rows]

    def last(self, message: str, action: str) -> Entry | None:
        row = self.engine.run("SELECT * FROM audit_entries WHERE message = ? AND action = ? ORDER BY at DESC, id DESC LIMIT 1", (message, action)).one()
        return _entry(row) if row else None

    def recent(self, limit: int = 50, actor: str = "") -> list[Entry]:
        """The newest entries first, optionally only one person's."""
        where, params = (" WHERE LOWER(actor) = ?", (actor.lower(),)) if actor else ("", ())
        rows = self.engine.run(f"SELECT * FROM audit_entries{where} ORDER BY at DESC, id DESC LIMIT ?", (*params, limit)).rows
        return [_entry(row) for row in rows]


def _entry(row: Row) -> Entry:
    return Entry(at=float(row["at"]), actor=row["actor"], action=row["action"], message=row["message"], detail=row["detail"], ref=row["ref"])


def audit_path(data_dir: Path) -> Path:
    return data_dir / "audit.sqlite3"
