"""Helpers for tests on the real stack: an authenticated client, polling, reading sinks and topics.

What the tests share with ``make bench`` and ``make chaos`` (tokens, request bodies, topics,
quoted numbers) lives in ``hotline_bench.probes``; this module adds what only tests need.
"""

from __future__ import annotations

import asyncio
import email
import inspect
import itertools
import json
import time
import uuid
from collections.abc import Callable, Mapping
from email import policy
from typing import Any

import httpx
from hotline_bench import probes
from hotline_bench.probes import auth, publish_raw, read_topic, serials_in, technician_of, token
from hotline_infra.sms_sink import read_messages
from hotline_infra.smtp_sink import read_index
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.mongo import connect
from notification.adapters.mongo.staff import STAFF

__all__ = [
    "auth",
    "client",
    "decoded",
    "eventually",
    "flow_runs_again",
    "mail_about",
    "mail_body",
    "mails_to",
    "publish_raw",
    "read_topic",
    "register",
    "repair_request",
    "serials_in",
    "sms_about",
    "staff_known_to_notification",
    "technician_of",
    "token",
    "unique_phone",
    "work_order_of",
]

POISON: dict[str, Any] = {"event_type": "", "site_id": "", "payload": {}}
"""What ``decoded`` gives for a record that is no event: the poison messages some tests put on a
topic on purpose, so that tests reading the whole topic in another order pass over them."""


def decoded(record: Any) -> dict[str, Any]:
    """The event a topic's record carries, or ``POISON`` for bytes that are not one."""
    try:
        return probes.decoded(record)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return POISON


_phones = itertools.count(1)


def unique_phone() -> str:
    """A valid mainland mobile number no other test uses in this session."""
    return f"1390{int(time.time()) % 1000:03d}{next(_phones):04d}"


def repair_request(phone: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A repair request body; a fresh phone number unless one is given."""
    return probes.repair_request(phone or unique_phone(), **overrides)


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


def sms_about(stack: Stack, number: str) -> list[dict[str, Any]]:
    """SMS that quote ``number`` (a request, work-order or charge number)."""
    return [m for m in read_messages(stack.sms_dir) if number in serials_in(m["text"])]


def mail_about(stack: Stack, number: str) -> list[dict[str, Any]]:
    """E-mails whose subject quotes ``number``."""
    return [m for m in read_index(stack.mail_dir) if number in serials_in(m["subject"])]


def mails_to(stack: Stack, address: str, subject_part: str) -> list[dict[str, Any]]:
    """E-mails the mailbox holds for ``address`` whose subject contains ``subject_part``."""
    return [
        m for m in read_index(stack.mail_dir) if address in m["to"] and subject_part in m["subject"]
    ]


def mail_body(stack: Stack, indexed: Mapping[str, Any]) -> str:
    """The text of an e-mail the mailbox's index lists."""
    message = email.message_from_bytes(
        (stack.mail_dir / indexed["file"]).read_bytes(), policy=policy.default
    )
    body: str = message.get_body().get_content()  # type: ignore[union-attr]
    return body


def changing(role: Role = Role.AGENT, **headers: str) -> dict[str, str]:
    """Headers of a call that changes something: the role's token and a fresh Idempotency-Key."""
    return {**auth(role), "Idempotency-Key": str(uuid.uuid4()), **headers}


def client(stack: Stack, service: str, **kwargs: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=stack.service_url(service), timeout=15, **kwargs)


async def register(stack: Stack, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    """Register a request as an agent does; it must be accepted (201)."""
    async with client(stack, "intake") as intake:
        response = await intake.post("/service-requests", json=body, headers={**auth(), **headers})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def signed_paid_repair(
    stack: Stack, *, site_id: str = "dmg", payment_method: str = "cash", room: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A paid tap replacement (RP-TAP) at ``site_id``, finished with the resident's signature and
    to be paid by ``payment_method``: its request, and billing's charge once raised. ``room``:
    the resident's room in building 3 (the same unit for every call when not given)."""
    body = repair_request(site_id=site_id)
    if room is not None:
        body["resident"] = body["resident"] | {"room": room}
    request = await register(stack, body)
    order = await work_order_of(stack, request["request_id"], "dispatched")
    async with client(stack, "dispatch") as dispatch:
        done = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/completion",
            json={
                "resident_signed": True,
                "items": [{"item_code": "RP-TAP", "quantity": 1}],
                "payment_method": payment_method,
            },
            headers={**technician_of(order, [site_id]), "Idempotency-Key": str(uuid.uuid4())},
        )
    assert done.status_code == 201, done.text
    finance = auth(Role.FINANCE, [site_id])

    async def raised() -> dict[str, Any] | None:
        async with client(stack, "billing") as billing:
            found = (
                await billing.get(
                    "/charges", params={"request_id": request["request_id"]}, headers=finance
                )
            ).json()["items"]
        return found[0] if found and found[0]["status"] == "raised" else None

    charge: dict[str, Any] = await eventually(raised, what="the raised charge")
    assert charge["technician_id"] == order["technician"]["technician_id"]
    return request, charge


async def work_order_of(stack: Stack, request_id: str, status: str | None = None) -> dict[str, Any]:
    """The request's work order, once it exists (and has ``status``, if given)."""

    async def probe() -> dict[str, Any] | None:
        async with client(stack, "dispatch") as dispatch:
            found = (
                await dispatch.get(
                    "/work-orders", params={"request_id": request_id}, headers=auth()
                )
            ).json()["items"]
        if found and (status is None or found[0]["status"] == status):
            return dict(found[0])
        return None

    found: dict[str, Any] = await eventually(
        probe,
        timeout_s=60,  # a request goes through two services' consumers, on 2 busy cores
        what=f"the work order of request {request_id} ({status or 'any status'})",
    )
    return found


async def flow_runs_again(stack: Stack, requests: int = 5) -> None:
    """Wait until a few requests go the whole way again (registered, dispatched, completed,
    charged, called back, told) after a test killed a service or stopped a replica: the
    consumer groups rebalance for a while after, and the next test must not pay for it."""
    from hotline_bench.flows import Driver, differences, settled_effects

    driver = Driver(stack, f"s{uuid.uuid4().hex[:8]}", requests=requests, milestone=requests)
    await asyncio.wait_for(asyncio.gather(driver.register_all(), driver.complete_all()), 120)
    want, got = await settled_effects(stack, driver)
    assert not differences(want, got), "the flow after the test's disruption"


async def staff_known_to_notification(stack: Stack, staff: Mapping[str, Mapping[str, Any]]) -> None:
    """Record each member of ``staff`` (by staff id) at intake, then wait until notification
    keeps its copy of every one: they reach it on ``intake.directory``, and what they are to be
    sent comes on another topic, in no set order with it."""
    async with client(stack, "intake") as intake:
        for staff_id, body in staff.items():
            put = await intake.put(f"/staff/{staff_id}", json=body, headers=changing(Role.ADMIN))
            assert put.status_code in (200, 201), put.text
    store = connect(stack.mongo_url, "test")
    try:

        async def kept() -> bool:
            copies = store[f"{stack.db_prefix}notification"][STAFF]
            found = await copies.count_documents({"_id": {"$in": list(staff)}})
            return found == len(staff)

        await eventually(kept, what=f"notification's copy of {len(staff)} staff records")
    finally:
        await store.close()
