"""The pieces of the phone menu's sentences that change with the call's language.

A sentence's frame is a catalog message (``_``); what goes into it comes from
the directory in the call's language (``i18n.localized``): a team's name as a
sentence says it, what a team does, a topic as a phrase, an opening time, an
email address read aloud. English keeps the grammar of ``topic_words``; the
Spanish rules here are grammar too (articles, infinitives), never facts.

Where the directory has no translation of a name or title, the sentence that
needs it is chosen so the caller hears no English mid-sentence: a team's
English name is said as a proper name, and a topic left untranslated is not
said back at all ("can help with that").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from routing.core import i18n
from routing.core.hours import HoursStatus
from routing.core.i18n import _, ngettext, pgettext
from routing.core.model import Contact, ContactKind, Directory, IvrConfig, Topic
from routing.present.topic_words import echoes, is_task, named, spoken, subjects
from routing.present.topic_words import phrase as title_phrase

PACIFIC = "America/Los_Angeles"
_SLASH = re.compile(r"(?<=\w)/(?=\w)")


def source() -> bool:
    return i18n.current() == i18n.SOURCE


def translated(item: object, field: str) -> Any:
    """The item's ``field`` in the call's language, or None when the directory has no translation of it."""
    value = i18n.localized(item, field)
    return value if source() or value != getattr(item, field) else None


# -- the call's voice and its fixed lines --------------------------------------------


def voice(ivr: IvrConfig) -> str:
    """The language Twilio speaks and listens in for this call ("en-US", "es-US")."""
    offered = ivr.languages.get(i18n.current())
    return offered.voice if offered is not None else ivr.language


def line(ivr: IvrConfig, name: str) -> str:
    """One of the directory's own menu lines (greeting, goodbye, ...) in the call's language."""
    return str(i18n.localized(ivr, name))


# -- names and topics ------------------------------------------------------------------------

# First words of a Spanish name that take "la": most nouns in -a, -dad, -ción, -sión, -tud, -umbre.
_FEMININE_ENDINGS = ("a", "dad", "tad", "ción", "sión", "tud", "umbre")
_ARTICLES = ("el ", "la ", "los ", "las ")


def team(contact: Contact, start: bool = False) -> str:
    """A contact's name as a sentence in the call's language says it ("the Client Services Unit", "la Unidad ...")."""
    if source():
        return named(contact, start=start)
    said = contact.translations.get(i18n.current(), {}).get("named")  # the directory's way to say it mid-sentence, article and all
    if said:
        return str(said)[:1].upper() + str(said)[1:] if start else str(said)
    name = translated(contact, "name")
    if name is None or contact.kind in (ContactKind.SELF_SERVICE_SITE, ContactKind.MEMBERS_SITE):
        # An English name is a proper name in Spanish, and a site's name is an address: neither takes an article.
        return str(name or contact.name)
    name = str(name)
    if contact.kind is ContactKind.HELP_LINE and not name.lower().startswith("línea"):
        name = f"línea de {name}"
    if not name.lower().startswith(_ARTICLES):
        head = name.split()[0].lower() if name.split() else ""
        feminine = head.endswith(_FEMININE_ENDINGS) or head.startswith("línea")
        plural = head.endswith("s") and not head.endswith(("és", "ís", "ús"))
        article = ("las" if feminine else "los") if plural else ("la" if feminine else "el")
        name = f"{article} {name}"
    return name[:1].upper() + name[1:] if start else name


def menu_what(contact: Contact, lines: Mapping[str, str]) -> str:
    """What a team on the menu does, in a few words: the directory's menu line for it (``lines``), else from its topics."""
    worded = lines.get(contact.id)
    if worded:
        return str(worded)
    if source():
        return subjects(contact)
    first = next((title for topic in contact.topics if (title := translated(topic, "title"))), None)
    return title_phrase(str(first)) if first else ""


def topic_what(topic: Topic) -> str | None:
    """A topic's title as it reads mid-sentence in the call's language; None when it has no translation."""
    title = translated(topic, "title")
    return said(title_phrase(str(title))) if title else None


def said(text: str) -> str:
    """Text as a voice reads it in the call's language: "contract/eligibility" is "contract or eligibility"."""
    return spoken(text) if source() else _SLASH.sub(" o ", text)


# Spanish words that join a list or lead into a noun; a speech hint is the noun phrase without them.
_JOINERS = re.compile(r",\s*|\s+(?:y|e|o|u)\s+")
_LEADS = frozenset({"de", "del", "el", "la", "los", "las", "sobre", "para", "con"})


def listed(text: str) -> list[str]:
    """The items of a Spanish list: "cambios de plan, de contacto y de renovación" → its three parts."""
    return [part.strip() for part in _JOINERS.split(text) if part.strip()]


def hint(part: str) -> str:
    """A list item as a caller would say it: "de dirección del grupo" → "dirección del grupo"."""
    words = part.split()
    while len(words) > 1 and words[0].lower() in _LEADS:
        words = words[1:]
    return " ".join(words)


def is_task_phrase(what: str) -> bool:
    """True for a phrase worded as something to do: an English task verb, or a Spanish infinitive ("pedir ...")."""
    if source():
        return is_task(what)
    first = what.split()[0].lower() if what.split() else ""
    return len(first) > 3 and first.endswith(("ar", "er", "ir"))


def repeats_name(what: str, contact: Contact) -> bool:
    """True when the phrase only repeats the contact's name, so a sentence would say it twice."""
    if source():
        return echoes(what, contact)
    name = str(translated(contact, "name") or contact.name)
    return what.lower().strip() == name.lower().strip()


def either_or(first: Contact, first_topic: Topic, second: Contact, second_topic: Topic) -> str:
    """The question that decides between two teams, from their topics in the call's language:
    "Is this about benefit inquiries, or do you want to receive copies of bills?".

    A topic worded as a task is asked as one ("do you want to ..."); when either topic has no
    translation, the two teams are named instead, so no English is said mid-sentence.
    """
    one, other = topic_what(first_topic), topic_what(second_topic)
    if one is None or other is None:
        return _("Should I connect you to %(first)s, or to %(second)s?") % {"first": team(first), "second": team(second)}
    values = {"first": one, "second": other}
    match is_task_phrase(one), is_task_phrase(other):
        case False, False:
            return _("Is this about %(first)s, or about %(second)s?") % values
        case True, True:
            return _("Do you want to %(first)s, or to %(second)s?") % values
        case False, True:
            return _("Is this about %(first)s, or do you want to %(second)s?") % values
        case _:
            return _("Do you want to %(first)s, or is this about %(second)s?") % values


# The words a caller answers an either/or with, in any offered language; a number alone only in a short answer,
# since "una" and "one" also open longer sentences ("una copia de la factura").
_FIRST = frozenset({"first", "primera", "primero", "primer", "primeras"})
_SECOND = frozenset({"second", "segunda", "segundo", "other", "otra", "otro", "last", "última", "último"})
_ONE = frozenset({"one", "1", "uno", "una"})
_TWO = frozenset({"two", "2", "dos"})
_SHORT_ANSWER = 3


def ordinal(speech: str) -> int | None:
    """0 when the caller said "the first" (or just "one"), 1 for "the second" ("two"), None when they said neither."""
    words = re.findall(r"\w+", speech.lower())
    for first, second, fits in ((_FIRST, _SECOND, True), (_ONE, _TWO, len(words) <= _SHORT_ANSWER)):
        said_first, said_second = bool(first.intersection(words)), bool(second.intersection(words))
        if fits and said_first != said_second:
            return 0 if said_first else 1
    return None


# -- hours -------------------------------------------------------------------------------------


def opens_sentence(found: HoursStatus, now: datetime) -> str:
    """When a closed contact opens, as one sentence: "It opens Monday at 7 AM Pacific."."""
    at = found.next_open
    if at is None:
        return ""
    days = (at.date() - now.astimezone(at.tzinfo).date()).days
    hour = at.hour % 12 or 12
    when = {
        "clock": f"{hour}" + (f":{at.minute:02d}" if at.minute else ""),
        "meridiem": pgettext("clock", "AM") if at.hour < 12 else pgettext("clock", "PM"),
        "zone": _zone(at),
        "day": _weekday(at.weekday()),
    }
    # One message per day form, with the hour as its count: Spanish says "a la 1" but "a las 7".
    if days == 0:
        return ngettext("It opens today at %(clock)s %(meridiem)s %(zone)s.", "It opens today at %(clock)s %(meridiem)s %(zone)s.", hour) % when
    if days == 1:
        return ngettext("It opens tomorrow at %(clock)s %(meridiem)s %(zone)s.", "It opens tomorrow at %(clock)s %(meridiem)s %(zone)s.", hour) % when
    if days <= 6:
        return ngettext("It opens %(day)s at %(clock)s %(meridiem)s %(zone)s.", "It opens %(day)s at %(clock)s %(meridiem)s %(zone)s.", hour) % when
    when |= {"month": _month(at.month), "date": str(at.day)}
    return ngettext(
        "It opens %(day)s, %(month)s %(date)s at %(clock)s %(meridiem)s %(zone)s.",
        "It opens %(day)s, %(month)s %(date)s at %(clock)s %(meridiem)s %(zone)s.",
        hour,
    ) % when


def _weekday(number: int) -> str:
    # A catalog context, since a day after "opens" may need an article ("el lunes").
    return (
        pgettext("opens on", "Monday"), pgettext("opens on", "Tuesday"), pgettext("opens on", "Wednesday"),
        pgettext("opens on", "Thursday"), pgettext("opens on", "Friday"), pgettext("opens on", "Saturday"),
        pgettext("opens on", "Sunday"),
    )[number]  # fmt: skip


def _month(number: int) -> str:
    return (
        pgettext("month", "January"), pgettext("month", "February"), pgettext("month", "March"),
        pgettext("month", "April"), pgettext("month", "May"), pgettext("month", "June"),
        pgettext("month", "July"), pgettext("month", "August"), pgettext("month", "September"),
        pgettext("month", "October"), pgettext("month", "November"), pgettext("month", "December"),
    )[number - 1]  # fmt: skip


def _zone(at: datetime) -> str:
    key = str(getattr(at.tzinfo, "key", "") or "")
    if key == PACIFIC:
        return pgettext("time zone", "Pacific")
    if key:
        return _("%(city)s time") % {"city": key.rsplit("/", 1)[-1].replace("_", " ")}
    return _("local time")


def holiday(directory: Directory, name: str) -> str | None:
    """A holiday's name in the call's language, or None when the directory has no translation of it."""
    rule = next((r for r in directory.holidays.rules if r.name == name), None)
    found = translated(rule, "name") if rule is not None else None
    return str(found) if found else (name if source() else None)


def join_and(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c", with the language's own "and"."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


# -- saying addresses ----------------------------------------------------------------------

# Top-level domains read as words; every other short label is spelled out.
_SAID_AS_WORDS = frozenset({"com", "org", "net", "gov", "edu", "info"})


def _marks() -> dict[str, str]:
    return {
        "-": pgettext("spoken address", "dash"),
        ".": pgettext("spoken address", "dot"),
        "_": pgettext("spoken address", "underscore"),
        "+": pgettext("spoken address", "plus"),
        "/": pgettext("spoken address", "slash"),
    }


def speakable(text: str) -> str:
    """An email address or host name as a voice should read it.

    The mailbox part is spelled character by character ("c s c dash s d"),
    since it is rarely a word; a host name keeps its words and spells its
    abbreviations ("account dot k p dot org"). The marks are said in the
    call's language ("arroba", "punto").
    """
    marks = _marks()
    if "@" in text:
        local, _at, domain = text.rpartition("@")
        at = pgettext("spoken address", "at")
        return f"{spell(local, marks)} {at} {_host(domain, marks)}"
    return _host(text, marks)


def spell(text: str, marks: dict[str, str] | None = None) -> str:
    said = marks if marks is not None else _marks()
    return " ".join(said.get(char, char) for char in text.lower() if not char.isspace())


def _host(host: str, marks: dict[str, str]) -> str:
    return f" {marks['.']} ".join(_label(label, marks) for label in host.lower().strip(".").split("."))


def _label(label: str, marks: dict[str, str]) -> str:
    pronounceable = label.isalpha() and len(label) >= 4 and any(v in label for v in "aeiouy")
    return label if label in _SAID_AS_WORDS or pronounceable else spell(label, marks)
