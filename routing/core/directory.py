"""Load directory.yaml, check every fact, and build the immutable model.

Every problem is collected (not just the first) and carries ``file:line`` and
a sentence saying what to fix, because the people editing this file are
support staff, not programmers.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, time
from pathlib import Path
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from routing.core.model import (
    CHANNELS,
    WEEKDAYS,
    Contact,
    ContactKind,
    Directory,
    Email,
    Fax,
    GroupIdFormat,
    HolidayCalendar,
    HolidayRule,
    Hours,
    HoursKind,
    IvrConfig,
    Link,
    Phone,
    Rule,
    RuleCondition,
    TimeRange,
    Topic,
)
from routing.errors import DirectoryError
from routing.core.yaml_source import Located, Path as YPath, Problem, YamlSyntaxError, parse

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
SHORT_CODE = re.compile(r"^[2-9]11$")  # 911 and its N11 siblings are not E.164
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KEYS = re.compile(r"^[0-9*#]{1,6}$")
CLOCK = re.compile(r"^([01][0-9]|2[0-4]):([0-5][0-9])$")
RANGE = re.compile(r"^\s*(\S+)\s*-\s*(\S+)\s*$")


def load(path: str | Path) -> Directory:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DirectoryError([Problem(str(path), 1, f"cannot read the directory file ({exc.strerror}).")]) from None
    return loads(raw, str(path))


def loads(raw: bytes | str, file: str = "directory.yaml") -> Directory:
    data = raw.encode() if isinstance(raw, str) else raw
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DirectoryError([Problem(file, 1, "the file is not UTF-8 text; save it as UTF-8.")]) from None
    try:
        located = parse(text, file)
    except YamlSyntaxError as exc:
        raise DirectoryError([exc.problem]) from None
    checker = _Checker(located, version=hashlib.sha256(data).hexdigest()[:16])
    directory = checker.directory()
    if checker.problems:
        raise DirectoryError(sorted(checker.problems, key=lambda p: p.line))
    assert directory is not None
    return directory


class _Checker:
    def __init__(self, located: Located, version: str) -> None:
        self.src = located
        self.version = version
        self.problems: list[Problem] = list(located.duplicates)

    # -- reporting -----------------------------------------------------------

    def problem(self, path: YPath, message: str) -> None:
        self.problems.append(Problem(self.src.file, self.src.line(path), message))

    def mapping(self, value: Any, path: YPath, allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, Any]:
        where = _describe(path)
        if not isinstance(value, dict):
            self.problem(path, f"{where} should be a mapping of keys to values.")
            return {}
        allowed = set(allowed)
        for key in value:
            if key not in allowed:
                self.problem(path + (str(key),), f"unknown key '{key}' in {where}; expected one of: {', '.join(sorted(allowed))}.")
        for key in required:
            if value.get(key) in (None, "", [], {}):
                self.problem(path, f"{where} needs '{key}'.")
        return value

    def text(self, value: Any, path: YPath, required: bool = True) -> str:
        if value is None or value == "":
            if required:
                self.problem(path, f"{_describe(path)} is empty; give it a value.")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(path, f"{_describe(path)} should be text.")
            return ""
        return str(value).strip()

    def texts(self, value: Any, path: YPath) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(path, f"{_describe(path)} should be a list.")
            return ()
        return tuple(t for i, item in enumerate(value) if (t := self.text(item, path + (i,))))

    def items(self, value: Any, path: YPath) -> list[tuple[YPath, Any]]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"{_describe(path)} should be a list.")
            return []
        return [(path + (i,), item) for i, item in enumerate(value)]

    # -- the document --------------------------------------------------------

    def directory(self) -> Directory | None:
        doc = self.mapping(
            self.src.data,
            (),
            {"timezone", "sources", "group_id", "fallback", "holidays", "synonyms", "contacts", "rules", "ivr"},
            required=("timezone", "contacts", "fallback", "group_id", "ivr"),
        )
        timezone = self.timezone(doc.get("timezone"), ("timezone",)) or "America/Los_Angeles"
        sources = doc.get("sources") or {}
        if not isinstance(sources, dict):
            self.problem(("sources",), "'sources' should map a source id to its description.")
            sources = {}
        self.source_ids = {str(k) for k in sources}
        contacts = tuple(self.contact(item, p, timezone) for p, item in self.items(doc.get("contacts"), ("contacts",)))
        self.unique([(("contacts", i, "id"), c.id) for i, c in enumerate(contacts)], "contact id")
        self.unique(
            [(("contacts", i), t.id) for i, c in enumerate(contacts) for t in c.topics], "topic id"
        )
        self.contact_ids = {c.id for c in contacts}
        self.topic_ids = {t.id for c in contacts for t in c.topics}
        self.check_topic_links(contacts)
        self.check_keys(contacts)
        fallback = self.text(doc.get("fallback"), ("fallback",))
        if fallback and fallback not in self.contact_ids:
            self.problem(("fallback",), f"fallback names '{fallback}', which is not a contact id.")
        rules = tuple(self.rule(item, p) for p, item in self.items(doc.get("rules"), ("rules",)))
        self.unique([(("rules", i, "id"), r.id) for i, r in enumerate(rules)], "rule id")
        directory = Directory(
            version=self.version,
            source=self.src.file,
            timezone=timezone,
            contacts=contacts,
            rules=tuple(sorted(rules, key=lambda r: not r.safety)),
            synonyms=self.synonyms(doc.get("synonyms"), ("synonyms",)),
            holidays=self.holidays(doc.get("holidays"), ("holidays",)),
            group_id=self.group_id(doc.get("group_id"), ("group_id",)),
            fallback=fallback,
            ivr=self.ivr(doc.get("ivr"), ("ivr",), contacts),
            sources={str(k): str(v) for k, v in sources.items()},
        )
        return directory

    def unique(self, pairs: list[tuple[YPath, str]], what: str) -> None:
        seen: set[str] = set()
        for path, value in pairs:
            if value and value in seen:
                self.problem(path, f"{what} '{value}' is used twice; each must be unique.")
            seen.add(value)

    def timezone(self, value: Any, path: YPath) -> str:
        name = self.text(value, path)
        if not name:
            return ""
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.problem(path, f"'{name}' is not a time zone; use an IANA name such as America/Los_Angeles.")
            return ""
        return name

    # -- contacts ------------------------------------------------------------

    def contact(self, value: Any, path: YPath, timezone: str) -> Contact:
        doc = self.mapping(
            value,
            path,
            {"id", "name", "kind", "summary", "hours", "topics", "phones", "emails", "faxes", "links", "sources"},
            required=("id", "name", "kind", "hours"),
        )
        contact_id = self.text(doc.get("id"), path + ("id",))
        if contact_id and not ID.match(contact_id):
            self.problem(path + ("id",), f"contact id '{contact_id}' should be lower-case words joined by hyphens.")
        kind = self.enum(ContactKind, doc.get("kind"), path + ("kind",)) or ContactKind.TEAM
        hours = self.hours(doc.get("hours"), path + ("hours",), timezone)
        sources = self.texts(doc.get("sources"), path + ("sources",))
        for i, source in enumerate(sources):
            if self.source_ids and source not in self.source_ids:
                self.problem(path + ("sources", i), f"source '{source}' is not listed under 'sources'.")
        return Contact(
            id=contact_id,
            name=self.text(doc.get("name"), path + ("name",)),
            kind=kind,
            summary=self.text(doc.get("summary"), path + ("summary",), required=False),
            hours=hours,
            topics=tuple(self.topic(item, p) for p, item in self.items(doc.get("topics"), path + ("topics",))),
            phones=tuple(self.phone(item, p, timezone) for p, item in self.items(doc.get("phones"), path + ("phones",))),
            emails=tuple(self.email(item, p) for p, item in self.items(doc.get("emails"), path + ("emails",))),
            faxes=tuple(self.fax(item, p) for p, item in self.items(doc.get("faxes"), path + ("faxes",))),
            links=tuple(self.link(item, p) for p, item in self.items(doc.get("links"), path + ("links",))),
            sources=sources,
        )

    def enum(self, enum_type: Any, value: Any, path: YPath) -> Any:
        name = self.text(value, path)
        try:
            return enum_type(name) if name else None
        except ValueError:
            choices = ", ".join(e.value for e in enum_type)
            self.problem(path, f"'{name}' is not a valid {_describe(path)}; use one of: {choices}.")
            return None

    def topic(self, value: Any, path: YPath) -> Topic:
        doc = self.mapping(value, path, {"id", "title", "words", "where", "self_service"}, required=("id", "title"))
        topic_id = self.text(doc.get("id"), path + ("id",))
        if topic_id and not ID.match(topic_id):
            self.problem(path + ("id",), f"topic id '{topic_id}' should be lower-case words joined by hyphens.")
        return Topic(
            id=topic_id,
            title=self.text(doc.get("title"), path + ("title",)),
            words=self.texts(doc.get("words"), path + ("words",)),
            where=self.text(doc.get("where"), path + ("where",), required=False),
            self_service=self.text(doc.get("self_service"), path + ("self_service",), required=False),
        )

    def check_topic_links(self, contacts: tuple[Contact, ...]) -> None:
        for i, contact in enumerate(contacts):
            for j, topic in enumerate(contact.topics):
                if topic.self_service and topic.self_service not in self.topic_ids:
                    self.problem(
                        ("contacts", i, "topics", j, "self_service"),
                        f"self_service names '{topic.self_service}', which is not a topic id.",
                    )

    def phone(self, value: Any, path: YPath, timezone: str) -> Phone:
        doc = self.mapping(value, path, {"number", "display", "keys", "label", "hours"}, required=("number", "display"))
        number = self.text(doc.get("number"), path + ("number",))
        if number and not (E164.match(number) or SHORT_CODE.match(number)):
            self.problem(path + ("number",), f"phone number '{number}' is not in E.164 form; write it like +18007904661.")
        keys = self.text(doc.get("keys"), path + ("keys",), required=False)
        if keys and not KEYS.match(keys):
            self.problem(path + ("keys",), f"keys '{keys}' should be the digits to press, such as 3.")
        display = self.text(doc.get("display"), path + ("display",))
        if number and display and re.sub(r"\D", "", display)[-10:] != re.sub(r"\D", "", number)[-10:]:
            self.problem(path + ("display",), f"display '{display}' does not show the same number as '{number}'.")
        hours = self.hours(doc["hours"], path + ("hours",), timezone) if "hours" in doc else None
        return Phone(number=number, display=display, keys=keys, label=self.text(doc.get("label"), path + ("label",), required=False), hours=hours)

    def check_keys(self, contacts: tuple[Contact, ...]) -> None:
        seen: dict[tuple[str, str], str] = {}
        for i, contact in enumerate(contacts):
            for j, phone in enumerate(contact.phones):
                if not phone.keys:
                    continue
                owner = seen.setdefault((phone.number, phone.keys), contact.id)
                if owner != contact.id:
                    self.problem(
                        ("contacts", i, "phones", j, "keys"),
                        f"key {phone.keys} on {phone.display} is already used by '{owner}'; one key press leads to one team.",
                    )

    def email(self, value: Any, path: YPath) -> Email:
        doc = self.mapping(value, path, {"address", "purpose", "include"}, required=("address", "purpose"))
        address = self.text(doc.get("address"), path + ("address",))
        if address and not EMAIL.match(address):
            self.problem(path + ("address",), f"'{address}' is not an email address.")
        return Email(
            address=address,
            purpose=self.text(doc.get("purpose"), path + ("purpose",)),
            include=self.texts(doc.get("include"), path + ("include",)),
        )

    def fax(self, value: Any, path: YPath) -> Fax:
        doc = self.mapping(value, path, {"number", "display", "purpose"}, required=("number", "display", "purpose"))
        number = self.text(doc.get("number"), path + ("number",))
        if number and not E164.match(number):
            self.problem(path + ("number",), f"fax number '{number}' is not in E.164 form; write it like +18553555334.")
        return Fax(number=number, display=self.text(doc.get("display"), path + ("display",)), purpose=self.text(doc.get("purpose"), path + ("purpose",)))

    def link(self, value: Any, path: YPath) -> Link:
        doc = self.mapping(value, path, {"title", "url", "note"}, required=("title",))
        url = self.text(doc.get("url"), path + ("url",), required=False)
        if url and not url.startswith("https://"):
            self.problem(path + ("url",), f"link '{url}' should start with https://.")
        return Link(title=self.text(doc.get("title"), path + ("title",)), url=url, note=self.text(doc.get("note"), path + ("note",), required=False))

    # -- hours ---------------------------------------------------------------

    def hours(self, value: Any, path: YPath, timezone: str) -> Hours:
        if value in ("not_listed", "always"):
            return Hours(kind=HoursKind(value), timezone=timezone)
        if isinstance(value, str):
            self.problem(path, f"hours '{value}' should be not_listed, always, or a mapping of days to ranges.")
            return Hours(kind=HoursKind.NOT_LISTED, timezone=timezone)
        doc = self.mapping(value, path, set(_DAY_KEYS) | {"timezone", "note", "observes_holidays"})
        if "timezone" in doc:
            timezone = self.timezone(doc["timezone"], path + ("timezone",)) or timezone
        week: list[list[TimeRange]] = [[] for _ in WEEKDAYS]
        for key, spec in doc.items():
            if key not in _DAY_KEYS:
                continue
            for day in _DAY_KEYS[key]:
                week[day].extend(self.ranges(spec, path + (key,)))
        for day, ranges in enumerate(week):
            ranges.sort(key=lambda r: r.start)
            self.check_overlaps(day, ranges, week[(day + 1) % 7], path)
        observes = doc.get("observes_holidays", True)
        if not isinstance(observes, bool):
            self.problem(path + ("observes_holidays",), "observes_holidays should be true or false.")
            observes = True
        if not any(week):
            self.problem(path, "these hours open on no day; give at least one day, or write not_listed.")
        return Hours(
            kind=HoursKind.WEEKLY,
            timezone=timezone,
            weekly=tuple(tuple(r) for r in week),
            observes_holidays=observes,
            note=self.text(doc.get("note"), path + ("note",), required=False),
        )

    def ranges(self, spec: Any, path: YPath) -> list[TimeRange]:
        parts = spec if isinstance(spec, list) else str(spec).split(",")
        result = []
        for part in parts:
            match = RANGE.match(str(part))
            start = self.clock(match.group(1), path) if match else None
            end = self.clock(match.group(2), path) if match else None
            if not match:
                self.problem(path, f"'{part}' is not an hour range; write it like \"08:00-17:00\".")
            elif start is not None and end is not None:
                if start == end:
                    self.problem(path, f"range '{str(part).strip()}' opens and closes at the same minute.")
                else:
                    result.append(TimeRange(start, end))
        return result

    def clock(self, value: str, path: YPath) -> time | None:
        match = CLOCK.match(value)
        if not match or (match.group(1) == "24" and match.group(2) != "00"):
            self.problem(path, f"'{value}' is not a time of day; write 24-hour time like 08:30 or 17:00.")
            return None
        hour, minute = int(match.group(1)), int(match.group(2))
        return time(0, 0) if hour == 24 else time(hour, minute)

    def check_overlaps(self, day: int, ranges: list[TimeRange], next_day: list[TimeRange], path: YPath) -> None:
        def minutes(t: time) -> int:
            return t.hour * 60 + t.minute

        spans = [(minutes(r.start), minutes(r.end) + (1440 if r.crosses_midnight else 0)) for r in ranges]
        for (s1, e1), (s2, _) in zip(spans, spans[1:]):
            if s2 < e1:
                self.problem(path, f"hour ranges overlap on {WEEKDAYS[day].capitalize()}; make them separate.")
        spill = max((e - 1440 for _, e in spans if e > 1440), default=0)
        if spill and any(minutes(r.start) < spill for r in next_day):
            self.problem(path, f"a range crossing midnight on {WEEKDAYS[day].capitalize()} overlaps the next day's hours.")

    # -- holidays ------------------------------------------------------------

    def holidays(self, value: Any, path: YPath) -> HolidayCalendar:
        if value is None:
            return HolidayCalendar()
        doc = self.mapping(value, path, {"note", "rules"})
        rules = tuple(r for p, item in self.items(doc.get("rules"), path + ("rules",)) if (r := self.holiday(item, p)))
        return HolidayCalendar(rules=rules, note=self.text(doc.get("note"), path + ("note",), required=False))

    def holiday(self, value: Any, path: YPath) -> HolidayRule | None:
        doc = self.mapping(value, path, {"name", "month", "day", "weekday", "nth", "on", "offset_days", "observed", "closes_at"}, required=("name",))
        name = self.text(doc.get("name"), path + ("name",)) or "holiday"
        fixed = "day" in doc
        nth_weekday = "weekday" in doc or "nth" in doc
        one_off = "on" in doc
        if fixed + nth_weekday + one_off != 1:
            self.problem(path, f"holiday '{name}' needs exactly one of: month and day; month, weekday and nth; or on (a date).")
            return None
        rule: dict[str, Any] = {"name": name}
        if one_off:
            on = doc["on"]
            if isinstance(on, str):
                try:
                    on = date.fromisoformat(on)
                except ValueError:
                    pass
            if not isinstance(on, date):
                self.problem(path + ("on",), f"holiday '{name}': '{on}' is not a date; write YYYY-MM-DD.")
                return None
            rule["on"] = on
        else:
            month = doc.get("month")
            if not isinstance(month, int) or not 1 <= month <= 12:
                self.problem(path + ("month",), f"holiday '{name}': month should be a number from 1 to 12.")
                return None
            rule["month"] = month
            if fixed:
                day = doc.get("day")
                try:
                    date(2024, month, day)  # a leap year, so February 29 is allowed
                except (TypeError, ValueError):
                    self.problem(path + ("day",), f"holiday '{name}': day {day} does not exist in month {month}.")
                    return None
                rule["day"] = day
            else:
                weekday = str(doc.get("weekday", "")).lower()[:3]
                nth = doc.get("nth")
                if weekday not in WEEKDAYS:
                    self.problem(path + ("weekday",), f"holiday '{name}': weekday should be one of {', '.join(WEEKDAYS)}.")
                    return None
                if nth not in (1, 2, 3, 4, 5, -1):
                    self.problem(path + ("nth",), f"holiday '{name}': nth should be 1 to 5, or -1 for the last.")
                    return None
                rule["weekday"], rule["nth"] = WEEKDAYS.index(weekday), nth
        offset = doc.get("offset_days", 0)
        if not isinstance(offset, int) or isinstance(offset, bool):
            self.problem(path + ("offset_days",), f"holiday '{name}': offset_days should be a whole number of days.")
            return None
        rule["offset_days"] = offset
        observed = doc.get("observed", False)
        if not isinstance(observed, bool):
            self.problem(path + ("observed",), f"holiday '{name}': observed should be true or false.")
            return None
        rule["observed"] = observed
        if "closes_at" in doc:
            closes = self.clock(str(doc["closes_at"]), path + ("closes_at",))
            if closes is None:
                return None
            rule["closes_at"] = closes
        return HolidayRule(**rule)

    # -- search vocabulary and rules ----------------------------------------

    def synonyms(self, value: Any, path: YPath) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.problem(path, "synonyms should map a word to the list of words that mean it.")
            return ()
        result = []
        for canonical, variants in value.items():
            words = self.texts(variants, path + (str(canonical),))
            result.append((str(canonical).lower(), tuple(w.lower() for w in words)))
        return tuple(result)

    def rule(self, value: Any, path: YPath) -> Rule:
        doc = self.mapping(value, path, {"id", "description", "when", "route", "prefer", "alternatives", "note", "safety"}, required=("id", "description", "when"))
        rule_id = self.text(doc.get("id"), path + ("id",))
        when = self.mapping(doc.get("when") or {}, path + ("when",), {"phrases", "all_words", "topics", "channels", "open_now"})
        if not any(when.get(k) for k in ("phrases", "all_words", "topics")):
            self.problem(path + ("when",), f"rule '{rule_id}' needs phrases, all_words or topics, or it would match every question.")
        channels = self.texts(when.get("channels"), path + ("when", "channels"))
        for i, channel in enumerate(channels):
            if channel not in CHANNELS:
                self.problem(path + ("when", "channels", i), f"channel '{channel}' is not one of: {', '.join(CHANNELS)}.")
        topics = self.texts(when.get("topics"), path + ("when", "topics"))
        for i, topic in enumerate(topics):
            if topic not in self.topic_ids:
                self.problem(path + ("when", "topics", i), f"rule '{rule_id}' names topic '{topic}', which no contact has.")
        open_now: list[tuple[str, bool]] = []
        raw_open = when.get("open_now") or {}
        if not isinstance(raw_open, dict):
            self.problem(path + ("when", "open_now"), "open_now should map a contact id to true or false.")
            raw_open = {}
        for contact_id, wanted in raw_open.items():
            self.known_contact(str(contact_id), path + ("when", "open_now", str(contact_id)), rule_id)
            if not isinstance(wanted, bool):
                self.problem(path + ("when", "open_now", str(contact_id)), "open_now values should be true or false.")
            open_now.append((str(contact_id), bool(wanted)))
        route = self.text(doc.get("route"), path + ("route",), required=False)
        kinds = {k.value: k for k in ContactKind}
        prefer: list[ContactKind] = []
        for i, kind in enumerate(self.texts(doc.get("prefer"), path + ("prefer",))):
            if kind in kinds:
                prefer.append(kinds[kind])
            else:
                self.problem(path + ("prefer", i), f"prefer names kind '{kind}'; use one of: {', '.join(kinds)}.")
        if route and prefer:
            self.problem(path + ("prefer",), f"rule '{rule_id}' has both route and prefer; keep one.")
        alternatives = self.texts(doc.get("alternatives"), path + ("alternatives",))
        note = self.text(doc.get("note"), path + ("note",), required=False)
        if not (route or prefer or alternatives or note):
            self.problem(path, f"rule '{rule_id}' does nothing; give it route, prefer, alternatives or note.")
        if route:
            self.known_contact(route, path + ("route",), rule_id)
        for i, alt in enumerate(alternatives):
            self.known_contact(alt, path + ("alternatives", i), rule_id)
        safety = doc.get("safety", False)
        if not isinstance(safety, bool):
            self.problem(path + ("safety",), "safety should be true or false.")
        return Rule(
            id=rule_id,
            description=self.text(doc.get("description"), path + ("description",)),
            when=RuleCondition(
                phrases=tuple(p.lower() for p in self.texts(when.get("phrases"), path + ("when", "phrases"))),
                all_words=tuple(w.lower() for w in self.texts(when.get("all_words"), path + ("when", "all_words"))),
                topics=topics,
                channels=channels,
                open_now=tuple(open_now),
            ),
            route=route,
            prefer=tuple(prefer),
            alternatives=alternatives,
            note=note,
            safety=safety is True,
        )

    def known_contact(self, contact_id: str, path: YPath, rule_id: str) -> None:
        if contact_id not in self.contact_ids:
            self.problem(path, f"rule '{rule_id}' names contact '{contact_id}', which is not in the directory.")

    def group_id(self, value: Any, path: YPath) -> GroupIdFormat:
        doc = self.mapping(value, path, {"pattern", "description", "example"}, required=("pattern", "description", "example"))
        pattern = self.text(doc.get("pattern"), path + ("pattern",)) or r"^\d+$"
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            self.problem(path + ("pattern",), f"group_id pattern is not a valid regular expression ({exc}).")
            compiled = re.compile(r"^\d+$")
        example = self.text(doc.get("example"), path + ("example",))
        if example and not compiled.match(example):
            self.problem(path + ("example",), f"the example group ID '{example}' does not match the pattern.")
        return GroupIdFormat(pattern=pattern, description=self.text(doc.get("description"), path + ("description",)), example=example)

    def ivr(self, value: Any, path: YPath, contacts: tuple[Contact, ...]) -> IvrConfig:
        fields = ("line", "greeting", "menu_intro", "repeat_key", "language", "goodbye", "not_understood", "emergency")
        doc = self.mapping(value, path, set(fields) | {"max_failures"}, required=fields)
        values: dict[str, Callable[..., Any] | str] = {f: self.text(doc.get(f), path + (f,)) for f in fields}
        line = str(values["line"])
        used = {p.keys for c in contacts for p in c.phones if p.number == line and p.keys}
        if line and not used:
            self.problem(path + ("line",), f"no contact has a key option on {line}, so the phone menu would be empty.")
        if values["repeat_key"] in used:
            self.problem(path + ("repeat_key",), f"repeat_key {values['repeat_key']} is already a team's key on {line}.")
        max_failures = doc.get("max_failures", 2)
        if not isinstance(max_failures, int) or not 1 <= max_failures <= 5:
            self.problem(path + ("max_failures",), "max_failures should be a number from 1 to 5.")
            max_failures = 2
        return IvrConfig(max_failures=max_failures, **values)  # type: ignore[arg-type]


def _days() -> dict[str, tuple[int, ...]]:
    keys: dict[str, tuple[int, ...]] = {d: (i,) for i, d in enumerate(WEEKDAYS)}
    for i, first in enumerate(WEEKDAYS):
        for j in range(i + 1, 7):
            keys[f"{first}-{WEEKDAYS[j]}"] = tuple(range(i, j + 1))
    return keys


_DAY_KEYS = _days()


def _describe(path: YPath) -> str:
    named = [p for p in path if isinstance(p, str)]
    return f"'{named[-1]}'" if named else "the file"
