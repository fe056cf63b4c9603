"""Wires dispatch: the store, the clock, the handlers, the routes, what it consumes and its clocks."""

from __future__ import annotations

from contracts.dispatch import v1
from fastapi import FastAPI
from hotline_libs.aggregate import Clock, utc_now
from hotline_libs.mongo import Document, ensure_index
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from hotline_libs.unit_of_work import add_missing
from pymongo.asynchronous.database import AsyncDatabase

from dispatch.adapters.demo_data import DEMO_TECHNICIANS
from dispatch.adapters.mongo.monthly_reports import MONTHLY_REPORTS
from dispatch.adapters.mongo.rosters import ROSTERS
from dispatch.adapters.mongo.technicians import TECHNICIANS
from dispatch.adapters.mongo.unit_of_work import MongoDispatchUnitOfWork
from dispatch.adapters.mongo.work_orders import AWAITING, OPEN_FOR, WORK_ORDERS
from dispatch.entrypoints.deadlines import report_deadline, roster_deadline, work_order_deadline
from dispatch.entrypoints.http import (
    field_records,
    reports,
    rosters,
    technicians,
    work_order_steps,
    work_orders,
)
from dispatch.entrypoints.http.access import ACCESS
from dispatch.entrypoints.subscriptions import subscriptions
from dispatch.service_layer.handlers import HANDLERS
from dispatch.settings import DispatchSettings

NAME = "dispatch"


async def prepare(db: AsyncDatabase[Document], settings: ServiceSettings) -> None:
    await ensure_index(db[WORK_ORDERS], [("site_id", 1), ("status", 1)])
    await ensure_index(db[WORK_ORDERS], [("request_id", 1)])
    await ensure_index(db[WORK_ORDERS], [(OPEN_FOR, 1)])
    await ensure_index(db[WORK_ORDERS], [(AWAITING, 1)])
    if settings.seed_demo_data:
        uow = MongoDispatchUnitOfWork(db, clock=utc_now)
        await add_missing(uow, uow.technicians, DEMO_TECHNICIANS)


def bootstrap(settings: DispatchSettings | None = None, clock: Clock = utc_now) -> HotlineService:
    settings = settings or DispatchSettings()
    service = HotlineService(
        NAME,
        settings,
        description="Creates work orders for accepted requests and assigns technicians (派工).",
        publishes=[
            v1.WorkOrderDispatched,
            v1.WorkOrderAwaitingTechnician,
            v1.WorkOrderDispatchOverdue,
            v1.WorkOrderCompleted,
            v1.WorkOrderClockMissed,
            v1.WorkOrderProgressed,
            v1.WorkOrderMonthReported,
        ],
        prepare=prepare,
        clock=clock,
    )
    bus = service.message_bus(
        HANDLERS,
        MongoDispatchUnitOfWork,
        dependencies={"field_clocks": settings.field_clocks()},
    )
    return service.wire(
        bus,
        access=ACCESS,
        routers=[
            work_orders.router,
            work_order_steps.router,
            field_records.router,
            technicians.router,
            rosters.router,
            reports.router,
        ],
        subscriptions=subscriptions(bus),
        collections=[WORK_ORDERS, TECHNICIANS, ROSTERS, MONTHLY_REPORTS],
        deadlines={
            WORK_ORDERS: work_order_deadline,
            ROSTERS: roster_deadline,
            MONTHLY_REPORTS: report_deadline,
        },
    )


def create_app() -> FastAPI:
    return bootstrap().app()
