"""A site's price list in the console over billing on the real stack (BIL-01 to BIL-04): finance
opens a new site's list (none yet), sets an item's price (a price of three decimals refused beside
its field, as typed), which is version 1 in effect at once; schedules version 2 for a later day
under a new approval, from version 1's items with a new price and a new item; the versions show
their dates, approvals and states and each version its items; setting one item while version 2
waits is refused beside the form. A director reads the list without the forms."""

from __future__ import annotations

import uuid

import pytest
from hotline_infra.stack import Stack
from playwright.async_api import Page, expect

from tests.browser.conftest import a_site_with_its_own_shifts, screenshot
from tests.browser.test_console import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]


async def test_bil01_bil04_finance_sets_a_price_and_schedules_a_new_version(
    page: Page, platform: Stack
) -> None:
    site_id = await a_site_with_its_own_shifts(platform, uuid.uuid4().hex[:6])
    await sign_in(page, "finance", [site_id], "钱会计")
    await page.locator("nav[aria-label=finance] a[data-screen=price_lists]").click()
    await expect(page.locator("#pl-site")).to_have_value(site_id)
    await expect(page.get_by_test_id("no-price-list")).to_be_visible()

    # one item's price, in effect at once; billing refuses three decimals beside the field
    form = page.get_by_test_id("item-form")
    await form.locator("#i-code").fill("RP-TAP")
    await form.locator("#i-name").fill("更换水龙头")
    await form.locator("#i-name-en").fill("Tap replacement")
    await form.locator("#i-unit").fill("次")
    await form.locator("#i-price").fill("80.005")
    await page.get_by_test_id("set-item").click()
    await expect(page.get_by_test_id("error-unit_price")).to_be_visible()
    await expect(page.locator("#i-price")).to_have_value("80.005")
    await expect(page.locator("#i-name")).to_have_value("更换水龙头")
    await page.locator("#i-price").fill("80.00")
    await page.get_by_test_id("set-item").click()
    await expect(page.get_by_test_id("done")).to_contain_text("RP-TAP")
    await expect(page.get_by_test_id("version-1")).to_have_attribute("data-state", "in_effect")
    tap = page.get_by_test_id("item-RP-TAP")
    await expect(tap.get_by_test_id("price")).to_have_text("¥80.00")
    await expect(tap.get_by_test_id("name-en")).to_have_text("Tap replacement")
    await expect(tap.get_by_test_id("kind")).to_have_text("特约服务（有偿）")

    # version 2 from a later day, under a new approval: the tap dearer, glass cleaning added
    form = page.get_by_test_id("version-form")
    await expect(form.locator("#v-0-code")).to_have_value("RP-TAP")
    await form.locator("#v-effective").fill("2199-01-01T00:00")
    await form.locator("#v-approval").fill("西物价备〔2198〕3号")
    await form.locator("#v-0-price").fill("85.00")
    await form.locator("#v-1-code").fill("HK-GLASS")
    await form.locator("#v-1-name").fill("玻璃清洗")
    await form.locator("#v-1-unit").fill("平方米")
    await form.locator("#v-1-price").fill("5.50")
    await form.locator("#v-1-kind").select_option("special_paid")
    await page.get_by_test_id("schedule-version").click()
    await expect(page.get_by_test_id("done")).to_contain_text("新版本已安排")
    second = page.get_by_test_id("version-2")
    await expect(second).to_have_attribute("data-state", "scheduled")
    await expect(second.get_by_test_id("effective-from")).to_have_text("2199-01-01 00:00")
    await expect(second.get_by_test_id("approval-ref")).to_have_text("西物价备〔2198〕3号")
    await expect(page.get_by_test_id("shown-version")).to_have_text("2")
    await expect(page.get_by_test_id("item-RP-TAP").get_by_test_id("price")).to_have_text("¥85.00")
    await expect(page.get_by_test_id("item-HK-GLASS").get_by_test_id("unit")).to_have_text("平方米")
    await screenshot(page, "price-list")

    # version 1 still in effect, at its price; one item cannot be set while version 2 waits
    await page.get_by_test_id("version-1").get_by_test_id("open-version").click()
    await expect(page.get_by_test_id("item-RP-TAP").get_by_test_id("price")).to_have_text("¥80.00")
    await page.get_by_test_id("edit-RP-TAP").click()
    await expect(page.get_by_test_id("scheduled-ahead")).to_be_visible()
    await expect(page.locator("#i-price")).to_have_value("80.00")
    await page.locator("#i-price").fill("82.00")
    await page.get_by_test_id("set-item").click()
    await expect(page.get_by_test_id("item-problem")).to_contain_text("version 2")
    await expect(page.locator("#i-price")).to_have_value("82.00")

    # a director reads the list, without the forms
    await sign_in(page, "director", [site_id], "周总")
    await page.goto(f"/price-lists?site_id={site_id}")
    await expect(page.get_by_test_id("version-2")).to_be_visible()
    await expect(page.get_by_test_id("item-form")).to_have_count(0)
    await expect(page.get_by_test_id("version-form")).to_have_count(0)
