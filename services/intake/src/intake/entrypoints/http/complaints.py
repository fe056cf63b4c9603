"""The complaint register's steps, and the complaints with their clocks (CMP-04..CMP-21)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import Page, Paging, SiteFilter, TimeWindow, page_of, time_window
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.commands import (
    AssessComplaint,
    MarkRepresentative,
    PlanComplaintHandling,
    RecordComplaintOpinion,
    ResolveComplaint,
)
from intake.domain.complaint import (
    MAX_TEXT,
    ComplaintGrade,
    Department,
    OpinionSource,
    Validity,
)
from intake.domain.service_request import ServiceRequest
from intake.entrypoints.http import Reader
from intake.entrypoints.http.service_requests import ServiceRequestOut, request_out

router = APIRouter(tags=["complaints"])

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=SHOWS_TEXT)]


class AssessmentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "validity": "valid",
                    "grade": "general",
                    "reason": "电梯维保记录显示确有故障",
                    "department": "maintenance",
                }
            ]
        },
    )
    validity: Validity
    grade: ComplaintGrade
    reason: Text
    department: Department | None = Field(
        default=None, description="Where a valid complaint is sent; required when valid"
    )


class HandlingPlanIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"department": "maintenance", "plan": "今日更换门机板, 明日回访"}]
        },
    )
    department: Department
    plan: Text


class ResolutionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"outcome": "已更换电梯门机板, 业主确认", "resident_satisfied": True}]
        },
    )
    outcome: Text
    resident_satisfied: bool | None = None


class OpinionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "source": "legal_adviser",
                    "given_by": "李律师",
                    "opinion": "车位属开发商所有, 物业无权处置; 按合同第12条解释",
                }
            ]
        },
    )
    source: OpinionSource
    department: Department | None = Field(
        default=None, description="The department giving it; only when source is department"
    )
    given_by: str = Field(min_length=1, max_length=MAX_TEXT, pattern=SHOWS_TEXT)
    opinion: Text


class RepresentativeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"representative": True}]}
    )
    representative: bool


@router.post(
    "/service-requests/{request_id}/complaint/assessment",
    summary="Assess a complaint: valid or invalid, its grade, and where a valid one is sent",
)
async def assess_complaint(
    request_id: uuid.UUID, body: AssessmentIn, principal: CurrentPrincipal, bus: Bus
) -> ServiceRequestOut:
    request: ServiceRequest = await bus.handle(
        AssessComplaint(
            request_id,
            body.validity,
            body.grade,
            body.reason,
            body.department,
            principal.subject,
            principal.visible_sites,
        )
    )
    return request_out(request)


@router.post(
    "/service-requests/{request_id}/complaint/handling-plan",
    summary="The responsible department's handling plan (客户投诉处理方案, CMP-13)",
)
async def plan_complaint_handling(
    request_id: uuid.UUID, body: HandlingPlanIn, principal: CurrentPrincipal, bus: Bus
) -> ServiceRequestOut:
    request: ServiceRequest = await bus.handle(
        PlanComplaintHandling(
            request_id, body.department, body.plan, principal.subject, principal.visible_sites
        )
    )
    return request_out(request)


@router.post(
    "/service-requests/{request_id}/complaint/resolution",
    summary="Resolve a complaint: its clocks stop; a valid one is called back (CMP-06)",
)
async def resolve_complaint(
    request_id: uuid.UUID, body: ResolutionIn, principal: CurrentPrincipal, bus: Bus
) -> ServiceRequestOut:
    request: ServiceRequest = await bus.handle(
        ResolveComplaint(
            request_id,
            body.outcome,
            body.resident_satisfied,
            principal.subject,
            principal.visible_sites,
        )
    )
    return request_out(request)


@router.post(
    "/service-requests/{request_id}/complaint/opinions",
    summary="A department's or the legal adviser's opinion on a complaint found invalid that no "
    "standard wording answers (CMP-09)",
)
async def record_complaint_opinion(
    request_id: uuid.UUID, body: OpinionIn, principal: CurrentPrincipal, bus: Bus
) -> ServiceRequestOut:
    request: ServiceRequest = await bus.handle(
        RecordComplaintOpinion(
            request_id,
            body.source,
            body.department,
            body.given_by,
            body.opinion,
            principal.subject,
            principal.visible_sites,
        )
    )
    return request_out(request)


@router.put(
    "/service-requests/{request_id}/complaint/representative",
    summary="Mark a complaint as a representative case, or not (CMP-21)",
)
async def mark_representative(
    request_id: uuid.UUID, body: RepresentativeIn, principal: CurrentPrincipal, bus: Bus
) -> ServiceRequestOut:
    request: ServiceRequest = await bus.handle(
        MarkRepresentative(request_id, body.representative, principal.visible_sites)
    )
    return request_out(request)


REGISTERED = time_window("registered", "complaints registered")


@router.get(
    "/complaints",
    summary="Complaints of the caller's sites with their clocks, the oldest first",
)
async def list_complaints(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    registered: Annotated[TimeWindow, Depends(REGISTERED)],
    site_id: SiteFilter = None,
    open_: Annotated[
        bool | None, Query(alias="open", description="Only open ones (or only resolved ones)")
    ] = None,
) -> Page[ServiceRequestOut]:
    found = await reader.requests.complaints(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        open_only=open_,
        registered=registered,
    )
    return page_of(found, page, request_out)
