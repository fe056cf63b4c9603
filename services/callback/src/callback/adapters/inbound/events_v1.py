"""Dispatch's and billing's events → the callback service's commands."""

from __future__ import annotations

from contracts.billing.v1 import ChargeRaised
from contracts.dispatch.v1 import WorkOrderCompleted

from callback.domain.callback import ChargeNote, Completed, Contact
from callback.domain.commands import NoteCharge, ScheduleCallback


def schedule_callback(event: WorkOrderCompleted) -> ScheduleCallback:
    """A completed work order is to be called back."""
    order = event.payload
    r = order.resident
    return ScheduleCallback(
        work_order_id=order.work_order_id,
        site_id=event.site_id,
        completed=Completed(
            request_id=order.request_id,
            request_no=order.request_no,
            resident=Contact(r.name, r.phone, r.email, r.building, r.room),
            paid=bool(order.items),
            payment_method=order.payment_method.value if order.payment_method else None,
            completed_at=order.completed_at,
            service_record_no=order.service_record_no,
        ),
        causation_id=event.event_id,
    )


def note_charge(event: ChargeRaised) -> NoteCharge:
    """A raised charge goes with the work order's callback."""
    charge = event.payload
    return NoteCharge(
        work_order_id=charge.work_order_id,
        site_id=event.site_id,
        charge=ChargeNote(
            charge_id=charge.charge_id,
            charge_no=charge.charge_no,
            total=charge.total,
            raised_at=charge.raised_at,
        ),
        causation_id=event.event_id,
    )
