"""A request's timeline across the services: "where is my repair?" in one answer."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, status
from hotline_libs.auth import CurrentPrincipal
from pydantic import BaseModel, Field

from intake.domain.service_request import ServiceRequest
from intake.domain.timeline import TimelineEntry
from intake.entrypoints.http import Reader

router = APIRouter(tags=["service requests"])


class TimelineEntryOut(BaseModel):
    at: datetime
    service: str = Field(description="Which service did it", examples=["dispatch"])
    what: str = Field(description="The step, named as its event", examples=["WorkOrderDispatched"])
    summary: str
    details: dict[str, Any]


class TimelineOut(BaseModel):
    request_id: uuid.UUID
    request_no: str
    site_id: str
    entries: list[TimelineEntryOut] = Field(description="Oldest first")


def own_steps(request: ServiceRequest) -> list[TimelineEntry]:
    """What intake itself did about the request, from the request as it stands."""
    steps = [
        _step(
            request,
            "ServiceRequestRegistered",
            request.registered_at,
            f"registered by {request.registered_by or 'the site system'} ({request.channel.value})",
            {"channel": request.channel.value},
        ),
        _step(
            request,
            "ServiceRequestAccepted",
            request.accepted_at,
            f"accepted as {request.kind.value}/{request.category}",
            {},
        ),
    ]
    for promise in request.promises:
        steps.append(
            _step(
                request,
                "ReplyPromised",
                promise.promised_at,
                f"reply promised within {promise.tier.value}",
                {"due_at": promise.due_at.isoformat()},
            )
        )
        if promise.breached_at:
            steps.append(
                _step(
                    request,
                    "ReplyPromiseBreached",
                    promise.breached_at,
                    "promised reply late",
                    {"due_at": promise.due_at.isoformat()},
                )
            )
    for reply in request.replies:
        given = reply.standard_answer
        steps.append(
            _step(
                request,
                "ResidentReplied",
                reply.at,
                f"{reply.kind.value}: {reply.text}",
                {"document_no": given.document_no} if given else {},
            )
        )
    if request.first_answer_overdue_at:
        steps.append(
            _step(
                request,
                "FirstAnswerOverdue",
                request.first_answer_overdue_at,
                "no first answer in time",
                {},
            )
        )
    complaint = request.complaint
    if complaint is not None:
        if complaint.assessment:
            a = complaint.assessment
            steps.append(
                _step(
                    request,
                    "ComplaintAssessed",
                    a.at,
                    f"{a.validity.value}, {a.grade.value}",
                    {"department": a.department.value if a.department else None},
                )
            )
        if complaint.plan:
            steps.append(
                _step(
                    request,
                    "ComplaintHandlingPlanned",
                    complaint.plan.at,
                    complaint.plan.plan,
                    {"department": complaint.plan.department.value},
                )
            )
        for escalation in complaint.escalations:
            steps.append(
                _step(
                    request,
                    "ComplaintEscalated",
                    escalation.at,
                    f"escalated to {escalation.level.label}",
                    {},
                )
            )
        if complaint.register_overdue_at:
            steps.append(
                _step(
                    request,
                    "ComplaintRegisterOverdue",
                    complaint.register_overdue_at,
                    "register not completed the same day",
                    {},
                )
            )
        if complaint.resolution:
            steps.append(
                _step(
                    request,
                    "ComplaintResolved",
                    complaint.resolution.at,
                    complaint.resolution.outcome,
                    {},
                )
            )
    return steps


def _step(
    request: ServiceRequest, what: str, at: datetime, summary: str, details: dict[str, Any]
) -> TimelineEntry:
    return TimelineEntry(
        entry_id=f"{request.request_id}:{what}:{at.isoformat()}",
        request_id=request.request_id,
        site_id=request.site_id,
        service="intake",
        what=what,
        at=at,
        summary=summary,
        details=details,
    )


@router.get(
    "/service-requests/{request_id}/timeline",
    summary="Everything that happened to a request across the services, oldest first",
)
async def get_request_timeline(
    request_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> TimelineOut:
    request = await reader.requests.get(request_id)
    if request is None or not principal.may_act_for(request.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no service request {request_id}")
    entries = own_steps(request) + await reader.timeline.of_request(request_id)
    entries.sort(key=lambda e: e.at)  # stable: a tie keeps the order the steps were taken
    return TimelineOut(
        request_id=request.request_id,
        request_no=request.request_no,
        site_id=request.site_id,
        entries=[
            TimelineEntryOut(
                at=e.at, service=e.service, what=e.what, summary=e.summary, details=e.details
            )
            for e in entries
        ],
    )
