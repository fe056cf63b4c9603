"""The property sites (项目) whose residents the hotline serves."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.shifts import DEFAULT_SHIFTS, ShiftTemplate
from hotline_libs.working_days import time_zone as checked_zone

from intake.domain import events
from intake.domain.boards import RequestKind
from intake.domain.complaint import EscalationThresholds


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

    def configure(self, settings: SiteSettings, now: datetime) -> bool:
        """Take the settings (checked); True if anything changed. The code is fixed once given:
        it is in every serial number of the site. A new complaint takes the thresholds then in
        force; one already open keeps its own."""
        settings = settings.checked()
        if settings.code != self.code:
            raise Conflict(
                f"site {self.site_id!r} is coded {self.code!r}: its serial numbers carry the "
                "code, which does not change",
                field="code",
            )
        before = (self.name, self.services, self.country, self.time_zone, self.escalation)
        after = (
            settings.name,
            settings.services,
            settings.country,
            settings.time_zone,
            settings.escalation,
        )
        if before == after and self.shifts == settings.shifts:
            return False
        self.name, self.services, self.country, self.time_zone, self.escalation = after
        self.shifts = settings.shifts
        self.record(events.SiteRecorded(recorded_at=now))
        return True

    def recorded(self, now: datetime) -> None:
        """Publish the site as it stands (a new site, or the demo data seeded)."""
        self.record(events.SiteRecorded(recorded_at=now))

    def end_of_day(self, moment: datetime) -> datetime:
        """Midnight after ``moment``'s day at the site."""
        zone = ZoneInfo(self.time_zone)
        day = moment.astimezone(zone).date() + timedelta(days=1)
        return datetime.combine(day, time(0), tzinfo=zone)


SITE_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
SHIFT_CODE = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_SHIFTS = 8
LONGEST_LADDER = timedelta(hours=72)


@dataclass(frozen=True)
class SiteSettings:
    """What an admin sets of a site: its name and code, the boards it serves, where it is,
    its complaint ladder and its front desk's shifts."""

    code: str
    name: str
    services: frozenset[RequestKind]
    country: str = "CN"
    time_zone: str = "Asia/Shanghai"
    escalation: EscalationThresholds = field(default_factory=EscalationThresholds)
    shifts: tuple[ShiftTemplate, ...] = DEFAULT_SHIFTS

    def checked(self) -> SiteSettings:
        name = self.name.strip()
        if not 1 <= len(name) <= 60:
            raise RuleViolation("name must be 1 to 60 characters", field="name")
        if not SITE_CODE.match(self.code):
            raise RuleViolation(
                "code must be 2 to 10 capital letters or digits, starting with a letter "
                "(it starts every serial number: SR-DMG-…)",
                field="code",
            )
        if not self.services:
            raise RuleViolation("a site serves at least one board", field="services")
        if not COUNTRY.match(self.country):
            raise RuleViolation("country must be an ISO 3166 code such as CN", field="country")
        checked_zone(self.time_zone)
        ladder = self.escalation
        if not timedelta(0) < ladder.supervisor_after < ladder.higher_manager_after:
            raise RuleViolation(
                "a complaint reaches the supervisor before the higher manager, both after some "
                "time",
                field="escalation",
            )
        if ladder.higher_manager_after > LONGEST_LADDER:
            raise RuleViolation(
                "the higher manager has an open complaint within 72 hours at the latest "
                "(the steward's target is 24, CMP-14)",
                field="escalation.higher_manager_after_hours",
            )
        if not 1 <= len(self.shifts) <= MAX_SHIFTS:
            raise RuleViolation(f"a site has 1 to {MAX_SHIFTS} shifts", field="shifts")
        codes = [shift.code for shift in self.shifts]
        for n, shift in enumerate(self.shifts):
            if not SHIFT_CODE.match(shift.code):
                raise RuleViolation(
                    "a shift's code is 1 to 20 lower-case letters, digits or _",
                    field=f"shifts[{n}].code",
                )
            if shift.code in codes[:n]:
                raise RuleViolation(
                    f"shift {shift.code!r} is listed twice", field=f"shifts[{n}].code"
                )
            if shift.starts == shift.ends:
                raise RuleViolation(
                    "a shift ends at another time than it starts (a 24-hour line: 08:00 to 07:59)",
                    field=f"shifts[{n}].ends",
                )
        return SiteSettings(
            self.code,
            name,
            self.services,
            self.country,
            self.time_zone,
            self.escalation,
            self.shifts,
        )


def new_site(site_id: str, settings: SiteSettings, now: datetime) -> Site:
    settings = settings.checked()
    site = Site(
        site_id=site_id,
        code=settings.code,
        name=settings.name,
        services=settings.services,
        country=settings.country,
        time_zone=settings.time_zone,
        escalation=settings.escalation,
        shifts=settings.shifts,
    )
    site.recorded(now)
    return site
