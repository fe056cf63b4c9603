"""The staff of a site in the browser (KB-12, ORG-06, ORG-07): the site's manager adds a steward,
a wrong phone and buildings for a technician refused beside their fields with what was
typed kept; the steward is found as their building's steward and by the agents' phone book;
marked as left, they are no longer offered to transfer calls to. On the real stack."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_console import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]


async def test_kb12_the_manager_adds_a_steward_whom_agents_then_reach(page: Page) -> None:
    """ORG-07: a site names who looks after which buildings; KB-12: agents transfer calls to
    them. The record refused (a phone that is no number; buildings for a technician, who is
    no steward) keeps what was typed; saved, the building's steward is found, and the phone book
    offers their first phone; left, they are no longer offered."""
    marker = uuid.uuid4().hex[:6]
    building = f"B{marker[:4]}"
    await sign_in(page, "site_manager", ["dmg"], "刘经理")
    await page.goto("/staff")
    await page.get_by_test_id("add-staff").click()
    await page.fill("#m-staff_id", f"t-{marker}")
    await page.select_option("#m-site", "dmg")
    await page.select_option("#m-department", "customer_service")
    await page.fill("#m-name", f"周静{marker}")
    await page.fill("#m-title", "管家")
    await page.fill("#m-phone-0", "12345")
    await page.fill("#m-steward_of", f"{building}, 9")
    await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.locator("#phones-0-error")).to_contain_text("not a valid phone number")
    await expect(page.locator("#m-steward_of")).to_have_value(f"{building}, 9")
    await expect(page.locator("#m-name")).to_have_value(f"周静{marker}")

    await page.fill("#m-phone-0", "13900002222")
    await page.check("#m-role-technician")
    await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.locator("#roles-error")).to_contain_text("roles must include steward")
    await expect(page.locator("#m-role-technician")).to_be_checked()
    await screenshot(page, "staff-refused")
    await page.uncheck("#m-role-technician")
    await page.check("#m-role-steward")
    await page.check("#m-liaison")
    await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_contain_text(f"周静{marker}")

    await page.fill("#f-building", building)
    await page.get_by_role("button", name="筛选").click()
    row = page.get_by_test_id(f"staff-t-{marker}")
    await expect(row).to_contain_text("+8613900002222")
    await expect(row.get_by_test_id("buildings")).to_have_text(f"{building}, 9")
    await expect(row).to_contain_text("物业管家")
    await expect(row.get_by_test_id("liaison")).to_be_visible()
    await screenshot(page, "staff")

    await sign_in(page, "agent", ["dmg"], "李娜")
    await expect(page.locator("nav[aria-label=directory]")).not_to_contain_text("员工")
    await page.goto("/requests/new")
    await page.fill("#transfer-q", f"管家 {marker}")
    await expect(page.get_by_test_id("transfer-number")).to_have_text("+8613900002222")

    await sign_in(page, "site_manager", ["dmg"], "刘经理")
    await page.goto(f"/staff/t-{marker}")
    await expect(page.locator("#m-role-steward")).to_be_checked()
    await page.uncheck("#m-active")
    await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.get_by_test_id(f"staff-t-{marker}").get_by_test_id("left")).to_be_visible()

    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.goto("/requests/new")
    await page.fill("#transfer-q", f"管家 {marker}")
    await expect(page.get_by_test_id("transfer-results")).to_contain_text("电话簿中没有找到")


async def test_a_new_member_under_a_given_id_is_refused_not_overwritten(page: Page) -> None:
    """Adding a member of staff under an id already given would change that record instead:
    the console refuses it beside the id."""
    marker = uuid.uuid4().hex[:6]
    await sign_in(page, "admin", ["*"], "平台管理员")
    for name in (f"甲{marker}", f"乙{marker}"):
        await page.goto("/staff/new")
        await page.fill("#m-staff_id", f"t-{marker}")
        await page.select_option("#m-site", "dmg")
        await page.fill("#m-name", name)
        await page.fill("#m-title", "工程师")
        await page.fill("#m-phone-0", "13900003333")
        await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.locator("#staff_id-error")).to_contain_text("already a member of staff")
    await page.goto(f"/staff/t-{marker}")
    await expect(page.locator("#m-name")).to_have_value(f"甲{marker}")
