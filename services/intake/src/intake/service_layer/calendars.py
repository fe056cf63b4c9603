"""Loading a year of a country's working-day calendar."""

from __future__ import annotations

from intake.domain.commands import LoadWorkingCalendarYear
from intake.domain.working_calendar import WorkingCalendarYear, load_year
from intake.service_layer.unit_of_work import IntakeUnitOfWork


async def load_working_calendar_year(
    command: LoadWorkingCalendarYear, uow: IntakeUnitOfWork
) -> tuple[WorkingCalendarYear, bool]:
    """Load or correct a year; returns it and whether it changed (the same dates again: no
    event, nothing written)."""
    schedule = command.schedule
    year = await uow.calendar_years.get(f"{schedule.country}-{schedule.year}")
    now = uow.clock()
    if year is None:
        year = load_year(schedule, command.loaded_by, now)
        uow.calendar_years.add(year)
    elif not year.reload(schedule, command.loaded_by, now):
        return year, False
    await uow.commit()
    return year, True
