"""The whole callback loop on the real stack (CB-03, CB-07, CB-08, CB-09): a paid service is
completed and charged; its callback is due within 2 working days of the completion on the
site's calendar; the resident is not satisfied; the rectification sends a technician on a free
order for the same request; its completion brings a second callback, which finds the resident
satisfied and closes the rectification. The request's timeline keeps both calls and the loop,
and billing charged the request once."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.working_days import WorkingDays

from tests.support import (
    auth,
    client,
    eventually,
    register,
    repair_request,
    technician_of,
    work_order_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


def _changing() -> dict[str, str]:
    return {**auth(), "Idempotency-Key": str(uuid.uuid4())}


async def _callbacks_of(platform: Stack, request_id: str) -> list[dict[str, Any]]:
    async with client(platform, "callback") as callback:
        answer = await callback.get("/callbacks", params={"request_id": request_id}, headers=auth())
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def _rectification_of(platform: Stack, request_id: str) -> dict[str, Any] | None:
    async with client(platform, "callback") as callback:
        answer = await callback.get(
            "/rectifications", params={"request_id": request_id}, headers=auth()
        )
    items = answer.json()["items"]
    return items[0] if items else None


async def test_cb07_an_unsatisfied_callback_is_rectified_until_the_resident_is_satisfied(
    platform: Stack,
) -> None:
    request = await register(platform, repair_request(site_id="qjc"))
    request_id = request["request_id"]
    order = await work_order_of(platform, request_id, "dispatched")
    async with client(platform, "dispatch") as dispatch:
        done = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/completion",
            json={
                "resident_signed": True,
                "items": [{"item_code": "RP-TAP", "quantity": 1}],
                "payment_method": "cash",
            },
            headers=technician_of(order),
        )
        assert done.status_code == 201, done.text
    completed_at = datetime.fromisoformat(done.json()["completed_at"])

    # the first callback: a cash-paid service, called back within 2 working days (CB-03, CB-08)
    [first] = await eventually(
        lambda: _callbacks_of(platform, request_id), what="the service's callback"
    )
    assert first["reason"] == "after_paid_service" and first["trigger"] == "cash_paid"
    day = completed_at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    next_month = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    assert date.fromisoformat(first["due_on"]) == min(
        WorkingDays.of("CN").add(day, 2), next_month.replace(day=9)
    )

    async with client(platform, "callback") as callback:
        unhappy = await callback.post(
            f"/callbacks/{first['callback_id']}/outcome",
            json={"satisfied": False, "opinion": "水龙头还在滴水", "method": "phone"},
            headers=_changing(),
        )
        assert unhappy.status_code == 201, unhappy.text

    opened = await eventually(
        lambda: _rectification_of(platform, request_id), what="the rectification"
    )
    assert opened["status"] == "open" and opened["work_order_id"] == order["work_order_id"]
    assert [loop["opinion"] for loop in opened["loops"]] == ["水龙头还在滴水"]

    # dispatch sends someone on a free order for the same request
    async def rework() -> dict[str, Any] | None:
        async with client(platform, "dispatch") as dispatch:
            found = (
                await dispatch.get(
                    "/work-orders", params={"request_id": request_id}, headers=auth()
                )
            ).json()["items"]
        again = [o for o in found if o["rectification_id"] == opened["rectification_id"]]
        return again[0] if again and again[0]["status"] == "dispatched" else None

    put_right = await eventually(rework, what="the rectification order, dispatched")
    assert put_right["work_order_id"] != order["work_order_id"]
    assert "水龙头还在滴水" in put_right["description"]
    async with client(platform, "dispatch") as dispatch:
        fixed = await dispatch.post(
            f"/work-orders/{put_right['work_order_id']}/completion",
            json={"resident_signed": True},
            headers=technician_of(put_right),
        )
        assert fixed.status_code == 201, fixed.text

    # the follow-up call, always made for a rectification, finds the resident satisfied
    async def follow_up() -> dict[str, Any] | None:
        found = await _callbacks_of(platform, request_id)
        return next((c for c in found if c["reason"] == "after_rectification"), None)

    second = await eventually(follow_up, what="the follow-up callback")
    assert second["work_order_id"] == put_right["work_order_id"]
    async with client(platform, "callback") as callback:
        happy = await callback.post(
            f"/callbacks/{second['callback_id']}/outcome",
            json={"satisfied": True, "opinion": "修好了，谢谢"},
            headers=_changing(),
        )
        assert happy.status_code == 201, happy.text

    async def closed() -> dict[str, Any] | None:
        found = await _rectification_of(platform, request_id)
        return found if found and found["status"] == "closed" else None

    rectified = await eventually(closed, what="the rectification closed")
    [loop] = rectified["loops"]
    assert loop["followed_by"] == second["callback_id"] and loop["satisfied"] is True

    # the request's timeline keeps both calls and the loop; billing charged the request once
    async def timeline() -> list[str] | None:
        async with client(platform, "intake") as intake:
            entries = (
                await intake.get(
                    f"/service-requests/{request_id}/timeline", headers=auth(Role.SUPERVISOR)
                )
            ).json()["entries"]
        what = [e["what"] for e in entries]
        return what if "RectificationClosed" in what else None

    what = await eventually(timeline, what="the loop on the request's timeline")
    assert what.count("CallbackMade") == 2
    assert what.index("RectificationOpened") < what.index("RectificationClosed")
    async with client(platform, "billing") as billing:
        charges = (
            await billing.get(
                "/charges", params={"request_id": request_id}, headers=auth(Role.FINANCE)
            )
        ).json()["items"]
    assert len(charges) == 1 and charges[0]["work_order_id"] == order["work_order_id"]

    # the month's KPIs count the case once and the loop (live: the month is not over)
    month = completed_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    async with client(platform, "callback") as callback:
        shown = (
            await callback.get(f"/callback-kpis/qjc/{month}", headers=auth(Role.SITE_MANAGER))
        ).json()
        assert shown["status"] == "live"
        kpis = {k["name"]: k for k in shown["kpis"]}
        assert kpis["callback_rate_cash_paid"]["numerator"] >= 1
        assert kpis["rectifications_opened"]["value"] >= 1
        assert kpis["rectifications_closed"]["value"] >= 1
        assert kpis["paid_satisfaction_all_paid"]["target"] == 0.98
        early = await callback.post(
            f"/callback-kpis/qjc/{month}/prepare",
            headers={**auth(Role.SUPERVISOR), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert early.status_code == 409  # the month is not over

        # a spot check of the month's made callbacks, drawn by the system (CB-06)
        manager = {**auth(Role.SITE_MANAGER), "Idempotency-Key": str(uuid.uuid4())}
        drawn = await callback.post(
            f"/spot-checks/qjc/{month}/draw", json={"count": 20}, headers=manager
        )
        assert drawn.status_code in (200, 201), drawn.text
        unchecked = [d for d in drawn.json()["drawn"] if d["check"] is None]
        assert unchecked, "20 drawn, not all checked yet"
        checked = await callback.post(
            f"/spot-checks/qjc/{month}/checks",
            json={"callback_id": unchecked[0]["callback_id"], "confirmed": True},
            headers={**auth(Role.SITE_MANAGER), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert checked.status_code == 201, checked.text
        assert checked.json()["checked"] == drawn.json()["checked"] + 1
        who = (
            await callback.get("/spot-checks", params={"month": month}, headers=auth(Role.ADMIN))
        ).json()
        qjc = next(s for s in who["sites"] if s["site_id"] == "qjc")
        assert qjc["checked"] >= 1 and qjc["short"] == max(0, 3 - qjc["checked"])


async def test_kpi14_last_months_report_is_prepared_reviewed_and_approved_by_three_people(
    platform: Stack,
) -> None:
    site = f"kp{uuid.uuid4().hex[:6]}"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    path = f"/callback-kpis/{site}/{month}"

    def as_(role: Role, who: str) -> dict[str, str]:
        return {
            **auth(role, [site], subject=who),
            "Idempotency-Key": str(uuid.uuid4()),
        }

    async with client(platform, "callback") as callback:
        prepared = await callback.post(f"{path}/prepare", headers=as_(Role.SUPERVISOR, "s-1"))
        assert prepared.status_code == 201, prepared.text
        assert prepared.json()["status"] == "prepared"
        assert prepared.json()["prepared"]["by"]
        own = await callback.post(
            f"{path}/review", json={"approved": True}, headers=as_(Role.SITE_MANAGER, "s-1")
        )
        assert own.status_code == 422  # the preparer does not review their own
        back = await callback.post(
            f"{path}/review", json={"approved": False}, headers=as_(Role.SITE_MANAGER, "m-1")
        )
        assert back.status_code == 422 and back.json()["errors"][0]["field"] == "note"
        reviewed = await callback.post(
            f"{path}/review", json={"approved": True}, headers=as_(Role.SITE_MANAGER, "m-1")
        )
        assert reviewed.status_code == 201, reviewed.text
        approved = await callback.post(f"{path}/approve", headers=as_(Role.DIRECTOR, "d-1"))
        assert approved.status_code == 201, approved.text
        shown = approved.json()
        assert shown["status"] == "approved"
        assert len({shown["prepared"]["by"], shown["reviewed"]["by"], shown["approved"]["by"]}) == 3
        table = await callback.get(
            path, params={"format": "csv"}, headers=auth(Role.SITE_MANAGER, [site])
        )
        assert table.status_code == 200 and "text/csv" in table.headers["content-type"]
        lines = table.text.lstrip("\ufeff").splitlines()
        assert lines[0] == "kpi,value,target,numerator,denominator,meets"
        assert any(line.startswith("customer_satisfaction,") for line in lines)
        assert any(line.startswith("approved_by,") for line in lines)
        sheet = await callback.get(
            path, params={"format": "xlsx"}, headers=auth(Role.SITE_MANAGER, [site])
        )
        assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
