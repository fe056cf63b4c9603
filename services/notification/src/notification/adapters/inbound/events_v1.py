"""The events residents are told about (intake, dispatch, billing, v1) → notification's commands."""

from __future__ import annotations

import uuid
from typing import Any

from contracts.billing.v1 import ChargeRaised
from contracts.dispatch.v1 import WorkOrderDispatched
from contracts.envelope import Resident
from contracts.intake.v1 import ServiceRequestAccepted

from contracts import Event
from notification.domain.commands import TellResident
from notification.domain.occasions import (
    About,
    ChargedLine,
    Recipient,
    RequestAccepted,
    TechnicianAssigned,
)
from notification.domain.occasions import ChargeRaised as Charged


def _about(event: Event[Any], request_id: uuid.UUID) -> About:
    return About(
        event_id=event.event_id,
        event_type=event.EVENT_TYPE,
        correlation_id=event.correlation_id,
        site_id=event.site_id,
        request_id=request_id,
    )


def _recipient(r: Resident) -> Recipient:
    return Recipient(name=r.name, phone=r.phone, email=r.email, building=r.building, room=r.room)


def request_accepted(event: ServiceRequestAccepted) -> TellResident:
    p = event.payload
    return TellResident(
        RequestAccepted(
            about=_about(event, p.request_id),
            recipient=_recipient(p.resident),
            request_no=p.request_no,
            appointment_at=p.appointment_at,
        ),
        causation_id=event.event_id,
    )


def work_order_dispatched(event: WorkOrderDispatched) -> TellResident:
    p = event.payload
    return TellResident(
        TechnicianAssigned(
            about=_about(event, p.request_id),
            recipient=_recipient(p.resident),
            request_no=p.request_no,
            technician_name=p.technician.name,
            technician_phone=p.technician.phone,
        ),
        causation_id=event.event_id,
    )


def charge_raised(event: ChargeRaised) -> TellResident:
    p = event.payload
    return TellResident(
        Charged(
            about=_about(event, p.request_id),
            recipient=_recipient(p.resident),
            request_no=p.request_no,
            charge_no=p.charge_no,
            lines=tuple(
                ChargedLine(line.item_name, line.quantity, line.unit, line.amount)
                for line in p.lines
            ),
            total=p.total,
            payment_method=p.payment_method.value,
        ),
        causation_id=event.event_id,
    )
