"""The callback screens after the call in the console over callback's API on the real stack
(issue #12).

A site's manager at a fresh site opens its callback policy (回访规定) from the navigation: the
manuals' rules are version 0, in force, bank-collected services called back at 80% (CB-02, CB-03,
CB-10, CB-11). A bank-collected share of 70% is refused beside its field, everything typed kept;
90% from tomorrow is set: listed as version 1, in force from tomorrow, version 0 still in force
today. The month's samples say nothing was sampled yet.

A repair at a fresh site is worked to the resident's signature and callback puts its call on the
list: the queue at a glance counts it among those due later, the count opening that tab. The
agent records the resident unsatisfied through the call screen (its kind, a free repair under the
manuals' rules, in small print); the rectification (整改) it opens is listed among the open ones
with loop 1 of 2 and the resident's words, at a phone's width too; its page shows the loop and
links back to the call that found it wanting (CB-07, CB-09).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import a_site_with_its_own_shifts, screenshot
from tests.browser.test_callbacks import DESKTOP, PHONE, a_callback_to_make, fits_the_phone
from tests.browser.test_console import sign_in
from tests.support import auth, client, eventually

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def policy_in_its_service(platform: Stack, site_id: str) -> dict[str, Any]:
    async with client(platform, "callback") as callback:
        found = await callback.get(
            f"/callback-policies/{site_id}", headers=auth(Role.SITE_MANAGER, [site_id])
        )
    assert found.status_code == 200, found.text
    policy: dict[str, Any] = found.json()
    return policy


async def test_cb02_cb03_cb10_cb11_a_site_manager_sets_a_version_from_tomorrow_not_under_the_floor(
    page: Page, platform: Stack
) -> None:
    site_id = await a_site_with_its_own_shifts(platform, uuid.uuid4().hex[:6])
    tomorrow = (datetime.now(SHANGHAI) + timedelta(days=1)).date().isoformat()
    in_force = page.get_by_test_id("in-force")
    bank_share = page.locator("#cp-bank_collected-share")

    # the site's manager opens the site's policy from the navigation: the manuals' rules
    await sign_in(page, "site_manager", [site_id], "刘经理")
    await page.locator("nav[aria-label=callbacks] a[data-screen=callback_policies]").click()
    await expect(page).to_have_url(re.compile(rf"/callback-policies/{site_id}$"))
    await expect(in_force.get_by_test_id("in-force-version")).to_have_text("0")
    await expect(in_force.get_by_test_id("manuals")).to_contain_text("按操作手册")
    bank = in_force.get_by_test_id("rule-bank_collected")
    await expect(bank).to_contain_text("银行托收服务")
    await expect(bank.get_by_test_id("share")).to_have_text("80%")
    await expect(bank.get_by_test_id("floor")).to_have_text("80%")
    await expect(in_force.get_by_test_id("rule-cash_paid").get_by_test_id("share")).to_have_text(
        "100%"
    )
    await expect(in_force.get_by_test_id("month-done-before")).to_have_text("10")
    await expect(page.get_by_test_id("version-0")).to_have_attribute("data-state", "in_force")
    await expect(bank_share).to_have_value("80")  # the form starts from the version in force
    await expect(page.get_by_test_id("floor-bank_collected")).to_contain_text("80%")
    await expect(page.get_by_test_id("no-samples")).to_be_visible()  # nothing sampled yet
    await screenshot(page, "callback-policy")

    # CB-03: under the manuals' floor is refused beside the field, what was typed kept
    await bank_share.fill("70")
    await page.locator("#cp-limit").fill("3")
    await page.locator("#cp-note").fill("托收回访试行70%")
    await page.get_by_test_id("add-version").click()
    await expect(page.get_by_test_id("error-rules.bank_collected.share")).to_contain_text(
        "bank_collected"
    )
    await expect(
        page.get_by_test_id("rule-field-bank_collected").get_by_test_id(
            "error-rules.bank_collected.share"
        )
    ).to_be_visible()
    await expect(page.get_by_test_id("version-problem")).to_be_visible()
    await expect(bank_share).to_have_value("70")
    await expect(page.locator("#cp-limit")).to_have_value("3")
    await expect(page.locator("#cp-note")).to_have_value("托收回访试行70%")
    await expect(page.get_by_test_id("version-1")).to_have_count(0)
    await screenshot(page, "callback-policy-refused")

    # 90% from tomorrow: listed ahead, version 0 still in force today
    await bank_share.fill("90")
    await page.locator("#cp-from").fill(tomorrow)
    await page.locator("#cp-note").fill("托收回访提高到90%")
    await page.get_by_test_id("add-version").click()
    await expect(page.get_by_test_id("done")).to_have_text("新版本已设定")
    ahead = page.get_by_test_id("version-1")
    await expect(ahead).to_have_attribute("data-state", "scheduled")
    await expect(ahead.get_by_test_id("effective-from")).to_have_text(tomorrow)
    await expect(ahead.get_by_test_id("rule-bank_collected")).to_contain_text("90%")
    await expect(ahead).to_contain_text("托收回访提高到90%")
    await expect(ahead.get_by_test_id("state")).to_have_text("待生效")
    await expect(page.get_by_test_id("version-0")).to_have_attribute("data-state", "in_force")
    await expect(in_force.get_by_test_id("in-force-version")).to_have_text("0")
    await expect(bank.get_by_test_id("share")).to_have_text("80%")
    await screenshot(page, "callback-policy-version-ahead")

    policy = await policy_in_its_service(platform, site_id)
    assert policy["in_force"]["version"] == 0
    [version] = policy["versions"]
    assert version["version"] == 1 and version["effective_from"] == tomorrow
    assert version["rules"]["bank_collected"] == {"share": 90, "within_working_days": 2}
    assert version["rectification_limit"] == 3 and version["note"] == "托收回访提高到90%"


async def rectification_of(platform: Stack, site_id: str, request_id: str) -> dict[str, Any] | None:
    async with client(platform, "callback") as callback:
        found = await callback.get(
            "/rectifications",
            params={"request_id": request_id},
            headers=auth(Role.AGENT, [site_id]),
        )
    items = found.json()["items"] if found.status_code == 200 else []
    return dict(items[0]) if items else None


async def test_cb07_cb09_an_unsatisfied_call_opens_a_rectification_listed_with_its_loop(
    page: Page, platform: Stack
) -> None:
    site_id, callback = await a_callback_to_make(platform)
    number = callback["request_no"]
    call_path = f"/callbacks/{callback['callback_id']}"
    words = "门还是关不严，  晚上漏风"

    # the queue at a glance: the repair's call is due later, the count opens that tab
    await sign_in(page, "agent", [site_id], "李娜")
    await page.locator("nav[aria-label=callbacks] a[data-screen=callbacks]").click()
    glance = page.get_by_test_id(f"glance-{site_id}-after_repair")
    await expect(glance.get_by_test_id("open-later")).to_have_text("1")
    await expect(glance.get_by_test_id("overdue")).to_have_text("0")
    await screenshot(page, "callbacks-glance")
    await glance.get_by_test_id("open-later").click()
    await expect(page.get_by_test_id("callback-tabs")).to_have_attribute("data-tab", "later")
    await expect(page.locator("#cb-reason")).to_have_value("after_repair")
    await page.get_by_test_id(f"callback-{number}").get_by_test_id("open-callback").click()

    # the call says what kind of case it is under the site's policy; recorded unsatisfied
    await expect(page).to_have_url(re.compile(f"{call_path}$"))
    await expect(page.get_by_test_id("trigger")).to_contain_text("免费维修")
    await expect(page.get_by_test_id("trigger")).to_contain_text("按操作手册")
    outcome = page.get_by_test_id("outcome-form")
    await outcome.locator("#cb-satisfied-no").check()
    await outcome.locator("#cb-opinion").fill(words)
    await page.get_by_test_id("record-outcome").click()
    await expect(page.get_by_test_id("done")).to_have_text("回访结果已记录")
    await expect(page.get_by_test_id("outcome-satisfied")).to_have_text("不满意")

    # CB-07: callback opens the rectification; the list shows it open, loop 1 of 2
    opened = await eventually(
        lambda: rectification_of(platform, site_id, callback["request_id"]),
        timeout_s=60,
        what=f"the rectification of request {number}",
    )
    assert opened["status"] == "open" and len(opened["loops"]) == 1
    await page.locator("nav[aria-label=callbacks] a[data-screen=rectifications]").click()
    await expect(page.get_by_test_id("rectification-tabs")).to_have_attribute("data-tab", "open")
    row = page.get_by_test_id(f"rectification-{number}")
    await expect(row.get_by_test_id("status")).to_have_text("整改中")
    await expect(row.get_by_test_id("loops")).to_have_text("1/2")
    await expect(row.get_by_test_id("opinion")).to_have_text(words)
    await expect(row.get_by_test_id("resident")).to_have_text("王芳 · 3-1202")
    await expect(row.get_by_test_id("reason")).to_have_text("维修后回访")
    await expect(row.get_by_test_id("opened-at")).not_to_be_empty()
    await screenshot(page, "rectifications")
    await page.get_by_test_id("tab-closed").click()
    await expect(page.get_by_test_id("rectification-tabs")).to_have_attribute("data-tab", "closed")
    await expect(row).to_have_count(0)

    # at a phone's width: the list fits, the case opens with its loop and the call
    await page.set_viewport_size(PHONE)
    await page.get_by_test_id("tab-open").click()
    await expect(row.get_by_test_id("loops")).to_have_text("1/2")
    await fits_the_phone(page)
    await screenshot(page, "rectifications-phone")
    await row.get_by_test_id("open-rectification").click()
    await expect(page.get_by_test_id("request-no")).to_have_text(number)
    await expect(page.get_by_test_id("rectification-status")).to_have_attribute(
        "data-status", "open"
    )
    loop = page.get_by_test_id("loop-1")
    await expect(loop.get_by_test_id("loop-opinion")).to_have_text(words)
    await expect(loop.get_by_test_id("follow-up")).to_contain_text("尚待整改后回访")
    await expect(loop.get_by_test_id("found-by")).to_have_attribute("href", call_path)
    await expect(page.locator("main form")).to_have_count(0)
    await fits_the_phone(page)
    await screenshot(page, "rectification-phone")
    await loop.get_by_test_id("found-by").click()
    await expect(page).to_have_url(re.compile(f"{call_path}$"))
    await expect(page.get_by_test_id("outcome-opinion")).to_have_text(words)
    await page.set_viewport_size(DESKTOP)
