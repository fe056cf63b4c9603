"""Changed information a site's liaison reports, within 3 working days (KB-07, KB-08, KB-10)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import IsoDateTime, Page, Paging, SiteFilter, page_of
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.commands import ReportInformationChange
from intake.domain.information_change import MAX_TEXT, InformationChange, InformationKind
from intake.entrypoints.http import Reader

router = APIRouter(tags=["information"])


class InformationChangeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "department": "管理处",
                    "kind": "fees",
                    "what_changed": "地下车位月租自12月1日起调整为每月350元",
                    "changed_at": "2026-11-23T01:00:00Z",
                }
            ]
        },
    )
    site_id: str = Field(min_length=1, max_length=40, pattern=SHOWS_TEXT)
    department: str = Field(min_length=1, max_length=100, pattern=SHOWS_TEXT)
    kind: InformationKind
    what_changed: str = Field(min_length=1, max_length=MAX_TEXT, pattern=SHOWS_TEXT)
    changed_at: IsoDateTime = Field(description="When the change took effect")
    affected_answers: list[uuid.UUID] = Field(
        default_factory=list, max_length=50, description="Standard answers it makes stale"
    )


class InformationChangeOut(BaseModel):
    change_id: uuid.UUID
    site_id: str
    department: str
    kind: InformationKind
    what_changed: str
    changed_at: datetime
    reported_by: str
    reported_at: datetime
    due_at: datetime = Field(description="3 working days after the change (KB-07)")
    late: bool
    affected_answers: list[uuid.UUID]


def change_out(change: InformationChange) -> InformationChangeOut:
    return InformationChangeOut(**{**vars(change), "late": change.late})


@router.post(
    "/information-changes",
    status_code=status.HTTP_201_CREATED,
    summary="Report changed information in writing; late after 3 working days; the answers it "
    "touches are flagged for revision",
)
async def report_information_change(
    body: InformationChangeIn, principal: CurrentPrincipal, bus: Bus
) -> InformationChangeOut:
    principal.require_site(body.site_id)
    change: InformationChange = await bus.handle(
        ReportInformationChange(
            body.site_id,
            body.department,
            body.kind,
            body.what_changed,
            body.changed_at,
            tuple(body.affected_answers),
            principal.who,
        )
    )
    return change_out(change)


@router.get("/information-changes", summary="Reported changes, the latest first; late ones listed")
async def list_information_changes(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    late: Annotated[bool | None, Query(description="Only late reports (or on-time ones)")] = None,
) -> Page[InformationChangeOut]:
    found = await reader.information_changes.listing(
        sites=principal.visible_sites, page=page, site_id=site_id, late=late
    )
    return page_of(found, page, change_out)
