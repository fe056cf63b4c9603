"""The callback service's use cases."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

from contracts.billing.v1 import ChargeRaised
from contracts.dispatch.v1 import WorkOrderCompleted
from hotline_libs.ids import derive_id
from hotline_libs.money import to_fen

from callback.adapters.events import callback_scheduled
from callback.domain.model import Callback, WorkingDayCalendar, schedule_after_completion
from contracts import Event


class Callbacks(Protocol):
    async def schedule(self, callback: Callback, events: list[Event[Any]]) -> bool: ...
    async def attach_charge(
        self,
        callback_id: uuid.UUID,
        charge_id: uuid.UUID,
        charge_no: str,
        total_fen: int,
        raised_at: datetime,
    ) -> None: ...


def callback_id_for(work_order_id: uuid.UUID) -> uuid.UUID:
    """One callback per completed work order."""
    return derive_id("callback", work_order_id)


async def schedule_callback(
    completed: WorkOrderCompleted,
    *,
    callbacks: Callbacks,
    calendar: WorkingDayCalendar,
    now: datetime,
) -> bool:
    """Schedule the follow-up call for a completed work order; False if already scheduled."""
    order = completed.payload
    callback = schedule_after_completion(
        callback_id=callback_id_for(order.work_order_id),
        work_order_id=order.work_order_id,
        request_id=order.request_id,
        request_no=order.request_no,
        site_id=completed.site_id,
        resident=order.resident,
        paid=bool(order.items),
        payment_method=order.payment_method,
        completed_at=order.completed_at,
        calendar=calendar,
        now=now,
    )
    return await callbacks.schedule(callback, [callback_scheduled(callback, completed.event_id)])


async def note_charge(charged: ChargeRaised, *, callbacks: Callbacks) -> None:
    """Attach a raised charge to the work order's callback."""
    charge = charged.payload
    await callbacks.attach_charge(
        callback_id_for(charge.work_order_id),
        charge.charge_id,
        charge.charge_no,
        to_fen(charge.total),
        charge.raised_at,
    )
