"""Outbox.add_many: several requests in one transaction, each answered as add would answer it, on both engines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from routing.store.outbox import QUEUED, New, Outbox, new_reference

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
