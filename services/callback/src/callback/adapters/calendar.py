"""China's statutory working-day calendar (法定节假日 and 调休), from the ``chinese_calendar`` package."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import structlog

log = structlog.get_logger(__name__)


class ChineseWorkingDays:
    """Working days per the State Council's yearly holiday notice.

    Beyond the years the package knows (the notice for a year is published in the autumn
    before), it falls back to Monday-Friday and logs it once per year: update the package.
    """

    def __init__(self) -> None:
        self._warned: set[int] = set()

    def is_working_day(self, day: date) -> bool:
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._warned:
                self._warned.add(day.year)
                log.warning("no holiday data for this year; using Monday-Friday", year=day.year)
            return day.weekday() < 5
