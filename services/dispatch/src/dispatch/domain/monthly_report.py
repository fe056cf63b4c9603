"""Each site's monthly work-order report, sent once the month is over to the departments and
the company's leaders (through notification): the month's figures (DSP-12) on a durable
deadline, so each month is reported once across restarts and replicas."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hotline_libs.aggregate import Aggregate
from hotline_libs.working_days import month_bounds, next_month, time_zone

from dispatch.domain import events
from dispatch.domain.report import MonthOfWork

REPORT_DUE = "report_due"
AFTER_MONTH_END = timedelta(hours=1)
"""The month is reported an hour after it ends in the site's time, once the night's late
entries are in."""


@dataclass
class MonthlyReporting(Aggregate):
    """Which month of the site is reported next, and the months reported."""

    site_id: str
    zone: str
    month: str
    """``YYYY-MM``: the next month to report."""
    reported: list[str] = field(default_factory=list)

    @property
    def due_at(self) -> datetime:
        _, end = month_bounds(self.month, time_zone(self.zone))
        return end + AFTER_MONTH_END

    def deadlines(self) -> dict[str, datetime]:
        return {REPORT_DUE: self.due_at}

    def report(self, month_of: MonthOfWork, now: datetime) -> None:
        """Report the month's figures and move on to the next month."""
        self.record(events.MonthReported(self.site_id, self.month, month_of, now))
        self.reported.append(self.month)
        self.month = next_month(self.month)


def reporting_from(site_id: str, zone: str, now: datetime) -> MonthlyReporting:
    """A site's reporting from its current month on."""
    local = now.astimezone(time_zone(zone))
    return MonthlyReporting(site_id, zone, f"{local:%Y-%m}")
