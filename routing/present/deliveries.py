"""What a queued message's state means to the person who sent it: JSON for programs, sentences for the confirmation page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from routing.core.model import Directory
from routing.present.json import status_json
from routing.store.outbox import FAILED, QUEUED, SENT, WRITTEN, Item


def item_json(item: Item) -> dict[str, Any]:
    """A queued message's state, for /api/forward/{id} and ``routing outbox --json``."""
    return {
        "id": item.id,
        "status": item.status,
        "status_message": item.status_message,
        "attempts": item.attempts,
        "last_error": item.last_error or None,
        "to": item.to,
        "contact_id": item.contact_id,
        "created_at": _iso(item.created_at),
        "sent_at": _iso(item.sent_at),
        "next_attempt_at": _iso(item.next_attempt_at) if item.status == QUEUED and item.attempts else None,
    }


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def what_happens_next(item: Item, directory: Directory, now: datetime, mine: bool = True) -> list[str]:
    """Sentences for the confirmation page, from the row's status and the team's hours."""
    name = item.fields.get("contact_name", item.contact_id)
    reply_to = item.fields.get("email", "") if mine else "the address given in the request"
    call = ""
    hours = ""
    if directory.has_contact(item.contact_id):
        contact = directory.contact(item.contact_id)
        if contact.phones:
            call = contact.phones[0].instructions
        line = status_json(contact.hours, directory, now)["status_line"]
        hours = f"{name}: {line}." if line else ""
    if item.status == FAILED:
        lines = [f"We could not deliver your request to {name}: {item.last_error}"]
        lines.append(f"Please write to {item.to} yourself" + (f" or {call}" if call else "") + f", and mention reference {item.id}.")
        return lines
    if item.status == WRITTEN:
        lines = [
            "This help desk is not connected to a mail server yet, so your request was saved for an administrator to send on.",
        ]
    elif item.status == SENT:
        lines = [f"Your request was emailed to {name} at {item.to}."]
    else:
        lines = [f"Your request is saved and on its way to {name} at {item.to}. We keep trying if their mail server is busy."]
        if item.last_error:
            lines.append(f"The last try did not go through: {item.last_error}")
    lines.append(f"The team will answer you at {reply_to}. Quote reference {item.id} if you follow up.")
    if hours:
        lines.append(hours)
    if call:
        lines.append(f"If it is urgent, {call}.")
    return lines
