"""The callback KPIs a site reports for a month, and their sign-offs (KPI-14).

Each KPI is a share with its numerator and denominator, against its target: customer
satisfaction over the callbacks made (≥ 90%, SRV-10), paid-service satisfaction over the paid
services called back and over all paid services (≥ 98%, SRV-11: one not called back cannot
count as satisfied), the callback rate of each kind of case against the site's policy (CB-03,
CB-10, CB-11), callbacks made on time (CB-02, CB-08), and the month's rectifications and spot
checks (CB-06, CB-07), the households visited (≥ 5%, SRV-01) and the half year's survey (returns
≥ 50%, satisfied ≥ 90%, SRV-04, SRV-10). A case belongs to the month of its completion (or resolution) in the
site's time. The report is prepared once the month is over (its figures frozen then), reviewed
by the site's manager and approved by a director: three different people.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

from callback.domain.policy import COMPLAINTS, SERVICES, PolicyVersion, Trigger
from callback.domain.spot_check import SPOT_CHECKS
from callback.domain.survey import RETURNED_SHARE, SATISFIED_SHARE
from callback.domain.visits import VISITED_SHARE

CUSTOMER_SATISFACTION = 0.90
PAID_SATISFACTION = 0.98
COMPLAINTS_CALLED_BACK = 0.50
PAID = (Trigger.CASH_PAID, Trigger.BANK_COLLECTED, Trigger.OTHER_PAID)


@dataclass(frozen=True)
class Case:
    """What the KPIs need of one callback: its kind, where it stands, what the resident said."""

    trigger: Trigger
    made: bool
    satisfied: bool | None
    on_time: bool | None
    """Made by its due day (None while not made)."""
    follow_up: bool
    """A rectification's follow-up call, not a case of its own."""


@dataclass(frozen=True)
class Kpi:
    name: str
    numerator: int
    denominator: int
    target: float | None
    """The share it should reach (None: a count to watch)."""

    @property
    def value(self) -> float | None:
        """The share, 0..1; for a count, the count; None when there is nothing to divide."""
        if self.target is None:
            return float(self.numerator)
        return None if self.denominator == 0 else round(self.numerator / self.denominator, 4)

    @property
    def meets(self) -> bool | None:
        value = self.value
        if self.target is None or value is None:
            return None
        return value >= self.target


@dataclass(frozen=True)
class Rectified:
    """The month's rectifications: opened in it, closed and escalated in it, open at its end."""

    opened: int
    closed: int
    escalated: int
    still_open: int


@dataclass(frozen=True)
class Surveyed:
    """The half year's survey as it stands: questionnaires sent, returned, satisfied."""

    sent: int
    returned: int
    satisfied: int


def month_kpis(
    cases: Iterable[Case],
    policy: PolicyVersion,
    rectified: Rectified,
    spot_checked: int,
    visited: tuple[int, int] = (0, 0),
    surveyed: Surveyed | None = None,
) -> list[Kpi]:
    """The month's KPIs, in the order the report lists them; ``visited`` is the households
    visited and the site's households (SRV-01), ``surveyed`` the half year's survey if any."""
    own = [c for c in cases if not c.follow_up]
    made = [c for c in own if c.made]
    paid = [c for c in own if c.trigger in PAID]
    paid_made = [c for c in paid if c.made]
    kpis = [
        Kpi(
            "customer_satisfaction",
            sum(bool(c.satisfied) for c in made),
            len(made),
            CUSTOMER_SATISFACTION,
        ),
        Kpi(
            "paid_satisfaction_called_back",
            sum(bool(c.satisfied) for c in paid_made),
            len(paid_made),
            PAID_SATISFACTION,
        ),
        Kpi(
            "paid_satisfaction_all_paid",
            sum(bool(c.satisfied) for c in paid_made),
            len(paid),
            PAID_SATISFACTION,
        ),
    ]
    for trigger in (*sorted(SERVICES), *sorted(COMPLAINTS)):
        of_kind = [c for c in own if c.trigger is trigger]
        kpis.append(
            Kpi(
                f"callback_rate_{trigger.value}",
                sum(c.made for c in of_kind),
                len(of_kind),
                policy.rule(trigger).share / 100,
            )
        )
    complaints = [c for c in own if c.trigger in COMPLAINTS]
    kpis += [
        Kpi(
            "complaint_callback_rate_all",
            sum(c.made for c in complaints),
            len(complaints),
            COMPLAINTS_CALLED_BACK,
        ),
        Kpi(
            "callbacks_on_time",
            sum(bool(c.on_time) for c in cases if c.made),
            sum(c.made for c in cases),
            1.0,
        ),
        Kpi("rectifications_opened", rectified.opened, 0, None),
        Kpi("rectifications_closed", rectified.closed, 0, None),
        Kpi("rectifications_escalated", rectified.escalated, 0, None),
        Kpi("rectifications_open", rectified.still_open, 0, None),
        Kpi("spot_checks", min(spot_checked, SPOT_CHECKS), SPOT_CHECKS, 1.0),
        Kpi("resident_visits", visited[0], visited[1], VISITED_SHARE),
    ]
    if surveyed is not None:
        kpis += [
            Kpi("survey_return_rate", surveyed.returned, surveyed.sent, RETURNED_SHARE),
            Kpi("survey_satisfaction", surveyed.satisfied, surveyed.returned, SATISFIED_SHARE),
        ]
    return kpis


def month_over(month: str, today: date) -> bool:
    year, number = (int(part) for part in month.split("-"))
    return (today.year, today.month) > (year, number)


class KpiReportStatus(enum.StrEnum):
    PREPARED = "prepared"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    SENT_BACK = "sent_back"


@dataclass(frozen=True)
class SignOff:
    by: str
    at: datetime
    note: str | None = None


@dataclass
class KpiReport(Aggregate):
    """A site's KPI report of a month: prepared (figures frozen), reviewed, approved."""

    site_id: str
    month: str
    kpis: list[Kpi]
    prepared: SignOff
    status: KpiReportStatus = KpiReportStatus.PREPARED
    reviewed: SignOff | None = None
    approved: SignOff | None = None
    sent_back: SignOff | None = None

    def prepare_again(self, kpis: list[Kpi], by: str, now: datetime) -> bool:
        """After a send-back, prepared again with the figures as they are now; False when it
        stands prepared already (asked again)."""
        if self.status is KpiReportStatus.PREPARED:
            return False
        if self.status is not KpiReportStatus.SENT_BACK:
            raise Conflict(f"the {self.month} KPI report of {self.site_id} is {self.status}")
        self.kpis, self.prepared = kpis, SignOff(by, now)
        self.status, self.reviewed, self.sent_back = KpiReportStatus.PREPARED, None, None
        return True

    def review(self, by: str, approved: bool, note: str | None, now: datetime) -> bool:
        """The site's manager checks the figures: on to approval, or back with what to correct.
        False when this review was already given."""
        if self.reviewed is not None and self.reviewed.by == by and approved:
            return False
        if self.sent_back is not None and self.sent_back.by == by and not approved:
            return False
        if self.status is not KpiReportStatus.PREPARED:
            raise Conflict(f"the report is {self.status}: only a prepared one is reviewed")
        if by == self.prepared.by:
            raise RuleViolation("the report is reviewed by someone other than who prepared it")
        if not approved:
            if not (note and note.strip()):
                raise RuleViolation(
                    "say what is to be corrected when sending it back", field="note"
                )
            self.sent_back, self.status = SignOff(by, now, note), KpiReportStatus.SENT_BACK
            return True
        self.reviewed, self.status = SignOff(by, now, note), KpiReportStatus.REVIEWED
        return True

    def approve(self, by: str, now: datetime) -> bool:
        """A director approves the reviewed report; False when already approved by them."""
        if self.approved is not None and self.approved.by == by:
            return False
        if self.status is not KpiReportStatus.REVIEWED:
            raise Conflict(f"the report is {self.status}: only a reviewed one is approved")
        assert self.reviewed is not None
        if by in (self.prepared.by, self.reviewed.by):
            raise RuleViolation(
                "the report is approved by someone other than who prepared or reviewed it"
            )
        self.approved, self.status = SignOff(by, now), KpiReportStatus.APPROVED
        return True
