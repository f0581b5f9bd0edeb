"""Per-client request budgets, counted by the ``limits`` library in one place every worker shares.

One process counts in memory (``limits``' own storage, which forgets a
client once its window has passed). Several workers on one machine count in
a SQLite file in DATA_DIR, and several machines in PostgreSQL, so a client
gets its share once however many processes answer it. Expired clients are
swept every few hundred counts, so the table holds about one window's worth.
"""

from __future__ import annotations

import time

from limits import RateLimitItemPerMinute
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

from routing.errors import RateLimited
from routing.store.database import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_limits (
    key TEXT PRIMARY KEY,
    hits INTEGER NOT NULL,
    expires_at {real} NOT NULL
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


class SqlStorage(Storage):
    """A ``limits`` storage in the store's database: the counts every worker (and machine) shares."""

    STORAGE_SCHEME = ["routing+sql"]  # noqa: RUF012 (limits registers storages by this class attribute)

    def __init__(self, table: RateLimitTable) -> None:
        super().__init__()
        self.table = table
        self._counted = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return Exception

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        engine = self.table.engine
        self._counted += 1
        if self._counted % SWEEP_EVERY == 0:
            engine.run("DELETE FROM rate_limits WHERE expires_at <= ?", (now,))
        row = engine.run(
            "INSERT INTO rate_limits (key, hits, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET"
            " hits = CASE WHEN rate_limits.expires_at <= ? THEN excluded.hits ELSE rate_limits.hits + excluded.hits END,"
            " expires_at = CASE WHEN rate_limits.expires_at <= ? THEN excluded.expires_at ELSE rate_limits.expires_at END"
            " RETURNING hits",
            (key, amount, now + expiry, now, now),
        ).one()
        assert row is not None
        return int(row["hits"])

    def get(self, key: str) -> int:
        row = self.table.engine.run("SELECT hits FROM rate_limits WHERE key = ? AND expires_at > ?", (key, time.time())).one()
        return 0 if row is None else int(row["hits"])

    def get_expiry(self, key: str) -> float:
        row = self.table.engine.run("SELECT expires_at FROM rate_limits WHERE key = ?", (key,)).one()
        return time.time() if row is None else float(row["expires_at"])

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        return self.table.engine.run("DELETE FROM rate_limits").rowcount

    def clear(self, key: str) -> None:
        self.table.engine.run("DELETE FROM rate_limits WHERE key = ?", (key,))

    def held(self) -> int:
        """Clients counted in the table, expired or not (for tests of the sweep)."""
        row = self.table.engine.run("SELECT count(*) AS n FROM rate_limits").one()
        return 0 if row is None else int(row["n"])


class RateLimitTable(Database):
    name = "rate_limits"
    migrations = (_SCHEMA,)
    durable = False  # a count lost in a power cut costs a client nothing
