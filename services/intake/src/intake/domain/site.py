"""The property sites (项目) whose residents the hotline serves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import NotFound

from intake.domain.boards import RequestKind
from intake.domain.complaint import EscalationThresholds
from intake.domain.duty_log import DEFAULT_SHIFTS, ShiftTemplate


class UnknownSite(NotFound):
    """The request names a site the hotline does not serve."""


@dataclass
class Site(Aggregate):
    """A property site and the boards of service it offers."""

    site_id: str
    code: str
    name: str
    services: frozenset[RequestKind]
    country: str = "CN"
    """Whose statutory calendar counts the site's working days (ISO 3166)."""
    time_zone: str = "Asia/Shanghai"
    """Where the site's days begin and end (IANA)."""
    escalation: EscalationThresholds = field(default_factory=EscalationThresholds)
    shifts: tuple[ShiftTemplate, ...] = DEFAULT_SHIFTS
    """The front desk's shift templates (DUTY-01)."""
    """How long an open complaint stays with duty staff, then the supervisor."""

    def end_of_day(self, moment: datetime) -> datetime:
        """Midnight after ``moment``'s day at the site."""
        zone = ZoneInfo(self.time_zone)
        day = moment.astimezone(zone).date() + timedelta(days=1)
        return datetime.combine(day, time(0), tzinfo=zone)
