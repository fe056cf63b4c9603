"""Job handovers (岗位交接, DUTY-25): a member of staff who resigns or is transferred hands their
job to a successor at the site, and the successor takes it over."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from hotline_libs.auth import CurrentPrincipal, Role
from hotline_libs.errors import NotFound
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.commands import AcceptJobHandover, HandOverJob
from intake.domain.job_handover import MAX_ITEM, MAX_OPEN_ITEMS, JobHandover, LeavingReason
from intake.entrypoints.http import Reader

router = APIRouter(tags=["duty"])

StaffId = Annotated[
    str, Path(min_length=2, max_length=40, pattern="^[a-z0-9][a-z0-9_-]+$", examples=["dmg-s01"])
]
ON_BEHALF = frozenset(
    {Role.SUPERVISOR, Role.SITE_MANAGER, Role.DIRECTOR, Role.ADMINISTRATOR, Role.ADMIN}
)
"""Who may accept a handover for the successor (and who hands a job over)."""


class JobHandoverIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "successor_id": "dmg-s07",
                    "reason": "resigned",
                    "open_items": ["3栋业主装修押金退还待办", "钥匙柜钥匙 12 把已点交"],
                }
            ]
        },
    )
    successor_id: str = Field(
        min_length=2, max_length=40, pattern="^[a-z0-9][a-z0-9_-]+$", examples=["dmg-s07"]
    )
    reason: LeavingReason
    to_site: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        pattern=r"^(\*|[a-z][a-z0-9_-]*)$",
        description="For a transfer: the site they move to (* the central hotline)",
    )
    open_items: list[
        Annotated[str, Field(min_length=1, max_length=MAX_ITEM, pattern=SHOWS_TEXT)]
    ] = Field(
        default_factory=list,
        max_length=MAX_OPEN_ITEMS,
        description="What is open besides what the platform finds: files, keys, promises "
        "made off the platform …",
    )


class OpenWorkOut(BaseModel):
    request_id: uuid.UUID
    request_no: str
    kind: str = Field(
        description="complaint (their register as first-contact owner) or "
        "reply_promise (a reply they promised)"
    )


class JobHandoverOut(BaseModel):
    handover_id: uuid.UUID
    site_id: str
    staff_id: str
    successor_id: str
    reason: LeavingReason
    to_site: str | None
    open_items: list[str]
    open_work: list[OpenWorkOut] = Field(description="What the platform found the leaver owes")
    buildings: list[str] = Field(description="The buildings they cover as steward")
    information_liaison: bool
    handed_by: str
    handed_at: datetime
    accepted_by: str | None
    accepted_at: datetime | None
    completed_at: datetime | None = Field(description="None while the leaver still holds the job")


def handover_out(h: JobHandover) -> JobHandoverOut:
    return JobHandoverOut(
        handover_id=h.handover_id,
        site_id=h.site_id,
        staff_id=h.staff_id,
        successor_id=h.successor_id,
        reason=h.reason,
        to_site=h.to_site,
        open_items=list(h.open_items),
        open_work=[
            OpenWorkOut(request_id=w.request_id, request_no=w.request_no, kind=w.kind.value)
            for w in h.open_work
        ],
        buildings=list(h.duties.buildings),
        information_liaison=h.duties.information_liaison,
        handed_by=h.handed_by,
        handed_at=h.handed_at,
        accepted_by=h.accepted_by,
        accepted_at=h.accepted_at,
        completed_at=h.completed_at,
    )


@router.post(
    "/staff/{staff_id}/handover",
    status_code=status.HTTP_201_CREATED,
    summary="Hand a leaver's or transferee's job to a successor: what is open, and what the "
    "platform finds they owe (DUTY-25)",
)
async def hand_over_job(
    staff_id: StaffId,
    body: JobHandoverIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> JobHandoverOut:
    handover: JobHandover = await bus.handle(
        HandOverJob(
            staff_id=staff_id,
            successor_id=body.successor_id,
            reason=body.reason,
            to_site=body.to_site,
            open_items=tuple(body.open_items),
            by=principal.subject,
            visible_sites=principal.visible_sites,
        )
    )
    response.headers["Location"] = f"/job-handovers/{handover.handover_id}"
    return handover_out(handover)


@router.put(
    "/job-handovers/{handover_id}/acceptance",
    summary="The successor (or a supervisor for them) takes the job over: the open work, "
    "buildings and liaison duty become theirs, the leaver is gone or moved",
)
async def accept_job_handover(
    handover_id: uuid.UUID, principal: CurrentPrincipal, bus: Bus
) -> JobHandoverOut:
    handover: JobHandover = await bus.handle(
        AcceptJobHandover(
            handover_id=handover_id,
            by=principal.subject,
            visible_sites=principal.visible_sites,
            on_behalf=principal.role in ON_BEHALF,
        )
    )
    return handover_out(handover)


@router.get("/job-handovers/{handover_id}", summary="One job handover")
async def get_job_handover(
    handover_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> JobHandoverOut:
    handover = await reader.job_handovers.get(handover_id)
    if handover is None or not principal.may_act_for(handover.site_id):
        raise NotFound(f"no job handover {handover_id}")
    return handover_out(handover)


@router.get("/job-handovers", summary="A site's job handovers, the latest first")
async def list_job_handovers(
    reader: Reader,
    principal: CurrentPrincipal,
    site_id: Annotated[str, Query(min_length=1, max_length=40, pattern=r"^(\*|[a-z][a-z0-9_-]*)$")],
) -> list[JobHandoverOut]:
    principal.require_site(site_id)
    return [handover_out(h) for h in await reader.job_handovers.of_site(site_id)]
