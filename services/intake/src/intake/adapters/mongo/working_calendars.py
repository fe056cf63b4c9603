"""The working-calendar years admins loaded, where every reader of the calendar finds them
(``hotline_libs.working_calendars.CALENDAR_YEARS``)."""

from __future__ import annotations

from typing import Any

from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository, EventContext
from hotline_libs.working_calendars import CALENDAR_YEARS, year_document, year_from, year_id

from contracts import Event
from intake.adapters.outbound import directory_v1
from intake.domain.working_calendar import WorkingCalendarYear


class MongoWorkingCalendarYears(AggregateRepository[WorkingCalendarYear]):
    collection_name = CALENDAR_YEARS

    def identity(self, aggregate: WorkingCalendarYear) -> str:
        return year_id(aggregate.schedule.country, aggregate.schedule.year)

    def to_document(self, aggregate: WorkingCalendarYear) -> Document:
        return year_document(aggregate.schedule) | {
            "loaded_by": aggregate.loaded_by,
            "loaded_at": aggregate.loaded_at,
        }

    def from_document(self, document: Document) -> WorkingCalendarYear:
        return WorkingCalendarYear(
            schedule=year_from(document),
            loaded_by=document["loaded_by"],
            loaded_at=document["loaded_at"],
        )

    def to_integration(
        self, aggregate: WorkingCalendarYear, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return directory_v1.to_integration(aggregate, event, context)

    async def of_country(self, country: str) -> list[WorkingCalendarYear]:
        return await self.find({"country": country}, sort=[("year", 1)])
