"""Alerts to staff on the running platform (issue #13, "Staff alerts"; CB-09): a rectification
out of loops, as callback publishes it, alerts the site's manager on record by SMS; the alert
shows its ladder (the director next, in 24 hours) on GET /notifications; the manager takes it
in hand, and another site's manager cannot."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from contracts.callback.v1 import RectificationEscalated
from contracts.examples import canonical_examples
from hotline_infra.sms_sink import read_messages
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from contracts import topics
from tests.support import (
    auth,
    changing,
    client,
    eventually,
    publish_raw,
    staff_known_to_notification,
    unique_phone,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

SITE = "gxi"


async def record_manager(platform: Stack, site: str, staff_id: str, phone: str) -> None:
    """A site manager recorded at intake, once notification holds its copy."""
    manager = {
        "site_id": site,
        "name": "赵经理",
        "title": "管理处经理",
        "department": "customer_service",
        "phones": [phone],
        "roles": ["site_manager"],
    }
    await staff_known_to_notification(platform, {staff_id: manager})


async def escalate_rectification(
    platform: Stack, site: str, opinion: str
) -> tuple[RectificationEscalated, uuid.UUID]:
    """A rectification out of loops at ``site``, as callback publishes it; and its request."""
    example = canonical_examples()[RectificationEscalated]
    assert isinstance(example, RectificationEscalated)
    request_id = uuid.uuid4()
    now = datetime.now(UTC)
    escalated = example.model_copy(
        update={
            "event_id": uuid.uuid4(),
            "site_id": site,
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
    return escalated, request_id


async def test_cb09_a_rectification_out_of_loops_alerts_the_sites_manager_who_takes_it(
    platform: Stack,
) -> None:
    tag = uuid.uuid4().hex[:6]
    phone = unique_phone()
    await record_manager(platform, SITE, f"{SITE}-mgr-alert-{tag}", phone)
    opinion = f"维修后仍漏水，三次都没修好 ({tag})"
    now = datetime.now(UTC)
    example, request_id = await escalate_rectification(platform, SITE, opinion)

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


async def the_alert(platform: Stack, request_id: uuid.UUID) -> dict[str, Any]:
    """The alert about ``request_id`` as its site's manager lists it."""
    async with client(platform, "notification") as notification:
        listed = await notification.get(
            "/notifications",
            params={"request_id": str(request_id)},
            headers=auth(Role.SITE_MANAGER, [SITE]),
        )
    [alert] = listed.json()["items"]
    found: dict[str, Any] = alert["alert"]
    return found


LINK = re.compile(r"https?://\S+/alert-acknowledgements\?token=\S+")


async def test_an_alert_is_acknowledged_from_the_link_in_its_sms(platform: Stack) -> None:
    """On the staff's own channel: the SMS ends with the manager's own link; opening it shows
    the alert and acknowledges nothing (a chat app's preview opens links too); its button
    acknowledges it in the manager's name, and the page then says who has it in hand. A link
    with its signature changed is not ours (404)."""
    tag = uuid.uuid4().hex[:6]
    phone = unique_phone()
    await record_manager(platform, SITE, f"{SITE}-mgr-link-{tag}", phone)
    opinion = f"墙面仍渗水 ({tag})"
    _, request_id = await escalate_rectification(platform, SITE, opinion)

    def sms() -> list[dict[str, str]]:
        return [m for m in read_messages(platform.sms_dir) if m["to"] == f"+86{phone}"]

    [text] = await eventually(sms, what="the manager's SMS")
    found = LINK.search(text["text"])
    assert found is not None, text["text"]
    link = found[0]
    async with httpx.AsyncClient(timeout=15) as browser:
        shown = await browser.get(link)
        assert shown.status_code == 200, shown.text
        assert opinion in shown.text and "尚无人确认" in shown.text
        assert "我已着手处理" in shown.text
        assert (await the_alert(platform, request_id))["acknowledged_at"] is None  # took nothing
        forged = await browser.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB"))
        assert forged.status_code == 404
        taken = await browser.post(link)
        assert taken.status_code == 200, taken.text
        assert "已由赵经理于" in taken.text
        again = await browser.get(link)
        assert "已由赵经理于" in again.text and "我已着手处理" not in again.text
    assert (await the_alert(platform, request_id))["acknowledged_by"] == "赵经理"
