"""Dispatch's use cases, one handler per command, all registered in ``HANDLERS``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from hotline_libs.aggregate import is_due
from hotline_libs.errors import Conflict, NotFound, NotYours, RuleViolation
from hotline_libs.ids import derive_id, next_serial_number
from hotline_libs.working_calendars import (
    KeepCalendarYear,
    KeepSitePlace,
    keep_calendar_year,
)

from dispatch.domain.commands import (
    CompleteWorkOrder,
    DispatchRequest,
    DraftRoster,
    OpenRectificationOrder,
    PublishRoster,
    RecordAbsence,
    RecordOnWorkOrder,
    ReportDeadlineReached,
    RosterDeadlineReached,
    SaveTechnician,
    TakeStep,
    WorkOrderDeadlineReached,
)
from dispatch.domain.technician import Technician, skill_needed
from dispatch.domain.work_order import (
    ACCEPTANCE_DUE,
    RECORD_OPENS_FROM,
    RETRY_ASSIGNMENT,
    Actor,
    Escalation,
    FieldClocks,
    Step,
    WorkOrder,
    WorkOrderStatus,
    new_work_order,
    rectification_order,
    trade_needed,
)
from dispatch.service_layer.assignment import assign_or_wait, assign_waiting, technician_for
from dispatch.service_layer.reports import keep_site, report_deadline_reached
from dispatch.service_layer.rosters import (
    draft_roster,
    publish_roster,
    record_absence,
    roster_deadline_reached,
)
from dispatch.service_layer.unit_of_work import DispatchUnitOfWork


async def dispatch_request(
    command: DispatchRequest, uow: DispatchUnitOfWork, field_clocks: FieldClocks | None = None
) -> WorkOrder | None:
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
        requested_items=command.requested_items,
        clocks=field_clocks,
        skill=skill_needed(trade, command.category, command.emergency),
    )
    await assign_or_wait(order, uow, now)
    uow.work_orders.add(order)
    await uow.commit()
    return order


async def open_rectification_order(
    command: OpenRectificationOrder, uow: DispatchUnitOfWork
) -> WorkOrder | None:
    """A new order for the same request to put right what the callback found wanting, given to
    a technician like any other (once per loop; None when the earlier order is unknown here)."""
    work_order_id = derive_id("rectification-order", command.rectification_id, command.loop)
    existing = await uow.work_orders.get(work_order_id)
    if existing is not None:
        return existing
    earlier = await uow.work_orders.get(command.work_order_id)
    if earlier is None or earlier.site_id != command.site_id:
        return None
    now = uow.clock()
    order = rectification_order(
        earlier,
        work_order_id=work_order_id,
        work_order_no=await next_serial_number(uow.serials, "WO", command.site_id.upper(), now),
        rectification_id=command.rectification_id,
        loop=command.loop,
        opinion=command.opinion,
        now=now,
    )
    await assign_or_wait(order, uow, now)
    uow.work_orders.add(order)
    await uow.commit()
    return order


async def complete_work_order(
    command: CompleteWorkOrder, uow: DispatchUnitOfWork
) -> tuple[WorkOrder, bool]:
    """Record the finished visit, signed by the resident; the order and whether this call
    changed it."""
    order = await _visible_order(command.work_order_id, command.visible_sites, uow)
    _check_assigned(order, command.assigned_only)
    now = uow.clock()
    service_record_no = None
    if order.needs_fee_agreed(command.report) and order.status in RECORD_OPENS_FROM:
        service_record_no = await next_serial_number(uow.serials, "SV", order.site_id.upper(), now)
    changed = order.record_visit(command.report, service_record_no, now, command.actor)
    if changed:
        await uow.commit()
    return order, changed


async def take_step(command: TakeStep, uow: DispatchUnitOfWork) -> tuple[WorkOrder, bool]:
    """One step of the work order's table by a technician or the service centre; the order and
    whether this call changed it (a retried call does not)."""
    order = await _visible_order(command.work_order_id, command.visible_sites, uow)
    _check_assigned(order, command.assigned_only)
    now, actor, step = uow.clock(), command.actor, command.step
    changed: bool
    if step in (Step.ASSIGN, Step.REASSIGN):
        technician = await uow.technicians.get(command.technician_id or "")
        if technician is None or technician.site_id != order.site_id:
            raise RuleViolation(
                f"no technician {command.technician_id!r} at site {order.site_id!r}",
                field="technician_id",
            )
        if order.status is WorkOrderStatus.AWAITING_TECHNICIAN:
            order.assign(technician, now, actor, command.reason)
            changed = True
        else:
            changed = order.reassign(technician, now, actor, command.reason)
    elif step is Step.QUOTE:
        record_no = (order.quote.service_record_no if order.quote else None) or (
            await next_serial_number(uow.serials, "SV", order.site_id.upper(), now)
        )
        changed = order.agree_fee(command.items, record_no, now, actor)
    elif step is Step.COMPLETE:
        assert command.report is not None
        changed = order.complete(command.report, now, actor)
    elif step is Step.SIGN_OFF:
        assert command.sign_off is not None
        changed = order.sign(command.sign_off, now, actor)
    elif step is Step.RESCHEDULE:
        assert command.appointment_at is not None
        changed = order.reschedule(command.appointment_at, now, actor, command.reason)
    elif step is Step.ESCALATE:
        to = command.escalate_to or Escalation.SERVICE_CENTRE_HEAD
        changed = order.escalate(to, now, actor, command.reason)
    elif step in _WITH_REASON:
        changed = _WITH_REASON[step](order, now, actor, command.reason)
    else:
        changed = _PLAIN[step](order, now, actor)
    if changed:
        await uow.commit()
    return order, changed


_PLAIN: dict[Step, Callable[[WorkOrder, datetime, Actor], bool]] = {
    Step.ACCEPT: WorkOrder.accept,
    Step.SET_OUT: WorkOrder.set_out,
    Step.ARRIVE: WorkOrder.arrive,
    Step.START: WorkOrder.start,
    Step.VERIFY: WorkOrder.verify,
    Step.CLOSE_OUT: WorkOrder.close_out,
}
_WITH_REASON: dict[Step, Callable[[WorkOrder, datetime, Actor, str], bool]] = {
    Step.REWORK: WorkOrder.rework,
    Step.CANCEL: WorkOrder.cancel,
    Step.VOID: WorkOrder.void,
}


async def record_on_work_order(
    command: RecordOnWorkOrder, uow: DispatchUnitOfWork
) -> tuple[WorkOrder, int]:
    """Materials drawn or given back, damage reported or settled; the order and the number of
    the line or case concerned."""
    order = await _visible_order(command.work_order_id, command.visible_sites, uow)
    _check_assigned(order, command.assigned_only)
    now, number = uow.clock(), command.number
    match command.what:
        case "draw":
            number = order.draw(
                command.item,
                command.quantity,
                command.kind,
                now,
                command.actor,
                charge_as=command.charge_as,
            )
        case "give_back":
            order.give_back(command.number, command.quantity, now, command.actor)
        case "report_damage":
            number = order.report_damage(command.description, now, command.actor)
        case "agree_compensation":
            if not order.agree_compensation(
                command.number, command.amount, command.description, now
            ):
                return order, number
    await uow.commit()
    return order, number


def _check_assigned(order: WorkOrder, technician_id: str | None) -> None:
    """A technician acts only on the orders they have."""
    if technician_id is not None and (
        order.technician is None or order.technician.technician_id != technician_id
    ):
        raise NotYours(
            f"work order {order.work_order_no} is not assigned to you; the service centre "
            "acts on other technicians' orders"
        )


async def _visible_order(
    work_order_id: uuid.UUID, sites: frozenset[str] | None, uow: DispatchUnitOfWork
) -> WorkOrder:
    order = await uow.work_orders.get(work_order_id)
    if order is None or not _visible(order.site_id, sites):
        raise NotFound(f"no work order {work_order_id}")
    return order


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
            skills=command.skills,
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
            name=command.name,
            phone=command.phone,
            trades=command.trades,
            on_duty=command.on_duty,
            skills=command.skills,
        )
    await uow.commit()
    if technician.on_duty:
        await assign_waiting(technician.site_id, uow)
    return technician


async def work_order_deadline_reached(
    command: WorkOrderDeadlineReached, uow: DispatchUnitOfWork
) -> None:
    """A clock ran out: the 15 minutes to dispatch or a field clock (tell the supervisor; an
    order not taken in time goes to someone else on duty), or it is time to look for a technician
    again."""
    order = await uow.work_orders.get(command.work_order_id)
    now = uow.clock()
    if order is None or not is_due(order, command.deadline, now):
        return  # handled already (another replica), or the order has moved on
    if command.deadline == RETRY_ASSIGNMENT:
        await assign_or_wait(order, uow, now)
    elif command.deadline == ACCEPTANCE_DUE:
        late = order.technician.technician_id if order.technician else None
        order.not_taken(await technician_for(order, uow, now, passing_over=late), now)
    else:
        order.deadline_reached(command.deadline, now)
    await uow.commit()


def _visible(site_id: str, sites: frozenset[str] | None) -> bool:
    return sites is None or site_id in sites


HANDLERS: dict[type[Any], Any] = {
    DispatchRequest: dispatch_request,
    OpenRectificationOrder: open_rectification_order,
    CompleteWorkOrder: complete_work_order,
    TakeStep: take_step,
    RecordOnWorkOrder: record_on_work_order,
    SaveTechnician: save_technician,
    WorkOrderDeadlineReached: work_order_deadline_reached,
    DraftRoster: draft_roster,
    PublishRoster: publish_roster,
    RecordAbsence: record_absence,
    RosterDeadlineReached: roster_deadline_reached,
    KeepSitePlace: keep_site,
    ReportDeadlineReached: report_deadline_reached,
    KeepCalendarYear: keep_calendar_year,
}
"""Every command dispatch handles, and its handler."""
