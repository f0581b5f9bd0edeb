"""A US business-holiday calendar for tests, built directly rather than loaded from YAML."""

from __future__ import annotations

from datetime import date, time

from routing.core.model import HolidayCalendar, HolidayRule

MON, THU = 0, 3

NEW_YEAR = HolidayRule("New Year's Day", month=1, day=1, observed=True)
MLK = HolidayRule("Martin Luther King Jr. Day", month=1, weekday=MON, nth=3)
PRESIDENTS = HolidayRule("Presidents' Day", month=2, weekday=MON, nth=3)
MEMORIAL = HolidayRule("Memorial Day", month=5, weekday=MON, nth=-1)
INDEPENDENCE = HolidayRule("Independence Day", month=7, day=4, observed=True)
LABOR = HolidayRule("Labor Day", month=9, weekday=MON, nth=1)
THANKSGIVING = HolidayRule("Thanksgiving Day", month=11, weekday=THU, nth=4)
DAY_AFTER = HolidayRule("Day after Thanksgiving", month=11, weekday=THU, nth=4, offset_days=1)
# Listed before Christmas Day on purpose: when Christmas is observed on the
# 24th, the full closure must still win over this early close.
CHRISTMAS_EVE = HolidayRule("Christmas Eve", month=12, day=24, closes_at=time(12, 0))
CHRISTMAS = HolidayRule("Christmas Day", month=12, day=25, observed=True)
OFFICE_MOVE = HolidayRule("Office move", on=date(2026, 6, 15))

US = HolidayCalendar(
    rules=(NEW_YEAR, MLK, PRESIDENTS, MEMORIAL, INDEPENDENCE, LABOR, THANKSGIVING, DAY_AFTER, CHRISTMAS_EVE, CHRISTMAS, OFFICE_MOVE)
)
