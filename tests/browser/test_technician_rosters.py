"""The technicians' monthly roster (维修人员排班表) in the console, over dispatch's roster routes on
the real stack: a site's duty staff open next month (not drafted yet: an empty grid on the
site's own shifts), tick two technicians' shifts, save the draft and publish it; the published
month is read-only, and a sick leave recorded with its cover shows in the list and the grid; an
absence dispatch refuses (the technician is not on that shift) shows dispatch's reason beside
the form. Who is on shift now is beside the month."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import a_site_with_its_own_shifts, screenshot
from tests.browser.test_console import sign_in
from tests.support import auth, client, eventually

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

SHANGHAI = ZoneInfo("Asia/Shanghai")
THROWAWAY_MONTH = "2098-01"
"""A month the test drafts only to learn that dispatch has the site's shifts."""


def _next_month() -> str:
    today = datetime.now(SHANGHAI).date().replace(day=1)
    return (today + timedelta(days=32)).replace(day=1).strftime("%Y-%m")


def _late(month: str) -> bool:
    """Whether ``month``'s roster is past its publish-by (the end of the 25th before)."""
    first = date.fromisoformat(f"{month}-01")
    due_day = (first - timedelta(days=1)).replace(day=25) + timedelta(days=1)
    return datetime.now(UTC) >= datetime.combine(due_day, time(0), tzinfo=SHANGHAI)


async def a_site_with_two_technicians(platform: Stack) -> tuple[str, dict[str, str]]:
    """A new site whose day runs a day and a night shift, with two maintenance technicians
    (one a plumber), once dispatch has the site's shifts from intake's directory."""
    site_id = await a_site_with_its_own_shifts(platform, uuid.uuid4().hex[:6])
    technicians = {f"{site_id}-t1": "李强", f"{site_id}-t2": "赵敏"}
    skills = {f"{site_id}-t1": ["plumbing"], f"{site_id}-t2": []}

    def as_admin() -> dict[str, str]:
        return {**auth(Role.ADMIN), "Idempotency-Key": str(uuid.uuid4())}

    async with client(platform, "dispatch") as dispatch:
        for technician_id, name in technicians.items():
            saved = await dispatch.put(
                f"/technicians/{technician_id}",
                json={
                    "site_id": site_id,
                    "name": name,
                    "phone": "+8613900000101",
                    "trades": ["maintenance"],
                    "skills": skills[technician_id],
                    "on_duty": True,
                },
                headers=as_admin(),
            )
            assert saved.status_code == 200, saved.text

        async def shifts_known() -> dict[str, Any] | None:
            # refused (not kept) while dispatch does not know the site's "day" shift yet
            entry = {
                "day": f"{THROWAWAY_MONTH}-01",
                "shift": "day",
                "technician_id": site_id + "-t1",
            }
            answer = await dispatch.put(
                f"/technician-rosters/{site_id}/{THROWAWAY_MONTH}",
                json={"entries": [entry]},
                headers=as_admin(),
            )
            if answer.status_code == 422:
                return None
            assert answer.status_code in (200, 201), answer.text
            shown: dict[str, Any] = answer.json()
            return shown

        await eventually(shifts_known, what="the site's shifts kept by dispatch")
    return site_id, technicians


async def test_duty_staff_draft_publish_the_month_and_record_a_sick_leave_with_its_cover(
    page: Page, platform: Stack
) -> None:
    site_id, technicians = await a_site_with_two_technicians(platform)
    first, second = list(technicians)
    month = _next_month()
    day1, day2 = f"{month}-01", f"{month}-02"
    await sign_in(page, "duty_staff", [site_id], "张敏")
    link = page.locator("nav[aria-label=work] a[data-screen=technician_rosters]")
    await expect(link).to_be_visible()
    await link.click()  # the site is the user's only one

    # next month by default, not drafted yet: an empty grid on the site's own shifts
    await expect(page.locator("#tr-month")).to_have_value(month)
    await expect(page.get_by_test_id("roster-status")).to_have_attribute("data-status", "none")
    await expect(page.get_by_test_id("roster-due")).to_contain_text(
        (date.fromisoformat(f"{month}-01") - timedelta(days=1)).replace(day=26).isoformat()
    )
    await expect(page.get_by_test_id("late")).to_have_count(1 if _late(month) else 0)
    await expect(page.get_by_test_id(f"abilities-{first}")).to_contain_text("水暖")
    grid = page.get_by_test_id("roster-grid")
    await expect(grid).to_have_attribute("data-editable", "true")
    await expect(grid.locator(f'input[value="{day1}/night/{first}"]')).not_to_be_checked()
    on_shift = page.get_by_test_id("on-shift")
    await expect(on_shift.get_by_test_id("on-shift-basis")).to_have_attribute(
        "data-by-roster", "false"
    )
    await expect(on_shift.get_by_test_id(f"on-shift-{first}")).to_contain_text("李强")
    await expect(on_shift.get_by_test_id(f"on-shift-{second}")).to_contain_text("赵敏")

    ticks = [f"{day1}/day/{first}", f"{day2}/day/{first}", f"{day1}/night/{second}"]
    ticks.append(f"{day2}/night/{second}")
    for tick in ticks:
        await grid.locator(f'input[value="{tick}"]').check()
    await screenshot(page, "technician-roster-draft")
    await page.get_by_test_id("save-draft").click()
    await expect(page.get_by_test_id("done")).to_contain_text("草稿已保存")
    await expect(page.get_by_test_id("roster-status")).to_have_attribute("data-status", "draft")
    await expect(page.get_by_test_id("roster-drafted-by")).to_have_text("张敏")
    for tick in ticks:
        await expect(page.locator(f'input[value="{tick}"]')).to_be_checked()

    await page.get_by_test_id("publish").click()
    await expect(page.get_by_test_id("done")).to_contain_text("已发布")
    status = page.get_by_test_id("roster-status")
    await expect(status).to_have_attribute("data-status", "published")
    await expect(status).to_have_text("已发布")
    await expect(page.get_by_test_id("roster-published")).to_contain_text("张敏")
    grid = page.get_by_test_id("roster-grid")
    await expect(grid).to_have_attribute("data-editable", "false")
    await expect(page.locator("input[name=entry]")).to_have_count(0)
    await expect(page.get_by_test_id("save-draft")).to_have_count(0)
    await expect(grid.get_by_test_id(f"cell-{first}/{day2}")).to_contain_text("day")
    await expect(page.get_by_test_id("no-absences")).to_be_visible()

    # 李强 is off sick on day 2's day shift; 赵敏 (on the night shift) covers it
    form = page.get_by_test_id("absence-form")
    await form.locator("#ab-technician").select_option(first)
    await form.locator("#ab-kind").select_option("sick_leave")
    await form.locator("#ab-day").fill(day2)
    await form.locator("#ab-shift").select_option("day")
    await form.locator("#ab-cover").select_option(second)
    await form.locator("#ab-reason").fill("发烧")
    await page.get_by_test_id("record-absence").click()
    await expect(page.get_by_test_id("done")).to_contain_text("缺勤已登记")
    row = page.get_by_test_id(f"absence-{first}-{day2}-day")
    await expect(row.get_by_test_id("absence-kind")).to_have_text("病假")
    await expect(row.get_by_test_id("absence-who")).to_have_text("李强")
    await expect(row.get_by_test_id("absence-cover")).to_have_text("赵敏")
    await expect(row.get_by_test_id("absence-reason")).to_have_text("发烧")
    await expect(row.get_by_test_id("absence-by")).to_contain_text("张敏")
    grid = page.get_by_test_id("roster-grid")
    await expect(
        grid.locator(f'[data-testid="cell-{first}/{day2}"] [data-absence]')
    ).to_have_attribute("data-absence", "sick_leave")
    await expect(
        grid.locator(f'[data-testid="cell-{second}/{day2}"] [data-covers]')
    ).to_have_attribute("data-covers", first)
    await expect(page.locator("input[name=entry]")).to_have_count(0)
    await screenshot(page, "technician-roster-published")

    async with client(platform, "dispatch") as dispatch:
        kept = await dispatch.get(f"/technician-rosters/{site_id}/{month}", headers=auth())
    assert kept.status_code == 200, kept.text
    roster = kept.json()
    assert roster["status"] == "published" and roster["published_by"] == "张敏"
    assert sorted((e["day"], e["shift"], e["technician_id"]) for e in roster["entries"]) == sorted(
        tuple(tick.split("/", 2)) for tick in ticks
    )
    [absence] = roster["absences"]
    assert (absence["kind"], absence["technician_id"], absence["cover_by"]) == (
        "sick_leave",
        first,
        second,
    )


async def test_an_absence_dispatch_refuses_shows_its_reason_beside_the_form(
    page: Page, platform: Stack
) -> None:
    """赵敏 works the night shift of the 1st, not the day shift: dispatch refuses her absence
    from it, and the page says so beside the form, as typed."""
    site_id, technicians = await a_site_with_two_technicians(platform)
    first, second = list(technicians)
    month = _next_month()
    day1 = f"{month}-01"
    await sign_in(page, "site_manager", [site_id], "王经理")
    await page.goto(f"/technician-rosters?site_id={site_id}&month={month}")
    grid = page.get_by_test_id("roster-grid")
    await grid.locator(f'input[value="{day1}/day/{first}"]').check()
    await grid.locator(f'input[value="{day1}/night/{second}"]').check()
    await page.get_by_test_id("publish").click()  # saves what is ticked, then publishes
    await expect(page.get_by_test_id("roster-status")).to_have_attribute("data-status", "published")

    form = page.get_by_test_id("absence-form")
    await form.locator("#ab-technician").select_option(second)
    await form.locator("#ab-kind").select_option("leave")
    await form.locator("#ab-day").fill(day1)
    await form.locator("#ab-shift").select_option("day")
    await form.locator("#ab-reason").fill("家中有事")
    await page.get_by_test_id("record-absence").click()
    refused = page.get_by_test_id("absence-problem")
    await expect(refused).to_contain_text(f"{second} is not on the day shift of {day1}")
    form = page.get_by_test_id("absence-form")
    await expect(form.locator("#ab-reason")).to_have_value("家中有事")
    await expect(form.locator("#ab-technician")).to_have_value(second)
    await expect(form.locator("#ab-cover")).to_have_value("")
    await expect(page.get_by_test_id("no-absences")).to_be_visible()
    await screenshot(page, "technician-roster-absence-refused")
