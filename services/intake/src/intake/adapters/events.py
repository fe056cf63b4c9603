"""Maps intake's domain objects to the integration events it publishes."""

from __future__ import annotations

from contracts.envelope import Resident
from contracts.intake import v1
from hotline_libs.ids import event_id

from intake.domain.model import ServiceRequest

PRODUCER = "intake"


def resident_of(request: ServiceRequest) -> Resident:
    """The contract snapshot of the resident."""
    contact = request.resident
    return Resident(
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        building=contact.building,
        room=contact.room,
    )


def service_request_accepted(request: ServiceRequest) -> v1.ServiceRequestAccepted:
    """``ServiceRequestAccepted`` for ``request``; its id is derived, so a retry repeats it."""
    event: v1.ServiceRequestAccepted = v1.ServiceRequestAccepted.build(
        event_id=event_id(v1.ServiceRequestAccepted, request.request_id),
        producer=PRODUCER,
        site_id=request.site_id,
        correlation_id=request.request_id,
        occurred_at=request.accepted_at,
        payload=v1.ServiceRequestAcceptedPayload(
            request_id=request.request_id,
            request_no=request.request_no,
            kind=request.kind,
            category=request.category,
            description=request.description,
            resident=resident_of(request),
            channel=request.channel,
            requested_items=[
                v1.RequestedItem(item_code=item.item_code, quantity=item.quantity)
                for item in request.requested_items
            ],
            appointment_at=request.appointment_at,
            registered_at=request.registered_at,
            accepted_at=request.accepted_at,
        ),
    )
    return event
