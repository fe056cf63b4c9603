"""Wires dispatch: routes, the subscription to accepted requests, the work-order outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from contracts.dispatch.v1 import WorkOrderCompleted, WorkOrderDispatched
from contracts.intake.v1 import ServiceRequestAccepted
from fastapi import FastAPI
from hotline_libs.messaging import Subscription
from hotline_libs.mongo import Document, MongoSerials
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from pymongo.asynchronous.database import AsyncDatabase

from contracts import topics
from dispatch.adapters.demo_data import DEMO_TECHNICIANS
from dispatch.adapters.repository import WORK_ORDERS, MongoTechnicians, MongoWorkOrders
from dispatch.entrypoints.http import router
from dispatch.service_layer.services import dispatch_request

NAME = "dispatch"


async def prepare(db: AsyncDatabase[Document], settings: ServiceSettings) -> None:
    await db[WORK_ORDERS].create_index([("site_id", 1), ("status", 1)])
    await db[WORK_ORDERS].create_index([("request_id", 1)])
    if settings.seed_demo_data:
        technicians = MongoTechnicians(db)
        for technician in DEMO_TECHNICIANS:
            await technicians.save(technician)


def subscriptions(service: HotlineService) -> Sequence[Subscription]:
    """Everything dispatch consumes, in one place."""

    async def on_request_accepted(event: ServiceRequestAccepted) -> None:
        order = await dispatch_request(
            event,
            orders=MongoWorkOrders(service.db),
            technicians=MongoTechnicians(service.db),
            serials=MongoSerials(service.db),
            now=datetime.now(UTC),
        )
        if order is not None:
            service.events_written(WORK_ORDERS, str(order.work_order_id))

    return [Subscription(topics.SERVICE_REQUESTS, {ServiceRequestAccepted: on_request_accepted})]


def build(settings: ServiceSettings | None = None) -> HotlineService:
    return HotlineService(
        NAME,
        settings or ServiceSettings(),
        description="Creates work orders for accepted requests and assigns technicians (派工).",
        routers=[router],
        subscriptions=subscriptions,
        outbox_collections=[WORK_ORDERS],
        publishes=[WorkOrderDispatched, WorkOrderCompleted],
        prepare=prepare,
    )


def create_app() -> FastAPI:
    return build().app()
