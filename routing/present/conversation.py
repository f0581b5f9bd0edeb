"""A conversation's history for staff, in words: received, asked, reply, forwarded, oldest first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from routing.core.email.group_fields import FIELD_WORDS, GROUP_ID, GROUP_NAME
from routing.store.outbox import Item
from routing.store.triage_log import Record

RECEIVED, ASKED, REPLY, FORWARDED = "received", "asked", "reply", "forwarded"


@dataclass(frozen=True)
class Event:
    kind: str  # received, asked, reply, forwarded
    at: float  # epoch seconds, for the order
    when: str  # in the directory's time zone
    title: str
    detail: str = ""
    record_id: str = ""  # the email it is about, for a link
    here: bool = False  # the email whose page this is


def history(records: Sequence[Record], items: Mapping[str, Item], zone: str, here: str) -> list[Event]:
    """Every step of the thread. ``items`` are the outbox rows its asks and forwards went out as, by id."""
    events: list[Event] = []
    forwarded: set[str] = set()
    for number, record in enumerate(records):
        sender = record.sender or "no sender"
        if number == 0:
            events.append(Event(RECEIVED, record.received_at, _local(record.received_at, zone), f"Received from {sender}", record.subject, record.id, record.id == here))
        else:
            events.append(
                Event(REPLY, record.received_at, _local(record.received_at, zone), f"Reply from {sender}", str(record.result.get("reason") or ""), record.id, record.id == here)
            )
        ask = items.get(record.ask_id) if record.ask_id else None
        if ask is not None:
            events.append(Event(ASKED, ask.created_at, _local(ask.created_at, zone), f"Asked {ask.to} for the {_asked_for(ask)}", f"{ask.id}: {ask.status}", record.id))
        sent = items.get(record.forward_id) if record.forward_id else None
        if sent is not None and sent.id not in forwarded:
            forwarded.add(sent.id)
            team = str(sent.fields.get("contact_name") or "the team")
            events.append(Event(FORWARDED, sent.created_at, _local(sent.created_at, zone), f"Forwarded to {team} ({sent.to})", f"{sent.id}: {sent.status}", record.id))
    return sorted(events, key=lambda e: e.at)


def _asked_for(ask: Item) -> str:
    missing = [FIELD_WORDS[name] for name in (GROUP_ID, GROUP_NAME) if not ask.fields.get(name)]
    return " and ".join(missing) or "missing details"


def _local(epoch: float, zone: str) -> str:
    return datetime.fromtimestamp(epoch, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")
