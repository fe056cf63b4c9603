"""Persistence idioms on the real store (FerretDB here, MongoDB in production) and the outbox relay on real Kafka."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from callback.adapters.repository import CALLBACKS, MongoCallbacks
from callback.domain.model import Callback
from contracts.callback.v1 import CallbackReason
from contracts.topics import SERVICE_REQUESTS
from faststream.kafka import KafkaBroker
from hotline_infra.stack import Stack
from hotline_infra.topics import ensure_topics
from hotline_libs.messaging import EventPublisher
from hotline_libs.mongo import Document, MongoSerials, insert_once
from hotline_libs.outbox import OUTBOX_FIELD, OutboxRelay, outbox_entry
from hotline_libs.settings import ServiceSettings
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from tests import builders
from tests.support import decoded, read_topic

pytestmark = pytest.mark.infra


@pytest.fixture
async def db(infra: Stack) -> AsyncIterator[AsyncDatabase[Document]]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    database = client[f"it_{uuid.uuid4().hex[:8]}"]
    yield database
    await client.drop_database(database.name)
    await client.close()


async def test_insert_once_keeps_the_first_write_of_an_id(db: AsyncDatabase[Document]) -> None:
    assert await insert_once(db, "things", {"_id": "a", "value": 1})
    assert not await insert_once(db, "things", {"_id": "a", "value": 2})
    assert await db["things"].find_one({"_id": "a"}) == {"_id": "a", "value": 1}


async def test_concurrent_updates_of_one_document_are_atomic(db: AsyncDatabase[Document]) -> None:
    """What the platform's idempotence rests on (FerretDB needs infra/ferretdb/fixes.patch for it)."""
    await db["counters"].insert_one({"_id": "c", "n": 0, "seen": [], "state": "open"})
    await asyncio.gather(
        *(
            db["counters"].update_one({"_id": "c"}, {"$inc": {"n": 1}, "$push": {"seen": i}})
            for i in range(100)
        )
    )
    closes = await asyncio.gather(
        *(
            db["counters"].update_one({"_id": "c", "state": "open"}, {"$set": {"state": "closed"}})
            for _ in range(20)
        )
    )
    document = await db["counters"].find_one({"_id": "c"})
    assert document is not None
    assert document["n"] == 100
    assert sorted(document["seen"]) == list(range(100))
    assert sum(result.modified_count for result in closes) == 1


async def test_serial_numbers_are_never_handed_out_twice(db: AsyncDatabase[Document]) -> None:
    serials = MongoSerials(db)
    drawn = await asyncio.gather(*(serials.next("SR-DMG-20261123") for _ in range(50)))
    assert sorted(drawn) == list(range(1, 51))
    assert await serials.next("SR-QJC-20261123") == 1


def _callback(callback_id: uuid.UUID) -> Callback:
    return Callback(
        callback_id=callback_id,
        work_order_id=uuid.uuid4(),
        request_id=uuid.uuid4(),
        request_no="SR-1",
        site_id="dmg",
        resident=builders.resident(),
        reason=CallbackReason.AFTER_PAID_SERVICE,
        payment_method=None,
        completed_at=builders.NOW,
        due_on=builders.NOW.date(),
        scheduled_at=builders.NOW,
    )


async def test_a_callback_is_scheduled_once_whichever_event_arrives_first(
    db: AsyncDatabase[Document],
) -> None:
    """The completion and the charge travel on different topics and race to create one document."""
    callbacks = MongoCallbacks(db)
    ids = [uuid.uuid4() for _ in range(40)]

    async def both(callback_id: uuid.UUID) -> tuple[bool, None, bool]:
        return await asyncio.gather(
            callbacks.schedule(_callback(callback_id), [builders.request_accepted()]),
            callbacks.attach_charge(callback_id, uuid.uuid4(), "CH-1", 8000, builders.NOW),
            callbacks.schedule(_callback(callback_id), [builders.request_accepted()]),
        )

    results = await asyncio.gather(*(both(callback_id) for callback_id in ids))
    assert all(sorted([r[0], r[2]]) == [False, True] for r in results), (
        "each scheduled exactly once"
    )
    async for document in db[CALLBACKS].find({}):
        assert document["scheduled"] is True
        assert document["charge"]["total_fen"] == 8000
        assert len(document[OUTBOX_FIELD]) == 1


async def test_the_relay_publishes_pending_events_keyed_by_aggregate_and_clears_them(
    infra: Stack, db: AsyncDatabase[Document]
) -> None:
    prefix = f"it{uuid.uuid4().hex[:6]}."
    await ensure_topics(infra.kafka_bootstrap, prefix, partitions=3)
    settings = ServiceSettings(kafka_bootstrap=infra.kafka_bootstrap, topic_prefix=prefix)
    broker = KafkaBroker(infra.kafka_bootstrap)
    await broker.connect()
    try:
        events = [builders.request_accepted() for _ in range(5)]
        for i, event in enumerate(events):
            await db["requests"].insert_one({"_id": f"r{i}", OUTBOX_FIELD: [outbox_entry(event)]})
        relay = OutboxRelay(db["requests"], EventPublisher(broker, settings), sweep_interval_s=0.1)
        assert await relay.sweep(batch=2) == 5, "a sweep goes on while its batches come back full"
        assert await relay.sweep() == 0
        assert await db["requests"].count_documents({f"{OUTBOX_FIELD}.0": {"$exists": True}}) == 0
    finally:
        await broker.stop()
    stack = Stack(infra.root, infra.ports, topic_prefix=prefix)
    records = await read_topic(stack, SERVICE_REQUESTS)
    assert sorted(decoded(r)["event_id"] for r in records) == sorted(
        str(event.event_id) for event in events
    )
    assert {r.key.decode() for r in records} == {str(e.payload.request_id) for e in events}


async def test_an_event_added_while_the_relay_publishes_is_not_lost(
    infra: Stack, db: AsyncDatabase[Document]
) -> None:
    prefix = f"it{uuid.uuid4().hex[:6]}."
    await ensure_topics(infra.kafka_bootstrap, prefix, partitions=1)
    settings = ServiceSettings(kafka_bootstrap=infra.kafka_bootstrap, topic_prefix=prefix)
    first, late = builders.request_accepted(), builders.request_accepted()
    await db["orders"].insert_one({"_id": "o1", OUTBOX_FIELD: [outbox_entry(first)]})

    class SlowPublisher(EventPublisher):
        async def publish_raw(self, topic: str, key: str, body: bytes, event_type: str) -> None:
            await super().publish_raw(topic, key, body, event_type)
            # the service appends another event to the same document meanwhile
            await db["orders"].update_one(
                {"_id": "o1"}, {"$push": {OUTBOX_FIELD: outbox_entry(late)}}
            )

    broker = KafkaBroker(infra.kafka_bootstrap)
    await broker.connect()
    try:
        relay = OutboxRelay(db["orders"], SlowPublisher(broker, settings), sweep_interval_s=0.1)
        relay.wake("o1")
        assert await relay.relay_hinted() == 1
        document = await db["orders"].find_one({"_id": "o1"})
        assert document is not None
        assert [e["event_id"] for e in document[OUTBOX_FIELD]] == [str(late.event_id)]
    finally:
        await broker.stop()
