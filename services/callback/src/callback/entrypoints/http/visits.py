"""Stewards' visits to residents and their days (patrols, work diary), the month's summary for
the site director, and the half-yearly satisfaction survey with its results table."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT, SiteInPath
from hotline_libs.paging import MONTH, IsoDate, IsoDateTime
from hotline_libs.service import Bus
from hotline_libs.tables import FILE_RESPONSES, Format, table_file
from pydantic import BaseModel, ConfigDict, Field

from callback.domain.commands import (
    OpenSurvey,
    RecordPatrol,
    RecordSurveyReturn,
    RecordVisit,
    WriteDiary,
)
from callback.domain.survey import (
    DEFAULT_QUESTIONS,
    MAX_COMMENT,
    RETURNED_SHARE,
    SATISFIED_SHARE,
    Survey,
)
from callback.domain.visits import (
    MAX_TEXT,
    PATROLS_A_DAY,
    VISITED_SHARE,
    StewardDay,
    VisitsSummary,
    summarise,
)
from callback.entrypoints.http import Reader

router = APIRouter(tags=["visits and surveys"])

Month = Annotated[str, Path(pattern=MONTH, description="YYYY-MM", examples=["2026-11"])]
Period = Annotated[
    str, Path(pattern=r"^20\d{2}-H[12]$", description="A half year", examples=["2026-H2"])
]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=SHOWS_TEXT)]
Place = Annotated[str, Field(min_length=1, max_length=20, pattern=SHOWS_TEXT)]


class VisitIn(BaseModel):
    """A steward's visit to a household (住户回访记录表)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "building": "3",
                    "room": "1202",
                    "visited_on": "2026-11-23",
                    "opinion": "希望增加儿童游乐设施; 对保洁满意",
                }
            ]
        },
    )
    site_id: Annotated[str, Field(min_length=1, max_length=40, pattern=SHOWS_TEXT)]
    building: Place
    room: Place
    visited_on: IsoDate = Field(description="The day of the visit (not ahead of today)")
    opinion: Text = Field(description="The residents' opinions and suggestions, in their words")


class VisitOut(BaseModel):
    visit_id: uuid.UUID
    site_id: str
    building: str
    room: str
    visited_on: date
    opinion: str
    steward: str
    recorded_at: datetime


@router.post(
    "/resident-visits",
    summary="Record a steward's visit to a household (SRV-06)",
    status_code=status.HTTP_201_CREATED,
)
async def record_visit(body: VisitIn, principal: CurrentPrincipal, bus: Bus) -> VisitOut:
    principal.require_site(body.site_id)
    visit, _ = await bus.handle(
        RecordVisit(
            visit_id=uuid.uuid4(),
            site_id=body.site_id,
            building=body.building,
            room=body.room,
            visited_on=body.visited_on,
            opinion=body.opinion,
            steward=principal.who,
        )
    )
    return VisitOut(
        visit_id=visit.visit_id,
        site_id=visit.site_id,
        building=visit.building,
        room=visit.room,
        visited_on=visit.visited_on,
        opinion=visit.opinion,
        steward=visit.steward,
        recorded_at=visit.recorded_at,
    )


SiteDay = Annotated[IsoDate, Path(description="The site's day (YYYY-MM-DD)")]
"""A site's day in a path: ``YYYY-MM-DD`` and nothing else (not ``0``)."""


class PatrolIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"at": "2026-11-23T09:30:00+08:00", "notes": "3栋消防通道堆放杂物"}]
        },
    )
    at: IsoDateTime = Field(description="When the patrol was made (on the day, not ahead of now)")
    notes: Text | None = None


class PatrolOut(BaseModel):
    at: datetime
    notes: str | None


class StewardDayOut(BaseModel):
    site_id: str
    steward: str
    day: date
    patrols: list[PatrolOut] = Field(description=f"{PATROLS_A_DAY} a day (SRV-07)")
    diary: str | None


def day_out(d: StewardDay) -> StewardDayOut:
    return StewardDayOut(
        site_id=d.site_id,
        steward=d.steward,
        day=d.day,
        patrols=[PatrolOut(at=p.at, notes=p.notes) for p in d.patrols],
        diary=d.diary,
    )


@router.post(
    "/steward-days/{site_id}/{day}/patrols",
    summary="Record one of the steward's patrols of the day (SRV-07)",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "This patrol was recorded already"}},
)
async def record_patrol(
    site_id: SiteInPath,
    day: SiteDay,
    body: PatrolIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> StewardDayOut:
    principal.require_site(site_id)
    recorded, changed = await bus.handle(
        RecordPatrol(site_id, day, body.at, body.notes, principal.who)
    )
    if not changed:
        response.status_code = status.HTTP_200_OK
    return day_out(recorded)


class StewardDaysOut(BaseModel):
    site_id: str
    day: date
    stewards: list[StewardDayOut] = Field(
        description="Each steward's patrols and diary of the day, by name"
    )


@router.get(
    "/steward-days/{site_id}/{day}",
    summary="The stewards' patrols and work diaries of a site's day (SRV-07)",
)
async def get_steward_days(
    site_id: SiteInPath,
    day: SiteDay,
    reader: Reader,
    principal: CurrentPrincipal,
) -> StewardDaysOut:
    principal.require_site(site_id)
    days = await reader.steward_days.of_day(site_id, day)
    return StewardDaysOut(site_id=site_id, day=day, stewards=[day_out(d) for d in days])


class DiaryIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"text": "上午巡查3、5栋; 下午走访两户; 跟进电梯维修"}]},
    )
    text: Text = Field(description="The day's work diary (工作日记)")


@router.put(
    "/steward-days/{site_id}/{day}/diary",
    summary="Write the steward's work diary of the day (SRV-07)",
)
async def write_diary(
    site_id: SiteInPath,
    day: SiteDay,
    body: DiaryIn,
    principal: CurrentPrincipal,
    bus: Bus,
) -> StewardDayOut:
    principal.require_site(site_id)
    written, _ = await bus.handle(WriteDiary(site_id, day, body.text, principal.who))
    return day_out(written)


class StewardMonthOut(BaseModel):
    steward: str
    days_recorded: int
    days_with_both_patrols: int = Field(description=f"Days with {PATROLS_A_DAY} patrols or more")
    diary_days: int
    visits: int


class OpinionOut(BaseModel):
    visited_on: date
    unit: str
    steward: str
    opinion: str


class VisitsSummaryOut(BaseModel):
    site_id: str
    month: str
    households: int = Field(description="Occupied units in the directory (入住户数)")
    visited_households: int
    visits: int
    share: float | None = Field(description="visited households ÷ households")
    target: float = VISITED_SHARE
    meets: bool | None
    opinions: list[OpinionOut] = Field(description="What residents said, for the director")
    stewards: list[StewardMonthOut]


def summary_out(site_id: str, month: str, summary: VisitsSummary) -> VisitsSummaryOut:
    """The director's view of a site's month of visits, patrols and diaries."""
    return VisitsSummaryOut(
        site_id=site_id,
        month=month,
        households=summary.households,
        visited_households=summary.visited_households,
        visits=summary.visits,
        share=summary.share,
        meets=summary.meets,
        opinions=[
            OpinionOut(visited_on=on, unit=unit, steward=who, opinion=said)
            for on, unit, who, said in summary.opinions
        ],
        stewards=[
            StewardMonthOut(
                steward=s.steward,
                days_recorded=s.days_recorded,
                days_with_both_patrols=s.days_with_both_patrols,
                diary_days=s.diary_days,
                visits=s.visits,
            )
            for s in summary.stewards
        ],
    )


@router.get(
    "/resident-visits/{site_id}/{month}",
    summary="A site's month of visits, opinions, patrols and diaries, for its director",
)
async def get_visits_summary(
    site_id: SiteInPath, month: Month, reader: Reader, principal: CurrentPrincipal
) -> VisitsSummaryOut:
    principal.require_site(site_id)
    summary = summarise(
        await reader.visits.of_month(site_id, month),
        await reader.steward_days.of_month(site_id, month),
        len(await reader.units.occupied(site_id)),
    )
    return summary_out(site_id, month, summary)


# -- the survey --------------------------------------------------------------------------------


class SurveyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"sent_on": "2026-11-20"}]},
    )
    sent_on: IsoDate = Field(
        description="The day the questionnaires went out: before 1 June (H1) or 1 December (H2)"
    )
    questions: dict[
        Annotated[str, Field(pattern=r"^[a-z][a-z_]{0,39}$")],
        Annotated[str, Field(min_length=1, max_length=200, pattern=SHOWS_TEXT)],
    ] = Field(
        default_factory=lambda: dict(DEFAULT_QUESTIONS),
        min_length=1,
        max_length=30,
        description="The questionnaire's items, code → text (scores 1-5)",
    )


class QuestionOut(BaseModel):
    code: str
    text: str
    answers: int
    average: float | None = Field(description="The mean score, 1-5")


class SurveyOut(BaseModel):
    site_id: str
    period: str
    sent_on: date
    sent_late: bool = Field(description="Sent on or after 1 June / 1 December (SRV-02)")
    sent: int = Field(description="Occupied units it went to")
    collect_on: date = Field(description="15 working days after sending (SRV-03)")
    collect_on_assumed: bool
    status: str = Field(description="collecting, or closed once the collection day ended")
    returned: int
    return_rate: float | None
    return_target: float = RETURNED_SHARE
    satisfied: int
    satisfaction: float | None = Field(description="Satisfied ÷ returned (SRV-10)")
    satisfaction_target: float = SATISFIED_SHARE
    questions: list[QuestionOut] = Field(description="The results table (问卷结果统计表)")


def survey_out(s: Survey) -> SurveyOut:
    return SurveyOut(
        site_id=s.site_id,
        period=s.period,
        sent_on=s.sent_on,
        sent_late=s.sent_late,
        sent=len(s.units),
        collect_on=s.collect_on,
        collect_on_assumed=s.collect_on_assumed,
        status=s.status.value,
        returned=len(s.returns),
        return_rate=s.return_rate,
        satisfied=sum(r.satisfied for r in s.returns),
        satisfaction=s.satisfaction,
        questions=[
            QuestionOut(code=q.code, text=q.text, answers=q.answers, average=q.average)
            for q in s.results()
        ],
    )


@router.put(
    "/surveys/{site_id}/{period}",
    summary="Record that a half year's questionnaires went out to every occupied unit",
    responses={409: {"description": "Opened already differently, or no occupied unit known"}},
)
async def open_survey(
    site_id: SiteInPath,
    period: Period,
    body: SurveyIn,
    principal: CurrentPrincipal,
    bus: Bus,
) -> SurveyOut:
    principal.require_site(site_id)
    survey, _ = await bus.handle(
        OpenSurvey(site_id, period, body.sent_on, body.questions, principal.who)
    )
    return survey_out(survey)


@router.get(
    "/surveys/{site_id}/{period}",
    summary="A survey's returns and results table",
    responses=FILE_RESPONSES,
    response_model=SurveyOut,
)
async def get_survey(
    site_id: SiteInPath,
    period: Period,
    reader: Reader,
    principal: CurrentPrincipal,
    format_: Annotated[Format, Query(alias="format")] = "json",
) -> Any:
    principal.require_site(site_id)
    found = await reader.surveys.get(f"{site_id}:{period}")
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no {period} survey at {site_id}")
    shown = survey_out(found)
    if format_ == "json":
        return shown
    return table_file(
        ["question", "text", "answers", "average"],
        [
            [q.code, q.text, q.answers, "" if q.average is None else q.average]
            for q in shown.questions
        ]
        + [
            ["returned", "", shown.returned, shown.return_rate or ""],
            ["satisfied", "", shown.satisfied, shown.satisfaction or ""],
        ],
        format_,
        f"survey-{site_id}-{period}",
        chart=("average",),
    )


class ReturnIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "building": "3",
                    "room": "1202",
                    "satisfied": True,
                    "scores": {"repairs": 4, "cleaning": 5},
                    "comment": "保安很负责",
                }
            ]
        },
    )
    building: Place
    room: Place
    satisfied: bool = Field(description="Satisfied with the service overall")
    scores: dict[str, Annotated[int, Field(ge=1, le=5)]] = Field(
        default_factory=dict, description="Question code → score 1-5"
    )
    comment: (
        Annotated[str, Field(min_length=1, max_length=MAX_COMMENT, pattern=SHOWS_TEXT)] | None
    ) = None


@router.post(
    "/surveys/{site_id}/{period}/returns",
    summary="Record a unit's returned questionnaire",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "Recorded already"},
        409: {"description": "Recorded already differently, or the survey closed"},
    },
)
async def record_survey_return(
    site_id: SiteInPath,
    period: Period,
    body: ReturnIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> SurveyOut:
    principal.require_site(site_id)
    survey, changed = await bus.handle(
        RecordSurveyReturn(
            site_id,
            period,
            body.building,
            body.room,
            body.satisfied,
            body.scores,
            body.comment,
            principal.who,
        )
    )
    if not changed:
        response.status_code = status.HTTP_200_OK
    return survey_out(survey)
