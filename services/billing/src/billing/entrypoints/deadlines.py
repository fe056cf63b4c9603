"""Billing's clocks: a price list version scheduled ahead takes effect; a fee bill's next
reminder is due; the month's records are due summarised by the 5th."""

from __future__ import annotations

from datetime import datetime

from hotline_libs.bus import MessageBus

from billing.domain.commands import (
    FeeBillDeadlineReached,
    MonthCloseDeadlineReached,
    PriceListDeadlineReached,
)


async def price_list_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(
        PriceListDeadlineReached(site_id=document_id, deadline=deadline, due_at=due_at)
    )


async def fee_bill_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(FeeBillDeadlineReached(bill_id=document_id, deadline=deadline, due_at=due_at))


async def month_close_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(
        MonthCloseDeadlineReached(close_id=document_id, deadline=deadline, due_at=due_at)
    )
