"""The front desk's duty: the duty log and its handover, the monthly roster and its changes,
and the inspections of the desk (DUTY-01..DUTY-26). Internal staff only (DUTY-07)."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Path, Query, Response, status
from hotline_libs.auth import CurrentPrincipal, Role
from hotline_libs.errors import RuleViolation
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import IsoDate, Page, Paging, SiteFilter, page_of
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.commands import (
    AskRosterChange,
    DecideRosterChange,
    DraftRoster,
    OpenDutyLog,
    RecordInspection,
    SignDutyLog,
    SignOffDuty,
    SubmitRoster,
    TakeOverDuty,
    WriteDutyEntry,
)
from intake.domain.duty_log import MAX_TEXT, DutyLog, EntryKind, SignatureKind, sample_size
from intake.domain.inspection import (
    WEEKLY_SPOT_CHECKS,
    CheckPoint,
    Fault,
    Inspection,
    InspectionKind,
    week_of,
)
from intake.domain.roster import Assignment, ChangeKind, ChangeStatus, Roster, RosterChange
from intake.entrypoints.http import Reader

router = APIRouter(tags=["duty"])

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=SHOWS_TEXT)]
Staff = Annotated[str, Field(min_length=1, max_length=100, pattern=SHOWS_TEXT)]
LogId = Annotated[
    str,
    Path(
        min_length=5,
        max_length=80,
        pattern=r"^[\w\-]+:\d{4}-\d{2}-\d{2}:[\w\-]+$",
        description="site:YYYY-MM-DD:shift",
        examples=["dmg:2026-11-24:early"],
    ),
]
SiteId = Annotated[str, Path(min_length=1, max_length=40, pattern=SHOWS_TEXT)]
Month = Annotated[str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-12"])]

SIGNERS: dict[SignatureKind, frozenset[Role]] = {
    SignatureKind.DAILY_READ: frozenset({Role.SUPERVISOR, Role.SITE_MANAGER}),
    SignatureKind.MONTHLY: frozenset({Role.SUPERVISOR, Role.SITE_MANAGER}),
    SignatureKind.SAMPLE: frozenset({Role.DIRECTOR}),
}
"""Who signs what: the supervisor reads and reviews (DUTY-08, DUTY-21), the director samples
(DUTY-22)."""


# -- the duty log --------------------------------------------------------------------------------
class DutyLogIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"site_id": "dmg", "day": "2026-11-24", "shift": "early"}]},
    )
    site_id: str = Field(min_length=1, max_length=40, pattern=SHOWS_TEXT)
    day: IsoDate
    shift: str = Field(min_length=1, max_length=20, pattern=r"^[\w\-]+$")


class EntryIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"kind": "information", "text": "3-1202来电报水管漏水, 已派单"}]
        },
    )
    kind: EntryKind = EntryKind.INFORMATION
    text: Text


class CountedItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, pattern=SHOWS_TEXT)
    count: int = Field(ge=0, le=100_000)


class TakeOverIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "outgoing": "bench-duty_staff",
                    "open_items": ["5-802 投诉噪音, 待物业管家回复"],
                    "counted_items": [{"name": "对讲机", "count": 2}],
                }
            ]
        },
    )
    outgoing: Staff = Field(description="Who hands over (the incoming is the caller)")
    open_items: list[Text] = Field(default_factory=list, max_length=100)
    counted_items: list[CountedItem] = Field(default_factory=list, max_length=100)


class SignatureIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"kind": "daily_read"}]}
    )
    kind: SignatureKind


class EntryOut(BaseModel):
    at: datetime
    by: str
    kind: EntryKind
    text: str


class HandoverOut(BaseModel):
    outgoing: str
    incoming: str
    open_items: list[str]
    counted_items: list[CountedItem]
    taken_over_at: datetime
    late_minutes: int | None = Field(description="How late the take-over was, if it was")
    outgoing_signed_at: datetime | None


class SignatureOut(BaseModel):
    kind: SignatureKind
    by: str
    at: datetime


class DutyLogOut(BaseModel):
    log_id: str
    site_id: str
    day: date
    shift: str
    starts_at: datetime
    relief_due_at: datetime = Field(description="The next shift is due 15 minutes before the end")
    opened_by: str
    carried_over: list[str] = Field(description="Open items handed on by the shift before")
    entries: list[EntryOut]
    handover: HandoverOut | None
    signatures: list[SignatureOut]
    closed: bool
    version: int


def log_out(log: DutyLog) -> DutyLogOut:
    h = log.handover
    return DutyLogOut(
        log_id=log.log_id,
        site_id=log.site_id,
        day=log.day,
        shift=log.shift.code,
        starts_at=log.shift.start_on(log.day, ZoneInfo(log.zone)),
        relief_due_at=log.relief_due_at,
        opened_by=log.opened_by,
        carried_over=list(log.carried_over),
        entries=[EntryOut(**vars(e)) for e in log.entries],
        handover=None
        if h is None
        else HandoverOut(
            outgoing=h.outgoing,
            incoming=h.incoming,
            open_items=list(h.open_items),
            counted_items=[CountedItem(name=n, count=c) for n, c in h.counted_items],
            taken_over_at=h.taken_over_at,
            late_minutes=-(-int(h.late_by.total_seconds()) // 60) if h.late_by else None,
            outgoing_signed_at=h.outgoing_signed_at,
        ),
        signatures=[SignatureOut(**vars(s)) for s in log.signatures],
        closed=log.closed,
        version=log.version,
    )


@router.post(
    "/duty-logs",
    status_code=status.HTTP_201_CREATED,
    summary="Open a shift's duty log (值班记录表); the shift before's open items carry over",
    responses={200: {"description": "Opened before: that log"}},
)
async def open_duty_log(
    body: DutyLogIn, response: Response, principal: CurrentPrincipal, bus: Bus
) -> DutyLogOut:
    principal.require_site(body.site_id)
    log, created = await bus.handle(
        OpenDutyLog(body.site_id, body.day, body.shift, principal.subject)
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return log_out(log)


class MonthlyReviewOut(BaseModel):
    site_id: str
    month: str
    logs: int
    read_daily: int = Field(description="Logs the supervisor signed as read (DUTY-08)")
    reviewed: int = Field(description="Logs the supervisor signed monthly (DUTY-21)")
    sampled: int = Field(description="Logs the director signed (DUTY-22)")
    sample_needed: int = Field(description="At least 20% of the month's logs")
    late_take_overs: int = Field(description="Take-overs after the relief was due (DUTY-10)")
    unsigned_handovers: int = Field(description="Handovers the outgoing never signed")


@router.get(
    "/duty-logs/monthly-review",
    summary="A site's month of duty logs: read, reviewed, sampled, late take-overs",
)
async def review_duty_month(
    reader: Reader,
    principal: CurrentPrincipal,
    site_id: Annotated[str, Query(min_length=1, max_length=40, pattern=SHOWS_TEXT)],
    month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])],
) -> MonthlyReviewOut:
    principal.require_site(site_id)
    logs = await reader.duty_logs.of_month(site_id, month)

    def signed(kind: SignatureKind) -> int:
        return sum(1 for log in logs if any(s.kind is kind for s in log.signatures))

    return MonthlyReviewOut(
        site_id=site_id,
        month=month,
        logs=len(logs),
        read_daily=signed(SignatureKind.DAILY_READ),
        reviewed=signed(SignatureKind.MONTHLY),
        sampled=signed(SignatureKind.SAMPLE),
        sample_needed=sample_size(len(logs)),
        late_take_overs=sum(1 for log in logs if log.handover and log.handover.late_by),
        unsigned_handovers=sum(
            1 for log in logs if log.handover and log.handover.outgoing_signed_at is None
        ),
    )


@router.get("/duty-logs", summary="Duty logs of the caller's sites, the latest shift first")
async def list_duty_logs(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    day_from: Annotated[IsoDate | None, Query()] = None,
    day_to: Annotated[IsoDate | None, Query()] = None,
) -> Page[DutyLogOut]:
    found = await reader.duty_logs.listing(
        sites=principal.visible_sites, page=page, site_id=site_id, day_from=day_from, day_to=day_to
    )
    return page_of(found, page, log_out)


@router.get("/duty-logs/{log_id}", summary="One shift's duty log")
async def get_duty_log(log_id: LogId, reader: Reader, principal: CurrentPrincipal) -> DutyLogOut:
    found = await reader.duty_logs.get(log_id)
    if found is None or not principal.may_act_for(found.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no duty log {log_id}")
    return log_out(found)


@router.post("/duty-logs/{log_id}/entries", summary="Write in the duty log (DUTY-04, DUTY-05)")
async def write_duty_entry(
    log_id: LogId, body: EntryIn, principal: CurrentPrincipal, bus: Bus
) -> DutyLogOut:
    log: DutyLog = await bus.handle(
        WriteDutyEntry(log_id, body.kind, body.text, principal.subject, principal.visible_sites)
    )
    return log_out(log)


@router.post(
    "/duty-logs/{log_id}/take-over",
    summary="Take over the desk: open items heard, items counted, late if after the relief "
    "was due (DUTY-10, DUTY-12..DUTY-14)",
)
async def take_over_duty(
    log_id: LogId, body: TakeOverIn, principal: CurrentPrincipal, bus: Bus
) -> DutyLogOut:
    log: DutyLog = await bus.handle(
        TakeOverDuty(
            log_id,
            principal.subject,
            body.outgoing,
            tuple(body.open_items),
            tuple((i.name, i.count) for i in body.counted_items),
            principal.visible_sites,
        )
    )
    return log_out(log)


@router.post(
    "/duty-logs/{log_id}/sign-off",
    summary="The outgoing signs the handover, once relieved (DUTY-11, DUTY-15)",
)
async def sign_off_duty(log_id: LogId, principal: CurrentPrincipal, bus: Bus) -> DutyLogOut:
    log: DutyLog = await bus.handle(SignOffDuty(log_id, principal.subject, principal.visible_sites))
    return log_out(log)


@router.post(
    "/duty-logs/{log_id}/signatures",
    summary="Sign a log as read (supervisor, daily), reviewed (supervisor, monthly) or "
    "sampled (director)",
)
async def sign_duty_log(
    log_id: LogId, body: SignatureIn, principal: CurrentPrincipal, bus: Bus
) -> DutyLogOut:
    if principal.role not in SIGNERS[body.kind] and principal.role is not Role.ADMIN:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"a {principal.role.value} does not sign {body.kind.value}: "
            f"{', '.join(sorted(r.value for r in SIGNERS[body.kind]))} do",
        )
    log: DutyLog = await bus.handle(
        SignDutyLog(log_id, body.kind, principal.subject, principal.visible_sites)
    )
    return log_out(log)


# -- the roster ----------------------------------------------------------------------------------
class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: IsoDate
    shift: str = Field(min_length=1, max_length=20, pattern=r"^[\w\-]+$")
    staff: Staff


class RosterIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"assignments": [{"day": "2026-12-01", "shift": "early", "staff": "李娜"}]}
            ]
        },
    )
    assignments: list[AssignmentIn] = Field(max_length=1000)


class ChangeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {"kind": "leave", "day": "2026-12-03", "shift": "early", "reason": "家中有事"}
            ]
        },
    )
    kind: ChangeKind
    day: IsoDate
    shift: str = Field(min_length=1, max_length=20, pattern=r"^[\w\-]+$")
    reason: Text


class DecisionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"approved": True, "cover_by": "王强", "cover_hours": 8}]},
    )
    approved: bool
    cover_by: Staff | None = None
    cover_hours: float | None = Field(default=None, gt=0, le=24)


class ChangeOut(BaseModel):
    change_id: uuid.UUID
    kind: ChangeKind
    staff: str
    day: date
    shift: str
    reason: str
    requested_at: datetime
    status: ChangeStatus
    cover_by: str | None
    cover_hours: float | None
    long_cover: bool = Field(description="Cover beyond 4 hours (DUTY-23)")
    decided_by: str | None
    decided_at: datetime | None


def change_out(change: RosterChange) -> ChangeOut:
    return ChangeOut(**vars(change), long_cover=change.long_cover)


class RosterOut(BaseModel):
    roster_id: str
    site_id: str
    month: str
    status: str
    due_at: datetime = Field(description="Submitted before the 25th of the month before")
    submitted_at: datetime | None
    late_reported_at: datetime | None
    drafted_by: str
    assignments: list[AssignmentIn]
    changes: list[ChangeOut]
    version: int


def roster_out(roster: Roster) -> RosterOut:
    return RosterOut(
        roster_id=roster.roster_id,
        site_id=roster.site_id,
        month=roster.month,
        status=roster.status.value,
        due_at=roster.due_at,
        submitted_at=roster.submitted_at,
        late_reported_at=roster.late_reported_at,
        drafted_by=roster.drafted_by,
        assignments=[
            AssignmentIn(day=a.day, shift=a.shift, staff=a.staff) for a in roster.assignments
        ],
        changes=[change_out(c) for c in roster.changes],
        version=roster.version,
    )


@router.put(
    "/rosters/{site_id}/{month}",
    summary="Draft a month's front-desk roster (排班表, DUTY-02)",
    responses={201: {"description": "A roster not drafted before"}},
)
async def draft_roster(
    site_id: SiteId,
    month: Month,
    body: RosterIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> RosterOut:
    principal.require_site(site_id)
    roster, created = await bus.handle(
        DraftRoster(
            site_id,
            month,
            tuple(Assignment(a.day, a.shift, a.staff) for a in body.assignments),
            principal.subject,
        )
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return roster_out(roster)


@router.get("/rosters/{site_id}/{month}", summary="A month's roster with its changes")
async def get_roster(
    site_id: SiteId, month: Month, reader: Reader, principal: CurrentPrincipal
) -> RosterOut:
    found = await reader.rosters.get(f"{site_id}:{month}")
    if found is None or not principal.may_act_for(found.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no roster of {site_id} for {month}")
    return roster_out(found)


@router.post(
    "/rosters/{site_id}/{month}/submission",
    summary="Submit the roster to the service-centre manager",
)
async def submit_roster(
    site_id: SiteId, month: Month, principal: CurrentPrincipal, bus: Bus
) -> RosterOut:
    roster: Roster = await bus.handle(SubmitRoster(f"{site_id}:{month}", principal.visible_sites))
    return roster_out(roster)


@router.post(
    "/rosters/{site_id}/{month}/changes",
    status_code=status.HTTP_201_CREATED,
    summary="Ask for leave, a day off in lieu or a swap, at least a day ahead (DUTY-09)",
)
async def ask_roster_change(
    site_id: SiteId, month: Month, body: ChangeIn, principal: CurrentPrincipal, bus: Bus
) -> ChangeOut:
    change: RosterChange = await bus.handle(
        AskRosterChange(
            f"{site_id}:{month}",
            body.kind,
            principal.who,
            body.day,
            body.shift,
            body.reason,
            principal.visible_sites,
        )
    )
    return change_out(change)


@router.post(
    "/rosters/{site_id}/{month}/changes/{change_id}/decision",
    summary="The supervisor approves, naming the cover, or refuses (DUTY-09, DUTY-23)",
)
async def decide_roster_change(
    site_id: SiteId,
    month: Month,
    change_id: uuid.UUID,
    body: DecisionIn,
    principal: CurrentPrincipal,
    bus: Bus,
) -> ChangeOut:
    change: RosterChange = await bus.handle(
        DecideRosterChange(
            f"{site_id}:{month}",
            change_id,
            body.approved,
            body.cover_by,
            body.cover_hours,
            principal.who,
            principal.visible_sites,
        )
    )
    return change_out(change)


# -- inspections ---------------------------------------------------------------------------------
class FaultIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    point: CheckPoint
    note: Text
    staff: Staff = Field(description="Whose appraisal it counts against")


class InspectionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "kind": "spot_check",
                    "checked": ["appearance", "duty_log", "desk_environment"],
                    "faults": [{"point": "duty_log", "note": "14:20来电未记录", "staff": "李娜"}],
                }
            ]
        },
    )
    site_id: str = Field(min_length=1, max_length=40, pattern=SHOWS_TEXT)
    kind: InspectionKind
    checked: list[CheckPoint] = Field(min_length=1, max_length=10)
    faults: list[FaultIn] = Field(default_factory=list, max_length=50)
    improvement: str = Field(default="", max_length=MAX_TEXT)


class InspectionOut(BaseModel):
    inspection_id: uuid.UUID
    site_id: str
    kind: InspectionKind
    by: str
    at: datetime
    checked: list[CheckPoint]
    faults: list[FaultIn]
    improvement: str


def inspection_out(inspection: Inspection) -> InspectionOut:
    return InspectionOut(
        inspection_id=inspection.inspection_id,
        site_id=inspection.site_id,
        kind=inspection.kind,
        by=inspection.by,
        at=inspection.at,
        checked=sorted(inspection.checked),
        faults=[FaultIn(point=f.point, note=f.note, staff=f.staff) for f in inspection.faults],
        improvement=inspection.improvement,
    )


@router.post(
    "/front-desk-inspections",
    status_code=status.HTTP_201_CREATED,
    summary="Record an inspection of the front desk against its checklist (DUTY-17..DUTY-20)",
)
async def record_inspection(
    body: InspectionIn, principal: CurrentPrincipal, bus: Bus
) -> InspectionOut:
    principal.require_site(body.site_id)
    inspection: Inspection = await bus.handle(
        RecordInspection(
            body.site_id,
            body.kind,
            frozenset(body.checked),
            tuple(Fault(f.point, f.note, f.staff) for f in body.faults),
            body.improvement,
            principal.who,
        )
    )
    return inspection_out(inspection)


class WeekOut(BaseModel):
    site_id: str
    week_start: date
    week_end: date
    spot_checks: int
    required: int = Field(description="The supervisor's spot checks a week (DUTY-18)")
    met: bool
    faults_by_staff: dict[str, int] = Field(description="The quality-check record, for appraisal")
    inspections: list[InspectionOut]


@router.get(
    "/front-desk-inspections/week",
    summary="A site's week of inspections: spot checks against 3 a week, faults by staff",
)
async def inspection_week(
    reader: Reader,
    principal: CurrentPrincipal,
    site_id: Annotated[str, Query(min_length=1, max_length=40, pattern=SHOWS_TEXT)],
    day: Annotated[IsoDate, Query(description="Any day of the week")],
) -> WeekOut:
    principal.require_site(site_id)
    if not 2000 <= day.year <= 2099:
        raise RuleViolation(f"day {day.isoformat()} is not of this century", field="day")
    site = await reader.sites.get(site_id)
    tz = ZoneInfo(site.time_zone if site else "Asia/Shanghai")
    monday, sunday = week_of(day)
    start = datetime.combine(monday, datetime.min.time(), tzinfo=tz)
    found = await reader.inspections.between(
        principal.visible_sites, site_id, start, start + timedelta(days=7)
    )
    spot = sum(1 for i in found if i.kind is InspectionKind.SPOT_CHECK)
    faults = Counter(f.staff for i in found for f in i.faults)
    return WeekOut(
        site_id=site_id,
        week_start=monday,
        week_end=sunday,
        spot_checks=spot,
        required=WEEKLY_SPOT_CHECKS,
        met=spot >= WEEKLY_SPOT_CHECKS,
        faults_by_staff=dict(faults),
        inspections=[inspection_out(i) for i in found],
    )
