"""Rectifications' domain events → the integration events the callback service publishes."""

from __future__ import annotations

from typing import Any

from contracts.callback import v1
from contracts.envelope import Resident
from hotline_libs.ids import event_id
from hotline_libs.unit_of_work import EventContext

from callback.domain import events
from callback.domain.rectification import Rectification
from contracts import Event

PRODUCER = "callback"


def to_integration(
    rectification: Rectification, event: Any, context: EventContext
) -> Event[Any] | None:
    r = rectification.resident
    about: dict[str, Any] = {
        "rectification_id": rectification.rectification_id,
        "request_id": rectification.request_id,
        "request_no": rectification.request_no,
        "work_order_id": rectification.work_order_id,
        "resident": Resident(
            name=r.name, phone=r.phone, email=r.email, building=r.building, room=r.room
        ),
        "loop": len(rectification.loops),
        "limit": rectification.limit,
    }
    common: dict[str, Any] = {
        "producer": PRODUCER,
        "site_id": rectification.site_id,
        "correlation_id": rectification.request_id,
        "causation_id": context.causation_id,
        "aggregate_version": context.aggregate_version,
    }
    match event:
        case events.RectificationOpened():
            loop = rectification.loops[event.loop - 1]
            opened: v1.RectificationOpened = v1.RectificationOpened.build(
                event_id=event_id(
                    v1.RectificationOpened, f"{rectification.rectification_id}/{event.loop}"
                ),
                occurred_at=event.at,
                payload=v1.RectificationOpenedPayload(
                    **{**about, "loop": event.loop},
                    callback_id=loop.found_by,
                    opinion=loop.opinion,
                    opened_at=event.at,
                ),
                **common,
            )
            return opened
        case events.RectificationClosed():
            closed: v1.RectificationClosed = v1.RectificationClosed.build(
                event_id=event_id(v1.RectificationClosed, rectification.rectification_id),
                occurred_at=event.at,
                payload=v1.RectificationClosedPayload(
                    **about, callback_id=event.callback_id, closed_at=event.at
                ),
                **common,
            )
            return closed
        case events.RectificationEscalated():
            escalated: v1.RectificationEscalated = v1.RectificationEscalated.build(
                event_id=event_id(v1.RectificationEscalated, rectification.rectification_id),
                occurred_at=event.at,
                payload=v1.RectificationEscalatedPayload(
                    **about,
                    callback_id=event.callback_id,
                    opinion=event.opinion,
                    escalated_at=event.at,
                ),
                **common,
            )
            return escalated
    return None
