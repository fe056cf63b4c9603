"""A site system's feed at volume: ``unique`` requests with their own references, half of them
sent twice (a new message each time, as a system retrying after a timeout does), must register
exactly ``unique`` requests and refuse none."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from contracts.envelope import Resident
from contracts.intake.v1 import RequestKind
from contracts.sites.v1 import SiteRequestSubmitted, SiteRequestSubmittedPayload
from hotline_infra.stack import Stack
from hotline_libs.mongo import connect

SITES = ("dmg", "qjc", "gxi")


def submission(run: str, index: int) -> SiteRequestSubmitted:
    site = SITES[index % len(SITES)]
    event: SiteRequestSubmitted = SiteRequestSubmitted.build(
        event_id=uuid.uuid4(),
        producer=f"site:{site}",
        site_id=site,
        correlation_id=uuid.uuid4(),
        payload=SiteRequestSubmittedPayload(
            source_ref=f"{site}-feed-{run}-{index}",
            kind=RequestKind.REPAIR,
            category="common_area",
            description=f"楼道灯不亮 {run} #{index}",
            resident=Resident(name="王芳", phone=f"1372{index:07d}", building="3", room="1202"),
            registered_at=datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
        ),
    )
    return event


async def feed_volume(stack: Stack, unique: int, timeout_s: float) -> dict[str, Any]:
    """Send ``unique`` submissions and half of them again; wait for intake to register them."""
    run = uuid.uuid4().hex[:6]
    topic = stack.topic_prefix + SiteRequestSubmitted.TOPIC
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, linger_ms=5)
    await producer.start()
    started = time.monotonic()
    try:
        sent = 0
        for index in [*range(unique), *range(0, unique, 2)]:
            event = submission(run, index)
            await producer.send(
                topic, event.model_dump_json().encode(), key=event.partition_key().encode()
            )
            sent += 1
        await producer.flush()
    finally:
        await producer.stop()
    client = connect(stack.mongo_url, "bench")
    db = client[f"{stack.db_prefix}intake"]
    query = {"request_no": {"$exists": True}, "description": {"$regex": f"^楼道灯不亮 {run} "}}
    try:
        registered = 0
        while time.monotonic() - started < timeout_s:
            registered = await db["service_requests"].count_documents(query)
            if registered >= unique:
                break
            await asyncio.sleep(1)
        elapsed = time.monotonic() - started
        await asyncio.sleep(3)  # the duplicates still in flight, if any, land now
        registered = await db["service_requests"].count_documents(query)
        refused = await db["refused_site_submissions"].count_documents(
            {"source_ref": {"$regex": f"-feed-{run}-"}}
        )
    finally:
        await client.close()
    return {
        "unique": unique,
        "sent": sent,
        "registered": registered,
        "refused": refused,
        "seconds": elapsed,
        "per_s": registered / elapsed if elapsed else None,
        "exact": registered == unique and refused == 0,
    }
