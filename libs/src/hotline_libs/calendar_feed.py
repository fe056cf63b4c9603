"""The inbound mapper every service subscribes with to keep intake's working-day calendars:
``WorkingCalendarYearLoaded`` → ``KeepCalendarYear`` (kept apart from ``working_calendars`` so
that service layers, which use the calendars, never import a contract)."""

from __future__ import annotations

from contracts.intake.v1 import SiteRecorded, WorkingCalendarYearLoaded

from hotline_libs.shifts import ShiftTemplate
from hotline_libs.working_calendars import KeepCalendarYear, KeepSitePlace
from hotline_libs.working_days import YearSchedule


def calendar_year_loaded(event: WorkingCalendarYearLoaded) -> KeepCalendarYear:
    """The inbound mapper every service subscribes with: intake's event → ``KeepCalendarYear``."""
    loaded = event.payload
    return KeepCalendarYear(
        YearSchedule(
            country=loaded.country,
            year=loaded.year,
            days_off=frozenset(loaded.days_off),
            working_weekends=frozenset(loaded.working_weekends),
            source=loaded.source,
        ),
        loaded_at=loaded.loaded_at,
        causation_id=event.event_id,
    )


def site_recorded(event: SiteRecorded) -> KeepSitePlace:
    """Intake's record of a site → where it is, for counting its working days, and its
    shifts, for rostering."""
    return KeepSitePlace(
        site_id=event.site_id,
        country=event.payload.country,
        time_zone=event.payload.time_zone,
        recorded_at=event.payload.recorded_at,
        causation_id=event.event_id,
        shifts=tuple(ShiftTemplate.from_text(s.model_dump()) for s in event.payload.shifts),
    )
