"""A fee bill's domain events → the integration events billing publishes about it."""

from __future__ import annotations

from typing import Any

from contracts.billing import v1
from hotline_libs.ids import event_id
from hotline_libs.unit_of_work import EventContext

from billing.adapters.outbound.events_v1 import resident_of
from billing.domain import events
from billing.domain.fee_bill import FeeBill
from contracts import Event

PRODUCER = "billing"


def to_integration(bill: FeeBill, event: Any, context: EventContext) -> Event[Any] | None:
    if isinstance(event, events.FeeReminderAsked):
        return reminder_due(bill, event, context)
    if isinstance(event, events.FeeBillFlagged):
        return arrears_flagged(bill, event, context)
    return None


def reminder_due(
    bill: FeeBill, event: events.FeeReminderAsked, context: EventContext
) -> Event[Any]:
    """The event's id is the reminder's: notification's report of sending it quotes that id,
    and billing counts the reminder by it (FEE-14)."""
    reminder = bill.reminder(event.reminder_id)
    due: v1.ManagementFeeReminderDue = v1.ManagementFeeReminderDue.build(
        event_id=reminder.reminder_id,
        producer=PRODUCER,
        site_id=bill.site_id,
        correlation_id=bill.bill_id,
        causation_id=context.causation_id,
        occurred_at=reminder.asked_at,
        aggregate_version=context.aggregate_version,
        payload=v1.ManagementFeeReminderDuePayload(
            bill_id=bill.bill_id,
            bill_no=bill.bill_no,
            month=f"{bill.month:%Y-%m}",
            reminder_no=reminder.number,
            resident=resident_of(bill.payer),
            owner=resident_of(bill.owner) if reminder.to_owner and bill.owner else None,
            amount=bill.amount,
            late_fee=reminder.late_fee,
            owed=reminder.owed,
            due_on=bill.due_on,
            asked_at=reminder.asked_at,
        ),
    )
    return due


def arrears_flagged(
    bill: FeeBill, event: events.FeeBillFlagged, context: EventContext
) -> Event[Any]:
    day = bill.local_day(event.flagged_at)
    flagged: v1.ManagementFeeArrearsFlagged = v1.ManagementFeeArrearsFlagged.build(
        event_id=event_id(v1.ManagementFeeArrearsFlagged, bill.bill_id),
        producer=PRODUCER,
        site_id=bill.site_id,
        correlation_id=bill.bill_id,
        causation_id=context.causation_id,
        occurred_at=event.flagged_at,
        aggregate_version=context.aggregate_version,
        payload=v1.ManagementFeeArrearsFlaggedPayload(
            bill_id=bill.bill_id,
            bill_no=bill.bill_no,
            month=f"{bill.month:%Y-%m}",
            resident=resident_of(bill.payer),
            owner=resident_of(bill.owner) if bill.owner else None,
            owed=bill.owed_on(day),
            reminders_sent=event.reminders_sent,
            flagged_at=event.flagged_at,
        ),
    )
    return flagged
