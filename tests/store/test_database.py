"""The storage interface itself: migrations, upgrades of old data directories, and readiness, on both engines."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from routing.store.database import PostgresEngine, SQLiteEngine, migrate, version_of
from routing.store.outbox import Outbox
from routing.store.triage_log import TriageLog

Opener = Callable[..., Any]

# The tables exactly as releases before migrations made them (CREATE TABLE IF NOT EXISTS, no version table).
OLD_TRIAGE_SCHEMA = """
CREATE TABLE messages (
    id TEXT PRIMARY KEY, digest TEXT NOT NULL UNIQUE, source TEXT NOT NULL, received_at REAL NOT NULL,
    updated_at REAL NOT NULL, sender TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '', raw BLOB NOT NULL, result TEXT NOT NULL, status TEXT NOT NULL,
    correction TEXT NOT NULL DEFAULT '{}', forward_id TEXT NOT NULL DEFAULT '', ask_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX messages_recent ON messages (received_at DESC);
CREATE TABLE asks (sender TEXT NOT NULL, day TEXT NOT NULL, message TEXT NOT NULL, asked_at REAL NOT NULL, PRIMARY KEY (sender, day));
INSERT INTO messages (id, digest, source, received_at, updated_at, sender, raw, result, status)
VALUES ('TR-OLD00001', 'd1', 'inbound', 1700000000.5, 1700000000.5, 'ana@example.test', X'6869', '{"action": "forward"}', 'new');
"""


def test_a_new_store_starts_at_the_newest_version_and_reopening_changes_nothing(open_store: Opener) -> None:
    log = open_store(TriageLog)
    newest = len(TriageLog.migrations)
    assert newest >= 3 and version_of(log.engine, "triage_log") == newest
    again = open_store(TriageLog)
    assert version_of(again.engine, "triage_log") == newest
    assert version_of(again.engine, "outbox") == 0  # each store keeps its own version


def test_an_old_data_directory_upgrades_in_place_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "triage.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(OLD_TRIAGE_SCHEMA)
    old.close()
    log = TriageLog(path)
    record = log.get("TR-OLD00001")
    assert record is not None and (record.sender, record.raw, record.action) == ("ana@example.test", b"hi", "forward")
    assert version_of(log.engine, "triage_log") == len(TriageLog.migrations)
    indexes = {row["name"] for row in log.engine.run("SELECT name FROM sqlite_master WHERE type = 'index'").rows}
    assert {"messages_sender", "messages_message_id"} <= indexes  # migration 2 ran on the old file
    assert {"messages_thread", "messages_ask"} <= indexes and (record.thread_id, record.thread) == ("", "TR-OLD00001")  # and 3
    log.close()


def test_a_store_newer_than_this_release_refuses_to_start(tmp_path: Path) -> None:
    engine = SQLiteEngine(tmp_path / "x.sqlite3")
    migrate(engine, "outbox", Outbox.migrations)
    engine.run("UPDATE schema_versions SET version = 99 WHERE store = 'outbox'")
    with pytest.raises(RuntimeError, match="version 99, newer than this release"):
        migrate(engine, "outbox", Outbox.migrations)
    engine.close()


def test_processes_starting_together_migrate_once(database_url: str) -> None:
    engines = [PostgresEngine(database_url, max_size=2) for _ in range(4)]
    problems: list[BaseException] = []

    def start(engine: PostgresEngine) -> None:
        try:
            TriageLog(engine)
        except BaseException as exc:
            problems.append(exc)

    threads = [threading.Thread(target=start, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert version_of(engines[0], "triage_log") == len(TriageLog.migrations)
    for engine in engines:
        engine.close()


def test_the_readiness_probe_fails_while_postgresql_is_down_and_recovers(postgres: Any, database_url: str) -> None:
    from pg_fixture import wait_until_accepting

    box = Outbox(PostgresEngine(database_url, max_size=2))
    box.check_writable()
    postgres.stop()
    try:
        with pytest.raises(Exception):  # noqa: B017 (any driver error means not ready)
            box.check_writable(timeout=1.0)
    finally:
        postgres.start()
        wait_until_accepting(postgres)
    box.check_writable(timeout=10.0)
    box.engine.close()


def test_the_migrate_command_reports_each_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from routing.cli.main import main

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STAFF_PASSWORD", "x")
    monkeypatch.setenv("SESSION_SECRET", "y")
    assert main(["migrate"]) == 0
    out = capsys.readouterr().out
    assert "Stores in SQLite files in DATA_DIR" in out
    assert f"  triage_log: schema version {len(TriageLog.migrations)}" in out and "  outbox: schema version 1" in out


def test_processes_opening_a_new_sqlite_file_together_all_start(tmp_path: Path) -> None:
    # Switching a new file to WAL can answer "locked" without waiting; every process must still start.
    import subprocess
    import sys

    from routing.settings import ROOT

    script = "import sys; from pathlib import Path; from routing.store.triage_log import TriageLog; TriageLog(Path(sys.argv[1])).close(); print('ok')"
    runs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "t.sqlite3")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    results = [run.communicate(timeout=60) for run in runs]
    assert [out.strip() for out, _ in results] == ["ok"] * 8, [err for _, err in results if err]
