"""Contacts as plain data, for every channel that shows them.

The JSON API, the pages, the phone menu and the mail all format a contact
from here, so a phone number reads the same everywhere. Pure: the instant is
an argument, and nothing here reads the clock or the request.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_name

from routing.core import i18n, wording
from routing.core.hours import describe_week, status
from routing.core.i18n import _, localized, pgettext
from routing.core.model import WEEKDAYS, Contact, Directory, Email, Fax, Hours, HoursKind, Link, OtherWay, Phone, Topic
from routing.present.email import sent_time
from routing.present.recent import Recent


def contact_json(contact: Contact, directory: Directory, now: datetime) -> dict[str, Any]:
    """Everything a client needs to reach one contact, with its hours evaluated at ``now``.

    A new dict each call, but its nested values are shared between calls
    (treat them as read-only), except ``emails``, whose entries are fresh:
    answers add advice to them. What never changes within a directory version
    is built once per version; the hours' status once per contact and instant.
    Both are built in the current language (``i18n.current``), and kept per language.
    """
    card = dict(_static(contact, directory))
    phones, status_fields = _dynamic(contact, directory, now)
    card["phones"] = phones
    card["emails"] = [dict(email) for email in card["emails"]]
    card.update(status_fields)
    return card


# The directory being served and the one a reload is replacing, in each language.
_STATIC_VERSIONS = 2 * len(i18n.LANGUAGES)
_STATUS_INSTANTS = 4  # the current minute and a few before it, or a handful of ?at= instants
_static_cards: Recent[tuple[str, str], str, dict[str, Any]] = Recent(_STATIC_VERSIONS)
_status_cards: Recent[datetime, tuple[str, str, str], tuple[list[dict[str, Any]], dict[str, Any]]] = Recent(_STATUS_INSTANTS)


def _static(contact: Contact, directory: Directory) -> dict[str, Any]:
    """The contact's fields that depend on the directory alone, with placeholders where the instant goes."""
    version = (directory.version, i18n.current())
    card = _static_cards.get(version, contact.id)
    if card is not None:
        return card
    card = {
        "id": contact.id,
        "language": version[1],
        "name": localized(contact, "name"),
        "named": in_sentence(contact),
        "kind": contact.kind.value,
        "kind_label": _(contact.kind.label),
        "summary": localized(contact, "summary"),
        "url": contact.url,
        "topics": [topic_json(t) for t in contact.topics],
        "phones": [],
        "emails": [email_json(e) for e in contact.emails],
        "faxes": [fax_json(f) for f in contact.faxes],
        "links": [link_json(link) for link in contact.links],
        "hours": hours_json(contact.hours),
        **dict.fromkeys(_STATUS_KEYS),
        "sources": [{"id": s, "description": _source(directory, s)} for s in contact.sources],
        "other_ways": [other_way_json(w, directory) for w in contact.other_ways],
    }
    return _static_cards.put(version, contact.id, card)


def _dynamic(contact: Contact, directory: Directory, now: datetime) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The contact's phones and its open/closed fields at ``now``: computed once per contact and instant."""
    key = (directory.version, i18n.current(), contact.id)
    found = _status_cards.get(now, key)
    if found is not None:
        return found
    return _status_cards.put(now, key, ([phone_json(p, directory, now) for p in contact.phones], status_json(contact.hours, directory, now)))


def contact_status(contact: Contact, directory: Directory, now: datetime) -> dict[str, Any]:
    """The contact's open/closed fields at ``now`` (``status_json``'s), from the same cache as its card."""
    return _dynamic(contact, directory, now)[1]


def in_sentence(contact: Contact) -> str:
    """A contact's name where a page's sentence puts it after a verb or a preposition.

    English pages name a team bare, as a heading does ("Contact California Service Center"), and keep
    doing so; Spanish needs the article the directory gives it ("Comuníquese con el Centro de Servicio de
    California"), which ``wording.named`` reads, and ``wording.contracted`` joins "a el" into "al".
    """
    return contact.name if i18n.current() == i18n.SOURCE else wording.named(contact)


def _source(directory: Directory, source_id: str) -> str:
    translated = directory.source_translations.get(source_id, {}).get(i18n.current(), {}).get("description")
    return str(translated or directory.sources.get(source_id, ""))


def contact_view(contact: Contact, directory: Directory, now: datetime) -> dict[str, Any]:
    """``contact_json`` plus what a page needs to draw the open/closed badge."""
    card = contact_json(contact, directory, now)
    card["badge"] = badge(card["open_now"], contact.hours.kind)
    return card


def badge(open_now: bool | None, kind: HoursKind) -> dict[str, str]:
    """The badge's words and its style; the words alone must carry the meaning."""
    if open_now is None:
        return {"state": "unknown", "label": _("Hours not listed")}
    if kind is HoursKind.ALWAYS:
        return {"state": "open", "label": _("Always open")}
    return {"state": "open", "label": _("Open")} if open_now else {"state": "closed", "label": _("Closed")}


_STATUS_KEYS = ("open_now", "closes_at", "next_open", "closed_for", "status_line")


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
        "note": localized(hours, "note"),
    }


def topic_json(topic: Topic) -> dict[str, str]:
    return {"id": topic.id, "title": localized(topic, "title"), "where": localized(topic, "where")}


def phone_json(phone: Phone, directory: Directory, now: datetime) -> dict[str, Any]:
    found: dict[str, Any] = {
        "number": phone.number,
        "display": phone.display,
        "keys": phone.keys,
        "label": localized(phone, "label"),
        "tel": phone.tel_uri,
        "instructions": wording.phone_instructions(phone),
    }
    if phone.hours is not None:
        found["hours"] = {**hours_json(phone.hours), **status_json(phone.hours, directory, now)}
    return found


def email_json(email: Email) -> dict[str, Any]:
    return {
        "address": email.address,
        "purpose": localized(email, "purpose"),
        "include": list(localized(email, "include")),
        "mailto": f"mailto:{email.address}",
    }


def fax_json(fax: Fax) -> dict[str, str]:
    return {"number": fax.number, "display": fax.display, "purpose": localized(fax, "purpose")}


def other_way_json(way: OtherWay, directory: Directory) -> dict[str, str]:
    beside = directory.contact(way.or_contact) if way.or_contact and directory.has_contact(way.or_contact) else None
    return {
        "name": localized(way, "name"),
        "how": localized(way, "how"),
        "purpose": localized(way, "purpose"),
        "or_contact_id": way.or_contact,
        "sentence": wording.other_way(way, beside),
    }


def link_json(link: Link) -> dict[str, str]:
    return {"title": localized(link, "title"), "url": link.url, "note": localized(link, "note")}


def moment_words(moment: datetime, zone: str) -> str:
    """An instant written out in ``zone``, as a page states when something happened.

    English keeps the words the team's email uses ("Thursday, December 3, 2026 at 4:01 AM PST"); other
    languages take their date, clock and zone name from Babel's locale data ("jueves, 3 de diciembre de
    2026, 4:01 a. m. (hora estándar del Pacífico)").
    """
    language = i18n.current()
    if language == i18n.SOURCE:
        return sent_time(moment, zone)
    local = moment.astimezone(ZoneInfo(zone))
    words = {
        "date": format_date(local, "full", locale=language),
        "clock": format_time(local, "h:mm a", locale=language),
        "zone": get_timezone_name(local, "long", locale=language),
    }
    return pgettext("a moment written out", "%(date)s at %(clock)s (%(zone)s)") % words


def _clock(value: time, end: bool = False) -> str:
    # A range that ends at midnight is written 24:00 in the directory; keep it so.
    if end and value == time(0, 0):
        return "24:00"
    return value.strftime("%H:%M")


def after_badge(line: str) -> str:
    """A status line beside its badge: "Closed · opens today 8:30 AM PT" shows as "opens today 8:30 AM PT",
    since the badge already says "Closed" (a screen reader would read it twice). A head that says why
    ("Closed for Thanksgiving Day") is kept: the badge does not say that."""
    head, sep, rest = line.partition(" · ")
    if not sep:
        return line
    return rest if head in (_("Closed"), _("Open now")) else line
