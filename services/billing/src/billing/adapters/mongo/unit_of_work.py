"""Billing's unit of work on its own database."""

from __future__ import annotations

from collections.abc import Callable

from hotline_libs.aggregate import Clock
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import UnitOfWork, Written, ignore_written
from pymongo.asynchronous.database import AsyncDatabase

from billing.adapters.mongo.charges import MongoCharges
from billing.adapters.mongo.collection import (
    MongoBatches,
    MongoCreditors,
    MongoDebits,
    MongoMandates,
)
from billing.adapters.mongo.fees import MongoDirectory, MongoFeeBills, MongoFeeContracts
from billing.adapters.mongo.month_closes import MongoMonthCloses
from billing.adapters.mongo.price_lists import MongoPriceLists
from billing.adapters.mongo.receipts import MongoReceipts
from billing.adapters.mongo.statements import MongoStatements


class MongoBillingUnitOfWork(UnitOfWork):
    def __init__(
        self,
        db: AsyncDatabase[Document],
        *,
        clock: Clock,
        on_written: Callable[[Written], None] = ignore_written,
    ) -> None:
        super().__init__(db, clock=clock, on_written=on_written)
        self.charges = MongoCharges(db, self)
        self.price_lists = MongoPriceLists(db, self)
        self.receipts = MongoReceipts(db, self)
        self.mandates = MongoMandates(db, self)
        self.creditors = MongoCreditors(db, self)
        self.batches = MongoBatches(db, self)
        self.debits = MongoDebits(db, self)
        self.fee_contracts = MongoFeeContracts(db, self)
        self.fee_bills = MongoFeeBills(db, self)
        self.directory = MongoDirectory(db)
        self.month_closes = MongoMonthCloses(db, self)
        self.statements = MongoStatements(db, self)
