"""The IMAP fetcher against a real Dovecot: each message triaged exactly once across a SIGKILL, flagged or moved,
XOAUTH2, a renumbered folder, a message that fails once, an unparseable one kept for review, and the app's own fetcher."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from imap_fixture import Account, Dovecot
from imapclient import IMAPClient
from paths import FIXTURES
from starlette.testclient import TestClient

from routing.app import create_app
from routing.channels.imap_fetch import KEYWORD, Fetcher, intake, mailbox_key, serve
from routing.settings import ROOT, Settings
from routing.store.live_directory import LiveDirectory
from routing.store.mailbox_state import MailboxState
from routing.store.stores import mailbox_state_path
from routing.store.triage_log import Record, TriageLog, triage_path

NOW = "2026-03-18T10:00:00-07:00"
GARBAGE = b"\xff\xfe\x81 this is not an email at all \x9d\r\n\x01\x02\x03 no headers, no body\r\n"


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTING_NOW", NOW)


def email(number: int) -> bytes:
    return (
        f"From: Employer {number} <owner{number}@example.net>\r\nTo: smallbiz-inbox@example.com\r\n"
        f"Subject: Copy of our March bill ({number})\r\nMessage-ID: <bill-{number}@example.net>\r\n"
        f"Date: Wed, 18 Mar 2026 08:00:00 -0700\r\n\r\n"
        f"Hello, please send a copy of our March bill. Group ID 6042{number:02d}, Sunrise Bakery {number} LLC.\r\n"
    ).encode()


def client(account: Account) -> IMAPClient:
    imap = account.client()
    assert isinstance(imap, IMAPClient)
    return imap


def append(account: Account, *messages: bytes, folder: str = "INBOX") -> None:
    imap = client(account)
    try:
        for raw in messages:
            imap.append(folder, raw)
    finally:
        imap.logout()


def flags(account: Account, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
    imap = client(account)
    try:
        imap.select_folder(folder, readonly=True)
        uids = imap.search("ALL")
        return {uid: data[b"FLAGS"] for uid, data in imap.fetch(uids, ["FLAGS"]).items()} if uids else {}
    finally:
        imap.logout()


def imap_settings(make_settings: Callable[..., Settings], account: Account, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "imap_host": account.host, "imap_port": account.port, "imap_username": account.username, "imap_password": account.password,
        "imap_tls": False, "imap_poll_seconds": 1.0,
    }
    values.update(overrides)
    return make_settings(**values)


def stored(settings: Settings) -> list[Record]:
    log = TriageLog(triage_path(settings.data_dir))
    try:
        return log.recent(1000)
    finally:
        log.close()


def fetch_once(settings: Settings) -> None:
    asyncio.run(serve(settings, asyncio.Event(), once=True))


def wait_until(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


# --- a separate process, killed in the middle -----------------------------------------------------------


def fetcher_env(tmp_path: Path, account: Account) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "IMAP_", "STAFF_", "DATA_DIR", "SEARCH_INDEX_DIR", "DATABASE_URL"))}
    env.update(
        DATA_DIR=str(tmp_path / "var"), SEARCH_INDEX_DIR=str(tmp_path / "index"), PYTHONPATH=str(ROOT), ROUTING_NOW=NOW,
        IMAP_HOST=account.host, IMAP_PORT=str(account.port), IMAP_USERNAME=account.username, IMAP_PASSWORD=account.password,
        IMAP_TLS="false", IMAP_POLL_SECONDS="1", STAFF_PASSWORD="x", SESSION_SECRET="y",
    )
    return env


@pytest.fixture
def start_fetcher(tmp_path: Path, imap_account: Account) -> Iterator[Callable[[], subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "routing", "fetch"], cwd=ROOT, env=fetcher_env(tmp_path, imap_account),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=20)


def test_each_message_is_triaged_exactly_once_across_a_kill_and_a_restart(
    tmp_path: Path, imap_account: Account, start_fetcher: Callable[[], subprocess.Popen[str]], make_settings: Callable[..., Settings]
) -> None:
    total = 150
    append(imap_account, *(email(n) for n in range(total)))
    settings = make_settings()  # the same DATA_DIR as the child processes
    first = start_fetcher()
    wait_until(lambda: len(stored(settings)) >= 10)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=20)
    at_kill = len(stored(settings))
    assert at_kill < total, "the fetcher finished before it could be killed; append more messages"

    second = start_fetcher()
    wait_until(lambda: len(stored(settings)) == total and all(KEYWORD in f for f in flags(imap_account).values()))
    second.send_signal(signal.SIGTERM)
    _out, err = second.communicate(timeout=30)
    assert second.returncode == 0, err

    records = stored(settings)
    assert len(records) == total == len({r.message_id for r in records})  # each message once
    assert {r.source for r in records} == {"imap"} and all(r.result["group_id"] for r in records)
    # The restart read again at most the one message that was in hand at the kill, and stored it once.
    assert err.count("(already stored)") <= 1, err
    assert all(b"\\Seen" in f and KEYWORD in f for f in flags(imap_account).values())
    state = MailboxState(mailbox_state_path(settings.data_dir))
    try:
        position = state.position(mailbox_key(imap_settings(make_settings, imap_account, imap_port=imap_account.port)))
    finally:
        state.close()
    assert position is not None and position.last_uid == max(flags(imap_account))


# --- in this process ------------------------------------------------------------------------------------------


def test_move_mode_moves_each_message_and_keeps_an_unparseable_one_for_review(
    imap_account: Account, make_settings: Callable[..., Settings]
) -> None:
    append(imap_account, email(1), GARBAGE, (FIXTURES / "22_missing_id_cobra_zip.eml").read_bytes().replace(b"\n", b"\r\n"))
    settings = imap_settings(make_settings, imap_account, imap_done="move", imap_done_folder="Done")
    fetch_once(settings)
    records = {r.raw.replace(b"\r\n", b"\n"): r for r in stored(settings)}
    assert len(records) == 3
    kept = records[GARBAGE.replace(b"\r\n", b"\n")]
    assert kept.action == "review" and kept.source == "imap"  # never lost: staff see it in the console
    assert flags(imap_account) == {}  # the inbox is empty
    moved = flags(imap_account, "Done")
    assert len(moved) == 3 and all(KEYWORD in f for f in moved.values())


def test_xoauth2_logs_in_with_the_token_from_settings(imap_account: Account, dovecot: Dovecot, make_settings: Callable[..., Settings]) -> None:
    append(imap_account, email(7))
    # Dovecot checks the bearer token against its passdb, so the account's password stands in for a real token here.
    settings = imap_settings(make_settings, imap_account, imap_password="", imap_oauth2_token=imap_account.password)
    fetch_once(settings)
    assert [r.result["group_id"] for r in stored(settings)] == ["604207"]
    assert f"user=<{imap_account.username}>, method=XOAUTH2" in dovecot.log


def test_a_renumbered_folder_is_said_in_the_log_and_nothing_is_triaged_twice(
    imap_account: Account, make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    append(imap_account, email(1), email(2))
    settings = imap_settings(make_settings, imap_account)
    fetch_once(settings)
    state = MailboxState(mailbox_state_path(settings.data_dir))
    try:
        key = mailbox_key(settings)
        position = state.position(key)
        assert position is not None and position.last_uid == 2
        state.engine.run("UPDATE mailbox_state SET uidvalidity = 1, last_uid = 2 WHERE mailbox = ?", (key,))  # as if the server renumbered
    finally:
        state.close()
    append(imap_account, email(3))
    with caplog.at_level(logging.WARNING, logger="routing.imap"):
        fetch_once(settings)
    assert "has a new UIDVALIDITY" in caplog.text
    assert sorted(r.message_id for r in stored(settings)) == ["<bill-1@example.net>", "<bill-2@example.net>", "<bill-3@example.net>"]


def test_a_message_that_fails_once_is_tried_again_and_does_not_hold_back_the_others(
    imap_account: Account, make_settings: Callable[..., Settings]
) -> None:
    append(imap_account, email(1), email(2), email(3))
    settings = imap_settings(make_settings, imap_account)
    live = LiveDirectory(path=settings.directory_path, index_dir=settings.index_dir)
    live.load()
    log = TriageLog(triage_path(settings.data_dir))
    state = MailboxState(mailbox_state_path(settings.data_dir))
    take = intake(settings, log, live, None)
    failures = {b"<bill-2@example.net>": 1}

    async def flaky(raw: bytes) -> tuple[Record, bool]:
        for marker, left in failures.items():
            if marker in raw and left:
                failures[marker] = left - 1
                raise RuntimeError("the store is down for a moment")
        return await take(raw)

    try:
        fetcher = Fetcher(settings, state, flaky)
        from routing.channels.imap_fetch import Session

        session = Session(settings)
        try:
            first = asyncio.run(fetcher.one_pass(session))
            assert (first.stored, first.failed) == (2, 1)
            position = state.position(fetcher.mailbox)
            assert position is not None and position.last_uid == 1  # not past the one that failed
            assert KEYWORD not in flags(imap_account)[2] and KEYWORD in flags(imap_account)[3]
            second = asyncio.run(fetcher.one_pass(session))
            assert (second.stored, second.failed) == (1, 0)
        finally:
            session.close()
        position = state.position(fetcher.mailbox)
        assert position is not None and position.last_uid == 3
        assert len(log.recent()) == 3
    finally:
        log.close()
        state.close()


def test_the_app_fetches_in_the_background_when_imap_host_is_set(
    imap_account: Account, make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    settings = imap_settings(make_settings, imap_account)
    with caplog.at_level(logging.INFO, logger="routing"), TestClient(create_app(settings)) as app_client:
        append(imap_account, email(5))  # while the app waits in IDLE
        wait_until(lambda: stored(settings))
        record = stored(settings)[0]
        assert app_client.get(f"/api/triage/{record.id}", headers={"authorization": "Bearer test-staff-pass"}).json()["group_id"] == "604205"
    assert "IMAP fetcher started" in caplog.text and imap_account.password not in caplog.text
