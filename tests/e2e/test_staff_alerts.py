"""Alerts to staff on the running platform (issue #13, "Staff alerts"; CB-09): a rectification
out of loops, as callback publishes it, alerts the site's manager on record by SMS; the alert
shows its ladder (the director next, in 24 hours) on GET /notifications; the manager takes it
in hand, and another site's manager cannot."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contracts.callback.v1 import RectificationEscalated
from contracts.examples import canonical_examples
from hotline_infra.sms_sink import read_messages
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.mongo import connect
from notification.adapters.mongo.staff import STAFF

from contracts import topics
from tests.support import auth, changing, client, eventually, publish_raw, unique_phone

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

SITE = "gxi"


async def test_cb09_a_rectification_out_of_loops_alerts_the_sites_manager_who_takes_it(
    platform: Stack,
) -> None:
    tag = uuid.uuid4().hex[:6]
    phone = unique_phone()
    staff_id = f"{SITE}-mgr-alert-{tag}"
    async with client(platform, "intake") as intake:
        put = await intake.put(
            f"/staff/{staff_id}",
            json={
                "site_id": SITE,
                "name": "赵经理",
                "title": "管理处经理",
                "department": "customer_service",
                "phones": [phone],
                "roles": ["site_manager"],
            },
            headers=changing(Role.ADMIN),
        )
        assert put.status_code == 201, put.text
    store = connect(platform.mongo_url, "test")
    try:

        async def kept() -> bool:
            database = store[f"{platform.db_prefix}notification"]
            return await database[STAFF].find_one({"_id": staff_id}) is not None

        await eventually(kept, what="notification's copy of the manager")
    finally:
        await store.close()

    example = canonical_examples()[RectificationEscalated]
    assert isinstance(example, RectificationEscalated)
    request_id = uuid.uuid4()
    opinion = f"维修后仍漏水，三次都没修好 ({tag})"
    now = datetime.now(UTC)
    escalated = example.model_copy(
        update={
            "event_id": uuid.uuid4(),
            "site_id": SITE,
            "occurred_at": now,
            "payload": example.payload.model_copy(
                update={"request_id": request_id, "opinion": opinion, "escalated_at": now}
            ),
        }
    )
    await publish_raw(
        platform,
        topics.CALLBACKS,
        escalated.model_dump_json().encode(),
        key=escalated.partition_key().encode(),
    )

    def sms() -> list[dict[str, str]]:
        return [m for m in read_messages(platform.sms_dir) if m["to"] == f"+86{phone}"]

    [text] = await eventually(sms, what="the manager's SMS")
    assert opinion in text["text"] and example.payload.request_no in text["text"]

    async with client(platform, "notification") as notification:
        listed = await notification.get(
            "/notifications",
            params={"request_id": str(request_id)},
            headers=auth(Role.SITE_MANAGER, [SITE]),
        )
        assert listed.status_code == 200, listed.text
        [alert] = listed.json()["items"]
        assert alert["alert"]["kind"] == "rectification_escalated"
        escalate_at = datetime.fromisoformat(alert["alert"]["escalate_at"])
        assert timedelta(hours=23) < escalate_at - now < timedelta(hours=25)
        path = f"/staff-alerts/{alert['notification_id']}/acknowledgement"
        elsewhere = await notification.post(
            path, headers=changing(Role.SITE_MANAGER, **auth(Role.SITE_MANAGER, ["qjc"]))
        )
        assert elsewhere.status_code == 404, elsewhere.text
        taken = await notification.post(
            path, headers=changing(Role.SITE_MANAGER, **auth(Role.SITE_MANAGER, [SITE]))
        )
        assert taken.status_code == 200, taken.text
        assert taken.json()["alert"]["acknowledged_at"] is not None
