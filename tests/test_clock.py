"""The clock's one parser: ISO-8601 instants with an offset, within the years hours can be evaluated."""

from __future__ import annotations

import pytest

from routing.core.hours import status
from routing.core.instants import parse_instant
from routing.core.model import Directory
from routing.errors import BadInstant


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31T23:59:59-14:00",  # overflowed into year 10000: a 500 before fuzzing found it
        "9999-12-25T10:00:00-08:00",  # the week ahead of it overflowed
        "0001-01-01T00:00:00+14:00",  # the day before it overflowed
        "1555-06-04T23:37:14-04:51",  # Pacific time was LMT, -07:52:58: not an RFC 3339 offset
        "3000-01-01T00:00:00Z",
        "1899-12-31T23:59:59Z",
    ],
)
def test_an_instant_outside_the_years_is_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(BadInstant, match="outside the years 1900 to 2999"):
        parse_instant(text)


@pytest.mark.parametrize("text", ["1900-01-01T00:00:00+14:00", "2999-12-31T23:59:59-14:00", "2026-11-23T10:00:00-08:00"])
def test_hours_can_be_evaluated_at_either_end_of_the_years(text: str, directory: Directory) -> None:
    instant = parse_instant(text)
    for contact in directory.contacts:
        status(contact.hours, directory.holidays, instant)


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-11-23T10:00:00"])
def test_what_is_not_an_instant_with_an_offset_is_refused(text: str) -> None:
    with pytest.raises(BadInstant):
        parse_instant(text)
