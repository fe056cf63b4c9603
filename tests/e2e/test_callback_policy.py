"""Callback's policy and sample on the real stack (CB-02, CB-03, CB-08): bank-collected services
completed through dispatch are drawn for the month's sample at the demo site, which an auditor
recomputes from its seed; only the drawn ones reach the agents' list and queue. A site's manager
sets a version of the policy; one under the manuals' floors or backdated is refused by name."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from callback.domain.sample import kept_at_rate, replayed
from callback.service_layer.handlers import callback_id_for
from hotline_bench.flows import Driver
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.support import auth, client, eventually, work_order_of

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

TRIGGERS = (
    "cash_paid",
    "bank_collected",
    "other_paid",
    "repair",
    "valid_complaint",
    "invalid_complaint",
)


def _manager(site: str) -> dict[str, str]:
    return {**auth(Role.SITE_MANAGER, [site]), "Idempotency-Key": str(uuid.uuid4())}


async def test_cb03_bank_collected_services_are_sampled_and_the_sample_recomputes(
    platform: Stack,
) -> None:
    driver = Driver(platform, f"p{uuid.uuid4().hex[:8]}", requests=24, milestone=24)
    await asyncio.wait_for(asyncio.gather(driver.register_all(), driver.complete_all()), 240)
    paid = {rid for rid, r in driver.requests.items() if r["paid"]}  # paid by bank collection

    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    ids = [
        callback_id_for(uuid.UUID((await work_order_of(platform, rid))["work_order_id"]))
        for rid in paid
    ]
    async with client(platform, "callback") as callback:

        async def decided() -> list[dict[str, Any]] | None:
            """This run's paid services' callbacks, once each is decided."""
            found = [await callback.get(f"/callbacks/{i}", headers=auth(Role.ADMIN)) for i in ids]
            return [f.json() for f in found] if all(f.status_code == 200 for f in found) else None

        ours = await eventually(decided, 60, "every paid service's callback decided")
        samples = (
            await callback.get(f"/callback-samples/dmg/{month}", headers=auth(Role.ADMIN))
        ).json()["samples"]
        [sample] = [s for s in samples if s["trigger"] == "bank_collected"]
        draws = sorted(sample["draws"], key=lambda d: d["position"])

        # the auditor's recomputation, from the seed and the cases in their order
        again = replayed(sample["seed"], [(uuid.UUID(d["case_id"]), d["share"]) for d in draws])
        assert [(d.draw, d.drawn, d.by_lot) for d in again] == [
            (d["draw"], d["drawn"], d["by_lot"]) for d in draws
        ]
        for n in range(1, len(draws) + 1):
            assert sum(d["drawn"] for d in draws[:n]) >= kept_at_rate(n, 80)
        assert sample["cases"] == len(draws) and sample["drawn"] == sum(d["drawn"] for d in draws)

        # each of ours is in the sample with the draw it shows, and stands as it was drawn
        by_case = {d["case_id"]: d for d in draws}
        for mine in ours:
            drawn = by_case[mine["callback_id"]]
            assert mine["trigger"] == "bank_collected" and mine["policy_version"] == 0
            assert mine["draw"]["draw"] == drawn["draw"] and mine["draw"]["drawn"] == drawn["drawn"]
            assert mine["status"] == ("scheduled" if drawn["drawn"] else "not_drawn")

        # only the drawn are on the agents' list
        listed = set()
        for request_id in paid:
            answer = await callback.get(
                "/callbacks", params={"request_id": request_id}, headers=auth(Role.ADMIN)
            )
            listed |= {c["callback_id"] for c in answer.json()["items"]}
        assert listed == {c["callback_id"] for c in ours if c["status"] == "scheduled"}

        # the queue counts the site's open callbacks by reason
        queue = (
            await callback.get("/callback-queue", params={"site_id": "dmg"}, headers=auth())
        ).json()
        paid_row = next(r for r in queue["rows"] if r["reason"] == "after_paid_service")
        assert paid_row["site_id"] == "dmg" and queue["today"]["dmg"]
        assert paid_row["later"] + paid_row["due_today"] + paid_row["overdue"] >= len(listed)


async def test_cb03_a_site_manager_sets_a_policy_version_within_the_manuals_floors(
    platform: Stack,
) -> None:
    site = f"cp{uuid.uuid4().hex[:6]}"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    rules = {t: {"share": 100, "within_working_days": 2} for t in TRIGGERS}
    body = {"effective_from": (today + timedelta(days=1)).isoformat(), "rules": rules}
    path = f"/callback-policies/{site}"
    async with client(platform, "callback") as callback:
        before = (await callback.get(path, headers=auth(Role.SITE_MANAGER, [site]))).json()
        assert before["in_force"]["version"] == 0  # the manuals' rules
        assert before["in_force"]["rules"]["bank_collected"]["share"] == 80
        assert before["floors"] == {"cash_paid": 100, "bank_collected": 80, "valid_complaint": 100}

        under = {**rules, "bank_collected": {"share": 79, "within_working_days": 2}}
        refused = await callback.post(
            f"{path}/versions", json={**body, "rules": under}, headers=_manager(site)
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "rules.bank_collected.share"
        backdated = await callback.post(
            f"{path}/versions",
            json={**body, "effective_from": (today - timedelta(days=1)).isoformat()},
            headers=_manager(site),
        )
        assert backdated.status_code == 422
        assert backdated.json()["errors"][0]["field"] == "effective_from"

        set_ = await callback.post(f"{path}/versions", json=body, headers=_manager(site))
        assert set_.status_code == 201, set_.text
        [version] = set_.json()["versions"]
        assert version["version"] == 1 and version["set_by"]
        assert set_.json()["in_force"]["version"] == 0  # from tomorrow
        again = await callback.post(f"{path}/versions", json=body, headers=_manager(site))
        assert again.status_code == 200 and len(again.json()["versions"]) == 1
        earlier = await callback.post(
            f"{path}/versions",
            json={**body, "effective_from": today.isoformat(), "note": "今天起"},
            headers=_manager(site),
        )
        assert earlier.status_code == 409

        # another site's manager sees nothing of it
        other = await callback.get(path, headers=auth(Role.SITE_MANAGER, ["dmg"]))
        assert other.status_code == 403
    assert date.fromisoformat(version["effective_from"]) == today + timedelta(days=1)
