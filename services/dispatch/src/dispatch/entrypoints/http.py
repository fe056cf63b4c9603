"""Dispatch's HTTP API: work orders for the service centre and technicians."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from contracts.envelope import PaymentMethod, Resident
from contracts.intake.v1 import RequestKind
from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from hotline_libs.auth import CurrentPrincipal
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from dispatch.adapters.repository import WORK_ORDERS, MongoTechnicians, MongoWorkOrders
from dispatch.domain.model import Completion, ItemUsed, WorkOrder, WorkOrderStatus
from dispatch.service_layer.services import complete_work_order

router = APIRouter(tags=["work orders"])


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item_code: str = Field(min_length=1, max_length=40, examples=["RP-TAP"])
    quantity: int = Field(default=1, ge=1, le=1000)


class CompletionIn(BaseModel):
    """The technician's report once the resident has tried the result and signed (验收)."""

    model_config = ConfigDict(extra="forbid")
    resident_signed: bool = Field(description="The resident signed the service record")
    items: list[ItemIn] = Field(
        default_factory=list,
        max_length=50,
        description="Paid price-list items delivered; empty for free routine work",
    )
    payment_method: PaymentMethod | None = Field(default=None, examples=["cash"])
    completed_at: AwareDatetime | None = Field(default=None, description="Now if absent")


class TechnicianOut(BaseModel):
    technician_id: str
    name: str
    phone: str
    trades: list[str]
    on_duty: bool


class WorkOrderOut(BaseModel):
    work_order_id: uuid.UUID
    work_order_no: str
    request_id: uuid.UUID
    request_no: str
    site_id: str
    kind: RequestKind
    description: str
    resident: Resident
    technician: TechnicianOut
    status: WorkOrderStatus
    appointment_at: datetime | None
    accepted_at: datetime
    dispatched_at: datetime
    dispatch_due_at: datetime
    dispatched_on_time: bool
    completed_at: datetime | None
    items: list[ItemIn]
    payment_method: PaymentMethod | None


def _out(order: WorkOrder) -> WorkOrderOut:
    t = order.technician
    completion = order.completion
    return WorkOrderOut(
        work_order_id=order.work_order_id,
        work_order_no=order.work_order_no,
        request_id=order.request_id,
        request_no=order.request_no,
        site_id=order.site_id,
        kind=order.kind,
        description=order.description,
        resident=order.resident,
        technician=TechnicianOut(
            technician_id=t.technician_id,
            name=t.name,
            phone=t.phone,
            trades=sorted(t.trades),
            on_duty=t.on_duty,
        ),
        status=order.status,
        appointment_at=order.appointment_at,
        accepted_at=order.accepted_at,
        dispatched_at=order.dispatched_at,
        dispatch_due_at=order.dispatch_due_at,
        dispatched_on_time=order.dispatched_on_time,
        completed_at=completion.completed_at if completion else None,
        items=[
            ItemIn(item_code=i.item_code, quantity=i.quantity)
            for i in (completion.items if completion else ())
        ],
        payment_method=completion.payment_method if completion else None,
    )


@router.get("/work-orders", summary="Work orders, newest first")
async def list_work_orders(
    request: Request,
    principal: CurrentPrincipal,
    request_id: uuid.UUID | None = None,
    status_: Annotated[WorkOrderStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[WorkOrderOut]:
    orders = await MongoWorkOrders(request.app.state.service.db).find(
        sites=principal.visible_sites, request_id=request_id, status=status_, limit=limit
    )
    return [_out(order) for order in orders]


@router.get("/work-orders/{work_order_id}", summary="One work order")
async def get_work_order(
    work_order_id: uuid.UUID, request: Request, principal: CurrentPrincipal
) -> WorkOrderOut:
    order = await MongoWorkOrders(request.app.state.service.db).get(work_order_id)
    if order is None or not principal.may_act_for(order.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no work order {work_order_id}")
    return _out(order)


@router.post(
    "/work-orders/{work_order_id}/completion",
    summary="Record the resident's acceptance of the finished work (验收)",
    responses={
        200: {"description": "This completion was already recorded"},
        409: {"description": "Already completed with different details"},
    },
    status_code=status.HTTP_201_CREATED,
)
async def complete(
    work_order_id: uuid.UUID,
    body: CompletionIn,
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
) -> WorkOrderOut:
    service = request.app.state.service
    orders = MongoWorkOrders(service.db)
    existing = await orders.get(work_order_id)
    if existing is None or not principal.may_act_for(existing.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no work order {work_order_id}")
    now = datetime.now(UTC)
    completion = Completion(
        completed_at=body.completed_at
        or (existing.completion.completed_at if existing.completion else now),
        items=tuple(ItemUsed(i.item_code, i.quantity) for i in body.items),
        payment_method=body.payment_method,
        resident_signed=body.resident_signed,
    )
    order, changed = await complete_work_order(
        work_order_id, completion, orders=orders, technicians=MongoTechnicians(service.db), now=now
    )
    if changed:
        service.events_written(WORK_ORDERS, str(order.work_order_id))
    else:
        response.status_code = status.HTTP_200_OK
    return _out(order)


@router.get("/technicians", tags=["technicians"], summary="Technicians of one site")
async def list_technicians(
    site_id: str, request: Request, principal: CurrentPrincipal
) -> list[TechnicianOut]:
    principal.require_site(site_id)
    technicians = await MongoTechnicians(request.app.state.service.db).at_site(site_id)
    return [
        TechnicianOut(
            technician_id=t.technician_id,
            name=t.name,
            phone=t.phone,
            trades=sorted(t.trades),
            on_duty=t.on_duty,
        )
        for t in technicians
    ]
