"""Work orders for the service centre and the technicians."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from hotline_libs.auth import CurrentPrincipal, Principal, Role
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.money import PositiveAmount
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
from pydantic import BaseModel, ConfigDict, Field

from dispatch.domain.commands import CompleteWorkOrder
from dispatch.domain.work_order import (
    Actor,
    CompletionReport,
    ItemUsed,
    PaymentMethod,
    WorkOrder,
    WorkOrderStatus,
)
from dispatch.entrypoints.http import Reader

router = APIRouter(tags=["work orders"])


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item_code: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=40, examples=["RP-TAP"])
    quantity: int = Field(default=1, ge=1, le=1000)
    agreed_unit_price: PositiveAmount | None = Field(
        default=None,
        description="Unit price agreed with the resident before work (DSP-05), if recorded",
    )


class CompletionIn(BaseModel):
    """A finished visit, from the technician's phone or their signed paper record (补录): the
    resident tried the result and signed, satisfied (验收)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "resident_signed": True,
                    "items": [{"item_code": "RP-TAP", "quantity": 1}],
                    "payment_method": "cash",
                }
            ]
        },
    )
    resident_signed: Literal[True] = Field(
        description="The resident signed the service record (顾客签名); an unsatisfied resident's "
        "order stays open for rework, so this is always true"
    )
    items: list[ItemIn] = Field(
        default_factory=list,
        max_length=50,
        description="Paid price-list items delivered; empty for free routine work",
    )
    payment_method: PaymentMethod | None = Field(default=None, examples=["cash"])
    completed_at: IsoDateTime | None = Field(default=None, description="Now if absent")


class ContactOut(BaseModel):
    name: str
    phone: str
    email: str | None
    building: str
    room: str


class AssigneeOut(BaseModel):
    technician_id: str
    name: str
    phone: str


class ActorOut(BaseModel):
    subject: str
    role: str
    name: str


class MaterialOut(BaseModel):
    line_no: int
    item: str
    quantity: int
    kind: str
    outstanding: int = Field(description="Still out of the warehouse")
    drawn_at: datetime
    charge_as: str | None = Field(
        default=None, description="The price-list item the customer pays for it as, if any"
    )


class DamageOut(BaseModel):
    case_no: int
    description: str
    reported_at: datetime
    open: bool = Field(description="No compensation agreed yet")
    compensation: str | None
    agreement: str | None


class ChangeOut(BaseModel):
    step: str
    from_status: WorkOrderStatus
    to_status: WorkOrderStatus
    at: datetime
    actor: ActorOut
    reason: str


def _items_out(items: tuple[ItemUsed, ...]) -> list[ItemIn]:
    return [
        ItemIn(item_code=i.item_code, quantity=i.quantity, agreed_unit_price=i.agreed_unit_price)
        for i in items
    ]


def actor_of(principal: Principal) -> Actor:
    """The member of staff making a change, as the work order's history keeps them."""
    return Actor(subject=principal.subject, role=principal.role.value, name=principal.name)


class SignOffOut(BaseModel):
    signed_by: str
    satisfied: bool
    signature_ref: str | None = Field(description="Where the drawn signature is kept, if any")
    opinion: str | None
    signed_at: datetime | None


class WorkOrderOut(BaseModel):
    work_order_id: uuid.UUID
    work_order_no: str
    request_id: uuid.UUID
    request_no: str
    site_id: str
    board: str
    trade: str
    description: str
    resident: ContactOut
    technician: AssigneeOut | None
    status: WorkOrderStatus
    waiting_reason: str | None = Field(description="Why it waits for a technician, if it does")
    emergency: str | None = Field(
        description="What makes it an emergency (water_leak, gas, ...): sent out before other "
        "waiting work"
    )
    appointment_at: datetime | None
    accepted_at: datetime
    created_at: datetime = Field(description="When dispatch made the work order")
    dispatched_at: datetime | None
    dispatch_due_at: datetime
    dispatched_on_time: bool | None = Field(description="None while nobody has it")
    overdue_reported_at: datetime | None
    taken_at: datetime | None = Field(description="When the technician took it (接单时间)")
    arrived_at: datetime | None
    arrived_late: bool | None = Field(description="Arrived after the appointment (DSP-04)")
    service_record_no: str | None = Field(
        description="The service and callback record opened when the fee was agreed"
    )
    agreed_items: list[ItemIn] = Field(description="The fee agreed before work (DSP-05)")
    completed_at: datetime | None
    items: list[ItemIn]
    payment_method: PaymentMethod | None
    signed_by: str | None
    satisfied: bool | None
    sign_off: SignOffOut | None = Field(
        description="The customer's signature on the satisfied work (顾客签名, ACC-01)"
    )
    reworks: int = Field(description="Times the work was redone for the customer (ACC-02)")
    rectification_id: uuid.UUID | None = Field(
        default=None,
        description="The rectification (整改) this order puts right, after a callback found the "
        "resident unsatisfied with an earlier order's work",
    )
    escalated_to: str | None
    reschedules: int
    next_steps: list[str] = Field(description="What may be done next, as the table says")
    history: list[ChangeOut] = Field(description="Every change: step, actor, reason")
    materials: list[MaterialOut] = Field(description="Drawn from the warehouse (DSP-07)")
    damage: list[DamageOut] = Field(description="The customer's property damaged (ACC-04)")
    missed_clocks: list[str] = Field(description="Field clocks that ran out")
    version: int


def work_order_out(order: WorkOrder) -> WorkOrderOut:
    t, r, completion = order.technician, order.resident, order.completion
    return WorkOrderOut(
        work_order_id=order.work_order_id,
        work_order_no=order.work_order_no,
        request_id=order.request_id,
        request_no=order.request_no,
        site_id=order.site_id,
        board=order.board.value,
        trade=order.trade,
        description=order.description,
        resident=ContactOut(
            name=r.name, phone=r.phone, email=r.email, building=r.building, room=r.room
        ),
        technician=None
        if t is None
        else AssigneeOut(technician_id=t.technician_id, name=t.name, phone=t.phone),
        status=order.status,
        waiting_reason=order.waiting_reason,
        emergency=order.emergency,
        appointment_at=order.appointment_at,
        accepted_at=order.accepted_at,
        created_at=order.created_at,
        dispatched_at=order.dispatched_at,
        dispatch_due_at=order.dispatch_due_at,
        dispatched_on_time=order.dispatched_on_time,
        overdue_reported_at=order.overdue_reported_at,
        taken_at=order.taken_at,
        arrived_at=order.arrived_at,
        arrived_late=order.arrived_late,
        service_record_no=order.quote.service_record_no if order.quote else None,
        agreed_items=_items_out(order.quote.items if order.quote else ()),
        completed_at=completion.completed_at if completion else None,
        items=_items_out(completion.items if completion else ()),
        payment_method=completion.payment_method if completion else None,
        signed_by=order.sign_off.signed_by if order.sign_off else None,
        satisfied=order.sign_off.satisfied if order.sign_off else None,
        sign_off=None if order.sign_off is None else SignOffOut(**vars(order.sign_off)),
        reworks=order.reworks,
        rectification_id=order.rectification_id,
        escalated_to=order.escalated_to.value if order.escalated_to else None,
        reschedules=order.reschedules,
        next_steps=[step.value for step in order.allowed_steps()],
        history=[
            ChangeOut(
                step=c.step.value,
                from_status=c.from_status,
                to_status=c.to_status,
                at=c.at,
                actor=ActorOut(subject=c.actor.subject, role=c.actor.role, name=c.actor.name),
                reason=c.reason,
            )
            for c in order.history
        ],
        materials=[
            MaterialOut(
                line_no=m.line_no,
                item=m.item,
                quantity=m.quantity,
                kind=m.kind.value,
                outstanding=m.outstanding,
                drawn_at=m.drawn_at,
                charge_as=m.charge_as,
            )
            for m in order.materials
        ],
        damage=[
            DamageOut(
                case_no=d.case_no,
                description=d.description,
                reported_at=d.reported_at,
                open=d.open,
                compensation=None if d.compensation is None else f"{d.compensation:.2f}",
                agreement=d.agreement,
            )
            for d in order.damage
        ],
        missed_clocks=list(order.clocks_missed),
        version=order.version,
    )


CREATED = time_window("created", "work orders created")


@router.get("/work-orders", summary="Work orders, newest first, a page at a time")
async def list_work_orders(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    created: Annotated[TimeWindow, Depends(CREATED)],
    site_id: SiteFilter = None,
    request_id: uuid.UUID | None = None,
    status_: Annotated[
        WorkOrderStatus | None,
        Query(alias="status", description="awaiting_technician lists what nobody has yet"),
    ] = None,
    technician_id: Annotated[
        str | None, Query(min_length=1, max_length=40, description="Only this technician's")
    ] = None,
) -> Page[WorkOrderOut]:
    found = await reader.work_orders.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        request_id=request_id,
        status=status_,
        technician_id=technician_id,
        created=created,
    )
    return page_of(found, page, work_order_out)


@router.get("/work-orders/{work_order_id}", summary="One work order")
async def get_work_order(
    work_order_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> WorkOrderOut:
    order = await reader.work_orders.get(work_order_id)
    if order is None or not principal.may_act_for(order.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no work order {work_order_id}")
    return work_order_out(order)


@router.post(
    "/work-orders/{work_order_id}/completion",
    summary="Record a finished visit in one go, signed by the resident, satisfied (验收); the "
    "steps not yet recorded (taken, arrived, fee agreed, started, completed) are taken now",
    responses={
        200: {"description": "This completion was already recorded"},
        409: {
            "description": "Already completed with different details, not dispatched yet, or "
            "cancelled, voided or escalated"
        },
    },
    status_code=status.HTTP_201_CREATED,
)
async def complete_work_order(
    work_order_id: uuid.UUID,
    body: CompletionIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    order, changed = await bus.handle(
        CompleteWorkOrder(
            work_order_id=work_order_id,
            report=CompletionReport(
                items=tuple(
                    ItemUsed(
                        i.item_code,
                        i.quantity,
                        None if i.agreed_unit_price is None else Decimal(i.agreed_unit_price),
                    )
                    for i in body.items
                ),
                payment_method=body.payment_method,
                completed_at=body.completed_at,
            ),
            visible_sites=principal.visible_sites,
            actor=actor_of(principal),
            assigned_only=principal.subject if principal.role is Role.TECHNICIAN else None,
        )
    )
    if not changed:
        response.status_code = status.HTTP_200_OK
    return work_order_out(order)
