"""Intake's unit of work on its own database."""

from __future__ import annotations

from collections.abc import Callable

from hotline_libs.aggregate import Clock
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import UnitOfWork, Written, ignore_written
from hotline_libs.working_calendars import StoredCalendars
from pymongo.asynchronous.database import AsyncDatabase

from intake.adapters.mongo.catalogues import MongoCatalogues
from intake.adapters.mongo.directory import MongoResidents, MongoUnits
from intake.adapters.mongo.duty import MongoDutyLogs, MongoInspections, MongoRosters
from intake.adapters.mongo.incidents import MongoIncidents
from intake.adapters.mongo.information_changes import MongoInformationChanges
from intake.adapters.mongo.job_handovers import MongoJobHandovers
from intake.adapters.mongo.organisation import MongoPhoneBook, MongoStaff
from intake.adapters.mongo.price_lists import MongoPriceLists
from intake.adapters.mongo.reception_scripts import MongoReceptionScripts
from intake.adapters.mongo.refused_submissions import MongoRefusedSubmissions
from intake.adapters.mongo.reports import MongoReportSignOffs
from intake.adapters.mongo.service_requests import MongoServiceRequests
from intake.adapters.mongo.sites import SITES, MongoSites
from intake.adapters.mongo.standard_answers import MongoStandardAnswers
from intake.adapters.mongo.timeline import MongoTimeline
from intake.adapters.mongo.working_calendars import MongoWorkingCalendarYears


class MongoIntakeUnitOfWork(UnitOfWork):
    def __init__(
        self,
        db: AsyncDatabase[Document],
        *,
        clock: Clock,
        on_written: Callable[[Written], None] = ignore_written,
    ) -> None:
        super().__init__(db, clock=clock, on_written=on_written)
        self.requests = MongoServiceRequests(db, self)
        self.sites = MongoSites(db, self)
        self.catalogues = MongoCatalogues(db, self)
        self.price_lists = MongoPriceLists(db, self)
        self.staff = MongoStaff(db, self)
        self.job_handovers = MongoJobHandovers(db, self)
        self.phone_book = MongoPhoneBook(db, self)
        self.refused_submissions = MongoRefusedSubmissions(db, self)
        self.calendar_years = MongoWorkingCalendarYears(db, self)
        self.standard_answers = MongoStandardAnswers(db, self)
        self.residents = MongoResidents(db, self)
        self.units = MongoUnits(db, self)
        self.incidents = MongoIncidents(db, self)
        self.duty_logs = MongoDutyLogs(db, self)
        self.rosters = MongoRosters(db, self)
        self.inspections = MongoInspections(db, self)
        self.timeline = MongoTimeline(db)
        self.information_changes = MongoInformationChanges(db, self)
        self.report_signoffs = MongoReportSignOffs(db, self)
        self.reception_scripts = MongoReceptionScripts(db, self)
        self.calendars = StoredCalendars(db, places=SITES)
