"""Wires the callback service: routes, subscriptions to completions and charges, the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from contracts.billing.v1 import ChargeRaised
from contracts.callback.v1 import CallbackScheduled
from contracts.dispatch.v1 import WorkOrderCompleted
from fastapi import FastAPI
from hotline_libs.messaging import Subscription
from hotline_libs.mongo import Document
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from pymongo.asynchronous.database import AsyncDatabase

from callback.adapters.calendar import ChineseWorkingDays
from callback.adapters.repository import CALLBACKS, MongoCallbacks
from callback.entrypoints.http import router
from callback.service_layer.services import callback_id_for, note_charge, schedule_callback
from contracts import topics

NAME = "callback"


async def prepare(db: AsyncDatabase[Document], settings: ServiceSettings) -> None:
    await db[CALLBACKS].create_index([("site_id", 1), ("due_on", 1)])
    await db[CALLBACKS].create_index([("request_id", 1)])


def subscriptions(service: HotlineService) -> Sequence[Subscription]:
    """Everything the callback service consumes, in one place."""
    calendar = ChineseWorkingDays()

    async def on_work_order_completed(event: WorkOrderCompleted) -> None:
        if await schedule_callback(
            event, callbacks=MongoCallbacks(service.db), calendar=calendar, now=datetime.now(UTC)
        ):
            service.events_written(CALLBACKS, str(callback_id_for(event.payload.work_order_id)))

    async def on_charge_raised(event: ChargeRaised) -> None:
        await note_charge(event, callbacks=MongoCallbacks(service.db))

    return [
        Subscription(topics.WORK_ORDERS, {WorkOrderCompleted: on_work_order_completed}),
        Subscription(topics.CHARGES, {ChargeRaised: on_charge_raised}),
    ]


def build(settings: ServiceSettings | None = None) -> HotlineService:
    return HotlineService(
        NAME,
        settings or ServiceSettings(),
        description="Schedules follow-up calls after completed services (回访).",
        routers=[router],
        subscriptions=subscriptions,
        outbox_collections=[CALLBACKS],
        publishes=[CallbackScheduled],
        prepare=prepare,
    )


def create_app() -> FastAPI:
    return build().app()
