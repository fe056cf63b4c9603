"""Dispatch's domain events → the integration events it publishes (``contracts.dispatch.v1``)."""

from __future__ import annotations

from typing import Any

from contracts.dispatch import v1
from contracts.envelope import PaymentMethod, Resident
from hotline_libs.ids import event_id
from hotline_libs.unit_of_work import EventContext

from contracts import Event
from dispatch.domain import events
from dispatch.domain.technician import Assignee
from dispatch.domain.work_order import Step, WorkOrder

PRODUCER = "dispatch"


def _resident(order: WorkOrder) -> Resident:
    r = order.resident
    return Resident(name=r.name, phone=r.phone, email=r.email, building=r.building, room=r.room)


def _technician(assignee: Assignee) -> v1.Technician:
    return v1.Technician(
        technician_id=assignee.technician_id, name=assignee.name, phone=assignee.phone
    )


def _build(
    model: type[Event[Any]],
    order: WorkOrder,
    context: EventContext,
    payload: Any,
    occurred: Any,
    *,
    after: object = None,
) -> Event[Any]:
    # one event of each kind per work order, or per ``after`` (a reassignment, a clock's round):
    # a retry reproduces the same id
    cause = order.work_order_id if after is None else f"{order.work_order_id}/{after}"
    event: Event[Any] = model.build(
        event_id=event_id(model, cause),
        producer=PRODUCER,
        site_id=order.site_id,
        correlation_id=order.request_id,
        causation_id=context.causation_id,
        occurred_at=occurred,
        aggregate_version=context.aggregate_version,
        payload=payload,
    )
    return event


def to_integration(order: WorkOrder, event: Any, context: EventContext) -> Event[Any] | None:
    """The integration event ``event`` of ``order`` is published as."""
    if isinstance(event, events.WorkOrderDispatched):
        assert order.technician is not None
        return _build(
            v1.WorkOrderDispatched,
            order,
            context,
            v1.WorkOrderDispatchedPayload(
                work_order_id=order.work_order_id,
                work_order_no=order.work_order_no,
                request_id=order.request_id,
                request_no=order.request_no,
                resident=_resident(order),
                technician=_technician(order.technician),
                description=order.description,
                appointment_at=order.appointment_at,
                accepted_at=order.accepted_at,
                dispatched_at=event.dispatched_at,
                dispatch_due_at=order.dispatch_due_at,
                dispatched_on_time=event.dispatched_at <= order.dispatch_due_at,
            ),
            event.dispatched_at,
            after=None if event.round == 1 else event.round,
        )
    if isinstance(event, events.WorkOrderAwaitingTechnician):
        return _build(
            v1.WorkOrderAwaitingTechnician,
            order,
            context,
            v1.WorkOrderAwaitingTechnicianPayload(
                work_order_id=order.work_order_id,
                work_order_no=order.work_order_no,
                request_id=order.request_id,
                request_no=order.request_no,
                trade=order.trade,
                description=order.description,
                reason=event.reason,
                accepted_at=order.accepted_at,
                dispatch_due_at=order.dispatch_due_at,
                waiting_since=event.since,
            ),
            event.since,
        )
    if isinstance(event, events.WorkOrderDispatchOverdue):
        return _build(
            v1.WorkOrderDispatchOverdue,
            order,
            context,
            v1.WorkOrderDispatchOverduePayload(
                work_order_id=order.work_order_id,
                work_order_no=order.work_order_no,
                request_id=order.request_id,
                request_no=order.request_no,
                trade=order.trade,
                technician=_technician(order.technician) if order.technician else None,
                accepted_at=order.accepted_at,
                dispatch_due_at=event.due_at,
                noticed_at=event.noticed_at,
                overdue_by_s=max(0, int(event.overdue_by.total_seconds())),
            ),
            event.noticed_at,
        )
    if isinstance(event, events.WorkOrderClockMissed):
        return _build(
            v1.WorkOrderClockMissed,
            order,
            context,
            v1.WorkOrderClockMissedPayload(
                work_order_id=order.work_order_id,
                work_order_no=order.work_order_no,
                request_id=order.request_id,
                request_no=order.request_no,
                clock=v1.FieldClock(event.clock),
                trade=order.trade,
                technician=_technician(event.technician) if event.technician else None,
                reassigned_to=_technician(event.reassigned_to) if event.reassigned_to else None,
                emergency=order.emergency is not None,
                due_at=event.due_at,
                noticed_at=event.noticed_at,
                overdue_by_s=max(0, int((event.noticed_at - event.due_at).total_seconds())),
            ),
            event.noticed_at,
            after=event.key,
        )
    if isinstance(event, events.WorkOrderCompleted):
        completion = order.completion
        assert completion is not None
        assert order.technician is not None
        return _build(
            v1.WorkOrderCompleted,
            order,
            context,
            v1.WorkOrderCompletedPayload(
                work_order_id=order.work_order_id,
                work_order_no=order.work_order_no,
                request_id=order.request_id,
                request_no=order.request_no,
                resident=_resident(order),
                technician_id=order.technician.technician_id,
                completed_at=completion.completed_at,
                items=[
                    v1.ServiceItemUsed(
                        item_code=item.item_code,
                        quantity=item.quantity,
                        agreed_unit_price=item.agreed_unit_price,
                    )
                    for item in completion.items
                ],
                payment_method=PaymentMethod(completion.payment_method.value)
                if completion.payment_method
                else None,
                resident_signed=order.sign_off is not None,
                service_record_no=order.quote.service_record_no if order.quote else None,
                signed_by=order.sign_off.signed_by if order.sign_off else None,
                reworks=order.reworks,
                rectification_id=order.rectification_id,
            ),
            completion.completed_at,
        )
    if isinstance(event, events.WorkOrderChanged) and event.step not in TOLD_ELSEWHERE:
        return _progressed(order, event, context)
    return None


TOLD_ELSEWHERE = frozenset({Step.ASSIGN.value, Step.REASSIGN.value})
"""Steps ``WorkOrderDispatched`` tells already."""


def _progressed(
    order: WorkOrder, event: events.WorkOrderChanged, context: EventContext
) -> Event[Any]:
    change = order.history[event.change_no - 1]
    return _build(
        v1.WorkOrderProgressed,
        order,
        context,
        v1.WorkOrderProgressedPayload(
            work_order_id=order.work_order_id,
            work_order_no=order.work_order_no,
            request_id=order.request_id,
            request_no=order.request_no,
            change_no=event.change_no,
            step=v1.WorkOrderStep(change.step.value),
            from_status=change.from_status.value,
            to_status=change.to_status.value,
            at=change.at,
            actor_role=change.actor.role,
            actor_name=change.actor.name or change.actor.subject,
            reason=change.reason,
        ),
        change.at,
        after=f"change-{event.change_no}",
    )
