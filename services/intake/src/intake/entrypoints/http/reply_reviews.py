"""Quality control reads the answers agents gave against company policy (KB-05, KB-14, KB-15):
the month's report counts those found to contradict it."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.commands import ReviewReply
from intake.domain.replies import MAX_REVIEW_NOTE
from intake.domain.service_request import ServiceRequest
from intake.entrypoints.http.service_requests import ServiceRequestOut, request_out

router = APIRouter(tags=["consultations"])


class PolicyReviewIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "contradicts_policy": True,
                    "note": "停车费已于11月调整, 答复仍按旧标准; 应先向市场经营部核实",
                }
            ]
        },
    )
    contradicts_policy: bool = Field(description="Whether the answer went against policy")
    note: str = Field(min_length=1, max_length=MAX_REVIEW_NOTE, pattern=SHOWS_TEXT)


@router.put(
    "/service-requests/{request_id}/replies/{number}/review",
    summary="Quality control's reading of an answer given (1 = the first), against company "
    "policy; not by whoever gave it",
)
async def review_reply(
    request_id: uuid.UUID,
    number: Annotated[int, Path(ge=1, le=1000, description="Which answer: 1 = the first given")],
    body: PolicyReviewIn,
    principal: CurrentPrincipal,
    bus: Bus,
) -> ServiceRequestOut:
    request: ServiceRequest = await bus.handle(
        ReviewReply(
            request_id=request_id,
            number=number,
            contradicts_policy=body.contradicts_policy,
            note=body.note,
            by=principal.subject,
            visible_sites=principal.visible_sites,
        )
    )
    return request_out(request)
