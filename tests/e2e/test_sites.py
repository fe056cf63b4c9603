"""An admin adds a site and changes its settings on the real stack (DUTY-01, CMP-14, X6):
published on the directory, kept by callback to count the site's days in its own time zone,
and taking requests at once under its own code."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from contracts.intake.v1 import SiteRecorded
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.mongo import connect
from hotline_libs.working_calendars import SITE_PLACES

from contracts import topics
from tests.support import auth, changing, client, decoded, eventually, read_topic, repair_request

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


def new_site(code: str, **overrides: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": "新丝路广场",
        "services": ["consultation", "repair", "complaint", "callback"],
        "time_zone": "Asia/Urumqi",
        "escalation": {"supervisor_after_hours": 2, "higher_manager_after_hours": 12},
        "shifts": [
            {"code": "day", "starts": "08:00", "ends": "20:00"},
            {"code": "night", "starts": "20:00", "ends": "08:00"},
        ],
        **overrides,
    }


async def test_a_new_site_is_published_kept_by_callback_and_takes_requests(
    platform: Stack,
) -> None:
    site_id = f"xsl{uuid.uuid4().hex[:6]}"
    code = f"X{uuid.uuid4().hex[:5].upper()}"
    path = f"/sites/{site_id}"
    async with client(platform, "intake") as intake:
        created = await intake.put(path, json=new_site(code), headers=changing(Role.ADMIN))
        assert created.status_code == 201, created.text
        assert created.json()["shifts"][1] == {"code": "night", "starts": "20:00", "ends": "08:00"}

        taken = await intake.post(  # a routine repair: the new site has no price list yet
            "/service-requests",
            json=repair_request(site_id=site_id, category="common_area"),
            headers=changing(),
        )
        assert taken.status_code == 201, taken.text
        assert taken.json()["request_no"].startswith(f"SR-{code}-")

        not_offered = await intake.post(
            "/service-requests",
            json=repair_request(site_id=site_id, kind="housekeeping", category="glass_cleaning"),
            headers=changing(),
        )
        assert not_offered.status_code == 422

        recoded = await intake.put(path, json=new_site("ZZZ"), headers=changing(Role.ADMIN))
        assert recoded.status_code == 409
        assert recoded.json()["errors"][0]["field"] == "code"
        bad_zone = await intake.put(
            path, json=new_site(code, time_zone="Mars/Olympus"), headers=changing(Role.ADMIN)
        )
        assert bad_zone.status_code == 422
        assert bad_zone.json()["errors"][0]["field"] == "time_zone"

        moved = await intake.put(
            path, json=new_site(code, time_zone="Asia/Shanghai"), headers=changing(Role.ADMIN)
        )
        assert moved.status_code == 200 and moved.json()["version"] == 2
        shown = await intake.get(path, headers=auth(Role.AGENT))
        assert shown.json()["escalation"]["supervisor_after_hours"] == 2

    async def recorded() -> list[dict[str, Any]]:
        return [
            event
            for event in map(decoded, await read_topic(platform, topics.DIRECTORY))
            if event["event_type"] == SiteRecorded.EVENT_TYPE and event["site_id"] == site_id
        ]

    published = await eventually(lambda: _two(recorded), what="both SiteRecorded")
    assert [e["payload"]["time_zone"] for e in published] == ["Asia/Urumqi", "Asia/Shanghai"]

    store = connect(platform.mongo_url, "test")
    try:

        async def kept() -> dict[str, Any] | None:
            db = store[f"{platform.db_prefix}callback"]
            place = await db[SITE_PLACES].find_one({"_id": site_id})
            return place if place and place["time_zone"] == "Asia/Shanghai" else None

        place = await eventually(kept, what="callback's record of the site's place")
        assert place["country"] == "CN"
    finally:
        await store.close()


async def _two(probe: Any) -> list[dict[str, Any]] | None:
    found = await probe()
    return found if len(found) >= 2 else None
