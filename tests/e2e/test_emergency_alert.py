"""An emergency reported to the hotline alerts the supervisor and the site's manager at once, on
the real stack (INC-01: a fast response to facility failures and emergencies; INC-02: staff
respond at once and help the property managers deal with it): staff recorded through intake's
API reach notification on ``intake.directory``, and an emergency registered at a site sends
each supervisor of the central hotline and the site's manager one SMS naming the request, and
nobody else."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from hotline_infra.sms_sink import read_messages
from hotline_infra.smtp_sink import read_index
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.mongo import connect
from notification.adapters.mongo.staff import STAFF

from tests.support import auth, changing, client, eventually, repair_request, unique_phone

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

SITE, OTHER_SITE = "gxi", "qjc"


def sms_to(platform: Stack, phone: str, request_no: str) -> list[dict[str, Any]]:
    """The SMS the gateway took for ``phone`` (as typed, without +86) naming ``request_no``."""
    return [
        m
        for m in read_messages(platform.sms_dir)
        if m["to"] == f"+86{phone}" and request_no in m["text"]
    ]


async def test_inc01_inc02_an_emergency_alerts_the_supervisor_and_the_sites_manager_once(
    platform: Stack,
) -> None:
    """A supervisor of the central hotline and the site's manager each get one SMS naming the
    emergency's request (the supervisor, who has an address, the e-mail too); a technician of
    the site, another site's manager and a supervisor who has left get none."""
    tag = uuid.uuid4().hex[:8]
    supervisor, manager, technician, elsewhere, left = (unique_phone() for _ in range(5))
    supervisor_mail = f"sup.{tag}@example.com"
    staff = {
        f"hq-sup-{tag}": {
            "site_id": "*",
            "name": "赵敏",
            "title": "呼叫中心主管",
            "department": "customer_service",
            "phones": [supervisor],
            "email": supervisor_mail,
            "roles": ["supervisor"],
        },
        f"{SITE}-mgr-{tag}": {
            "site_id": SITE,
            "name": "钱伟",
            "title": "管理处经理",
            "department": "customer_service",
            "phones": [manager],
            "roles": ["site_manager"],
        },
        f"{SITE}-tech-{tag}": {
            "site_id": SITE,
            "name": "李强",
            "title": "维修工",
            "department": "maintenance",
            "phones": [technician],
            "roles": ["technician"],
        },
        f"{OTHER_SITE}-mgr-{tag}": {
            "site_id": OTHER_SITE,
            "name": "孙丽",
            "title": "管理处经理",
            "department": "customer_service",
            "phones": [elsewhere],
            "roles": ["site_manager"],
        },
        f"{SITE}-old-{tag}": {
            "site_id": SITE,
            "name": "周强",
            "title": "主管",
            "department": "customer_service",
            "phones": [left],
            "roles": ["supervisor"],
        },
    }
    leaver = f"{SITE}-old-{tag}"
    async with client(platform, "intake") as intake:
        for staff_id, body in staff.items():
            put = await intake.put(f"/staff/{staff_id}", json=body, headers=changing(Role.ADMIN))
            assert put.status_code == 201, put.text
        gone = await intake.put(
            f"/staff/{leaver}",
            json={**staff[leaver], "active": False},
            headers=changing(Role.ADMIN),
        )
        assert gone.status_code == 200, gone.text
        site = await intake.get(f"/sites/{SITE}", headers=auth(Role.ADMIN))
        site_name = site.json()["name"]

    # the staff reach notification on their own topic: wait until it keeps all of them, the
    # leaver as gone, before the emergency is reported
    store = connect(platform.mongo_url, "test")
    try:

        async def kept() -> bool:
            found = {
                document["_id"]: document
                async for document in store[f"{platform.db_prefix}notification"][STAFF].find(
                    {"_id": {"$in": list(staff)}}
                )
            }
            return len(found) == len(staff) and found[leaver]["active"] is False

        await eventually(kept, what="notification's copy of the five staff records")
    finally:
        await store.close()

    description = f"B座3号电梯困人, 两人在内 ({tag})"
    async with client(platform, "intake") as intake:
        created = await intake.post(
            "/service-requests",
            json=repair_request(
                site_id=SITE,
                category="common_area",
                description=description,
                emergency="lift_entrapment",
            ),
            headers=changing(),
        )
        assert created.status_code == 201, created.text
        request = created.json()
    request_no = request["request_no"]

    await eventually(
        lambda: sms_to(platform, supervisor, request_no) and sms_to(platform, manager, request_no),
        what="the alert to the supervisor and to the site's manager",
    )
    await asyncio.sleep(1)  # a second alert, or one to anyone else, would be here by now
    for phone in (supervisor, manager):
        [sms] = sms_to(platform, phone, request_no)
        assert sms["text"].startswith(f"【物业服务热线】紧急报修 困梯 {site_name} 3栋1202 ")
        assert f"请求号 {request_no} {description}" in sms["text"]
    for phone in (technician, elsewhere, left):
        assert sms_to(platform, phone, request_no) == []

    [mail] = await eventually(
        lambda: [
            m
            for m in read_index(platform.mail_dir)
            if supervisor_mail in m["to"] and request_no in m["subject"]
        ],
        what="the alert's e-mail to the supervisor",
    )
    assert mail["subject"] == f"紧急报修：困梯 {request_no}"

    async with client(platform, "notification") as notification:
        listed = await notification.get(
            "/notifications", params={"request_id": request["request_id"]}, headers=auth()
        )
    assert listed.status_code == 200, listed.text
    [alerts] = [n for n in listed.json()["items"] if n["about_event_type"] == "EmergencyReported"]
    # (other tests' supervisors of the central hotline are alerted too: only ours are checked)
    sent = {(m["channel"], m["recipient"]): m["status"] for m in alerts["messages"]}
    for alerted in (("sms", f"+86{supervisor}"), ("sms", f"+86{manager}")):
        assert sent[alerted] in ("sent", "delivered")  # delivered once the receipt is in
    assert sent[("email", supervisor_mail)] == "sent"
    assert not {f"+86{p}" for p in (technician, elsewhere, left)} & {to for _, to in sent}
