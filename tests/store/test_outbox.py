"""The outbox: durable, deduplicated, and claimed before anything is sent; on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from routing.present.deliveries import item_json
from routing.store.outbox import FAILED, QUEUED, SENDING, SENT, Outbox, new_reference, outbox_path

T0 = 1_800_000_000.0
Opener = Callable[..., Any]  # the open_store fixture (tests/store/conftest.py)


def add(box: Outbox, n: int, key: str = "", now: float = T0) -> str:
    item, _ = box.add(
        id=new_reference(),
        dedupe_key=key or f"key-{n}",
        contact_id="account-management-support",
        to="team@example.test",
        envelope_from="desk@example.test",
        fields={"group_id": str(n)},
        message=f"Subject: {n}\r\n\r\nbody {n}\r\n".encode(),
        now=now,
    )
    return item.id


@pytest.fixture
def box(open_store: Opener) -> Outbox:
    outbox: Outbox = open_store(Outbox)
    return outbox


def test_a_queued_request_survives_reopening_the_store(open_store: Opener) -> None:
    first = open_store(Outbox)
    ref = add(first, 1)
    first.close()
    item = open_store(Outbox).get(ref)
    assert item is not None
    assert (item.status, item.attempts, item.fields["group_id"]) == (QUEUED, 0, "1")
    assert item.message.endswith(b"body 1\r\n")


def test_the_same_dedupe_key_is_accepted_once(box: Outbox) -> None:
    first = add(box, 1, key="same")
    item, created = box.add(
        id=new_reference(), dedupe_key="same", contact_id="x", to="t@example.test",
        envelope_from="d@example.test", fields={}, message=b"other",
    )
    assert not created
    assert item.id == first
    assert box.counts()[QUEUED] == 1


def test_references_are_unambiguous_when_read_aloud() -> None:
    refs = {new_reference() for _ in range(200)}
    assert len(refs) == 200
    assert all(ref.startswith("FW-") and len(ref) == 11 for ref in refs)
    assert not any(letter in ref[3:] for ref in refs for letter in "ILOU")


def test_a_claimed_row_is_not_claimed_again_while_its_lease_lives(box: Outbox) -> None:
    ref = add(box, 1)
    item = box.claim("a", lease_seconds=30, now=T0)
    assert item is not None and item.id == ref
    assert (item.status, item.attempts) == (SENDING, 1)
    assert box.claim("b", lease_seconds=30, now=T0 + 29) is None


def test_a_stale_lease_is_taken_over_and_the_old_owner_cannot_record(box: Outbox) -> None:
    ref = add(box, 1)
    assert box.claim("dead", lease_seconds=30, now=T0) is not None
    again = box.claim("alive", lease_seconds=30, now=T0 + 31)
    assert again is not None and again.id == ref and again.attempts == 2
    assert not box.finish(ref, "dead", SENT)
    assert box.finish(ref, "alive", SENT, "ok")
    done = box.get(ref)
    assert done is not None and done.status == SENT and done.sent_at is not None


def test_restart_requeues_only_stale_leases(box: Outbox) -> None:
    stale, live = add(box, 1), add(box, 2, now=T0 + 1)
    box.claim("old", lease_seconds=10, now=T0)
    box.claim("current", lease_seconds=100, now=T0 + 1)
    assert box.requeue_stale(now=T0 + 20) == 1
    assert box.get(stale).status == QUEUED  # type: ignore[union-attr]
    assert box.get(live).status == SENDING  # type: ignore[union-attr]


def test_a_retry_waits_until_it_is_due(box: Outbox) -> None:
    ref = add(box, 1)
    box.claim("a", 30, now=T0)
    assert box.retry_later(ref, "a", "421 busy", delay=4, now=T0)
    assert box.claim("a", 30, now=T0 + 3.9) is None
    assert box.next_due() == pytest.approx(T0 + 4)
    item = box.claim("a", 30, now=T0 + 4)
    assert item is not None and item.attempts == 2 and item.last_error == "421 busy"


def test_a_failed_row_keeps_its_reason_and_can_be_retried_by_an_operator(box: Outbox) -> None:
    ref = add(box, 1)
    box.claim("a", 30, now=T0)
    box.finish(ref, "a", FAILED, "550 no such mailbox")
    failed = box.get(ref)
    assert failed is not None
    assert item_json(failed)["last_error"] == "550 no such mailbox"
    assert box.retry_failed(ref)
    assert box.get(ref).status == QUEUED  # type: ignore[union-attr]


def test_release_hands_a_row_back_without_counting_the_attempt(box: Outbox) -> None:
    ref = add(box, 1)
    box.claim("a", 30, now=T0)
    assert box.release(ref, "a")
    item = box.get(ref)
    assert item is not None and (item.status, item.attempts) == (QUEUED, 0)


def test_two_outboxes_on_one_store_never_claim_the_same_row(open_store: Opener) -> None:
    boxes = [open_store(Outbox), open_store(Outbox)]
    refs = {add(boxes[0], n) for n in range(60)}
    claimed: list[str] = []
    lock = threading.Lock()

    def drain(box: Outbox, owner: str) -> None:
        while (item := box.claim(owner, 60, now=T0)) is not None:
            with lock:
                claimed.append(item.id)

    threads = [threading.Thread(target=drain, args=(boxes[i % 2], f"sender-{i}")) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for box in boxes:
        box.close()
    assert sorted(claimed) == sorted(refs)


def test_the_command_line_lists_requests_and_retries_a_failed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from routing.cli.main import main

    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    box = Outbox(outbox_path(tmp_path))
    ref = add(box, 1, now=T0)
    box.claim("a", 30, now=T0)
    box.finish(ref, "a", FAILED, "550 5.1.1 Mailbox unavailable")
    box.close()

    assert main(["outbox", "--status", "failed"]) == 0
    listing = capsys.readouterr().out
    assert f"{ref}  failed" in listing and "550 5.1.1 Mailbox unavailable" in listing

    assert main(["outbox", "retry", ref.lower()]) == 0
    assert f"{ref} is queued again" in capsys.readouterr().out
    assert main(["outbox", "retry", ref]) == 2  # no longer failed
    assert "it is queued, not failed" in capsys.readouterr().err


def test_a_request_sent_after_a_failed_try_no_longer_shows_that_try_s_error(box: Outbox) -> None:
    ref = add(box, 1)
    box.claim("a", 30, now=T0)
    assert box.retry_later(ref, "a", "451 4.3.0 Try later", delay=1, now=T0)
    box.claim("a", 30, now=T0 + 2)
    assert box.finish(ref, "a", SENT, "Delivered to the mail server.", now=T0 + 2)
    done = box.get(ref)
    assert done is not None and (done.status, done.attempts) == (SENT, 2)
    assert done.last_error == ""  # what the console shows, too
    assert item_json(done)["last_error"] is None
    assert item_json(done)["status_message"] == "Delivered to the mail server."


def test_a_renewed_lease_is_not_taken_over_and_a_lost_one_cannot_be_renewed(box: Outbox) -> None:
    ref = add(box, 1)
    assert box.claim("alive", lease_seconds=10, now=T0) is not None
    assert box.renew(ref, "alive", 10, now=T0 + 8)  # the heartbeat
    assert box.claim("other", lease_seconds=10, now=T0 + 12) is None  # past the first lease, inside the renewed one
    assert box.requeue_stale(now=T0 + 12) == 0
    assert not box.renew(ref, "other", 10, now=T0 + 12)  # only the owner renews
    taken = box.claim("other", lease_seconds=10, now=T0 + 18.5)  # no heartbeat since T0 + 8: the owner is gone
    assert taken is not None and taken.attempts == 2
    assert not box.renew(ref, "alive", 10, now=T0 + 19)  # too late: the row is another sender's now
    assert box.finish(ref, "other", SENT)
    assert not box.renew(ref, "other", 10, now=T0 + 20)  # a finished row has no lease to renew
