"""A resident's request through all five services, on real Kafka, FerretDB, SMTP and HTTP."""

from __future__ import annotations

import asyncio
import email
import uuid
from datetime import datetime, timedelta
from email import policy
from typing import Any

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

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


async def test_a_registered_repair_reaches_the_residents_phone_and_mailbox(platform: Stack) -> None:
    request = await register(platform, repair_request(email="wang.fang@example.com"))
    request_no = request["request_no"]

    async def both_messages() -> bool:
        return bool(sms_about(platform, request_no)) and bool(mail_about(platform, request_no))

    await eventually(both_messages, timeout_s=20, what="the SMS and the e-mail")
    [mail] = mail_about(platform, request_no)
    assert mail["to"] == ["wang.fang@example.com"]
    message = email.message_from_bytes(
        (platform.mail_dir / mail["file"]).read_bytes(), policy=policy.default
    )
    assert request_no in message.get_body().get_content()  # type: ignore[union-attr]

    order = await work_order_of(platform, request["request_id"])
    assert order["status"] == "dispatched"
    assert order["dispatched_on_time"] is True
    technician = order["technician"]["name"]
    await eventually(
        lambda: any(technician in m["text"] for m in sms_about(platform, request_no)),
        what="the SMS naming the technician",
    )


async def _async(value: Any) -> Any:
    return value


async def test_a_paid_completion_is_charged_called_back_and_told_once(platform: Stack) -> None:
    request = await register(platform, repair_request(site_id="qjc"))
    order = await work_order_of(platform, request["request_id"])
    async with client(platform, "dispatch") as dispatch:
        completion = {
            "resident_signed": True,
            "items": [{"item_code": "RP-TAP", "quantity": 2}],
            "payment_method": "cash",
        }
        first = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/completion",
            json=completion,
            headers=technician_of(order),
        )
        again = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/completion",
            json=completion,
            headers=technician_of(order),
        )
    assert first.status_code == 201, first.text
    assert again.status_code == 200

    async def charge() -> list[dict[str, Any]] | None:
        async with client(platform, "billing") as billing:
            return (
                await billing.get(
                    "/charges",
                    params={"request_id": request["request_id"]},
                    headers=auth(Role.FINANCE),
                )
            ).json()["items"]

    [charged] = await eventually(charge, what="the charge")
    assert charged["total"] == "176.00"  # qjc's price list: 88.00 a tap, two taps
    assert charged["lines"][0]["unit_price"] == "88.00"

    async def callback() -> list[dict[str, Any]] | None:
        async with client(platform, "callback") as service:
            found = (
                await service.get(
                    "/callbacks", params={"request_id": request["request_id"]}, headers=auth()
                )
            ).json()
        items = found["items"]
        return items if items and items[0]["charge"] else None

    [scheduled] = await eventually(callback, what="the callback with its charge")
    assert scheduled["reason"] == "after_paid_service"
    assert scheduled["charge"]["total"] == "176.00"
    # nobody answers the first try: on the list again two hours later, kept in the store
    async with client(platform, "callback") as service:
        path = f"/callbacks/{scheduled['callback_id']}"
        tried = await service.post(
            f"{path}/attempts",
            json={"result": "no_answer", "note": "无人接听"},
            headers={**auth(), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert tried.status_code == 201, tried.text
        kept = (await service.get(path, headers=auth())).json()
    [attempt] = kept["attempts"]
    assert (attempt["result"], attempt["note"], kept["status"]) == (
        "no_answer",
        "无人接听",
        "scheduled",
    )
    assert datetime.fromisoformat(kept["next_attempt_at"]) - datetime.fromisoformat(
        attempt["at"]
    ) == timedelta(hours=2)

    await eventually(lambda: sms_about(platform, charged["charge_no"]), what="the charge SMS")
    await eventually(
        lambda: mail_about(platform, charged["charge_no"]),
        what="the charge e-mail",
    )
    # the three events travel on three topics, each its own consumer: wait for all three
    # messages (a consumer group may be rebalancing after the test before), then for stragglers
    await eventually(
        lambda: len(sms_about(platform, request["request_no"])) >= 3, what="all three SMS"
    )
    await eventually(lambda: mail_about(platform, request["request_no"]), what="the e-mail")
    await asyncio.sleep(1)
    assert len(sms_about(platform, request["request_no"])) == 3  # accepted, dispatched, charged
    assert len(mail_about(platform, request["request_no"])) == 1


async def test_the_same_idempotency_key_registers_once(platform: Stack) -> None:
    """A retry gets the first answer again; the same key for another request is refused; the
    key is the caller's own: another agent using it registers their own request."""
    body = repair_request()
    key = str(uuid.uuid4())
    first = await register(platform, body, **{"Idempotency-Key": key})
    async with client(platform, "intake") as intake:
        again = await intake.post(
            "/service-requests", json=body, headers={**auth(), "Idempotency-Key": key}
        )
        clash = await intake.post(
            "/service-requests",
            json={**body, "description": "门锁坏了"},
            headers={**auth(), "Idempotency-Key": key},
        )
        colleague = await intake.post(
            "/service-requests",
            json=body,
            headers={**auth(Role.SUPERVISOR), "Idempotency-Key": key},
        )
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first
    assert clash.status_code == 409 and "Idempotency-Key" in clash.json()["detail"]
    assert clash.headers["content-type"] == "application/problem+json"
    assert colleague.status_code == 201
    assert colleague.json()["request_id"] != first["request_id"]


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"category": "roof"}, 422, "category 'roof' is not an item of the repair board"),
        ({"site_id": "nowhere"}, 404, "site 'nowhere' is not served"),
        (
            {"resident": {"name": "王芳", "phone": "12345", "building": "3", "room": "1"}},
            422,
            "not a valid phone number",
        ),
        ({"kind": "haircut"}, 422, "kind"),
        ({"description": ""}, 422, "description"),
    ],
)
async def test_bad_input_gets_a_clear_4xx_and_nothing_is_written(
    platform: Stack, change: dict[str, Any], status: int, message: str
) -> None:
    phone = unique_phone()
    body = {**repair_request(phone), **change}
    async with client(platform, "intake") as intake:
        response = await intake.post("/service-requests", json=body, headers=auth())
        latest = (
            await intake.get("/service-requests", params={"limit": 500}, headers=auth())
        ).json()["items"]
    assert response.status_code == status
    assert message in response.text
    assert all(r["resident"]["phone"] != f"+86{phone}" for r in latest)


async def test_every_endpoint_but_health_and_docs_needs_a_token(platform: Stack) -> None:
    for service, path in [
        ("intake", "/service-requests"),
        ("dispatch", "/work-orders"),
        ("billing", "/charges"),
        ("callback", "/callbacks"),
        ("notification", "/notifications"),
    ]:
        async with client(platform, service) as http:
            assert (await http.get(path)).status_code == 401
            assert (await http.get("/health/ready")).status_code == 200
            assert (await http.get("/docs")).status_code == 200
    async with client(platform, "intake") as intake:
        other_site = await intake.post(
            "/service-requests", json=repair_request(), headers=auth(sites=["gxi"])
        )
    assert other_site.status_code == 403


async def test_a_republished_event_changes_nothing_twice(platform: Stack) -> None:
    request = await register(platform, repair_request())
    await work_order_of(platform, request["request_id"])
    await eventually(lambda: len(sms_about(platform, request["request_no"])) >= 2, what="two SMS")
    [record] = [
        r
        for r in await read_topic(platform, topics.SERVICE_REQUESTS)
        if decoded(r)["payload"]["request_id"] == request["request_id"]
    ]
    for _ in range(3):
        await publish_raw(platform, topics.SERVICE_REQUESTS, record.value, key=record.key)
    marker = await register(platform, repair_request())  # published after the copies, same topic
    await work_order_of(platform, marker["request_id"])
    await eventually(lambda: sms_about(platform, marker["request_no"]), what="the marker's SMS")
    async with client(platform, "dispatch") as dispatch:
        orders = (
            await dispatch.get(
                "/work-orders", params={"request_id": request["request_id"]}, headers=auth()
            )
        ).json()
    assert orders["total"] == 1 and len(orders["items"]) == 1
    assert len(sms_about(platform, request["request_no"])) == 2
    assert len(mail_about(platform, request["request_no"])) == 1


async def test_a_malformed_message_is_dead_lettered_with_its_reason_and_the_stream_goes_on(
    platform: Stack,
) -> None:
    poison = f"not an event {uuid.uuid4()}".encode()
    await publish_raw(platform, topics.SERVICE_REQUESTS, poison, key=b"poison")
    request = await register(platform, repair_request())
    await work_order_of(platform, request["request_id"])

    async def dead_letters() -> list[Any] | None:
        found = [
            r
            for r in await read_topic(platform, topics.dead_letter_topic(topics.SERVICE_REQUESTS))
            if r.value == poison
        ]
        groups = {dict(r.headers)["dlq-consumer-group"].decode() for r in found}
        return found if groups >= {"e2e.dispatch", "e2e.notification"} else None

    found = await eventually(dead_letters, what="the poison message on the dead-letter topic")
    headers = dict(found[0].headers)
    assert b"not JSON" in headers["dlq-reason"]
    assert headers["dlq-original-topic"] == b"e2e.intake.service-requests"
