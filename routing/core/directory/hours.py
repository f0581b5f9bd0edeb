"""Checking opening hours and the holiday calendar."""

from __future__ import annotations

import contextlib
import itertools
from datetime import date, time
from typing import Any

from routing.core.directory.reader import CLOCK, RANGE, TRANSLATED, Reader
from routing.core.model import (
    WEEKDAYS,
    HolidayCalendar,
    HolidayRule,
    Hours,
    HoursKind,
    TimeRange,
)
from routing.core.yaml_source import Path as YPath


class HoursChecks(Reader):
    def hours(self, value: Any, path: YPath, timezone: str) -> Hours:
        """The hours at ``path``; equal hours that checked clean are read once and shared (most teams keep the same hours)."""
        key = (timezone, _frozen(value))
        shared = self.shared_hours.get(key)
        if shared is not None:
            return shared
        before = len(self.problems)
        hours = self._hours(value, path, timezone)
        if len(self.problems) == before:  # a problem names its own path: hours with one are read afresh every time
            self.shared_hours[key] = hours
        return hours

    def _hours(self, value: Any, path: YPath, timezone: str) -> Hours:
        if value in ("not_listed", "always"):
            return Hours(kind=HoursKind(value), timezone=timezone)
        if isinstance(value, str):
            self.problem(path, f"hours '{value}' should be not_listed, always, or a mapping of days to ranges.")
            return Hours(kind=HoursKind.NOT_LISTED, timezone=timezone)
        doc = self.mapping(value, path, set(_DAY_KEYS) | {"timezone", "note", "observes_holidays", *TRANSLATED})
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
        note = self.text(doc.get("note"), path + ("note",), required=False)
        return Hours(
            kind=HoursKind.WEEKLY,
            timezone=timezone,
            weekly=tuple(tuple(r) for r in week),
            observes_holidays=observes,
            note=note,
            translations=self.translations(doc, path, "these hours", {"note": note}),
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
        for (_, e1), (s2, _) in itertools.pairwise(spans):
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
        doc = self.mapping(value, path, {"name", "month", "day", "weekday", "nth", "on", "offset_days", "observed", "closes_at", *TRANSLATED}, required=("name",))
        name = self.text(doc.get("name"), path + ("name",)) or "holiday"
        fixed = "day" in doc
        nth_weekday = "weekday" in doc or "nth" in doc
        one_off = "on" in doc
        if fixed + nth_weekday + one_off != 1:
            self.problem(path, f"holiday '{name}' needs exactly one of: month and day; month, weekday and nth; or on (a date).")
            return None
        rule: dict[str, Any] = {"name": name, "translations": self.translations(doc, path, f"holiday '{name}'", {"name": name})}
        if one_off:
            on = doc["on"]
            if isinstance(on, str):
                with contextlib.suppress(ValueError):
                    on = date.fromisoformat(on)
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
                    date(2024, month, day if isinstance(day, int) else 0)  # a leap year, so February 29 is allowed
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


def _frozen(value: Any) -> object:
    """A hashable copy of a YAML value that keeps types apart (true is not 1, "8" is not 8)."""
    if isinstance(value, dict):
        return ("map", tuple((_frozen(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", tuple(_frozen(v) for v in value))
    return (type(value).__name__, value)


def _days() -> dict[str, tuple[int, ...]]:
    keys: dict[str, tuple[int, ...]] = {d: (i,) for i, d in enumerate(WEEKDAYS)}
    for i, first in enumerate(WEEKDAYS):
        for j in range(i + 1, 7):
            keys[f"{first}-{WEEKDAYS[j]}"] = tuple(range(i, j + 1))
    return keys


_DAY_KEYS = _days()
