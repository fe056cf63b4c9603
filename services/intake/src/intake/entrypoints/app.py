"""Wires intake: its routes, the site-system feed it consumes, its outbox, its database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from contracts.intake.v1 import ServiceRequestAccepted
from contracts.sites.v1 import SiteRequestSubmitted
from fastapi import FastAPI
from hotline_libs.messaging import Subscription
from hotline_libs.mongo import Document, MongoSerials
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from pymongo.asynchronous.database import AsyncDatabase

from contracts import topics
from intake.adapters.demo_data import DEMO_SITES
from intake.adapters.repository import REQUESTS, MongoServiceRequests, MongoSites
from intake.entrypoints.http import router
from intake.entrypoints.site_feed import register_submission

NAME = "intake"


async def prepare(db: AsyncDatabase[Document], settings: ServiceSettings) -> None:
    await db[REQUESTS].create_index([("site_id", 1), ("accepted_at", -1)])
    if settings.seed_demo_data:
        sites = MongoSites(db)
        for site in DEMO_SITES:
            await sites.save(site)


def subscriptions(service: HotlineService) -> Sequence[Subscription]:
    """Everything intake consumes, in one place."""

    async def on_site_request_submitted(event: SiteRequestSubmitted) -> None:
        request, created = await register_submission(
            event,
            requests=MongoServiceRequests(service.db),
            sites=MongoSites(service.db),
            serials=MongoSerials(service.db),
            now=datetime.now(UTC),
        )
        if created:
            service.events_written(REQUESTS, str(request.request_id))

    return [Subscription(topics.SITE_REQUESTS, {SiteRequestSubmitted: on_site_request_submitted})]


def build(settings: ServiceSettings | None = None) -> HotlineService:
    return HotlineService(
        NAME,
        settings or ServiceSettings(),
        description="Registers residents' requests and triages them (登记, 判别).",
        routers=[router],
        subscriptions=subscriptions,
        outbox_collections=[REQUESTS],
        publishes=[ServiceRequestAccepted],
        prepare=prepare,
    )


def create_app() -> FastAPI:
    return build().app()
