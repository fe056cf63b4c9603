"""The sites the hotline serves, and what their own systems sent that intake refused."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.errors import NotFound
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import Page, Paging, SiteFilter, TimeWindow, cut, page_of, time_window
from hotline_libs.service import Bus
from hotline_libs.shifts import DEFAULT_SHIFTS, ShiftTemplate
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.boards import RequestKind
from intake.domain.commands import RecordSite
from intake.domain.complaint import EscalationThresholds
from intake.domain.site import MAX_SHIFTS, Site, SiteSettings
from intake.entrypoints.http import Reader

router = APIRouter(tags=["sites"])


class SiteOut(BaseModel):
    site_id: str
    code: str
    name: str
    services: list[RequestKind]


@router.get("/sites", summary="Sites the hotline serves, of those the caller covers, by id")
async def list_sites(reader: Reader, principal: CurrentPrincipal, page: Paging) -> Page[SiteOut]:
    # a few dozen at most: read them all, page in memory
    sites = [s for s in await reader.sites.all() if principal.may_act_for(s.site_id)]
    return page_of(
        cut(sites, page),
        page,
        lambda s: SiteOut(site_id=s.site_id, code=s.code, name=s.name, services=sorted(s.services)),
    )


SiteId = Annotated[
    str, Path(min_length=1, max_length=40, pattern="^[a-z][a-z0-9_-]*$", examples=["dmg"])
]
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class ShiftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=20, pattern="^[a-z][a-z0-9_]*$", examples=["early"])
    starts: str = Field(pattern=HHMM, description="Local time, HH:MM", examples=["07:30"])
    ends: str = Field(
        pattern=HHMM, description="Local time; before starts: overnight", examples=["15:30"]
    )


class EscalationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    supervisor_after_hours: float = Field(
        gt=0, le=72, description="An open complaint reaches the supervisor after", examples=[4]
    )
    higher_manager_after_hours: float = Field(
        gt=0, le=72, description="…and the higher manager (the steward's 24 h)", examples=[24]
    )


class SiteIn(BaseModel):
    """A site's settings, whole: what is left out takes the manual's default."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "code": "QJC",
                    "name": "曲江春晓苑",
                    "services": ["consultation", "repair", "complaint", "callback"],
                    "country": "CN",
                    "time_zone": "Asia/Shanghai",
                    "escalation": {"supervisor_after_hours": 4, "higher_manager_after_hours": 24},
                    "shifts": [
                        {"code": "early", "starts": "07:30", "ends": "15:30"},
                        {"code": "late", "starts": "12:00", "ends": "20:00"},
                    ],
                }
            ]
        },
    )
    code: str = Field(pattern="^[A-Z][A-Z0-9]{1,9}$", description="In every serial number; fixed")
    name: str = Field(min_length=1, max_length=60, pattern=SHOWS_TEXT)
    services: list[RequestKind] = Field(min_length=1, max_length=7)
    country: str = Field(default="CN", pattern="^[A-Z]{2}$")
    time_zone: str = Field(
        default="Asia/Shanghai", min_length=1, max_length=60, examples=["Asia/Shanghai"]
    )
    escalation: EscalationIn | None = None
    shifts: list[ShiftIn] | None = Field(default=None, min_length=1, max_length=MAX_SHIFTS)


class ShiftOut(BaseModel):
    code: str
    starts: str
    ends: str


class SiteDetailOut(SiteOut):
    country: str
    time_zone: str
    escalation: EscalationIn
    shifts: list[ShiftOut]
    version: int


def site_detail(site: Site) -> SiteDetailOut:
    return SiteDetailOut(
        site_id=site.site_id,
        code=site.code,
        name=site.name,
        services=sorted(site.services),
        country=site.country,
        time_zone=site.time_zone,
        escalation=EscalationIn(
            supervisor_after_hours=site.escalation.supervisor_after / timedelta(hours=1),
            higher_manager_after_hours=site.escalation.higher_manager_after / timedelta(hours=1),
        ),
        shifts=[
            ShiftOut(code=t.code, starts=f"{t.starts:%H:%M}", ends=f"{t.ends:%H:%M}")
            for t in site.shifts
        ],
        version=site.version,
    )


def settings_of(body: SiteIn) -> SiteSettings:
    """The settings as given; what is left out takes the manual's default."""
    escalation = (
        EscalationThresholds(
            timedelta(hours=body.escalation.supervisor_after_hours),
            timedelta(hours=body.escalation.higher_manager_after_hours),
        )
        if body.escalation
        else EscalationThresholds()
    )
    shifts = (
        tuple(
            ShiftTemplate(s.code, time.fromisoformat(s.starts), time.fromisoformat(s.ends))
            for s in body.shifts
        )
        if body.shifts
        else DEFAULT_SHIFTS
    )
    return SiteSettings(
        code=body.code,
        name=body.name,
        services=frozenset(body.services),
        country=body.country,
        time_zone=body.time_zone,
        escalation=escalation,
        shifts=shifts,
    )


@router.get("/sites/{site_id}", summary="One site with its settings")
async def get_site(site_id: SiteId, reader: Reader, principal: CurrentPrincipal) -> SiteDetailOut:
    site = await reader.sites.get(site_id)
    if site is None or not principal.may_act_for(site_id):
        raise NotFound(f"no site {site_id!r}")
    return site_detail(site)


@router.put(
    "/sites/{site_id}",
    summary="Add a site, or change its settings: boards served, calendar country and time zone, "
    "complaint escalation, front-desk shifts",
    responses={201: {"description": "A new site"}},
)
async def record_site(site_id: SiteId, body: SiteIn, response: Response, bus: Bus) -> SiteDetailOut:
    site, created = await bus.handle(RecordSite(site_id=site_id, settings=settings_of(body)))
    if created:
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = f"/sites/{site_id}"
    return site_detail(site)


class RefusedSubmissionOut(BaseModel):
    submission_id: uuid.UUID
    site_id: str
    source_ref: str
    refusal: str = Field(description="The kind of refusal: UnknownSite, InvalidRegistration, …")
    reason: str
    received_at: datetime
    resident_name: str
    resident_phone: str
    description: str


RECEIVED = time_window("received", "submissions received")


@router.get(
    "/site-submissions/refused",
    summary="Requests the sites' own systems sent that intake could not register, newest first",
)
async def list_refused_submissions(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    received: Annotated[TimeWindow, Depends(RECEIVED)],
    site_id: SiteFilter = None,
    refusal: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=40,
            pattern="^[A-Za-z]+$",
            description="Only this kind of refusal (the status of a refused submission)",
            examples=["UnknownSite"],
        ),
    ] = None,
) -> Page[RefusedSubmissionOut]:
    found = await reader.refused_submissions.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        refusal=refusal,
        received=received,
    )
    return page_of(
        found,
        page,
        lambda r: RefusedSubmissionOut(
            submission_id=r.submission_id,
            site_id=r.site_id,
            source_ref=r.source_ref,
            refusal=r.refusal,
            reason=r.reason,
            received_at=r.received_at,
            resident_name=r.resident_name,
            resident_phone=r.resident_phone,
            description=r.description,
        ),
    )
