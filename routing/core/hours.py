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

from routing.core.holidays import year_table
from routing.core.model import HolidayCalendar, HolidayRule, Hours, HoursKind, TimeRange

UTC = UTC
PACIFIC = "America/Los_Angeles"
PT = "PT"
HORIZON_DAYS = 400  # how far ahead to look for the next opening

_DAY = timedelta(days=1)
_HORIZON = timedelta(days=HORIZON_DAYS)
_NEVER_CLOSES = timedelta(days=HORIZON_DAYS - 2)  # an opening that runs this long reaches the search's edge
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
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
        return HoursStatus(None, None, None, None, "Hours not listed")
    if hours.kind is HoursKind.ALWAYS:
        return HoursStatus(True, None, None, None, "Open 24/7")

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
    closes_local = closes_at.astimezone(tz) if closes_at else None
    next_local = next_open.astimezone(tz) if next_open else None
    left = closes_at - instant if closes_at else None
    line = _line(hours, local, is_open, closes_local, left, next_local, closed_for, rule)
    return HoursStatus(is_open, closes_local, next_local, closed_for, line)


def describe_week(hours: Hours) -> str:
    """The regular week in one line, e.g. "Mon–Fri 8:00 AM–5:00 PM PT"."""
    if hours.kind is HoursKind.NOT_LISTED:
        return "Hours not listed"
    if hours.kind is HoursKind.ALWAYS:
        return "Open 24/7"
    groups: list[tuple[int, int, tuple[TimeRange, ...]]] = []
    for index, ranges in enumerate(hours.weekly):
        if groups and groups[-1][2] == ranges:
            groups[-1] = (groups[-1][0], index, ranges)
        else:
            groups.append((index, index, ranges))
    parts = [f"{_day_span(first, last)} {', '.join(_range_words(r) for r in ranges)}" for first, last, ranges in groups if ranges]
    if not parts:
        return "No regular hours"
    return f"{'; '.join(parts)} {PT if hours.timezone == PACIFIC else hours.timezone}"


def spoken_next_open(status: HoursStatus, now: datetime) -> str:
    """The next opening as a phone menu says it, e.g. "Monday at 8 AM Pacific"."""
    at = status.next_open
    if at is None:
        return ""
    today = _utc(now).astimezone(at.tzinfo).date()
    days = (at.date() - today).days
    if days == 0:
        day = "today"
    elif days == 1:
        day = "tomorrow"
    elif 1 < days <= 6:
        day = _DAY_NAMES[at.weekday()]
    else:
        day = f"{_DAY_NAMES[at.weekday()]}, {_MONTH_NAMES[at.month - 1]} {at.day}"
    clock = f"{_hour12(at.hour)}" + (f":{at.minute:02d}" if at.minute else "") + f" {_meridiem(at.hour)}"
    return f"{day} at {clock} {_spoken_zone(at.tzinfo)}"


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
            return "Open now"
        until = _duration(left)
        when = _when(hours, closes_at, today, closing=True)
        if closed_for:
            return f"Open now · closes early {when} for {closed_for} ({until})"
        return f"Open now · closes {when} ({until})"
    head = "Closed"
    if closed_for:
        early = rule is not None and rule.closes_at is not None
        head = f"Closed early for {closed_for}" if early else f"Closed for {closed_for}"
    if next_open is None:
        return head
    return f"{head} · opens {_when(hours, next_open, today)}"


def _when(hours: Hours, at: datetime, today: date, closing: bool = False) -> str:
    days = (at.date() - today).days
    if closing and (days == 0 or (days == 1 and at.time() == time(0, 0))):
        day = ""  # "closes 12:00 AM" tonight is the end of today, not tomorrow
    elif days == 0:
        day = "today "
    elif days == 1:
        day = "tomorrow "
    elif 1 < days <= 6:
        day = f"{_DAY_ABBR[at.weekday()]} "
    else:
        day = f"{_DAY_ABBR[at.weekday()]} {_MONTH_ABBR[at.month - 1]} {at.day} "
    return f"{day}{_clock(at.time())} {_zone_label(hours.timezone, at)}"


def _zone_label(name: str, at: datetime) -> str:
    return PT if name == PACIFIC else (at.tzname() or name)


def _spoken_zone(tz: tzinfo | None) -> str:
    key = getattr(tz, "key", "") or ""
    if key == PACIFIC:
        return "Pacific"
    return f"{key.rsplit('/', 1)[-1].replace('_', ' ')} time" if key else "local time"


def _duration(left: timedelta) -> str:
    minutes = max(1, -(-int(left.total_seconds()) // 60))  # round up: 30 s left is "1 min"
    hours, mins = divmod(minutes, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return f"in {days} day{'s' if days > 1 else ''}" + (f" {hours} h" if hours else "")
    if not hours:
        return f"in {mins} min"
    return f"in {hours} h" + (f" {mins} min" if mins else "")


def _clock(value: time) -> str:
    return f"{_hour12(value.hour)}:{value.minute:02d} {_meridiem(value.hour)}"


def _hour12(hour: int) -> int:
    return hour % 12 or 12


def _meridiem(hour: int) -> str:
    return "AM" if hour < 12 else "PM"


def _range_words(r: TimeRange) -> str:
    if r.start == r.end == time(0, 0):
        return "24 hours"
    return f"{_clock(r.start)}–{_clock(r.end)}"


def _day_span(first: int, last: int) -> str:
    return _DAY_ABBR[first] if first == last else f"{_DAY_ABBR[first]}–{_DAY_ABBR[last]}"
