"""The directory as immutable, typed values.

Nothing here does I/O or reads the clock: the loader in ``directory.py`` builds
these objects, and every other module only reads them.
"""

from __future__ import annotations

import copyreg
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from functools import cached_property
from types import MappingProxyType
from typing import Any

from routing.core.i18n import N_

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHANNELS = ("web", "ivr", "email")

# An item's product translations from directory.yaml, by language then field: {"es": {"title": ...}}.
# Read with ``i18n.localized``; most items in a test directory have none, so they share one empty mapping.
# Never compared or hashed: two items with the same facts are the same item in any language.
Translations = Mapping[str, Mapping[str, Any]]
NO_TRANSLATIONS: Translations = MappingProxyType({})


def _untranslated() -> Translations:
    return NO_TRANSLATIONS


def _frozen(values: dict[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(values) if values else NO_TRANSLATIONS


def _reduce_frozen(mapping: MappingProxyType[str, Any]) -> tuple[Any, tuple[dict[str, Any]]]:
    return _frozen, (dict(mapping),)


# A read-only mapping does not pickle on its own; the model is pickled whole for the start-up cache.
copyreg.pickle(MappingProxyType, _reduce_frozen)


class ContactKind(str, enum.Enum):
    TEAM = "team"
    HELP_LINE = "help_line"
    SELF_SERVICE_SITE = "self_service_site"
    MEMBERS_SITE = "members_site"
    EMERGENCY_LINE = "emergency_line"

    @property
    def label(self) -> str:
        return {
            "team": N_("Service team"),
            "help_line": N_("Help line"),
            "self_service_site": N_("Employer self-service site"),
            "members_site": N_("Members' site"),
            "emergency_line": N_("Emergency line"),
        }[self.value]


class HoursKind(str, enum.Enum):
    WEEKLY = "weekly"
    ALWAYS = "always"
    NOT_LISTED = "not_listed"


@dataclass(frozen=True, slots=True)
class TimeRange:
    """One opening span in local time.

    ``end`` at or before ``start`` means the span crosses midnight into the next
    day; ``end == time(0, 0)`` is midnight at the end of the day.
    """

    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True, slots=True)
class Hours:
    kind: HoursKind
    timezone: str
    # Seven entries, Monday first, each the ranges of that day in start order.
    weekly: tuple[tuple[TimeRange, ...], ...] = ((),) * 7
    observes_holidays: bool = True
    note: str = ""
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class HolidayRule:
    """One line of the holiday calendar.

    Exactly one way of naming the day is set: a fixed ``month``/``day``, an
    ``nth`` ``weekday`` of ``month`` (``nth == -1`` is the last one), or a
    one-off ``on`` date. ``offset_days`` shifts the result (the day after
    Thanksgiving). ``observed`` moves a Saturday to Friday and a Sunday to
    Monday. ``closes_at`` makes it a partial day that closes early instead of
    a full closure.
    """

    name: str
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    nth: int | None = None
    on: date | None = None
    offset_days: int = 0
    observed: bool = False
    closes_at: time | None = None
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class HolidayCalendar:
    rules: tuple[HolidayRule, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Phone:
    number: str  # E.164, or a three-digit N11 code such as 911
    display: str
    keys: str = ""  # what to press after the call connects, e.g. "3"
    label: str = ""
    hours: Hours | None = None  # overrides the contact's hours for this line
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)

    @property
    def tel_uri(self) -> str:
        # A comma is the pause that phone dialers understand before post-dial digits.
        return f"tel:{self.number}" + (f",{self.keys}" if self.keys else "")


@dataclass(frozen=True, slots=True)
class Email:
    address: str
    purpose: str
    include: tuple[str, ...] = ()  # what the sender is asked to put in the message
    # The topic ids this address is listed for, in the seeds' own words: a
    # request is forwarded here only when its topic is one of them.
    covers: tuple[str, ...] = ()
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)

    def covers_topic(self, topic_id: str) -> bool:
        return topic_id in self.covers


@dataclass(frozen=True, slots=True)
class Fax:
    number: str
    display: str
    purpose: str
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str = ""  # empty where the seed names a page but gives no address
    note: str = ""
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class OtherWay:
    """A way to get help that is not a contact here, as the seeds name it: "Contact your broker or email …"."""

    name: str  # "Your broker"
    how: str  # the seeds' words for it: "Contact your broker"
    purpose: str  # what it is for: "Questions about account.kp.org"
    or_contact: str = ""  # the contact the seeds offer beside it, by id
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Topic:
    """Something a contact handles, as the seed says it plus the words people use."""

    id: str
    title: str
    words: tuple[str, ...] = ()
    where: str = ""  # for a self-service task: where on the site it lives
    self_service: str = ""  # id of a topic elsewhere that lets the employer do this alone
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    name: str
    kind: ContactKind
    summary: str
    hours: Hours
    topics: tuple[Topic, ...] = ()
    phones: tuple[Phone, ...] = ()
    emails: tuple[Email, ...] = ()
    faxes: tuple[Fax, ...] = ()
    links: tuple[Link, ...] = ()
    sources: tuple[str, ...] = ()
    other_ways: tuple[OtherWay, ...] = ()
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)

    def hours_for(self, phone: Phone) -> Hours:
        return phone.hours or self.hours

    @property
    def url(self) -> str:
        return next((link.url for link in self.links if link.url), "")


@dataclass(frozen=True, slots=True)
class RuleCondition:
    phrases: tuple[str, ...] = ()  # any one of these, after synonyms and stemming
    all_words: tuple[str, ...] = ()  # every one of these
    topics: tuple[str, ...] = ()  # any of these topic ids among the search hits
    channels: tuple[str, ...] = ()  # empty means every channel
    open_now: tuple[tuple[str, bool], ...] = ()  # (contact id, must be open)
    # Every group needs one of its phrases said: "fell" and "not moving", each in many wordings.
    concepts: tuple[tuple[str, ...], ...] = ()
    unless: tuple[str, ...] = ()  # any of these said and the rule does not apply ("last month", "passed away")
    # Any one of these, when the question says nothing else: "not responding" alone is a person, not a website.
    alone: tuple[str, ...] = ()
    # Signs of different kinds, each a group: at least ``signs_needed`` groups need a phrase said. One sign is
    # everyday talk ("pale", "fell", "confused"); two kinds at once ("fell" and "cold and bluish") are a body in trouble.
    signs: tuple[tuple[str, ...], ...] = ()
    signs_needed: int = 2

    @property
    def written(self) -> tuple[str, ...]:
        """Every phrase that makes the condition match (not its unless), as written."""
        return (*self.phrases, *self.all_words, *self.alone, *(p for group in (*self.concepts, *self.signs) for p in group))


@dataclass(frozen=True, slots=True)
class OtherDomain:
    """Something people ask a help desk about that this one does not handle (car insurance, phones, pets)."""

    name: str  # in words, for the answer: "car insurance"
    phrases: tuple[str, ...]
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)


# The `examples:` key for questions about something else, which no contact answers.
OFF_TOPIC = "off-topic"


@dataclass(frozen=True, slots=True)
class Example:
    """A question someone asked, and the contact that answers it (or OFF_TOPIC)."""

    text: str
    contact_id: str


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    description: str
    when: RuleCondition
    route: str = ""
    # Instead of one contact: the best-ranked search hit whose contact is of
    # one of these kinds. The rule matches only when search found one.
    prefer: tuple[ContactKind, ...] = ()
    alternatives: tuple[str, ...] = ()
    note: str = ""
    safety: bool = False
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class GroupIdFormat:
    pattern: str
    description: str
    example: str
    translations: Translations = field(default_factory=_untranslated, hash=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class IvrLanguage:
    """Another language the phone menu offers: the key that chooses it, the voice that speaks it, and the offer."""

    key: str  # pressed at an English prompt; never a menu or repeat key
    voice: str  # what Twilio speaks and listens in ("es-US")
    offer: str  # said in that language, in its voice, at every English prompt: "Para español, oprima 8."


@dataclass(frozen=True, slots=True)
class IvrConfig:
    line: str  # the E.164 number whose key options form the menu
    greeting: str
    menu_intro: str
    repeat_key: str
    language: str
    goodbye: str
    not_understood: str
    emergency: str
    max_failures: int = 2
    languages: Mapping[str, IvrLanguage] = field(default_factory=dict)
    # The menu lines the directory words itself, by contact id ("billing and eligibility
    # questions"); a contact without one is described from its topics.
    menu: Mapping[str, str] = field(default_factory=dict)
    # The lines above in another language (``es: {greeting: ..., menu: {...}}``), read with i18n.localized.
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


# Every value class has slots (no per-instance __dict__): at 10,000 contacts
# that is hundreds of thousands of dictionaries fewer. Directory keeps its
# __dict__ for the lookups it builds once (cached_property).
@dataclass(frozen=True)
class Directory:
    version: str  # content hash of the source file
    source: str  # path it was loaded from
    timezone: str
    contacts: tuple[Contact, ...]
    rules: tuple[Rule, ...]
    synonyms: tuple[tuple[str, tuple[str, ...]], ...]
    holidays: HolidayCalendar
    group_id: GroupIdFormat
    fallback: str  # contact id used when nothing matches
    ivr: IvrConfig
    sources: Mapping[str, str] = field(default_factory=dict)
    source_translations: Mapping[str, Translations] = field(default_factory=dict)  # by source id, as items carry theirs
    other_domains: tuple[OtherDomain, ...] = ()  # what this help desk is not for, so it can say so
    plan_words: tuple[str, ...] = ()  # words naming the plan itself: beside another domain's words, the plan need stays
    examples: tuple[Example, ...] = ()  # questions people asked, with the contact that answers each
    # The languages the directory is translated into, as its `languages:` block names them: {"es": {"name": "Español", ...}}.
    languages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Each item that lacks a translation into one of ``languages``, as "file:line: what": `routing check` reports them.
    untranslated: tuple[str, ...] = ()

    # Lookups by id, built once per Directory: route() asks many times per
    # question, and a directory may hold thousands of contacts.
    @cached_property
    def _contacts_by_id(self) -> dict[str, Contact]:
        return {c.id: c for c in self.contacts}

    @cached_property
    def _topics_by_id(self) -> dict[str, tuple[Contact, Topic]]:
        return {t.id: (c, t) for c in self.contacts for t in c.topics}

    @cached_property
    def _teams_by_task(self) -> dict[str, tuple[Contact, ...]]:
        teams: dict[str, list[Contact]] = {}
        for contact in self.contacts:
            for topic in contact.topics:
                if topic.self_service and contact not in teams.setdefault(topic.self_service, []):
                    teams[topic.self_service].append(contact)
        return {task: tuple(found) for task, found in teams.items()}

    @cached_property
    def _contacts_by_kind(self) -> dict[ContactKind, tuple[Contact, ...]]:
        return {kind: tuple(c for c in self.contacts if c.kind is kind) for kind in ContactKind}

    def contact(self, contact_id: str) -> Contact:
        return self._contacts_by_id[contact_id]

    def of_kind(self, kind: ContactKind) -> tuple[Contact, ...]:
        return self._contacts_by_kind[kind]

    def has_contact(self, contact_id: str) -> bool:
        return contact_id in self._contacts_by_id

    def topic(self, topic_id: str) -> tuple[Contact, Topic]:
        return self._topics_by_id[topic_id]

    def teams_for_task(self, task_id: str) -> tuple[Contact, ...]:
        """The contacts whose topics point at this self-service task as the do-it-yourself way."""
        return self._teams_by_task.get(task_id, ())
