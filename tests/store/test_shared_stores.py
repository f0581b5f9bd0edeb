"""The triage log, staff sessions and rate limits: the same promises on SQLite and on PostgreSQL.

Each test opens the store twice, as two processes (or two machines) would,
and checks that what one does the other sees.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from limits.storage import MemoryStorage

from routing.errors import RateLimited
from routing.store.rate_limits import RateLimiter, RateLimitTable, SqlStorage
from routing.store.staff_sessions import StaffSessions
from routing.store.triage_log import ASKED, FORWARDED, TriageLog

Opener = Callable[..., Any]
RESULT = {"action": "forward", "from": "ana@example.test", "subject": "Copy of our bill", "message_id": "<a1@example.test>"}


def test_the_same_email_is_kept_once_whichever_process_stores_it(open_store: Opener) -> None:
    first, second = open_store(TriageLog), open_store(TriageLog)
    record, created = first.add(b"From: ana@example.test\r\n\r\nhi", RESULT, "inbound")
    again, created_again = second.add(b"From: ana@example.test\r\n\r\nhi", RESULT, "api")
    assert (created, created_again, again.id) == (True, False, record.id)
    assert second.mark(record.id, FORWARDED, "FW-0000TEST")
    seen = first.get(record.id)
    assert seen is not None and (seen.status, seen.forward_id, seen.result["subject"]) == (FORWARDED, "FW-0000TEST", "Copy of our bill")


def test_newest_first_and_counts_by_status(open_store: Opener) -> None:
    log = open_store(TriageLog)
    ids = [log.add(f"email {n}".encode(), RESULT, "api", now=1_800_000_000.0 + n)[0].id for n in range(3)]
    assert [r.id for r in log.recent()] == ids[::-1]
    log.mark(ids[0], ASKED, "FW-ASK")
    assert log.counts()["asked"] == 1 and log.counts()["new"] == 2


def test_one_ask_per_sender_per_day_however_many_processes_try(open_store: Opener) -> None:
    stores = [open_store(TriageLog) for _ in range(3)]
    taken = [store.claim_ask("Ana@Example.test", "2026-12-03", f"TR-{n}") for n, store in enumerate(stores)]
    assert taken.count(True) == 1
    assert stores[2].asked_today("ana@example.test", "2026-12-03") == f"TR-{taken.index(True)}"
    assert stores[0].claim_ask("ana@example.test", "2026-12-04", "TR-next")  # a new day, a new slot


def test_a_staff_session_opened_by_one_worker_is_valid_in_another_and_sign_out_ends_it(open_store: Opener) -> None:
    a, b = open_store(StaffSessions, "pass", "secret"), open_store(StaffSessions, "pass", "secret")
    token = a.open()
    assert b.valid(token)
    b.close_session(token)
    assert not a.valid(token)
    assert not open_store(StaffSessions, "a new password", "secret").valid(a.open())  # a changed password ends sessions


def test_rate_limits_count_once_across_processes_and_say_when_to_retry(open_store: Opener) -> None:
    limiters = [RateLimiter(3, SqlStorage(open_store(RateLimitTable)), "forward") for _ in range(2)]
    for n in range(3):
        limiters[n % 2].check("203.0.113.9")
    with pytest.raises(RateLimited) as refused:
        limiters[1].check("203.0.113.9")
    assert 1 <= refused.value.retry_after <= 61
    assert refused.value.headers == {"Retry-After": str(refused.value.retry_after)}
    limiters[0].check("198.51.100.4")  # another client has its own budget


def test_expired_clients_are_swept_so_the_table_stays_one_window_big(open_store: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    import routing.store.rate_limits as rate_limits

    monkeypatch.setattr(rate_limits, "SWEEP_EVERY", 50)
    storage = SqlStorage(open_store(RateLimitTable))
    for n in range(49):
        storage.incr(f"client-{n}", expiry=1)
    assert storage.held() == 49
    deadline = time.monotonic() + 10
    while storage.get("client-48") and time.monotonic() < deadline:  # wait for the last one-second window to pass
        time.sleep(0.05)
    storage.incr("late-client", expiry=60)  # the 50th count sweeps
    assert storage.held() == 1


def test_in_memory_limits_forget_a_client_after_its_window() -> None:
    storage = MemoryStorage()
    for n in range(1000):
        storage.incr(f"client-{n}", expiry=1)
    deadline = time.monotonic() + 10
    while storage.get("client-0") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert storage.get("client-0") == 0


def test_rate_limits_in_redis_count_once_across_processes(redis_url: str, tmp_path: Any) -> None:
    from routing.settings import Settings
    from routing.store.stores import open_stores

    settings = Settings.from_env({"DATA_DIR": str(tmp_path), "REDIS_URL": redis_url, "STAFF_PASSWORD": "x", "SESSION_SECRET": "y"})
    first, second = open_stores(settings), open_stores(settings)  # two processes' worth of stores
    try:
        limiters = [RateLimiter(2, stores.rate_limits, "forward") for stores in (first, second)]
        limiters[0].check("203.0.113.50")
        limiters[1].check("203.0.113.50")
        with pytest.raises(RateLimited) as refused:
            limiters[0].check("203.0.113.50")
        assert 1 <= refused.value.retry_after <= 61
        assert not (tmp_path / "rate_limits.sqlite3").exists()  # counted in Redis, not on this disk
    finally:
        first.close()
        second.close()
