"""Intake's front-desk duty events → what notification sends: a submitted roster to the
service-centre manager (NTF-12). A late roster is an alert (``alerts_v1.roster_late``)."""

from __future__ import annotations

from contracts.intake.v1 import RosterSubmitted

from notification.adapters.inbound.events_v1 import _about
from notification.domain.commands import SendRoster
from notification.domain.rosters import RosterDuty, RosterShift, RosterSubmission


def roster_submitted(event: RosterSubmitted) -> SendRoster:
    p = event.payload
    return SendRoster(
        RosterSubmission(
            about=_about(event, None),
            month=p.month,
            drafted_by=p.drafted_by,
            submitted_at=p.submitted_at,
            due_at=p.due_at,
            shifts=tuple(RosterShift(s.code, s.starts, s.ends) for s in p.shifts),
            duties=tuple(RosterDuty(a.day, a.shift, a.staff) for a in p.assignments),
        ),
        causation_id=event.event_id,
    )
