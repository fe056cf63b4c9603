"""Where is my repair? One answer across the services, on the real stack: the request's
timeline holds intake's own steps and what dispatch, billing, callback and notification did."""

from __future__ import annotations

from typing import Any

import pytest
from hotline_infra.stack import Stack

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


async def test_a_repairs_timeline_shows_every_service_step_in_order(platform: Stack) -> None:
    request = await register(platform, repair_request())
    order = await work_order_of(platform, request["request_id"], "dispatched")
    async with client(platform, "dispatch") as dispatch:
        done = await dispatch.post(
            f"/work-orders/{order['work_order_id']}/completion",
            json={
                "resident_signed": True,
                "items": [{"item_code": "RP-TAP", "quantity": 1}],
                "payment_method": "cash",
            },
            headers={**technician_of(order, ["dmg"]), "Idempotency-Key": order["work_order_id"]},
        )
    assert done.status_code == 201, done.text

    wanted = {
        "ServiceRequestRegistered",
        "ServiceRequestAccepted",
        "WorkOrderDispatched",
        "WorkOrderProgressed",
        "WorkOrderCompleted",
        "ChargeRaised",
        "CallbackScheduled",
        "NotificationSent",
    }

    async def timeline() -> list[dict[str, Any]] | None:
        async with client(platform, "intake") as intake:
            answer = await intake.get(
                f"/service-requests/{request['request_id']}/timeline", headers=auth()
            )
        assert answer.status_code == 200, answer.text
        entries: list[dict[str, Any]] = answer.json()["entries"]
        signed = any(e["details"].get("step") == "sign_off" for e in entries)
        return entries if wanted <= {e["what"] for e in entries} and signed else None

    entries = await eventually(timeline, timeout_s=60, what="every service's steps")
    whats = [e["what"] for e in entries]
    assert whats[:2] == ["ServiceRequestRegistered", "ServiceRequestAccepted"]
    assert whats.index("WorkOrderDispatched") < whats.index("WorkOrderCompleted")
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    # callback publishes v1 and v2 of it; intake reads v2 only, so it is kept once
    assert whats.count("CallbackScheduled") == 1
    dispatched = next(e for e in entries if e["what"] == "WorkOrderDispatched")
    assert dispatched["service"] == "dispatch"
    assert dispatched["details"]["work_order_no"] == order["work_order_no"]
    # every step of the visit the paper record walked, in order, with who took it
    steps = [e["details"] for e in entries if e["what"] == "WorkOrderProgressed"]
    assert [s["step"] for s in steps] == [
        "accept",
        "arrive",
        "quote",
        "start",
        "complete",
        "sign_off",
    ]
    assert steps[-1]["to_status"] == "signed_off" and steps[0]["by"]
