"""The phone tree as data: every number, what each key leads to, and whether it is open.

The lookup behind /ivr, /api/ivr and ``routing ivr`` on the command line. Its
wording (names, what each team handles, how to call) is in the current
language; ids, keys, numbers and kinds never change with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from routing.core import i18n, wording
from routing.core.hours import zone
from routing.core.model import Contact, Directory, Hours
from routing.core.phone_menu import key_order, menu_options
from routing.present.json import badge, hours_json, in_sentence, status_json
from routing.present.phone_words import menu_what


def phone_tree(directory: Directory, now: datetime) -> dict[str, Any]:
    """Every number, what each key on it leads to with hours and whether it is open now,
    and for each contact how to reach it by phone: the lookup behind /ivr, /api/ivr and the CLI."""
    numbers: dict[str, dict[str, Any]] = {}
    for contact in directory.contacts:
        for phone in contact.phones:
            line = numbers.setdefault(
                phone.number, {"number": phone.number, "display": phone.display, "label": i18n.localized(phone, "label"), "options": []}
            )
            hours = contact.hours_for(phone)
            line["options"].append(
                {
                    "keys": phone.keys,
                    "contact": _named(contact),
                    **_when(hours, directory, now),
                }
            )
    for line in numbers.values():
        line["options"].sort(key=lambda option: key_order(option["keys"]))
    ivr = directory.ivr
    lines = i18n.localized(ivr, "menu")
    fallback = directory.contact(directory.fallback)
    return {
        "at": now.astimezone(zone(directory.timezone)).isoformat(),
        "language": i18n.current(),
        "ivr": {
            "number": ivr.line,
            "display": numbers[ivr.line]["display"] if ivr.line in numbers else ivr.line,
            "language": ivr.language,
            "repeat_key": ivr.repeat_key,
            "speech": True,
            "max_failures": ivr.max_failures,
            "options": [
                {"key": o.key, "contact": {"id": o.contact.id, "name": i18n.localized(o.contact, "name")}, "handles": menu_what(o.contact, lines)}
                for o in menu_options(directory)
            ],
            # The other languages a caller can choose, by key, and the offer each is made with (in its own language).
            "languages": [
                {"code": code, "key": offered.key, "voice": offered.voice, "offer": offered.offer} for code, offered in ivr.languages.items()
            ],
            "fallback": {"id": fallback.id, "name": i18n.localized(fallback, "name"), "named": in_sentence(fallback)},
        },
        "numbers": list(numbers.values()),
        "contacts": [
            {
                **_named(contact),
                "calls": [
                    {"number": p.number, "display": p.display, "keys": p.keys, "instructions": wording.phone_instructions(p), "tel": p.tel_uri}
                    for p in contact.phones
                ],
                **_when(contact.hours, directory, now),
            }
            for contact in directory.contacts
            if contact.phones
        ],
    }


def _named(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "name": i18n.localized(contact, "name"), "kind": contact.kind.value}




def _when(hours: Hours, directory: Directory, now: datetime) -> dict[str, Any]:
    """The hours, whether open at ``now``, and the badge a page draws for it."""
    found = status_json(hours, directory, now)
    return {"hours": hours_json(hours), **found, "badge": badge(found["open_now"], hours.kind)}


def tree_lines(tree: dict[str, Any]) -> list[str]:
    """The phone tree as plain text, for the command line."""
    ivr = tree["ivr"]
    lines = [f"Phone menu on {ivr['display']} (as of {tree['at']})"]
    lines += [f"  press {o['key']}: {o['contact']['name']}" + (f" ({o['handles']})" if o["handles"] else "") for o in ivr["options"]]
    lines += [f"  press {ivr['repeat_key']}: hear the options again", "  or say in a few words what you need"]
    lines += [f"  press {language['key']}: {language['offer']}" for language in ivr["languages"]]
    lines.append("")
    lines.append("Numbers")
    for number in tree["numbers"]:
        lines.append(f"  {number['display']}" + (f" ({number['label']})" if number["label"] else ""))
        for option in number["options"]:
            how = f"press {option['keys']}" if option["keys"] else "answered directly"
            when = " · ".join(dict.fromkeys((option["hours"]["text"], option["status_line"])))
            lines.append(f"    {how}: {option['contact']['name']} · {when}")
    lines += ["", "Contacts"]
    for contact in tree["contacts"]:
        lines.append(f"  {contact['name']} ({contact['id']}): " + "; or ".join(call["instructions"] for call in contact["calls"]))
    return lines
