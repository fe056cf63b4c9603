"""The incident board: declare, note calls, report, close (INC-01..INC-06)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import IsoDateTime, Page, Paging, SiteFilter, page_of
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.commands import (
    CloseIncident,
    DeclareIncident,
    NoteIncidentCall,
    UpdateIncidentScript,
    WriteSpecialMatterReport,
)
from intake.domain.incident import MAX_TEXT, Incident, IncidentKind, IncidentStatus
from intake.entrypoints.http import Reader

router = APIRouter(tags=["incidents"])

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=SHOWS_TEXT)]
Building = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[\w\-]+$")]


class IncidentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "kind": "water_outage",
                    "title": "3栋停水",
                    "script": "3栋因主水管抢修停水, 预计18:00恢复, 给您带来不便敬请谅解",
                    "buildings": ["3"],
                }
            ]
        },
    )
    site_id: str = Field(min_length=1, max_length=40, pattern=SHOWS_TEXT)
    kind: IncidentKind
    title: str = Field(min_length=1, max_length=200, pattern=SHOWS_TEXT)
    script: Text = Field(description="What agents read to callers about it")
    buildings: list[Building] = Field(
        default_factory=list, max_length=200, description="Affected buildings; none: all"
    )
    major: bool = Field(default=False, description="For the higher manager (INC-06)")
    expected_end_at: IsoDateTime | None = None


class IncidentCallIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "王芳",
                    "phone": "13800138000",
                    "building": "3",
                    "room": "1202",
                    "note": "问何时来水",
                }
            ]
        },
    )
    name: str = Field(min_length=1, max_length=100, pattern=SHOWS_TEXT)
    phone: str = Field(min_length=5, max_length=30)
    building: str = Field(min_length=1, max_length=20, pattern=SHOWS_TEXT)
    room: str = Field(min_length=1, max_length=20, pattern=SHOWS_TEXT)
    note: str = Field(default="", max_length=MAX_TEXT)


class ScriptIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"script": "抢修延长, 预计20:00恢复供水"}]},
    )
    script: Text
    expected_end_at: IsoDateTime | None = None


class ReportIn(BaseModel):
    """特别事项报告 (INC-05)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "what_happened": "3栋主水管爆裂",
                    "actions_taken": "关闭阀门, 更换管段, 通知住户",
                    "losses": "地下室少量积水",
                    "follow_up": "排查同批次管道",
                }
            ]
        },
    )
    what_happened: Text
    actions_taken: Text
    losses: str = Field(default="", max_length=MAX_TEXT)
    follow_up: str = Field(default="", max_length=MAX_TEXT)


class ClosureIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"note": "3栋已恢复供水, 感谢您的耐心"}]},
    )
    note: Text = Field(description="What the residents who called are told")


class IncidentCallOut(BaseModel):
    name: str
    phone: str
    building: str
    room: str
    note: str
    taken_by: str
    at: datetime


class ReportOut(BaseModel):
    what_happened: str
    actions_taken: str
    losses: str
    follow_up: str
    by: str
    at: datetime


class IncidentOut(BaseModel):
    incident_id: uuid.UUID
    site_id: str
    kind: IncidentKind
    title: str
    script: str
    buildings: list[str]
    major: bool
    status: IncidentStatus
    declared_by: str
    declared_at: datetime
    expected_end_at: datetime | None
    calls: list[IncidentCallOut]
    report: ReportOut | None
    closed_at: datetime | None
    closing_note: str | None
    version: int


def incident_out(incident: Incident) -> IncidentOut:
    return IncidentOut(
        incident_id=incident.incident_id,
        site_id=incident.site_id,
        kind=incident.kind,
        title=incident.title,
        script=incident.script,
        buildings=list(incident.buildings),
        major=incident.major,
        status=incident.status,
        declared_by=incident.declared_by,
        declared_at=incident.declared_at,
        expected_end_at=incident.expected_end_at,
        calls=[IncidentCallOut(**vars(call)) for call in incident.calls],
        report=ReportOut(**vars(incident.report)) if incident.report else None,
        closed_at=incident.closed_at,
        closing_note=incident.closing_note,
        version=incident.version,
    )


@router.post(
    "/incidents",
    status_code=status.HTTP_201_CREATED,
    summary="Declare a site-wide incident with the script agents read to callers",
)
async def declare_incident(
    body: IncidentIn, response: Response, principal: CurrentPrincipal, bus: Bus
) -> IncidentOut:
    principal.require_site(body.site_id)
    incident: Incident = await bus.handle(
        DeclareIncident(
            site_id=body.site_id,
            kind=body.kind,
            title=body.title,
            script=body.script,
            buildings=tuple(body.buildings),
            major=body.major,
            expected_end_at=body.expected_end_at,
            by=principal.subject,
        )
    )
    response.headers["Location"] = f"/incidents/{incident.incident_id}"
    return incident_out(incident)


@router.get("/incidents", summary="The incident board: the latest declared first")
async def list_incidents(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    open_: Annotated[bool | None, Query(alias="open", description="Only open (or closed)")] = None,
) -> Page[IncidentOut]:
    found = await reader.incidents.listing(
        sites=principal.visible_sites, page=page, site_id=site_id, open_only=open_
    )
    return page_of(found, page, incident_out)


@router.get("/incidents/{incident_id}", summary="One incident, with the calls about it")
async def get_incident(
    incident_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> IncidentOut:
    found = await reader.incidents.get(incident_id)
    if found is None or not principal.may_act_for(found.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no incident {incident_id}")
    return incident_out(found)


@router.post(
    "/incidents/{incident_id}/calls",
    summary="Note a call about the incident (instead of registering a new request)",
)
async def note_incident_call(
    incident_id: uuid.UUID, body: IncidentCallIn, principal: CurrentPrincipal, bus: Bus
) -> IncidentOut:
    incident: Incident = await bus.handle(
        NoteIncidentCall(
            incident_id,
            body.name,
            body.phone,
            body.building,
            body.room,
            body.note,
            principal.subject,
            principal.visible_sites,
        )
    )
    return incident_out(incident)


@router.put("/incidents/{incident_id}/script", summary="Change what callers are told")
async def update_incident_script(
    incident_id: uuid.UUID, body: ScriptIn, principal: CurrentPrincipal, bus: Bus
) -> IncidentOut:
    incident: Incident = await bus.handle(
        UpdateIncidentScript(
            incident_id, body.script, body.expected_end_at, principal.visible_sites
        )
    )
    return incident_out(incident)


@router.put(
    "/incidents/{incident_id}/report", summary="Write its special-matter report (特别事项报告)"
)
async def write_special_matter_report(
    incident_id: uuid.UUID, body: ReportIn, principal: CurrentPrincipal, bus: Bus
) -> IncidentOut:
    incident: Incident = await bus.handle(
        WriteSpecialMatterReport(
            incident_id,
            body.what_happened,
            body.actions_taken,
            body.losses,
            body.follow_up,
            principal.subject,
            principal.visible_sites,
        )
    )
    return incident_out(incident)


@router.post(
    "/incidents/{incident_id}/closure",
    summary="Close the incident: the residents who called are told (through notification)",
)
async def close_incident(
    incident_id: uuid.UUID, body: ClosureIn, principal: CurrentPrincipal, bus: Bus
) -> IncidentOut:
    incident: Incident = await bus.handle(
        CloseIncident(incident_id, body.note, principal.subject, principal.visible_sites)
    )
    return incident_out(incident)
