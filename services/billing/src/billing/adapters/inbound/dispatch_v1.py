"""Dispatch's events (``contracts.dispatch.v1``) → billing's commands."""

from __future__ import annotations

from contracts.dispatch.v1 import WorkOrderCompleted

from billing.domain.charge import Delivered, Payer, PaymentMethod
from billing.domain.commands import ChargeWorkOrder


def _payment_method(value: str | None) -> PaymentMethod | None:
    if value is None:
        return None
    try:
        return PaymentMethod(value)
    except ValueError:
        return None  # a method billing does not know yet: finance confirms it on the charge


def charge_work_order(event: WorkOrderCompleted) -> ChargeWorkOrder | None:
    """A signed work order with paid items is to be charged; routine work asks nothing."""
    order = event.payload
    if not order.items:
        return None
    r = order.resident
    return ChargeWorkOrder(
        work_order_id=order.work_order_id,
        work_order_no=order.work_order_no,
        request_id=order.request_id,
        request_no=order.request_no,
        site_id=event.site_id,
        payer=Payer(name=r.name, phone=r.phone, email=r.email, building=r.building, room=r.room),
        delivered=tuple(
            Delivered(item.item_code, item.quantity, item.agreed_unit_price) for item in order.items
        ),
        payment_method=_payment_method(
            order.payment_method.value if order.payment_method else None
        ),
        causation_id=event.event_id,
        service_record_no=order.service_record_no,
        technician_id=order.technician_id,
        completed_at=order.completed_at,
    )
