"""Wires intake: its routes, its outbox, its database."""

from __future__ import annotations

from contracts.intake.v1 import ServiceRequestAccepted
from fastapi import FastAPI
from hotline_libs.mongo import Document
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from pymongo.asynchronous.database import AsyncDatabase

from intake.adapters.demo_data import DEMO_SITES
from intake.adapters.repository import REQUESTS, MongoSites
from intake.entrypoints.http import router

NAME = "intake"


async def prepare(db: AsyncDatabase[Document], settings: ServiceSettings) -> None:
    await db[REQUESTS].create_index([("site_id", 1), ("accepted_at", -1)])
    if settings.seed_demo_data:
        sites = MongoSites(db)
        for site in DEMO_SITES:
            await sites.save(site)


def build(settings: ServiceSettings | None = None) -> HotlineService:
    return HotlineService(
        NAME,
        settings or ServiceSettings(),
        description="Registers residents' requests and triages them (登记, 判别).",
        routers=[router],
        outbox_collections=[REQUESTS],
        publishes=[ServiceRequestAccepted],
        prepare=prepare,
    )


def create_app() -> FastAPI:
    return build().app()
