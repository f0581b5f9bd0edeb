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

    def close(self) -> None:
        with self._lock:
            self._db.close()
