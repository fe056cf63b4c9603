"""The front desk's clocks → ``RosterLate`` (``intake.duty``)."""

from __future__ import annotations

from typing import Any

from contracts.intake import v1
from hotline_libs.ids import derive_id, event_id
from hotline_libs.unit_of_work import EventContext

from contracts import Event
from intake.domain import events
from intake.domain.roster import Roster


def roster_late(roster: Roster, event: Any, context: EventContext) -> Event[Any] | None:
    if not isinstance(event, events.RosterLate):
        return None
    late: v1.RosterLate = v1.RosterLate.build(
        event_id=event_id(v1.RosterLate, roster.roster_id),
        producer="intake",
        site_id=roster.site_id,
        correlation_id=derive_id("roster", roster.roster_id),
        causation_id=context.causation_id,
        occurred_at=event.noticed_at,
        aggregate_version=context.aggregate_version,
        payload=v1.RosterLatePayload(
            month=roster.month,
            drafted_by=roster.drafted_by,
            due_at=event.due_at,
            noticed_at=event.noticed_at,
        ),
    )
    return late
