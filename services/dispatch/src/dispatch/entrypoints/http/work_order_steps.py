"""The steps of a work order, one route each (the transition table in ``domain/work_order.py``).

A technician acts only on the orders assigned to them; the service centre (duty staff, the
administrator, the site's managers) on any order of its sites. Each answers 201 when it changed
the order and 200 when it repeats the last change (a retried call), 409 naming the state and the
step when the table does not allow it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Response, status
from hotline_libs.auth import CurrentPrincipal, Principal, Role
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import IsoDateTime
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from dispatch.domain.commands import TakeStep
from dispatch.domain.work_order import (
    CompletionReport,
    Escalation,
    ItemUsed,
    PaymentMethod,
    SignOff,
    Step,
)
from dispatch.entrypoints.http.work_orders import ItemIn, WorkOrderOut, actor_of, work_order_out

router = APIRouter(tags=["work order steps"])
Step_ = TypeVar("Step_", bound=Callable[..., Awaitable[WorkOrderOut]])

RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The same step was the last change (a retried call): nothing changed"},
    403: {"description": "Not your role, or a technician's call on another technician's order"},
    409: {
        "description": "The work order's state does not allow this step (the problem says "
        "which steps it allows)"
    },
}

Reason = Annotated[str, Field(min_length=1, max_length=500, pattern=SHOWS_TEXT, description="Why")]


class ReasonIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "住户改为自行维修"}]}
    )
    reason: Reason


class AssignmentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"technician_id": "dmg-t02", "reason": "李强请假"}]},
    )
    technician_id: str = Field(min_length=1, max_length=40, examples=["dmg-t02"])
    reason: Reason


class QuoteIn(BaseModel):
    """The fee agreed with the customer from the site's price list, before work (DSP-05)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"items": [{"item_code": "RP-TAP", "quantity": 1, "agreed_unit_price": "80.00"}]}
            ]
        },
    )
    items: list[ItemIn] = Field(
        max_length=50,
        description="Price-list items at the unit price agreed (absent: the list price); empty "
        "when the work turns out to be free",
    )


class FinishIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"payment_method": "cash"}]}
    )
    items: list[ItemIn] | None = Field(
        default=None, max_length=50, description="What was delivered; absent: what was quoted"
    )
    payment_method: PaymentMethod | None = Field(default=None, examples=["cash"])
    completed_at: IsoDateTime | None = Field(default=None, description="Now if absent")


class SignOffIn(BaseModel):
    """The customer tried the result (验收). Satisfied: signed off; not satisfied: the work is
    redone (ACC-02), or escalated when it was redone before (ACC-03)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "signed_by": "王芳",
                    "satisfied": True,
                    "signature_ref": "signatures/WO-DMG-20261123-0001.png",
                }
            ]
        },
    )
    signed_by: str = Field(min_length=1, max_length=100, pattern=SHOWS_TEXT, examples=["王芳"])
    satisfied: bool
    signature_ref: str | None = Field(
        default=None,
        max_length=500,
        pattern=SHOWS_TEXT,
        description="Where the signature drawn on the phone is kept",
    )
    opinion: str | None = Field(default=None, max_length=500, pattern=SHOWS_TEXT)
    signed_at: IsoDateTime | None = Field(default=None, description="Now if absent")


class RescheduleIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"appointment_at": "2026-11-24T02:00:00Z", "reason": "住户改约到明天上午"}]
        },
    )
    appointment_at: IsoDateTime = Field(description="The time re-confirmed with the customer")
    reason: Reason


class EscalationIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"to": "site_manager", "reason": "返修后仍不满意"}]},
    )
    to: Escalation = Field(default=Escalation.SERVICE_CENTRE_HEAD)
    reason: Reason


def _items(items: list[ItemIn]) -> tuple[ItemUsed, ...]:
    return tuple(
        ItemUsed(
            i.item_code,
            i.quantity,
            None if i.agreed_unit_price is None else Decimal(i.agreed_unit_price),
        )
        for i in items
    )


async def _take(
    bus: Bus,
    principal: Principal,
    response: Response,
    work_order_id: uuid.UUID,
    step: Step,
    **details: Any,
) -> WorkOrderOut:
    order, changed = await bus.handle(
        TakeStep(
            work_order_id=work_order_id,
            step=step,
            actor=actor_of(principal),
            visible_sites=principal.visible_sites,
            assigned_only=principal.subject if principal.role is Role.TECHNICIAN else None,
            **details,
        )
    )
    if not changed:
        response.status_code = status.HTTP_200_OK
    return work_order_out(order)


def _route(path: str, summary: str) -> Callable[[Step_], Step_]:
    return router.post(
        f"/work-orders/{{work_order_id}}/{path}",
        summary=summary,
        responses=RESPONSES,
        status_code=status.HTTP_201_CREATED,
    )


@_route("assignment", "Give the order to a technician, or to another one before work starts")
async def assign_work_order(
    work_order_id: uuid.UUID,
    body: AssignmentIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    return await _take(
        bus,
        principal,
        response,
        work_order_id,
        Step.REASSIGN,
        technician_id=body.technician_id,
        reason=body.reason,
    )


@_route("acceptance", "The technician takes the order; the time is written down (接单, DSP-03)")
async def accept_work_order(
    work_order_id: uuid.UUID, response: Response, principal: CurrentPrincipal, bus: Bus
) -> WorkOrderOut:
    return await _take(bus, principal, response, work_order_id, Step.ACCEPT)


@_route("departure", "The technician is on the way")
async def set_out_for_work_order(
    work_order_id: uuid.UUID, response: Response, principal: CurrentPrincipal, bus: Bus
) -> WorkOrderOut:
    return await _take(bus, principal, response, work_order_id, Step.SET_OUT)


@_route("arrival", "The technician is at the door; after the appointment it is late (DSP-04)")
async def arrive_for_work_order(
    work_order_id: uuid.UUID, response: Response, principal: CurrentPrincipal, bus: Bus
) -> WorkOrderOut:
    return await _take(bus, principal, response, work_order_id, Step.ARRIVE)


@_route("quote", "The fee agreed with the customer before work; opens the service record")
async def quote_work_order(
    work_order_id: uuid.UUID,
    body: QuoteIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    return await _take(
        bus, principal, response, work_order_id, Step.QUOTE, items=_items(body.items)
    )


@_route("start", "Work begins (paid work once the fee is agreed)")
async def start_work_order(
    work_order_id: uuid.UUID, response: Response, principal: CurrentPrincipal, bus: Bus
) -> WorkOrderOut:
    return await _take(bus, principal, response, work_order_id, Step.START)


@_route("finish", "The work is done; the customer is to try it and sign")
async def finish_work_order(
    work_order_id: uuid.UUID,
    body: FinishIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    report = CompletionReport(
        items=_items(body.items or []),
        payment_method=body.payment_method,
        completed_at=body.completed_at,
    )
    return await _take(bus, principal, response, work_order_id, Step.COMPLETE, report=report)


@_route("sign-off", "The customer's signature, satisfied or not (验收, ACC-01..ACC-03)")
async def sign_off_work_order(
    work_order_id: uuid.UUID,
    body: SignOffIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    sign_off = SignOff(
        signed_by=body.signed_by,
        satisfied=body.satisfied,
        signature_ref=body.signature_ref,
        opinion=body.opinion,
        signed_at=body.signed_at,
    )
    return await _take(bus, principal, response, work_order_id, Step.SIGN_OFF, sign_off=sign_off)


@_route("rework", "The customer is not satisfied: the work is redone (返工、返修, ACC-02)")
async def rework_work_order(
    work_order_id: uuid.UUID,
    body: ReasonIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    return await _take(bus, principal, response, work_order_id, Step.REWORK, reason=body.reason)


@_route("escalation", "Still unsatisfied after rework: to the service-centre head or site manager")
async def escalate_work_order(
    work_order_id: uuid.UUID,
    body: EscalationIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    return await _take(
        bus,
        principal,
        response,
        work_order_id,
        Step.ESCALATE,
        escalate_to=body.to,
        reason=body.reason,
    )


@_route("verification", "The service centre checked the signed record (ACC-05)")
async def verify_work_order(
    work_order_id: uuid.UUID, response: Response, principal: CurrentPrincipal, bus: Bus
) -> WorkOrderOut:
    return await _take(bus, principal, response, work_order_id, Step.VERIFY)


@_route("rescheduling", "A new time re-confirmed with the customer (a missed appointment)")
async def reschedule_work_order(
    work_order_id: uuid.UUID,
    body: RescheduleIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    return await _take(
        bus,
        principal,
        response,
        work_order_id,
        Step.RESCHEDULE,
        appointment_at=body.appointment_at,
        reason=body.reason,
    )


@_route("cancellation", "The customer called it off; it is to be voided (DSP-06)")
async def cancel_work_order(
    work_order_id: uuid.UUID,
    body: ReasonIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    return await _take(bus, principal, response, work_order_id, Step.CANCEL, reason=body.reason)


@_route("void", "Voided (核销) at the service centre or control room before completion")
async def void_work_order(
    work_order_id: uuid.UUID,
    body: ReasonIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    return await _take(bus, principal, response, work_order_id, Step.VOID, reason=body.reason)


@_route("close-out", "Closed (核销): materials back, the record gone to finance (DSP-08)")
async def close_out_work_order(
    work_order_id: uuid.UUID, response: Response, principal: CurrentPrincipal, bus: Bus
) -> WorkOrderOut:
    return await _take(bus, principal, response, work_order_id, Step.CLOSE_OUT)
