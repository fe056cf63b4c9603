"""Stewards' visits to residents (住户回访, SRV-01, SRV-06) and their days on the estate: two
detailed patrols of their buildings a day and a work diary (SRV-07), summarised for the site
director each month: at least 5% of the site's households visited, the residents' opinions in
their words, and each steward's patrols and diary."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation

VISITED_SHARE = 0.05
"""Households visited a month at least (SRV-01)."""
PATROLS_A_DAY = 2
"""Detailed patrols of the steward's buildings a day (SRV-07)."""
MAX_TEXT = 2000


def _text(value: str, what: str, field_name: str) -> str:
    if not value.strip() or len(value) > MAX_TEXT:
        raise RuleViolation(f"{what}: 1 to {MAX_TEXT} characters", field=field_name)
    return value


@dataclass
class ResidentVisit(Aggregate):
    """A steward's visit to a household: what the residents said, verbatim."""

    visit_id: uuid.UUID
    site_id: str
    building: str
    room: str
    visited_on: date
    opinion: str
    steward: str
    recorded_at: datetime

    @property
    def unit_id(self) -> str:
        return f"{self.site_id}:{self.building}:{self.room}"


def new_visit(
    visit_id: uuid.UUID,
    site_id: str,
    building: str,
    room: str,
    visited_on: date,
    opinion: str,
    steward: str,
    now: datetime,
    today: date,
) -> ResidentVisit:
    if visited_on > today:
        raise RuleViolation(
            "a visit is recorded once made: visited_on is not ahead of today", field="visited_on"
        )
    return ResidentVisit(
        visit_id,
        site_id,
        building,
        room,
        visited_on,
        _text(opinion, "the residents' opinions and suggestions", "opinion"),
        steward,
        now,
    )


@dataclass(frozen=True)
class Patrol:
    at: datetime
    notes: str | None


@dataclass
class StewardDay(Aggregate):
    """One steward's day at a site: patrols as they are made, and the day's work diary."""

    site_id: str
    steward: str
    day: date
    patrols: list[Patrol] = field(default_factory=list)
    diary: str | None = None

    def patrol(self, at: datetime, notes: str | None, local_day: date) -> bool:
        """A patrol made at ``at`` (on this day in the site's time); False when recorded."""
        if local_day != self.day:
            raise RuleViolation(f"the patrol's time is not on {self.day}", field="at")
        if notes is not None:
            _text(notes, "notes", "notes")
        if any(p.at == at for p in self.patrols):
            return False
        self.patrols = sorted([*self.patrols, Patrol(at, notes)], key=lambda p: p.at)
        return True

    def write_diary(self, text: str) -> bool:
        """The day's work diary, written (or corrected) by the steward; False when unchanged."""
        _text(text, "the work diary", "text")
        if text == self.diary:
            return False
        self.diary = text
        return True


@dataclass(frozen=True)
class StewardMonth:
    steward: str
    days_recorded: int
    days_with_both_patrols: int
    diary_days: int
    visits: int


@dataclass(frozen=True)
class VisitsSummary:
    """The month's visits at a site, for its director."""

    households: int
    visited_households: int
    visits: int
    opinions: list[tuple[date, str, str, str]]
    """(day, building-room, steward, what the residents said)."""
    stewards: list[StewardMonth]

    @property
    def share(self) -> float | None:
        if not self.households:
            return None
        return round(self.visited_households / self.households, 4)

    @property
    def meets(self) -> bool | None:
        share = self.share
        return None if share is None else share >= VISITED_SHARE


def summarise(
    visits: Iterable[ResidentVisit], days: Iterable[StewardDay], households: int
) -> VisitsSummary:
    visits = sorted(visits, key=lambda v: (v.visited_on, v.recorded_at))
    per_steward: dict[str, list[StewardDay]] = defaultdict(list)
    for day in days:
        per_steward[day.steward].append(day)
    visits_by: dict[str, int] = defaultdict(int)
    for visit in visits:
        visits_by[visit.steward] += 1
    return VisitsSummary(
        households=households,
        visited_households=len({v.unit_id for v in visits}),
        visits=len(visits),
        opinions=[(v.visited_on, f"{v.building}-{v.room}", v.steward, v.opinion) for v in visits],
        stewards=[
            StewardMonth(
                steward=steward,
                days_recorded=len(per_steward.get(steward, [])),
                days_with_both_patrols=sum(
                    len(d.patrols) >= PATROLS_A_DAY for d in per_steward.get(steward, [])
                ),
                diary_days=sum(d.diary is not None for d in per_steward.get(steward, [])),
                visits=visits_by.get(steward, 0),
            )
            for steward in sorted(set(per_steward) | set(visits_by))
        ],
    )
