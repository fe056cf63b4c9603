"""The building blocks on the real store (FerretDB here, MongoDB in production) and real Kafka:
store idioms, versioned saves and their conflicts, the outbox relay (publishing what a unit of
work wrote without reading it back, isolating an entry the broker refuses, parking and replaying
it), and durable deadlines fired once by racing pollers."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError
from callback.adapters.inbound.events_v1 import note_charge, schedule_callback
from callback.adapters.mongo.callbacks import CALLBACKS as CALLBACK_DOCUMENTS
from callback.adapters.mongo.unit_of_work import MongoCallbackUnitOfWork
from callback.domain.callback import CallbackStatus
from callback.domain.commands import CallbackDeadlineReached
from callback.service_layer.handlers import HANDLERS as CALLBACK_HANDLERS
from callback.service_layer.handlers import callback_id_for
from contracts.callback.v1 import CallbackOverdue, CallbackScheduled
from contracts.topics import CALLBACKS, SERVICE_REQUESTS
from hotline_infra.stack import Stack
from hotline_infra.topics import ensure_topics
from hotline_libs.bus import MessageBus
from hotline_libs.dead_letters import Operations
from hotline_libs.deadlines import DeadlinePoller
from hotline_libs.errors import ConcurrencyConflict
from hotline_libs.messaging import KafkaRelayPublisher
from hotline_libs.mongo import Document, MongoSerials, insert_once
from hotline_libs.outbox import (
    OUTBOX_FIELD,
    OUTBOX_SINCE_FIELD,
    PARKED_FIELD,
    EntryRefused,
    OutboxRelay,
    outbox_entry,
)
from hotline_libs.settings import ServiceSettings
from hotline_libs.unit_of_work import NEXT_DEADLINE_FIELD, Written
from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from tests import builders
from tests.fakes import CHINA_TIME, Clock
from tests.support import decoded, read_topic

pytestmark = pytest.mark.infra


@pytest.fixture
async def topics_prefix(infra: Stack) -> str:
    prefix = f"it{uuid.uuid4().hex[:6]}."
    await ensure_topics(infra.kafka_bootstrap, prefix, partitions=3)
    return prefix


@pytest.fixture
async def publisher(infra: Stack, topics_prefix: str) -> AsyncIterator[KafkaRelayPublisher]:
    settings = ServiceSettings(kafka_bootstrap=infra.kafka_bootstrap, topic_prefix=topics_prefix)
    relay_publisher = KafkaRelayPublisher(settings, client_id="it")
    await relay_publisher.start()
    yield relay_publisher
    await relay_publisher.stop()


def prefixed(infra: Stack, prefix: str) -> Stack:
    return Stack(infra.root, infra.ports, topic_prefix=prefix)


# -- store idioms --------------------------------------------------------------------------


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


async def test_one_bulk_write_of_many_updates_completes(db: AsyncDatabase[Document]) -> None:
    """The outbox relay clears a backlog in one bulk write; FerretDB held a pool connection per
    statement until the command ended and hung for good at 100 (fixes.patch, 5.)."""
    await db["outboxes"].insert_many([{"_id": str(i), "outbox": [i]} for i in range(250)])
    cleared = await asyncio.wait_for(
        db["outboxes"].bulk_write(
            [UpdateOne({"_id": str(i)}, {"$set": {"outbox": []}}) for i in range(250)],
            ordered=False,
        ),
        timeout=60,
    )
    assert cleared.modified_count == 250
    assert await db["outboxes"].count_documents({"outbox": []}) == 250


async def test_serial_numbers_are_never_handed_out_twice(db: AsyncDatabase[Document]) -> None:
    serials = MongoSerials(db)
    drawn = await asyncio.gather(*(serials.next("SR-DMG-20261123") for _ in range(50)))
    assert sorted(drawn) == list(range(1, 51))
    assert await serials.next("SR-QJC-20261123") == 1


async def test_a_field_present_on_few_documents_is_found_through_its_index(
    db: AsyncDatabase[Document],
) -> None:
    """The relay's sweep and the deadline pollers ask for the documents that have a field;
    FerretDB answers `$exists: true` through the field's index (fixes.patch, 4.)."""
    await db["many"].create_index([("marker", 1)])
    await db["many"].insert_many([{"_id": str(i), "n": i} for i in range(300)])
    await db["many"].update_many({"n": {"$in": [7, 150]}}, {"$set": {"marker": 1}})
    await db["many"].update_one({"n": 9}, {"$set": {"marker": None}})  # present, though null
    found = {d["_id"] async for d in db["many"].find({"marker": {"$exists": True}})}
    assert found == {"7", "150", "9"}
    absent = await db["many"].count_documents({"marker": {"$exists": False}})
    assert absent == 297


# -- versioned aggregates and the unit of work ----------------------------------------------


def callback_bus(db: AsyncDatabase[Document], clock: Clock, written: list[Written]) -> MessageBus:
    return MessageBus(
        CALLBACK_HANDLERS,
        uow=lambda: MongoCallbackUnitOfWork(db, clock=clock, on_written=written.append),
    )


async def test_a_save_behind_someone_elses_is_a_conflict_and_nothing_of_it_is_written(
    db: AsyncDatabase[Document],
) -> None:
    clock = Clock(builders.NOW)
    completed = builders.work_order_completed()
    await callback_bus(db, clock, []).handle(schedule_callback(completed))
    callback_id = callback_id_for(completed.payload.work_order_id)
    first = MongoCallbackUnitOfWork(db, clock=clock)
    second = MongoCallbackUnitOfWork(db, clock=clock)
    mine, theirs = await first.callbacks.get(callback_id), await second.callbacks.get(callback_id)
    assert mine is not None and theirs is not None and mine.version == theirs.version == 1
    charge = note_charge(builders.charge_raised(completed, total="80.00")).charge
    mine.note_charge(charge)
    await first.commit()
    theirs.note_charge(charge)
    with pytest.raises(ConcurrencyConflict, match="changed since version 1"):
        await second.commit()
    document = await db[CALLBACK_DOCUMENTS].find_one({"_id": str(callback_id)})
    assert document is not None and document["version"] == 2


async def test_the_completion_and_the_charge_racing_end_in_one_callback_scheduled_once(
    db: AsyncDatabase[Document],
) -> None:
    """They travel on different topics and race to create one document: the loser of the insert
    is retried from a fresh read by the bus, whichever comes first."""
    clock = Clock(builders.NOW)
    written: list[Written] = []
    bus = callback_bus(db, clock, written)
    orders = [builders.work_order_completed(items=[("RP-TAP", 1)]) for _ in range(20)]
    await asyncio.gather(
        *(
            bus.handle(command)
            for order in orders
            for command in (
                schedule_callback(order),
                note_charge(builders.charge_raised(order)),
                schedule_callback(order),
            )
        )
    )
    async for document in db[CALLBACK_DOCUMENTS].find({}):
        assert document["status"] == CallbackStatus.SCHEDULED.value
        assert document["charge"]["total_fen"] == 8000
        # the same fact in v1 (for its consumers of old) and v2
        assert _published(document) == [("CallbackScheduled", 1), ("CallbackScheduled", 2)]
    scheduled = [e for w in written for e in w.entries if e["event_type"] == "CallbackScheduled"]
    assert len(scheduled) == 20 * 2


def _published(document: Document) -> list[tuple[str, int]]:
    """The type and major version of each event waiting in a document's outbox."""
    return [
        (entry["event_type"], json.loads(entry["body"])["schema_version"])
        for entry in document[OUTBOX_FIELD]
    ]


# -- the outbox relay ----------------------------------------------------------------------


async def test_the_relay_publishes_what_was_written_without_reading_it_back_and_clears_it(
    infra: Stack, db: AsyncDatabase[Document], topics_prefix: str, publisher: KafkaRelayPublisher
) -> None:
    clock = Clock(builders.NOW)
    written: list[Written] = []
    bus = callback_bus(db, clock, written)
    orders = [builders.work_order_completed() for _ in range(5)]
    for order in orders:
        await bus.handle(schedule_callback(order))
    relay = OutboxRelay(db[CALLBACK_DOCUMENTS], publisher, clock=clock, sweep_interval_s=60)

    reads = 0
    real_find = relay._collection.find

    def counting_find(*args: Any, **kwargs: Any) -> Any:
        nonlocal reads
        reads += 1
        return real_find(*args, **kwargs)

    relay._collection.find = counting_find  # type: ignore[method-assign]
    for item in written:
        relay.written(item.document_id, item.entries)
    assert await relay.relay_fresh() == 5 * 2, "each callback's CallbackScheduled v1 and v2"
    assert await relay.flush() == 5, "cleared in one bulk write"
    assert reads == 0, "the relay read documents it had just been handed"
    assert (
        await db[CALLBACK_DOCUMENTS].count_documents({OUTBOX_SINCE_FIELD: {"$exists": True}}) == 0
    )
    async for document in db[CALLBACK_DOCUMENTS].find({}):
        assert document[OUTBOX_FIELD] == []
    records = await read_topic(prefixed(infra, topics_prefix), CALLBACKS)
    assert sorted(decoded(r)["payload"]["work_order_id"] for r in records) == sorted(
        str(o.payload.work_order_id) for o in orders for _version in (1, 2)
    )
    assert {r.key.decode() for r in records} == {
        decoded(r)["payload"]["callback_id"] for r in records
    }
    assert {decoded(r)["aggregate_version"] for r in records} == {1}


async def test_the_sweep_publishes_what_a_dead_process_left_and_keeps_what_came_meanwhile(
    infra: Stack, db: AsyncDatabase[Document], topics_prefix: str, publisher: KafkaRelayPublisher
) -> None:
    clock = Clock(builders.NOW)
    first, late = builders.request_accepted(), builders.request_accepted()
    await db["requests"].create_index([(OUTBOX_SINCE_FIELD, 1)])
    await db["requests"].insert_one(
        {"_id": "r1", OUTBOX_FIELD: [outbox_entry(first)], OUTBOX_SINCE_FIELD: builders.NOW}
    )
    await db["requests"].insert_one({"_id": "done", OUTBOX_FIELD: [], "n": 1})

    class Meanwhile:
        """Another use case appends to the same document while the relay publishes."""

        async def publish_entry(self, entry: dict[str, Any]) -> None:
            await publisher.publish_entry(entry)
            await db["requests"].update_one(
                {"_id": "r1"}, {"$push": {OUTBOX_FIELD: outbox_entry(late)}}
            )

    relay = OutboxRelay(db["requests"], Meanwhile(), clock=clock, sweep_interval_s=60)
    assert await relay.sweep(grace_s=0) is False
    await relay.flush()
    document = await db["requests"].find_one({"_id": "r1"})
    assert document is not None
    assert [e["event_id"] for e in document[OUTBOX_FIELD]] == [str(late.event_id)]
    assert OUTBOX_SINCE_FIELD in document, "something still waits: the marker stays"
    published = await read_topic(prefixed(infra, topics_prefix), SERVICE_REQUESTS)
    assert [decoded(r)["event_id"] for r in published] == [str(first.event_id)]


async def test_an_entry_the_broker_refuses_does_not_hold_up_the_others_and_is_parked(
    infra: Stack, db: AsyncDatabase[Document], topics_prefix: str, publisher: KafkaRelayPublisher
) -> None:
    """Point 6: a poisoned entry (its topic is missing) is counted, retried, parked with the
    reason after N refusals; every other document's events go out at once; once the topic
    exists, the operator command publishes it and it leaves the parked list."""
    clock = Clock(builders.NOW)
    good = [builders.request_accepted() for _ in range(3)]
    poisoned = {**outbox_entry(builders.request_accepted()), "topic": "no-such.topic"}
    collection = db["mixed"]
    await collection.insert_one(
        {"_id": "bad", OUTBOX_FIELD: [poisoned], OUTBOX_SINCE_FIELD: builders.NOW}
    )
    for i, event in enumerate(good):
        await collection.insert_one(
            {
                "_id": f"good{i}",
                OUTBOX_FIELD: [outbox_entry(event)],
                OUTBOX_SINCE_FIELD: builders.NOW,
            }
        )
    relay = OutboxRelay(collection, publisher, clock=clock, sweep_interval_s=60, max_attempts=3)
    await relay.sweep(grace_s=0)
    published = await read_topic(prefixed(infra, topics_prefix), SERVICE_REQUESTS)
    assert sorted(decoded(r)["event_id"] for r in published) == sorted(
        str(e.event_id) for e in good
    )
    bad = await collection.find_one({"_id": "bad"})
    assert bad is not None and bad["outbox_attempts"] == {poisoned["event_id"]: 1}
    for _ in range(2):  # the refused entry waits out its backoff, then is tried again
        relay._waiting["bad"].not_before = 0
        await relay.relay_fresh()
    bad = await collection.find_one({"_id": "bad"})
    assert bad is not None
    assert bad[OUTBOX_FIELD] == []
    [parked] = bad[PARKED_FIELD]
    assert parked["event_id"] == poisoned["event_id"] and parked["attempts"] == 3
    assert f"topic '{topics_prefix}no-such.topic' does not exist" in parked["reason"]
    assert relay.metrics.parked == 1 and relay.metrics.refused == 3

    settings = ServiceSettings(
        kafka_bootstrap=infra.kafka_bootstrap,
        mongo_url=infra.mongo_url,
        db_prefix=db.name,
        topic_prefix=topics_prefix,
    )
    operations = Operations(settings)
    try:
        [found] = await operations.parked()
        assert found.entry["event_id"] == poisoned["event_id"]
        await _create_topic(infra, f"{topics_prefix}no-such.topic")
        [line] = await operations.replay([found])
        assert line.startswith("published parked")
        assert await operations.parked() == []
    finally:
        await operations.close()
    replayed = await read_topic(prefixed(infra, topics_prefix), "no-such.topic")
    assert [decoded(r)["event_id"] for r in replayed] == [poisoned["event_id"]]


async def _create_topic(infra: Stack, name: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        if name not in await admin.list_topics():
            await admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()


async def test_an_outage_parks_nothing_and_everything_waits(db: AsyncDatabase[Document]) -> None:
    clock = Clock(builders.NOW)

    class Away:
        async def publish_entry(self, entry: dict[str, Any]) -> None:
            raise KafkaConnectionError("broker away")

    entries = tuple(outbox_entry(builders.request_accepted()) for _ in range(2))
    await db["away"].insert_one(
        {"_id": "a", OUTBOX_FIELD: list(entries), OUTBOX_SINCE_FIELD: builders.NOW}
    )
    relay = OutboxRelay(db["away"], Away(), clock=clock, sweep_interval_s=60, max_attempts=1)
    relay.written("a", entries)
    for _ in range(3):
        with pytest.raises(KafkaConnectionError):
            await relay.relay_fresh()
    document = await db["away"].find_one({"_id": "a"})
    assert document is not None
    assert len(document[OUTBOX_FIELD]) == 2 and PARKED_FIELD not in document
    assert "outbox_attempts" not in document
    clock.now += timedelta(seconds=30)
    assert relay.metrics.oldest_pending_age_s(clock.now) == 30.0


async def test_a_refusal_is_told_apart_from_an_outage(publisher: KafkaRelayPublisher) -> None:
    with pytest.raises(EntryRefused, match="does not exist"):
        await publisher.publish_entry(
            {**outbox_entry(builders.request_accepted()), "topic": "missing.topic"}
        )


# -- durable deadlines ------------------------------------------------------------------------


async def _scheduled_callbacks(db: AsyncDatabase[Document], clock: Clock, count: int) -> list[str]:
    bus = callback_bus(db, clock, [])
    await db[CALLBACK_DOCUMENTS].create_index([(NEXT_DEADLINE_FIELD, 1)])
    ids = []
    for _ in range(count):
        completed = builders.work_order_completed()
        callback = await bus.handle(schedule_callback(completed))
        ids.append(str(callback.callback_id))
    return ids


def _poller(
    db: AsyncDatabase[Document], clock: Clock, fired: list[str], done: asyncio.Event | None = None
) -> DeadlinePoller:
    """A poller over the callbacks; ``done`` is set once every scheduled callback has fired."""
    bus = callback_bus(db, clock, [])

    async def fire(document_id: str, name: str, due_at: Any) -> None:
        fired.append(document_id)
        await bus.handle(CallbackDeadlineReached(uuid.UUID(document_id), name, due_at))
        if done is not None and len(set(fired)) >= await db[CALLBACK_DOCUMENTS].count_documents({}):
            done.set()

    return DeadlinePoller(db[CALLBACK_DOCUMENTS], fire, clock=clock, interval_s=0.05)


async def _overdue_events(db: AsyncDatabase[Document]) -> dict[str, int]:
    counts: dict[str, int] = {}
    async for document in db[CALLBACK_DOCUMENTS].find({}):
        published = _published(document)
        counts[document["_id"]] = published.count((CallbackOverdue.EVENT_TYPE, 2))
        assert published.count((CallbackOverdue.EVENT_TYPE, 1)) == counts[document["_id"]]
        assert published.count((CallbackScheduled.EVENT_TYPE, 2)) == 1
    return counts


async def test_a_deadline_already_past_at_start_fires_at_once_and_once(
    db: AsyncDatabase[Document],
) -> None:
    clock = Clock(builders.NOW)
    ids = await _scheduled_callbacks(db, clock, 3)
    document = await db[CALLBACK_DOCUMENTS].find_one({"_id": ids[0]})
    assert document is not None
    clock.now = datetime.combine(
        date.fromisoformat(document["due_on"]), time(0), tzinfo=CHINA_TIME
    ) + timedelta(days=1, hours=5)
    fired: list[str] = []
    all_fired = asyncio.Event()
    poller = _poller(db, clock, fired, all_fired)
    poller.start()
    try:
        async with asyncio.timeout(10):
            await all_fired.wait()
        await asyncio.sleep(0.3)  # more polls: nothing fires again
    finally:
        await poller.stop()
    assert await _overdue_events(db) == dict.fromkeys(ids, 1)
    async for document in db[CALLBACK_DOCUMENTS].find({}):
        assert NEXT_DEADLINE_FIELD not in document
        assert document["deadlines"] == []


async def test_two_replicas_polling_the_same_deadlines_fire_each_once(
    db: AsyncDatabase[Document],
) -> None:
    clock = Clock(builders.NOW)
    ids = await _scheduled_callbacks(db, clock, 12)
    clock.now += timedelta(days=10)
    fired: list[str] = []
    replicas = [_poller(db, clock, fired), _poller(db, clock, fired)]
    await asyncio.gather(*(replica.poll() for replica in replicas))
    await asyncio.gather(*(replica.poll() for replica in replicas))
    assert await _overdue_events(db) == dict.fromkeys(ids, 1)


async def test_a_poller_killed_before_firing_leaves_the_deadline_for_the_next_one(
    db: AsyncDatabase[Document],
) -> None:
    clock = Clock(builders.NOW)
    [callback_id] = await _scheduled_callbacks(db, clock, 1)
    clock.now += timedelta(days=10)
    hold = asyncio.Event()

    async def dies_before_saving(document_id: str, name: str, due_at: Any) -> None:
        await hold.wait()  # the process is killed here, between finding and firing

    doomed = DeadlinePoller(
        db[CALLBACK_DOCUMENTS], dies_before_saving, clock=clock, interval_s=0.05
    )
    doomed.start()
    await asyncio.sleep(0.2)
    await doomed.stop()  # cancelled mid-fire, as by SIGKILL: nothing was saved
    assert await _overdue_events(db) == {callback_id: 0}
    fired: list[str] = []
    assert await _poller(db, clock, fired).poll() == 1
    assert await _overdue_events(db) == {callback_id: 1}
    document = await db[CALLBACK_DOCUMENTS].find_one({"_id": callback_id})
    assert document is not None and document["deadlines"] == []
