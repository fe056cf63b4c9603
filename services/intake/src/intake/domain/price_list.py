"""A site's paid-service price list (特约服务项目价格表, BIL-01) as billing last published it,
and the rule it serves here: a paid request names what it asks for from that list (TAX-09)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from hotline_libs.aggregate import Aggregate

from intake.domain.catalogue import CatalogueItem, ServiceClass
from intake.domain.reception import InvalidRegistration

SHOWN_CODES = 12
"""How many of the list's codes a refusal quotes before it says "…"."""


@dataclass(frozen=True)
class PricedItem:
    item_code: str
    name: str
    unit: str
    unit_price: Decimal


@dataclass
class PriceList(Aggregate):
    """Billing owns the list; intake keeps the latest version it published (``source_version``,
    billing's own version of it), so a redelivered or older list changes nothing."""

    site_id: str
    items: dict[str, PricedItem] = field(default_factory=dict)
    source_version: int = 0
    recorded_at: datetime | None = None

    def replace(
        self, items: Sequence[PricedItem], source_version: int, recorded_at: datetime
    ) -> bool:
        """Take billing's list of ``source_version``, unless a later one is kept; True if taken."""
        if source_version <= self.source_version:
            return False
        self.items = {item.item_code: item for item in items}
        self.source_version = source_version
        self.recorded_at = recorded_at
        return True

    def codes(self) -> str:
        codes = sorted(self.items)
        shown = ", ".join(codes[:SHOWN_CODES]) or "nothing"
        return shown + (", …" if len(codes) > SHOWN_CODES else "")


def check_requested_items(
    item_codes: Sequence[str],
    asked_for: CatalogueItem,
    site_id: str,
    price_list: PriceList | None,
) -> None:
    """A special paid service (特约服务) is charged at the site's standard rates (BIL-02): the
    request names at least one item of the site's current price list, and only such items. A
    routine service is covered by the management fee and a business service is not priced by
    that list, so neither names price-list items (TAX-09)."""
    if asked_for.service_class is not ServiceClass.PAID:
        if item_codes:
            raise InvalidRegistration(
                f"requested_items are for paid services; {asked_for.code} is "
                f"{asked_for.service_class.value} service at site {site_id!r}",
                field="requested_items",
            )
        return
    if price_list is None or not price_list.items:
        raise InvalidRegistration(
            f"site {site_id!r} has no price list from billing yet, so the paid service "
            f"{asked_for.code} cannot be accepted; finance enters the site's prices first",
            field="requested_items",
        )
    if not item_codes:
        raise InvalidRegistration(
            f"requested_items must name what the resident asks for from the price list of site "
            f"{site_id!r} ({asked_for.code} is a paid service); one of: {price_list.codes()}",
            field="requested_items",
        )
    for n, code in enumerate(item_codes):
        if code not in price_list.items:
            raise InvalidRegistration(
                f"requested_items[{n}].item_code {code!r} is not on the price list of site "
                f"{site_id!r}; expected one of: {price_list.codes()}",
                field=f"requested_items[{n}].item_code",
            )
