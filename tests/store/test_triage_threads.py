"""The triage log keeps conversations: a reply is stored in its thread and found by the ask it answers, on both engines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from routing.store.triage_log import ASKED, TriageLog

Opener = Callable[..., Any]


def _result(message_id: str, **extra: Any) -> dict[str, Any]:
    return {"from": "nora@example.net", "subject": "COBRA", "message_id": message_id, "action": "ask_sender", **extra}


def test_a_reply_is_kept_in_its_thread_and_the_ask_finds_the_first_email(open_store: Opener) -> None:
    log: TriageLog = open_store(TriageLog)
    first, _ = log.add(b"first", _result("<a@example.net>"), "inbound", now=1.0)
    assert log.mark(first.id, ASKED, "FW-7K3M9QZX")
    reply, created = log.add(b"reply", _result("<b@example.net>"), "inbound", 2.0, first.id, first.id)
    assert created and (reply.thread_id, reply.in_reply_to, reply.thread) == (first.id, first.id, first.id)
    other = open_store(TriageLog)  # another process sees the same thread
    found = other.with_ask("fw-7k3m9qzx")
    assert found is not None and found.id == first.id
    assert [r.id for r in other.thread(first.id)] == [first.id, reply.id]
    assert other.with_ask("FW-00000000") is None


def test_an_email_is_found_by_the_message_id_a_reply_quotes(open_store: Opener) -> None:
    log: TriageLog = open_store(TriageLog)
    older, _ = log.add(b"one", _result("<Same@example.net>"), "api", now=1.0)
    found = log.with_message_id(["<nothing@example.net>", "<Same@example.net>"])
    assert found is not None and found.id == older.id
    assert log.with_message_id(["<nothing@example.net>"]) is None


def test_what_the_desk_did_with_a_reply_is_kept_on_it(open_store: Opener) -> None:
    log: TriageLog = open_store(TriageLog)
    record, _ = log.add(b"x", _result("<c@example.net>"), "api")
    assert log.set_result(record.id, _result("<c@example.net>", reason="This reply completed TR-1."))
    stored = open_store(TriageLog).get(record.id)
    assert stored is not None and stored.result["reason"] == "This reply completed TR-1."
