"""Listings on the real store (FerretDB here): pages with their totals, whichever way the total is
known, and the site narrowing that matches nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from dispatch.adapters.mongo.unit_of_work import MongoDispatchUnitOfWork
from dispatch.domain.technician import Technician
from hotline_infra.stack import Stack
from hotline_libs.mongo import Document
from hotline_libs.paging import PageRequest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from tests.fakes import Clock

pytestmark = pytest.mark.infra


@pytest.fixture
async def uow(infra: Stack) -> AsyncIterator[MongoDispatchUnitOfWork]:
    """Seven technicians: five at dmg (every other one off duty), two at qjc."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    database: AsyncDatabase[Document] = client[f"it_{uuid.uuid4().hex[:8]}"]
    unit = MongoDispatchUnitOfWork(database, clock=Clock(datetime(2026, 11, 23, tzinfo=UTC)))
    for n, site in enumerate(["dmg"] * 5 + ["qjc"] * 2):
        unit.technicians.add(
            Technician(
                f"{site}-{n}", site, f"师傅{n}", "+8613900000000", frozenset({"x"}), n % 2 == 0
            )
        )
    await unit.commit()
    yield MongoDispatchUnitOfWork(database, clock=unit.clock)
    await client.drop_database(database.name)
    await client.close()


@pytest.mark.parametrize(
    ("limit", "offset", "ids"),
    [
        (3, 0, ["dmg-0", "dmg-1", "dmg-2"]),  # a full page: the store counts
        (3, 3, ["dmg-3", "dmg-4", "qjc-5"]),
        (3, 6, ["qjc-6"]),  # the last page, short: its items tell the total
        (7, 0, [f"dmg-{n}" for n in range(5)] + ["qjc-5", "qjc-6"]),
        (3, 7, []),  # past the end: the store counts
        (50, 500, []),
    ],
)
async def test_every_page_says_the_total(
    uow: MongoDispatchUnitOfWork, limit: int, offset: int, ids: list[str]
) -> None:
    found = await uow.technicians.listing(sites=None, page=PageRequest(limit, offset))
    assert [t.technician_id for t in found.items] == ids
    assert found.total == 7


async def test_filters_narrow_the_total_and_a_site_not_the_callers_matches_nothing(
    uow: MongoDispatchUnitOfWork,
) -> None:
    page = PageRequest(limit=2)
    on_duty = await uow.technicians.listing(sites=None, page=page, site_id="dmg", on_duty=True)
    assert ([t.technician_id for t in on_duty.items], on_duty.total) == (["dmg-0", "dmg-2"], 3)
    theirs = await uow.technicians.listing(sites=frozenset({"qjc"}), page=page)
    assert ([t.technician_id for t in theirs.items], theirs.total) == (["qjc-5", "qjc-6"], 2)
    elsewhere = await uow.technicians.listing(sites=frozenset({"qjc"}), page=page, site_id="dmg")
    assert (elsewhere.items, elsewhere.total) == ([], 0)
    none = await uow.technicians.listing(sites=frozenset(), page=page)
    assert (none.items, none.total) == ([], 0)
