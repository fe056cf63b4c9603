"""What billing's use cases need of the store."""

from __future__ import annotations

from typing import Any, Protocol

from hotline_libs.aggregate import Clock
from hotline_libs.ids import Serials

from billing.domain.charge import Charge
from billing.domain.price_list import PriceList


class ChargeRepository(Protocol):
    async def get(self, charge_id: object) -> Charge | None: ...
    def add(self, charge: Charge) -> None: ...
    async def waiting_at(self, site_id: str) -> list[Charge]:
        """The site's charges waiting for pricing, oldest first (tracked for saving)."""
        ...


class PriceListRepository(Protocol):
    async def get(self, site_id: object) -> PriceList | None: ...
    def add(self, price_list: PriceList) -> None: ...


class BillingUnitOfWork(Protocol):
    charges: ChargeRepository
    price_lists: PriceListRepository
    serials: Serials
    clock: Clock

    async def commit(self) -> Any: ...
