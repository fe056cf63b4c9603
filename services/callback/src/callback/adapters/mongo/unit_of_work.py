"""The callback service's unit of work on its own database."""

from __future__ import annotations

from collections.abc import Callable

from hotline_libs.aggregate import Clock
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import UnitOfWork, Written, ignore_written
from pymongo.asynchronous.database import AsyncDatabase

from callback.adapters.mongo.callbacks import MongoCallbacks
from callback.adapters.mongo.kpi_reports import MongoKpiReports
from callback.adapters.mongo.policies import MongoPolicies, MongoSamples
from callback.adapters.mongo.rectifications import MongoRectifications
from callback.adapters.mongo.spot_checks import MongoSpotChecks
from callback.adapters.mongo.visits import (
    MongoStewardDays,
    MongoSurveys,
    MongoUnits,
    MongoVisits,
)


class MongoCallbackUnitOfWork(UnitOfWork):
    def __init__(
        self,
        db: AsyncDatabase[Document],
        *,
        clock: Clock,
        on_written: Callable[[Written], None] = ignore_written,
    ) -> None:
        super().__init__(db, clock=clock, on_written=on_written)
        self.samples = MongoSamples(db, self)
        self.callbacks = MongoCallbacks(db, self)
        self.policies = MongoPolicies(db, self)
        self.rectifications = MongoRectifications(db, self)
        self.spot_checks = MongoSpotChecks(db, self)
        self.kpi_reports = MongoKpiReports(db, self)
        self.visits = MongoVisits(db, self)
        self.steward_days = MongoStewardDays(db, self)
        self.surveys = MongoSurveys(db, self)
        self.units = MongoUnits(db)
