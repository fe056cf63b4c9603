"""Dispatch's use cases, one handler per command, all registered in ``HANDLERS``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hotline_libs.aggregate import is_due
from hotline_libs.errors import Conflict, NotFound
from hotline_libs.ids import derive_id, next_serial_number

from dispatch.domain.commands import (
    CompleteWorkOrder,
    DispatchRequest,
    SaveTechnician,
    WorkOrderDeadlineReached,
)
from dispatch.domain.technician import Technician, choose_technician
from dispatch.domain.work_order import (
    RETRY_ASSIGNMENT,
    WorkOrder,
    dispatch_order,
    new_work_order,
    trade_needed,
)
from dispatch.service_layer.unit_of_work import DispatchUnitOfWork


async def dispatch_request(command: DispatchRequest, uow: DispatchUnitOfWork) -> WorkOrder | None:
    """Create the work order of an accepted request and give it to a technician, or let it wait
    visibly for one; None when the request sends nobody (a consultation, say).

    The work order id is derived from the request id, so a redelivered event finds the work
    order it already created instead of dispatching a second technician.
    """
    trade = trade_needed(command.board)
    if trade is None:
        return None
    work_order_id = derive_id("work-order", command.request_id)
    existing = await uow.work_orders.get(work_order_id)
    if existing is not None:
        return existing
    now = uow.clock()
    order = new_work_order(
        work_order_id=work_order_id,
        work_order_no=await next_serial_number(uow.serials, "WO", command.site_id.upper(), now),
        request_id=command.request_id,
        request_no=command.request_no,
        site_id=command.site_id,
        board=command.board,
        trade=trade,
        description=command.description,
        resident=command.resident,
        appointment_at=command.appointment_at,
        accepted_at=command.accepted_at,
        now=now,
        emergency=command.emergency,
    )
    await _assign_or_wait(order, uow, now)
    uow.work_orders.add(order)
    await uow.commit()
    return order


async def _technician_for(order: WorkOrder, uow: DispatchUnitOfWork) -> Technician | None:
    return choose_technician(
        await uow.technicians.at_site(order.site_id),
        await uow.work_orders.open_per_technician(order.site_id),
        order.trade,
        order.site_id,
    )


async def _assign_or_wait(order: WorkOrder, uow: DispatchUnitOfWork, now: datetime) -> None:
    technician = await _technician_for(order, uow)
    if technician is None:
        order.await_technician(now)
    else:
        order.assign(technician, now)


async def complete_work_order(
    command: CompleteWorkOrder, uow: DispatchUnitOfWork
) -> tuple[WorkOrder, bool]:
    """Record the resident's acceptance; the order and whether this call changed it."""
    order = await uow.work_orders.get(command.work_order_id)
    if order is None or not _visible(order.site_id, command.visible_sites):
        raise NotFound(f"no work order {command.work_order_id}")
    changed = order.complete(command.report, uow.clock())
    if changed:
        await uow.commit()
    return order, changed


async def save_technician(command: SaveTechnician, uow: DispatchUnitOfWork) -> Technician:
    """Add or change a technician; when they are on duty, the site's waiting work orders of
    their trades are assigned at once (each in its own write)."""
    technician = await uow.technicians.get(command.technician_id)
    if technician is None:
        technician = Technician(
            technician_id=command.technician_id,
            site_id=command.site_id,
            name=command.name,
            phone=command.phone,
            trades=command.trades,
            on_duty=command.on_duty,
        )
        uow.technicians.add(technician)
    elif technician.site_id != command.site_id:
        if command.visible_sites is not None and technician.site_id not in command.visible_sites:
            # someone else's technician: say the id is taken, not where they work
            raise Conflict(f"technician id {command.technician_id!r} is taken; choose another")
        raise Conflict(
            f"technician {command.technician_id} works at site {technician.site_id!r}, not "
            f"{command.site_id!r}; a technician moving sites gets a new id"
        )
    else:
        technician.update(
            name=command.name, phone=command.phone, trades=command.trades, on_duty=command.on_duty
        )
    await uow.commit()
    if technician.on_duty:
        await assign_waiting(technician.site_id, uow)
    return technician


async def assign_waiting(site_id: str, uow: DispatchUnitOfWork) -> int:
    """Give the site's waiting work orders, emergencies first and then the oldest, to whoever
    is on duty now."""
    assigned = 0
    for order in dispatch_order(await uow.work_orders.waiting_at(site_id)):
        technician = await _technician_for(order, uow)
        if technician is not None:
            order.assign(technician, uow.clock())
            await uow.commit()
            assigned += 1
    return assigned


async def work_order_deadline_reached(
    command: WorkOrderDeadlineReached, uow: DispatchUnitOfWork
) -> None:
    """The 15 minutes ran out (tell the supervisor), or it is time to look for a technician again."""
    order = await uow.work_orders.get(command.work_order_id)
    now = uow.clock()
    if order is None or not is_due(order, command.deadline, now):
        return  # handled already (another replica), or the order has moved on
    if command.deadline == RETRY_ASSIGNMENT:
        await _assign_or_wait(order, uow, now)
    else:
        order.deadline_reached(command.deadline, now)
    await uow.commit()


def _visible(site_id: str, sites: frozenset[str] | None) -> bool:
    return sites is None or site_id in sites


HANDLERS: dict[type[Any], Any] = {
    DispatchRequest: dispatch_request,
    CompleteWorkOrder: complete_work_order,
    SaveTechnician: save_technician,
    WorkOrderDeadlineReached: work_order_deadline_reached,
}
"""Every command dispatch handles, and its handler."""
