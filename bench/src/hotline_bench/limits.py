"""The limits of this machine: bare Kafka and bare store throughput with the services' own clients.

Same client libraries (aiokafka, PyMongo's async API), same producer settings (idempotent,
acks=all), same message: a real ``ServiceRequestAccepted`` as the services serialise it, and
a document of the size intake stores. The pipeline's figures are read against these.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from contracts.envelope import Resident
from contracts.intake.v1 import (
    Channel,
    RequestKind,
    ServiceRequestAccepted,
    ServiceRequestAcceptedPayload,
)
from pymongo import AsyncMongoClient

from hotline_bench.stats import Latencies

Tick = Callable[[int], None]


def sample_event() -> bytes:
    """A ``ServiceRequestAccepted`` exactly as intake puts it on the bus."""
    request_id = uuid.uuid4()
    now = datetime.now(UTC)
    event: ServiceRequestAccepted = ServiceRequestAccepted.build(
        event_id=uuid.uuid4(),
        producer="intake",
        site_id="dmg",
        correlation_id=request_id,
        occurred_at=now,
        payload=ServiceRequestAcceptedPayload(
            request_id=request_id,
            request_no="SR-DMG-20261123-0001",
            kind=RequestKind.REPAIR,
            category="own_unit",
            description="厨房水龙头漏水",
            resident=Resident(
                name="王芳",
                phone="+8613700000001",
                email="resident@example.com",
                building="3",
                room="1202",
            ),
            channel=Channel.HOTLINE,
            registered_at=now,
            accepted_at=now,
        ),
    )
    return event.model_dump_json().encode()


@dataclass
class KafkaLimits:
    message_bytes: int
    messages: int
    produce_per_s: float  # pipelined sends, as fast as the client batches them
    awaited_produce_per_s: float  # one awaited send at a time, as the outbox relay sends
    consume_per_s: float
    round_trip: Latencies  # one message produced and consumed, one at a time


@dataclass
class StoreLimits:
    documents: int
    document_bytes: int
    concurrency: int
    insert_per_s: float
    update_per_s: float  # $set + $inc by _id, the services' usual write
    insert: Latencies
    update: Latencies


async def measure_kafka(
    bootstrap: str, topic: str, messages: int, round_trips: int, tick: Tick
) -> KafkaLimits:
    """Produce ``messages`` copies of a real event to a fresh topic, read them back, then time
    ``round_trips`` single messages end to end."""
    body = sample_event()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [
                NewTopic(name, num_partitions=6, replication_factor=1)
                for name in (topic, topic + ".awaited")
            ]
        )
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        started = time.perf_counter()
        pending = []
        for i in range(messages):
            pending.append(await producer.send(topic, body, key=str(i).encode()))
            if len(pending) >= 1000:
                await asyncio.gather(*pending)
                tick(len(pending))
                pending.clear()
        await asyncio.gather(*pending)
        tick(len(pending))
        produce_s = time.perf_counter() - started

        awaited = max(messages // 10, 100)
        started = time.perf_counter()
        for i in range(awaited):
            await producer.send_and_wait(topic + ".awaited", body, key=str(i).encode())
        awaited_s = time.perf_counter() - started
    except Exception:
        await producer.stop()
        raise

    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        seen = 0
        started = time.perf_counter()
        while seen < messages:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            count = sum(len(records) for records in batch.values())
            seen += count
            tick(count)
        consume_s = time.perf_counter() - started
    finally:
        await consumer.stop()

    round_trip = await _round_trips(producer, bootstrap, topic + ".awaited", body, round_trips)
    await producer.stop()
    return KafkaLimits(
        message_bytes=len(body),
        messages=messages,
        produce_per_s=messages / produce_s,
        awaited_produce_per_s=awaited / awaited_s,
        consume_per_s=messages / consume_s,
        round_trip=round_trip,
    )


async def _round_trips(
    producer: AIOKafkaProducer, bootstrap: str, topic: str, body: bytes, count: int
) -> Latencies:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="latest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        await consumer.getmany(timeout_ms=500)  # join, position at the end
        samples = []
        for i in range(count):
            started = time.perf_counter()
            await producer.send_and_wait(topic, body, key=f"rt{i}".encode())
            got = 0
            while not got:
                batch = await consumer.getmany(timeout_ms=1000)
                got = sum(len(records) for records in batch.values())
            samples.append(time.perf_counter() - started)
        return Latencies.of(samples)
    finally:
        await consumer.stop()


async def measure_store(
    mongo_url: str, database: str, documents: int, concurrency: int, tick: Tick
) -> StoreLimits:
    """Insert ``documents`` documents the size of a stored request, then update each by ``_id``."""
    body = sample_event().decode()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    collection = client[database]["raw"]
    try:
        ids = [uuid.uuid4().hex for _ in range(documents)]

        async def insert(i: int) -> None:
            await collection.insert_one(
                {"_id": ids[i], "site_id": "dmg", "status": "accepted", "event": body, "n": 0}
            )

        async def update(i: int) -> None:
            await collection.update_one(
                {"_id": ids[i]}, {"$set": {"status": "dispatched"}, "$inc": {"n": 1}}
            )

        insert_s, insert_lat = await _concurrently(insert, documents, concurrency, tick)
        update_s, update_lat = await _concurrently(update, documents, concurrency, tick)
        await client.drop_database(database)
    finally:
        await client.close()
    return StoreLimits(
        documents=documents,
        document_bytes=len(body) + 60,
        concurrency=concurrency,
        insert_per_s=documents / insert_s,
        update_per_s=documents / update_s,
        insert=insert_lat,
        update=update_lat,
    )


async def _concurrently(
    operation: Callable[[int], Awaitable[None]], count: int, concurrency: int, tick: Tick
) -> tuple[float, Latencies]:
    """Run ``operation(0..count-1)`` with ``concurrency`` in flight; wall seconds and latencies."""
    samples: list[float] = []
    cursor = iter(range(count))

    async def worker() -> None:
        for i in cursor:
            began = time.perf_counter()
            await operation(i)
            samples.append(time.perf_counter() - began)
            tick(1)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, Latencies.of(samples)
