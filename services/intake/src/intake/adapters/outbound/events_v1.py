"""Intake's domain events → the integration events it publishes (``contracts.intake.v1``)."""

from __future__ import annotations

from typing import Any

from contracts.envelope import Resident
from contracts.intake import v1
from hotline_libs.ids import event_id
from hotline_libs.unit_of_work import EventContext

from contracts import Event
from intake.domain import events
from intake.domain.service_request import ServiceRequest

PRODUCER = "intake"


def to_integration(request: ServiceRequest, event: Any, context: EventContext) -> Event[Any] | None:
    """``ServiceRequestAccepted`` for an accepted request; its id is derived, so a retry repeats it."""
    if not isinstance(event, events.ServiceRequestAccepted):
        return None
    contact = request.resident
    accepted: v1.ServiceRequestAccepted = v1.ServiceRequestAccepted.build(
        event_id=event_id(v1.ServiceRequestAccepted, request.request_id),
        producer=PRODUCER,
        site_id=request.site_id,
        correlation_id=request.request_id,
        causation_id=context.causation_id,
        occurred_at=event.accepted_at,
        aggregate_version=context.aggregate_version,
        payload=v1.ServiceRequestAcceptedPayload(
            request_id=request.request_id,
            request_no=request.request_no,
            kind=v1.RequestKind(request.kind.value),
            category=request.category,
            description=request.description,
            resident=Resident(
                name=contact.name,
                phone=contact.phone,
                email=contact.email,
                building=contact.building,
                room=contact.room,
            ),
            channel=v1.Channel(request.channel.value),
            requested_items=[
                v1.RequestedItem(item_code=item.item_code, quantity=item.quantity)
                for item in request.requested_items
            ],
            appointment_at=request.appointment_at,
            registered_at=request.registered_at,
            accepted_at=request.accepted_at,
        ),
    )
    return accepted
