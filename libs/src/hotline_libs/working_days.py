"""Working days on a site's statutory calendar: holidays and swapped working weekends (调休).

Every clock of the business counted in working days (a consultation reply promised within 3
working days, the callback due 2 working days after completion, a site's changed information
reported within 3 working days) counts them here, on the calendar of the site's country.

China publishes each coming year's schedule in a State Council notice, each November or
December; the ``chinese_calendar`` package ships it some weeks later. Until then an admin loads
the notice's dates through intake's API (a ``YearSchedule``), intake publishes them and every
service keeps a copy. A date in a year neither source knows raises ``CalendarYearUnknown``: a
deadline is never guessed on a Monday-Friday week that the notice may contradict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar
from chinese_calendar import constants as chinese_constants

from hotline_libs.errors import Conflict, RuleViolation

CHINA = "CN"
MAX_WORKING_DAYS = 366
"""The longest span in working days any rule of the business counts (a year)."""


class CalendarYearUnknown(Conflict):
    """A working day was asked for in a year whose official schedule is not loaded."""

    def __init__(self, country: str, year: int) -> None:
        super().__init__(
            f"the working-day calendar of {country} has no schedule for {year}: an admin loads "
            f"the official notice with PUT /working-calendars/{country}/{year}",
            field="calendar",
        )
        self.country = country
        self.year = year


class InvalidSchedule(RuleViolation):
    """A year's schedule contradicts itself or its year."""


@dataclass(frozen=True)
class YearSchedule:
    """One year of a country's official calendar, as its government published it.

    ``days_off`` are the weekdays (Monday-Friday) that are public holidays; ``working_weekends``
    the Saturdays and Sundays worked instead (调休). Every other weekday is worked, every other
    weekend day is not.
    """

    country: str
    year: int
    days_off: frozenset[date]
    working_weekends: frozenset[date]
    source: str
    """Where the dates come from: the notice's title and number, or the package that shipped
    them."""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z]{2}", self.country):
            raise InvalidSchedule(
                f"country {self.country!r} is not an ISO 3166 code such as CN", field="country"
            )
        for name, days in (
            ("days_off", self.days_off),
            ("working_weekends", self.working_weekends),
        ):
            strays = sorted(day for day in days if day.year != self.year)
            if strays:
                raise InvalidSchedule(
                    f"{name} lists {strays[0].isoformat()}, which is not in {self.year}",
                    field=name,
                )
        both = sorted(self.days_off & self.working_weekends)
        if both:
            raise InvalidSchedule(
                f"{both[0].isoformat()} is both a day off and a working weekend day",
                field="working_weekends",
            )
        weekdays = sorted(day for day in self.working_weekends if day.weekday() < 5)
        if weekdays:
            raise InvalidSchedule(
                f"working_weekends lists {weekdays[0].isoformat()}, a "
                f"{weekdays[0].strftime('%A')}: only Saturdays and Sundays are swapped",
                field="working_weekends",
            )

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.days_off


def chinese_calendar_years() -> dict[int, YearSchedule]:
    """The years the installed ``chinese_calendar`` package knows, as schedules."""
    years = sorted({day.year for day in chinese_constants.holidays})
    shipped = f"chinese_calendar {getattr(chinese_calendar, '__version__', '')}".strip()
    return {
        year: YearSchedule(
            country=CHINA,
            year=year,
            days_off=frozenset(
                day for day in chinese_constants.holidays if day.year == year and day.weekday() < 5
            ),
            working_weekends=frozenset(
                day for day in chinese_constants.workdays if day.year == year
            ),
            source=shipped,
        )
        for year in years
    }


_BUILT_IN: dict[str, dict[int, YearSchedule]] = {}


def built_in_years(country: str) -> dict[int, YearSchedule]:
    """The schedules this installation ships for ``country`` (China's, from its package)."""
    if country != CHINA:
        return {}
    if CHINA not in _BUILT_IN:
        _BUILT_IN[CHINA] = chinese_calendar_years()
    return _BUILT_IN[CHINA]


@dataclass(frozen=True)
class WorkingDays:
    """The working days of one country: the shipped years, overridden by the loaded ones."""

    country: str
    years: Mapping[int, YearSchedule] = field(default_factory=dict)

    @classmethod
    def of(cls, country: str, loaded: Iterable[YearSchedule] = ()) -> WorkingDays:
        """The calendar of ``country``; a loaded year replaces the shipped one (a correction)."""
        years = dict(built_in_years(country))
        years.update({s.year: s for s in loaded if s.country == country})
        return cls(country, years)

    def schedule(self, year: int) -> YearSchedule:
        try:
            return self.years[year]
        except KeyError:
            raise CalendarYearUnknown(self.country, year) from None

    def knows(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is worked; ``CalendarYearUnknown`` if its year is not loaded."""
        return self.schedule(day.year).is_working_day(day)

    def add(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself does not count); with 0,
        ``start`` if it is worked, else the next working day."""
        if not 0 <= days <= MAX_WORKING_DAYS:
            raise RuleViolation(f"working days must be 0 to {MAX_WORKING_DAYS}, got {days}")
        current = start
        if days == 0:
            while not self.is_working_day(current):
                current += timedelta(days=1)
            return current
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def add_or_assume(self, start: date, days: int) -> tuple[date, bool]:
        """``add``, for a clock that must start even when the span runs into a year not loaded:
        that year is counted Monday to Friday, and the second value says so (True), for the
        record to be flagged and the date recomputed once the year is loaded."""
        try:
            return self.add(start, days), False
        except CalendarYearUnknown:
            years = {start.year + n for n in range(3)} - set(self.years)
            assumed = {
                year: YearSchedule(self.country, year, frozenset(), frozenset(), "assumed")
                for year in years
            }
            return WorkingDays(self.country, {**self.years, **assumed}).add(start, days), True

    def count(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end`` <= ``start``):
        how late something due on ``start`` is when done on ``end``."""
        days = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                days += 1
        return days


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ``RuleViolation`` naming it if there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuleViolation(
            f"time_zone {name!r} is not an IANA time zone such as Asia/Shanghai", field="time_zone"
        ) from None


@dataclass(frozen=True)
class SiteCalendar:
    """A site's working days in its own time zone: where a deadline in working days lands."""

    working_days: WorkingDays
    zone: ZoneInfo

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def after_working_days(self, moment: datetime, days: int) -> datetime:
        """The same time of day, ``days`` working days after ``moment``'s local day: a promise
        made on a Saturday morning for 1 working day is due on Monday morning (or on the
        swapped Sunday worked instead)."""
        local = moment.astimezone(self.zone)
        due_day = self.working_days.add(local.date(), days)
        return datetime.combine(due_day, local.timetz().replace(tzinfo=None), tzinfo=self.zone)

    def end_of_working_day(self, moment: datetime, days: int) -> datetime:
        """Midnight after the ``days``-th working day after ``moment``'s local day."""
        due_day = self.working_days.add(self.local_day(moment), days)
        return datetime.combine(due_day + timedelta(days=1), time(0), tzinfo=self.zone)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The local ``day`` as [start, end) in ``zone`` (a day of 23 or 25 hours where the clocks
    change): what a site's daily record covers."""
    return (
        datetime.combine(day, time(0), tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone),
    )


def month_bounds(month: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The month ``YYYY-MM`` as [start, end) in ``zone``: what a site's monthly report covers."""
    first = date.fromisoformat(f"{month}-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(following, time(0), tzinfo=zone),
    )


def month_of(value: str) -> str:
    """``YYYY-MM`` checked (a month of this century), or a problem naming ``month``."""
    try:
        first = date.fromisoformat(f"{value}-01")
    except ValueError:
        raise RuleViolation(f"month {value!r} is not YYYY-MM", field="month") from None
    if not 2000 <= first.year <= 2099 or len(value) != 7:
        raise RuleViolation(f"month {value!r} is not a month of this century", field="month")
    return value


def next_month(month: str) -> str:
    """The month after ``YYYY-MM``."""
    first = date.fromisoformat(f"{month}-01")
    return (first + timedelta(days=32)).replace(day=1).strftime("%Y-%m")
