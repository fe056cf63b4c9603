"""Wires intake: the store, the clock, the handlers, the routes and the site feed."""

from __future__ import annotations

from contracts.intake.v1 import (
    ComplaintAssessed,
    ComplaintEscalated,
    ComplaintRegisterOverdue,
    ComplaintResolved,
    FirstAnswerOverdue,
    IncidentClosed,
    IncidentDeclared,
    ReplyPromiseBreached,
    ReplyPromised,
    ResidentRecorded,
    ResidentReplied,
    RosterLate,
    ServiceRequestAccepted,
    UnitRecorded,
    WorkingCalendarYearLoaded,
)
from fastapi import FastAPI
from hotline_libs.aggregate import Clock, utc_now
from hotline_libs.mongo import Document
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from hotline_libs.unit_of_work import add_missing
from hotline_libs.working_calendars import CALENDAR_YEARS
from pymongo.asynchronous.database import AsyncDatabase

from intake.adapters import search
from intake.adapters.demo_data import DEMO_SITES
from intake.adapters.mongo.directory import RESIDENTS, UNITS
from intake.adapters.mongo.duty import DUTY_LOGS, INSPECTIONS, ROSTERS
from intake.adapters.mongo.incidents import INCIDENTS
from intake.adapters.mongo.information_changes import INFORMATION_CHANGES
from intake.adapters.mongo.refused_submissions import REFUSED_SUBMISSIONS
from intake.adapters.mongo.service_requests import REQUESTS
from intake.adapters.mongo.sites import SITES
from intake.adapters.mongo.standard_answers import STANDARD_ANSWERS
from intake.adapters.mongo.timeline import TIMELINE
from intake.adapters.mongo.unit_of_work import MongoIntakeUnitOfWork
from intake.entrypoints.deadlines import request_deadline, roster_deadline
from intake.entrypoints.http import (
    complaints,
    directory,
    duty,
    incidents,
    information,
    reports,
    service_requests,
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
    await db[REQUESTS].create_index([("site_id", 1), ("accepted_at", -1)])
    await db[REFUSED_SUBMISSIONS].create_index([("site_id", 1), ("received_at", -1)])
    await db[REQUESTS].create_index([("awaiting_answer_since", 1)])
    await db[REQUESTS].create_index([("reply_due_at", 1)])
    await db[STANDARD_ANSWERS].create_index([("site_id", 1), ("document_no", 1)])
    await db[REQUESTS].create_index([("resident.phone", 1), ("registered_at", -1)])
    await db[REQUESTS].create_index([("open_complaint_since", 1)])
    await db[RESIDENTS].create_index([("phones", 1)])
    await db[RESIDENTS].create_index([("site_id", 1), ("name", 1)])
    await db[UNITS].create_index([("people", 1)])
    await db[INCIDENTS].create_index([("site_id", 1), ("declared_at", -1)])
    await db[INCIDENTS].create_index([("open_since", 1)])
    await db[DUTY_LOGS].create_index([("site_id", 1), ("day", -1)])
    await db[INSPECTIONS].create_index([("site_id", 1), ("at", 1)])
    await db[TIMELINE].create_index([("request_id", 1), ("at", 1)])
    await db[INFORMATION_CHANGES].create_index([("site_id", 1), ("reported_at", -1)])
    await db[UNITS].create_index([("site_id", 1), ("building", 1), ("room", 1)])
    await db[STANDARD_ANSWERS].create_index([("terms", 1)])
    search.warm_up()
    if settings.seed_demo_data:
        uow = MongoIntakeUnitOfWork(db, clock=utc_now)
        await add_missing(uow, uow.sites, DEMO_SITES)


def bootstrap(settings: ServiceSettings | None = None, clock: Clock = utc_now) -> HotlineService:
    service = HotlineService(
        NAME,
        settings or ServiceSettings(),
        description="Registers residents' requests and triages them (登记, 判别).",
        publishes=[
            ServiceRequestAccepted,
            ResidentRecorded,
            UnitRecorded,
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
            complaints.router,
            standard_answers.router,
            directory.router,
            incidents.router,
            duty.router,
            timeline.router,
            reports.router,
            information.router,
            sites.router,
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
        ],
        deadlines={REQUESTS: request_deadline, ROSTERS: roster_deadline},
    )


def create_app() -> FastAPI:
    return bootstrap().app()
