"""Requests a property site's own system feeds over Kafka, through intake to the resident."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from contracts.envelope import Resident
from contracts.intake.v1 import RequestedItem
from contracts.sites.v1 import SiteRequestSubmitted, SiteRequestSubmittedPayload
from hotline_bench.feed import feed_volume
from hotline_infra.stack import Stack

from contracts import topics
from tests.support import (
    auth,
    client,
    eventually,
    publish_raw,
    read_topic,
    sms_about,
    unique_phone,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


def submission(phone: str, *, site_id: str = "dmg", **payload: Any) -> SiteRequestSubmitted:
    """A repair the site's desk system took from a resident, with a local phone number."""
    values: dict[str, Any] = {
        "source_ref": f"DESK-{uuid.uuid4().hex[:12]}",
        "kind": "repair",
        "category": "own_unit",
        "description": "卫生间地漏堵塞",
        "requested_items": [RequestedItem(item_code="RP-DRAIN", quantity=1)],
        "resident": Resident(name="张伟", phone=phone, building="5", room="0801"),
        "registered_at": datetime.now(UTC).replace(microsecond=0),  # the store keeps ms
    }
    event: SiteRequestSubmitted = SiteRequestSubmitted.build(
        event_id=uuid.uuid4(),
        producer=f"site-system-{site_id}",
        site_id=site_id,
        correlation_id=uuid.uuid4(),
        payload=SiteRequestSubmittedPayload(**{**values, **payload}),
    )
    return event


async def send(platform: Stack, event: SiteRequestSubmitted, key: str | None = None) -> None:
    await publish_raw(
        platform,
        topics.SITE_REQUESTS,
        event.model_dump_json().encode(),
        key=(key or event.partition_key()).encode(),
    )


async def requests_of(platform: Stack, phone: str) -> list[dict[str, Any]]:
    """The registered requests of the resident with this (local) number."""
    async with client(platform, "intake") as intake:
        latest = (
            await intake.get("/service-requests", params={"limit": 500}, headers=auth())
        ).json()["items"]
    return [r for r in latest if r["resident"]["phone"] == f"+86{phone}"]


async def registered(platform: Stack, phone: str) -> dict[str, Any]:
    [request] = await eventually(
        lambda: requests_of(platform, phone), what=f"the request of resident {phone}"
    )
    return request


async def test_a_site_submission_is_registered_dispatched_and_told_to_the_resident(
    platform: Stack,
) -> None:
    phone = unique_phone()
    event = submission(phone)
    await send(platform, event)

    request = await registered(platform, phone)
    assert request["channel"] == "site_system"
    assert request["site_id"] == "dmg"
    assert request["description"] == "卫生间地漏堵塞"
    assert request["request_no"].startswith("SR-DMG-")
    assert datetime.fromisoformat(request["registered_at"]) == event.payload.registered_at

    async def work_orders() -> list[dict[str, Any]]:
        async with client(platform, "dispatch") as dispatch:
            found: list[dict[str, Any]] = (
                await dispatch.get(
                    "/work-orders", params={"request_id": request["request_id"]}, headers=auth()
                )
            ).json()["items"]
        return found

    [order] = await eventually(work_orders, what="the work order")
    assert order["status"] == "dispatched"

    def acceptance_sms() -> list[dict[str, Any]]:
        return [m for m in sms_about(platform, request["request_no"]) if "已受理" in m["text"]]

    [sms] = await eventually(acceptance_sms, what="the acceptance SMS")
    assert sms["to"] == f"+86{phone}"


async def test_the_same_submission_sent_twice_registers_one_request(platform: Stack) -> None:
    phone = unique_phone()
    event = submission(phone)
    await send(platform, event)
    resent = event.model_copy(update={"event_id": uuid.uuid4()})  # the site system retried
    await send(platform, resent)
    await send(platform, event)  # and the broker redelivered

    marker_phone = unique_phone()  # on the copies' partition, so handled after them
    await send(platform, submission(marker_phone), key=event.partition_key())
    await registered(platform, marker_phone)
    [only] = await requests_of(platform, phone)
    assert only["channel"] == "site_system"


async def test_a_refused_submission_is_kept_for_duty_staff_not_dead_lettered_and_the_feed_goes_on(
    platform: Stack,
) -> None:
    """A business refusal is a state someone sees: the site system's request for a site the
    hotline does not serve is listed with the reason; only invalid messages are dead letters."""
    lost_phone, good_phone = unique_phone(), unique_phone()
    unknown = submission(lost_phone, site_id="nowhere")
    await send(platform, unknown)
    await send(platform, submission(good_phone), key=unknown.partition_key())  # right after it
    await registered(platform, good_phone)
    await send(platform, unknown)  # redelivered: still one refusal on the list

    async def refused() -> list[dict[str, Any]]:
        async with client(platform, "intake") as intake:
            listed = (
                await intake.get("/site-submissions/refused", params={"limit": 500}, headers=auth())
            ).json()["items"]
        return [r for r in listed if r["source_ref"] == unknown.payload.source_ref]

    [record] = await eventually(refused, what="the refused submission on duty staff's list")
    assert record["submission_id"] == str(unknown.event_id)
    assert record["refusal"] == "UnknownSite"
    assert "site 'nowhere' is not served" in record["reason"]
    assert record["resident_phone"] == lost_phone
    assert await requests_of(platform, lost_phone) == []
    dlq = topics.dead_letter_topic(topics.SITE_REQUESTS)
    assert [
        r for r in await read_topic(platform, dlq) if r.value == unknown.model_dump_json().encode()
    ] == []
    async with client(platform, "intake") as intake:
        other_site = (
            await intake.get("/site-submissions/refused", headers=auth(sites=["qjc"]))
        ).json()["items"]
    assert all(r["site_id"] == "qjc" for r in other_site)


async def test_a_site_system_posting_each_request_once_or_twice_yields_one_request_each(
    platform: Stack,
) -> None:
    """The intake issue's 10,000 at a smaller count (the full figure is in `make bench`): half
    of the requests are sent twice, as new messages; exactly one request per reference."""
    result = await feed_volume(platform, 300, timeout_s=120)
    assert result["sent"] == 450
    assert result["registered"] == 300 and result["refused"] == 0, result
