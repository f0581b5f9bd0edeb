"""Staff sign-ins, kept on the server so signing out (or changing the password) ends them everywhere.

The cookie carries only a random id. Each row says who signed in: a named
account, or "bootstrap" for the shared STAFF_PASSWORD. A copied cookie is
worth nothing once its row is gone: at sign-out, after the working day it
was granted for, when its account is removed or its password changed (the
``staff`` command ends that person's sessions), or, for a bootstrap
session, as soon as STAFF_PASSWORD changes (each row remembers a keyed
fingerprint of the password it was granted under). Rows live in the store
beside the outbox (SQLite or PostgreSQL), so every worker and every machine
agrees.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path

from routing.store.database import Database, Engine
from routing.store.staff_accounts import BOOTSTRAP

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
    migrations = (
        _SCHEMA,
        # 2: who signed in. Sessions from before named accounts were all the shared password's.
        f"ALTER TABLE staff_sessions ADD COLUMN user_name TEXT NOT NULL DEFAULT '{BOOTSTRAP}'",
    )

    def __init__(self, engine: Engine | Path, password: str, secret: str) -> None:
        super().__init__(engine)
        self._password = _fingerprint(password, secret)

    def open(self, user: str = BOOTSTRAP, now: float | None = None) -> str:
        """A new session for ``user``; its token goes in the signed cookie."""
        moment = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        # Only a bootstrap session depends on STAFF_PASSWORD; a named one ends with its account or its password.
        fingerprint = self._password if user == BOOTSTRAP else ""
        with self.engine.transaction() as tx:
            tx.run("DELETE FROM staff_sessions WHERE expires_at <= ?", (moment,))
            tx.run(
                "INSERT INTO staff_sessions (digest, password, created_at, expires_at, user_name) VALUES (?, ?, ?, ?, ?)",
                (_digest(token), fingerprint, moment, moment + LIFETIME, user),
            )
        return token

    def who(self, token: str, now: float | None = None) -> str | None:
        """Who the session belongs to, or None when it has ended (or never was)."""
        if not token:
            return None
        moment = time.time() if now is None else now
        row = self.engine.run("SELECT password, expires_at, user_name FROM staff_sessions WHERE digest = ?", (_digest(token),)).one()
        if row is None or row["expires_at"] <= moment:
            return None
        user = str(row["user_name"])
        if user == BOOTSTRAP and not hmac.compare_digest(row["password"], self._password):
            return None
        return user

    def valid(self, token: str, now: float | None = None) -> bool:
        return self.who(token, now) is not None

    def end_for(self, user: str) -> int:
        """End every session of one person (their account was removed or their password changed); how many ended."""
        return self.engine.run("DELETE FROM staff_sessions WHERE LOWER(user_name) = ?", (user.lower(),)).rowcount

    def close_session(self, token: str) -> None:
        self.engine.run("DELETE FROM staff_sessions WHERE digest = ?", (_digest(token),))


def sessions_path(data_dir: Path) -> Path:
    return data_dir / "staff_sessions.sqlite3"
