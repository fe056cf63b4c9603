"""Intake's events (``contracts.intake.v1``) → dispatch's commands."""

from __future__ import annotations

from contracts.intake.v1 import ServiceRequestAccepted

from dispatch.domain.commands import DispatchRequest
from dispatch.domain.work_order import Board, Contact, ItemUsed


def _board(kind: str) -> Board:
    try:
        return Board(kind)
    except ValueError:
        return Board.OTHER  # a board dispatch sends nobody for


def dispatch_request(event: ServiceRequestAccepted) -> DispatchRequest:
    """An accepted request becomes a request to dispatch it."""
    request = event.payload
    resident = request.resident
    return DispatchRequest(
        request_id=request.request_id,
        request_no=request.request_no,
        site_id=event.site_id,
        board=_board(request.kind.value),
        description=request.description,
        resident=Contact(
            name=resident.name,
            phone=resident.phone,
            email=resident.email,
            building=resident.building,
            room=resident.room,
        ),
        appointment_at=request.appointment_at,
        accepted_at=request.accepted_at,
        causation_id=event.event_id,
        emergency=request.emergency.value if request.emergency else None,
        requested_items=tuple(
            ItemUsed(item.item_code, item.quantity) for item in request.requested_items
        ),
        category=request.category,
    )
