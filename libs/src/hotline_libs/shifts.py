"""A site's day in shifts (班次): intake's front desk works them (DUTY-01), and dispatch rosters
its technicians on the same ones. Intake owns each site's list and publishes it with the site
(``SiteRecorded``); the other services keep a copy (``working_calendars.KeepSitePlace``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline_libs.errors import RuleViolation


@dataclass(frozen=True)
class ShiftTemplate:
    """One shift of a site's day (DUTY-01); a shift ending before it starts runs overnight."""

    code: str
    starts: time
    ends: time

    def start_on(self, day: date, zone: ZoneInfo) -> datetime:
        return datetime.combine(day, self.starts, tzinfo=zone)

    def end_on(self, day: date, zone: ZoneInfo) -> datetime:
        end_day = day + timedelta(days=1) if self.ends <= self.starts else day
        return datetime.combine(end_day, self.ends, tzinfo=zone)

    @property
    def hours(self) -> float:
        day = date(2000, 1, 1)
        zone = ZoneInfo("UTC")
        return (self.end_on(day, zone) - self.start_on(day, zone)) / timedelta(hours=1)

    def day_running_at(self, moment: datetime, zone: ZoneInfo) -> date | None:
        """The day whose run of this shift covers ``moment`` (an overnight shift that started
        the evening before counts as that evening's), or None when the shift is not running."""
        local = moment.astimezone(zone).date()
        for day in (local, local - timedelta(days=1)):
            if self.start_on(day, zone) <= moment < self.end_on(day, zone):
                return day
        return None

    def as_text(self) -> dict[str, str]:
        """As published and stored: ``{"code", "starts": "HH:MM", "ends": "HH:MM"}``."""
        return {"code": self.code, "starts": f"{self.starts:%H:%M}", "ends": f"{self.ends:%H:%M}"}

    @classmethod
    def from_text(cls, stored: dict[str, str]) -> ShiftTemplate:
        return cls(
            stored["code"], time.fromisoformat(stored["starts"]), time.fromisoformat(stored["ends"])
        )


DEFAULT_SHIFTS = (
    ShiftTemplate("early", time(7, 30), time(15, 30)),
    ShiftTemplate("middle", time(9, 30), time(17, 30)),
    ShiftTemplate("late", time(12, 0), time(20, 0)),
    ShiftTemplate("night", time(20, 0), time(7, 30)),
)
"""The manual's three front-desk shifts (DUTY-01) and the night line that keeps the centre
answering 24 hours a day (DUTY-26, CMP-03): every site's until intake records its own."""


def shift_named(
    shifts: tuple[ShiftTemplate, ...], code: str, field: str = "shift"
) -> ShiftTemplate:
    """The shift of ``shifts`` with ``code``, or a problem naming ``field`` and the codes."""
    for template in shifts:
        if template.code == code:
            return template
    raise RuleViolation(
        f"{field} {code!r} is not one of the site's shifts: {', '.join(s.code for s in shifts)}",
        field=field,
    )
