"""Stewards' visits and days, the half-yearly survey, and the copy of intake's units they count."""

from __future__ import annotations

from typing import Any

from hotline_libs.aggregate import is_due
from hotline_libs.errors import Conflict, NotFound, RuleViolation

from callback.domain.commands import (
    KeepUnit,
    OpenSurvey,
    RecordPatrol,
    RecordSurveyReturn,
    RecordVisit,
    SurveyDeadlineReached,
    WriteDiary,
)
from callback.domain.survey import Survey, open_survey
from callback.domain.visits import ResidentVisit, StewardDay, new_visit


async def keep_unit(command: KeepUnit, uow: Any) -> None:
    await uow.units.keep(command.unit_id, command.site_id, command.occupied, command.recorded_at)


async def record_visit(command: RecordVisit, uow: Any) -> tuple[ResidentVisit, bool]:
    """A steward's visit; the same visit (its id) recorded again changes nothing."""
    found: ResidentVisit | None = await uow.visits.get(command.visit_id)
    if found is not None:
        return found, False
    calendar = await uow.calendars.for_site(command.site_id)
    now = uow.clock()
    visit = new_visit(
        command.visit_id,
        command.site_id,
        command.building,
        command.room,
        command.visited_on,
        command.opinion,
        command.steward,
        now,
        calendar.local_day(now),
    )
    uow.visits.add(visit)
    await uow.commit()
    return visit, True


async def _day_of(uow: Any, site_id: str, steward: str, day: Any) -> StewardDay:
    found: StewardDay | None = await uow.steward_days.get(f"{site_id}:{steward}:{day.isoformat()}")
    if found is None:
        found = StewardDay(site_id, steward, day)
        uow.steward_days.add(found)
    return found


async def record_patrol(command: RecordPatrol, uow: Any) -> tuple[StewardDay, bool]:
    calendar = await uow.calendars.for_site(command.site_id)
    if command.at > uow.clock():
        raise RuleViolation("a patrol is recorded once made: at is not ahead of now", field="at")
    day = await _day_of(uow, command.site_id, command.steward, command.day)
    changed = day.patrol(command.at, command.notes, calendar.local_day(command.at))
    if changed:
        await uow.commit()
    return day, changed


async def write_diary(command: WriteDiary, uow: Any) -> tuple[StewardDay, bool]:
    calendar = await uow.calendars.for_site(command.site_id)
    if command.day > calendar.local_day(uow.clock()):
        raise RuleViolation("a diary is written on the day or after it", field="day")
    day = await _day_of(uow, command.site_id, command.steward, command.day)
    changed = day.write_diary(command.text)
    if changed:
        await uow.commit()
    return day, changed


async def open_site_survey(command: OpenSurvey, uow: Any) -> tuple[Survey, bool]:
    """The half year's questionnaires went out to every occupied unit (once per half year)."""
    key = f"{command.site_id}:{command.period}"
    found: Survey | None = await uow.surveys.get(key)
    if found is not None:
        if found.sent_on == command.sent_on and found.questions == dict(command.questions):
            return found, False
        raise Conflict(f"the {command.period} survey of {command.site_id} is open already")
    calendar = await uow.calendars.for_site(command.site_id)
    survey = open_survey(
        command.site_id,
        command.period,
        command.sent_on,
        dict(command.questions),
        await uow.units.occupied(command.site_id),
        calendar,
        command.by,
        calendar.local_day(uow.clock()),
    )
    uow.surveys.add(survey)
    await uow.commit()
    return survey, True


async def record_survey_return(command: RecordSurveyReturn, uow: Any) -> tuple[Survey, bool]:
    survey: Survey | None = await uow.surveys.get(f"{command.site_id}:{command.period}")
    if survey is None:
        raise NotFound(f"no {command.period} survey at {command.site_id}")
    changed = survey.record_return(
        f"{command.site_id}:{command.building}:{command.room}",
        command.satisfied,
        dict(command.scores),
        command.comment,
        command.by,
        uow.clock(),
    )
    if changed:
        await uow.commit()
    return survey, changed


async def survey_deadline_reached(command: SurveyDeadlineReached, uow: Any) -> None:
    """The collection day ended: the survey closes, its results final."""
    survey: Survey | None = await uow.surveys.get(command.survey_id)
    now = uow.clock()
    if survey is None or not is_due(survey, command.deadline, now):
        return
    survey.deadline_reached(command.deadline, now)
    await uow.commit()
