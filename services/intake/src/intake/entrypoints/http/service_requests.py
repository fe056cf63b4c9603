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
from intake.domain.commands import RegisterRequest
from intake.domain.service_request import (
    Channel,
    Registration,
    RequestedItem,
    RequestStatus,
    ResidentContact,
    ServiceRequest,
)
from intake.entrypoints.http import Reader

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
    appointment_at: IsoDateTime | None = None
    registered_at: IsoDateTime | None = Field(
        default=None, description="Time of the call; now if absent"
    )


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
    registered_at: datetime
    accepted_at: datetime
    status: RequestStatus
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
        registered_at=request.registered_at,
        accepted_at=request.accepted_at,
        status=request.status,
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
            ),
            idempotency_key=idempotency_key,
        )
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/service-requests/{accepted.request_id}"
    return request_out(accepted)


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
) -> Page[ServiceRequestOut]:
    found = await reader.requests.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        status=status_,
        kind=kind,
        registered=registered,
    )
    return page_of(found, page, request_out)
