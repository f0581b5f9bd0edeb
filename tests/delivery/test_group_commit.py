"""Concurrent forwards share a commit, and each caller hears back only once its own row is on disk."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from routing.delivery.enqueue import Details, Mailroom, Outgoing
from routing.present.email import new_message
from routing.store.outbox import Item, Outbox

pytestmark = pytest.mark.asyncio


class Sender:
    """What the mailroom asks of the sender: wake up, how many workers are asleep, take rows claimed for it."""

    owner = "test-sender"
    lease_seconds = 15.0

    def __init__(self, asleep: int = 0) -> None:
        self.woken = 0
        self.asleep = asleep
        self.handed: list[Item] = []

    def wake(self) -> None:
        self.woken += 1

    def idle(self) -> int:
        return max(0, self.asleep - len(self.handed))

    def hand(self, items: list[Item]) -> None:
        self.handed += items


def outgoing(n: int) -> Outgoing:
    from datetime import UTC, datetime

    message = new_message(mail_from="desk@example.org", to="team@example.org", subject=f"Request {n}", moment=datetime.now(UTC),
                          zone="America/Los_Angeles", reference=f"FW-TEST{n:04d}", kind="forward")
    message.set_content(f"request {n}\n")
    return Outgoing(f"FW-TEST{n:04d}", f"key-{n}", "california-service-center", "team@example.org", message,
                    Details(kind="form", contact_name="California Service Center", submitted_at="2026-11-23T10:00:00-08:00"))


async def test_concurrent_requests_are_committed_together_and_each_is_on_disk_when_answered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = Outbox(tmp_path / "outbox.sqlite3")
    batches: list[int] = []
    real = box.add_claiming

    def counted(rows, owner, lease_seconds, claims, now=None):  # type: ignore[no-untyped-def]
        batches.append(len(rows))
        return real(rows, owner, lease_seconds, claims, now)

    monkeypatch.setattr(box, "add_claiming", counted)
    sender = Sender()
    room = Mailroom(box, sender, "desk@example.org")
    reader = Outbox(tmp_path / "outbox.sqlite3")  # a second connection, as a restarted process would read

    async def one(n: int) -> bool:
        item, created = await room.send(outgoing(n))
        stored = reader.get(item.id)  # the moment the caller hears back, the row is committed
        return created and stored is not None and stored.message == item.message

    answers = await asyncio.gather(*(one(n) for n in range(40)))
    assert all(answers)
    assert sum(batches) == 40
    assert len(batches) < 40, "concurrent requests should share commits"
    assert sender.woken == 40
    again, created = await room.send(outgoing(3))
    assert not created and again.id == "FW-TEST0003"
    box.close()
    reader.close()


async def test_one_failing_request_does_not_fail_the_others_in_its_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = Outbox(tmp_path / "outbox.sqlite3")
    real, real_claiming = box.add_many, box.add_claiming

    def refuse(rows):  # type: ignore[no-untyped-def]
        if any(row.dedupe_key == "key-5" for row in rows):
            raise RuntimeError("disk full for this one")

    def picky(rows, now=None):  # type: ignore[no-untyped-def]
        refuse(rows)
        return real(rows, now)

    def picky_claiming(rows, owner, lease_seconds, claims, now=None):  # type: ignore[no-untyped-def]
        refuse(rows)
        return real_claiming(rows, owner, lease_seconds, claims, now)

    monkeypatch.setattr(box, "add_many", picky)
    monkeypatch.setattr(box, "add_claiming", picky_claiming)
    room = Mailroom(box, Sender(), "desk@example.org")
    results = await asyncio.gather(*(room.send(outgoing(n)) for n in range(10)), return_exceptions=True)
    failed = [n for n, r in enumerate(results) if isinstance(r, BaseException)]
    assert failed == [5]
    assert all(r[1] for n, r in enumerate(results) if n != 5)  # type: ignore[index]
    assert box.counts()["queued"] == 9
    box.close()


async def test_rows_for_sleeping_workers_are_claimed_in_the_commit_that_stores_them(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox.sqlite3")
    sender = Sender(asleep=2)
    room = Mailroom(box, sender, "desk@example.org")
    answers = await asyncio.gather(*(room.send(outgoing(n)) for n in range(5)))
    # The caller hears the request as it was accepted: queued, on disk.
    assert [(item.status, created) for item, created in answers] == [("queued", True)] * 5
    # Two rows, one per sleeping worker, are already the sender's: leased to it, first attempt counted, as a claim leaves them.
    assert [(item.status, item.lease_owner, item.attempts) for item in sender.handed] == [("sending", "test-sender", 1)] * 2
    for item in sender.handed:
        stored = box.get(item.id)
        assert stored is not None and (stored.status, stored.lease_owner, stored.attempts) == ("sending", "test-sender", 1)
    assert box.counts()["queued"] == 3
    # No other sender can take a handed row, and the rest are there to claim.
    assert {box.claim("another", 15.0).id for _ in range(3)} == {item.id for item, _ in answers} - {item.id for item in sender.handed}  # type: ignore[union-attr]
    assert box.claim("another", 15.0) is None
    box.close()


async def test_outcomes_recorded_together_share_a_commit_and_each_is_on_disk_when_its_attempt_hears_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from routing.delivery.sender import Sender as RealSender
    from routing.delivery.transport import EmlTransport, Outcome
    from routing.settings import Settings

    box = Outbox(tmp_path / "outbox.sqlite3")
    room = Mailroom(box, Sender(), "desk@example.org")
    await asyncio.gather(*(room.send(outgoing(n)) for n in range(12)))
    sender = RealSender(box, EmlTransport(tmp_path), Settings.from_env({}, data_dir=tmp_path, index_dir=tmp_path / "index"))
    claimed = [box.claim(sender.owner, 15.0) for _ in range(12)]
    batches: list[int] = []
    real = box.finish_many

    def counted(outcomes, now=None):  # type: ignore[no-untyped-def]
        batches.append(len(outcomes))
        return real(outcomes, now)

    monkeypatch.setattr(box, "finish_many", counted)
    reader = Outbox(tmp_path / "outbox.sqlite3")

    async def record(item: Item) -> str:
        await sender._record(item, Outcome("written", "kept"))
        stored = reader.get(item.id)
        return stored.status if stored else "missing"

    statuses = await asyncio.gather(*(record(item) for item in claimed if item is not None))
    assert statuses == ["written"] * 12
    assert sum(batches) == 12 and len(batches) < 12, "outcomes recorded at once should share commits"
    box.close()
    reader.close()
