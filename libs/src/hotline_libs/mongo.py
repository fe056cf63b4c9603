"""Connecting to the service's own database, and the few store idioms every service uses."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from hotline_libs.paging import TimeWindow

Document = dict[str, Any]


def connect(url: str, app_name: str) -> AsyncMongoClient[Document]:
    """A client with timeouts short enough that an outage surfaces as an error, not a hang."""
    return AsyncMongoClient(
        url,
        appname=app_name,
        tz_aware=True,
        serverSelectionTimeoutMS=5_000,
        connectTimeoutMS=5_000,
        retryWrites=False,  # FerretDB has no retryable writes; consumers retry themselves
    )


async def ping(database: AsyncDatabase[Document]) -> None:
    """Raise unless the store answers."""
    await database.command("ping")


async def ensure_index(collection: AsyncCollection[Document], keys: list[tuple[str, int]]) -> None:
    """Create the index on ``keys`` unless the collection has it.

    MongoDB treats a repeated ``createIndexes`` as a no-op, but FerretDB's SQLite backend takes
    its catalogue's global write lock and rewrites the collection's metadata each time, which
    stalls every other command meanwhile; a service restarting while the store is busy then
    waited minutes to start (``make chaos``). Listing the indexes is a read.
    """
    wanted = [(field, int(direction)) for field, direction in keys]
    async for index in await collection.list_indexes():
        if [(field, int(direction)) for field, direction in index["key"].items()] == wanted:
            return
    await collection.create_index(keys)


async def insert_once(
    database: AsyncDatabase[Document], collection: str, document: Document
) -> bool:
    """Insert ``document`` unless one with the same ``_id`` exists; True when inserted.

    The id is derived from the cause (``ids.derive_id``), so a redelivered event or a retried
    request finds its earlier effect here instead of writing a second one.
    """
    try:
        await database[collection].insert_one(document)
    except DuplicateKeyError:
        return False
    return True


async def keep_newer(
    collection: AsyncCollection[Document], key: str, stamp: str, document: Document
) -> bool:
    """Store ``document`` under ``key`` unless the one kept has a later ``stamp`` field; True
    when stored. A copy of another service's record (events of one record can arrive out of
    order or twice) keeps the latest: the filter skips an older version, and the upsert that
    clashes with a newer one kept meanwhile is that newer one winning."""
    try:
        result = await collection.update_one(
            {"_id": key, stamp: {"$lt": document[stamp]}}, {"$set": document}, upsert=True
        )
    except DuplicateKeyError:
        return False
    return result.matched_count > 0 or result.upserted_id is not None


def listing_query(
    sites: frozenset[str] | None, *, site_id: str | None = None, **equal: object
) -> Document:
    """A filter for a listing: the caller's sites (None: all), narrowed to ``site_id`` if given
    (a site outside the caller's matches nothing: an empty page, not an error), and each field
    equal to its value (or matching its condition) unless the value is None (a filter the caller
    did not set)."""
    query: Document = {name: value for name, value in equal.items() if value is not None}
    if site_id is not None:
        query["site_id"] = site_id if sites is None or site_id in sites else {"$in": []}
    elif sites is not None:
        query["site_id"] = {"$in": sorted(sites)}
    return query


def within(window: TimeWindow) -> Document | None:
    """The condition on a time field for ``window`` (both ends included); None when the window
    is open at both ends, so that ``listing_query`` leaves the field alone."""
    condition: Document = {}
    if window.start is not None:
        condition["$gte"] = window.start
    if window.end is not None:
        condition["$lte"] = window.end
    return condition or None


class MongoSerials:
    """Sequences in one small collection, each advanced by one atomic ``$inc``."""

    def __init__(self, database: AsyncDatabase[Document], collection: str = "serials") -> None:
        self._collection = database[collection]

    async def next(self, sequence: str) -> int:
        document = await self._collection.find_one_and_update(
            {"_id": sequence},
            {"$inc": {"value": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert document is not None
        return int(document["value"])
