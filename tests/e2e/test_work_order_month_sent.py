"""A site's month of work orders reaches the departments and the company's leaders once the
month is over, on the real stack (DSP-12): a site intake records starts its monthly reporting in
dispatch; when its month's clock runs out, dispatch publishes the figures on
``dispatch.reports`` and notification e-mails them to the site's information liaison and the
company's director, once each."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dispatch.adapters.mongo.monthly_reports import MONTHLY_REPORTS
from hotline_infra.smtp_sink import read_index
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.mongo import connect
from hotline_libs.unit_of_work import DEADLINES_FIELD, NEXT_DEADLINE_FIELD
from notification.adapters.mongo.staff import STAFF

from tests.e2e.test_sites import new_site
from tests.support import changing, client, eventually, unique_phone

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]


def mails_to(platform: Stack, address: str) -> list[dict[str, Any]]:
    return [
        m
        for m in read_index(platform.mail_dir)
        if address in m["to"] and "派工月报" in m["subject"]
    ]


async def test_dsp12_the_month_of_work_orders_is_emailed_to_the_liaison_and_the_director(
    platform: Stack,
) -> None:
    tag = uuid.uuid4().hex[:6]
    site_id, code = f"mr{tag}", f"M{tag[:5].upper()}"
    liaison_mail, director_mail = f"liaison.{tag}@example.com", f"director.{tag}@example.com"
    staff = {
        f"{site_id}-lia": {
            "site_id": site_id,
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
    }
    async with client(platform, "intake") as intake:
        created = await intake.put(
            f"/sites/{site_id}",
            json=new_site(code, name="月报花园", time_zone="Asia/Shanghai"),
            headers=changing(Role.ADMIN),
        )
        assert created.status_code == 201, created.text
        for staff_id, body in staff.items():
            put = await intake.put(f"/staff/{staff_id}", json=body, headers=changing(Role.ADMIN))
            assert put.status_code == 201, put.text

    store = connect(platform.mongo_url, "test")
    try:
        dispatch_db = store[f"{platform.db_prefix}dispatch"]

        async def reporting() -> dict[str, Any] | None:
            found: dict[str, Any] | None = await dispatch_db[MONTHLY_REPORTS].find_one(
                {"_id": site_id}
            )
            return found

        started = await eventually(reporting, what="dispatch's monthly reporting of the site")
        in_xian = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai"))
        assert started["month"] == f"{in_xian:%Y-%m}"  # from the month it was recorded in

        async def staff_kept() -> bool:
            found = store[f"{platform.db_prefix}notification"][STAFF].find(
                {"_id": {"$in": list(staff)}}
            )
            return len([document async for document in found]) == len(staff)

        await eventually(staff_kept, what="notification's copy of the two staff records")

        # as if the month had ended: last month's clock, run out a second ago
        ended = datetime.now(UTC) - timedelta(seconds=1)
        last_month = _previous(started["month"])
        await dispatch_db[MONTHLY_REPORTS].update_one(
            {"_id": site_id},
            {
                "$set": {
                    "month": last_month,
                    DEADLINES_FIELD: [{"name": "report_due", "due_at": ended}],
                    NEXT_DEADLINE_FIELD: ended,
                }
            },
        )
        await eventually(
            lambda: mails_to(platform, liaison_mail) and mails_to(platform, director_mail),
            what="the month's e-mail to the site's liaison and to the director",
            timeout_s=60,
        )
        await asyncio.sleep(1)  # a second e-mail would be here by now
        [to_liaison] = mails_to(platform, liaison_mail)
        assert len(mails_to(platform, director_mail)) == 1
        month_named = f"{last_month[:4]}年{int(last_month[5:])}月"
        assert to_liaison["subject"] == f"月报花园 {month_named}派工月报"

        moved_on = await reporting()
        assert moved_on is not None
        assert moved_on["month"] == started["month"] and moved_on["reported"] == [last_month]
    finally:
        await store.close()


def _previous(month: str) -> str:
    first = datetime.strptime(f"{month}-01", "%Y-%m-%d")
    return (first - timedelta(days=1)).strftime("%Y-%m")
