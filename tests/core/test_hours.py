"""Open or closed at an instant, what closes or opens next, and the words a user sees."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from us_calendar import US

from routing.core.hours import HoursStatus, describe_week, spoken_next_open, status, to_local
from routing.core.model import HolidayCalendar, HolidayRule, Hours, HoursKind, TimeRange

LA = "America/Los_Angeles"
NO_HOLIDAYS = HolidayCalendar()


def span(text: str) -> TimeRange:
    start, end = text.split("-")
    return TimeRange(time.fromisoformat(start), time(0, 0) if end == "24:00" else time.fromisoformat(end))


def weekly(*days: str, zone: str = LA, observes_holidays: bool = True) -> Hours:
    """Seven strings, Monday first; each a comma-separated list of ranges, or "" for closed."""
    assert len(days) == 7
    ranges = tuple(tuple(span(s) for s in day.split(",")) if day else () for day in days)
    return Hours(HoursKind.WEEKLY, zone, weekly=ranges, observes_holidays=observes_holidays)


OFFICE = weekly(*["08:00-17:00"] * 5, "", "")
SPLIT = weekly(*["08:00-12:00,13:00-17:00"] * 5, "", "")
HALF_PAST = weekly(*["08:30-17:00"] * 5, "", "")
MONDAYS = weekly("08:00-17:00", "", "", "", "", "", "")
FRIDAY_NIGHT = weekly("", "", "", "", "22:00-02:00", "", "")
LATE_SHIFT = weekly("", "", "", "", "16:00-24:00", "", "")
MIDNIGHT_SEAM = weekly("", "", "", "", "22:00-24:00", "00:00-02:00", "")
WEDNESDAY_NIGHT = weekly("", "", "22:00-02:00", "", "", "", "")
ROUND_THE_CLOCK = weekly(*["00:00-00:00"] * 7)
SATURDAY_NIGHT = weekly("", "", "", "", "", "22:00-06:00", "")
NEW_YORK = weekly(*["09:00-17:00"] * 5, "", "", zone="America/New_York")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def seen(hours: Hours, now: str, calendar: HolidayCalendar = US) -> tuple:
    shown = status(hours, calendar, at(now)).as_dict()
    return shown["open_now"], shown["closes_at"], shown["next_open"], shown["line"]


@pytest.mark.parametrize(
    ("now", "open_now", "closes_at", "next_open", "line"),
    [
        ("2026-11-16T07:59:00-08:00", False, None, "2026-11-16T08:00:00-08:00", "Closed · opens today 8:00 AM PT"),
        ("2026-11-16T08:00:00-08:00", True, "2026-11-16T17:00:00-08:00", None, "Open now · closes 5:00 PM PT (in 9 h)"),
        ("2026-11-16T14:50:00-08:00", True, "2026-11-16T17:00:00-08:00", None, "Open now · closes 5:00 PM PT (in 2 h 10 min)"),
        ("2026-11-16T16:15:00-08:00", True, "2026-11-16T17:00:00-08:00", None, "Open now · closes 5:00 PM PT (in 45 min)"),
        ("2026-11-16T16:59:00-08:00", True, "2026-11-16T17:00:00-08:00", None, "Open now · closes 5:00 PM PT (in 1 min)"),
        ("2026-11-16T16:59:30-08:00", True, "2026-11-16T17:00:00-08:00", None, "Open now · closes 5:00 PM PT (in 1 min)"),
        ("2026-11-16T17:00:00-08:00", False, None, "2026-11-17T08:00:00-08:00", "Closed · opens tomorrow 8:00 AM PT"),
        ("2026-11-20T17:00:00-08:00", False, None, "2026-11-23T08:00:00-08:00", "Closed · opens Mon 8:00 AM PT"),
        ("2026-11-21T12:00:00-08:00", False, None, "2026-11-23T08:00:00-08:00", "Closed · opens Mon 8:00 AM PT"),
        ("2026-11-22T12:00:00-08:00", False, None, "2026-11-23T08:00:00-08:00", "Closed · opens tomorrow 8:00 AM PT"),
    ],
)
def test_weekday_office(now, open_now, closes_at, next_open, line):
    assert seen(OFFICE, now) == (open_now, closes_at, next_open, line)


@pytest.mark.parametrize(
    ("now", "open_now", "closes_at", "next_open", "line"),
    [
        # Spring forward (Sunday 2026-03-08): Friday evening PST, Monday morning PDT.
        ("2026-03-06T17:30:00-08:00", False, None, "2026-03-09T08:00:00-07:00", "Closed · opens Mon 8:00 AM PT"),
        ("2026-03-08T12:00:00-07:00", False, None, "2026-03-09T08:00:00-07:00", "Closed · opens tomorrow 8:00 AM PT"),
        ("2026-03-09T07:59:00-07:00", False, None, "2026-03-09T08:00:00-07:00", "Closed · opens today 8:00 AM PT"),
        ("2026-03-09T15:00:00+00:00", True, "2026-03-09T17:00:00-07:00", None, "Open now · closes 5:00 PM PT (in 9 h)"),
        ("2026-03-09T20:30:00+05:30", True, "2026-03-09T17:00:00-07:00", None, "Open now · closes 5:00 PM PT (in 9 h)"),
        ("2026-03-09T14:59:00+00:00", False, None, "2026-03-09T08:00:00-07:00", "Closed · opens today 8:00 AM PT"),
        # Fall back (Sunday 2026-11-01): Friday evening PDT, Monday morning PST.
        ("2026-10-30T17:30:00-07:00", False, None, "2026-11-02T08:00:00-08:00", "Closed · opens Mon 8:00 AM PT"),
        ("2026-11-02T16:00:00+00:00", True, "2026-11-02T17:00:00-08:00", None, "Open now · closes 5:00 PM PT (in 9 h)"),
        ("2026-11-02T15:59:00Z", False, None, "2026-11-02T08:00:00-08:00", "Closed · opens today 8:00 AM PT"),
    ],
)
def test_daylight_saving(now, open_now, closes_at, next_open, line):
    assert seen(OFFICE, now) == (open_now, closes_at, next_open, line)


@pytest.mark.parametrize(
    ("now", "closes_in"),
    [
        # 01:30 happens twice on 2026-11-01; the shift ends at 06:00 PST either way.
        ("2026-11-01T01:30:00-07:00", "in 5 h 30 min"),
        ("2026-11-01T01:30:00-08:00", "in 4 h 30 min"),
        ("2026-10-31T23:00:00-07:00", "in 8 h"),  # seven hours by the wall clock, eight really
    ],
)
def test_overnight_shift_across_fall_back(now, closes_in):
    open_now, closes_at, next_open, line = seen(SATURDAY_NIGHT, now)
    assert (open_now, closes_at, next_open) == (True, "2026-11-01T06:00:00-08:00", None)
    assert line.endswith(f"6:00 AM PT ({closes_in})")


def test_wall_clock_with_fold_is_the_same_instant_as_its_offset():
    second = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo(LA))
    assert status(SATURDAY_NIGHT, US, second) == status(SATURDAY_NIGHT, US, at("2026-11-01T09:30:00+00:00"))
    assert status(SATURDAY_NIGHT, US, second).line == "Open now · closes 6:00 AM PT (in 4 h 30 min)"


@pytest.mark.parametrize(
    "pacific",
    ["2026-03-06T17:30:00-08:00", "2026-03-09T08:00:00-07:00", "2026-11-26T10:00:00-08:00", "2026-12-24T11:00:00-08:00", "2026-11-20T23:00:00-08:00"],
)
@pytest.mark.parametrize("offset", ["+00:00", "+05:30", "-05:00", "+14:00"])
@pytest.mark.parametrize("hours", [OFFICE, SPLIT, FRIDAY_NIGHT], ids=["office", "split", "night"])
def test_any_offset_gives_the_pacific_answer(pacific, offset, hours):
    sign = -1 if offset[0] == "-" else 1
    zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    elsewhere = at(pacific).astimezone(zone)
    assert status(hours, US, elsewhere) == status(hours, US, at(pacific))


@pytest.mark.parametrize(
    ("now", "open_now", "closes_at", "next_open", "closed_for", "line"),
    [
        ("2026-11-26T10:00:00-08:00", False, None, "2026-11-30T08:00:00-08:00", "Thanksgiving Day", "Closed for Thanksgiving Day · opens Mon 8:00 AM PT"),
        ("2026-11-26T06:00:00-08:00", False, None, "2026-11-30T08:00:00-08:00", "Thanksgiving Day", "Closed for Thanksgiving Day · opens Mon 8:00 AM PT"),
        ("2026-11-25T17:30:00-08:00", False, None, "2026-11-30T08:00:00-08:00", None, "Closed · opens Mon 8:00 AM PT"),
        ("2026-11-27T09:00:00-08:00", False, None, "2026-11-30T08:00:00-08:00", "Day after Thanksgiving", "Closed for Day after Thanksgiving · opens Mon 8:00 AM PT"),
        ("2027-12-24T10:00:00-08:00", False, None, "2027-12-27T08:00:00-08:00", "Christmas Day", "Closed for Christmas Day · opens Mon 8:00 AM PT"),
        ("2027-12-23T17:00:00-08:00", False, None, "2027-12-27T08:00:00-08:00", None, "Closed · opens Mon 8:00 AM PT"),
        ("2027-12-31T10:00:00-08:00", False, None, "2028-01-03T08:00:00-08:00", "New Year's Day", "Closed for New Year's Day · opens Mon 8:00 AM PT"),
        ("2027-07-05T10:00:00-07:00", False, None, "2027-07-06T08:00:00-07:00", "Independence Day", "Closed for Independence Day · opens tomorrow 8:00 AM PT"),
        ("2027-07-02T10:00:00-07:00", True, "2027-07-02T17:00:00-07:00", None, None, "Open now · closes 5:00 PM PT (in 7 h)"),
        ("2026-06-15T10:00:00-07:00", False, None, "2026-06-16T08:00:00-07:00", "Office move", "Closed for Office move · opens tomorrow 8:00 AM PT"),
        # Christmas Eve 2026 is a Thursday that closes at noon; Christmas Day is the Friday.
        ("2026-12-24T07:00:00-08:00", False, None, "2026-12-24T08:00:00-08:00", None, "Closed · opens today 8:00 AM PT"),
        ("2026-12-24T11:00:00-08:00", True, "2026-12-24T12:00:00-08:00", None, "Christmas Eve", "Open now · closes early 12:00 PM PT for Christmas Eve (in 1 h)"),
        ("2026-12-24T11:59:00-08:00", True, "2026-12-24T12:00:00-08:00", None, "Christmas Eve", "Open now · closes early 12:00 PM PT for Christmas Eve (in 1 min)"),
        ("2026-12-24T12:00:00-08:00", False, None, "2026-12-28T08:00:00-08:00", "Christmas Eve", "Closed early for Christmas Eve · opens Mon 8:00 AM PT"),
        ("2026-12-24T20:00:00-08:00", False, None, "2026-12-28T08:00:00-08:00", "Christmas Eve", "Closed early for Christmas Eve · opens Mon 8:00 AM PT"),
    ],
)
def test_holidays_close_the_office(now, open_now, closes_at, next_open, closed_for, line):
    found = status(OFFICE, US, at(now))
    assert (found.open_now, found.as_dict()["closes_at"], found.as_dict()["next_open"], found.closed_for, found.line) == (
        open_now,
        closes_at,
        next_open,
        closed_for,
        line,
    )


def test_hours_that_ignore_holidays_stay_open():
    ignoring = weekly(*["08:00-17:00"] * 5, "", "", observes_holidays=False)
    assert seen(ignoring, "2026-11-26T10:00:00-08:00") == (True, "2026-11-26T17:00:00-08:00", None, "Open now · closes 5:00 PM PT (in 7 h)")
    assert status(ignoring, US, at("2026-11-26T10:00:00-08:00")).closed_for is None


def test_an_early_close_later_than_the_usual_close_is_not_early():
    evening = HolidayCalendar(rules=(HolidayRule("Late night", month=12, day=24, closes_at=time(20, 0)),))
    found = status(OFFICE, evening, at("2026-12-24T16:00:00-08:00"))
    assert (found.closed_for, found.line) == (None, "Open now · closes 5:00 PM PT (in 1 h)")


@pytest.mark.parametrize(
    ("now", "open_now", "closes_at", "next_open", "line"),
    [
        ("2026-11-16T11:00:00-08:00", True, "2026-11-16T12:00:00-08:00", None, "Open now · closes 12:00 PM PT (in 1 h)"),
        ("2026-11-16T12:00:00-08:00", False, None, "2026-11-16T13:00:00-08:00", "Closed · opens today 1:00 PM PT"),
        ("2026-11-16T12:30:00-08:00", False, None, "2026-11-16T13:00:00-08:00", "Closed · opens today 1:00 PM PT"),
        ("2026-11-16T13:00:00-08:00", True, "2026-11-16T17:00:00-08:00", None, "Open now · closes 5:00 PM PT (in 4 h)"),
    ],
)
def test_a_day_with_a_lunch_break(now, open_now, closes_at, next_open, line):
    assert seen(SPLIT, now) == (open_now, closes_at, next_open, line)


@pytest.mark.parametrize(
    ("hours", "now", "open_now", "closes_at", "next_open", "line"),
    [
        (FRIDAY_NIGHT, "2026-11-20T21:59:00-08:00", False, None, "2026-11-20T22:00:00-08:00", "Closed · opens today 10:00 PM PT"),
        (FRIDAY_NIGHT, "2026-11-20T23:00:00-08:00", True, "2026-11-21T02:00:00-08:00", None, "Open now · closes tomorrow 2:00 AM PT (in 3 h)"),
        (FRIDAY_NIGHT, "2026-11-21T01:00:00-08:00", True, "2026-11-21T02:00:00-08:00", None, "Open now · closes 2:00 AM PT (in 1 h)"),
        (FRIDAY_NIGHT, "2026-11-21T02:00:00-08:00", False, None, "2026-11-27T22:00:00-08:00", "Closed · opens Fri 10:00 PM PT"),
        # 22:00–24:00 on Friday and 00:00–02:00 on Saturday are one opening.
        (MIDNIGHT_SEAM, "2026-11-20T23:00:00-08:00", True, "2026-11-21T02:00:00-08:00", None, "Open now · closes tomorrow 2:00 AM PT (in 3 h)"),
        (MIDNIGHT_SEAM, "2026-11-20T23:59:59-08:00", True, "2026-11-21T02:00:00-08:00", None, "Open now · closes tomorrow 2:00 AM PT (in 2 h 1 min)"),
        (MIDNIGHT_SEAM, "2026-11-21T00:00:00-08:00", True, "2026-11-21T02:00:00-08:00", None, "Open now · closes 2:00 AM PT (in 2 h)"),
        (MIDNIGHT_SEAM, "2026-11-21T02:00:00-08:00", False, None, "2026-11-27T22:00:00-08:00", "Closed · opens Fri 10:00 PM PT"),
        (ROUND_THE_CLOCK, "2026-11-23T10:00:00-08:00", True, None, None, "Open now"),
        (LATE_SHIFT, "2026-11-20T22:00:00-08:00", True, "2026-11-21T00:00:00-08:00", None, "Open now · closes 12:00 AM PT (in 2 h)"),
    ],
)
def test_overnight_ranges(hours, now, open_now, closes_at, next_open, line):
    assert seen(hours, now, NO_HOLIDAYS) == (open_now, closes_at, next_open, line)


def test_a_holiday_removes_the_overnight_range_that_starts_on_it():
    # Friday 2026-11-27 is the day after Thanksgiving; the next Friday night is December 4.
    assert seen(FRIDAY_NIGHT, "2026-11-21T02:00:00-08:00") == (False, None, "2026-12-04T22:00:00-08:00", "Closed · opens Fri Dec 4 10:00 PM PT")


def test_last_nights_range_still_runs_into_a_holiday_morning():
    found = status(WEDNESDAY_NIGHT, US, at("2026-11-26T01:00:00-08:00"))
    assert (found.open_now, found.closed_for, found.line) == (True, None, "Open now · closes 2:00 AM PT (in 1 h)")


def test_round_the_clock_weekly_hours_close_for_the_next_holiday():
    assert seen(ROUND_THE_CLOCK, "2026-11-23T10:00:00-08:00") == (
        True,
        "2026-11-26T00:00:00-08:00",
        None,
        "Open now · closes Thu 12:00 AM PT (in 2 days 14 h)",
    )


@pytest.mark.parametrize(
    ("now", "next_open", "line"),
    [
        ("2026-11-16T18:00:00-08:00", "2026-11-23T08:00:00-08:00", "Closed · opens Mon Nov 23 8:00 AM PT"),
        ("2026-12-28T18:00:00-08:00", "2027-01-04T08:00:00-08:00", "Closed · opens Mon Jan 4 8:00 AM PT"),
    ],
)
def test_an_opening_a_week_or_more_away_names_the_date(now, next_open, line):
    assert seen(MONDAYS, now, NO_HOLIDAYS) == (False, None, next_open, line)


def test_other_zones_use_their_abbreviation_at_that_instant():
    assert seen(NEW_YORK, "2026-11-16T18:00:00-05:00") == (False, None, "2026-11-17T09:00:00-05:00", "Closed · opens tomorrow 9:00 AM EST")
    assert seen(NEW_YORK, "2026-07-13T10:00:00-04:00")[3] == "Open now · closes 5:00 PM EDT (in 7 h)"


def test_weekly_hours_with_no_ranges_never_open():
    never = weekly("", "", "", "", "", "", "")
    assert seen(never, "2026-11-16T10:00:00-08:00") == (False, None, None, "Closed")


def test_not_listed():
    hours = Hours(HoursKind.NOT_LISTED, LA)
    found = status(hours, US, at("2026-11-16T10:00:00-08:00"))
    assert found == HoursStatus(None, None, None, None, "Hours not listed")
    assert found.as_dict() == {"open_now": None, "closes_at": None, "next_open": None, "closed_for": None, "line": "Hours not listed"}


def test_always_open_even_on_holidays():
    hours = Hours(HoursKind.ALWAYS, LA)
    assert status(hours, US, at("2026-12-25T03:00:00-08:00")) == HoursStatus(True, None, None, None, "Open 24/7")


@pytest.mark.parametrize("hours", [OFFICE, Hours(HoursKind.ALWAYS, LA), Hours(HoursKind.NOT_LISTED, LA)], ids=["weekly", "always", "not-listed"])
def test_naive_datetime_is_refused(hours):
    with pytest.raises(ValueError, match="no UTC offset"):
        status(hours, US, datetime(2026, 11, 16, 10, 0))


def test_to_local():
    local = to_local(OFFICE, at("2026-03-09T15:00:00+00:00"))
    assert local.isoformat() == "2026-03-09T08:00:00-07:00"
    with pytest.raises(ValueError):
        to_local(OFFICE, datetime(2026, 3, 9, 15, 0))


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (OFFICE, "Mon–Fri 8:00 AM–5:00 PM PT"),
        (HALF_PAST, "Mon–Fri 8:30 AM–5:00 PM PT"),
        (SPLIT, "Mon–Fri 8:00 AM–12:00 PM, 1:00 PM–5:00 PM PT"),
        (
            weekly("08:00-12:00,13:00-17:00", *["08:00-17:00"] * 4, "09:00-13:00", ""),
            "Mon 8:00 AM–12:00 PM, 1:00 PM–5:00 PM; Tue–Fri 8:00 AM–5:00 PM; Sat 9:00 AM–1:00 PM PT",
        ),
        (weekly("08:00-17:00", "", "08:00-17:00", "", "", "", ""), "Mon 8:00 AM–5:00 PM; Wed 8:00 AM–5:00 PM PT"),
        (FRIDAY_NIGHT, "Fri 10:00 PM–2:00 AM PT"),
        (MIDNIGHT_SEAM, "Fri 10:00 PM–12:00 AM; Sat 12:00 AM–2:00 AM PT"),
        (ROUND_THE_CLOCK, "Mon–Sun 24 hours PT"),
        (NEW_YORK, "Mon–Fri 9:00 AM–5:00 PM America/New_York"),
        (weekly("", "", "", "", "", "", ""), "No regular hours"),
        (Hours(HoursKind.ALWAYS, LA), "Open 24/7"),
        (Hours(HoursKind.NOT_LISTED, LA), "Hours not listed"),
    ],
)
def test_describe_week(hours, text):
    assert describe_week(hours) == text


@pytest.mark.parametrize(
    ("hours", "now", "spoken"),
    [
        (OFFICE, "2026-11-20T17:00:00-08:00", "Monday at 8 AM Pacific"),
        (OFFICE, "2026-11-21T01:00:00+00:00", "Monday at 8 AM Pacific"),  # Friday 5 PM Pacific, given in UTC
        (OFFICE, "2026-11-16T17:00:00-08:00", "tomorrow at 8 AM Pacific"),
        (HALF_PAST, "2026-11-16T07:00:00-08:00", "today at 8:30 AM Pacific"),
        (SPLIT, "2026-11-16T12:30:00-08:00", "today at 1 PM Pacific"),
        (OFFICE, "2026-11-26T10:00:00-08:00", "Monday at 8 AM Pacific"),
        (MONDAYS, "2026-12-28T18:00:00-08:00", "Monday, January 4 at 8 AM Pacific"),
        (NEW_YORK, "2026-11-16T18:00:00-05:00", "tomorrow at 9 AM New York time"),
        (OFFICE, "2026-11-16T10:00:00-08:00", ""),  # open: nothing to announce
        (Hours(HoursKind.NOT_LISTED, LA), "2026-11-16T10:00:00-08:00", ""),
    ],
)
def test_spoken_next_open(hours, now, spoken):
    calendar = NO_HOLIDAYS if hours is MONDAYS else US
    assert spoken_next_open(status(hours, calendar, at(now)), at(now)) == spoken


def test_weekly_hours_that_cover_every_minute_never_close_without_holidays():
    shifts = weekly(*["00:00-12:00,12:00-24:00"] * 7)
    assert seen(shifts, "2026-11-23T10:00:00-08:00", NO_HOLIDAYS) == (True, None, None, "Open now")
    overnight = weekly(*["06:00-06:00"] * 7)  # each day's span runs to the next morning
    assert seen(overnight, "2026-11-23T03:00:00-08:00", NO_HOLIDAYS) == (True, None, None, "Open now")
    gap = weekly(*["00:00-23:59"] * 7)
    assert seen(gap, "2026-11-23T10:00:00-08:00", NO_HOLIDAYS) == (True, "2026-11-23T23:59:00-08:00", None, "Open now · closes 11:59 PM PT (in 13 h 59 min)")


# -- in Spanish -------------------------------------------------------------------------------------


@pytest.fixture
def spanish():
    from routing.core import i18n
    from routing.store import catalogs

    catalogs.install_all()
    with i18n.speaking("es"):
        yield


@pytest.mark.parametrize(
    ("hours", "now", "line"),
    [
        (OFFICE, "2026-11-28T10:00:00-08:00", "Cerrado · abre el lunes a las 8:00 a. m., hora del Pacífico"),
        (OFFICE, "2026-11-23T07:00:00-08:00", "Cerrado · abre hoy a las 8:00 a. m., hora del Pacífico"),
        (OFFICE, "2026-11-23T18:00:00-08:00", "Cerrado · abre mañana a las 8:00 a. m., hora del Pacífico"),
        (OFFICE, "2026-11-23T10:00:00-08:00", "Abierto ahora · cierra a las 5:00 p. m., hora del Pacífico (en 7 h)"),
        (OFFICE, "2026-11-23T16:30:00-08:00", "Abierto ahora · cierra a las 5:00 p. m., hora del Pacífico (en 30 min)"),
        # A holiday says which, in Spanish, and the next opening skips it.
        (OFFICE, "2026-11-26T10:00:00-08:00", "Cerrado por feriado (Día de Acción de Gracias) · abre el lunes a las 8:00 a. m., hora del Pacífico"),
        # "a la 1", not "a las 1".
        (weekly(*["13:00-17:00"] * 5, "", ""), "2026-11-23T10:00:00-08:00", "Cerrado · abre hoy a la 1:00 p. m., hora del Pacífico"),
        (MONDAYS, "2026-12-01T10:00:00-08:00", "Cerrado · abre el lunes 14 de diciembre a las 8:00 a. m., hora del Pacífico"),
        (OFFICE, "2026-12-24T10:00:00-08:00", "Abierto ahora · cierra temprano por feriado (Nochebuena) a las 12:00 p. m., hora del Pacífico (en 2 h)"),
    ],
)
def test_status_lines_read_naturally_in_spanish(spanish, hours, now, line):
    from datetime import date

    from routing.core.directory import load
    from routing.settings import ROOT

    # The real directory's holidays, with their Spanish names, and two of a test's own.
    real = load(ROOT / "directory.yaml").holidays
    extra = (
        HolidayRule(name="Office closure", on=date(2026, 12, 7), translations={"es": {"name": "Cierre de la oficina"}}),
        HolidayRule(name="Christmas Eve", month=12, day=24, closes_at=time(12, 0), translations={"es": {"name": "Nochebuena"}}),
    )
    holidays = HolidayCalendar(rules=real.rules + extra)
    assert status(hours, holidays, at(now)).line == line


def test_the_week_and_the_phone_menu_speak_spanish(spanish):
    assert describe_week(OFFICE) == "lun.–vie. 8:00 a. m.–5:00 p. m., hora del Pacífico"
    assert describe_week(ROUND_THE_CLOCK) == "lun.–dom. 24 horas, hora del Pacífico"
    assert describe_week(Hours(HoursKind.ALWAYS, LA)) == "Abierto 24/7"
    assert describe_week(Hours(HoursKind.NOT_LISTED, LA)) == "Horario no indicado"
    saturday = at("2026-11-28T10:00:00-08:00")
    assert spoken_next_open(status(OFFICE, NO_HOLIDAYS, saturday), saturday) == "el lunes a las 8 a. m., hora del Pacífico"
    assert spoken_next_open(status(HALF_PAST, NO_HOLIDAYS, saturday), saturday) == "el lunes a las 8:30 a. m., hora del Pacífico"
    assert spoken_next_open(status(NEW_YORK, NO_HOLIDAYS, saturday), saturday) == "el lunes a las 9 a. m., hora de New York"


def test_english_lines_are_unchanged_beside_spanish(spanish):
    from routing.core import i18n

    saturday = at("2026-11-28T10:00:00-08:00")
    with i18n.speaking("en"):
        assert status(OFFICE, NO_HOLIDAYS, saturday).line == "Closed · opens Mon 8:00 AM PT"
        assert describe_week(OFFICE) == "Mon–Fri 8:00 AM–5:00 PM PT"
