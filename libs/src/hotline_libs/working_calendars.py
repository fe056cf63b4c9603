"""The working-day calendars a service knows, in its own store.

Intake owns the calendars: an admin loads a coming year's official schedule there, and intake
publishes it (``contracts.intake.v1.WorkingCalendarYearLoaded``). Every other service keeps a
copy of each year in its own database (``keep_year``, registered as ``KeepCalendarYear`` in its
handlers), so its clocks count the same working days as intake's. Years are few: they are read
from the store for each use, so a year loaded through one replica counts at once on all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from pymongo.asynchronous.database import AsyncDatabase

from hotline_libs.mongo import keep_newer
from hotline_libs.shifts import DEFAULT_SHIFTS, ShiftTemplate
from hotline_libs.working_days import SiteCalendar, WorkingDays, YearSchedule, time_zone

Document = dict[str, Any]

CALENDAR_YEARS = "working_calendar_years"
"""One document per country and year loaded (``CN-2027``); the shipped years are not stored."""
SITE_PLACES = "site_places"
"""Where each site is: its country (whose calendar it keeps), its time zone and its shifts."""

DEFAULT_COUNTRY = "CN"
DEFAULT_TIME_ZONE = "Asia/Shanghai"


def year_id(country: str, year: int) -> str:
    return f"{country}-{year}"


def year_document(schedule: YearSchedule) -> Document:
    """A year's schedule as stored (dates as ISO strings: the store has no date-only type)."""
    return {
        "country": schedule.country,
        "year": schedule.year,
        "days_off": sorted(day.isoformat() for day in schedule.days_off),
        "working_weekends": sorted(day.isoformat() for day in schedule.working_weekends),
        "source": schedule.source,
    }


def year_from(document: Document) -> YearSchedule:
    return YearSchedule(
        country=document["country"],
        year=int(document["year"]),
        days_off=frozenset(date.fromisoformat(day) for day in document["days_off"]),
        working_weekends=frozenset(date.fromisoformat(day) for day in document["working_weekends"]),
        source=document["source"],
    )


@dataclass(frozen=True)
class SiteDay:
    """How a site's day is divided: its time zone and its shifts (for rosters)."""

    zone: str
    shifts: tuple[ShiftTemplate, ...]


class Calendars(Protocol):
    """What a use case needs to count working days at a site."""

    async def working_days(self, country: str) -> WorkingDays: ...

    async def for_site(self, site_id: str) -> SiteCalendar: ...

    async def day_of(self, site_id: str) -> SiteDay: ...

    async def keep_year(self, schedule: YearSchedule, loaded_at: datetime) -> bool: ...

    async def keep_site(
        self,
        site_id: str,
        country: str,
        zone: str,
        recorded_at: datetime,
        shifts: tuple[ShiftTemplate, ...] = (),
    ) -> bool: ...


class StoredCalendars:
    """The calendars in a service's own database: the shipped years plus the loaded ones."""

    def __init__(self, db: AsyncDatabase[Document], places: str = SITE_PLACES) -> None:
        """``places``: the collection whose documents (by site id) say each site's ``country``
        and ``time_zone``; intake reads its own sites."""
        self._years = db[CALENDAR_YEARS]
        self._places = db[places]

    async def working_days(self, country: str) -> WorkingDays:
        loaded = [year_from(d) async for d in self._years.find({"country": country})]
        return WorkingDays.of(country, loaded)

    async def for_site(self, site_id: str) -> SiteCalendar:
        """The site's calendar; a site not known here yet is taken to be in China."""
        place = await self._places.find_one({"_id": site_id}) or {}
        country = place.get("country", DEFAULT_COUNTRY)
        return SiteCalendar(
            await self.working_days(country),
            time_zone(place.get("time_zone", DEFAULT_TIME_ZONE)),
        )

    async def day_of(self, site_id: str) -> SiteDay:
        """The site's zone and shifts; a site not known here yet (or recorded before intake
        published shifts) works the manual's shifts in China's time."""
        place = await self._places.find_one({"_id": site_id}) or {}
        shifts = tuple(ShiftTemplate.from_text(s) for s in place.get("shifts") or [])
        return SiteDay(place.get("time_zone", DEFAULT_TIME_ZONE), shifts or DEFAULT_SHIFTS)

    async def keep_year(self, schedule: YearSchedule, loaded_at: datetime) -> bool:
        """Keep a year as loaded at ``loaded_at``, unless a later load of it is kept already
        (events of one year can arrive out of order); True when kept."""
        document = year_document(schedule) | {"loaded_at": loaded_at}
        key = year_id(schedule.country, schedule.year)
        return await keep_newer(self._years, key, "loaded_at", document)

    async def keep_site(
        self,
        site_id: str,
        country: str,
        zone: str,
        recorded_at: datetime,
        shifts: tuple[ShiftTemplate, ...] = (),
    ) -> bool:
        """Note where a site is and its shifts (from the directory intake publishes), unless a
        later record of it is kept already; True when kept."""
        place = {
            "country": country,
            "time_zone": zone,
            "shifts": [s.as_text() for s in shifts],
            "recorded_at": recorded_at,
        }
        return await keep_newer(self._places, site_id, "recorded_at", place)


@dataclass
class FixedCalendars:
    """One calendar for every site, in memory: for unit tests of the use cases."""

    calendar: SiteCalendar

    async def working_days(self, country: str) -> WorkingDays:
        return self.calendar.working_days

    async def for_site(self, site_id: str) -> SiteCalendar:
        return self.calendar

    async def keep_year(self, schedule: YearSchedule, loaded_at: datetime) -> bool:
        years = dict(self.calendar.working_days.years) | {schedule.year: schedule}
        self.calendar = SiteCalendar(
            WorkingDays(self.calendar.working_days.country, years), self.calendar.zone
        )
        return True

    async def day_of(self, site_id: str) -> SiteDay:
        return SiteDay(str(self.calendar.zone), DEFAULT_SHIFTS)

    async def keep_site(
        self,
        site_id: str,
        country: str,
        zone: str,
        recorded_at: datetime,
        shifts: tuple[ShiftTemplate, ...] = (),
    ) -> bool:
        return False  # one calendar for every site


@dataclass(frozen=True)
class KeepCalendarYear:
    """Keep a copy of a year intake loaded (every service registers this command)."""

    schedule: YearSchedule
    loaded_at: datetime
    causation_id: uuid.UUID | None = None


class HasCalendars(Protocol):
    calendars: Calendars


async def keep_calendar_year(command: KeepCalendarYear, uow: HasCalendars) -> bool:
    """The handler every service registers for ``KeepCalendarYear``: a redelivery or an older
    load changes nothing."""
    return await uow.calendars.keep_year(command.schedule, command.loaded_at)


@dataclass(frozen=True)
class KeepSitePlace:
    """Keep where a site is: its calendar's country, its time zone and its shifts (from
    intake)."""

    site_id: str
    country: str
    time_zone: str
    recorded_at: datetime
    causation_id: uuid.UUID | None = None
    shifts: tuple[ShiftTemplate, ...] = ()


async def keep_site_place(command: KeepSitePlace, uow: HasCalendars) -> bool:
    """The handler every service that counts a site's days registers for ``KeepSitePlace``:
    a redelivery or an older record changes nothing."""
    return await uow.calendars.keep_site(
        command.site_id, command.country, command.time_zone, command.recorded_at, command.shifts
    )
