"""Wires billing: the store, the clock, the handlers, the routes and what it consumes."""

from __future__ import annotations

import contextlib

from contracts.billing.v1 import (
    ChargeCollectionRejected,
    ChargePaid,
    ChargeRaised,
    IncomeSpendingStatementPublished,
    ManagementFeeArrearsFlagged,
    ManagementFeeReminderDue,
    PriceListRecorded,
)
from fastapi import FastAPI
from hotline_libs.aggregate import Clock, utc_now
from hotline_libs.errors import ConcurrencyConflict
from hotline_libs.mongo import Document, ensure_index
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from hotline_libs.unit_of_work import add_missing
from pymongo.asynchronous.database import AsyncDatabase

from billing.adapters.demo_data import DEMO_PRICE_LISTS
from billing.adapters.mongo.charges import CHARGES, WAITING
from billing.adapters.mongo.collection import BATCHES, CREDITORS, DEBITS, MANDATES
from billing.adapters.mongo.fees import FEE_BILLS, FEE_CONTRACTS
from billing.adapters.mongo.month_closes import MONTH_CLOSES
from billing.adapters.mongo.price_lists import PRICE_LISTS
from billing.adapters.mongo.receipts import OUT, RECEIPTS
from billing.adapters.mongo.statements import STATEMENTS
from billing.adapters.mongo.unit_of_work import MongoBillingUnitOfWork
from billing.entrypoints.deadlines import (
    fee_bill_deadline,
    month_close_deadline,
    price_list_deadline,
)
from billing.entrypoints.http import (
    charges,
    collection,
    fees,
    month_close,
    price_lists,
    receipts,
    statements,
)
from billing.entrypoints.http.access import ACCESS
from billing.entrypoints.subscriptions import subscriptions
from billing.service_layer.handlers import HANDLERS

NAME = "billing"


async def prepare(db: AsyncDatabase[Document], settings: ServiceSettings) -> None:
    await ensure_index(db[CHARGES], [("request_id", 1)])
    await ensure_index(db[CHARGES], [("site_id", 1), ("status", 1)])
    await ensure_index(db[CHARGES], [(WAITING, 1)])
    await ensure_index(db[CHARGES], [("site_id", 1), ("created_at", 1)])
    await ensure_index(db[CHARGES], [("site_id", 1), ("payment.booked_at", 1)])
    await ensure_index(db[RECEIPTS], [("site_id", 1), ("number", -1)])
    await ensure_index(db[RECEIPTS], [(OUT, 1), ("charge_id", 1)])
    await ensure_index(db[CHARGES], [("site_id", 1), ("payment_method", 1), ("status", 1)])
    await ensure_index(db[MANDATES], [("site_id", 1), ("status", 1)])
    await ensure_index(db[DEBITS], [("batch_id", 1), ("end_to_end_id", 1)])
    await ensure_index(db[FEE_CONTRACTS], [("site_id", 1), ("building", 1), ("room", 1)])
    await ensure_index(db[FEE_BILLS], [("site_id", 1), ("month", 1)])
    await ensure_index(db[FEE_BILLS], [("site_id", 1), ("paid", 1)])
    await ensure_index(db[FEE_BILLS], [("contract_no", 1), ("month", 1)])
    await ensure_index(db[STATEMENTS], [("site_id", 1), ("first_month", -1)])
    if settings.seed_demo_data:
        uow = MongoBillingUnitOfWork(db, clock=utc_now)
        await add_missing(
            uow, uow.price_lists, DEMO_PRICE_LISTS, lambda p: p.announce_due(uow.clock())
        )
    await publish_stored_price_lists(db)


async def publish_stored_price_lists(db: AsyncDatabase[Document]) -> None:
    """Announce once the lists whose version in effect was never announced (stored before
    billing announced its lists), so the hotline can match paid requests against every site's
    list (TAX-09)."""
    uow = MongoBillingUnitOfWork(db, clock=utc_now)
    for price_list in await uow.price_lists.never_published():
        price_list.republish(uow.clock())
        with contextlib.suppress(ConcurrencyConflict):
            await uow.commit()


def bootstrap(settings: ServiceSettings | None = None, clock: Clock = utc_now) -> HotlineService:
    service = HotlineService(
        NAME,
        settings or ServiceSettings(),
        description="Prices completed paid services from each site's price list, raises charges "
        "(收费) and takes their payment: numbered cash receipts, transfers and online payments; "
        "bills management fees with their late fees and reminders; collects by bank.",
        publishes=[
            ChargeRaised,
            ChargePaid,
            ChargeCollectionRejected,
            ManagementFeeReminderDue,
            ManagementFeeArrearsFlagged,
            IncomeSpendingStatementPublished,
            PriceListRecorded,
        ],
        prepare=prepare,
        clock=clock,
    )
    bus = service.message_bus(
        HANDLERS,
        MongoBillingUnitOfWork,
    )
    return service.wire(
        bus,
        access=ACCESS,
        routers=[
            price_lists.router,
            charges.router,
            receipts.router,
            collection.router,
            fees.router,
            month_close.router,
            statements.router,
        ],
        subscriptions=subscriptions(bus),
        collections=[
            CHARGES,
            PRICE_LISTS,
            RECEIPTS,
            MANDATES,
            CREDITORS,
            BATCHES,
            DEBITS,
            FEE_CONTRACTS,
            FEE_BILLS,
            MONTH_CLOSES,
            STATEMENTS,
        ],
        deadlines={
            PRICE_LISTS: price_list_deadline,
            FEE_BILLS: fee_bill_deadline,
            MONTH_CLOSES: month_close_deadline,
        },
    )


def create_app() -> FastAPI:
    return bootstrap().app()
