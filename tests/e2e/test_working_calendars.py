"""A coming year's official working-day calendar, loaded once at intake, counts in every service
(法定节假日 and 调休; KB-04, KB-07, CB-08 count in working days): on the real stack."""

from __future__ import annotations

from typing import Any

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from hotline_libs.mongo import connect
from hotline_libs.working_calendars import CALENDAR_YEARS

from tests.support import auth, client, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("service_logs_on_failure")]

NOTICE_2031 = {
    # a year no package ships yet: New Year, and a Spring Festival week with a Sunday worked
    "days_off": ["2031-01-01", "2031-01-22", "2031-01-23", "2031-01-24", "2031-01-27"],
    "working_weekends": ["2031-02-09"],
    "source": "国务院办公厅关于2031年部分节假日安排的通知 (测试)",
}


async def test_an_admin_loads_a_coming_year_and_every_service_keeps_it(platform: Stack) -> None:
    async with client(platform, "intake") as intake:
        before = await intake.get("/working-calendars/CN", headers=auth(Role.AGENT))
        assert 2031 not in {y["year"] for y in before.json()["items"]}
        shipped = [y for y in before.json()["items"] if y["year"] <= 2026]
        assert shipped and all("chinese_calendar" in y["source"] for y in shipped)

        loaded = await intake.put(
            "/working-calendars/CN/2031",
            json=NOTICE_2031,
            headers={**auth(Role.ADMIN), "Idempotency-Key": "cal-2031-a"},
        )
        assert loaded.status_code == 201, loaded.text
        year = loaded.json()
        assert year["working_weekends"] == ["2031-02-09"]
        assert year["working_days"] == 261 - 5 + 1  # Mon-Fri of 2031, less the days off, plus one
        assert year["loaded_at"] and year["loaded_by"]

        again = await intake.put(
            "/working-calendars/CN/2031",
            json=NOTICE_2031,
            headers={**auth(Role.ADMIN), "Idempotency-Key": "cal-2031-b"},
        )
        assert again.status_code == 200 and again.json()["loaded_at"] == year["loaded_at"]

        listed = await intake.get(
            "/working-calendars/CN", params={"limit": 500}, headers=auth(Role.AGENT)
        )
        [shown] = [y for y in listed.json()["items"] if y["year"] == 2031]
        assert shown["source"] == NOTICE_2031["source"]

    client_ = connect(platform.mongo_url, "test")
    try:

        async def kept_by_callback() -> dict[str, Any] | None:
            db = client_[f"{platform.db_prefix}callback"]
            return await db[CALENDAR_YEARS].find_one({"_id": "CN-2031"})

        kept = await eventually(kept_by_callback, what="callback's copy of 2031")
        assert kept["days_off"] == NOTICE_2031["days_off"]
        assert kept["working_weekends"] == ["2031-02-09"]
    finally:
        await client_.close()


@pytest.mark.parametrize(
    ("days_off", "working_weekends", "field"),
    [
        ([], ["2032-02-09"], "working_weekends"),  # a Monday
        (["2031-12-31"], [], "days_off"),  # another year
        (["2032-02-07"], ["2032-02-07"], "working_weekends"),  # a Saturday both off and worked
    ],
)
async def test_a_notice_that_contradicts_itself_is_refused_naming_what(
    platform: Stack, days_off: list[str], working_weekends: list[str], field: str
) -> None:
    async with client(platform, "intake") as intake:
        refused = await intake.put(
            "/working-calendars/CN/2032",
            json={"days_off": days_off, "working_weekends": working_weekends, "source": "通知"},
            headers={**auth(Role.ADMIN), "Idempotency-Key": f"cal-bad-{days_off}{field}"},
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field
        listed = await intake.get(
            "/working-calendars/CN", params={"limit": 500}, headers=auth(Role.ADMIN)
        )
        assert 2032 not in {y["year"] for y in listed.json()["items"]}


async def test_only_an_admin_loads_a_calendar(platform: Stack) -> None:
    async with client(platform, "intake") as intake:
        refused = await intake.put(
            "/working-calendars/CN/2033",
            json=NOTICE_2031 | {"days_off": [], "working_weekends": []},
            headers={**auth(Role.SUPERVISOR), "Idempotency-Key": "cal-2033"},
        )
    assert refused.status_code == 403
