"""Wires intake: the store, the clock, the handlers, the routes and the site feed."""

from __future__ import annotations

from contracts.intake.v1 import (
    CatalogueRecorded,
    ComplaintAssessed,
    ComplaintEscalated,
    ComplaintRegisterOverdue,
    ComplaintResolved,
    EmergencyReported,
    FirstAnswerOverdue,
    IncidentClosed,
    IncidentDeclared,
    MonthlyReportApproved,
    ReplyPromiseBreached,
    ReplyPromised,
    ResidentRecorded,
    ResidentReplied,
    RosterLate,
    RosterSubmitted,
    ServiceRequestAccepted,
    SiteRecorded,
    StaffRecorded,
    UnitRecorded,
    WorkingCalendarYearLoaded,
)
from fastapi import FastAPI
from hotline_libs.aggregate import Clock, utc_now
from hotline_libs.mongo import Document, ensure_index
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from hotline_libs.unit_of_work import add_missing
from hotline_libs.working_calendars import CALENDAR_YEARS
from pymongo.asynchronous.database import AsyncDatabase

from intake.adapters import search
from intake.adapters.demo_data import DEMO_SITES
from intake.adapters.mongo.catalogues import CATALOGUES
from intake.adapters.mongo.directory import RESIDENTS, UNITS
from intake.adapters.mongo.duty import DUTY_LOGS, INSPECTIONS, ROSTERS
from intake.adapters.mongo.incidents import INCIDENTS
from intake.adapters.mongo.information_changes import INFORMATION_CHANGES
from intake.adapters.mongo.organisation import PHONE_BOOK, STAFF
from intake.adapters.mongo.refused_submissions import REFUSED_SUBMISSIONS
from intake.adapters.mongo.reports import REPORT_SIGNOFFS
from intake.adapters.mongo.service_requests import REQUESTS
from intake.adapters.mongo.sites import SITES
from intake.adapters.mongo.standard_answers import STANDARD_ANSWERS
from intake.adapters.mongo.timeline import TIMELINE
from intake.adapters.mongo.unit_of_work import MongoIntakeUnitOfWork
from intake.domain.catalogue import manual_catalogue
from intake.entrypoints.deadlines import request_deadline, roster_deadline
from intake.entrypoints.http import (
    catalogue,
    complaint_record,
    complaints,
    directory,
    duty,
    incidents,
    information,
    job_handovers,
    organisation,
    reception_scripts,
    reply_reviews,
    reports,
    service_requests,
    site_organisation,
    sites,
    standard_answers,
    timeline,
    working_calendars,
)
from intake.entrypoints.http.access import ACCESS
from intake.entrypoints.subscriptions import subscriptions
from intake.service_layer.handlers import HANDLERS

NAME = "intake"


async def prepare(db: AsyncDatabase[Document], settings: ServiceSettings) -> None:
    await ensure_index(db[REQUESTS], [("site_id", 1), ("accepted_at", -1)])
    await ensure_index(db[REFUSED_SUBMISSIONS], [("site_id", 1), ("received_at", -1)])
    await ensure_index(db[REQUESTS], [("awaiting_answer_since", 1)])
    await ensure_index(db[REQUESTS], [("reply_due_at", 1)])
    await ensure_index(db[STANDARD_ANSWERS], [("site_id", 1), ("document_no", 1)])
    await ensure_index(db[REQUESTS], [("resident.phone", 1), ("registered_at", -1)])
    await ensure_index(db[REQUESTS], [("open_complaint_since", 1)])
    await ensure_index(db[REQUESTS], [("owed_by", 1)])
    await ensure_index(db[RESIDENTS], [("phones", 1)])
    await ensure_index(db[RESIDENTS], [("site_id", 1), ("name", 1)])
    await ensure_index(db[UNITS], [("people", 1)])
    await ensure_index(db[INCIDENTS], [("site_id", 1), ("declared_at", -1)])
    await ensure_index(db[INCIDENTS], [("open_since", 1)])
    await ensure_index(db[DUTY_LOGS], [("site_id", 1), ("day", -1)])
    await ensure_index(db[INSPECTIONS], [("site_id", 1), ("at", 1)])
    await ensure_index(db[TIMELINE], [("request_id", 1), ("at", 1)])
    await ensure_index(db[INFORMATION_CHANGES], [("site_id", 1), ("reported_at", -1)])
    await ensure_index(db[UNITS], [("site_id", 1), ("building", 1), ("room", 1)])
    await ensure_index(db[STANDARD_ANSWERS], [("terms", 1)])
    await ensure_index(db[STAFF], [("site_id", 1), ("name", 1)])
    await ensure_index(db[PHONE_BOOK], [("site_id", 1)])
    search.warm_up()
    if settings.seed_demo_data:
        uow = MongoIntakeUnitOfWork(db, clock=utc_now)
        now = utc_now()
        await add_missing(uow, uow.sites, DEMO_SITES, lambda site: site.recorded(now))
        catalogues = [manual_catalogue(site.site_id) for site in DEMO_SITES]
        await add_missing(uow, uow.catalogues, catalogues, lambda c: c.recorded(now))


def bootstrap(settings: ServiceSettings | None = None, clock: Clock = utc_now) -> HotlineService:
    service = HotlineService(
        NAME,
        settings or ServiceSettings(),
        description="Registers residents' requests and triages them (登记, 判别).",
        publishes=[
            ServiceRequestAccepted,
            ResidentRecorded,
            UnitRecorded,
            StaffRecorded,
            CatalogueRecorded,
            SiteRecorded,
            EmergencyReported,
            ReplyPromised,
            ResidentReplied,
            ReplyPromiseBreached,
            FirstAnswerOverdue,
            ComplaintAssessed,
            ComplaintEscalated,
            ComplaintResolved,
            ComplaintRegisterOverdue,
            IncidentDeclared,
            IncidentClosed,
            RosterLate,
            RosterSubmitted,
            MonthlyReportApproved,
            WorkingCalendarYearLoaded,
        ],
        prepare=prepare,
        clock=clock,
    )
    bus = service.message_bus(
        HANDLERS,
        MongoIntakeUnitOfWork,
    )
    return service.wire(
        bus,
        access=ACCESS,
        routers=[
            service_requests.router,
            complaint_record.router,
            reply_reviews.router,
            reception_scripts.router,
            site_organisation.router,
            complaints.router,
            standard_answers.router,
            directory.router,
            incidents.router,
            duty.router,
            timeline.router,
            reports.router,
            information.router,
            sites.router,
            catalogue.router,
            organisation.router,
            job_handovers.router,
            working_calendars.router,
        ],
        subscriptions=subscriptions(bus),
        collections=[
            REQUESTS,
            SITES,
            REFUSED_SUBMISSIONS,
            CALENDAR_YEARS,
            STANDARD_ANSWERS,
            RESIDENTS,
            UNITS,
            INCIDENTS,
            ROSTERS,
            STAFF,
            CATALOGUES,
            REPORT_SIGNOFFS,
        ],
        deadlines={REQUESTS: request_deadline, ROSTERS: roster_deadline},
    )


def create_app() -> FastAPI:
    return bootstrap().app()
