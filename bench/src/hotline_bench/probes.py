"""Talking to a running stack as its users do: tokens, request bodies, topics, quoted numbers."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from hotline_infra import stack
from hotline_infra.stack import Stack
from hotline_libs.auth import HOTLINE_ROLES, Role, issue_token
from hotline_libs.settings import DEV_JWT_SECRET

DEMO_SITES = list(stack.DEMO_SITES)
"""The sites of the demo data (infra's seed)."""


def token(
    role: Role = Role.AGENT, sites: list[str] | None = None, subject: str | None = None
) -> str:
    """A development bearer token (the dev secret every local service accepts): for every site
    unless ``sites`` are given (a site's role names the demo sites, since only hotline roles may
    say ``*``). A technician's ``subject`` is their technician id: they act on their own orders."""
    if sites is None:
        sites = ["*"] if role in HOTLINE_ROLES else DEMO_SITES
    return issue_token(
        DEV_JWT_SECRET, subject=subject or f"bench-{role.value}", role=role, sites=sites
    )


def auth(
    role: Role = Role.AGENT, sites: list[str] | None = None, subject: str | None = None
) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, sites, subject)}"}


def technician_of(order: dict[str, Any], sites: list[str] | None = None) -> dict[str, str]:
    """The headers of the technician a work order (as dispatch lists it) is assigned to."""
    return auth(Role.TECHNICIAN, sites, subject=order["technician"]["technician_id"])


def repair_request(
    phone: str,
    *,
    email: str | None = "resident@example.com",
    site_id: str = "dmg",
    **overrides: Any,
) -> dict[str, Any]:
    """The body of POST /service-requests for a repair of a resident's own unit. A paid service
    names what it asks for from the site's price list (TAX-09): the tap for a repair, glass
    cleaning for housekeeping, unless ``requested_items`` is given."""
    body: dict[str, Any] = {
        "site_id": site_id,
        "kind": "repair",
        "category": "own_unit",
        "description": "厨房水龙头漏水",
        "resident": {
            "name": "王芳",
            "phone": phone,
            "email": email,
            "building": "3",
            "room": "1202",
        },
    }
    body |= overrides
    if "requested_items" not in overrides and (body["kind"], body["category"]) in PAID_DEFAULTS:
        body["requested_items"] = [
            {"item_code": PAID_DEFAULTS[(body["kind"], body["category"])], "quantity": 1}
        ]
    return body


PAID_DEFAULTS = {
    ("repair", "own_unit"): "RP-TAP",
    ("repair", "other_paid"): "RP-TAP",
    ("housekeeping", "glass_cleaning"): "HK-GLASS",
}
"""The demo price lists' item a paid service of the manual's catalogue asks for by default."""


SERIAL = re.compile(r"\b(?:SR|WO|CH)-[A-Z0-9]+-\d{8}-\d{4,}\b")


def serials_in(text: str) -> set[str]:
    """The request, work-order and charge numbers quoted in a message."""
    return set(SERIAL.findall(text))


def decoded(record: Any) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(record.value)
    return value


async def read_topic(stack: Stack, topic: str, timeout_s: float = 5) -> list[Any]:
    """Every record on ``topic`` (prefixed by the stack), from the beginning."""
    consumer = AIOKafkaConsumer(
        stack.topic_prefix + topic,
        bootstrap_servers=stack.kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for partition_records in batch.values():
                records.extend(partition_records)
            if not batch and records:
                break
    finally:
        await consumer.stop()
    return records


async def publish_raw(stack: Stack, topic: str, value: bytes, key: bytes | None = None) -> None:
    """Put one message on ``topic`` (prefixed by the stack), as another system would."""
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(stack.topic_prefix + topic, value, key=key)
    finally:
        await producer.stop()


class ServiceGone(RuntimeError):
    """A service stayed unreachable far longer than a restart takes."""


async def retrying(
    call: Callable[[], Awaitable[httpx.Response]], patience_s: float = 120
) -> httpx.Response:
    """The answer to ``call``, retried through 5xx answers, dropped connections and a 409 that
    says when to retry (the first call with the same Idempotency-Key is still, or was, running
    in a process that died), as a client of a restarting service would; ``ServiceGone`` after
    ``patience_s``."""
    deadline = time.monotonic() + patience_s
    while time.monotonic() < deadline:
        pause = 0.1
        try:
            response = await call()
            if response.status_code == 409 and "Retry-After" in response.headers:
                pause = float(response.headers["Retry-After"])
            elif response.status_code < 500:
                return response
        except httpx.TransportError:
            pass
        await asyncio.sleep(pause)
    raise ServiceGone(f"a service did not answer within {patience_s:.0f} s")
