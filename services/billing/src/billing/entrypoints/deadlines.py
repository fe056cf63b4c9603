"""Billing's clock: a price list version scheduled ahead takes effect."""

from __future__ import annotations

from datetime import datetime

from hotline_libs.bus import MessageBus

from billing.domain.commands import PriceListDeadlineReached


async def price_list_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(
        PriceListDeadlineReached(site_id=document_id, deadline=deadline, due_at=due_at)
    )
