"""Wires billing: routes, the subscription to completed work orders, the charge outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from contracts.billing.v1 import ChargeRaised
from contracts.dispatch.v1 import WorkOrderCompleted
from fastapi import FastAPI
from hotline_libs.messaging import Subscription
from hotline_libs.mongo import Document, MongoSerials
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from pymongo.asynchronous.database import AsyncDatabase

from billing.adapters.demo_data import DEMO_PRICE_LISTS
from billing.adapters.repository import CHARGES, MongoCharges, MongoPriceLists
from billing.entrypoints.http import router
from billing.service_layer.services import raise_charge
from contracts import topics

NAME = "billing"


async def prepare(db: AsyncDatabase[Document], settings: ServiceSettings) -> None:
    await db[CHARGES].create_index([("request_id", 1)])
    if settings.seed_demo_data:
        price_lists = MongoPriceLists(db)
        for price_list in DEMO_PRICE_LISTS:
            await price_lists.save(price_list)


def subscriptions(service: HotlineService) -> Sequence[Subscription]:
    """Everything billing consumes, in one place."""

    async def on_work_order_completed(event: WorkOrderCompleted) -> None:
        charge = await raise_charge(
            event,
            charges=MongoCharges(service.db),
            price_lists=MongoPriceLists(service.db),
            serials=MongoSerials(service.db),
            now=datetime.now(UTC),
        )
        if charge is not None:
            service.events_written(CHARGES, str(charge.charge_id))

    return [Subscription(topics.WORK_ORDERS, {WorkOrderCompleted: on_work_order_completed})]


def build(settings: ServiceSettings | None = None) -> HotlineService:
    return HotlineService(
        NAME,
        settings or ServiceSettings(),
        description="Prices completed paid services from each site's price list and raises charges (收费).",
        routers=[router],
        subscriptions=subscriptions,
        outbox_collections=[CHARGES],
        publishes=[ChargeRaised],
        prepare=prepare,
    )


def create_app() -> FastAPI:
    return build().app()
