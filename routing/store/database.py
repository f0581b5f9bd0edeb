"""One storage interface, two engines: SQLite files under DATA_DIR (the default) or a shared PostgreSQL.

Every store (the outbox, the triage log, staff sessions, rate limits) is
written once against ``Engine``: ``run`` for one statement, ``transaction``
for several. Statements use ``?`` placeholders and the SQL both engines
speak; the few places they differ (a type name, ``FOR UPDATE SKIP LOCKED``)
ask ``engine.dialect``.

Schemas change only through numbered migrations, recorded per store in
``schema_versions``. A data directory made before migrations existed has
the version-1 tables already (they were created with ``IF NOT EXISTS``), so
it upgrades in place from there.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

from routing.errors import StoreUnavailable

SQLITE, POSTGRESQL = "sqlite", "postgresql"

Row = Mapping[str, Any]
Params = Sequence[Any]

# Column types that differ: PostgreSQL's REAL is single precision, too coarse for epoch seconds.
_TYPES = {
    SQLITE: {"real": "REAL", "blob": "BLOB"},
    POSTGRESQL: {"real": "DOUBLE PRECISION", "blob": "BYTEA"},
}


def column_type(dialect: str, kind: str) -> str:
    """The type name each engine spells a column kind with ("real", "blob"), for statements that must say it."""
    return _TYPES[dialect][kind]


@dataclass(frozen=True)
class Result:
    rows: list[Row]
    rowcount: int

    def one(self) -> Row | None:
        return self.rows[0] if self.rows else None


class Runner(Protocol):
    def run(self, sql: str, params: Params = ()) -> Result: ...


class Engine(Protocol):
    """What a store needs from its database."""

    dialect: str

    def run(self, sql: str, params: Params = ()) -> Result: ...

    def transaction(self) -> contextlib.AbstractContextManager[Runner]: ...

    def check_writable(self, timeout: float = 2.0) -> None: ...

    def close(self) -> None: ...


# --- SQLite ------------------------------------------------------------------


class SQLiteEngine:
    """One SQLite file, one connection shared by threads under a lock."""

    dialect = SQLITE

    def __init__(self, path: Path, durable: bool = True) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly where they matter.
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10.0)
        self._db.row_factory = sqlite3.Row
        _wal(self._db)
        # FULL syncs the WAL on every commit: "recorded before the 202" must survive a power cut.
        # Counts that may be lost (rate limits) skip the sync.
        self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._lock = threading.RLock()

    def run(self, sql: str, params: Params = ()) -> Result:
        with self._lock, _unavailable_on(sqlite3.OperationalError):
            cursor = self._db.execute(sql, tuple(params))
            rows = cursor.fetchall()
            return Result(rows, cursor.rowcount)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Runner]:
        with self._lock, _unavailable_on(sqlite3.OperationalError):
            # IMMEDIATE takes the write lock at once, so two processes never both read-then-write.
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def check_writable(self, timeout: float = 2.0) -> None:
        # A fresh connection sees what a new request would (a read-only remount, a lock held too long),
        # and its short timeout keeps the probe from waiting as long as a request would.
        db = sqlite3.connect(str(self.path), isolation_level=None, timeout=timeout)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE store_heartbeat SET at = ? WHERE id = 1", (time.time(),))
            db.execute("COMMIT")
        finally:
            db.close()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _wal(db: sqlite3.Connection, patience: float = 10.0) -> None:
    """Switch to WAL, waiting out another process doing the same.

    Changing the journal mode needs the file to itself and can answer "locked"
    without consulting the busy timeout, which workers starting together hit.
    """
    deadline = time.monotonic() + patience
    delay = 0.005
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


# --- PostgreSQL --------------------------------------------------------------


class PostgresEngine:
    """A psycopg 3 connection pool shared by every store of the process."""

    dialect = POSTGRESQL

    def __init__(self, url: str, min_size: int = 1, max_size: int = 8, timeout: float = 5.0) -> None:
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self.url = url
        # A short wait for a connection: with the server down, a request fails in seconds with a sentence, not in 30.
        self._pool = ConnectionPool(
            url, min_size=min_size, max_size=max_size, timeout=timeout,
            kwargs={"row_factory": dict_row, "autocommit": True, "connect_timeout": max(int(timeout), 1)}, open=True,
        )
        self._pool.wait(timeout=30)

    def run(self, sql: str, params: Params = ()) -> Result:
        with _unavailable_on(*_pg_unavailable()), self._pool.connection() as conn:
            return _pg_run(conn, sql, params)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Runner]:
        with _unavailable_on(*_pg_unavailable()), self._pool.connection() as conn, conn.transaction():
            yield _PgRunner(conn)

    def check_writable(self, timeout: float = 2.0) -> None:
        with self._pool.connection(timeout=timeout) as conn, conn.transaction():
            conn.execute(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
            conn.execute("UPDATE store_heartbeat SET at = %s WHERE id = 1", (time.time(),))

    def notify(self, channel: str) -> None:
        self.run("SELECT pg_notify(?, '')", (channel,))

    def listen(self, channel: str, stop: threading.Event, woken: Any, wait: float = 1.0) -> None:
        """Call ``woken()`` on every NOTIFY to ``channel`` until ``stop`` is set (run in a thread).

        A dedicated connection, outside the pool: it sits in LISTEN for the life of the process.
        """
        import psycopg

        while not stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute(f'LISTEN "{channel}"')
                    woken()  # anything queued while we were not listening
                    while not stop.is_set():
                        for _ in conn.notifies(timeout=wait, stop_after=1):
                            woken()
            except psycopg.Error:
                stop.wait(wait)  # the server went away; listen again when it is back

    def close(self) -> None:
        self._pool.close()


def _pg_unavailable() -> tuple[type[Exception], ...]:
    import psycopg
    from psycopg_pool import PoolTimeout

    return (psycopg.OperationalError, PoolTimeout)


# SQLite says "operational error" for a typo in SQL too; only these mean the file cannot be used right now.
_SQLITE_UNAVAILABLE = ("locked", "busy", "disk i/o", "unable to open", "readonly", "disk is full", "database or disk is full")


@contextlib.contextmanager
def _unavailable_on(*kinds: type[Exception]) -> Iterator[None]:
    """The driver's "cannot reach or lock the database" errors, as the one error every front end explains."""
    try:
        yield
    except kinds as exc:
        if isinstance(exc, sqlite3.OperationalError) and not any(word in str(exc).lower() for word in _SQLITE_UNAVAILABLE):
            raise
        raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc


class _PgRunner:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def run(self, sql: str, params: Params = ()) -> Result:
        return _pg_run(self._conn, sql, params)


def _pg_run(conn: Any, sql: str, params: Params) -> Result:
    cursor = conn.execute(sql.replace("?", "%s"), tuple(params))
    rows = cursor.fetchall() if cursor.description else []
    return Result(rows, cursor.rowcount)


# --- Stores and migrations -----------------------------------------------------


class Database:
    """A store over an engine: ``name`` and ``migrations`` say what its tables are and how they grew.

    Each migration is SQL for both engines, with ``{real}`` and ``{blob}``
    standing for the column types that differ. Version 1 of every store is
    what earlier releases made with ``CREATE TABLE IF NOT EXISTS``.
    """

    name: ClassVar[str]
    migrations: ClassVar[Sequence[str]]
    durable: ClassVar[bool] = True  # False: a lost write costs nothing, so SQLite skips the fsync

    def __init__(self, engine: Engine | Path) -> None:
        # A path is a SQLite file of this store's own; an engine may be shared, and its opener closes it.
        self._owns_engine = isinstance(engine, Path)
        self.engine: Engine = SQLiteEngine(engine, self.durable) if isinstance(engine, Path) else engine
        migrate(self.engine, self.name, self.migrations)

    def check_writable(self, timeout: float = 2.0) -> None:
        self.engine.check_writable(timeout)

    def close(self) -> None:
        if self._owns_engine:
            self.engine.close()


_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_versions (store TEXT PRIMARY KEY, version INTEGER NOT NULL, migrated_at {real} NOT NULL);
CREATE TABLE IF NOT EXISTS store_heartbeat (id INTEGER PRIMARY KEY, at {real} NOT NULL);
INSERT INTO store_heartbeat (id, at) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
"""


def migrate(engine: Engine, store: str, migrations: Sequence[str]) -> int:
    """Bring ``store``'s tables up to the newest migration; returns the version it is at."""
    types = _TYPES[engine.dialect]
    with engine.transaction() as tx:
        if engine.dialect == POSTGRESQL:
            # Processes starting together take turns; the lock ends with the transaction.
            tx.run("SELECT pg_advisory_xact_lock(?)", (zlib.crc32(b"routing-migrations"),))
        for statement in _statements(_typed(_BOOKKEEPING, types)):
            tx.run(statement)
        row = tx.run("SELECT version FROM schema_versions WHERE store = ?", (store,)).one()
        current = int(row["version"]) if row else 0
        if current > len(migrations):
            raise RuntimeError(f"the {store} tables are at version {current}, newer than this release knows ({len(migrations)}); upgrade the app")
        for version, script in enumerate(migrations, start=1):
            if version <= current:
                continue
            for statement in _statements(_typed(script, types)):
                tx.run(statement)
            tx.run(
                "INSERT INTO schema_versions (store, version, migrated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (store) DO UPDATE SET version = excluded.version, migrated_at = excluded.migrated_at",
                (store, version, time.time()),
            )
            current = version
    return current


def version_of(engine: Engine, store: str) -> int:
    row = engine.run("SELECT version FROM schema_versions WHERE store = ?", (store,)).one()
    return int(row["version"]) if row else 0


def _typed(script: str, types: Mapping[str, str]) -> str:
    # Not str.format: a migration may hold braces of its own (a JSON default such as '{}').
    for name, sql_type in types.items():
        script = script.replace("{" + name + "}", sql_type)
    return script


def _statements(script: str) -> list[str]:
    # Migrations hold no semicolons inside strings, so splitting on them is enough.
    return [part.strip() for part in script.split(";") if part.strip()]
