"""A site changes its request catalogue on the real stack (TAX-01, TAX-03, X2): an item added
takes requests at once and the monthly report splits by it; a retired one takes none."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from contracts.intake.v1 import CatalogueRecorded
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from contracts import topics
from tests.support import auth, changing, client, decoded, eventually, read_topic, repair_request

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

CATALOGUE = "/sites/gxi/catalogue"


async def test_tax03_an_item_added_takes_requests_and_one_retired_takes_none(
    platform: Stack,
) -> None:
    keeper = Role.ADMINISTRATOR
    heater = {"name_zh": "热水器维修", "name_en": "Water heater repair", "service_class": "paid"}
    async with client(platform, "intake") as intake:
        before = (await intake.get(CATALOGUE, headers=auth(keeper, ["gxi"]))).json()
        repairs = {i["code"]: i for i in before["boards"]["repair"]}
        assert repairs["common_area"]["service_class"] == "routine"
        assert repairs["own_unit"]["service_class"] == "paid"

        refused = await intake.post(
            "/service-requests",
            json=repair_request(site_id="gxi", category="water_heater_e2e"),
            headers=changing(),
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "category"

        added = await intake.put(
            f"{CATALOGUE}/repair/water_heater_e2e",
            json=heater,
            headers=changing(keeper, Authorization=auth(keeper, ["gxi"])["Authorization"]),
        )
        assert added.status_code == 200, added.text
        assert added.json()["changed_by"] == "bench-administrator"

        taken = await intake.post(
            "/service-requests",
            json=repair_request(
                site_id="gxi",
                category="water_heater_e2e",
                requested_items=[{"item_code": "RP-TAP", "quantity": 1}],  # a paid item
            ),
            headers=changing(),
        )
        assert taken.status_code == 201, taken.text

        month = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
        report = await intake.get(
            "/reports/monthly", params={"site_id": "gxi", "month": month}, headers=auth()
        )
        assert report.json()["boards"]["repair"]["by_category"]["water_heater_e2e"] >= 1

        retired = await intake.put(
            f"{CATALOGUE}/repair/water_heater_e2e",
            json={**heater, "active": False},
            headers=changing(Role.ADMIN),
        )
        assert retired.status_code == 200
        again = await intake.post(
            "/service-requests",
            json=repair_request(site_id="gxi", category="water_heater_e2e"),
            headers=changing(),
        )
        assert again.status_code == 422
        # the request taken while it was offered still names it
        kept = await intake.get(f"/service-requests/{taken.json()['request_id']}", headers=auth())
        assert kept.json()["category"] == "water_heater_e2e"

        charged_complaint = await intake.put(
            f"{CATALOGUE}/complaint/noise_e2e",
            json={"name_zh": "噪音", "name_en": "Noise", "service_class": "paid"},
            headers=changing(Role.ADMIN),
        )
        assert charged_complaint.status_code == 422
        assert charged_complaint.json()["errors"][0]["field"] == "service_class"


async def test_tax01_tax09_a_sites_catalogue_is_published_whole_when_set_up_and_changed(
    platform: Stack,
) -> None:
    """A new site is published with the manual's catalogue; a changed item publishes the whole
    catalogue again (billing and dispatch keep the latest); the same item put again publishes
    nothing and names nobody as its changer."""
    site_id = f"cat{uuid.uuid4().hex[:6]}"
    site = {
        "code": f"C{uuid.uuid4().hex[:5].upper()}",
        "name": "曲江新苑",
        "services": ["consultation", "repair", "complaint", "housekeeping"],
    }
    item = {"name_zh": "热水器维修", "name_en": "Water heater repair", "service_class": "paid"}
    async with client(platform, "intake") as intake:
        created = await intake.put(f"/sites/{site_id}", json=site, headers=changing(Role.ADMIN))
        assert created.status_code == 201, created.text
        for _ in range(2):
            put = await intake.put(
                f"/sites/{site_id}/catalogue/repair/water_heater",
                json=item,
                headers=changing(Role.ADMIN),
            )
            assert put.status_code == 200, put.text

    async def recorded() -> list[dict[str, Any]] | None:
        found = [
            event
            for event in map(decoded, await read_topic(platform, topics.DIRECTORY))
            if event["event_type"] == CatalogueRecorded.EVENT_TYPE and event["site_id"] == site_id
        ]
        return found if len(found) >= 2 else None

    await eventually(recorded, what="two CatalogueRecorded")
    await asyncio.sleep(1)
    published = await recorded() or []
    assert len(published) == 2
    seeded, changed = (
        {
            b["kind"]: {i["code"]: i["service_class"] for i in b["items"]}
            for b in e["payload"]["boards"]
        }
        for e in published
    )
    assert seeded["housekeeping"]["glass_cleaning"] == "paid"
    assert seeded["repair"] == {"common_area": "routine", "own_unit": "paid", "other_paid": "paid"}
    assert changed["repair"]["water_heater"] == "paid"
    assert published[0]["payload"]["changed_by"] == ""
    assert published[1]["payload"]["changed_by"] == "bench-admin"
