"""Callbacks and their deadlines in working days (回访)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from contracts.callback.v1 import CallbackReason
from contracts.envelope import PaymentMethod, Resident

CONVENIENCE_CALLBACK_WORKING_DAYS = 2
"""Convenience services are called back within 2 working days of completion."""

SITE_TIME_ZONE = ZoneInfo("Asia/Shanghai")


class WorkingDayCalendar(Protocol):
    """The statutory calendar of the site's country, with holidays and swapped working weekends."""

    def is_working_day(self, day: date) -> bool: ...


def add_working_days(start: date, days: int, calendar: WorkingDayCalendar) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


@dataclass(frozen=True)
class Callback:
    """A follow-up call on an agent's list."""

    callback_id: uuid.UUID
    work_order_id: uuid.UUID
    request_id: uuid.UUID
    request_no: str
    site_id: str
    resident: Resident
    reason: CallbackReason
    payment_method: PaymentMethod | None
    completed_at: datetime
    due_on: date
    scheduled_at: datetime


def schedule_after_completion(
    *,
    callback_id: uuid.UUID,
    work_order_id: uuid.UUID,
    request_id: uuid.UUID,
    request_no: str,
    site_id: str,
    resident: Resident,
    paid: bool,
    payment_method: PaymentMethod | None,
    completed_at: datetime,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> Callback:
    """The callback after a completed service: due 2 working days after the completion day."""
    completion_day = completed_at.astimezone(SITE_TIME_ZONE).date()
    return Callback(
        callback_id=callback_id,
        work_order_id=work_order_id,
        request_id=request_id,
        request_no=request_no,
        site_id=site_id,
        resident=resident,
        reason=CallbackReason.AFTER_PAID_SERVICE if paid else CallbackReason.AFTER_REPAIR,
        payment_method=payment_method,
        completed_at=completed_at,
        due_on=add_working_days(completion_day, CONVENIENCE_CALLBACK_WORKING_DAYS, calendar),
        scheduled_at=now,
    )
