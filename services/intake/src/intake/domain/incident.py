"""Site-wide incidents (突发事件): a water or power outage, a lift out of service, a fire alarm,
a typhoon. Declared once with the script agents read to callers (INC-01, INC-02); each call
about it is noted on the incident instead of becoming a request of its own; its special-matter
report (特别事项报告, INC-05) is written on it; a major one goes to the higher manager (INC-06);
closing it tells every resident who called (through notification)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

from intake.domain import events

MAX_TEXT = 4000
MAX_CALLS = 5000


class IncidentKind(enum.StrEnum):
    """The incidents the manuals name (INC-04) and the outages residents are told of."""

    WATER_OUTAGE = "water_outage"
    POWER_OUTAGE = "power_outage"
    GAS_OUTAGE = "gas_outage"
    LIFT_OUT_OF_SERVICE = "lift_out_of_service"
    LIFT_ENTRAPMENT = "lift_entrapment"
    FIRE_ALARM = "fire_alarm"
    TYPHOON = "typhoon"
    PUBLIC_SECURITY = "public_security"
    OTHER = "other"


class IncidentStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class IncidentCall:
    """A resident who called about the incident: told the script, and told when it is over."""

    name: str
    phone: str
    building: str
    room: str
    note: str
    taken_by: str
    at: datetime


@dataclass(frozen=True)
class SpecialMatterReport:
    """特别事项报告: what happened, what was done, the damage, what follows."""

    what_happened: str
    actions_taken: str
    losses: str
    follow_up: str
    by: str
    at: datetime


@dataclass
class Incident(Aggregate):
    incident_id: uuid.UUID
    site_id: str
    kind: IncidentKind
    title: str
    script: str
    """What agents read to callers about it."""
    buildings: tuple[str, ...]
    """The buildings affected; none: the whole site."""
    major: bool
    declared_by: str
    declared_at: datetime
    expected_end_at: datetime | None = None
    calls: tuple[IncidentCall, ...] = ()
    report: SpecialMatterReport | None = None
    closed_at: datetime | None = None
    closing_note: str | None = None
    closed_by: str | None = None

    @property
    def status(self) -> IncidentStatus:
        return IncidentStatus.OPEN if self.closed_at is None else IncidentStatus.CLOSED

    def note_call(self, call: IncidentCall) -> None:
        """A resident called about it (they were read the script)."""
        self._open()
        if len(self.calls) >= MAX_CALLS:
            raise Conflict(f"incident {self.incident_id} has {MAX_CALLS} calls noted already")
        self.calls = (*self.calls, replace(call, note=call.note.strip()[:MAX_TEXT]))

    def update_script(self, script: str, expected_end_at: datetime | None) -> None:
        self._open()
        self.script = text("script", script)
        self.expected_end_at = expected_end_at

    def write_report(self, report: SpecialMatterReport) -> None:
        self.report = SpecialMatterReport(
            text("what_happened", report.what_happened),
            text("actions_taken", report.actions_taken),
            report.losses.strip(),
            report.follow_up.strip(),
            report.by,
            report.at,
        )

    def close(self, note: str, by: str, now: datetime) -> None:
        self._open()
        self.closing_note, self.closed_by, self.closed_at = text("note", note), by, now
        self.record(events.IncidentClosed(closed_at=now))

    def _open(self) -> None:
        if self.closed_at is not None:
            raise Conflict(
                f"incident {self.incident_id} was closed at {self.closed_at.isoformat()}"
            )


def text(name: str, value: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= MAX_TEXT:
        raise RuleViolation(f"{name} must be 1 to {MAX_TEXT} characters", field=name)
    return value


def declare(
    *,
    incident_id: uuid.UUID,
    site_id: str,
    kind: IncidentKind,
    title: str,
    script: str,
    buildings: tuple[str, ...],
    major: bool,
    expected_end_at: datetime | None,
    by: str,
    now: datetime,
) -> Incident:
    if expected_end_at is not None and expected_end_at <= now:
        raise RuleViolation("expected_end_at is in the past", field="expected_end_at")
    incident = Incident(
        incident_id=incident_id,
        site_id=site_id,
        kind=kind,
        title=text("title", title)[:200],
        script=text("script", script),
        buildings=tuple(sorted({b.strip() for b in buildings if b.strip()})),
        major=major,
        declared_by=by,
        declared_at=now,
        expected_end_at=expected_end_at,
    )
    incident.record(events.IncidentDeclared(declared_at=now))
    return incident
