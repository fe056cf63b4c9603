"""Dispatch's and billing's events → the callback service's commands."""

from __future__ import annotations

from contracts.billing.v1 import ChargeRaised
from contracts.dispatch.v1 import WorkOrderCompleted
from contracts.intake.v1 import ComplaintResolved, ComplaintValidity, UnitRecorded

from callback.domain.callback import ChargeNote, Completed, Contact
from callback.domain.commands import (
    KeepUnit,
    NoteCharge,
    ScheduleCallback,
    ScheduleComplaintCallback,
)


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
            rectification_id=order.rectification_id,
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


def schedule_complaint_callback(event: ComplaintResolved) -> ScheduleComplaintCallback:
    """A resolved complaint is called back: every valid one, a sample of the invalid ones."""
    complaint = event.payload
    r = complaint.resident
    return ScheduleComplaintCallback(
        request_id=complaint.request_id,
        site_id=event.site_id,
        resolved=Completed(
            request_id=complaint.request_id,
            request_no=complaint.request_no,
            resident=Contact(r.name, r.phone, r.email, r.building, r.room),
            paid=False,
            payment_method=None,
            completed_at=complaint.resolved_at,
        ),
        valid=complaint.validity is ComplaintValidity.VALID,
        causation_id=event.event_id,
    )


def keep_unit(event: UnitRecorded) -> KeepUnit:
    """A unit of the directory: occupied when it has an owner or a tenant (入住)."""
    unit = event.payload
    return KeepUnit(
        unit_id=unit.unit_id,
        site_id=event.site_id,
        occupied=unit.owner_id is not None or bool(unit.tenant_ids),
        recorded_at=unit.recorded_at,
        causation_id=event.event_id,
    )
