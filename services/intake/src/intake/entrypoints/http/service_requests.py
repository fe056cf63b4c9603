"""Agents register requests here (site systems feed them over Kafka)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.idempotency import IdempotencyKey
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import (
    IsoDateTime,
    Page,
    Paging,
    SiteFilter,
    TimeWindow,
    page_of,
    time_window,
)
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from intake.domain.boards import RequestKind
from intake.domain.commands import (
    GiveStandardAnswer,
    PromiseReply,
    RegisterRequest,
    ReplyToResident,
)
from intake.domain.reception import Emergency, ReceivingDesk
from intake.domain.replies import MAX_REPLY, ReplyKind, ReplyTier
from intake.domain.service_request import (
    Channel,
    Registration,
    RequestedItem,
    RequestStatus,
    ResidentContact,
    ServiceRequest,
)
from intake.entrypoints.http import Reader
from intake.entrypoints.http.complaint_register import ComplaintOut, complaint_out
from intake.entrypoints.http.reception import (
    AttachmentIn,
    AttachmentOut,
    CallIn,
    CallOut,
    attachments,
    attachments_out,
    call_out,
    call_record,
)

router = APIRouter(tags=["service requests"])


class ResidentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=100, examples=["王芳"])
    phone: str = Field(min_length=5, max_length=30, examples=["13800138000"])
    email: EmailStr | None = Field(default=None, examples=["wang.fang@example.com"])
    building: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=20, examples=["3"])
    room: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=20, examples=["1202"])


class RequestedItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item_code: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=40, examples=["RP-TAP"])
    quantity: int = Field(default=1, ge=1, le=1000)


class ServiceRequestIn(BaseModel):
    """A request as the agent registers it while on the call."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "kind": "repair",
                    "category": "own_unit",
                    "description": "厨房水龙头漏水",
                    "resident": {
                        "name": "王芳",
                        "phone": "13800138000",
                        "email": "wang.fang@example.com",
                        "building": "3",
                        "room": "1202",
                    },
                }
            ]
        },
    )
    site_id: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=40, examples=["dmg"])
    kind: RequestKind = Field(examples=["repair"])
    category: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=40, examples=["own_unit"])
    description: str = Field(
        min_length=1, pattern=SHOWS_TEXT, max_length=4000, examples=["厨房水龙头漏水"]
    )
    resident: ResidentIn
    channel: Channel = Channel.HOTLINE
    requested_items: list[RequestedItemIn] = Field(default_factory=list, max_length=50)
    appointment_at: IsoDateTime | None = Field(
        default=None, description="The visit agreed with the resident, or the window's start"
    )
    appointment_until: IsoDateTime | None = Field(
        default=None, description="The end of the window agreed (at most 12 hours)"
    )
    registered_at: IsoDateTime | None = Field(
        default=None, description="Time of the call; now if absent"
    )
    call: CallIn | None = Field(default=None, description="For a phone call: its record")
    attachments: list[AttachmentIn] = Field(
        default_factory=list, max_length=10, description="Files the resident sent, by reference"
    )
    receiving_desk: ReceivingDesk | None = Field(
        default=None,
        description="Where it was taken down: the call centre, or a site's service centre or "
        "control room (a walk-in's default: the service centre)",
    )
    emergency: Emergency | None = Field(
        default=None,
        description="Water leak, power failure, lift entrapment, gas or fire alarm: dispatched "
        "first and the supervisor alerted",
    )
    second_complaint_of: uuid.UUID | None = Field(
        default=None, description="For a complaint: the earlier complaint it repeats (二次投诉)"
    )
    triage: RequestStatus = Field(
        default=RequestStatus.ACCEPTED,
        description="accepted (served), declined (not served here: say why) or redirected "
        "(told where to go); only accepted requests are dispatched",
    )
    triage_note: str | None = Field(
        default=None,
        max_length=2000,
        pattern=SHOWS_TEXT,
        description="For a decline, the explanation given; for a redirect, where to go",
        examples=["业主自有家电维修不在物业服务范围, 已建议联系品牌售后"],
    )


class PolicyReviewOut(BaseModel):
    contradicts_policy: bool
    note: str
    by: str
    at: datetime


class ReplyOut(BaseModel):
    kind: ReplyKind
    text: str
    by: str
    at: datetime
    document_no: str | None = Field(description="The standard answer given, if one was")
    revision: int | None
    review: PolicyReviewOut | None = Field(
        default=None, description="Quality control's reading of it against policy, if read"
    )


class ReplyPromiseOut(BaseModel):
    tier: ReplyTier
    promised_by: str
    promised_at: datetime
    due_at: datetime
    kept_at: datetime | None
    breached_at: datetime | None = Field(description="When it was reported late, if it was")


class ServiceRequestOut(BaseModel):
    request_id: uuid.UUID
    request_no: str
    site_id: str
    kind: RequestKind
    category: str
    description: str
    resident: ResidentIn
    channel: Channel
    requested_items: list[RequestedItemIn]
    appointment_at: datetime | None
    appointment_until: datetime | None
    registered_at: datetime
    accepted_at: datetime
    call: CallOut | None
    attachments: list[AttachmentOut]
    receiving_desk: ReceivingDesk
    emergency: Emergency | None
    status: RequestStatus
    triage_note: str | None = Field(description="Why declined, or where redirected")
    replies: list[ReplyOut] = Field(description="What the resident was told, oldest first")
    promises: list[ReplyPromiseOut] = Field(description="Replies promised, oldest first")
    first_answer_due_at: datetime | None = Field(
        description="While the resident awaits a first answer: when 24 hours are up"
    )
    first_answer_overdue_at: datetime | None
    registered_by: str = Field(description="Who took it down (for a complaint, its 首问责任人)")
    complaint: ComplaintOut | None = Field(description="The complaint register, for a complaint")
    version: int


def request_out(request: ServiceRequest) -> ServiceRequestOut:
    resident = request.resident
    return ServiceRequestOut(
        request_id=request.request_id,
        request_no=request.request_no,
        site_id=request.site_id,
        kind=request.kind,
        category=request.category,
        description=request.description,
        resident=ResidentIn(
            name=resident.name,
            phone=resident.phone,
            email=resident.email,
            building=resident.building,
            room=resident.room,
        ),
        channel=request.channel,
        requested_items=[
            RequestedItemIn(item_code=i.item_code, quantity=i.quantity)
            for i in request.requested_items
        ],
        appointment_at=request.appointment_at,
        appointment_until=request.appointment_until,
        registered_at=request.registered_at,
        accepted_at=request.accepted_at,
        call=call_out(request.call),
        attachments=attachments_out(request.attachments),
        receiving_desk=request.receiving_desk,
        emergency=request.emergency,
        status=request.status,
        triage_note=request.triage_note,
        replies=[
            ReplyOut(
                kind=r.kind,
                text=r.text,
                by=r.by,
                at=r.at,
                document_no=r.standard_answer.document_no if r.standard_answer else None,
                revision=r.standard_answer.revision if r.standard_answer else None,
                review=PolicyReviewOut(**vars(r.review)) if r.review else None,
            )
            for r in request.replies
        ],
        promises=[ReplyPromiseOut(**vars(p)) for p in request.promises],
        first_answer_due_at=request.first_answer_due_at,
        first_answer_overdue_at=request.first_answer_overdue_at,
        registered_by=request.registered_by,
        complaint=complaint_out(request),
        version=request.version,
    )


@router.post(
    "/service-requests",
    status_code=status.HTTP_201_CREATED,
    summary="Register a resident's request (登记) and accept it",
    responses={
        200: {
            "description": "Registered before under this Idempotency-Key (its first answer was "
            "lost): that request"
        }
    },
)
async def create_service_request(
    body: ServiceRequestIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
    idempotency_key: IdempotencyKey,
) -> ServiceRequestOut:
    principal.require_site(body.site_id)
    accepted, created = await bus.handle(
        RegisterRequest(
            registration=Registration(
                site_id=body.site_id,
                kind=body.kind,
                category=body.category,
                description=body.description,
                resident=ResidentContact(**body.resident.model_dump()),
                channel=body.channel,
                requested_items=tuple(
                    RequestedItem(i.item_code, i.quantity) for i in body.requested_items
                ),
                appointment_at=body.appointment_at,
                registered_at=body.registered_at,
                registered_by=principal.subject,
                second_complaint_of=body.second_complaint_of,
                triage=body.triage,
                triage_note=body.triage_note,
                appointment_until=body.appointment_until,
                call=call_record(body.call, principal.subject),
                attachments=attachments(body.attachments),
                receiving_desk=body.receiving_desk,
                emergency=body.emergency,
            ),
            idempotency_key=idempotency_key,
        )
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/service-requests/{accepted.request_id}"
    return request_out(accepted)


@router.get(
    "/service-requests/owing-answers",
    summary="Requests whose resident awaits a first answer or a promised reply, oldest call first",
)
async def list_requests_owing_answers(
    reader: Reader, principal: CurrentPrincipal, page: Paging, site_id: SiteFilter = None
) -> Page[ServiceRequestOut]:
    found = await reader.requests.owing_answers(
        sites=principal.visible_sites, page=page, site_id=site_id
    )
    return page_of(found, page, request_out)


@router.get("/service-requests/{request_id}", summary="One request")
async def get_service_request(
    request_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> ServiceRequestOut:
    found = await reader.requests.get(request_id)
    if found is None or not principal.may_act_for(found.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no service request {request_id}")
    return request_out(found)


REGISTERED = time_window("registered", "requests registered (the time of the call)")


@router.get(
    "/service-requests",
    summary="Requests of the sites the caller covers, the latest call first, a page at a time",
)
async def list_service_requests(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    registered: Annotated[TimeWindow, Depends(REGISTERED)],
    site_id: SiteFilter = None,
    status_: Annotated[RequestStatus | None, Query(alias="status")] = None,
    kind: Annotated[RequestKind | None, Query(description="Only requests of this board")] = None,
    emergency: Annotated[
        bool | None, Query(description="Only emergencies (true), or only the rest (false)")
    ] = None,
) -> Page[ServiceRequestOut]:
    found = await reader.requests.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        status=status_,
        kind=kind,
        registered=registered,
        emergency=emergency,
    )
    return page_of(found, page, request_out)


class StandardAnswerGivenIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"answer_id": "6f1c2b9e-1d1e-4f6a-9a51-5b1d3c2e4f70"}]},
    )
    answer_id: uuid.UUID = Field(description="The approved standard answer read to the caller")


class ReplyPromiseIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"tier": "30_minutes"}]}
    )
    tier: ReplyTier = Field(description="10, 20, 30 minutes, or 1, 2, 3 working days (KB-04)")


class ReplyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"text": "本月停车费按原标准收取", "progress": False}]},
    )
    text: str = Field(min_length=1, max_length=MAX_REPLY, pattern=SHOWS_TEXT)
    progress: bool = Field(
        default=False,
        description="Word of progress, not yet the answer (it still keeps the promise made)",
    )


@router.post(
    "/service-requests/{request_id}/standard-answer",
    summary="Record that the caller was answered at once with an approved standard answer",
)
async def give_standard_answer(
    request_id: uuid.UUID, body: StandardAnswerGivenIn, principal: CurrentPrincipal, bus: Bus
) -> ServiceRequestOut:
    request: ServiceRequest = await bus.handle(
        GiveStandardAnswer(
            request_id=request_id,
            answer_id=body.answer_id,
            by=principal.subject,
            visible_sites=principal.visible_sites,
        )
    )
    return request_out(request)


@router.post(
    "/service-requests/{request_id}/reply-promises",
    summary="Promise the resident a reply within a tier (KB-04); tracked until kept",
)
async def promise_reply(
    request_id: uuid.UUID, body: ReplyPromiseIn, principal: CurrentPrincipal, bus: Bus
) -> ServiceRequestOut:
    request: ServiceRequest = await bus.handle(
        PromiseReply(
            request_id=request_id,
            tier=body.tier,
            by=principal.subject,
            visible_sites=principal.visible_sites,
        )
    )
    return request_out(request)


@router.post(
    "/service-requests/{request_id}/replies",
    summary="Record what the resident was told: the answer, or word of progress",
)
async def reply_to_resident(
    request_id: uuid.UUID, body: ReplyIn, principal: CurrentPrincipal, bus: Bus
) -> ServiceRequestOut:
    request: ServiceRequest = await bus.handle(
        ReplyToResident(
            request_id=request_id,
            text=body.text,
            progress=body.progress,
            by=principal.subject,
            visible_sites=principal.visible_sites,
        )
    )
    return request_out(request)
