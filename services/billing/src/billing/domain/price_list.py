"""The paid services one site offers, and their prices (特约服务项目价格表, BIL-01)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation
from hotline_libs.money import round_yuan

from billing.domain import events


@dataclass(frozen=True)
class PriceItem:
    item_code: str
    name: str
    unit: str
    unit_price: Decimal


@dataclass
class PriceList(Aggregate):
    """One site's price list; finance corrects it item by item."""

    site_id: str
    items: dict[str, PriceItem] = field(default_factory=dict)
    recorded_at: datetime | None = None
    """When the list as it stands was published; None for a list stored before lists were
    published, which the service publishes when it starts."""

    def set_item(self, item: PriceItem, now: datetime) -> None:
        """Add an item or change its name, unit or price; the changed list is published (an item
        put again unchanged publishes nothing)."""
        if item.unit_price <= 0:
            raise RuleViolation(f"unit_price of {item.item_code} must be more than zero")
        if round_yuan(item.unit_price) != item.unit_price:
            raise RuleViolation(f"unit_price of {item.item_code} has more than two decimal places")
        if self.items.get(item.item_code) == item:
            return
        self.items[item.item_code] = item
        self.recorded(now)

    def recorded(self, now: datetime) -> None:
        """Publish the list as it stands: first stored (a site's seed), or changed."""
        self.recorded_at = now
        self.record(events.PriceListRecorded(recorded_at=now))
