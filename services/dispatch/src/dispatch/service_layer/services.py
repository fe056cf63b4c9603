"""Dispatch's use cases."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

from contracts.intake.v1 import ServiceRequestAccepted
from hotline_libs.errors import NotFound
from hotline_libs.ids import Serials, derive_id, next_serial_number

from contracts import Event
from dispatch.adapters.events import work_order_completed, work_order_dispatched
from dispatch.domain.model import (
    Completion,
    Technician,
    WorkOrder,
    choose_technician,
    trade_needed,
)


class WorkOrders(Protocol):
    async def add(self, order: WorkOrder, events: list[Event[Any]]) -> bool: ...
    async def get(self, work_order_id: uuid.UUID) -> WorkOrder | None: ...
    async def save_completion(self, order: WorkOrder, events: list[Event[Any]]) -> bool: ...


class Technicians(Protocol):
    async def at_site(self, site_id: str) -> list[Technician]: ...
    async def workload(self, site_id: str) -> dict[str, int]: ...
    async def change_workload(self, technician_id: str, delta: int) -> None: ...


async def dispatch_request(
    accepted: ServiceRequestAccepted,
    *,
    orders: WorkOrders,
    technicians: Technicians,
    serials: Serials,
    now: datetime,
) -> WorkOrder | None:
    """Create and assign the work order of an accepted request; None if it needs no visit.

    The work order id is derived from the request id, so a redelivered event finds the work
    order it already created instead of dispatching a second technician.
    """
    request = accepted.payload
    trade = trade_needed(request.kind)
    if trade is None:
        return None
    work_order_id = derive_id("work-order", request.request_id)
    existing = await orders.get(work_order_id)
    if existing is not None:
        return existing
    technician = choose_technician(
        await technicians.at_site(accepted.site_id),
        await technicians.workload(accepted.site_id),
        trade,
        accepted.site_id,
    )
    order = WorkOrder(
        work_order_id=work_order_id,
        work_order_no=await next_serial_number(serials, "WO", accepted.site_id.upper(), now),
        request_id=request.request_id,
        request_no=request.request_no,
        site_id=accepted.site_id,
        kind=request.kind,
        description=request.description,
        resident=request.resident,
        technician=technician,
        appointment_at=request.appointment_at,
        accepted_at=request.accepted_at,
        dispatched_at=now,
    )
    if await orders.add(order, [work_order_dispatched(order, accepted.event_id)]):
        await technicians.change_workload(technician.technician_id, +1)
        return order
    return await orders.get(work_order_id)


async def complete_work_order(
    work_order_id: uuid.UUID,
    completion: Completion,
    *,
    orders: WorkOrders,
    technicians: Technicians,
    now: datetime,
) -> tuple[WorkOrder, bool]:
    """Record the resident's acceptance; returns the order and whether this call changed it."""
    order = await orders.get(work_order_id)
    if order is None:
        raise NotFound(f"no work order {work_order_id}")
    if not order.complete(completion, now):
        return order, False
    if await orders.save_completion(order, [work_order_completed(order)]):
        await technicians.change_workload(order.technician.technician_id, -1)
        return order, True
    # completed concurrently: answer as a retry of that completion would be answered
    latest = await orders.get(work_order_id)
    assert latest is not None
    latest.complete(completion, now)
    return latest, False
