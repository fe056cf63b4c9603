"""What intake's directory publishes for the other services to keep (``intake.directory``)."""

from __future__ import annotations

from typing import Any

from contracts.intake import v1
from hotline_libs.ids import derive_id, event_id
from hotline_libs.unit_of_work import EventContext

from contracts import Event
from intake.domain import events
from intake.domain.working_calendar import WorkingCalendarYear

PRODUCER = "intake"
EVERY_SITE = "*"


def to_integration(
    year: WorkingCalendarYear, event: Any, context: EventContext
) -> Event[Any] | None:
    """``WorkingCalendarYearLoaded`` for each load; its id is derived from the year and the
    load's time, so a retried save repeats it."""
    if not isinstance(event, events.WorkingCalendarYearLoaded):
        return None
    schedule = year.schedule
    key = f"{schedule.country}-{schedule.year}"
    loaded: v1.WorkingCalendarYearLoaded = v1.WorkingCalendarYearLoaded.build(
        event_id=event_id(v1.WorkingCalendarYearLoaded, f"{key}@{event.loaded_at.isoformat()}"),
        producer=PRODUCER,
        site_id=EVERY_SITE,
        correlation_id=derive_id("working-calendar", key),
        causation_id=context.causation_id,
        occurred_at=event.loaded_at,
        aggregate_version=context.aggregate_version,
        payload=v1.WorkingCalendarYearLoadedPayload(
            country=schedule.country,
            year=schedule.year,
            days_off=sorted(schedule.days_off),
            working_weekends=sorted(schedule.working_weekends),
            source=schedule.source,
            loaded_at=event.loaded_at,
        ),
    )
    return loaded
