"""What happens in intake, as it records it (domain events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ServiceRequestAccepted:
    """A registered request passed triage (登记 → 判别: 受理)."""

    accepted_at: datetime


@dataclass(frozen=True)
class WorkingCalendarYearLoaded:
    """An admin loaded or corrected a year of a country's working-day calendar."""

    loaded_at: datetime
