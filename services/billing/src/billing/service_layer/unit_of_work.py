"""What billing's use cases need of the store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from hotline_libs.aggregate import Clock
from hotline_libs.ids import Serials
from hotline_libs.working_calendars import Calendars

from billing.domain.charge import Charge
from billing.domain.collection import CollectionBatch, CollectionDebit, SiteCreditor
from billing.domain.directory import DirectoryResident, DirectoryUnit
from billing.domain.fee_bill import FeeBill
from billing.domain.fee_contract import FeeContract
from billing.domain.mandate import Mandate
from billing.domain.month_close import MonthClose
from billing.domain.price_list import PriceList
from billing.domain.receipt import Receipt
from billing.domain.statement import IncomeStatement


class ChargeRepository(Protocol):
    async def get(self, charge_id: object) -> Charge | None: ...
    def add(self, charge: Charge) -> None: ...
    async def collectable_at(self, site_id: str, batch_id: str) -> list[Charge]:
        """The site's raised, unpaid bank-collection charges no other batch holds (tracked)."""
        ...

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


class MandateRepository(Protocol):
    async def get(self, mandate_id: object) -> Mandate | None: ...
    def add(self, mandate: Mandate) -> None: ...
    async def active_at(self, site_id: str) -> list[Mandate]:
        """The site's active mandates, the latest signed last."""
        ...


class CreditorRepository(Protocol):
    async def get(self, site_id: object) -> SiteCreditor | None: ...
    def add(self, creditor: SiteCreditor) -> None: ...


class BatchRepository(Protocol):
    async def get(self, batch_id: object) -> CollectionBatch | None: ...
    def add(self, batch: CollectionBatch) -> None: ...


class DebitRepository(Protocol):
    async def get(self, debit_id: object) -> CollectionDebit | None: ...
    def add(self, debit: CollectionDebit) -> None: ...
    def in_batch(self, batch_id: str) -> AsyncIterator[CollectionDebit]:
        """The batch's debits by end-to-end id, one at a time (for reading)."""
        ...

    async def totals(self, batch_id: str) -> tuple[int, Decimal]:
        """How many debits the batch holds and their sum."""
        ...

    async def answered_by(self, batch_id: str, end_to_end_ids: list[str]) -> list[CollectionDebit]:
        """The batch's debits with these end-to-end ids (tracked for saving)."""
        ...


class FeeContractRepository(Protocol):
    async def get(self, contract_no: object) -> FeeContract | None: ...
    def add(self, contract: FeeContract) -> None: ...
    async def of_unit(self, site_id: str, building: str, room: str) -> list[FeeContract]:
        """The unit's contracts, earliest start first (for reading)."""
        ...

    async def running_in(self, site_id: str, first: date, last: date) -> list[FeeContract]:
        """The site's contracts running on some day of [first, last], by unit (for
        reading)."""
        ...


class FeeBillRepository(Protocol):
    async def get(self, bill_id: object) -> FeeBill | None: ...
    def add(self, bill: FeeBill) -> None: ...
    async def collectable_at(self, site_id: str, batch_id: str) -> list[FeeBill]:
        """The site's unpaid bills no other batch holds (tracked)."""
        ...

    async def of_contract_after(self, contract_no: str, month: date) -> list[FeeBill]:
        """The contract's bills for months after ``month`` (for reading)."""
        ...

    async def of_month(self, site_id: str, month: date) -> list[FeeBill]:
        """The site's bills for the month, by unit (for reading)."""
        ...


class MonthCloseRepository(Protocol):
    async def get(self, close_id: object) -> MonthClose | None: ...
    def add(self, close: MonthClose) -> None: ...


class StatementRepository(Protocol):
    async def get(self, statement_id: object) -> IncomeStatement | None: ...
    def add(self, statement: IncomeStatement) -> None: ...
    async def of_site(self, site_id: str) -> list[IncomeStatement]:
        """The site's statements, the latest period first (for reading)."""
        ...


class Directory(Protocol):
    """Billing's copy of intake's directory: units and residents, the latest record each."""

    async def keep_unit(self, unit: DirectoryUnit) -> bool: ...
    async def keep_resident(self, resident: DirectoryResident) -> bool: ...
    async def unit(self, site_id: str, building: str, room: str) -> DirectoryUnit | None: ...
    async def resident(self, resident_id: object) -> DirectoryResident | None: ...


class BillingUnitOfWork(Protocol):
    charges: ChargeRepository
    price_lists: PriceListRepository
    receipts: ReceiptRepository
    mandates: MandateRepository
    creditors: CreditorRepository
    batches: BatchRepository
    debits: DebitRepository
    fee_contracts: FeeContractRepository
    fee_bills: FeeBillRepository
    directory: Directory
    month_closes: MonthCloseRepository
    statements: StatementRepository
    serials: Serials
    calendars: Calendars
    clock: Clock

    async def commit(self) -> Any: ...
