"""The phone call's record taken with the registration and shown on the request (CH-05..CH-07,
KPI-09): caller's number, direction, rings, wait, answered at, duration, answered by; a visit has
none. In the browser, on the real stack."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_console import fresh_phone, register_call, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]
SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_kpi09_the_call_record_is_taken_with_the_registration_and_shown_on_the_request(
    page: Page,
) -> None:
    """CH-05..CH-07, KPI-09: the agent fills in the phone call's record (caller's number, rings,
    wait, answered at, duration); a call answered after 5 rings is kept and shown as answered
    beyond 3 rings; an outbound call with rings is refused beside the rings, the form kept."""
    started = (datetime.now(SHANGHAI) - timedelta(minutes=4)).strftime("%Y-%m-%dT%H:%M:%S")
    caller = fresh_phone()
    await sign_in(page, "agent", ["dmg"], "李娜")
    await register_call(
        page,
        fresh_phone(),
        description="卫生间下水道堵塞",
        **{
            "call-caller_number": caller,
            "call-direction": "outbound",
            "call-rings": "5",
            "call-wait_seconds": "40",
            "call-started_at": started,
            "call-duration_seconds": "3:05",
        },
    )
    await expect(page.locator("#call-rings-error")).to_contain_text("an outbound call has none")
    await expect(page.locator("#call-caller_number")).to_have_value(caller)
    await expect(page.locator("#call-duration_seconds")).to_have_value("3:05")
    await expect(page.locator("#description")).to_have_value("卫生间下水道堵塞")
    await screenshot(page, "register-call-refused")
    await page.select_option("#call-direction", "inbound")
    await page.click("form.register button[type=submit]")
    notice = page.get_by_test_id("registered")
    await expect(notice).to_contain_text("SR-DMG-")
    number = (await notice.locator("strong").inner_text()).strip()
    await page.locator(f"tr[data-request-no='{number}'] a").first.click()
    call = page.get_by_test_id("call")
    await expect(call.get_by_test_id("call-caller")).to_have_text(f"+86{caller}")
    await expect(call.get_by_test_id("call-direction")).to_have_text("呼入")
    await expect(call.get_by_test_id("call-rings")).to_have_text("5 · 超过三声")
    await expect(call.get_by_test_id("call-rings")).to_have_class("late")
    await expect(call.get_by_test_id("call-wait")).to_have_text("40")
    await expect(call.get_by_test_id("call-started")).to_have_text(started[:16].replace("T", " "))
    await expect(call.get_by_test_id("call-duration")).to_have_text("3:05")
    await expect(call.get_by_test_id("call-agent")).to_contain_text("李娜")
    await screenshot(page, "request-call")


async def test_a_visit_is_registered_without_a_call_record(page: Page) -> None:
    """CH-05: a resident at the service centre has no phone call: the record left empty is not
    sent (its answered-at is only prefilled) and the request shows none."""
    await sign_in(page, "agent", ["dmg"], "李娜")
    await register_call(page, fresh_phone(), receiving_desk="service_centre")
    notice = page.get_by_test_id("registered")
    number = (await notice.locator("strong").inner_text()).strip()
    await page.locator(f"tr[data-request-no='{number}'] a").first.click()
    await expect(page.get_by_test_id("received")).to_contain_text("客服中心")
    await expect(page.get_by_test_id("call")).to_have_count(0)
