"""A work order step by step through the real services: the technician's phone calls one route
per step, the customer signs, billing charges and callback calls back only then; a cancelled
order is voided and never charged (DSP-03..DSP-06, ACC-01..ACC-03)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.ids import SITE_TIME_ZONE
from hotline_libs.tables import XLSX

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


async def _step(
    dispatch: httpx.AsyncClient,
    order: dict[str, Any],
    step: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    expected: int = 201,
) -> dict[str, Any]:
    response = await dispatch.post(
        f"/work-orders/{order['work_order_id']}/{step}",
        json=body,
        headers=headers or technician_of(order),
    )
    assert response.status_code == expected, f"{step}: {response.status_code} {response.text}"
    answer: dict[str, Any] = response.json()
    return answer


async def _charges(platform: Stack, request_id: str) -> list[dict[str, Any]]:
    async with client(platform, "billing") as billing:
        answer = await billing.get(
            "/charges", params={"request_id": request_id}, headers=auth(Role.FINANCE)
        )
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def test_acc02_a_paid_repair_quoted_reworked_and_signed_is_charged_and_called_back_once(
    platform: Stack,
) -> None:
    request = await register(platform, repair_request())
    order = await work_order_of(platform, request["request_id"], "dispatched")
    async with client(platform, "dispatch") as dispatch:
        taken = await _step(dispatch, order, "acceptance")
        assert taken["status"] == "accepted" and taken["taken_at"]
        await _step(dispatch, order, "acceptance", expected=200)  # a retried tap
        await _step(dispatch, order, "departure")
        await _step(dispatch, order, "arrival")
        refused = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/start", headers=technician_of(order)
        )
        assert refused.status_code == 422 and "agree the fee" in refused.json()["detail"]
        quoted = await _step(
            dispatch,
            order,
            "quote",
            {"items": [{"item_code": "RP-TAP", "quantity": 1, "agreed_unit_price": "80.00"}]},
        )
        assert quoted["service_record_no"].startswith("SV-DMG-")
        await _step(dispatch, order, "start")
        await _step(dispatch, order, "finish", {"payment_method": "cash"})
        again = await _step(dispatch, order, "sign-off", {"signed_by": "王芳", "satisfied": False})
        assert again["status"] == "in_progress" and again["reworks"] == 1
        assert await _charges(platform, request["request_id"]) == []
        await _step(dispatch, order, "finish", {"payment_method": "cash"})
        signed = await _step(
            dispatch,
            order,
            "sign-off",
            {"signed_by": "王芳", "satisfied": True, "signature_ref": "sig/wo-1.png"},
        )
        verified = await _step(dispatch, order, "verification", headers=auth(Role.DUTY_STAFF))
    assert signed["status"] == "signed_off" and verified["status"] == "verified"
    assert [change["step"] for change in verified["history"]] == [
        "assign",
        "accept",
        "set_out",
        "arrive",
        "quote",
        "start",
        "complete",
        "rework",
        "complete",
        "sign_off",
        "verify",
    ]
    assert verified["history"][1]["actor"]["subject"] == order["technician"]["technician_id"]
    assert verified["next_steps"] == ["close_out"]

    [charge] = await eventually(
        lambda: _charges(platform, request["request_id"]), what="the charge"
    )
    assert charge["total"] == "80.00"  # the price agreed before work
    # the service and callback record opened with the fee travels with the charge and the call
    record = quoted["service_record_no"]
    assert charge["service_record_no"] == record

    async def callback() -> list[dict[str, Any]] | None:
        async with client(platform, "callback") as service:
            found = (
                await service.get(
                    "/callbacks", params={"request_id": request["request_id"]}, headers=auth()
                )
            ).json()
        items: list[dict[str, Any]] = found["items"]
        return items or None

    [scheduled] = await eventually(callback, what="the callback")
    assert scheduled["reason"] == "after_paid_service"
    assert scheduled["service_record_no"] == record

    # the month's report counts it for its technician: reworked once, so not a first-time fix
    month = datetime.now(SITE_TIME_ZONE).strftime("%Y-%m")
    async with client(platform, "dispatch") as dispatch:
        report = await dispatch.get(
            "/reports/work-orders",
            params={"site_id": "dmg", "month": month},
            headers=auth(Role.SITE_MANAGER, ["dmg"]),
        )
        sheet = await dispatch.get(
            "/reports/work-orders",
            params={"site_id": "dmg", "month": month, "format": "xlsx"},
            headers=auth(Role.DIRECTOR, ["dmg"]),
        )
    assert report.status_code == 200, report.text
    mine = report.json()["by_technician"][order["technician"]["technician_id"]]
    assert mine["done"] >= 1 and mine["reworked"] >= 1 and mine["first_time_fix"] < 1
    assert sheet.headers["content-type"].startswith(XLSX) and sheet.content[:2] == b"PK"


async def test_dsp06_a_cancelled_order_is_voided_and_only_its_technician_acts_on_it(
    platform: Stack,
) -> None:
    request = await register(platform, repair_request())
    order = await work_order_of(platform, request["request_id"], "dispatched")
    someone_else = auth(Role.TECHNICIAN, ["dmg"], subject="dmg-t99")
    async with client(platform, "dispatch") as dispatch:
        refused = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/acceptance", headers=someone_else
        )
        assert refused.status_code == 403 and "not assigned to you" in refused.json()["detail"]
        await _step(dispatch, order, "acceptance")
        cancelled = await _step(dispatch, order, "cancellation", {"reason": "住户自行修好了"})
        assert cancelled["status"] == "cancelled"
        not_yet = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/finish",
            json={},
            headers=technician_of(order),
        )
        assert not_yet.status_code == 409
        assert "cancelled" in not_yet.json()["detail"] and "complete" in not_yet.json()["detail"]
        desk = auth(Role.DUTY_STAFF, ["dmg"])
        voided = await _step(dispatch, order, "void", {"reason": "中控室核销"}, headers=desk)
        await _step(dispatch, order, "void", {"reason": "中控室核销"}, headers=desk, expected=200)
    assert voided["status"] == "voided" and voided["next_steps"] == []
    assert voided["history"][-1]["actor"]["role"] == "duty_staff"
    assert await _charges(platform, request["request_id"]) == []


async def test_dsp08_acc04_an_order_closes_out_once_its_tools_are_back_and_damage_is_settled(
    platform: Stack,
) -> None:
    request = await register(platform, repair_request())
    order = await work_order_of(platform, request["request_id"], "dispatched")
    manager = auth(Role.SITE_MANAGER, ["dmg"])
    async with client(platform, "dispatch") as dispatch:
        await _step(dispatch, order, "acceptance")
        drawn = await _step(
            dispatch, order, "materials", {"item": "人字梯", "quantity": 1, "kind": "tool"}
        )
        assert drawn["materials"][0]["outstanding"] == 1
        damaged = await _step(dispatch, order, "damage", {"description": "碰裂瓷砖一块"})
        assert damaged["damage"][0]["open"] is True
        await _step(
            dispatch,
            order,
            "completion",
            {
                "resident_signed": True,
                "items": [{"item_code": "RP-TAP", "quantity": 1}],
                "payment_method": "cash",
            },
        )
        await _step(dispatch, order, "verification", headers=manager)
        tools_out = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/close-out", headers=manager
        )
        assert tools_out.status_code == 422 and "人字梯" in tools_out.json()["detail"]
        line = drawn["materials"][0]["line_no"]
        back = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/materials/{line}/return",
            json={"quantity": 1},
            headers=manager,
        )
        assert back.status_code == 200 and back.json()["materials"][0]["outstanding"] == 0
        unsettled = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/close-out", headers=manager
        )
        assert unsettled.status_code == 422 and "compensation" in unsettled.json()["detail"]
        settled = await dispatch.put(
            f"/work-orders/{order['work_order_id']}/damage/1/compensation",
            json={"amount": "120.00", "agreement": "按市价赔偿瓷砖及人工"},
            headers=manager,
        )
        assert (
            settled.status_code == 200 and settled.json()["damage"][0]["compensation"] == "120.00"
        )
        closed = await _step(dispatch, order, "close-out", headers=manager)
    assert closed["status"] == "closed" and closed["next_steps"] == []
