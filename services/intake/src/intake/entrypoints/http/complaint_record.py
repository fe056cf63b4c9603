"""A site's daily complaint-handling record (顾客投诉处理记录表, CMP-18) as JSON, CSV or XLSX."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from pydantic import BaseModel, Field

from intake.domain.complaint import ComplaintGrade, Department, Validity
from intake.domain.complaint_record import RecordLine, Step, daily_record
from intake.entrypoints.http import Reader
from intake.entrypoints.http.tables_out import FILE_RESPONSES, Format, reported_site, table_file

router = APIRouter(tags=["complaints"])


class RecordLineOut(BaseModel):
    request_id: uuid.UUID
    request_no: str
    received_at: datetime = Field(description="When the complaint was taken, site time")
    caller: str
    phone: str
    building: str
    room: str
    category: str = Field(description="The complaint type (TAX-04)")
    content: str = Field(description="What the resident complained of (CH-10)")
    first_responsible: str = Field(description="Who took it and owns its register (首问责任人)")
    validity: Validity | None
    grade: ComplaintGrade | None
    department: Department | None = Field(description="Where it was sent")
    plan: str | None = Field(description="The department's handling plan")
    replies_that_day: list[str] = Field(description="What the resident was told that day")
    outcome: str | None
    resident_satisfied: bool | None
    escalated_to: str | None = Field(description="The highest rung it has reached")
    second_complaint: bool
    steps_that_day: list[Step] = Field(description="What was done about it that day")
    open_at_day_end: bool


class DailyRecordOut(BaseModel):
    site_id: str
    day: date
    received: int = Field(description="Complaints received that day")
    resolved: int = Field(description="Complaints resolved that day")
    open_at_day_end: int
    lines: list[RecordLineOut]


def _line(line: RecordLine, zone: ZoneInfo) -> RecordLineOut:
    request, register = line.request, line.request.complaint
    assert register is not None  # only complaints are on the record
    a, p, r = register.assessment, register.plan, register.resolution
    return RecordLineOut(
        request_id=request.request_id,
        request_no=request.request_no,
        received_at=request.registered_at.astimezone(zone),
        caller=request.resident.name,
        phone=request.resident.phone,
        building=request.resident.building,
        room=request.resident.room,
        category=request.category,
        content=request.description,
        first_responsible=register.first_responsible,
        validity=a.validity if a else None,
        grade=a.grade if a else None,
        department=(p.department if p else a.department if a else None),
        plan=p.plan if p else None,
        replies_that_day=list(line.replies_that_day),
        outcome=r.outcome if r else None,
        resident_satisfied=r.resident_satisfied if r else None,
        escalated_to=register.level.label if register.escalations else None,
        second_complaint=register.second_of is not None,
        steps_that_day=list(line.steps),
        open_at_day_end=line.open_at_day_end,
    )


COLUMNS = [
    "request_no",
    "received_at",
    "caller",
    "phone",
    "building",
    "room",
    "category",
    "content",
    "first_responsible",
    "validity",
    "grade",
    "department",
    "plan",
    "replies_that_day",
    "outcome",
    "resident_satisfied",
    "escalated_to",
    "second_complaint",
    "steps_that_day",
    "open_at_day_end",
]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


@router.get(
    "/complaints/daily-record",
    summary="A site's daily complaint-handling record: received that day, acted on that day, "
    "still open at its end; as JSON, CSV or XLSX",
    responses=FILE_RESPONSES,
)
async def daily_complaint_record(
    reader: Reader,
    principal: CurrentPrincipal,
    site_id: Annotated[str, Query(min_length=1, max_length=40, pattern=SHOWS_TEXT)],
    day: Annotated[date, Query(description="The site's day", examples=["2026-11-23"])],
    format_: Annotated[Format, Query(alias="format")] = "json",
) -> Any:
    site = await reported_site(reader, principal, site_id)
    zone = ZoneInfo(site.time_zone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    lines = daily_record(await reader.requests.complaints_for_day(site_id, start, end), start, end)
    shown = [_line(line, zone) for line in lines]
    if format_ == "json":
        return DailyRecordOut(
            site_id=site_id,
            day=day,
            received=sum(Step.RECEIVED in line.steps for line in lines),
            resolved=sum(Step.RESOLVED in line.steps for line in lines),
            open_at_day_end=sum(line.open_at_day_end for line in lines),
            lines=shown,
        )
    rows = [[_cell(getattr(line, name)) for name in COLUMNS] for line in shown]
    return table_file(COLUMNS, rows, format_, f"complaints-{site_id}-{day}")
