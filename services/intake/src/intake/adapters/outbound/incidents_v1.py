"""Incidents → ``IncidentDeclared`` and ``IncidentClosed`` (``intake.incidents``)."""

from __future__ import annotations

from typing import Any

from contracts.envelope import Resident
from contracts.intake import v1
from hotline_libs.ids import event_id
from hotline_libs.unit_of_work import EventContext

from contracts import Event
from intake.domain import events
from intake.domain.incident import Incident

PRODUCER = "intake"


def to_integration(incident: Incident, event: Any, context: EventContext) -> Event[Any] | None:
    envelope: dict[str, Any] = {
        "producer": PRODUCER,
        "site_id": incident.site_id,
        "correlation_id": incident.incident_id,
        "causation_id": context.causation_id,
        "aggregate_version": context.aggregate_version,
    }
    kind = v1.IncidentKind(incident.kind.value)
    if isinstance(event, events.IncidentDeclared):
        declared: v1.IncidentDeclared = v1.IncidentDeclared.build(
            event_id=event_id(v1.IncidentDeclared, incident.incident_id),
            occurred_at=event.declared_at,
            payload=v1.IncidentDeclaredPayload(
                incident_id=incident.incident_id,
                kind=kind,
                title=incident.title,
                script=incident.script,
                buildings=list(incident.buildings),
                major=incident.major,
                declared_by=incident.declared_by,
                declared_at=incident.declared_at,
                expected_end_at=incident.expected_end_at,
            ),
            **envelope,
        )
        return declared
    if isinstance(event, events.IncidentClosed):
        callers: dict[str, Resident] = {}
        for call in incident.calls:
            callers.setdefault(
                call.phone,
                Resident(name=call.name, phone=call.phone, building=call.building, room=call.room),
            )
        closed: v1.IncidentClosed = v1.IncidentClosed.build(
            event_id=event_id(v1.IncidentClosed, incident.incident_id),
            occurred_at=event.closed_at,
            payload=v1.IncidentClosedPayload(
                incident_id=incident.incident_id,
                kind=kind,
                title=incident.title,
                buildings=list(incident.buildings),
                closing_note=incident.closing_note or "",
                closed_at=event.closed_at,
                callers=list(callers.values()),
            ),
            **envelope,
        )
        return closed
    return None
