"""Alerts to staff when a clock of the business runs out or a case goes wrong, on the staff's
own channel (their main number by SMS, and their e-mail), with escalation to the next rung
when nobody of the first acknowledges it in time.

Who is alerted of what (domain.md, "Who uses it"; the manuals' clocks):

- the 15 minutes to dispatch missed (DSP-02), a technician's clock missed (DSP-04/05): the
  call centre's supervisors and the site's; unacknowledged, the site's manager;
- a promised reply overdue (NTF-01), a first answer not given in 24 hours (CMP-05): the
  supervisors; unacknowledged, the site's manager;
- a complaint escalated past the site's thresholds (CMP-10): the site's stewards and its
  manager; unacknowledged, the service centre's manager (director);
- a rectification out of loops (CB-09): the site's manager; unacknowledged, the director;
- the month's roster late (NTF-12, DUTY-15): the service centre's manager (director);
- a management fee flagged in arrears after three reminders (FEE-05): the site's finance;
  unacknowledged, the site's manager.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline_libs.roles import Role

from notification.domain.occasions import About
from notification.domain.staff import CENTRAL_HOTLINE, StaffMember

STAFF_ALERT = "staff_alert"
"""The message type of every alert of this module (``messages.STAFF_TEMPLATES``)."""


class AlertKind(enum.StrEnum):
    DISPATCH_OVERDUE = "dispatch_overdue"
    FIELD_CLOCK_MISSED = "field_clock_missed"
    REPLY_PROMISE_BREACHED = "reply_promise_breached"
    FIRST_ANSWER_OVERDUE = "first_answer_overdue"
    COMPLAINT_ESCALATED = "complaint_escalated"
    RECTIFICATION_ESCALATED = "rectification_escalated"
    ROSTER_LATE = "roster_late"
    ARREARS_FLAGGED = "arrears_flagged"


@dataclass(frozen=True)
class Rung:
    """Who on one rung of an alert's ladder: these roles at the site, and at the central
    hotline too when ``central``."""

    roles: frozenset[str]
    central: bool = False

    def alerted(self, site_id: str, staff: Iterable[StaffMember]) -> list[StaffMember]:
        """Those of ``staff`` on this rung for ``site_id``, on the staff now, by staff id."""
        sites = {site_id, CENTRAL_HOTLINE} if self.central else {site_id}
        return sorted(
            (
                m
                for m in staff
                if m.active and m.roles & self.roles and (m.site_id in sites or _leader(m, self))
            ),
            key=lambda m: m.staff_id,
        )


def _leader(member: StaffMember, rung: Rung) -> bool:
    """A director is the company's, whatever site they are recorded at."""
    return Role.DIRECTOR in rung.roles and Role.DIRECTOR in member.roles


@dataclass(frozen=True)
class Ladder:
    first: Rung
    then: Rung | None = None
    within: timedelta = timedelta(minutes=30)
    """How long the first rung has to acknowledge before the next is alerted."""

    @property
    def roles(self) -> frozenset[str]:
        return self.first.roles | (self.then.roles if self.then else frozenset())


SUPERVISORS = Rung(frozenset({Role.SUPERVISOR}), central=True)
MANAGER = Rung(frozenset({Role.SITE_MANAGER}))
DIRECTOR = Rung(frozenset({Role.DIRECTOR}))

LADDERS: dict[AlertKind, Ladder] = {
    AlertKind.DISPATCH_OVERDUE: Ladder(SUPERVISORS, MANAGER, timedelta(minutes=15)),
    AlertKind.FIELD_CLOCK_MISSED: Ladder(SUPERVISORS, MANAGER, timedelta(minutes=15)),
    AlertKind.REPLY_PROMISE_BREACHED: Ladder(SUPERVISORS, MANAGER),
    AlertKind.FIRST_ANSWER_OVERDUE: Ladder(SUPERVISORS, MANAGER),
    AlertKind.COMPLAINT_ESCALATED: Ladder(
        Rung(frozenset({Role.STEWARD, Role.SITE_MANAGER})), DIRECTOR, timedelta(hours=2)
    ),
    AlertKind.RECTIFICATION_ESCALATED: Ladder(MANAGER, DIRECTOR, timedelta(hours=24)),
    AlertKind.ROSTER_LATE: Ladder(DIRECTOR),
    AlertKind.ARREARS_FLAGGED: Ladder(
        Rung(frozenset({Role.FINANCE})), MANAGER, timedelta(hours=24)
    ),
}


@dataclass(frozen=True)
class StaffAlertOccasion:
    """Something staff must act on: what, where, and the words of the alert."""

    about: About
    kind: AlertKind
    subject: str
    text: str
    """One line, as the SMS says it (the e-mail says the same)."""

    @property
    def ladder(self) -> Ladder:
        return LADDERS[self.kind]


@dataclass
class AlertState:
    """An alert's ladder as it stands: acknowledged by whom, escalated when."""

    kind: AlertKind
    subject: str
    text: str
    escalate_at: datetime | None
    """When the next rung is alerted if nobody has acknowledged it; None: no next rung."""
    escalated_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def escalation_due(self) -> datetime | None:
        if self.acknowledged_at is None and self.escalated_at is None:
            return self.escalate_at
        return None


def first_rung(alert: StaffAlertOccasion, staff: Sequence[StaffMember]) -> list[StaffMember]:
    """Who is alerted first; when nobody is on the first rung, the next one at once."""
    ladder = alert.ladder
    alerted = ladder.first.alerted(alert.about.site_id, staff)
    if not alerted and ladder.then is not None:
        alerted = ladder.then.alerted(alert.about.site_id, staff)
    return alerted


def minutes(seconds: int) -> str:
    return f"{max(seconds, 0) // 60} 分钟"
