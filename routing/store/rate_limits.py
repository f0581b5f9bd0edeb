"""Per-client request budgets, counted by the ``limits`` library in one place every worker shares.

One process counts in memory (``limits``' own storage, which forgets a
client once its window has passed). Several workers on one machine count in
a SQLite file in DATA_DIR, and several machines in PostgreSQL, so a client
gets its share once however many processes answer it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from routing.errors import RateLimited

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_limits (
    key TEXT PRIMARY KEY,
    hits INTEGER NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_limits_expiry ON rate_limits (expires_at);
"""

SWEEP_EVERY = 500  # counts between deletions of expired clients, so the table stays the size of one window


class RateLimiter:
    """``per_minute`` requests per client per minute (0 turns the limit off)."""

    def __init__(self, per_minute: int, storage: Storage, name: str) -> None:
        self.per_minute = per_minute
        self.name = name
        self._item = RateLimitItemPerMinute(max(per_minute, 1))
        self._strategy = FixedWindowRateLimiter(storage)

    def check(self, client: str) -> None:
        """Count one request from ``client``, or raise a 429 (with Retry-After) when it has had its share."""
        if self.per_minute > 0 and not self._strategy.hit(self._item, self.name, client):
            raise RateLimited(self._retry_after(client))

    def refuse_if_over(self, client: str) -> None:
        """Raise a 429 when ``client`` has had its share, without counting this request."""
        if self.per_minute > 0 and not self._strategy.test(self._item, self.name, client):
            raise RateLimited(self._retry_after(client))

    def _retry_after(self, client: str) -> int:
        reset = self._strategy.get_window_stats(self._item, self.name, client).reset_time
        return max(int(reset - time.time()) + 1, 1)


class SQLiteStorage(Storage):
    """A ``limits`` storage in a SQLite file: the counts every worker on this machine shares."""

    STORAGE_SCHEME = ["routing+sqlite"]  # noqa: RUF012 (limits registers storages by this class attribute)

    def __init__(self, path: Path) -> None:
        super().__init__()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        # A count lost in a power cut costs a client nothing; no fsync per request.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._counted = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._counted += 1
                if self._counted % SWEEP_EVERY == 0:
                    self._db.execute("DELETE FROM rate_limits WHERE expires_at <= ?", (now,))
                row = self._db.execute(
                    "INSERT INTO rate_limits (key, hits, expires_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET"
                    " hits = CASE WHEN expires_at <= ? THEN excluded.hits ELSE hits + excluded.hits END,"
                    " expires_at = CASE WHEN expires_at <= ? THEN excluded.expires_at ELSE expires_at END"
                    " RETURNING hits",
                    (key, amount, now + expiry, now, now),
                ).fetchone()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return int(row[0])

    def get(self, key: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT hits FROM rate_limits WHERE key = ? AND expires_at > ?", (key, time.time())).fetchone()
        return 0 if row is None else int(row[0])

    def get_expiry(self, key: str) -> float:
        with self._lock:
            row = self._db.execute("SELECT expires_at FROM rate_limits WHERE key = ?", (key,)).fetchone()
        return time.time() if row is None else float(row[0])

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            return self._db.execute("DELETE FROM rate_limits").rowcount

    def clear(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM rate_limits WHERE key = ?", (key,))

    def held(self) -> int:
        """Clients counted in the table, expired or not (for tests of the sweep)."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM rate_limits").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def storage_for(data_dir: Path, workers: int) -> Storage:
    """Memory for one process; a SQLite file in DATA_DIR when several workers share the machine."""
    if workers > 1:
        return SQLiteStorage(data_dir / "rate_limits.sqlite3")
    return MemoryStorage()
