"""Which local dates the holiday calendar closes, or closes early.

Pure: a calendar and a year in, dates out. Each (calendar, year) is worked
out once and remembered, so asking about one day is a dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from routing.core.memo import remembered
from routing.core.model import HolidayCalendar, HolidayRule

_DAY = timedelta(days=1)


def closure_on(calendar: HolidayCalendar, day: date) -> HolidayRule | None:
    """The rule that closes (or, with ``closes_at``, closes early) on ``day``, if any."""
    return year_table(calendar, day.year).get(day)


def holidays_in(calendar: HolidayCalendar, year: int) -> list[tuple[date, HolidayRule]]:
    """Every closure that falls in ``year``, in date order."""
    return sorted(year_table(calendar, year).items(), key=lambda item: item[0])


# Memo keyed by the calendar's identity: hashing a frozen calendar walks every
# rule, which costs more than the lookup it would serve. Each entry holds the
# calendar itself, so its id cannot be reused while the entry lives.
_MEMO: dict[int, tuple[HolidayCalendar, dict[int, Mapping[date, HolidayRule]]]] = {}
_MEMO_LIMIT = 64  # calendars, and years per calendar


def year_table(calendar: HolidayCalendar, year: int) -> Mapping[date, HolidayRule]:
    """Date → rule for one year, worked out once; treat the result as read-only (it is shared)."""
    entry = _MEMO.get(id(calendar))
    if entry is None or entry[0] is not calendar:
        if len(_MEMO) >= _MEMO_LIMIT:
            _MEMO.clear()
        entry = _MEMO[id(calendar)] = (calendar, {})
    return remembered(entry[1], year, _MEMO_LIMIT, lambda: _build(calendar, year))


def _build(calendar: HolidayCalendar, year: int) -> Mapping[date, HolidayRule]:
    table: dict[date, HolidayRule] = {}
    for rule in calendar.rules:
        for day in _dates_in(rule, year):
            held = table.get(day)
            if held is None or _outranks(rule, held):
                table[day] = rule
    return table


def rule_date(rule: HolidayRule, year: int) -> date | None:
    """The day ``rule`` names when computed from ``year``, after offset and observed shifting.

    The result may land in another year (New Year's Day observed on December 31);
    one-off rules ignore ``year``. None when the day does not exist that year.
    """
    if rule.on is not None:
        base: date | None = rule.on
    elif rule.month is not None and rule.day is not None:
        try:
            base = date(year, rule.month, rule.day)
        except ValueError:  # February 29 outside a leap year
            base = None
    elif rule.month is not None and rule.weekday is not None and rule.nth is not None:
        base = _nth_weekday(year, rule.month, rule.weekday, rule.nth)
    else:
        base = None
    if base is None:
        return None
    day = base + timedelta(days=rule.offset_days)
    if rule.observed:
        if day.weekday() == 5:
            day -= _DAY
        elif day.weekday() == 6:
            day += _DAY
    return day


def _dates_in(rule: HolidayRule, year: int) -> set[date]:
    # Offsets and observed shifting can carry a neighbouring year's date across
    # the boundary, so look one year either side.
    bases = (year,) if rule.on is not None else (year - 1, year, year + 1)
    return {d for b in bases if (d := rule_date(rule, b)) is not None and d.year == year}


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    if nth == -1:
        last = (date(year + month // 12, month % 12 + 1, 1)) - _DAY
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    if nth < 1:
        return None
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else None


def _outranks(rule: HolidayRule, held: HolidayRule) -> bool:
    # Two rules on one date: a full closure beats an early close, and the
    # earlier early close beats a later one; otherwise the first listed stays.
    if held.closes_at is None:
        return False
    if rule.closes_at is None:
        return True
    return rule.closes_at < held.closes_at
