"""The callback agents' screens (回访) in the console over callback's API on the real stack (issue
#12): a repair at a fresh site is worked to the resident's signature over dispatch's API and
callback puts the call on the list. The agent finds it in the queue (not due today: among all
still to call), opens the call with the request's history, records a try (the resident asks to
be called back tomorrow morning: the next try says when); then records the outcome on a home
visit at a phone's width: without the signed record's reference it is refused beside the field,
the words typed still there; with it, unsatisfied in the resident's words, shown as recorded and
listed among those made. The site's manager reads the call without its forms."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hotline_bench.flows import VISIT
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, ViewportSize, expect

from tests.browser.conftest import a_site_with_its_own_shifts, screenshot
from tests.browser.test_console import sign_in
from tests.support import (
    auth,
    client,
    eventually,
    register,
    repair_request,
    technician_of,
    work_order_of,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]

PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=900)
SHANGHAI = ZoneInfo("Asia/Shanghai")


async def fits_the_phone(page: Page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


async def a_callback_to_make(platform: Stack) -> tuple[str, dict[str, Any]]:
    """A fresh site with a technician on duty, a repair of its common area registered, taken,
    done and signed for by the resident over dispatch's API (the phone's steps): its site and
    the callback callback scheduled for it."""
    site_id = await a_site_with_its_own_shifts(platform, uuid.uuid4().hex[:6])
    technician_id = f"{site_id}-t1"
    async with client(platform, "dispatch") as dispatch:
        saved = await dispatch.put(
            f"/technicians/{technician_id}",
            json={
                "site_id": site_id,
                "name": "李强",
                "phone": "+8613900000101",
                "trades": ["maintenance"],
                "skills": [],
                "on_duty": True,
            },
            headers={**auth(Role.ADMIN), "Idempotency-Key": str(uuid.uuid4())},
        )
        assert saved.status_code in (200, 201), saved.text
    # a free repair: the new site has no price list
    request = await register(platform, repair_request(site_id=site_id, category="common_area"))
    order = await work_order_of(platform, request["request_id"], status="dispatched")
    bodies: dict[str, dict[str, Any]] = {
        "quote": {"items": []},
        "finish": {},
        "sign-off": {"signed_by": order["resident"]["name"], "satisfied": True},
    }
    async with client(platform, "dispatch") as dispatch:
        for step in VISIT:
            done = await dispatch.post(
                f"/work-orders/{order['work_order_id']}/{step}",
                json=bodies.get(step),
                headers={**technician_of(order, [site_id]), "Idempotency-Key": str(uuid.uuid4())},
            )
            assert done.status_code in (200, 201), (step, done.text)

    agent = auth(Role.AGENT, [site_id])

    async def scheduled() -> dict[str, Any] | None:
        async with client(platform, "callback") as callback:
            found = await callback.get(
                "/callbacks", params={"request_id": request["request_id"]}, headers=agent
            )
        items = found.json()["items"] if found.status_code == 200 else []
        return dict(items[0]) if items else None

    found: dict[str, Any] = await eventually(
        scheduled, timeout_s=60, what=f"the callback of request {request['request_no']}"
    )
    assert found["status"] == "scheduled" and found["reason"] == "after_repair"
    return site_id, found


async def callback_in_its_service(platform: Stack, callback_id: str) -> dict[str, Any]:
    async with client(platform, "callback") as callback:
        found = await callback.get(f"/callbacks/{callback_id}", headers=auth(Role.AGENT))
    assert found.status_code == 200, found.text
    shown: dict[str, Any] = found.json()
    return shown


async def test_cb04_cb05_cb12_cb13_an_agent_calls_back_tries_later_and_records_a_visit_unsatisfied(
    page: Page, platform: Stack
) -> None:
    site_id, callback = await a_callback_to_make(platform)
    number = callback["request_no"]
    call_path = f"/callbacks/{callback['callback_id']}"
    row = page.get_by_test_id(f"callback-{number}")
    forms = page.locator("main form[method=post]")

    # CB-13: the hotline's agent opens the queue from the navigation: all still to call
    await sign_in(page, "agent", [site_id], "李娜")
    await page.locator("nav[aria-label=callbacks] a[data-screen=callbacks]").click()
    await expect(page.locator("#cb-site")).to_have_value(site_id)  # the agent's only site
    await expect(page.get_by_test_id("callback-tabs")).to_have_attribute("data-tab", "to_call")
    await expect(row.get_by_test_id("resident")).to_have_text("王芳 · 3-1202")
    await expect(row.get_by_test_id("reason")).to_have_text("维修后回访")
    await expect(row.get_by_test_id("method")).to_contain_text("免费")
    await expect(row.get_by_test_id("due-on")).to_contain_text(callback["due_on"])
    await expect(row.get_by_test_id("due-on")).to_have_attribute("data-late", "false")
    await expect(row.get_by_test_id("tries")).to_have_text("0")
    await expect(row.get_by_test_id("status")).to_have_text("待回访")
    await screenshot(page, "callbacks-queue")
    # due two working days after the work: not among today's calls yet
    await page.get_by_test_id("tab-due_today").click()
    await expect(page.get_by_test_id("callback-tabs")).to_have_attribute("data-tab", "due_today")
    await expect(row).to_have_count(0)
    await page.get_by_test_id("tab-to_call").click()
    await row.get_by_test_id("open-callback").click()

    # CB-12: the call: the resident, the record, the work done, the request's history
    await expect(page.get_by_test_id("request-no")).to_have_text(number)
    await expect(page.get_by_test_id("call")).to_have_attribute(
        "href", f"tel:{callback['resident']['phone']}"
    )
    await expect(page.get_by_test_id("unit")).to_have_text("3-1202")
    await expect(page.get_by_test_id("charge")).to_have_text("无收费")
    await expect(page.get_by_test_id("completed-at")).not_to_be_empty()
    await expect(page.get_by_test_id("timeline")).to_contain_text("ServiceRequestRegistered")
    await expect(page.get_by_test_id("no-attempts")).to_be_visible()
    await expect(page.get_by_test_id("signature-field")).to_be_hidden()  # a phone call: none
    await expect(page.get_by_test_id("call-back-field")).to_be_hidden()

    # the resident is in a meeting and asks to be called tomorrow at ten
    tomorrow = (datetime.now(SHANGHAI) + timedelta(days=1)).date()
    attempt = page.get_by_test_id("attempt-form")
    await attempt.locator("#cb-result-call_back_later").check()
    await attempt.locator("#cb-call-back-at").fill(f"{tomorrow.isoformat()}T10:00")
    await attempt.locator("#cb-note").fill("在开会, 明早再打")
    await page.get_by_test_id("record-attempt").click()
    await expect(page.get_by_test_id("done")).to_have_text("本次联系已记录")
    await expect(page.get_by_test_id("next-try")).to_have_text(f"{tomorrow.isoformat()} 10:00")
    tried = page.get_by_test_id("attempt-1")
    await expect(tried.get_by_test_id("result")).to_have_text("约定稍后再打")
    await expect(tried.get_by_test_id("note")).to_have_text("在开会, 明早再打")
    await expect(tried.get_by_test_id("next-at")).to_have_text(f"{tomorrow.isoformat()} 10:00")
    await expect(forms).to_have_count(2)
    await screenshot(page, "callback-call")

    # the site's manager reads the call, its tries and history, without the forms
    await page.context.clear_cookies()
    await sign_in(page, "site_manager", [site_id], "刘经理")
    await expect(page.locator("nav[aria-label=callbacks] a[data-screen=callbacks]")).to_be_visible()
    await page.goto(call_path)
    await expect(page.get_by_test_id("request-no")).to_have_text(number)
    await expect(page.get_by_test_id("attempt-1")).to_contain_text("约定稍后再打")
    await expect(page.get_by_test_id("timeline")).to_contain_text("ServiceRequestRegistered")
    await expect(forms).to_have_count(0)

    # CB-04, CB-05: the agent visits the resident, on the phone; a visit is signed for
    await page.context.clear_cookies()
    await page.set_viewport_size(PHONE)
    await sign_in(page, "agent", [site_id], "李娜")
    await page.goto("/callbacks")
    await expect(row.get_by_test_id("next-try")).to_have_text(f"{tomorrow.isoformat()} 10:00")
    await expect(row.get_by_test_id("tries")).to_have_text("1")
    await fits_the_phone(page)
    await screenshot(page, "callbacks-queue-phone")
    await row.get_by_test_id("open-callback").click()
    words = "门还是关不严，  晚上漏风。师傅说下周再来看看"
    outcome = page.get_by_test_id("outcome-form")
    await outcome.locator("#cb-satisfied-no").check()
    await outcome.locator("#cb-opinion").fill(words)
    await outcome.locator("#cb-method-visit").check()
    await expect(page.get_by_test_id("signature-field")).to_be_visible()
    await fits_the_phone(page)
    await page.get_by_test_id("record-outcome").click()
    await expect(page.get_by_test_id("error-signature_ref")).to_be_visible()
    await expect(page.get_by_test_id("outcome-problem")).to_contain_text("signature_ref")
    await expect(page.locator("#cb-opinion")).to_have_value(words)
    await expect(page.locator("#cb-satisfied-no")).to_be_checked()
    await expect(page.locator("#cb-method-visit")).to_be_checked()
    await fits_the_phone(page)
    await screenshot(page, "callback-outcome-refused-phone")

    await page.locator("#cb-signature-ref").fill(
        f"{callback['service_record_no'] or number} 回访栏"
    )
    await page.get_by_test_id("record-outcome").click()
    await expect(page.get_by_test_id("done")).to_have_text("回访结果已记录")
    await expect(page.get_by_test_id("callback-status")).to_have_text("已回访")
    shown = page.get_by_test_id("outcome")
    await expect(shown.get_by_test_id("outcome-satisfied")).to_have_text("不满意")
    await expect(shown.get_by_test_id("outcome-satisfied")).to_have_attribute(
        "data-satisfied", "false"
    )
    await expect(shown.get_by_test_id("outcome-opinion")).to_have_text(words)
    await expect(shown.get_by_test_id("outcome-method")).to_have_text("上门")
    await expect(shown.get_by_test_id("outcome-signature-ref")).to_contain_text("回访栏")
    await expect(shown.get_by_test_id("outcome-agent")).to_contain_text("李娜")
    await expect(forms).to_have_count(0)
    await fits_the_phone(page)
    await screenshot(page, "callback-made-phone")

    made = await callback_in_its_service(platform, callback["callback_id"])
    assert made["status"] == "made"
    assert made["outcome"]["opinion"] == words  # verbatim, the double space too
    assert made["outcome"]["satisfied"] is False and made["outcome"]["method"] == "visit"
    assert made["outcome"]["signature_ref"].endswith("回访栏")
    assert [a["result"] for a in made["attempts"]] == ["call_back_later"]

    # the queue lists it among those made, no longer among those to call
    await page.set_viewport_size(DESKTOP)
    await page.get_by_test_id("back-to-queue").click()
    await expect(page.get_by_test_id("callback-tabs")).to_have_attribute("data-tab", "made")
    await expect(row.get_by_test_id("status")).to_have_text("已回访")
    await page.get_by_test_id("tab-to_call").click()
    await expect(page.get_by_test_id("callback-tabs")).to_have_attribute("data-tab", "to_call")
    await expect(row).to_have_count(0)

    # the site's manager reads the outcome as recorded
    await page.context.clear_cookies()
    await sign_in(page, "site_manager", [site_id], "刘经理")
    await page.goto(call_path)
    await expect(page.get_by_test_id("outcome-opinion")).to_have_text(words)
    await expect(forms).to_have_count(0)
