"""The front desk's roster → ``RosterSubmitted`` and its clock → ``RosterLate``
(``intake.duty``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts.intake import v1
from hotline_libs.ids import derive_id, event_id
from hotline_libs.unit_of_work import EventContext

from contracts import Event
from intake.domain import events
from intake.domain.roster import Roster


def roster_event(roster: Roster, event: Any, context: EventContext) -> Event[Any] | None:
    if isinstance(event, events.RosterSubmitted):
        return roster_submitted(roster, event, context)
    if isinstance(event, events.RosterLate):
        return roster_late(roster, event, context)
    return None


def _envelope(
    model: type[Event[Any]], roster: Roster, context: EventContext, occurred_at: datetime
) -> dict[str, Any]:
    """What each of the roster's events carries besides its payload: one id per roster and
    kind of event, the roster's correlation."""
    return {
        "event_id": event_id(model, roster.roster_id),
        "producer": "intake",
        "site_id": roster.site_id,
        "correlation_id": derive_id("roster", roster.roster_id),
        "causation_id": context.causation_id,
        "occurred_at": occurred_at,
        "aggregate_version": context.aggregate_version,
    }


def roster_submitted(
    roster: Roster, event: events.RosterSubmitted, context: EventContext
) -> Event[Any]:
    used = {a.shift for a in roster.assignments}
    submitted: v1.RosterSubmitted = v1.RosterSubmitted.build(
        **_envelope(v1.RosterSubmitted, roster, context, event.submitted_at),
        payload=v1.RosterSubmittedPayload(
            month=roster.month,
            drafted_by=roster.drafted_by,
            submitted_at=event.submitted_at,
            due_at=roster.due_at,
            shifts=[
                v1.Shift(
                    code=s.code, starts=s.starts.strftime("%H:%M"), ends=s.ends.strftime("%H:%M")
                )
                for s in roster.shifts
                if s.code in used
            ],
            assignments=[
                v1.RosterAssignment(day=a.day, shift=a.shift, staff=a.staff)
                for a in roster.assignments
            ],
        ),
    )
    return submitted


def roster_late(roster: Roster, event: events.RosterLate, context: EventContext) -> Event[Any]:
    late: v1.RosterLate = v1.RosterLate.build(
        **_envelope(v1.RosterLate, roster, context, event.noticed_at),
        payload=v1.RosterLatePayload(
            month=roster.month,
            drafted_by=roster.drafted_by,
            due_at=event.due_at,
            noticed_at=event.noticed_at,
        ),
    )
    return late
