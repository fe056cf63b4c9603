"""An approved monthly report reaches the departments and the company's leaders, on the real
stack (CMP-19: the monthly departmental complaint report; CMP-22: the period's complaint
statistics go to the departments and to the company's leaders; KB-11): staff recorded through
intake's API reach notification on ``intake.directory``; the director's approval at intake is
published on ``intake.reports``, and notification e-mails the month's figures to the site's
information liaison and the company's director, once each, and not to another site's liaison."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

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
    register,
    staff_known_to_notification,
    unique_phone,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

SITE, OTHER_SITE = "dmg", "qjc"
"""No other test signs this site's report: its month is approved here, once per session."""


async def test_cmp19_cmp22_an_approved_report_is_emailed_to_the_sites_liaison_and_the_director(
    platform: Stack,
) -> None:
    tag = uuid.uuid4().hex[:8]
    liaison_mail, director_mail, elsewhere_mail = (
        f"{who}.{tag}@example.com" for who in ("liaison", "director", "elsewhere")
    )
    staff: dict[str, dict[str, Any]] = {
        f"{SITE}-lia-{tag}": {
            "site_id": SITE,
            "name": "李强",
            "title": "维修主管",
            "department": "maintenance",
            "phones": [unique_phone()],
            "email": liaison_mail,
            "information_liaison": True,
            "roles": ["technician"],
        },
        f"hq-dir-{tag}": {
            "site_id": "*",
            "name": "孙伟",
            "title": "物业服务中心经理",
            "department": "customer_service",
            "phones": [unique_phone()],
            "email": director_mail,
            "roles": ["director"],
        },
        f"{OTHER_SITE}-lia-{tag}": {
            "site_id": OTHER_SITE,
            "name": "周静",
            "title": "保安主管",
            "department": "security",
            "phones": [unique_phone()],
            "email": elsewhere_mail,
            "information_liaison": True,
        },
    }
    # the staff reach notification on their own topic: it keeps them before the approval
    # arrives on another
    await staff_known_to_notification(platform, staff)
    async with client(platform, "intake") as intake:
        site_name = (await intake.get(f"/sites/{SITE}", headers=auth(Role.ADMIN))).json()["name"]

    await register(  # the month has a consultation to count
        platform,
        {
            "site_id": SITE,
            "kind": "consultation",
            "category": "convenience",
            "description": "月报发送测试: 附近的药店几点关门?",
            "resident": {"name": "报表", "phone": unique_phone(), "building": "3", "room": "101"},
        },
    )
    month = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    month_named = f"{month[:4]}年{int(month[5:])}月"
    async with client(platform, "intake") as intake:
        sign = f"/reports/monthly/{SITE}/{month}/sign-offs"
        for stage, role in (
            ("prepared", Role.SUPERVISOR),
            ("reviewed", Role.QUALITY_HEAD),
            ("approved", Role.DIRECTOR),
        ):
            signed = await intake.post(sign, json={"stage": stage}, headers=changing(role))
            assert signed.status_code == 200, signed.text

    await eventually(
        lambda: (
            mails_to(platform, liaison_mail, f"{month_named}呼叫中心月报")
            and mails_to(platform, director_mail, f"{month_named}呼叫中心月报")
        ),
        what="the report's e-mail to the site's liaison and to the director",
    )
    await asyncio.sleep(1)  # a second e-mail, or one to another site's liaison, would be here
    [to_liaison] = mails_to(platform, liaison_mail, f"{month_named}呼叫中心月报")
    assert len(mails_to(platform, director_mail, f"{month_named}呼叫中心月报")) == 1
    assert mails_to(platform, elsewhere_mail, f"{month_named}呼叫中心月报") == []
    assert to_liaison["subject"] == f"{site_name} {month_named}呼叫中心月报（已批准）"

    body = mail_body(platform, to_liaison)
    assert body.startswith("李强您好：")
    assert f"{site_name} {month_named}的呼叫中心月报已批准" in body
    assert "编制（呼叫中心主管）：bench-supervisor" in body
    assert "审核（质量控制部）：bench-quality_head" in body
    assert "批准（物业服务中心经理）：bench-director" in body
    consultations = re.search(r"【咨询】\n  登记 (\d+) 件", body)
    assert consultations is not None and int(consultations[1]) >= 1, body
    assert "convenience" in body  # the consultation's topic, counted
    assert "【投诉】" in body and "【报修】" in body
