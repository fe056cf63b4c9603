"""Price lists and charges (特约服务项目价格表, 收费)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from contracts.envelope import PaymentMethod, Resident
from hotline_libs.errors import RuleViolation
from hotline_libs.money import round_yuan


class ItemNotOnPriceList(RuleViolation):
    """A delivered item has no price on the site's list; finance must price it first."""


class NoPriceList(RuleViolation):
    """The site has no price list for paid services."""


@dataclass(frozen=True)
class PriceItem:
    item_code: str
    name: str
    unit: str
    unit_price: Decimal


@dataclass(frozen=True)
class PriceList:
    """The paid services one site offers and their prices."""

    site_id: str
    items: dict[str, PriceItem]

    def price(self, item_code: str, quantity: int) -> ChargeLine:
        item = self.items.get(item_code)
        if item is None:
            known = ", ".join(sorted(self.items))
            raise ItemNotOnPriceList(
                f"item {item_code!r} is not on the price list of site {self.site_id!r}; listed: {known}"
            )
        return ChargeLine(
            item_code=item.item_code,
            item_name=item.name,
            unit=item.unit,
            unit_price=item.unit_price,
            quantity=quantity,
            amount=round_yuan(item.unit_price * quantity),
        )


@dataclass(frozen=True)
class ChargeLine:
    item_code: str
    item_name: str
    unit: str
    unit_price: Decimal
    quantity: int
    amount: Decimal


@dataclass
class Charge:
    """The fee owed for one completed work order."""

    charge_id: uuid.UUID
    charge_no: str
    work_order_id: uuid.UUID
    request_id: uuid.UUID
    request_no: str
    site_id: str
    resident: Resident
    lines: tuple[ChargeLine, ...]
    payment_method: PaymentMethod
    raised_at: datetime

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


def price_lines(price_list: PriceList, items: list[tuple[str, int]]) -> tuple[ChargeLine, ...]:
    """Price each delivered item; every item must be on the list."""
    return tuple(price_list.price(code, quantity) for code, quantity in items)
