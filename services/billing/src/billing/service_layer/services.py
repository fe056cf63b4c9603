"""Billing's use cases."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Protocol

from contracts.dispatch.v1 import WorkOrderCompleted
from hotline_libs.errors import RuleViolation
from hotline_libs.ids import Serials, derive_id, next_serial_number

from billing.adapters.events import charge_raised
from billing.domain.model import Charge, NoPriceList, PriceList, price_lines
from contracts import Event


class Charges(Protocol):
    async def add(self, charge: Charge, events: list[Event[Any]]) -> bool: ...
    async def get(self, charge_id: uuid.UUID) -> Charge | None: ...


class PriceLists(Protocol):
    async def for_site(self, site_id: str) -> PriceList | None: ...


async def raise_charge(
    completed: WorkOrderCompleted,
    *,
    charges: Charges,
    price_lists: PriceLists,
    serials: Serials,
    now: datetime,
) -> Charge | None:
    """Price a completed work order's paid items and raise its charge; None if nothing is paid.

    One charge per work order: its id is derived from the work order id.
    """
    order = completed.payload
    if not order.items:
        return None
    if order.payment_method is None:
        raise RuleViolation(
            f"work order {order.work_order_no} has paid items but no payment method"
        )
    charge_id = derive_id("charge", order.work_order_id)
    existing = await charges.get(charge_id)
    if existing is not None:
        return existing
    price_list = await price_lists.for_site(completed.site_id)
    if price_list is None:
        raise NoPriceList(f"site {completed.site_id!r} has no price list for paid services")
    charge = Charge(
        charge_id=charge_id,
        charge_no=await next_serial_number(serials, "CH", completed.site_id.upper(), now),
        work_order_id=order.work_order_id,
        request_id=order.request_id,
        request_no=order.request_no,
        site_id=completed.site_id,
        resident=order.resident,
        lines=price_lines(price_list, [(item.item_code, item.quantity) for item in order.items]),
        payment_method=order.payment_method,
        raised_at=now,
    )
    if await charges.add(charge, [charge_raised(charge, completed.event_id)]):
        return charge
    return await charges.get(charge_id)
