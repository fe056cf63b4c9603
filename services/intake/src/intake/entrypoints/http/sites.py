"""The sites the hotline serves, and what their own systems sent that intake refused."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from hotline_libs.auth import CurrentPrincipal
from pydantic import BaseModel

from intake.domain.boards import RequestKind
from intake.entrypoints.http import Reader

router = APIRouter(tags=["sites"])


class SiteOut(BaseModel):
    site_id: str
    code: str
    name: str
    services: list[RequestKind]


@router.get("/sites", summary="Sites the hotline serves")
async def list_sites(reader: Reader, principal: CurrentPrincipal) -> list[SiteOut]:
    sites = await reader.sites.all()
    return [
        SiteOut(site_id=s.site_id, code=s.code, name=s.name, services=sorted(s.services))
        for s in sites
        if principal.may_act_for(s.site_id)
    ]


class RefusedSubmissionOut(BaseModel):
    submission_id: uuid.UUID
    site_id: str
    source_ref: str
    refusal: str
    reason: str
    received_at: datetime
    resident_name: str
    resident_phone: str
    description: str


@router.get(
    "/site-submissions/refused",
    summary="Requests the sites' own systems sent that intake could not register, newest first",
)
async def list_refused_submissions(
    reader: Reader,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[RefusedSubmissionOut]:
    found = await reader.refused_submissions.listing(principal.visible_sites, limit)
    return [
        RefusedSubmissionOut(
            submission_id=r.submission_id,
            site_id=r.site_id,
            source_ref=r.source_ref,
            refusal=r.refusal,
            reason=r.reason,
            received_at=r.received_at,
            resident_name=r.resident_name,
            resident_phone=r.resident_phone,
            description=r.description,
        )
        for r in found
    ]
