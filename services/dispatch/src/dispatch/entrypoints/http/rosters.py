"""The technicians' monthly rosters (排班表): drafted on the site's shifts, published by the 25th
of the month before, then changed only by recorded absences with their cover."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import IsoDate
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from dispatch.domain.commands import DraftRoster, PublishRoster, RecordAbsence
from dispatch.domain.roster import Absence, AbsenceKind, RosterEntry, TechnicianRoster, roster_id
from dispatch.entrypoints.http import Reader

router = APIRouter(tags=["rosters"])

SiteId = Annotated[str, Path(min_length=1, max_length=40, pattern=SHOWS_TEXT, examples=["dmg"])]
Month = Annotated[str, Path(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$", examples=["2026-12"])]
ShiftCode = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[\w\-]+$")]
TechnicianId = Annotated[str, Field(min_length=1, max_length=60, pattern=SHOWS_TEXT)]

ROSTER_RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"description": "No roster of that site and month (or not one of your sites)"},
    409: {"description": "The roster's state does not allow it (published, or empty)"},
}


class EntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: IsoDate
    shift: ShiftCode
    technician_id: TechnicianId


class RosterIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"entries": [{"day": "2026-12-01", "shift": "early", "technician_id": "dmg-t01"}]}
            ]
        },
    )
    entries: list[EntryIn] = Field(max_length=3000)


class AbsenceIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "kind": "sick_leave",
                    "technician_id": "dmg-t01",
                    "day": "2026-12-03",
                    "shift": "early",
                    "cover_by": "dmg-t02",
                    "reason": "发烧",
                }
            ]
        },
    )
    kind: AbsenceKind
    technician_id: TechnicianId
    day: IsoDate
    shift: ShiftCode
    cover_by: TechnicianId | None = Field(
        default=None, description="Who covers the shift; none: it runs short"
    )
    reason: str = Field(min_length=1, max_length=500, pattern=SHOWS_TEXT)


class ShiftOut(BaseModel):
    code: str
    starts: str = Field(description="Local start, HH:MM")
    ends: str = Field(description="Local end, HH:MM (before the start: overnight)")


class AbsenceOut(BaseModel):
    absence_id: uuid.UUID
    kind: AbsenceKind
    technician_id: str
    day: date
    shift: str
    cover_by: str | None
    reason: str
    recorded_by: str
    recorded_at: datetime


class RosterOut(BaseModel):
    roster_id: str
    site_id: str
    month: str
    zone: str = Field(description="The site's time zone, which the shifts are in")
    shifts: list[ShiftOut]
    status: str = Field(description="draft or published")
    due_at: datetime = Field(description="Published by the end of the 25th of the month before")
    late: bool = Field(description="Not published by then")
    drafted_by: str
    published_at: datetime | None
    published_by: str | None
    entries: list[EntryIn]
    absences: list[AbsenceOut]
    version: int


def absence_out(absence: Absence) -> AbsenceOut:
    return AbsenceOut(**vars(absence))


def roster_out(roster: TechnicianRoster) -> RosterOut:
    return RosterOut(
        roster_id=roster.roster_id,
        site_id=roster.site_id,
        month=roster.month,
        zone=roster.zone,
        shifts=[ShiftOut(**s.as_text()) for s in roster.shifts],
        status=roster.status.value,
        due_at=roster.due_at,
        late=roster.late,
        drafted_by=roster.drafted_by,
        published_at=roster.published_at,
        published_by=roster.published_by,
        entries=[
            EntryIn(day=e.day, shift=e.shift, technician_id=e.technician_id) for e in roster.entries
        ],
        absences=[absence_out(a) for a in roster.absences],
        version=roster.version,
    )


@router.get(
    "/technician-rosters/{site_id}/{month}",
    summary="A month's technician roster with its absences and cover",
    responses={404: ROSTER_RESPONSES[404]},
)
async def get_technician_roster(
    site_id: SiteId, month: Month, reader: Reader, principal: CurrentPrincipal
) -> RosterOut:
    found = await reader.rosters.get(roster_id(site_id, month))
    if found is None or not principal.may_act_for(found.site_id):
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no technician roster of {site_id} for {month}"
        )
    return roster_out(found)


@router.put(
    "/technician-rosters/{site_id}/{month}",
    summary="Draft a month's technician roster on the site's shifts (replaces the draft)",
    responses={201: {"description": "A roster not drafted before"}, 409: ROSTER_RESPONSES[409]},
)
async def draft_technician_roster(
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
            site_id=site_id,
            month=month,
            entries=tuple(RosterEntry(e.day, e.shift, e.technician_id) for e in body.entries),
            by=principal.who,
            visible_sites=principal.visible_sites,
        )
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return roster_out(roster)


@router.post(
    "/technician-rosters/{site_id}/{month}/publication",
    summary="Publish the roster (by the 25th of the month before); assignment follows it",
    responses={201: {"description": "Published now"}, **ROSTER_RESPONSES},
)
async def publish_technician_roster(
    site_id: SiteId, month: Month, response: Response, principal: CurrentPrincipal, bus: Bus
) -> RosterOut:
    principal.require_site(site_id)
    roster, changed = await bus.handle(
        PublishRoster(site_id, month, principal.who, principal.visible_sites)
    )
    if changed:
        response.status_code = status.HTTP_201_CREATED
    return roster_out(roster)


@router.post(
    "/technician-rosters/{site_id}/{month}/absences",
    status_code=status.HTTP_201_CREATED,
    summary="Record a technician off a published shift, and who covers it",
    responses=ROSTER_RESPONSES,
)
async def record_technician_absence(
    site_id: SiteId, month: Month, body: AbsenceIn, principal: CurrentPrincipal, bus: Bus
) -> RosterOut:
    principal.require_site(site_id)
    roster: TechnicianRoster = await bus.handle(
        RecordAbsence(
            site_id=site_id,
            month=month,
            kind=body.kind,
            technician_id=body.technician_id,
            day=body.day,
            shift=body.shift,
            cover_by=body.cover_by,
            reason=body.reason,
            by=principal.who,
            visible_sites=principal.visible_sites,
        )
    )
    return roster_out(roster)
