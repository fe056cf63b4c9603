"""Business refusals are states someone sees and recovers from, and clocks are durable, on the real
stack: nobody on duty, an item not on the price list, a number the SMS gateway refuses, the
15-minute dispatch deadline across a SIGKILL and across two replicas, and dead letters replayed."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from contracts.examples import canonical_examples
from contracts.intake.v1 import RequestKind, ServiceRequestAccepted
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.dead_letters import Operations
from hotline_libs.settings import ServiceSettings

from contracts import topics
from tests.support import (
    auth,
    client,
    decoded,
    eventually,
    mail_about,
    publish_raw,
    read_topic,
    register,
    repair_request,
    sms_about,
    technician_of,
    unique_phone,
    work_order_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

SUN = {
    "site_id": "dmg",
    "name": "孙丽",
    "phone": "+8613900000103",
    "trades": ["housekeeping"],
}


async def set_duty(platform: Stack, on_duty: bool) -> None:
    """dmg's only housekeeping technician goes off (or on) duty."""
    async with client(platform, "dispatch") as dispatch:
        response = await dispatch.put(
            "/technicians/dmg-h01",
            json={**SUN, "on_duty": on_duty},
            headers=auth(Role.DUTY_STAFF),
        )
    assert response.status_code == 200, response.text


def housekeeping(phone: str | None = None, **overrides: Any) -> dict[str, Any]:
    return repair_request(
        phone, kind="housekeeping", category="glass_cleaning", description="擦玻璃", **overrides
    )


async def events_of(platform: Stack, kind: str, work_order_id: str) -> list[dict[str, Any]]:
    return [
        event
        for event in map(decoded, await read_topic(platform, topics.WORK_ORDERS))
        if event["event_type"] == kind and event["payload"]["work_order_id"] == work_order_id
    ]


async def test_nobody_on_duty_leaves_the_order_waiting_visibly_until_someone_comes_on_duty(
    platform: Stack,
) -> None:
    """DSP-02: a housekeeping request at 3 a.m. with nobody on duty is not lost: the work order
    waits where the supervisor sees it, an alert goes out, and the technician coming on duty
    gets it at once."""
    await set_duty(platform, False)
    try:
        request = await register(platform, housekeeping())
        order = await work_order_of(platform, request["request_id"], "awaiting_technician")
        assert order["technician"] is None
        assert order["waiting_reason"] == (
            "site 'dmg' has no housekeeping technician (glass_cleaning) on duty or on shift"
        )
        async with client(platform, "dispatch") as dispatch:
            waiting = (
                await dispatch.get(
                    "/work-orders", params={"status": "awaiting_technician"}, headers=auth()
                )
            ).json()["items"]
        assert order["work_order_id"] in {o["work_order_id"] for o in waiting}
        [alert] = await eventually(
            lambda: events_of(platform, "WorkOrderAwaitingTechnician", order["work_order_id"]),
            what="the supervisor's alert",
        )
        assert alert["payload"]["trade"] == "housekeeping"
    finally:
        await set_duty(platform, True)
    dispatched = await work_order_of(platform, request["request_id"], "dispatched")
    assert dispatched["technician"]["name"] == "孙丽"
    await eventually(
        lambda: any("孙丽" in m["text"] for m in sms_about(platform, request["request_no"])),
        what="the resident's SMS naming the technician",
    )


def accepted_late(by: timedelta) -> ServiceRequestAccepted:
    """A housekeeping request intake accepted ``by`` ago, as if dispatch had been away."""
    example = canonical_examples()[ServiceRequestAccepted]
    request_id = uuid.uuid4()
    accepted_at = datetime.now(UTC) - by
    payload = example.payload.model_copy(
        update={
            "request_id": request_id,
            "request_no": f"SR-DMG-{accepted_at:%Y%m%d}-9{uuid.uuid4().int % 1000:03d}",
            "kind": RequestKind.HOUSEKEEPING,
            "category": "glass_cleaning",
            "accepted_at": accepted_at,
            "registered_at": accepted_at,
            "appointment_at": None,
            "requested_items": [],
        }
    )
    event: ServiceRequestAccepted = ServiceRequestAccepted.build(
        event_id=uuid.uuid4(),
        producer="intake",
        site_id="dmg",
        correlation_id=request_id,
        occurred_at=accepted_at,
        payload=payload,
    )
    return event


async def publish(platform: Stack, event: ServiceRequestAccepted) -> None:
    await publish_raw(
        platform,
        topics.SERVICE_REQUESTS,
        event.model_dump_json().encode(),
        key=event.partition_key().encode(),
    )


async def test_dsp02_the_15_minutes_running_out_while_dispatch_is_dead_fires_once_after_restart(
    platform: Stack,
) -> None:
    await set_duty(platform, False)
    try:
        late = accepted_late(timedelta(minutes=14, seconds=48))  # due in 12 s
        await publish(platform, late)
        order = await work_order_of(platform, str(late.payload.request_id), "awaiting_technician")
        platform.kill_service("dispatch")  # the deadline is in the store, not in memory
        await asyncio.sleep(max(0.0, _seconds_until(order["dispatch_due_at"]) + 2))
        platform.start_service("dispatch")
        started = time.monotonic()
        [overdue] = await eventually(
            lambda: events_of(platform, "WorkOrderDispatchOverdue", order["work_order_id"]),
            what="the overdue alert after the restart",
        )
        assert time.monotonic() - started < 15, "a deadline already past at start fires promptly"
        assert overdue["payload"]["overdue_by_s"] >= 2
        assert overdue["payload"]["technician"] is None
        await asyncio.sleep(3)  # more polls, and the relay's sweep: still one
        assert (
            len(await events_of(platform, "WorkOrderDispatchOverdue", order["work_order_id"])) == 1
        )
    finally:
        platform.wait_ready("dispatch")
        await set_duty(platform, True)


def _seconds_until(moment: str) -> float:
    return (datetime.fromisoformat(moment) - datetime.now(UTC)).total_seconds()


async def test_two_replicas_of_dispatch_fire_each_deadline_once(platform: Stack) -> None:
    await set_duty(platform, False)
    platform.start_service("dispatch", replica=2)
    try:
        lates = [accepted_late(timedelta(minutes=14, seconds=52)) for _ in range(4)]
        for late in lates:
            await publish(platform, late)
        orders = [
            await work_order_of(platform, str(late.payload.request_id), "awaiting_technician")
            for late in lates
        ]

        async def all_overdue() -> bool:
            return all(
                [
                    await events_of(platform, "WorkOrderDispatchOverdue", o["work_order_id"])
                    for o in orders
                ]
            )

        await eventually(all_overdue, timeout_s=40, what="every order's overdue alert")
        await asyncio.sleep(3)
        for order in orders:
            found = await events_of(platform, "WorkOrderDispatchOverdue", order["work_order_id"])
            assert len(found) == 1, f"{order['work_order_no']} overdue {len(found)} times"
    finally:
        platform.stop_service("dispatch#2")
        await set_duty(platform, True)


async def completed_with(
    platform: Stack, items: list[dict[str, Any]], site_id: str
) -> dict[str, Any]:
    request = await register(platform, repair_request(site_id=site_id))
    order = await work_order_of(platform, request["request_id"], "dispatched")
    async with client(platform, "dispatch") as dispatch:
        response = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/completion",
            json={"resident_signed": True, "items": items, "payment_method": "cash"},
            headers=technician_of(order),
        )
    assert response.status_code == 201, response.text
    return request


async def charge_of(platform: Stack, request_id: str, status: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        async with client(platform, "billing") as billing:
            found = (
                await billing.get(
                    "/charges", params={"request_id": request_id}, headers=auth(Role.FINANCE)
                )
            ).json()
        items = found["items"]
        return dict(items[0]) if items and items[0]["status"] == status else None

    result: dict[str, Any] = await eventually(probe, what=f"the charge of {request_id} ({status})")
    return result


async def test_an_item_not_on_the_price_list_waits_for_finance_who_correct_the_list(
    platform: Stack,
) -> None:
    """BIL-01, BIL-02: the charge is never priced at an invented price nor dropped: it waits in
    needs_pricing, listed for finance; correcting the site's list prices it as usual."""
    code = f"RP-W{uuid.uuid4().hex[:5].upper()}"
    request = await completed_with(platform, [{"item_code": code, "quantity": 2}], "qjc")
    waiting = await charge_of(platform, request["request_id"], "needs_pricing")
    assert waiting["total"] is None
    assert waiting["problems"] == [f"item '{code}' is not on the price list of site 'qjc'"]
    async with client(platform, "billing") as billing:
        queue = (
            await billing.get(
                "/charges", params={"status": "needs_pricing"}, headers=auth(Role.FINANCE)
            )
        ).json()
        assert waiting["charge_id"] in {c["charge_id"] for c in queue["items"]}
        corrected = await billing.put(
            f"/price-lists/qjc/items/{code}",
            json={"name": "更换窗户把手", "unit": "个", "unit_price": "45.00"},
            headers=auth(Role.FINANCE),
        )
    assert corrected.status_code == 200, corrected.text
    raised = await charge_of(platform, request["request_id"], "raised")
    assert raised["total"] == "90.00" and raised["priced_by"] == "price_list"
    await eventually(lambda: sms_about(platform, raised["charge_no"]), what="the charge SMS")


async def test_finance_confirm_the_amount_agreed_before_work_and_the_charge_is_raised(
    platform: Stack,
) -> None:
    """DSP-05: the price agreed with the resident before work differs from the list: finance
    confirm the agreed amount from the signed record; it is charged at that amount."""
    request = await completed_with(
        platform, [{"item_code": "RP-LOCK", "quantity": 1, "agreed_unit_price": "100.00"}], "dmg"
    )
    waiting = await charge_of(platform, request["request_id"], "needs_pricing")
    assert "agreed at 100.00 but the price list says 120.00" in waiting["problems"][0]
    async with client(platform, "billing") as billing:
        confirmed = await billing.post(
            f"/charges/{waiting['charge_id']}/agreed-prices",
            json={"note": "服务及回访记录表上双方确认100元"},
            headers=auth(Role.FINANCE),
        )
        again = await billing.post(
            f"/charges/{waiting['charge_id']}/agreed-prices",
            json={},
            headers=auth(Role.FINANCE),
        )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["total"] == "100.00" and confirmed.json()["priced_by"] == "agreed"
    assert again.status_code == 409
    await eventually(
        lambda: mail_about(platform, confirmed.json()["charge_no"]), what="the charge e-mail"
    )


async def test_a_number_the_sms_gateway_refuses_does_not_stop_the_email(platform: Stack) -> None:
    """A gateway refusing one channel is recorded on that message; the others go on."""
    phone = unique_phone()
    refused = platform.sms_dir / "refused-numbers.txt"
    refused.write_text(f"+86{phone}\n")
    try:
        request = await register(platform, repair_request(phone, email=f"r{phone}@example.com"))
        await eventually(lambda: mail_about(platform, request["request_no"]), what="the e-mail")

        async def messages() -> list[dict[str, Any]] | None:
            async with client(platform, "notification") as notification:
                found = (
                    await notification.get(
                        "/notifications",
                        params={"request_id": request["request_id"]},
                        headers=auth(),
                    )
                ).json()
            accepted = [
                m
                for n in found["items"]
                for m in n["messages"]
                if m["template"] == "request_accepted"
            ]
            return (
                accepted
                if len(accepted) == 2 and all(m["status"] != "sending" for m in accepted)
                else None
            )

        found = await eventually(messages, what="both messages settled")
        by_channel = {m["channel"]: m for m in found}
        assert by_channel["sms"]["status"] == "refused"
        assert f"+86{phone} cannot receive messages" in by_channel["sms"]["refusal"]
        assert by_channel["email"]["status"] == "sent"
        assert sms_about(platform, request["request_no"]) == []
    finally:
        refused.unlink()


async def test_a_dead_letter_is_listed_with_its_reason_and_replayed_once_after_the_fix(
    platform: Stack,
) -> None:
    """Operators list dead letters per topic, inspect one and replay it (make dlq); replaying
    twice does nothing twice."""
    event = accepted_late(timedelta(seconds=1))
    original = f"{platform.topic_prefix}{topics.SERVICE_REQUESTS}"
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap)
    await producer.start()
    try:  # the letter as dispatch's consumer would have written it
        await producer.send_and_wait(
            topics.dead_letter_topic(original),
            event.model_dump_json().encode(),
            key=event.partition_key().encode(),
            headers=[
                ("dlq-reason", b"handler failed 5 times: a bug since fixed"),
                ("dlq-original-topic", original.encode()),
                ("dlq-consumer-group", f"{platform.topic_prefix}dispatch".encode()),
            ],
        )
    finally:
        await producer.stop()
    settings = ServiceSettings(
        kafka_bootstrap=platform.kafka_bootstrap,
        mongo_url=platform.mongo_url,
        db_prefix=platform.db_prefix,
        topic_prefix=platform.topic_prefix,
    )
    operations = Operations(settings)
    try:
        [letter] = [
            letter
            for letter in await operations.dead_letters()
            if letter.body == event.model_dump_json().encode()
        ]
        assert letter.reason == "handler failed 5 times: a bug since fixed"
        assert letter.event_type == "ServiceRequestAccepted"
        assert letter.replayed_at is None
        [done] = await operations.replay([await operations.find(letter.id)])
        assert done == f"replayed {letter.id} to {original}"
        order = await work_order_of(platform, str(event.payload.request_id))
        [skipped] = await operations.replay([await operations.find(letter.id)])
        assert skipped.startswith(f"skipped {letter.id}: replayed at")
        [forced] = await operations.replay([await operations.find(letter.id)], force=True)
        assert forced.startswith("replayed")
    finally:
        await operations.close()
    await asyncio.sleep(3)  # the forced copy is consumed: still one work order, one dispatch
    async with client(platform, "dispatch") as dispatch:
        orders = (
            await dispatch.get(
                "/work-orders", params={"request_id": str(event.payload.request_id)}, headers=auth()
            )
        ).json()
    assert [o["work_order_id"] for o in orders["items"]] == [order["work_order_id"]]
    dispatched = await events_of(platform, "WorkOrderDispatched", order["work_order_id"])
    assert len({e["event_id"] for e in dispatched}) == 1
