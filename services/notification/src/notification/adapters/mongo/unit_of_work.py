"""Notification's unit of work on its own database."""

from __future__ import annotations

from collections.abc import Callable

from hotline_libs.aggregate import Clock
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import UnitOfWork, Written, ignore_written
from pymongo.asynchronous.database import AsyncDatabase

from notification.adapters.mongo.broadcasts import MongoBroadcasts
from notification.adapters.mongo.households import MongoHouseholds
from notification.adapters.mongo.notifications import MongoNotifications
from notification.adapters.mongo.preferences import MongoPreferences
from notification.adapters.mongo.site_names import MongoSiteNames
from notification.adapters.mongo.staff import MongoStaff
from notification.adapters.mongo.templates import MongoTemplates


class MongoNotificationUnitOfWork(UnitOfWork):
    def __init__(
        self,
        db: AsyncDatabase[Document],
        *,
        clock: Clock,
        on_written: Callable[[Written], None] = ignore_written,
    ) -> None:
        super().__init__(db, clock=clock, on_written=on_written)
        self.notifications = MongoNotifications(db, self)
        self.site_names = MongoSiteNames(db)
        self.staff = MongoStaff(db)
        self.households = MongoHouseholds(db)
        self.preferences = MongoPreferences(db, self)
        self.templates = MongoTemplates(db, self)
        self.broadcasts = MongoBroadcasts(db)
