"""The callback service's domain events → the integration events it publishes."""

from __future__ import annotations

from typing import Any

from contracts.callback import v1
from contracts.envelope import PaymentMethod, Resident
from hotline_libs.ids import event_id
from hotline_libs.unit_of_work import EventContext

from callback.domain import events
from callback.domain.callback import Callback
from contracts import Event

PRODUCER = "callback"


def to_integration(callback: Callback, event: Any, context: EventContext) -> Event[Any] | None:
    """The integration event ``event`` of ``callback`` is published as; the rest stays inside."""
    done = callback.completed
    if done is None or callback.reason is None or callback.due_on is None:
        return None
    reason = v1.CallbackReason(callback.reason.value)
    common: dict[str, Any] = {
        "producer": PRODUCER,
        "site_id": callback.site_id,
        "correlation_id": done.request_id,
        "causation_id": context.causation_id,
        "aggregate_version": context.aggregate_version,
    }
    if isinstance(event, events.CallbackMade):
        outcome = callback.outcome
        assert outcome is not None
        made: v1.CallbackMade = v1.CallbackMade.build(
            event_id=event_id(v1.CallbackMade, callback.callback_id),
            occurred_at=outcome.made_at,
            payload=v1.CallbackMadePayload(
                callback_id=callback.callback_id,
                work_order_id=callback.work_order_id,
                request_id=done.request_id,
                request_no=done.request_no,
                service_record_no=done.service_record_no,
                reason=reason,
                satisfied=outcome.satisfied,
                opinion=outcome.opinion,
                method=v1.CallbackMethod(outcome.method.value),
                signature_ref=outcome.signature_ref,
                agent=outcome.agent,
                made_at=outcome.made_at,
                rectification_id=callback.rectification_id,
            ),
            **common,
        )
        return made
    if callback.work_order_id is None:
        # v1 of the scheduled and overdue events follows a work order: a complaint's callback
        # is announced in v2 only (events_v2)
        return None
    if isinstance(event, events.CallbackScheduled):
        r = done.resident
        scheduled: v1.CallbackScheduled = v1.CallbackScheduled.build(
            event_id=event_id(v1.CallbackScheduled, callback.callback_id),
            occurred_at=event.scheduled_at,
            payload=v1.CallbackScheduledPayload(
                callback_id=callback.callback_id,
                work_order_id=callback.work_order_id,
                request_id=done.request_id,
                request_no=done.request_no,
                resident=Resident(
                    name=r.name, phone=r.phone, email=r.email, building=r.building, room=r.room
                ),
                reason=reason,
                payment_method=PaymentMethod(done.payment_method) if done.payment_method else None,
                due_on=callback.due_on,
                scheduled_at=event.scheduled_at,
            ),
            **common,
        )
        return scheduled
    if isinstance(event, events.CallbackOverdue):
        overdue: v1.CallbackOverdue = v1.CallbackOverdue.build(
            event_id=event_id(v1.CallbackOverdue, callback.callback_id),
            occurred_at=event.noticed_at,
            payload=v1.CallbackOverduePayload(
                callback_id=callback.callback_id,
                work_order_id=callback.work_order_id,
                request_id=done.request_id,
                request_no=done.request_no,
                reason=reason,
                due_on=callback.due_on,
                due_at=event.due_at,
                noticed_at=event.noticed_at,
                overdue_by_s=max(0, int(event.overdue_by.total_seconds())),
            ),
            **common,
        )
        return overdue
    return None
