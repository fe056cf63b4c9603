"""A submitted front-desk roster reaches the service-centre manager, on the real stack (NTF-12,
DUTY-02: 每月25日前拟定下月前台《排班表》,报物业服务中心经理): staff recorded through intake's API
reach notification on ``intake.directory``; the supervisor drafts the month's roster and submits
it at intake, which publishes it on ``intake.duty``; notification e-mails it, day by day with
everyone on it by name, to the site's director, once however often it is submitted."""

from __future__ import annotations

import asyncio
import random
import uuid

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role

from tests.support import (
    auth,
    changing,
    client,
    eventually,
    mail_body,
    mails_to,
    staff_known_to_notification,
    unique_phone,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

SITE = "gxi"


async def test_ntf12_a_submitted_roster_is_emailed_to_the_service_centre_manager_once(
    platform: Stack,
) -> None:
    tag = uuid.uuid4().hex[:8]
    director_mail = f"director.{tag}@example.com"
    year, number = random.randint(2030, 2099), random.randint(1, 12)
    month, month_named = f"{year}-{number:02d}", f"{year}年{number}月"  # nobody else's month
    staff = {
        f"{SITE}-dir-{tag}": {
            "site_id": SITE,
            "name": "周经理",
            "title": "物业服务中心经理",
            "department": "customer_service",
            "phones": [unique_phone()],
            "email": director_mail,
            "roles": ["director"],
        },
        f"{SITE}-a1-{tag}": {
            "site_id": SITE,
            "name": "李娜",
            "title": "客服员",
            "department": "customer_service",
            "phones": [unique_phone()],
            "roles": ["agent"],
        },
        f"{SITE}-a2-{tag}": {
            "site_id": SITE,
            "name": "王强",
            "title": "客服员",
            "department": "customer_service",
            "phones": [unique_phone()],
            "roles": ["agent"],
        },
    }
    await staff_known_to_notification(platform, staff)
    async with client(platform, "intake") as intake:
        site_name = (await intake.get(f"/sites/{SITE}", headers=auth(Role.ADMIN))).json()["name"]

    first, second = f"{SITE}-a1-{tag}", f"{SITE}-a2-{tag}"
    assignments = [
        {"day": f"{month}-02", "shift": "early", "staff": second},
        {"day": f"{month}-01", "shift": "late", "staff": second},
        {"day": f"{month}-01", "shift": "early", "staff": first},
    ]
    async with client(platform, "intake") as intake:
        drafted = await intake.put(
            f"/rosters/{SITE}/{month}",
            json={"assignments": assignments},
            headers=changing(Role.SUPERVISOR),
        )
        assert drafted.status_code == 201, drafted.text
        for _ in range(2):  # submitted twice (a double click): sent once
            submitted = await intake.post(
                f"/rosters/{SITE}/{month}/submission", headers=changing(Role.SUPERVISOR)
            )
            assert submitted.status_code == 200, submitted.text
            assert submitted.json()["status"] == "submitted"

    [sent] = await eventually(
        lambda: mails_to(platform, director_mail, f"{month_named}前台排班表"),
        what="the roster's e-mail to the site's director",
    )
    await asyncio.sleep(1)  # a second e-mail would be here by now
    assert len(mails_to(platform, director_mail, f"{month_named}前台排班表")) == 1
    assert sent["subject"] == f"{site_name} {month_named}前台排班表"
    body = mail_body(platform, sent)
    assert body.startswith("周经理您好：")
    assert f"{site_name} {month_named}前台排班表，由bench-supervisor于" in body
    assert body.index(f"{number}月1日") < body.index(f"{number}月2日")
    assert "  early：李娜\n  late：王强\n" in body  # by name, the day's shifts in order
    assert "共 2 天、3 人次。" in body
