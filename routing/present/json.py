"""Contacts as plain data, for every channel that shows them.

The JSON API, the pages, the phone menu and the mail all format a contact
from here, so a phone number reads the same everywhere. Pure: the instant is
an argument, and nothing here reads the clock or the request.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from routing.core import wording
from routing.core.hours import describe_week, status
from routing.core.model import WEEKDAYS, Contact, Directory, Email, Fax, Hours, HoursKind, Link, OtherWay, Phone, Topic


def contact_json(contact: Contact, directory: Directory, now: datetime) -> dict[str, Any]:
    """Everything a client needs to reach one contact, with its hours evaluated at ``now``."""
    return {
        "id": contact.id,
        "name": contact.name,
        "kind": contact.kind.value,
        "kind_label": contact.kind.label,
        "summary": contact.summary,
        "url": contact.url,
        "topics": [topic_json(t) for t in contact.topics],
        "phones": [phone_json(p, directory, now) for p in contact.phones],
        "emails": [email_json(e) for e in contact.emails],
        "faxes": [fax_json(f) for f in contact.faxes],
        "links": [link_json(link) for link in contact.links],
        "hours": hours_json(contact.hours),
        **status_json(contact.hours, directory, now),
        "sources": [{"id": s, "description": directory.sources.get(s, "")} for s in contact.sources],
        "other_ways": [other_way_json(w, directory) for w in contact.other_ways],
    }


def contact_view(contact: Contact, directory: Directory, now: datetime) -> dict[str, Any]:
    """``contact_json`` plus what a page needs to draw the open/closed badge."""
    card = contact_json(contact, directory, now)
    card["badge"] = badge(card["open_now"], contact.hours.kind)
    return card


def badge(open_now: bool | None, kind: HoursKind) -> dict[str, str]:
    """The badge's words and its style; the words alone must carry the meaning."""
    if open_now is None:
        return {"state": "unknown", "label": "Hours not listed"}
    if kind is HoursKind.ALWAYS:
        return {"state": "open", "label": "Always open"}
    return {"state": "open", "label": "Open"} if open_now else {"state": "closed", "label": "Closed"}


def status_json(hours: Hours, directory: Directory, now: datetime) -> dict[str, Any]:
    found = status(hours, directory.holidays, now).as_dict()
    return {
        "open_now": found["open_now"],
        "closes_at": found["closes_at"],
        "next_open": found["next_open"],
        "closed_for": found["closed_for"],
        "status_line": found["line"],
    }


def hours_json(hours: Hours) -> dict[str, Any]:
    weekly = None
    if hours.kind is HoursKind.WEEKLY:
        weekly = {day: [[_clock(r.start), _clock(r.end, end=True)] for r in ranges] for day, ranges in zip(WEEKDAYS, hours.weekly, strict=True)}
    return {
        "kind": hours.kind.value,
        "timezone": hours.timezone,
        "text": describe_week(hours),
        "weekly": weekly,
        "observes_holidays": hours.observes_holidays,
        "note": hours.note,
    }


def topic_json(topic: Topic) -> dict[str, str]:
    return {"id": topic.id, "title": topic.title, "where": topic.where}


def phone_json(phone: Phone, directory: Directory, now: datetime) -> dict[str, Any]:
    found: dict[str, Any] = {
        "number": phone.number,
        "display": phone.display,
        "keys": phone.keys,
        "label": phone.label,
        "tel": phone.tel_uri,
        "instructions": phone.instructions,
    }
    if phone.hours is not None:
        found["hours"] = {**hours_json(phone.hours), **status_json(phone.hours, directory, now)}
    return found


def email_json(email: Email) -> dict[str, Any]:
    return {"address": email.address, "purpose": email.purpose, "include": list(email.include), "mailto": f"mailto:{email.address}"}


def fax_json(fax: Fax) -> dict[str, str]:
    return {"number": fax.number, "display": fax.display, "purpose": fax.purpose}


def other_way_json(way: OtherWay, directory: Directory) -> dict[str, str]:
    beside = directory.contact(way.or_contact) if way.or_contact and directory.has_contact(way.or_contact) else None
    return {"name": way.name, "how": way.how, "purpose": way.purpose, "or_contact_id": way.or_contact, "sentence": wording.other_way(way, beside)}


def link_json(link: Link) -> dict[str, str]:
    return {"title": link.title, "url": link.url, "note": link.note}


def _clock(value: time, end: bool = False) -> str:
    # A range that ends at midnight is written 24:00 in the directory; keep it so.
    if end and value == time(0, 0):
        return "24:00"
    return value.strftime("%H:%M")
