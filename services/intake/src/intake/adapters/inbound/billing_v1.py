"""Billing's events (``contracts.billing.v1``) intake keeps a copy of → intake's commands."""

from __future__ import annotations

from contracts.billing.v1 import PriceListRecorded

from intake.domain.commands import KeepPriceList
from intake.domain.price_list import PricedItem


def keep_price_list(event: PriceListRecorded) -> KeepPriceList:
    """The site's whole price list, at billing's version of it."""
    return KeepPriceList(
        site_id=event.site_id,
        items=tuple(
            PricedItem(i.item_code, i.item_name, i.unit, i.unit_price) for i in event.payload.items
        ),
        source_version=event.aggregate_version or 1,  # billing always sets it
        recorded_at=event.payload.recorded_at,
        causation_id=event.event_id,
    )
