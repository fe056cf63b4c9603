"""A paid request matches an item of its site's current price list, as billing publishes it, on
the real stack (TAX-09, BIL-01, BIL-02): the hotline takes the list from billing's events, not
from a copy of its own making."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contracts.billing.v1 import PriceListRecorded
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from contracts import topics
from tests.support import (
    auth,
    changing,
    client,
    decoded,
    eventually,
    read_topic,
    repair_request,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

HEATER = {"name": "热水器维修", "unit": "次", "unit_price": "150.00"}


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


async def test_tax09_bil01_a_paid_request_names_an_item_of_the_list_billing_published(
    platform: Stack,
) -> None:
    site_id = f"prc{uuid.uuid4().hex[:6]}"
    site = {
        "code": f"P{uuid.uuid4().hex[:5].upper()}",
        "name": "价目测试苑",
        "services": ["consultation", "repair", "complaint", "callback"],
    }
    agent = auth(Role.AGENT, [site_id])["Authorization"]
    async with client(platform, "intake") as intake, client(platform, "billing") as billing:
        created = await intake.put(f"/sites/{site_id}", json=site, headers=changing(Role.ADMIN))
        assert created.status_code == 201, created.text

        async def register(**overrides: Any) -> Any:
            return await intake.post(
                "/service-requests",
                json=repair_request(site_id=site_id, **overrides),
                headers=changing(Authorization=agent),
            )

        # no price list yet: a paid repair cannot be taken, and the agent is told why
        before = await register()
        assert before.status_code == 422, before.text
        assert fields(before) == ["requested_items"]
        assert "no price list from billing yet" in before.text

        finance = auth(Role.FINANCE, [site_id])["Authorization"]
        priced = await billing.put(
            f"/price-lists/{site_id}/items/RP-HEATER",
            json=HEATER,
            headers=changing(Authorization=finance),
        )
        assert priced.status_code == 200, priced.text

        async def kept_price() -> str | None:
            shown = await intake.get(
                f"/sites/{site_id}/price-list", headers={"Authorization": agent}
            )
            items = shown.json()["items"]
            return items[0]["unit_price"] if items else None

        assert await eventually(kept_price, what="intake's copy of the new list") == "150.00"

        # an item the site does not sell is refused, naming the line and what the list offers
        tap = await register()  # RP-TAP, on the demo sites' lists but not on this one
        assert tap.status_code == 422, tap.text
        assert fields(tap) == ["requested_items[0].item_code"]
        assert "RP-HEATER" in tap.text

        unnamed = await register(requested_items=[])
        assert unnamed.status_code == 422
        assert fields(unnamed) == ["requested_items"]

        routine = await register(
            category="common_area", requested_items=[{"item_code": "RP-HEATER", "quantity": 1}]
        )
        assert routine.status_code == 422
        assert "requested_items are for paid services" in routine.text

        taken = await register(requested_items=[{"item_code": "RP-HEATER", "quantity": 2}])
        assert taken.status_code == 201, taken.text
        assert taken.json()["requested_items"] == [{"item_code": "RP-HEATER", "quantity": 2}]

        # a paid request declined on the call names nothing: there is nothing to charge
        declined = await register(requested_items=[], triage="declined", triage_note="不在服务范围")
        assert declined.status_code == 201, declined.text

        # finance corrects the price: the hotline keeps the new version, not the older one
        await billing.put(
            f"/price-lists/{site_id}/items/RP-HEATER",
            json={**HEATER, "unit_price": "160.00"},
            headers=changing(Authorization=finance),
        )
        assert await eventually(
            lambda: _is(kept_price, "160.00"), what="the corrected price at intake"
        )

    published = [
        decoded(record)
        for record in await read_topic(platform, topics.PRICE_LISTS)
        if decoded(record)["site_id"] == site_id
    ]
    assert [e["event_type"] for e in published] == [PriceListRecorded.EVENT_TYPE] * 2
    assert [e["aggregate_version"] for e in published] == [1, 2]


async def _is(probe: Any, wanted: str) -> bool:
    return bool(await probe() == wanted)


async def test_bil04_new_rates_scheduled_ahead_reach_the_hotline_when_they_take_effect(
    platform: Stack,
) -> None:
    """Finance schedules next rates a few seconds ahead: until then the hotline and billing quote
    the old price; at the moment billing's deadline announces the new version, once, and both
    quote the new one, while the old version stays readable with its approval."""
    site_id = f"prv{uuid.uuid4().hex[:6]}"
    finance = auth(Role.FINANCE, [site_id])
    agent = auth(Role.AGENT, [site_id])
    async with client(platform, "intake") as intake, client(platform, "billing") as billing:
        created = await intake.put(
            f"/sites/{site_id}",
            json={
                "code": f"V{uuid.uuid4().hex[:5].upper()}",
                "name": "调价测试苑",
                "services": ["consultation", "repair", "complaint", "callback"],
            },
            headers=changing(Role.ADMIN),
        )
        assert created.status_code == 201, created.text
        first = await billing.put(
            f"/price-lists/{site_id}/items/RP-HEATER",
            json=HEATER,
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert first.status_code == 200, first.text

        async def intake_price() -> str | None:
            shown = await intake.get(f"/sites/{site_id}/price-list", headers=agent)
            items = shown.json()["items"]
            return items[0]["unit_price"] if items else None

        assert await eventually(intake_price, what="the first list at intake") == "150.00"

        takes_effect = datetime.now(UTC) + timedelta(seconds=4)
        scheduled = await billing.post(
            f"/price-lists/{site_id}/versions",
            json={
                "effective_from": takes_effect.isoformat(),
                "approval_ref": "西物价备〔2026〕203号",
                "items": [{"item_code": "RP-HEATER", **HEATER, "unit_price": "170.00"}],
            },
            headers={**finance, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert scheduled.status_code == 201, scheduled.text
        versions = scheduled.json()["versions"]
        assert [(v["number"], v["in_effect"]) for v in versions] == [(1, True), (2, False)]
        now = (await billing.get(f"/price-lists/{site_id}", headers=finance)).json()
        assert now[0]["unit_price"] == "150.00"
        assert await intake_price() == "150.00"

        assert await eventually(
            lambda: _is(intake_price, "170.00"),
            timeout_s=60,
            what="the new rates at intake once in effect",
        )
        after = (await billing.get(f"/price-lists/{site_id}/versions", headers=finance)).json()
        assert [(v["number"], v["in_effect"]) for v in after["versions"]] == [(1, False), (2, True)]
        assert after["versions"][1]["approval_ref"] == "西物价备〔2026〕203号"
        before = (
            await billing.get(
                f"/price-lists/{site_id}",
                params={"at": (takes_effect - timedelta(seconds=1)).isoformat()},
                headers=finance,
            )
        ).json()
        assert before[0]["unit_price"] == "150.00"

    published = [
        decoded(record)
        for record in await read_topic(platform, topics.PRICE_LISTS)
        if decoded(record)["site_id"] == site_id
    ]
    assert [e["payload"]["version_no"] for e in published] == [1, 2]  # announced once each
    assert published[1]["payload"]["effective_from"].startswith(
        takes_effect.strftime("%Y-%m-%dT%H:%M")
    )
