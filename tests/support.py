"""Helpers for tests on the real stack: an authenticated client, polling, reading sinks and topics."""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from hotline_infra.sms_sink import read_messages
from hotline_infra.smtp_sink import read_index
from hotline_infra.stack import Stack
from hotline_libs.auth import Role, issue_token
from hotline_libs.settings import DEV_JWT_SECRET

_phones = itertools.count(1)


def token(role: Role = Role.AGENT, sites: list[str] | None = None) -> str:
    return issue_token(
        DEV_JWT_SECRET, subject=f"test-{role.value}", role=role, sites=sites or ["*"]
    )


def auth(role: Role = Role.AGENT, sites: list[str] | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, sites)}"}


def unique_phone() -> str:
    """A valid mainland mobile number no other test uses in this session."""
    return f"1390{int(time.time()) % 1000:03d}{next(_phones):04d}"


def repair_request(
    phone: str | None = None,
    *,
    email: str | None = "resident@example.com",
    site_id: str = "dmg",
    **overrides: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "site_id": site_id,
        "kind": "repair",
        "category": "own_unit",
        "description": "厨房水龙头漏水",
        "resident": {
            "name": "王芳",
            "phone": phone or unique_phone(),
            "email": email,
            "building": "3",
            "room": "1202",
        },
    }
    return {**body, **overrides}


async def eventually(
    probe: Callable[[], Any], timeout_s: float = 30, what: str = "condition"
) -> Any:
    """Poll ``probe`` (plain or async) until it returns something truthy; fail after the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        await asyncio.sleep(0.2)


SERIAL = re.compile(r"\b(?:SR|WO|CH)-[A-Z0-9]+-\d{8}-\d{4,}\b")


def serials_in(text: str) -> set[str]:
    """The request, work-order and charge numbers quoted in a message."""
    return set(SERIAL.findall(text))


def sms_about(stack: Stack, number: str) -> list[dict[str, Any]]:
    """SMS that quote ``number`` (a request, work-order or charge number)."""
    return [m for m in read_messages(stack.sms_dir) if number in serials_in(m["text"])]


def mail_about(stack: Stack, number: str) -> list[dict[str, Any]]:
    """E-mails whose subject quotes ``number``."""
    return [m for m in read_index(stack.mail_dir) if number in serials_in(m["subject"])]


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
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(stack.topic_prefix + topic, value, key=key)
    finally:
        await producer.stop()


def client(stack: Stack, service: str, **kwargs: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=stack.service_url(service), timeout=15, **kwargs)


def decoded(record: Any) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(record.value)
    return value
