"""Billing's service layer on a memory store: the fakes and the helpers its unit tests share.

Handlers run through the real message bus and the real inbound and outbound mappers, on an
in-memory store that keeps the real store's version rule (a clash on a new id, such as a receipt
number taken meanwhile, is a ``ConcurrencyConflict`` the bus retries).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from billing.adapters.demo_data import DEMO_PRICE_LISTS, IN_EFFECT_SINCE
from billing.adapters.inbound.dispatch_v1 import charge_work_order
from billing.adapters.outbound import events_v1, fees_v1, statements_v1
from billing.adapters.outbound.events_v1 import to_integration
from billing.domain.charge import Charge, ChargeStatus
from billing.domain.charge import PaymentMethod as BillingMethod
from billing.domain.collection import CollectionBatch, CollectionDebit, SiteCreditor, debit_id
from billing.domain.directory import DirectoryResident, DirectoryUnit
from billing.domain.fee_bill import FeeBill
from billing.domain.fee_contract import FeeContract
from billing.domain.mandate import Mandate
from billing.domain.month_close import MonthClose
from billing.domain.price_list import PriceItem, PriceList, PriceListVersion
from billing.domain.receipt import Receipt
from billing.domain.statement import IncomeStatement
from billing.service_layer.handlers import HANDLERS
from contracts.billing.v1 import ChargeRaised
from contracts.dispatch.v1 import ServiceItemUsed, WorkOrderCompleted
from contracts.envelope import PaymentMethod
from hotline_libs.bus import MessageBus

from tests import builders
from tests.builders import NOW
from tests.fakes import Clock, FakeRepository, FakeUnitOfWork, MemoryStore


class FakeCharges(FakeRepository[Charge]):
    collection_name = "charges"

    def identity(self, aggregate: Charge) -> str:
        return str(aggregate.charge_id)

    async def waiting_at(self, site_id: str) -> list[Charge]:
        return self.tracked_where(
            lambda c: c.site_id == site_id and c.status is ChargeStatus.NEEDS_PRICING,
            lambda c: c.created_at,
        )

    async def collectable_at(self, site_id: str, batch_id: str) -> list[Charge]:
        return self.tracked_where(
            lambda c: (
                c.site_id == site_id
                and c.status is ChargeStatus.RAISED
                and c.payment_method is BillingMethod.BANK_COLLECTION
                and c.collecting_in in (None, batch_id)
            ),
            lambda c: c.created_at,
        )

    async def created_between(self, site_id: str, start: datetime, end: datetime) -> list[Charge]:
        return sorted(
            (c for c in self.stored() if c.site_id == site_id and start <= c.created_at < end),
            key=lambda c: c.created_at,
        )

    async def paid_between(self, site_id: str, start: datetime, end: datetime) -> list[Charge]:
        return [
            c
            for c in self.stored()
            if c.site_id == site_id and c.payment and start <= c.payment.booked_at < end
        ]


class FakeReceipts(FakeRepository[Receipt]):
    collection_name = "receipts"

    def identity(self, aggregate: Receipt) -> str:
        return aggregate.receipt_id

    async def last_number(self, site_id: str) -> int:
        return max((r.number for r in self.stored() if r.site_id == site_id), default=0)

    async def live_for(self, charge_id: object) -> list[Receipt]:
        return self.tracked_where(
            lambda r: str(r.charge_id) == str(charge_id) and r.live, lambda r: r.number
        )

    async def touched_between(
        self, site_id: str, field: str, start: datetime, end: datetime
    ) -> list[Receipt]:
        def touched(r: Receipt) -> bool:
            at = getattr(r, field)
            return r.site_id == site_id and at is not None and start <= at < end

        return sorted((r for r in self.stored() if touched(r)), key=lambda r: r.number)

    async def out_at(self, site_id: str, until: datetime) -> list[Receipt]:
        return sorted(
            (r for r in self.stored() if r.site_id == site_id and r.live and r.issued_at < until),
            key=lambda r: r.number,
        )


class FakePriceLists(FakeRepository[PriceList]):
    collection_name = "price_lists"

    def identity(self, aggregate: PriceList) -> str:
        return aggregate.site_id


class FakeMandates(FakeRepository[Mandate]):
    collection_name = "mandates"

    def identity(self, aggregate: Mandate) -> str:
        return aggregate.mandate_id

    async def active_at(self, site_id: str) -> list[Mandate]:
        return sorted(
            (m for m in self.stored() if m.site_id == site_id and m.active),
            key=lambda m: (m.signed_on, m.mandate_id),
        )


class FakeCreditors(FakeRepository[SiteCreditor]):
    collection_name = "site_creditors"

    def identity(self, aggregate: SiteCreditor) -> str:
        return aggregate.site_id


class FakeBatches(FakeRepository[CollectionBatch]):
    collection_name = "collection_batches"

    def identity(self, aggregate: CollectionBatch) -> str:
        return aggregate.batch_id


class FakeDebits(FakeRepository[CollectionDebit]):
    collection_name = "collection_debits"

    def identity(self, aggregate: CollectionDebit) -> str:
        return debit_id(aggregate.batch_id, aggregate.charge_id)

    async def in_batch(self, batch_id: str) -> AsyncIterator[CollectionDebit]:
        for debit in sorted(
            (d for d in self.stored() if d.batch_id == batch_id), key=lambda d: d.end_to_end_id
        ):
            yield debit

    async def totals(self, batch_id: str) -> tuple[int, Decimal]:
        amounts = [d.amount for d in self.stored() if d.batch_id == batch_id]
        return len(amounts), sum(amounts, Decimal("0.00"))

    async def answered_by(self, batch_id: str, end_to_end_ids: list[str]) -> list[CollectionDebit]:
        wanted = set(end_to_end_ids)
        return self.tracked_where(
            lambda d: d.batch_id == batch_id and d.end_to_end_id in wanted,
            lambda d: d.end_to_end_id,
        )


class FakeFeeContracts(FakeRepository[FeeContract]):
    collection_name = "fee_contracts"

    def identity(self, aggregate: FeeContract) -> str:
        return aggregate.contract_no

    async def of_unit(self, site_id: str, building: str, room: str) -> list[FeeContract]:
        return self.tracked_where(
            lambda c: c.unit == (site_id, building, room), lambda c: c.starts_on
        )

    async def running_in(self, site_id: str, first: date, last: date) -> list[FeeContract]:
        return self.tracked_where(
            lambda c: (
                c.site_id == site_id
                and c.starts_on <= last
                and (c.ends_on is None or c.ends_on >= first)
            ),
            lambda c: (c.building, c.room),
        )


class FakeFeeBills(FakeRepository[FeeBill]):
    collection_name = "fee_bills"

    def identity(self, aggregate: FeeBill) -> str:
        return str(aggregate.bill_id)

    async def collectable_at(self, site_id: str, batch_id: str) -> list[FeeBill]:
        return self.tracked_where(
            lambda b: (
                b.site_id == site_id and b.payment is None and b.collecting_in in (None, batch_id)
            ),
            lambda b: (b.month, b.building, b.room),
        )

    async def of_contract_after(self, contract_no: str, month: date) -> list[FeeBill]:
        return self.tracked_where(
            lambda b: b.contract_no == contract_no and b.month >= month, lambda b: b.month
        )

    async def of_month(self, site_id: str, month: date) -> list[FeeBill]:
        return self.tracked_where(
            lambda b: b.site_id == site_id and b.month == month, lambda b: (b.building, b.room)
        )


class FakeMonthCloses(FakeRepository[MonthClose]):
    collection_name = "month_closes"

    def identity(self, aggregate: MonthClose) -> str:
        return aggregate.close_id


class FakeStatements(FakeRepository[IncomeStatement]):
    collection_name = "income_statements"

    def identity(self, aggregate: IncomeStatement) -> str:
        return aggregate.statement_id

    async def of_site(self, site_id: str) -> list[IncomeStatement]:
        return self.tracked_where(
            lambda s: s.site_id == site_id, lambda s: -s.period.first_month.toordinal()
        )


class FakeDirectory:
    """Billing's copy of the directory, keeping the latest record of each."""

    def __init__(self, store: MemoryStore) -> None:
        self.units = store.saved("directory_units")
        self.residents = store.saved("directory_residents")

    async def keep_unit(self, unit: DirectoryUnit) -> bool:
        key = f"{unit.site_id}:{unit.building}:{unit.room}"
        kept = self.units.get(key)
        if kept is not None and kept.recorded_at >= unit.recorded_at:
            return False
        self.units[key] = unit
        return True

    async def keep_resident(self, resident: DirectoryResident) -> bool:
        key = str(resident.resident_id)
        kept = self.residents.get(key)
        if kept is not None and kept.recorded_at >= resident.recorded_at:
            return False
        self.residents[key] = resident
        return True

    async def unit(self, site_id: str, building: str, room: str) -> DirectoryUnit | None:
        unit: DirectoryUnit | None = self.units.get(f"{site_id}:{building}:{room}")
        return unit

    async def resident(self, resident_id: object) -> DirectoryResident | None:
        resident: DirectoryResident | None = self.residents.get(str(resident_id))
        return resident


class FakeBillingUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: MemoryStore, clock: Clock) -> None:
        super().__init__(store, clock)
        self.charges = FakeCharges(store, self, to_integration)
        self.price_lists = FakePriceLists(store, self, events_v1.price_list_recorded)
        self.receipts = FakeReceipts(store, self, None)
        self.mandates = FakeMandates(store, self, None)
        self.creditors = FakeCreditors(store, self, None)
        self.batches = FakeBatches(store, self, None)
        self.debits = FakeDebits(store, self, None)
        self.fee_contracts = FakeFeeContracts(store, self, None)
        self.fee_bills = FakeFeeBills(store, self, fees_v1.to_integration)
        self.directory = FakeDirectory(store)
        self.month_closes = FakeMonthCloses(store, self, None)
        self.statements = FakeStatements(store, self, statements_v1.to_integration)


class Billing:
    """Billing's service layer on a memory store holding the demo price lists."""

    def __init__(self) -> None:
        self.store = MemoryStore()
        self.clock = Clock(NOW)
        self.bus = MessageBus(HANDLERS, uow=lambda: FakeBillingUnitOfWork(self.store, self.clock))
        for price_list in DEMO_PRICE_LISTS:
            self.save_price_list(price_list)

    def save_price_list(self, price_list: PriceList) -> None:
        """As if saved earlier (seeded, or entered by finance), its versions announced."""
        stored = copy.deepcopy(price_list)
        stored.clear_events()
        stored.announced = len(stored.versions)
        stored.version = 1
        self.store.saved("price_lists")[price_list.site_id] = stored

    async def handle(self, command: Any) -> Any:
        return await self.bus.handle(command)

    async def completed(self, event: WorkOrderCompleted) -> Charge | None:
        """Dispatch's event, as billing's subscription hands it to the bus."""
        command = charge_work_order(event)
        return None if command is None else await self.handle(command)

    def charges(self) -> list[Charge]:
        return list(self.store.saved("charges").values())

    def stored(self, charge_id: uuid.UUID) -> Charge:
        charge: Charge = self.store.saved("charges")[str(charge_id)]
        return charge

    def raised(self) -> list[Any]:
        return self.store.published_of(ChargeRaised)


def listed(site_id: str, items: dict[str, PriceItem]) -> PriceList:
    """A site's list of ``items``, in effect since the demo lists are."""
    version = PriceListVersion(1, IN_EFFECT_SINCE, dict(items), None, IN_EFFECT_SINCE)
    return PriceList(site_id, [version], announced=1)


def used(item_code: str, quantity: int = 1, agreed: str | None = None) -> ServiceItemUsed:
    """A delivered item, with the unit price agreed before work if the technician recorded one."""
    return ServiceItemUsed(
        item_code=item_code,
        quantity=quantity,
        agreed_unit_price=None if agreed is None else Decimal(agreed),
    )


def completion(
    *items: ServiceItemUsed,
    site_id: str = "dmg",
    payment_method: PaymentMethod | None = PaymentMethod.CASH,
) -> WorkOrderCompleted:
    """A signed work order that delivered ``items`` (with agreed prices where given)."""
    event = builders.work_order_completed(
        site_id=site_id, items=[("RP-TAP", 1)], payment_method=payment_method
    )
    return event.model_copy(
        update={"payload": event.payload.model_copy(update={"items": list(items)})}
    )
