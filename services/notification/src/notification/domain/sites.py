"""What notification keeps of a site: the name its residents know it by, its time zone, and
its quiet hours when the site set its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from hotline_libs.ids import SITE_TIME_ZONE

from notification.domain.policy import Urgency
from notification.domain.preferences import (
    ContactPreference,
    QuietHours,
    Screening,
    quiet_hours_from,
    screen,
)
from notification.domain.templates import Channel

DEFAULT_QUIET_HOURS = "default"
"""A site's quiet hours are the company's (``NotificationSettings.quiet_hours``)."""


@dataclass(frozen=True)
class SiteNotices:
    site_id: str
    name: str | None = None
    time_zone: str | None = None
    quiet_hours: str = DEFAULT_QUIET_HOURS
    """``HH:MM-HH:MM``, ``off``, or ``default`` (the company's)."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone) if self.time_zone else SITE_TIME_ZONE

    def quiet(self, company_default: QuietHours | None) -> QuietHours | None:
        if self.quiet_hours == DEFAULT_QUIET_HOURS:
            return company_default
        return quiet_hours_from(self.quiet_hours)

    def screening(self, company_default: QuietHours | None, now: datetime) -> Screener:
        return Screener(self.zone, self.quiet(company_default), now)


@dataclass(frozen=True)
class Screener:
    """Screens the messages of one occasion at one site at one moment."""

    zone: ZoneInfo
    quiet_hours: QuietHours | None
    now: datetime

    def __call__(
        self, channel: Channel, urgency: Urgency, preference: ContactPreference | None
    ) -> Screening:
        return screen(channel, urgency, preference, self.quiet_hours, self.zone, self.now)


def checked_quiet_hours(text: str) -> str:
    """``text`` as stored: ``default``, ``off`` or ``HH:MM-HH:MM``; a RuleViolation naming
    ``quiet_hours`` when it is none of them."""
    text = text.strip()
    if text == DEFAULT_QUIET_HOURS:
        return text
    hours = quiet_hours_from(text)
    return "off" if hours is None else str(hours)
