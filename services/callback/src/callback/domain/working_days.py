"""Deadlines in working days, on the site's statutory calendar (法定节假日 and 调休)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SITE_TIME_ZONE = ZoneInfo("Asia/Shanghai")


class WorkingDayCalendar(Protocol):
    """The statutory calendar of the site's country, with holidays and swapped working weekends."""

    def is_working_day(self, day: date) -> bool: ...


def add_working_days(start: date, days: int, calendar: WorkingDayCalendar) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def end_of_day(day: date) -> datetime:
    """The moment ``day`` ends at the site (midnight after it, site time)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SITE_TIME_ZONE)


def site_day(moment: datetime) -> date:
    """The site's calendar day of ``moment``."""
    return moment.astimezone(SITE_TIME_ZONE).date()
