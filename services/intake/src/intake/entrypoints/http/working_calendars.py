"""The working-day calendars: what each year of a country counts, and loading a coming year."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import IsoDate, Page, Paging, cut, page_of
from hotline_libs.service import Bus
from hotline_libs.working_days import WorkingDays, YearSchedule
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.commands import LoadWorkingCalendarYear
from intake.entrypoints.http import Reader

router = APIRouter(tags=["working-day calendars"])

Country = Annotated[
    str, Path(pattern="^[A-Z]{2}$", description="ISO 3166 country code", examples=["CN"])
]
Year = Annotated[int, Path(ge=2000, le=2100, examples=[2027])]


class YearScheduleIn(BaseModel):
    """The dates of the official notice: the weekdays off and the weekend days worked."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "days_off": ["2027-01-01", "2027-02-08", "2027-02-09"],
                    "working_weekends": ["2027-02-20"],
                    "source": "国务院办公厅关于2027年部分节假日安排的通知",
                }
            ]
        },
    )
    days_off: list[IsoDate] = Field(
        max_length=120, description="Monday-Friday dates that are public holidays"
    )
    working_weekends: list[IsoDate] = Field(
        max_length=30, description="Saturdays and Sundays worked instead (调休)"
    )
    source: str = Field(
        min_length=1,
        max_length=200,
        pattern=SHOWS_TEXT,
        description="The notice the dates come from: its title and number",
    )


class YearScheduleOut(BaseModel):
    country: str
    year: int
    days_off: list[date]
    working_weekends: list[date]
    working_days: int = Field(description="How many days of the year are worked")
    source: str
    loaded_by: str | None = Field(description="Who loaded it; none for a year the package ships")
    loaded_at: datetime | None


def schedule_out(
    schedule: YearSchedule, loaded_by: str | None = None, loaded_at: datetime | None = None
) -> YearScheduleOut:
    calendar = WorkingDays(schedule.country, {schedule.year: schedule})
    return YearScheduleOut(
        country=schedule.country,
        year=schedule.year,
        days_off=sorted(schedule.days_off),
        working_weekends=sorted(schedule.working_weekends),
        working_days=calendar.count(date(schedule.year - 1, 12, 31), date(schedule.year, 12, 31)),
        source=schedule.source,
        loaded_by=loaded_by,
        loaded_at=loaded_at,
    )


@router.put(
    "/working-calendars/{country}/{year}",
    summary="Load or correct a year of a country's working-day calendar (the official notice)",
    responses={201: {"description": "The year was not loaded before: loaded"}},
)
async def load_working_calendar_year(
    country: Country,
    year: Year,
    body: YearScheduleIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> YearScheduleOut:
    schedule = YearSchedule(
        country=country,
        year=year,
        days_off=frozenset(body.days_off),
        working_weekends=frozenset(body.working_weekends),
        source=body.source,
    )
    loaded, changed = await bus.handle(
        LoadWorkingCalendarYear(schedule=schedule, loaded_by=principal.subject)
    )
    if changed and loaded.version == 1:
        response.status_code = status.HTTP_201_CREATED
    return schedule_out(loaded.schedule, loaded.loaded_by, loaded.loaded_at)


@router.get(
    "/working-calendars/{country}",
    summary="The years a country's calendar knows, shipped or loaded, the earliest first",
)
async def list_working_calendar_years(
    country: Country, reader: Reader, page: Paging
) -> Page[YearScheduleOut]:
    loaded = {y.schedule.year: y for y in await reader.calendar_years.of_country(country)}
    known = await reader.calendars.working_days(country)
    years = [
        schedule_out(s, loaded[s.year].loaded_by, loaded[s.year].loaded_at)
        if s.year in loaded
        else schedule_out(s)
        for _, s in sorted(known.years.items())
    ]
    return page_of(cut(years, page), page, lambda y: y)
