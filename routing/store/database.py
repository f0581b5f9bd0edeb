"""The SQLite settings both stores (the outbox and the triage log) rely on."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import ClassVar


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """A connection shared across threads (callers hold a lock), with ``schema`` applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Autocommit mode: transactions are opened explicitly where they matter.
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10.0)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    # FULL syncs the WAL on every commit: "recorded before the 202" must survive a power cut.
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA busy_timeout=10000")
    db.executescript(schema)
    return db


class Database:
    """A SQLite file shared by threads: subclasses set ``schema`` and hold ``_lock`` around each transaction."""

    schema: ClassVar[str]

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = connect(path, self.schema)

    def check_writable(self, timeout: float = 2.0) -> None:
        """Commit one small write through a fresh connection, or raise: the readiness probe.

        A fresh connection sees what a new request would (a read-only remount,
        a file taken away, a lock held too long), and its short timeout keeps
        the probe from hanging as long as a request would wait.
        """
        db = sqlite3.connect(str(self.path), isolation_level=None, timeout=timeout)
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("CREATE TABLE IF NOT EXISTS store_heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at REAL NOT NULL)")
            db.execute("INSERT INTO store_heartbeat (id, at) VALUES (1, julianday('now')) ON CONFLICT (id) DO UPDATE SET at = excluded.at")
            db.execute("COMMIT")
        finally:
            db.close()

    def close(self) -> None:
        with self._lock:
            self._db.close()
