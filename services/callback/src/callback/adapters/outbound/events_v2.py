"""The callback's scheduled and overdue events → version 2 of their integration events, which
follow any case: a work order, a complaint resolved without one, a rectification's loop."""

from __future__ import annotations

from typing import Any

from contracts.callback import v1, v2
from contracts.envelope import PaymentMethod, Resident
from hotline_libs.ids import event_id
from hotline_libs.unit_of_work import EventContext

from callback.adapters.outbound.events_v1 import envelope
from callback.domain import events
from callback.domain.callback import Callback


def to_integration(
    callback: Callback, event: Any, context: EventContext
) -> v2.CallbackScheduled | v2.CallbackOverdue | None:
    """Version 2 of the event ``event`` of ``callback`` is published as, if it has one."""
    done = callback.completed
    if done is None or callback.reason is None or callback.due_on is None:
        return None
    common = envelope(callback, done.request_id, context)
    case: dict[str, Any] = {
        "callback_id": callback.callback_id,
        "work_order_id": callback.work_order_id,
        "request_id": done.request_id,
        "request_no": done.request_no,
        "reason": v1.CallbackReason(callback.reason.value),
        "rectification_id": callback.rectification_id,
        "due_on": callback.due_on,
    }
    if isinstance(event, events.CallbackScheduled):
        r = done.resident
        scheduled: v2.CallbackScheduled = v2.CallbackScheduled.build(
            event_id=event_id(v2.CallbackScheduled, callback.callback_id),
            occurred_at=event.scheduled_at,
            payload=v2.CallbackScheduledPayloadV2(
                **case,
                resident=Resident(
                    name=r.name, phone=r.phone, email=r.email, building=r.building, room=r.room
                ),
                payment_method=PaymentMethod(done.payment_method) if done.payment_method else None,
                scheduled_at=event.scheduled_at,
            ),
            **common,
        )
        return scheduled
    if isinstance(event, events.CallbackOverdue):
        overdue: v2.CallbackOverdue = v2.CallbackOverdue.build(
            event_id=event_id(v2.CallbackOverdue, callback.callback_id),
            occurred_at=event.noticed_at,
            payload=v2.CallbackOverduePayloadV2(
                **case,
                due_at=event.due_at,
                noticed_at=event.noticed_at,
                overdue_by_s=max(0, int(event.overdue_by.total_seconds())),
            ),
            **common,
        )
        return overdue
    return None
