"""Staff sign-ins, kept on the server so signing out (or changing the password) ends them everywhere.

The cookie carries only a random id. A copied cookie is worth nothing once
its row is gone: at sign-out, after the working day it was granted for, or
as soon as STAFF_PASSWORD changes (each row remembers a keyed fingerprint of
the password it was granted under). Rows live in the store beside the
outbox (SQLite or PostgreSQL), so every worker and every machine agrees.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path

from routing.store.database import Database, Engine

_SCHEMA = """
CREATE TABLE IF NOT EXISTS staff_sessions (
    digest TEXT PRIMARY KEY,
    password TEXT NOT NULL,
    created_at {real} NOT NULL,
    expires_at {real} NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_sessions_expiry ON staff_sessions (expires_at);
"""

LIFETIME = 12 * 3600.0  # a working day


def _digest(token: str) -> str:
    # Only a hash is stored: a copy of the database opens no session.
    return hashlib.sha256(token.encode()).hexdigest()


def _fingerprint(password: str, secret: str) -> str:
    return hmac.new(secret.encode(), password.encode(), hashlib.sha256).hexdigest()


class StaffSessions(Database):
    name = "staff_sessions"
    migrations = (_SCHEMA,)

    def __init__(self, engine: Engine | Path, password: str, secret: str) -> None:
        super().__init__(engine)
        self._password = _fingerprint(password, secret)

    def open(self, now: float | None = None) -> str:
        """A new session's token, for the signed cookie."""
        moment = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        with self.engine.transaction() as tx:
            tx.run("DELETE FROM staff_sessions WHERE expires_at <= ?", (moment,))
            tx.run(
                "INSERT INTO staff_sessions (digest, password, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (_digest(token), self._password, moment, moment + LIFETIME),
            )
        return token

    def valid(self, token: str, now: float | None = None) -> bool:
        if not token:
            return False
        moment = time.time() if now is None else now
        row = self.engine.run("SELECT password, expires_at FROM staff_sessions WHERE digest = ?", (_digest(token),)).one()
        return row is not None and row["expires_at"] > moment and hmac.compare_digest(row["password"], self._password)

    def close_session(self, token: str) -> None:
        self.engine.run("DELETE FROM staff_sessions WHERE digest = ?", (_digest(token),))


def sessions_path(data_dir: Path) -> Path:
    return data_dir / "staff_sessions.sqlite3"
