"""The holiday calendar: which local dates close, after nth-weekday, offsets and observed shifting."""

from __future__ import annotations

from datetime import date, time

import pytest
from us_calendar import CHRISTMAS_EVE, US

from routing.core.holidays import closure_on, holidays_in, rule_date, year_table
from routing.core.model import HolidayCalendar, HolidayRule


@pytest.mark.parametrize(
    ("day", "closed_for"),
    [
        ("2026-01-01", "New Year's Day"),
        ("2026-01-19", "Martin Luther King Jr. Day"),
        ("2026-02-16", "Presidents' Day"),
        ("2026-05-25", "Memorial Day"),
        ("2026-06-15", "Office move"),
        ("2026-07-03", "Independence Day"),  # July 4, 2026 is a Saturday
        ("2026-07-04", None),
        ("2026-09-07", "Labor Day"),
        ("2026-11-23", None),
        ("2026-11-26", "Thanksgiving Day"),
        ("2026-11-27", "Day after Thanksgiving"),
        ("2026-12-24", "Christmas Eve"),
        ("2026-12-25", "Christmas Day"),
        ("2027-05-31", "Memorial Day"),  # the last Monday is also the 31st
        ("2027-05-24", None),
        ("2027-06-15", None),  # a one-off does not repeat
        ("2027-07-04", None),  # a Sunday: observed on Monday
        ("2027-07-05", "Independence Day"),
        ("2027-11-25", "Thanksgiving Day"),
        ("2027-11-26", "Day after Thanksgiving"),
        ("2027-12-24", "Christmas Day"),  # Saturday's Christmas observed on Friday beats the early close
        ("2027-12-25", None),
        ("2027-12-31", "New Year's Day"),  # New Year 2028 is a Saturday
        ("2028-01-01", None),
        ("2028-01-17", "Martin Luther King Jr. Day"),
    ],
)
def test_closure_on(day, closed_for):
    rule = closure_on(US, date.fromisoformat(day))
    assert (rule.name if rule else None) == closed_for


def test_an_early_close_is_returned_with_its_closing_time():
    assert closure_on(US, date(2026, 12, 24)) == CHRISTMAS_EVE
    assert CHRISTMAS_EVE.closes_at == time(12, 0)


def test_holidays_in_a_year_are_sorted_and_complete():
    assert [(d.isoformat(), rule.name) for d, rule in holidays_in(US, 2026)] == [
        ("2026-01-01", "New Year's Day"),
        ("2026-01-19", "Martin Luther King Jr. Day"),
        ("2026-02-16", "Presidents' Day"),
        ("2026-05-25", "Memorial Day"),
        ("2026-06-15", "Office move"),
        ("2026-07-03", "Independence Day"),
        ("2026-09-07", "Labor Day"),
        ("2026-11-26", "Thanksgiving Day"),
        ("2026-11-27", "Day after Thanksgiving"),
        ("2026-12-24", "Christmas Eve"),
        ("2026-12-25", "Christmas Day"),
    ]


def test_new_year_observed_in_the_previous_year_belongs_to_that_year():
    closing_2027 = holidays_in(US, 2027)
    assert (date(2027, 12, 31), closure_on(US, date(2027, 12, 31))) == closing_2027[-1]
    assert next(d for d, _ in holidays_in(US, 2028)) == date(2028, 1, 17)  # no January 1 in 2028


def test_sunday_observed_can_roll_into_the_next_year():
    eve = HolidayRule("New Year's Eve", month=12, day=31, observed=True)
    calendar = HolidayCalendar(rules=(eve,))
    assert rule_date(eve, 2028) == date(2029, 1, 1)  # December 31, 2028 is a Sunday
    assert closure_on(calendar, date(2029, 1, 1)) == eve
    assert closure_on(calendar, date(2028, 12, 31)) is None
    assert holidays_in(calendar, 2028) == []


def test_offset_can_cross_the_year_boundary():
    eve = HolidayRule("New Year's Eve", month=1, day=1, offset_days=-1)
    calendar = HolidayCalendar(rules=(eve,))
    assert holidays_in(calendar, 2026) == [(date(2026, 12, 31), eve)]


@pytest.mark.parametrize(
    ("rule", "year", "expected"),
    [
        (HolidayRule("Last Fri of Jan", month=1, weekday=4, nth=-1), 2026, date(2026, 1, 30)),
        (HolidayRule("Last Sat of Jan", month=1, weekday=5, nth=-1), 2026, date(2026, 1, 31)),
        (HolidayRule("Last Mon of Dec", month=12, weekday=0, nth=-1), 2026, date(2026, 12, 28)),
        (HolidayRule("1st Thu of Jan", month=1, weekday=3, nth=1), 2026, date(2026, 1, 1)),
        (HolidayRule("5th Fri of Jan", month=1, weekday=4, nth=5), 2026, date(2026, 1, 30)),
        (HolidayRule("5th Mon of Feb", month=2, weekday=0, nth=5), 2026, None),
        (HolidayRule("Leap day", month=2, day=29), 2026, None),
        (HolidayRule("Leap day", month=2, day=29), 2028, date(2028, 2, 29)),
        (HolidayRule("Saturday one-off, observed", on=date(2026, 8, 1), observed=True), 2026, date(2026, 7, 31)),
    ],
)
def test_rule_date(rule, year, expected):
    assert rule_date(rule, year) == expected


def test_two_early_closes_on_one_day_keep_the_earlier():
    late = HolidayRule("Late", on=date(2026, 3, 3), closes_at=time(15, 0))
    early = HolidayRule("Early", on=date(2026, 3, 3), closes_at=time(12, 0))
    assert closure_on(HolidayCalendar(rules=(late, early)), date(2026, 3, 3)) == early
    full = HolidayRule("Full", on=date(2026, 3, 3))
    assert closure_on(HolidayCalendar(rules=(full, early)), date(2026, 3, 3)) == full


def test_empty_calendar_closes_nothing():
    assert closure_on(HolidayCalendar(), date(2026, 12, 25)) is None
    assert holidays_in(HolidayCalendar(), 2026) == []


def test_each_year_is_worked_out_once():
    assert year_table(US, 2031) is year_table(US, 2031)


def test_an_equal_calendar_built_again_gives_the_same_answers():
    rebuilt = HolidayCalendar(rules=tuple(US.rules))
    assert rebuilt is not US
    assert holidays_in(rebuilt, 2027) == holidays_in(US, 2027)
