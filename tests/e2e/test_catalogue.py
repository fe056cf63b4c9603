"""A site changes its request catalogue on the real stack (TAX-01, TAX-03, X2): an item added
takes requests at once and the monthly report splits by it; a retired one takes none."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.support import auth, changing, client, repair_request

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
            json=repair_request(site_id="gxi", category="water_heater_e2e"),
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
