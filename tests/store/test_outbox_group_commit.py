"""Outbox.add_many, add_claiming and finish_many: several rows in one commit, each answered as alone, on both engines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from routing.store.outbox import FAILED, QUEUED, SENDING, SENT, WRITTEN, New, Outbox, new_reference

Opener = Callable[..., Any]  # the open_store fixture (tests/store/conftest.py)


def new(key: str) -> New:
    return New(new_reference(), key, "california-service-center", "team@example.org", "desk@example.org", {"name": key}, f"message {key}".encode())


def test_a_batch_is_stored_whole_and_a_repeated_key_gets_the_first_row(open_store: Opener) -> None:
    box: Outbox = open_store(Outbox)
    existing, _ = box.add(**vars_of(new("k-0")))
    rows = [new("k-1"), new("k-2"), new("k-1"), new("k-0")]
    found = box.add_many(rows)
    assert [created for _, created in found] == [True, True, False, False]
    assert found[2][0].id == found[0][0].id == rows[0].id
    assert found[3][0].id == existing.id
    other: Outbox = open_store(Outbox)  # another connection, as another process: the batch is committed
    for item, _ in found:
        stored = other.get(item.id)
        assert stored is not None and stored.status == QUEUED and stored.message == item.message
    assert other.counts()[QUEUED] == 3


def vars_of(row: New) -> dict[str, Any]:
    return {"id": row.id, "dedupe_key": row.dedupe_key, "contact_id": row.contact_id, "to": row.to,
            "envelope_from": row.envelope_from, "fields": row.fields, "message": row.message}


def test_claimed_at_insert_the_caller_still_hears_queued_and_a_repeat_is_never_claimed(open_store: Opener) -> None:
    box: Outbox = open_store(Outbox)
    before, _ = box.add(**vars_of(new("k-0")))
    rows = [new("k-0"), new("k-1"), new("k-1"), new("k-2"), new("k-3")]
    found, claimed = box.add_claiming(rows, "sender-a", 15.0, 3, now=1_800_000_000.0)
    # Up to three claims: the repeat of a stored key takes one slot and claims nothing.
    assert [item.id for item in claimed] == [rows[1].id, rows[3].id]
    assert all((item.status, item.lease_owner, item.attempts, item.lease_until) == (SENDING, "sender-a", 1, 1_800_000_015.0) for item in claimed)
    assert [(item.id, item.status, created) for item, created in found] == [
        (before.id, QUEUED, False), (rows[1].id, QUEUED, True), (rows[1].id, QUEUED, False), (rows[3].id, QUEUED, True), (rows[4].id, QUEUED, True),
    ]
    # Another sender can take only the rows left unclaimed: the one stored before, and the one over the three.
    other: Outbox = open_store(Outbox)
    taken = [other.claim("sender-b", 15.0, now=1_800_000_001.0) for _ in range(3)]
    assert {item.id for item in taken if item is not None} == {before.id, rows[4].id} and taken[2] is None


def test_a_batch_larger_than_one_statement_is_stored_whole(open_store: Opener) -> None:
    box: Outbox = open_store(Outbox)
    rows = [new(f"big-{n}") for n in range(450)] + [new("big-7")]
    found = box.add_many(rows)
    assert sum(created for _, created in found) == 450
    assert found[-1][0].id == rows[7].id and not found[-1][1]
    assert box.counts()[QUEUED] == 450


def test_outcomes_recorded_together_touch_only_rows_still_ours(open_store: Opener) -> None:
    box: Outbox = open_store(Outbox)
    box.add_many([new(f"o-{n}") for n in range(5)], now=1_800_000_000.0)
    mine = [box.claim("sender-a", 15.0, now=1_800_000_000.0) for _ in range(4)]
    assert all(item is not None for item in mine)
    a, b, c, d = (item.id for item in mine if item is not None)
    unclaimed = next(item.id for item in box.recent(10) if item.status == QUEUED)
    kept = box.finish_many(
        [(a, "sender-a", SENT, "250 ok"), (b, "sender-a", FAILED, "550 no such user"), (c, "sender-b", SENT, "not its row"),
         (unclaimed, "sender-a", SENT, "never claimed"), (d, "sender-a", WRITTEN, "saved"), (a, "sender-a", SENT, "again")],
        now=1_800_000_005.0,
    )
    assert kept == [True, True, False, False, True, False]
    sent, failed, taken, left, written = (box.get(id) for id in (a, b, c, unclaimed, d))
    assert sent is not None and (sent.status, sent.status_message, sent.sent_at, sent.last_error) == (SENT, "250 ok", 1_800_000_005.0, "")
    assert failed is not None and (failed.status, failed.sent_at, failed.last_error) == (FAILED, None, "550 no such user")
    assert taken is not None and (taken.status, taken.lease_owner) == (SENDING, "sender-a")
    assert left is not None and left.status == QUEUED
    assert written is not None and (written.status, written.lease_owner, written.lease_until) == (WRITTEN, "", 0.0)
    assert box.finish_many([]) == []


def test_claims_at_insert_reach_across_statements_and_stop_at_the_count(open_store: Opener) -> None:
    box: Outbox = open_store(Outbox)
    rows = [new(f"c-{n}") for n in range(450)]
    found, claimed = box.add_claiming(rows, "sender-a", 15.0, 300, now=1_800_000_000.0)
    assert len(claimed) == 300 and {item.id for item in claimed} == {row.id for row in rows[:300]}
    assert all(created for _, created in found) and all(item.status == QUEUED for item, _ in found)
    counts = box.counts()
    assert (counts[SENDING], counts[QUEUED]) == (300, 150)
