"""How a request was received, on the real stack (CH-05, KPI-09, INC-01, INC-02): an emergency
taken on a phone call, with the call's record and a photo by reference, is published for the
supervisor and reaches dispatch flagged; bad reception details are refused naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contracts.intake.v1 import EmergencyReported
from hotline_infra.stack import Stack

from contracts import topics
from tests.support import (
    auth,
    changing,
    client,
    decoded,
    eventually,
    read_topic,
    repair_request,
    work_order_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

PHOTO = {
    "reference": "https://files.example.com/dmg/2026/11/ceiling.jpg",
    "name": "ceiling.jpg",
    "media_type": "image/jpeg",
    "size_bytes": 482133,
}


async def test_inc02_kpi09_an_emergency_call_is_kept_alerted_and_dispatched_flagged(
    platform: Stack,
) -> None:
    now = datetime.now(UTC)
    body = repair_request(
        description="楼上漏水, 水从天花板流下",
        emergency="water_leak",
        call={
            "caller_number": "029 8888 6666",
            "rings": 5,
            "wait_seconds": 20,
            "started_at": (now - timedelta(minutes=2)).isoformat(),
            "duration_seconds": 95,
        },
        attachments=[PHOTO],
        appointment_at=(now + timedelta(hours=1)).isoformat(),
        appointment_until=(now + timedelta(hours=3)).isoformat(),
    )
    async with client(platform, "intake") as intake:
        created = await intake.post("/service-requests", json=body, headers=changing())
        assert created.status_code == 201, created.text
        request = created.json()
        assert request["emergency"] == "water_leak"
        assert request["receiving_desk"] == "call_centre"
        assert request["call"]["caller_number"] == "+862988886666"
        assert request["call"]["answered_within_rings"] is False  # 5 rings (KPI-09)
        assert request["call"]["agent"] == "bench-agent"  # who registered, when not given
        assert request["attachments"] == [PHOTO]

        listed = await intake.get(
            "/service-requests",
            params={"site_id": "dmg", "emergency": "true", "limit": 200},
            headers=auth(),
        )
        ids = {r["request_id"] for r in listed.json()["items"]}
        assert request["request_id"] in ids
        assert all(r["emergency"] for r in listed.json()["items"])

    async def alerts() -> list[dict[str, Any]]:
        records = await read_topic(platform, topics.SERVICE_REQUESTS)
        return [
            event
            for event in map(decoded, records)
            if event["event_type"] == EmergencyReported.EVENT_TYPE
            and event["payload"]["request_id"] == request["request_id"]
        ]

    [alert] = await eventually(alerts, what="EmergencyReported")
    assert alert["payload"]["emergency"] == "water_leak"
    assert alert["payload"]["description"] == "楼上漏水, 水从天花板流下"

    order = await work_order_of(platform, request["request_id"])
    assert order["emergency"] == "water_leak"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"attachments": [{**PHOTO, "reference": "https://f.example.com/" + "a" * 2000}]},
            "attachments.0.reference",
        ),
        ({"channel": "walk_in", "receiving_desk": "call_centre"}, "receiving_desk"),
        (
            {
                "channel": "letter",
                "call": {
                    "caller_number": "13800138000",
                    "rings": 1,
                    "started_at": "2026-11-24T01:00:00Z",
                    "duration_seconds": 60,
                },
            },
            "call",
        ),
        ({"emergency": "gas", "triage": "declined", "triage_note": "不归物业管"}, "triage"),
    ],
)
async def test_bad_reception_details_are_refused_naming_the_field_and_nothing_is_stored(
    platform: Stack, overrides: dict[str, Any], field: str
) -> None:
    body = repair_request(**overrides)
    async with client(platform, "intake") as intake:
        refused = await intake.post("/service-requests", json=body, headers=changing())
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field
        found = await intake.get(
            "/service-requests", params={"site_id": "dmg", "limit": 200}, headers=auth()
        )
    phone = body["resident"]["phone"]
    assert not [r for r in found.json()["items"] if r["resident"]["phone"].endswith(phone)]
