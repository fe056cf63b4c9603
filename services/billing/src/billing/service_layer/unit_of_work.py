"""What billing's use cases need of the store."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from hotline_libs.aggregate import Clock
from hotline_libs.ids import Serials
from hotline_libs.working_calendars import Calendars

from billing.domain.charge import Charge
from billing.domain.price_list import PriceList
from billing.domain.receipt import Receipt


class ChargeRepository(Protocol):
    async def get(self, charge_id: object) -> Charge | None: ...
    def add(self, charge: Charge) -> None: ...
    async def waiting_at(self, site_id: str) -> list[Charge]:
        """The site's charges waiting for pricing, oldest first (tracked for saving)."""
        ...

    async def created_between(self, site_id: str, start: datetime, end: datetime) -> list[Charge]:
        """The site's charges created in [start, end), oldest first (for reading)."""
        ...

    async def paid_between(self, site_id: str, start: datetime, end: datetime) -> list[Charge]:
        """The site's charges whose payment was booked in [start, end) (for reading)."""
        ...


class PriceListRepository(Protocol):
    async def get(self, site_id: object) -> PriceList | None: ...
    def add(self, price_list: PriceList) -> None: ...


class ReceiptRepository(Protocol):
    async def get(self, receipt_id: object) -> Receipt | None: ...
    def add(self, receipt: Receipt) -> None:
        """Inserted by ``commit``: a number taken meanwhile is a ``ConcurrencyConflict``, and the
        bus retries the use case, which draws the next one."""
        ...

    async def last_number(self, site_id: str) -> int:
        """The highest number the site's receipts hold; 0 before the first."""
        ...

    async def live_for(self, charge_id: object) -> list[Receipt]:
        """The charge's receipts out with a technician, by number (tracked for saving)."""
        ...

    async def touched_between(
        self, site_id: str, field: str, start: datetime, end: datetime
    ) -> list[Receipt]:
        """The site's receipts whose ``field`` (issued_at, booked_at, voided_at) is in
        [start, end), by number (for reading)."""
        ...

    async def out_at(self, site_id: str, until: datetime) -> list[Receipt]:
        """The site's receipts out with technicians, drawn before ``until`` (for reading)."""
        ...


class BillingUnitOfWork(Protocol):
    charges: ChargeRepository
    price_lists: PriceListRepository
    receipts: ReceiptRepository
    serials: Serials
    calendars: Calendars
    clock: Clock

    async def commit(self) -> Any: ...
