"""The supervisor's complaint queue with its clocks, and a complaint taken from registration to
resolution (CMP-04, CMP-05, CMP-07, CMP-12, CMP-13, CMP-14, CMP-15, CMP-21); a shift's duty log
opened, written in, taken over late with its open items and counted items, signed off by the
outgoing and read by the supervisor (DUTY-04, DUTY-08, DUTY-10..DUTY-15); roles that may not use
these screens neither see them nor open them (DUTY-07, REC-01). In the browser, on the real
stack."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from console.entrypoints.web.complaints import PAGE as COMPLAINTS_PAGE
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import a_site_with_its_own_shifts, screenshot
from tests.browser.test_console import fresh_phone, sign_in
from tests.support import auth, changing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]


async def queue_offset(platform: Stack, request_no: str, open_: bool) -> int:
    """Where the queue (the oldest complaint first) shows ``request_no``: its page's offset."""
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        offset = 0
        while True:
            listed = await intake.get(
                "/complaints",
                params={
                    "site_id": "dmg",
                    "open": str(open_).lower(),
                    "limit": COMPLAINTS_PAGE,
                    "offset": offset,
                },
                headers=auth(Role.SUPERVISOR),
            )
            page = listed.json()
            if any(item["request_no"] == request_no for item in page["items"]):
                return offset
            offset += COMPLAINTS_PAGE
            assert offset < page["total"], f"{request_no} is not in the queue"


async def register_complaint(page: Page, marker: str) -> str:
    """An agent takes a complaint on the phone; the request's page links to its register."""
    await page.goto("/requests/new")
    await page.select_option("#site_id", "dmg")
    await page.fill("#resident-building", "5")
    await page.fill("#resident-room", "802")
    await page.fill("#resident-name", "孙丽")
    await page.fill("#resident-phone", fresh_phone())
    await page.select_option("#kind", "complaint")
    await page.select_option("#category", "service_quality")
    await page.fill("#description", f"夜班保安在岗睡觉 {marker}")
    await page.click("form.card button[type=submit]")
    await expect(page.get_by_test_id("registered")).to_contain_text("SR-DMG-")
    return (await page.get_by_test_id("request-no").inner_text()).strip()


async def test_cmp07_cmp13_a_supervisor_assesses_plans_and_resolves_a_complaint_from_the_queue(
    page: Page, platform: Stack
) -> None:
    """CMP-07/CMP-12: a valid complaint is assessed and sent to a department (a valid one sent
    nowhere is refused, intake saying why); CMP-13: the department's handling plan; CMP-14: the
    complaint resolved within its 24-hour target, its ladder stopped; CMP-21: marked a
    representative case."""
    marker = uuid.uuid4().hex[:6]
    await sign_in(page, "agent", ["dmg"], "李娜")
    request_no = await register_complaint(page, marker)
    await expect(page.get_by_test_id("complaint-link")).to_be_visible()

    await sign_in(page, "supervisor", ["*"], "张敏")
    await expect(page.locator("nav[aria-label=main]")).to_contain_text("投诉")
    offset = await queue_offset(platform, request_no, open_=True)
    await page.goto(f"/complaints?site_id=dmg&offset={offset}")
    row = page.get_by_test_id(f"complaint-{request_no}")
    await expect(row.get_by_test_id("complaint-status")).to_have_text("进行中")
    await expect(row).not_to_have_class("late")  # just registered: every clock ahead
    await expect(row.get_by_test_id("clock-reply")).to_contain_text(
        re.compile(r"到期 \d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    )
    await expect(row.get_by_test_id("clock-escalation")).to_contain_text("值班员 → 客服主管")
    registered = datetime.strptime(await row.locator("td").nth(1).inner_text(), "%Y-%m-%d %H:%M")
    target = (registered + timedelta(hours=24)).strftime("%Y-%m-%d %H:%M")  # the site's ladder
    await expect(row.get_by_test_id("clock-resolution")).to_have_text(f"到期 {target}")
    await screenshot(page, "complaints")
    await row.get_by_role("link", name=request_no).click()
    await expect(page.get_by_test_id("request-no")).to_have_text(request_no)
    await expect(page.locator("main")).to_contain_text(marker)

    assess = page.get_by_test_id("assess")
    await assess.locator("#a-validity").select_option("valid")
    await assess.locator("#a-grade").select_option("serious")
    await assess.locator("#a-reason").fill("监控录像证实保安睡岗")
    await assess.locator("button[type=submit]").click()  # sent to no department
    await expect(page.get_by_test_id("problem")).to_contain_text(
        "a valid complaint is sent to the department that solves it"
    )
    await expect(page.locator("#a-reason")).to_have_value("监控录像证实保安睡岗")
    await screenshot(page, "complaint-refused")
    await page.locator("#a-department").select_option("security")
    await page.get_by_test_id("assess").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_have_text("已评估。")
    await expect(page.get_by_test_id("assessment")).to_contain_text("有效投诉 · 严重 · 安全护卫部")
    await expect(page.get_by_test_id("clock-register")).to_contain_text("已完成")

    await page.locator("#p-plan").fill("当晚调换岗位, 保安队长约谈")
    await page.get_by_test_id("plan-form").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("plan")).to_contain_text("当晚调换岗位")

    await page.locator("#r-outcome").fill("已向业户道歉, 涉事保安调岗")
    await page.locator("#r-satisfied").select_option("true")
    await page.get_by_test_id("resolve").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_have_text("已处理完毕，时限停止。")
    await expect(page.get_by_test_id("complaint-status")).to_have_text("已解决")
    await expect(page.get_by_test_id("resolution")).to_contain_text("满意")
    await expect(page.get_by_test_id("assess")).to_have_count(0)  # resolved: no more steps
    await page.get_by_test_id("mark").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("representative")).to_have_text("代表性案例")
    await screenshot(page, "complaint")

    offset = await queue_offset(platform, request_no, open_=False)
    await page.goto(f"/complaints?site_id=dmg&status=resolved&offset={offset}")
    row = page.get_by_test_id(f"complaint-{request_no}")
    await expect(row.get_by_test_id("complaint-status")).to_contain_text("已解决 · 有效投诉")
    await expect(row.get_by_test_id("clock-escalation")).to_have_attribute("data-state", "stopped")
    await expect(row.get_by_test_id("clock-escalation")).to_contain_text("已停止")
    await expect(row.get_by_test_id("clock-resolution")).to_contain_text("已解决")
    await expect(row.get_by_test_id("clock-register")).to_contain_text("已完成")
    await expect(row).not_to_have_class("late")
    await page.goto(f"/complaints?site_id=dmg&offset={await last_open_page(platform)}")
    await expect(page.get_by_test_id(f"complaint-{request_no}")).to_have_count(0)  # not open


async def last_open_page(platform: Stack) -> int:
    """The last page of the open complaints (where a just-resolved one would be were it open)."""
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        listed = await intake.get(
            "/complaints",
            params={"site_id": "dmg", "open": "true", "limit": 1},
            headers=auth(Role.SUPERVISOR),
        )
    total = int(listed.json()["total"])
    return max(total - 1, 0) // COMPLAINTS_PAGE * COMPLAINTS_PAGE


async def complaint_taken(platform: Stack, hours_ago: float, marker: str) -> dict[str, Any]:
    """A complaint taken down after the call, ``hours_ago`` (the paper slip typed in later)."""
    body = {
        "site_id": "dmg",
        "kind": "complaint",
        "category": "environment",
        "description": f"垃圾房异味三天无人处理 {marker}",
        "resident": {"name": "周敏", "phone": fresh_phone(), "building": "7", "room": "301"},
        "registered_at": (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat(),
    }
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        taken = await intake.post("/service-requests", json=body, headers=changing(Role.AGENT))
    assert taken.status_code == 201, taken.text
    created: dict[str, Any] = taken.json()
    return created


async def test_cmp04_a_complaint_not_answered_within_two_hours_is_red_in_the_queue(
    page: Page, platform: Stack
) -> None:
    """CMP-04/CMP-05: a complaint is answered within 2 hours; one taken 3 hours ago and not
    answered is breached: the queue's row and its reply clock are red and say so, the complaint's
    page too. Its ladder (CMP-15, 4 hours to the supervisor) is not yet due."""
    marker = uuid.uuid4().hex[:6]
    created = await complaint_taken(platform, hours_ago=3, marker=marker)
    request_no = created["request_no"]
    await sign_in(page, "supervisor", ["*"], "张敏")
    offset = await queue_offset(platform, request_no, open_=True)
    await page.goto(f"/complaints?site_id=dmg&offset={offset}")
    row = page.get_by_test_id(f"complaint-{request_no}")
    await expect(row).to_have_class("late")
    reply = row.get_by_test_id("clock-reply")
    await expect(reply).to_have_class(re.compile(r"\blate\b"))
    await expect(reply).to_contain_text("已超时")
    await expect(row.get_by_test_id("complaint-status")).to_contain_text("需跟进")
    await expect(row.get_by_test_id("clock-escalation")).not_to_have_class(re.compile(r"\blate\b"))
    await screenshot(page, "complaints-overdue")
    await row.get_by_role("link", name=request_no).click()
    clocks = page.get_by_test_id("clocks")
    await expect(clocks.get_by_test_id("clock-reply")).to_contain_text("已超时")
    await expect(clocks.locator("div.late [data-testid=clock-reply]")).to_be_visible()


def a_past_day(marker: str) -> str:
    """A day of the last year in the site's time (Asia/Shanghai), by ``marker``: a log of its
    shift is taken over after its relief was due."""
    shanghai = datetime.now(UTC) + timedelta(hours=8)
    return (shanghai - timedelta(days=2 + int(marker, 16) % 300)).date().isoformat()


async def open_log(page: Page, day: str, shift: str) -> str:
    """The desk opens a shift's log on /duty; the log's path."""
    await page.goto("/duty")
    opening = page.get_by_test_id("open-log")
    await opening.locator("#d-site").select_option("dmg")
    await opening.locator("#d-day").fill(day)
    await opening.locator("#d-shift").select_option(shift)
    await opening.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("log-id")).to_contain_text(f"dmg · {day} · ")
    return urlsplit(page.url).path


async def take_over(
    page: Page, log_path: str, open_item: str, counted: list[tuple[str, int]]
) -> None:
    """The incoming relieves whoever opened the log: open items heard, items counted."""
    await page.goto(log_path)
    taking = page.get_by_test_id("take-over")
    await expect(taking.locator("#t-outgoing")).to_have_value("console-duty_staff-赵强")
    await taking.locator("#t-open-items").fill(open_item)
    for row, (name, count) in enumerate(counted, start=1):
        await taking.locator(f"#t-item-{row}").fill(name)
        await taking.locator(f"#t-count-{row}").fill(str(count))
    await taking.locator("button[type=submit]").click()


async def test_duty_a_desk_opens_a_log_writes_in_it_and_hands_over_signed_by_both(
    page: Page,
) -> None:
    """DUTY-04: what is received is written in the shift's log; DUTY-12/DUTY-10: the relief due
    15 minutes before the shift ends, a later take-over recorded late; DUTY-13/DUTY-16: the
    open items heard; DUTY-11/DUTY-15: the outgoing, and only they, sign off once relieved, so
    both have signed; DUTY-08: the supervisor signs it read. (The items counted, DUTY-14: the
    next test.)"""
    marker = uuid.uuid4().hex[:6]
    day = a_past_day(marker)
    await sign_in(page, "duty_staff", ["dmg"], "赵强")
    log_path = await open_log(page, day, "early")
    await expect(page.get_by_test_id("log-id")).to_have_text(f"dmg · {day} · 早班 7:30-15:30")
    await expect(page.get_by_test_id("relief-due")).to_have_text(f"{day} 15:15")
    await page.locator("#e-kind").select_option("information")
    await page.locator("#e-text").fill(f"3-1202来电报水管漏水, 已派单 {marker}")
    await page.get_by_test_id("write").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("entries")).to_contain_text(marker)
    await expect(page.get_by_test_id("entries")).to_contain_text("console-duty_staff-赵强")

    await sign_in(page, "duty_staff", ["dmg"], "钱丽")
    await take_over(page, log_path, f"5-802 投诉噪音, 待物业管家回复 {marker}", [])
    await expect(page.get_by_test_id("done")).to_have_text("已接班。")
    handover = page.get_by_test_id("handover")
    await expect(handover.get_by_test_id("open-items")).to_contain_text(marker)
    await expect(handover.get_by_test_id("incoming-signature")).to_contain_text(
        re.compile(r"console-duty_staff-钱丽 · \d{4}-\d{2}-\d{2} \d{2}:\d{2} · 接班迟到 \d+ 分钟")
    )
    state = page.locator("main > section").first.get_by_test_id("handover-state")
    await expect(state).to_have_class("late")  # taken over after the relief was due
    await expect(state).to_contain_text("待交班人签名")
    await page.get_by_test_id("sign-off").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("problem")).to_contain_text(
        "the handover is signed by the outgoing console-duty_staff-赵强"
    )  # the incoming does not sign for the outgoing
    await screenshot(page, "duty-log-taken-over")

    await sign_in(page, "duty_staff", ["dmg"], "赵强")
    await page.goto(log_path)
    await page.get_by_test_id("sign-off").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_have_text("交班人已签名。")
    await expect(page.get_by_test_id("incoming-signature")).to_contain_text("钱丽")
    await expect(page.get_by_test_id("outgoing-signature")).to_contain_text(
        re.compile(r"console-duty_staff-赵强 · \d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    )
    await expect(page.get_by_test_id("closed")).to_have_text("已签名确认")
    await expect(page.get_by_test_id("write")).to_have_count(0)  # signed: nothing more written

    await sign_in(page, "supervisor", ["*"], "张敏")
    await page.goto(log_path)
    await page.get_by_test_id("sign-daily_read").click()
    await expect(page.get_by_test_id("signatures")).to_contain_text(
        "每日查阅 · console-supervisor-张敏"
    )
    await screenshot(page, "duty-log")
    await page.goto(f"/duty?site_id=dmg&day={day}")
    row = page.locator(f"tr[data-testid='log-dmg:{day}:early']")
    await expect(row).to_have_class("late")
    await expect(row.get_by_test_id("handover-state")).to_contain_text("已交接 · 接班迟到")
    await expect(row).to_contain_text("每日查阅 · console-supervisor-张敏")
    await screenshot(page, "duty")


async def test_duty_the_desks_items_counted_at_the_take_over_are_kept(page: Page) -> None:
    """DUTY-14: the outgoing and incoming count the desk's items together; the log keeps what
    was counted."""
    marker = uuid.uuid4().hex[:6]
    await sign_in(page, "duty_staff", ["dmg"], "赵强")
    log_path = await open_log(page, a_past_day(marker), "middle")
    await sign_in(page, "duty_staff", ["dmg"], "钱丽")
    await take_over(page, log_path, f"钥匙柜门锁松动 {marker}", [("对讲机", 2), ("钥匙", 12)])
    counted = page.get_by_test_id("handover").get_by_test_id("counted-items")
    await expect(counted).to_contain_text("对讲机 × 2")
    await expect(counted).to_contain_text("钥匙 × 12")


async def test_roles_that_may_not_use_the_screens_neither_see_nor_open_them(page: Page) -> None:
    """Complaints carry residents' details: intake lets only the desks and oversight read them
    (REC-01); duty records are for the desks and those overseeing them (DUTY-07), not for a
    steward. The console neither lists a screen for such a role nor opens it."""
    await sign_in(page, "technician", ["dmg"], "李强")
    await expect(page.locator("nav[aria-label=main] a")).to_have_count(0)
    for path in (
        "/complaints",
        f"/complaints/{uuid.uuid4()}",
        "/duty",
        "/duty/dmg:2026-11-24:early",
    ):
        response = await page.goto(path)
        assert response is not None and response.status == 403, path
        await expect(page.get_by_test_id("problem")).to_contain_text("您的角色不能使用此页面")

    await sign_in(page, "steward", ["dmg"], "周管家")
    nav = page.locator("nav[aria-label=main]")
    await expect(nav.locator("a[data-screen=complaints]")).to_have_count(1)
    await expect(nav.locator("a[data-screen=duty]")).to_have_count(0)
    response = await page.goto("/duty")
    assert response is not None and response.status == 403
    await expect(page.get_by_test_id("problem")).to_contain_text("您的角色不能使用此页面")


async def test_duty01_the_open_a_log_form_offers_the_sites_own_shifts(
    page: Page, platform: Stack
) -> None:
    """DUTY-01: a site's front desk opens its log on the site's own shifts (GET /sites/{id}),
    not the manual's default early, middle and late; the shift on now is chosen."""
    marker = uuid.uuid4().hex[:6]
    site_id = await a_site_with_its_own_shifts(platform, marker)
    await sign_in(page, "duty_staff", ["dmg", site_id], "陈静")
    await page.goto("/duty")
    choice = page.get_by_test_id("shift-choice")
    await expect(choice).to_contain_text("早班 07:30–15:30")  # dmg: the manual's shifts
    await expect(choice.locator("option")).to_have_count(4)
    await page.get_by_test_id("open-log").locator("#d-site").select_option(site_id)
    await expect(choice.locator("option")).to_have_count(2)
    await expect(choice.locator("option").first).to_have_text("day 08:00–20:00")
    await expect(choice.locator("option").nth(1)).to_have_text("夜班 20:00–08:00")
    hour = datetime.now(ZoneInfo("Asia/Shanghai")).hour
    await expect(choice).to_have_value("day" if 8 <= hour < 20 else "night")
    await choice.select_option("day")
    await page.get_by_test_id("open-log").locator("button[type=submit]").click()
    assert f"/duty/{site_id}:" in page.url and page.url.endswith(":day")
    await screenshot(page, "duty-own-shifts")
