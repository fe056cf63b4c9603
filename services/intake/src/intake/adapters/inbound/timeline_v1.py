"""The other services' events about a request → entries of its timeline."""

from __future__ import annotations

from typing import Any

from contracts.billing.v1 import (
    ChargeCollectionRejected,
    ChargePaid,
    ChargeRaised,
    ManagementFeeReminderDue,
)
from contracts.callback.v1 import (
    CallbackMade,
    RectificationClosed,
    RectificationEscalated,
    RectificationOpened,
)
from contracts.callback.v2 import CallbackOverdue, CallbackScheduled
from contracts.dispatch.v1 import (
    WorkOrderAwaitingTechnician,
    WorkOrderClockMissed,
    WorkOrderCompleted,
    WorkOrderDispatched,
    WorkOrderDispatchOverdue,
    WorkOrderProgressed,
)
from contracts.notification.v1 import NotificationSent

from contracts import Event
from intake.domain.commands import NoteOnTimeline
from intake.domain.timeline import TimelineEntry

FOLLOWED = (
    WorkOrderDispatched,
    WorkOrderAwaitingTechnician,
    WorkOrderDispatchOverdue,
    WorkOrderClockMissed,
    WorkOrderProgressed,
    WorkOrderCompleted,
    ChargeRaised,
    ChargePaid,
    ChargeCollectionRejected,
    CallbackScheduled,
    CallbackOverdue,
    CallbackMade,
    RectificationOpened,
    RectificationClosed,
    RectificationEscalated,
    NotificationSent,
)
"""The events of other services intake keeps on a request's timeline. Version 2 of a callback's
scheduled and overdue events: they follow a complaint's callback too; v1 of them, published
beside v2 for older consumers, is not read (each version has its own event id)."""


def _summary(event: Event[Any]) -> tuple[str, dict[str, Any]]:
    p = event.payload
    match event:
        case WorkOrderDispatched():
            return (
                f"work order {p.work_order_no} sent to {p.technician.name}",
                {"work_order_no": p.work_order_no, "technician": p.technician.name},
            )
        case WorkOrderAwaitingTechnician():
            return (
                f"work order {p.work_order_no} waits for a technician: {p.reason}",
                {"work_order_no": p.work_order_no, "reason": p.reason},
            )
        case WorkOrderDispatchOverdue():
            return (
                f"work order {p.work_order_no} not sent within 15 minutes",
                {"work_order_no": p.work_order_no, "due_at": p.dispatch_due_at.isoformat()},
            )
        case WorkOrderClockMissed():
            moved = f", now with {p.reassigned_to.name}" if p.reassigned_to else ""
            return (
                f"work order {p.work_order_no}: {p.clock.value} late{moved}",
                {
                    "work_order_no": p.work_order_no,
                    "clock": p.clock.value,
                    "due_at": p.due_at.isoformat(),
                },
            )
        case WorkOrderProgressed():
            return (
                f"work order {p.work_order_no}: {p.step.value} by {p.actor_name} "
                f"({p.from_status} → {p.to_status})",
                {
                    "work_order_no": p.work_order_no,
                    "step": p.step.value,
                    "to_status": p.to_status,
                    "by": p.actor_name,
                    "reason": p.reason,
                },
            )
        case WorkOrderCompleted():
            return (
                f"work order {p.work_order_no} completed",
                {"work_order_no": p.work_order_no},
            )
        case ChargeRaised():
            return (
                f"charge {p.charge_no} raised",
                {"charge_no": p.charge_no},
            )
        case ChargePaid():
            return (
                f"charge {p.charge_no} paid: {p.amount} yuan by {p.method.value} ({p.reference})",
                {
                    "charge_no": p.charge_no,
                    "method": p.method.value,
                    "amount": str(p.amount),
                    "reference": p.reference,
                },
            )
        case ChargeCollectionRejected():
            return (
                f"charge {p.charge_no}: the bank did not collect {p.amount} yuan ({p.reason_code})",
                {
                    "charge_no": p.charge_no,
                    "batch_id": p.batch_id,
                    "reason_code": p.reason_code,
                },
            )
        case CallbackScheduled():
            return (f"callback due on {p.due_on.isoformat()}", {"due_on": p.due_on.isoformat()})
        case CallbackOverdue():
            return (
                f"callback overdue since {p.due_on.isoformat()}",
                {"due_on": p.due_on.isoformat(), "due_at": p.due_at.isoformat()},
            )
        case CallbackMade():
            verdict = "satisfied" if p.satisfied else "not satisfied"
            return (
                f"called back by {p.method.value}: {verdict}",
                {
                    "satisfied": p.satisfied,
                    "opinion": p.opinion,
                    "method": p.method.value,
                    "agent": p.agent,
                    "signature_ref": p.signature_ref,
                },
            )
        case RectificationOpened():
            return (
                f"rectification {p.loop} of {p.limit} opened: {p.opinion}",
                {"loop": p.loop, "limit": p.limit, "opinion": p.opinion},
            )
        case RectificationClosed():
            return (f"rectified after {p.loop} loop(s): satisfied", {"loop": p.loop})
        case RectificationEscalated():
            return (
                f"still not satisfied after {p.loop} rectification(s): escalated",
                {"loop": p.loop, "opinion": p.opinion},
            )
        case NotificationSent():
            return (f"{p.channel.value} sent to the resident", {"channel": p.channel.value})
    return (event.EVENT_TYPE, {})


def note_on_timeline(event: Event[Any]) -> NoteOnTimeline | None:
    if (
        isinstance(event, NotificationSent)
        and event.payload.about_event_type == ManagementFeeReminderDue.EVENT_TYPE
    ):
        return None  # a message about a unit's fee bill, not about a request
    summary, details = _summary(event)
    return NoteOnTimeline(
        TimelineEntry(
            entry_id=str(event.event_id),
            request_id=event.payload.request_id,
            site_id=event.site_id,
            service=event.producer,
            what=event.EVENT_TYPE,
            at=event.occurred_at,
            summary=summary,
            details=details,
            order=event.payload.change_no if isinstance(event, WorkOrderProgressed) else 0,
        ),
        causation_id=event.event_id,
    )
