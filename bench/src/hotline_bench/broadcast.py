"""A broadcast to 100,000 residents, timed from its creation to its last SMS at the gateway.

The site's households are seeded the way intake makes them known to notification: each unit's
``UnitRecorded`` and its owner's ``ResidentRecorded`` published on the directory topic, consumed
by notification as any directory change is (one resident per unit, SMS agreed). That is the
honest route in from outside, and the fastest: no HTTP round trip per resident through intake.
Seeding is not timed; the flow waits until notification holds them all. Then a site manager
composes the broadcast over HTTP, and the clock runs until the SMS gateway holds a message for
every household (counted in its ``messages.jsonl``).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from contracts.intake.v1 import (
    PreferredChannel,
    ResidentRecorded,
    ResidentRecordedPayload,
    UnitRecorded,
    UnitRecordedPayload,
)
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.mongo import connect

from hotline_bench.probes import auth

PER_BUILDING = 1_000
TEXT_MARK = "群发测试"


def phone_of(index: int) -> str:
    """A distinct E.164 number per household of a run."""
    return f"+86139{index:08d}"


def directory_events(site: str, run: str, index: int) -> tuple[ResidentRecorded, UnitRecorded]:
    """Household ``index``: its owner (SMS agreed) and its unit, as intake publishes them."""
    correlation = uuid.uuid5(uuid.NAMESPACE_URL, f"bench-broadcast/{run}/{index}")
    resident_id = uuid.uuid5(correlation, "resident")
    recorded_at = datetime.now(UTC)
    resident = ResidentRecorded.build(
        event_id=uuid.uuid5(correlation, "resident-event"),
        producer="intake",
        site_id=site,
        correlation_id=correlation,
        payload=ResidentRecordedPayload(
            resident_id=resident_id,
            name=f"业主{index}",
            phones=[phone_of(index)],
            preferred_channel=PreferredChannel.SMS,
            language="zh-CN",
            consents_to_sms=True,
            consents_to_email=False,
            recorded_at=recorded_at,
        ),
    )
    building, room = str(index // PER_BUILDING + 1), str(index % PER_BUILDING + 101)
    unit = UnitRecorded.build(
        event_id=uuid.uuid5(correlation, "unit-event"),
        producer="intake",
        site_id=site,
        correlation_id=correlation,
        payload=UnitRecordedPayload(
            unit_id=f"{site}:{building}:{room}",
            building=building,
            room=room,
            floor_area_m2=Decimal("89.35"),
            owner_id=resident_id,
            payer_id=None,
            recorded_at=recorded_at,
        ),
    )
    return resident, unit


async def seed(stack: Stack, site: str, households: int, patience_s: float) -> float:
    """Publish the households' directory events and wait until notification holds them all;
    the seconds it took."""
    run = uuid.uuid4().hex[:6]
    started = time.monotonic()
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, linger_ms=20)
    await producer.start()
    try:
        topic = stack.topic_prefix + ResidentRecorded.TOPIC
        for index in range(households):
            for event in directory_events(site, run, index):
                await producer.send(
                    topic, event.model_dump_json().encode(), key=event.partition_key().encode()
                )
        await producer.flush()
    finally:
        await producer.stop()
    client = connect(stack.mongo_url, "bench")
    db = client[f"{stack.db_prefix}notification"]
    try:
        while True:
            units = await db["households"].count_documents({"site_id": site})
            members = await db["household_members"].count_documents({"site_id": site})
            if units >= households and members >= households:
                return time.monotonic() - started
            if time.monotonic() - started > patience_s:
                raise RuntimeError(
                    f"notification holds {units} units and {members} residents of {households}"
                )
            await asyncio.sleep(1)
    finally:
        await client.close()


def received(sms_dir: Path) -> int:
    """Messages the SMS gateway holds (lines of its ``messages.jsonl``)."""
    store = sms_dir / "messages.jsonl"
    if not store.exists():
        return 0
    with store.open("rb") as lines:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: lines.read(1 << 20), b""))


async def time_broadcast(
    stack: Stack, site: str, households: int, timeout_s: float
) -> dict[str, Any]:
    """Compose a broadcast to the whole site as its manager; the seconds until the gateway
    holds one more message per household, and what the broadcast says of its progress."""
    before = received(stack.sms_dir)
    manager = auth(Role.SITE_MANAGER, [site], subject="bench-manager")
    body = {
        "kind": "outage",
        "audience": {"site_id": site},
        "sms_text": f"【{TEXT_MARK}】{{{{ building }}}}栋{{{{ room }}}}：明日9:00-12:00停水，请提前储水。",
        "email_subject": "停水通知",
        "email_body": "{{ name }}您好：明日9:00-12:00停水。",
    }
    async with httpx.AsyncClient(base_url=stack.service_url("notification"), timeout=30) as http:
        started = time.monotonic()
        created = await http.post(
            "/broadcasts",
            json=body,
            headers={**manager, "Idempotency-Key": f"bench-broadcast-{uuid.uuid4()}"},
        )
        if created.status_code != 201:
            raise RuntimeError(f"POST /broadcasts answered {created.status_code}: {created.text}")
        broadcast_id = created.json()["broadcast_id"]
        got = 0
        while time.monotonic() - started < timeout_s:
            got = received(stack.sms_dir) - before
            if got >= households:
                break
            await asyncio.sleep(0.2)
        seconds = time.monotonic() - started
        progress: dict[str, Any] = {}
        for _ in range(50):  # the last batch's counts land just after its messages
            shown = (await http.get(f"/broadcasts/{broadcast_id}", headers=manager)).json()
            progress = shown["progress"]
            if shown["status"] == "done":
                break
            await asyncio.sleep(0.2)
    return {
        "recipients": households,
        "received": got,
        "seconds": seconds,
        "per_s": got / seconds if seconds else None,
        "progress": progress,
        "complete": got == households and progress.get("sent") == households,
    }


async def broadcast_row(stack: Stack, households: int, timeout_s: float) -> dict[str, Any]:
    """Seed a site of ``households`` and time a broadcast to it (notification must be running
    on the stack's current topics and databases)."""
    site = "bcast"
    seeding = await seed(stack, site, households, patience_s=max(600.0, households / 100))
    row = await time_broadcast(stack, site, households, timeout_s)
    return {**row, "seeding_s": seeding}
