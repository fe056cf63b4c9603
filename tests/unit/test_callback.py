"""Callback: follow-up calls due within 2 working days, on China's calendar (回访)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from callback.adapters.calendar import ChineseWorkingDays
from callback.domain.model import Callback, add_working_days
from callback.service_layer.services import schedule_callback
from contracts.callback.v1 import CallbackReason, CallbackScheduled
from contracts.envelope import PaymentMethod

from contracts import Event
from tests import builders
from tests.builders import NOW

CALENDAR = ChineseWorkingDays()


class FakeCallbacks:
    def __init__(self) -> None:
        self.callbacks: dict[uuid.UUID, Callback] = {}
        self.events: list[Event[Any]] = []

    async def schedule(self, callback: Callback, events: list[Event[Any]]) -> bool:
        if callback.callback_id in self.callbacks:
            return False
        self.callbacks[callback.callback_id] = callback
        self.events += events
        return True

    async def attach_charge(self, *args: object) -> None:
        raise AssertionError("not used here")


@pytest.mark.parametrize(
    ("completed_on", "due_on"),
    [
        (date(2026, 11, 23), date(2026, 11, 25)),  # Monday → Wednesday
        (date(2026, 11, 27), date(2026, 12, 1)),  # Friday → Tuesday, over the weekend
        (date(2026, 9, 30), date(2026, 10, 9)),  # over the National Day holiday, Oct 1-7
        (date(2026, 10, 9), date(2026, 10, 12)),  # Saturday Oct 10 is a swapped working day (调休)
    ],
)
def test_two_working_days_follow_the_statutory_calendar(completed_on: date, due_on: date) -> None:
    assert add_working_days(completed_on, 2, CALENDAR) == due_on


def test_years_without_holiday_data_fall_back_to_weekdays() -> None:
    assert add_working_days(date(2031, 1, 3), 2, CALENDAR) == date(2031, 1, 7)


async def test_a_completed_paid_service_gets_one_callback_due_in_two_working_days() -> None:
    callbacks = FakeCallbacks()
    # 23:30 UTC on Friday the 27th is already Saturday the 28th in Xi'an
    completed = builders.work_order_completed(
        items=[("RP-TAP", 1)],
        payment_method=PaymentMethod.CASH,
        completed_at=datetime(2026, 11, 27, 23, 30, tzinfo=UTC),
    )
    assert await schedule_callback(completed, callbacks=callbacks, calendar=CALENDAR, now=NOW)
    assert not await schedule_callback(completed, callbacks=callbacks, calendar=CALENDAR, now=NOW)
    [event] = callbacks.events
    assert isinstance(event, CallbackScheduled)
    assert event.payload.reason is CallbackReason.AFTER_PAID_SERVICE
    assert event.payload.due_on == date(2026, 12, 1)
    assert event.payload.payment_method is PaymentMethod.CASH


async def test_free_repairs_are_called_back_too() -> None:
    callbacks = FakeCallbacks()
    await schedule_callback(
        builders.work_order_completed(), callbacks=callbacks, calendar=CALENDAR, now=NOW
    )
    [callback] = callbacks.callbacks.values()
    assert callback.reason is CallbackReason.AFTER_REPAIR
