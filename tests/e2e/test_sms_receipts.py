"""A resident's SMS reaches "delivered" on the running stack (#13, NTF-03): notification hands
it to the primary provider (the local sink), which posts its signed delivery receipt back to
``POST /sms-receipts/primary``; the notification list shows who took it, under which id, and
when it was delivered. Receipts are taken once, never undo a delivery, and anything not signed
with the provider's secret is refused."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from hotline_infra.sms_sink import read_messages, read_receipts
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.signatures import signed_headers
from notification.settings import DEV_RECEIPT_SECRETS

from tests.support import auth, client, eventually, register, repair_request, unique_phone

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


async def accepted_sms(platform: Stack, request_id: str) -> dict[str, Any] | None:
    async with client(platform, "notification") as notification:
        listed = await notification.get(
            "/notifications", params={"request_id": request_id}, headers=auth(Role.AGENT)
        )
    assert listed.status_code == 200, listed.text
    for item in listed.json()["items"]:
        for message in item["messages"]:
            if message["channel"] == "sms" and message["template"] == "request_accepted":
                found: dict[str, Any] = message
                return found
    return None


async def post_receipt(
    platform: Stack,
    body: dict[str, Any],
    secret: str = DEV_RECEIPT_SECRETS["primary"],
    age: int = 0,
) -> Any:
    raw = json.dumps(body).encode()
    async with client(platform, "notification") as notification:
        return await notification.post(
            "/sms-receipts/primary",
            content=raw,
            headers={
                **signed_headers(secret, int(time.time()) - age, raw),
                "Content-Type": "application/json",
            },
        )


async def test_ntf03_a_residents_sms_reaches_delivered_by_the_providers_signed_receipt(
    platform: Stack,
) -> None:
    phone = unique_phone()
    request = await register(platform, repair_request(phone))

    async def delivered() -> dict[str, Any] | None:
        sms = await accepted_sms(platform, request["request_id"])
        return sms if sms and sms["status"] == "delivered" else None

    sms = await eventually(delivered, what="the accepted request's SMS delivered")
    [taken] = [
        m for m in read_messages(platform.sms_dir) if m["client_msg_id"] == sms["message_id"]
    ]
    assert taken["to"] == f"+86{phone}" and taken["provider"] == "primary"
    assert sms["provider"] == "primary"
    assert sms["provider_message_id"] == taken["message_id"]
    assert datetime.fromisoformat(sms["delivered_at"]) >= datetime.fromisoformat(sms["sent_at"])
    assert sms["failure"] is None
    [posted] = [
        r for r in read_receipts(platform.sms_dir) if r["client_msg_id"] == sms["message_id"]
    ]
    assert posted["answer"].startswith("200") and '"recorded"' in posted["answer"]

    # the provider telling it again, or a failure after the delivery, changes nothing
    again = {
        "client_msg_id": sms["message_id"],
        "status": "failed",
        "error_code": "UNDELIV",
        "at": datetime.now(UTC).isoformat(),
    }
    answer = await post_receipt(platform, again)
    assert answer.status_code == 200 and answer.json() == {"outcome": "unchanged"}
    assert (await accepted_sms(platform, request["request_id"]) or {})["status"] == "delivered"

    # unsigned, signed with another secret, or long ago: refused, and nothing changes
    for secret, age in (("not the provider's", 0), (DEV_RECEIPT_SECRETS["primary"], 3600)):
        refused = await post_receipt(platform, again, secret=secret, age=age)
        assert refused.status_code == 401, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
    async with client(platform, "notification") as notification:
        unsigned = await notification.post("/sms-receipts/primary", json=again)
    assert unsigned.status_code == 401


async def test_a_receipt_of_a_message_nobody_sent_is_answered_so_the_provider_stops(
    platform: Stack,
) -> None:
    answer = await post_receipt(
        platform,
        {
            "client_msg_id": str(uuid.uuid4()),
            "status": "delivered",
            "at": datetime.now(UTC).isoformat(),
        },
    )
    assert answer.status_code == 200 and answer.json() == {"outcome": "unknown_message"}


async def test_a_receipt_naming_no_message_is_refused_naming_the_fields(platform: Stack) -> None:
    answer = await post_receipt(
        platform, {"status": "delivered", "at": datetime.now(UTC).isoformat()}
    )
    assert answer.status_code == 422
    assert "client_msg_id or provider_message_id" in answer.json()["detail"]
