"""The sites the hotline serves, and what their own systems sent that intake refused."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.paging import Page, Paging, SiteFilter, TimeWindow, cut, page_of, time_window
from pydantic import BaseModel, Field

from intake.domain.boards import RequestKind
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
