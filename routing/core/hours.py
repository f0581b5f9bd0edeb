"""Whether a contact is open at an instant, when it closes or opens next, and how to say so.

Pure: the instant is always an argument. Weekly hours become real intervals in
the hours' own time zone, are adjusted for holidays, merged where they touch,
and compared as UTC instants so that daylight-saving days come out right.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from routing.core import i18n
from routing.core.holidays import year_table
from routing.core.i18n import _, ngettext, pgettext
from routing.core.model import HolidayCalendar, HolidayRule, Hours, HoursKind, TimeRange
from routing.core.wording import contracted

UTC = UTC
PACIFIC = "America/Los_Angeles"
PT = "PT"
HORIZON_DAYS = 400  # how far ahead to look for the next opening

_DAY = timedelta(days=1)
_HORIZON = timedelta(days=HORIZON_DAYS)
_NEVER_CLOSES = timedelta(days=HORIZON_DAYS - 2)  # an opening that runs this long reaches the search's edge
# Day and month names as each place says them, in the current language: a status line
# "Mon" (Spanish "el lunes"), the week's table "Mon" ("lun."), the phone menu "Monday".
# Literal calls, so the catalog has each one; called where a sentence is built.


def _status_days() -> tuple[str, ...]:
    return (
        pgettext("weekday in a status line", "Mon"), pgettext("weekday in a status line", "Tue"),
        pgettext("weekday in a status line", "Wed"), pgettext("weekday in a status line", "Thu"),
        pgettext("weekday in a status line", "Fri"), pgettext("weekday in a status line", "Sat"),
        pgettext("weekday in a status line", "Sun"),
    )  # fmt: skip


def _table_days() -> tuple[str, ...]:
    return (
        pgettext("weekday in a table of the week", "Mon"), pgettext("weekday in a table of the week", "Tue"),
        pgettext("weekday in a table of the week", "Wed"), pgettext("weekday in a table of the week", "Thu"),
        pgettext("weekday in a table of the week", "Fri"), pgettext("weekday in a table of the week", "Sat"),
        pgettext("weekday in a table of the week", "Sun"),
    )  # fmt: skip


def _status_months() -> tuple[str, ...]:
    return (
        pgettext("month in a status line", "Jan"), pgettext("month in a status line", "Feb"),
        pgettext("month in a status line", "Mar"), pgettext("month in a status line", "Apr"),
        pgettext("month in a status line", "May"), pgettext("month in a status line", "Jun"),
        pgettext("month in a status line", "Jul"), pgettext("month in a status line", "Aug"),
        pgettext("month in a status line", "Sep"), pgettext("month in a status line", "Oct"),
        pgettext("month in a status line", "Nov"), pgettext("month in a status line", "Dec"),
    )  # fmt: skip


def _spoken_days() -> tuple[str, ...]:
    return (
        pgettext("weekday, spoken", "Monday"), pgettext("weekday, spoken", "Tuesday"),
        pgettext("weekday, spoken", "Wednesday"), pgettext("weekday, spoken", "Thursday"),
        pgettext("weekday, spoken", "Friday"), pgettext("weekday, spoken", "Saturday"),
        pgettext("weekday, spoken", "Sunday"),
    )  # fmt: skip


def _spoken_months() -> tuple[str, ...]:
    return (
        pgettext("month, spoken", "January"), pgettext("month, spoken", "February"),
        pgettext("month, spoken", "March"), pgettext("month, spoken", "April"),
        pgettext("month, spoken", "May"), pgettext("month, spoken", "June"),
        pgettext("month, spoken", "July"), pgettext("month, spoken", "August"),
        pgettext("month, spoken", "September"), pgettext("month, spoken", "October"),
        pgettext("month, spoken", "November"), pgettext("month, spoken", "December"),
    )  # fmt: skip


Span = tuple[datetime, datetime]  # [start, end) as UTC instants


@dataclass(frozen=True)
class HoursStatus:
    open_now: bool | None  # None when the hours are not listed
    closes_at: datetime | None  # local time; set only while open
    next_open: datetime | None  # local time; set only while closed
    closed_for: str | None  # the holiday that explains today's closure or early close
    line: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "open_now": self.open_now,
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
            "next_open": self.next_open.isoformat() if self.next_open else None,
            "closed_for": self.closed_for,
            "line": self.line,
        }


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def to_local(hours: Hours, now: datetime) -> datetime:
    """``now`` on the clock of the hours' time zone."""
    return _utc(now).astimezone(zone(hours.timezone))


def status(hours: Hours, calendar: HolidayCalendar, now: datetime) -> HoursStatus:
    instant = _utc(now)
    if hours.kind is HoursKind.NOT_LISTED:
        return HoursStatus(None, None, None, None, _("Hours not listed"))
    if hours.kind is HoursKind.ALWAYS:
        return HoursStatus(True, None, None, None, _("Open 24/7"))

    tz = zone(hours.timezone)
    local = instant.astimezone(tz)
    today = local.date()
    closes_at: datetime | None = None
    next_open: datetime | None = None
    is_open = False
    last = today + _HORIZON
    if all(hours.weekly) and _covers_week(hours.weekly) and not _any_holiday(hours, calendar, today - _DAY, last):
        is_open = True  # never closes: skip walking the whole horizon
    elif any(hours.weekly):
        for start, end in _merged(_spans(hours, calendar, tz, today - _DAY, last)):
            if end <= instant:
                continue
            if start <= instant:
                is_open = True
                closes_at = end if end - instant < _NEVER_CLOSES else None
            else:
                next_open = start
            break

    rule = year_table(calendar, today.year).get(today) if hours.observes_holidays else None
    closed_for = _explained_by(rule, hours, tz, today, instant, is_open, closes_at)
    holiday = i18n.localized(rule, "name") if closed_for and rule is not None else closed_for
    closes_local = closes_at.astimezone(tz) if closes_at else None
    next_local = next_open.astimezone(tz) if next_open else None
    left = closes_at - instant if closes_at else None
    line = _line(hours, local, is_open, closes_local, left, next_local, holiday, rule)
    return HoursStatus(is_open, closes_local, next_local, holiday, line)


def describe_week(hours: Hours) -> str:
    """The regular week in one line, e.g. "Mon–Fri 8:00 AM–5:00 PM PT"."""
    if hours.kind is HoursKind.NOT_LISTED:
        return _("Hours not listed")
    if hours.kind is HoursKind.ALWAYS:
        return _("Open 24/7")
    groups: list[tuple[int, int, tuple[TimeRange, ...]]] = []
    for index, ranges in enumerate(hours.weekly):
        if groups and groups[-1][2] == ranges:
            groups[-1] = (groups[-1][0], index, ranges)
        else:
            groups.append((index, index, ranges))
    parts = [f"{_day_span(first, last)} {', '.join(_range_words(r) for r in ranges)}" for first, last, ranges in groups if ranges]
    if not parts:
        return _("No regular hours")
    zone_name = pgettext("time zone", "PT") if hours.timezone == PACIFIC else hours.timezone
    return pgettext("the week's hours, then the time zone", "%(days)s %(zone)s") % {"days": "; ".join(parts), "zone": zone_name}


def spoken_next_open(status: HoursStatus, now: datetime) -> str:
    """The next opening as a phone menu says it, e.g. "Monday at 8 AM Pacific"."""
    at = status.next_open
    if at is None:
        return ""
    today = _utc(now).astimezone(at.tzinfo).date()
    days = (at.date() - today).days
    clock = _clock(at.time()) if at.minute else _hour(at.hour)
    values = {
        "clock": clock,
        "zone": _spoken_zone(at.tzinfo),
        "weekday": _spoken_days()[at.weekday()],
        "month": _spoken_months()[at.month - 1],
        "day": at.day,
    }
    if days == 0:
        frame = pgettext("spoken", "today at %(clock)s %(zone)s")
    elif days == 1:
        frame = pgettext("spoken", "tomorrow at %(clock)s %(zone)s")
    elif 1 < days <= 6:
        frame = pgettext("spoken", "%(weekday)s at %(clock)s %(zone)s")
    else:
        frame = pgettext("spoken", "%(weekday)s, %(month)s %(day)s at %(clock)s %(zone)s")
    return contracted(frame % values)


# -- intervals ----------------------------------------------------------------


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"{now.isoformat()} has no UTC offset; pass a timezone-aware datetime.")
    return now.astimezone(UTC)


def _instant(day: date, clock: time, tz: tzinfo) -> datetime:
    # Converted to UTC at once: datetimes sharing one tzinfo compare by wall
    # clock, which is wrong across the fall-back hour.
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def _span(day: date, r: TimeRange, tz: tzinfo) -> Span:
    return _instant(day, r.start, tz), _instant(day + _DAY if r.crosses_midnight else day, r.end, tz)


def _spans(hours: Hours, calendar: HolidayCalendar, tz: tzinfo, first: date, last: date) -> Iterator[Span]:
    """Each day's ranges from ``first`` to ``last`` in start order, after holidays."""
    observes = hours.observes_holidays and bool(calendar.rules)
    table: Mapping[date, HolidayRule] = {}
    table_year = 0
    day = first
    while day <= last:
        ranges = hours.weekly[day.weekday()]
        if ranges:
            rule = None
            if observes:
                if day.year != table_year:
                    table_year, table = day.year, year_table(calendar, day.year)
                rule = table.get(day)
            if rule is None or rule.closes_at is not None:
                cut = _instant(day, rule.closes_at, tz) if rule is not None and rule.closes_at is not None else None
                for r in ranges:
                    start, end = _span(day, r, tz)
                    if cut is not None and cut < end:
                        end = cut
                    if start < end:
                        yield start, end
        day += _DAY


@lru_cache(maxsize=256)
def _covers_week(weekly: tuple[tuple[TimeRange, ...], ...]) -> bool:
    """Whether the ranges leave no gap anywhere in the week (by the wall clock)."""
    week = 7 * 1440
    pieces: list[tuple[int, int]] = []
    for index, ranges in enumerate(weekly):
        for r in ranges:
            start = index * 1440 + r.start.hour * 60 + r.start.minute
            length = (r.end.hour * 60 + r.end.minute - r.start.hour * 60 - r.start.minute) % 1440 or 1440
            pieces.append((start, start + length))
            if start + length > week:
                pieces.append((0, start + length - week))
    reached = 0
    for start, end in sorted(pieces):
        if start > reached:
            return False
        reached = max(reached, end)
    return reached >= week


def _any_holiday(hours: Hours, calendar: HolidayCalendar, first: date, last: date) -> bool:
    if not hours.observes_holidays:
        return False
    return any(first <= day <= last for year in range(first.year, last.year + 1) for day in year_table(calendar, year))


def _merged(spans: Iterator[Span]) -> Iterator[Span]:
    # 22:00–24:00 followed by 00:00–02:00 is one opening that closes at 02:00.
    current: Span | None = None
    for start, end in spans:
        if current is None:
            current = (start, end)
        elif start <= current[1]:
            current = (current[0], max(current[1], end))
        else:
            yield current
            current = (start, end)
    if current is not None:
        yield current


def _explained_by(
    rule: HolidayRule | None,
    hours: Hours,
    tz: tzinfo,
    today: date,
    instant: datetime,
    is_open: bool,
    closes_at: datetime | None,
) -> str | None:
    ranges = hours.weekly[today.weekday()]
    if rule is None or not ranges:
        return None
    if rule.closes_at is None:
        # Open now on a holiday means last night's hours are still running.
        return None if is_open else rule.name
    cut = _instant(today, rule.closes_at, tz)
    if not any(_span(today, r, tz)[1] > cut for r in ranges):
        return None  # the early close is no earlier than the usual one
    if is_open:
        return rule.name if closes_at == cut else None
    return rule.name if instant >= cut else None


# -- words --------------------------------------------------------------------


def _line(
    hours: Hours,
    local: datetime,
    is_open: bool,
    closes_at: datetime | None,
    left: timedelta | None,  # from UTC instants: subtracting local wall clocks is wrong across DST
    next_open: datetime | None,
    closed_for: str | None,
    rule: HolidayRule | None,
) -> str:
    today = local.date()
    if is_open:
        if closes_at is None or left is None:
            return _("Open now")
        values = {"when": _when(hours, closes_at, today, closing=True), "left": _duration(left), "holiday": closed_for}
        if closed_for:
            return _("Open now · closes early %(when)s for %(holiday)s (%(left)s)") % values
        return _("Open now · closes %(when)s (%(left)s)") % values
    head = _("Closed")
    if closed_for:
        early = rule is not None and rule.closes_at is not None
        head = (_("Closed early for %(holiday)s") if early else _("Closed for %(holiday)s")) % {"holiday": closed_for}
    if next_open is None:
        return head
    return _("%(status)s · opens %(when)s") % {"status": head, "when": _when(hours, next_open, today)}


def _when(hours: Hours, at: datetime, today: date, closing: bool = False) -> str:
    days = (at.date() - today).days
    values = {
        "clock": _clock(at.time()),
        "zone": _zone_label(hours.timezone, at),
        "weekday": _status_days()[at.weekday()],
        "month": _status_months()[at.month - 1],
        "day": at.day,
    }
    if closing and (days == 0 or (days == 1 and at.time() == time(0, 0))):
        frame = pgettext("closing", "%(clock)s %(zone)s")  # "closes 12:00 AM" tonight is the end of today, not tomorrow
    elif days == 0:
        frame = _("today %(clock)s %(zone)s")
    elif days == 1:
        frame = _("tomorrow %(clock)s %(zone)s")
    elif 1 < days <= 6:
        frame = _("%(weekday)s %(clock)s %(zone)s")
    else:
        frame = _("%(weekday)s %(month)s %(day)s %(clock)s %(zone)s")
    return contracted(frame % values)


def _zone_label(name: str, at: datetime) -> str:
    return pgettext("time zone", "PT") if name == PACIFIC else (at.tzname() or name)


def _spoken_zone(tz: tzinfo | None) -> str:
    key = getattr(tz, "key", "") or ""
    if key == PACIFIC:
        return pgettext("time zone, spoken", "Pacific")
    if not key:
        return pgettext("time zone, spoken", "local time")
    return pgettext("time zone, spoken", "%(place)s time") % {"place": key.rsplit("/", 1)[-1].replace("_", " ")}


def _duration(left: timedelta) -> str:
    minutes = max(1, -(-int(left.total_seconds()) // 60))  # round up: 30 s left is "1 min"
    hours, mins = divmod(minutes, 60)
    values = {"minutes": mins, "hours": hours}
    if hours >= 24:
        days, hours = divmod(hours, 24)
        values |= {"days": days, "hours": hours}
        if hours:
            return ngettext("in %(days)d day %(hours)d h", "in %(days)d days %(hours)d h", days) % values
        return ngettext("in %(days)d day", "in %(days)d days", days) % values
    if not hours:
        return _("in %(minutes)d min") % values
    return (_("in %(hours)d h %(minutes)d min") if mins else _("in %(hours)d h")) % values


def _clock(value: time) -> str:
    values = {"hour": _hour12(value.hour), "minute": value.minute}
    return (_("%(hour)d:%(minute)02d AM") if value.hour < 12 else _("%(hour)d:%(minute)02d PM")) % values


def _hour(hour: int) -> str:
    """An hour on the dot, as it is said: "8 AM"."""
    return (_("%(hour)d AM") if hour < 12 else _("%(hour)d PM")) % {"hour": _hour12(hour)}


def _hour12(hour: int) -> int:
    return hour % 12 or 12


def _range_words(r: TimeRange) -> str:
    if r.start == r.end == time(0, 0):
        return _("24 hours")
    return f"{_clock(r.start)}–{_clock(r.end)}"


def _day_span(first: int, last: int) -> str:
    days = _table_days()
    return days[first] if first == last else f"{days[first]}–{days[last]}"
