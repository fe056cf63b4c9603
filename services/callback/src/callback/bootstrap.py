"""Wires the callback service: the store, the clock, handlers, routes, subscriptions."""

from __future__ import annotations

from contracts.callback import v2
from contracts.callback.v1 import (
    CallbackMade,
    CallbackOverdue,
    CallbackScheduled,
    RectificationClosed,
    RectificationEscalated,
    RectificationOpened,
)
from fastapi import FastAPI
from hotline_libs.aggregate import Clock, utc_now
from hotline_libs.mongo import Document, ensure_index
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from pymongo.asynchronous.database import AsyncDatabase

from callback.adapters.mongo.callbacks import CALLBACKS
from callback.adapters.mongo.policies import SAMPLES
from callback.adapters.mongo.rectifications import RECTIFICATIONS
from callback.adapters.mongo.unit_of_work import MongoCallbackUnitOfWork
from callback.adapters.mongo.visits import SURVEYS, VISITS
from callback.entrypoints.deadlines import callback_deadline, survey_deadline
from callback.entrypoints.http import callbacks, kpis, policies, rectifications, visits
from callback.entrypoints.http.access import ACCESS
from callback.entrypoints.subscriptions import subscriptions
from callback.service_layer.handlers import HANDLERS

NAME = "callback"


async def prepare(db: AsyncDatabase[Document], settings: ServiceSettings) -> None:
    await ensure_index(db[CALLBACKS], [("site_id", 1), ("due_on", 1)])
    await ensure_index(db[CALLBACKS], [("request_id", 1)])
    await ensure_index(db[SAMPLES], [("site_id", 1), ("month", 1)])
    await ensure_index(db[RECTIFICATIONS], [("site_id", 1), ("opened_at", -1)])
    await ensure_index(db[VISITS], [("site_id", 1), ("month", 1)])


def bootstrap(
    settings: ServiceSettings | None = None,
    clock: Clock = utc_now,
) -> HotlineService:
    service = HotlineService(
        NAME,
        settings or ServiceSettings(),
        description="Schedules follow-up calls after completed services (回访).",
        publishes=[
            CallbackScheduled,
            CallbackOverdue,
            v2.CallbackScheduled,
            v2.CallbackOverdue,
            CallbackMade,
            RectificationOpened,
            RectificationClosed,
            RectificationEscalated,
        ],
        prepare=prepare,
        clock=clock,
    )
    bus = service.message_bus(
        HANDLERS,
        MongoCallbackUnitOfWork,
    )
    return service.wire(
        bus,
        access=ACCESS,
        routers=[
            callbacks.router,
            policies.router,
            rectifications.router,
            kpis.router,
            visits.router,
        ],
        subscriptions=subscriptions(bus),
        collections=[CALLBACKS, RECTIFICATIONS],
        deadlines={CALLBACKS: callback_deadline, SURVEYS: survey_deadline},
    )


def create_app() -> FastAPI:
    return bootstrap().app()
