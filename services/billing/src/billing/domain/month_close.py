"""The month's close at a site (月结): the service records' path and the financial report
(BIL-06 to BIL-08).

Every day, finance sorts that day's service and callback records (服务及回访记录表) by payment
method and hands them to the service centre or the general administrator the same day (BIL-06).
They summarise the month's records before the 5th of the next month (BIL-07): a durable
deadline, which marks the summary overdue when it runs out first. At month end finance checks the
month's charges and issues the financial charge report (财务收费报表) for the site manager, who
reviews it and approves it or sends it back (BIL-08).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

from billing.domain import events
from billing.domain.fee_bill import COLLECTION_TARGET
from billing.domain.review import Review

SUMMARY_DAY = 5
"""The month's records are summarised before the 5th of the next month (BIL-07)."""
SUMMARY_DUE = "records-summary-due"
AMOUNT_COLUMNS = ("charged", "cash", "bank_collection", "by_reference", "outstanding")
"""A report line's amounts, in the order the report's table shows them."""


class Receiver(enum.StrEnum):
    """Who the day's records go to (BIL-06)."""

    SERVICE_CENTRE = "service_centre"
    ADMINISTRATOR = "administrator"


@dataclass(frozen=True)
class Handover:
    """A day's service records, sorted by payment method, handed over (BIL-06)."""

    day: date
    receiver: Receiver
    received_by: str
    """The name of who took them."""
    records: dict[str, int]
    """How many records, by payment method."""
    handed_by: str
    handed_at: datetime
    late: bool
    """Handed over after the day was out."""


@dataclass(frozen=True)
class RecordsSummary:
    """The month's records sorted and summarised (BIL-07)."""

    by: str
    at: datetime
    records: int
    note: str | None
    late: bool


@dataclass(frozen=True)
class ReportLine:
    """One category of the month: charged, collected by method, still owed."""

    category: str
    charged: Decimal
    cash: Decimal
    bank_collection: Decimal
    by_reference: Decimal
    """Transfers and online payments."""
    outstanding: Decimal


@dataclass(frozen=True)
class FinancialFigures:
    """The month's financial charge report (财务收费报表) as it stood when issued."""

    lines: tuple[ReportLine, ...]
    rejected: int
    rejected_amount: Decimal
    late_fees: Decimal
    fee_bills: int
    fees_due: Decimal
    fees_collected: Decimal
    collection_rate: Decimal | None

    @property
    def meets_target(self) -> bool | None:
        rate = self.collection_rate
        return None if rate is None else rate >= COLLECTION_TARGET

    @property
    def total(self) -> ReportLine:
        return ReportLine(
            "total",
            *(
                sum((getattr(line, name) for line in self.lines), Decimal("0.00"))
                for name in AMOUNT_COLUMNS
            ),
        )


@dataclass(frozen=True)
class IssuedReport:
    figures: FinancialFigures
    issued_by: str
    issued_at: datetime


def close_id(site_id: str, month: date) -> str:
    return f"{site_id}:{month:%Y-%m}"


@dataclass
class MonthClose(Aggregate):
    site_id: str
    month: date
    """The month's first day."""
    time_zone: str
    handovers: tuple[Handover, ...] = ()
    summary: RecordsSummary | None = None
    summary_overdue_at: datetime | None = None
    report: IssuedReport | None = None
    reviews: tuple[Review, ...] = field(default_factory=tuple)
    """Every review, the latest last: one sends the report back, a re-issue is reviewed again."""

    @property
    def awaiting_review(self) -> bool:
        """Issued, and not reviewed since."""
        return self.report is not None and not (
            self.reviews and self.reviews[-1].at >= self.report.issued_at
        )

    @property
    def approved(self) -> bool:
        """The issued report stands approved by the manager."""
        return (
            self.report is not None
            and bool(self.reviews)
            and self.reviews[-1].approved
            and self.reviews[-1].at >= self.report.issued_at
        )

    @property
    def close_id(self) -> str:
        return close_id(self.site_id, self.month)

    @property
    def summary_due_at(self) -> datetime:
        """Midnight starting the 5th of the next month, in the site's time."""
        following = (self.month + timedelta(days=32)).replace(day=SUMMARY_DAY)
        return datetime.combine(following, time(0), tzinfo=ZoneInfo(self.time_zone)).astimezone(UTC)

    def _day_ends(self, day: date) -> datetime:
        return datetime.combine(
            day + timedelta(days=1), time(0), tzinfo=ZoneInfo(self.time_zone)
        ).astimezone(UTC)

    def _must_be_of_month(self, day: date) -> None:
        if day.replace(day=1) != self.month:
            raise RuleViolation(f"{day.isoformat()} is not in {self.month:%Y-%m}", field="day")

    def hand_over(
        self,
        day: date,
        receiver: Receiver,
        received_by: str,
        records: dict[str, int],
        by: str,
        now: datetime,
    ) -> Handover:
        """Record the day's records handed over; a day is handed over once."""
        self._must_be_of_month(day)
        if now < datetime.combine(day, time(0), tzinfo=ZoneInfo(self.time_zone)):
            raise RuleViolation("a day's records are handed over on that day or after", field="day")
        done = next((h for h in self.handovers if h.day == day), None)
        if done is not None:
            if (done.receiver, done.received_by) == (receiver, received_by):
                return done
            raise Conflict(
                f"the records of {day.isoformat()} were handed to {done.received_by} "
                f"({done.receiver.value}) already"
            )
        handover = Handover(
            day, receiver, received_by, dict(records), by, now, now >= self._day_ends(day)
        )
        self.handovers = tuple(sorted((*self.handovers, handover), key=lambda h: h.day))
        self.record(events.RecordsHandedOver(day))
        return handover

    def summarise(self, by: str, now: datetime, note: str | None) -> RecordsSummary:
        """The service centre or the administrator summarised the month's records (BIL-07);
        once the month is over, and once."""
        if self.summary is not None:
            return self.summary
        if now < datetime.combine(
            (self.month + timedelta(days=32)).replace(day=1),
            time(0),
            tzinfo=ZoneInfo(self.time_zone),
        ):
            raise Conflict(f"{self.month:%Y-%m} is not over: its records are summarised after it")
        records = sum(sum(h.records.values()) for h in self.handovers)
        self.summary = RecordsSummary(by, now, records, note, now >= self.summary_due_at)
        self.record(events.RecordsSummarised(now))
        return self.summary

    def deadlines(self) -> dict[str, datetime]:
        if self.summary is not None or self.summary_overdue_at is not None:
            return {}
        return {SUMMARY_DUE: self.summary_due_at}

    def deadline_reached(self, name: str, now: datetime) -> None:
        if name != SUMMARY_DUE:
            super().deadline_reached(name, now)
            return
        self.summary_overdue_at = now
        self.record(events.RecordsSummaryOverdue(now))

    def issue_report(self, figures: FinancialFigures, by: str, now: datetime) -> IssuedReport:
        """Finance issues the month's report for the manager (BIL-08): after the month, and
        again only when the manager sent the last one back."""
        if now < datetime.combine(
            (self.month + timedelta(days=32)).replace(day=1) - timedelta(days=1),
            time(0),
            tzinfo=ZoneInfo(self.time_zone),
        ):
            raise Conflict(
                f"{self.month:%Y-%m} is not at its end: the report is issued on its last day or "
                "after"
            )
        if self.report is not None and (not self.reviews or self.reviews[-1].approved):
            state = "approved" if self.reviews else "waiting for the manager's review"
            raise Conflict(f"the report of {self.month:%Y-%m} is issued and {state}")
        self.report = IssuedReport(figures, by, now)
        self.record(events.FinancialReportIssued(now))
        return self.report

    def review(self, by: str, now: datetime, approved: bool, note: str | None) -> Review:
        if self.report is None:
            raise Conflict(f"no report of {self.month:%Y-%m} is issued to review")
        last = self.reviews[-1] if self.reviews else None
        if last is not None and last.at >= self.report.issued_at:
            if (last.approved, last.note) == (approved, note):
                return last
            raise Conflict(f"the report of {self.month:%Y-%m} is reviewed already")
        review = Review.given(by, now, approved, note)
        self.reviews = (*self.reviews, review)
        self.record(events.FinancialReportReviewed(now, approved))
        return review
