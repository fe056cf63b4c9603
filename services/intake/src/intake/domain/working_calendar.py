"""A year of a country's official working-day calendar, as an admin loaded it (法定节假日, 调休).

The calendar packages ship a year only weeks after the State Council's notice; until then an
admin loads the notice's dates here. Intake publishes each load so that every service counts
the same working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.working_days import YearSchedule

from intake.domain import events


@dataclass
class WorkingCalendarYear(Aggregate):
    schedule: YearSchedule
    loaded_by: str
    loaded_at: datetime

    def reload(self, schedule: YearSchedule, by: str, now: datetime) -> bool:
        """Replace the dates (a correction of the notice); False when they are the same."""
        if schedule == self.schedule:
            return False
        self.schedule, self.loaded_by, self.loaded_at = schedule, by, now
        self.record(events.WorkingCalendarYearLoaded(loaded_at=now))
        return True


def load_year(schedule: YearSchedule, by: str, now: datetime) -> WorkingCalendarYear:
    year = WorkingCalendarYear(schedule=schedule, loaded_by=by, loaded_at=now)
    year.record(events.WorkingCalendarYearLoaded(loaded_at=now))
    return year
