"""Rectifications (整改): the cases a callback found wanting, their loops, and where they stand."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.paging import Page, Paging, SiteFilter, page_of
from pydantic import BaseModel, Field

from callback.domain.callback import CallbackReason
from callback.domain.rectification import Rectification, RectificationStatus
from callback.entrypoints.http import Reader
from callback.entrypoints.http.callbacks import ContactOut

router = APIRouter(tags=["rectifications"])


class LoopOut(BaseModel):
    number: int = Field(description="Which time the case went back, from 1")
    found_by: uuid.UUID = Field(description="The callback that found it wanting")
    opinion: str = Field(description="What the resident was unhappy with, in their words")
    opened_at: datetime
    followed_by: uuid.UUID | None = Field(description="The follow-up callback, once made")
    satisfied: bool | None = Field(description="What the follow-up found; none until made")


class RectificationOut(BaseModel):
    rectification_id: uuid.UUID
    site_id: str
    request_id: uuid.UUID
    request_no: str
    work_order_id: uuid.UUID | None = Field(
        description="The work order found wanting; none for a complaint"
    )
    resident: ContactOut
    case_reason: CallbackReason = Field(description="What the first callback followed up")
    status: RectificationStatus = Field(
        description="open; closed (a follow-up found the resident satisfied); escalated (still "
        "unsatisfied after the site's limit of loops)"
    )
    loops: list[LoopOut] = Field(description="Every time it went back, oldest first")
    opened_at: datetime = Field(description="When the first loop opened")
    limit: int = Field(description="Loops before the case is escalated (the site's policy)")
    closed_at: datetime | None
    escalated_at: datetime | None
    version: int


def rectification_out(r: Rectification) -> RectificationOut:
    c = r.resident
    return RectificationOut(
        rectification_id=r.rectification_id,
        site_id=r.site_id,
        request_id=r.request_id,
        request_no=r.request_no,
        work_order_id=r.work_order_id,
        resident=ContactOut(
            name=c.name, phone=c.phone, email=c.email, building=c.building, room=c.room
        ),
        case_reason=r.case_reason,
        status=r.status,
        loops=[
            LoopOut(
                number=loop.number,
                found_by=loop.found_by,
                opinion=loop.opinion,
                opened_at=loop.opened_at,
                followed_by=loop.followed_by,
                satisfied=loop.satisfied,
            )
            for loop in r.loops
        ],
        opened_at=r.loops[0].opened_at,
        limit=r.limit,
        closed_at=r.closed_at,
        escalated_at=r.escalated_at,
        version=r.version,
    )


@router.get("/rectifications", summary="Rectifications, the latest opened first, a page at a time")
async def list_rectifications(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    status_: Annotated[
        RectificationStatus | None, Query(alias="status", description="open, closed, escalated")
    ] = None,
    request_id: uuid.UUID | None = None,
) -> Page[RectificationOut]:
    found = await reader.rectifications.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        status=status_,
        request_id=request_id,
    )
    return page_of(found, page, rectification_out)


@router.get("/rectifications/{rectification_id}", summary="One rectification and its loops")
async def get_rectification(
    rectification_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> RectificationOut:
    found = await reader.rectifications.get(rectification_id)
    if found is None or not principal.may_act_for(found.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no rectification {rectification_id}")
    return rectification_out(found)
