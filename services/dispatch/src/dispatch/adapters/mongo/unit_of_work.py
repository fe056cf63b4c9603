"""Dispatch's unit of work on its own database."""

from __future__ import annotations

from collections.abc import Callable

from hotline_libs.aggregate import Clock
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import UnitOfWork, Written, ignore_written
from pymongo.asynchronous.database import AsyncDatabase

from dispatch.adapters.mongo.monthly_reports import MongoMonthlyReports
from dispatch.adapters.mongo.rosters import MongoRosters
from dispatch.adapters.mongo.technicians import MongoTechnicians
from dispatch.adapters.mongo.work_orders import MongoWorkOrders


class MongoDispatchUnitOfWork(UnitOfWork):
    def __init__(
        self,
        db: AsyncDatabase[Document],
        *,
        clock: Clock,
        on_written: Callable[[Written], None] = ignore_written,
    ) -> None:
        super().__init__(db, clock=clock, on_written=on_written)
        self.work_orders = MongoWorkOrders(db, self)
        self.technicians = MongoTechnicians(db, self)
        self.rosters = MongoRosters(db, self)
        self.monthly_reports = MongoMonthlyReports(db, self)
