"""One resident's messages and preferences in the console over notification's API on the real
stack (issue #13 "Screens"; NTF-03: what a resident was told).

A repair is registered for a fresh number; notification tells the resident by SMS and e-mail. An
agent opens the request, follows the link to the resident's messages, and sees the number (typed
by intake in E.164) not opted out, not blocked, and the registration's SMS delivered with its text; the
same page is found by typing the number as the resident says it (11 digits). On the resident's
word the agent records an opt-out: the page says who recorded it. A supervisor blocks the number:
without a reason the block is refused beside the form; with one it is kept, with the reason and
who blocked it. On a phone's width the page fits."""

from __future__ import annotations

from typing import Any

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_callback_kpis import as_
from tests.browser.test_callbacks import DESKTOP, PHONE, fits_the_phone
from tests.support import auth, client, eventually, register, repair_request, unique_phone

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]

AGENT, SUPERVISOR = "李娜", "刘主管"
REASON = "号码已易主，新机主要求不再发送"


async def a_resident_told(platform: Stack) -> tuple[str, dict[str, Any]]:
    """A repair registered for a fresh number, once the gateway's receipt says its SMS was
    delivered: the number as the resident says it and the request."""
    phone = unique_phone()
    request = await register(platform, repair_request(phone))
    async with client(platform, "notification") as notification:

        async def sent() -> bool:
            listed = await notification.get(
                "/notifications",
                params={"recipient": f"+86{phone}"},
                headers=auth(Role.SUPERVISOR),
            )
            assert listed.status_code == 200, listed.text
            return any(
                m["status"] == "delivered" and m["channel"] == "sms"
                for n in listed.json()["items"]
                for m in n["messages"]
            )

        await eventually(sent, timeout_s=60, what="the registration's SMS delivered")
    return phone, request


async def test_ntf03_a_residents_messages_an_opt_out_and_a_block_with_its_reason(
    page: Page, platform: Stack
) -> None:
    phone, request = await a_resident_told(platform)
    number = f"+86{phone}"

    # from the request's page to the resident's messages: the SMS delivered, with its text
    await page.set_viewport_size(DESKTOP)
    await as_(page, "agent", "dmg", AGENT)
    await page.goto(f"/requests/{request['request_id']}")
    await page.get_by_test_id("residents-messages").click()
    preference = page.get_by_test_id("preference")
    await expect(preference.get_by_test_id("address")).to_have_text(number)
    await expect(preference.get_by_test_id("opted-out")).to_have_attribute("data-value", "false")
    await expect(preference.get_by_test_id("blocked")).to_have_attribute("data-value", "false")
    sms = page.get_by_test_id("message").filter(has_text="来电已受理")
    await expect(sms).to_have_count(1)  # its e-mail went to the address, not this number
    await expect(sms).to_have_attribute("data-status", "delivered")
    await expect(sms.get_by_test_id("message-status")).to_contain_text("已送达")
    await expect(sms.get_by_test_id("about")).to_contain_text("来电已受理")
    await expect(sms.get_by_test_id("message-channel")).to_have_text("短信")
    await expect(sms.get_by_test_id("body")).to_contain_text(request["request_no"])

    # typed as the resident says it, from the navigation
    await page.locator("nav[aria-label=main] a[data-screen=resident_messages]").click()
    await page.locator("#rm-address").fill(phone)
    await page.get_by_test_id("show-messages").click()
    await expect(page.get_by_test_id("address")).to_have_text(number)
    await expect(page.get_by_test_id("message").filter(has_text="来电已受理")).to_have_count(1)
    await screenshot(page, "resident-messages")

    # the agent records the resident's opt-out; an agent is not offered the block
    await expect(page.get_by_test_id("block-form")).to_have_count(0)
    await page.get_by_test_id("record-opt-out").click()
    await expect(page.get_by_test_id("done")).to_have_text("已登记退订")
    opted = page.get_by_test_id("opted-out")
    await expect(opted).to_have_attribute("data-value", "true")
    await expect(opted.get_by_test_id("opted-out-by")).to_contain_text(AGENT)

    # the supervisor blocks the number: without a reason refused beside the form
    await as_(page, "supervisor", "dmg", SUPERVISOR)
    await page.goto(f"/resident-messages?address={phone}")
    form = page.get_by_test_id("block-form")
    await form.get_by_test_id("record-block").click()
    form = page.get_by_test_id("block-form")
    await expect(form.get_by_test_id("block-problem")).to_contain_text("reason")
    await expect(page.get_by_test_id("blocked")).to_have_attribute("data-value", "false")
    await screenshot(page, "resident-messages-block-refused")
    await form.locator("#rm-reason").fill(REASON)
    await form.get_by_test_id("record-block").click()
    await expect(page.get_by_test_id("done")).to_have_text("已屏蔽")
    blocked = page.get_by_test_id("blocked")
    await expect(blocked).to_have_attribute("data-value", "true")
    await expect(blocked.get_by_test_id("block-reason")).to_have_text(REASON)
    await expect(blocked.get_by_test_id("blocked-by")).to_contain_text(SUPERVISOR)
    await expect(page.get_by_test_id("record-block")).to_have_text("解除屏蔽")

    # on a phone's width
    await page.set_viewport_size(PHONE)
    await page.reload()
    await expect(page.get_by_test_id("message").filter(has_text="来电已受理")).to_be_visible()
    await fits_the_phone(page)
    await screenshot(page, "resident-messages-phone")
