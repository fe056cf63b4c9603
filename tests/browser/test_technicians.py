"""A site's technicians (维修/服务人员) in the console, over dispatch's technician routes on the real
stack: the site's duty staff add a housekeeper with one of the ten housekeeping items (TAX-07),
dispatch's refusal of a phone too short shown beside its field with the form as typed; she is in
the list with her skill by name, then is edited off duty (what automatic assignment reads,
DSP-02) and the list, dispatch and the roster page all say so; the roster's row opens her in the
form. An agent reads the list without the form."""

from __future__ import annotations

import uuid

import pytest
from hotline_infra.stack import Stack
from playwright.async_api import Page, expect

from tests.browser.conftest import a_site_with_its_own_shifts, screenshot
from tests.browser.test_console import sign_in
from tests.support import auth, client

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]


async def test_tax07_dsp02_duty_staff_add_a_housekeeper_and_take_her_off_duty(
    page: Page, platform: Stack
) -> None:
    site_id = await a_site_with_its_own_shifts(platform, uuid.uuid4().hex[:6])
    technician_id = f"{site_id}-h1"
    await sign_in(page, "duty_staff", [site_id], "张敏")
    link = page.locator("nav[aria-label=work] a[data-screen=technicians]")
    await expect(link).to_be_visible()
    await link.click()  # the site is the user's only one
    await expect(page.locator("#tc-site")).to_have_value(site_id)
    await expect(page.get_by_test_id("no-technicians")).to_be_visible()

    # a new one: on duty by default; dispatch refuses a phone too short, beside the field
    form = page.get_by_test_id("technician-form")
    await expect(form.locator("#t-on-duty")).to_be_checked()
    await form.locator("#t-id").fill(technician_id)
    await form.locator("#t-name").fill("孙丽")
    await form.locator("#t-phone").fill("123")
    await form.locator("#t-trade-housekeeping").check()
    await form.locator("#t-skill-floor_waxing").check()
    await page.get_by_test_id("save-technician").click()
    await expect(page.get_by_test_id("error-phone")).to_be_visible()
    form = page.get_by_test_id("technician-form")
    await expect(form.locator("#t-id")).to_have_value(technician_id)
    await expect(form.locator("#t-name")).to_have_value("孙丽")
    await expect(form.locator("#t-trade-housekeeping")).to_be_checked()
    await expect(form.locator("#t-skill-floor_waxing")).to_be_checked()
    await expect(form.locator("#t-trade-maintenance")).not_to_be_checked()
    await form.locator("#t-phone").fill("+8613900000188")
    await page.get_by_test_id("save-technician").click()

    await expect(page.get_by_test_id("done")).to_contain_text("孙丽")
    row = page.get_by_test_id(f"technician-{technician_id}")
    await expect(row.get_by_test_id("skills")).to_have_text("地板打蜡")
    await expect(row.get_by_test_id("trades")).to_have_text("家政保洁")
    await expect(row.get_by_test_id("on-duty")).to_have_attribute("data-on-duty", "true")
    await screenshot(page, "technicians")

    # edited off duty: the id fixed, her skill kept
    await page.get_by_test_id(f"edit-{technician_id}").click()
    form = page.get_by_test_id("technician-form")
    await expect(form.get_by_test_id("technician-id")).to_have_text(technician_id)
    await expect(form.locator("#t-skill-floor_waxing")).to_be_checked()
    await form.locator("#t-on-duty").uncheck()
    await page.get_by_test_id("save-technician").click()
    await expect(page.get_by_test_id("done")).to_contain_text("已保存")
    row = page.get_by_test_id(f"technician-{technician_id}")
    await expect(row.get_by_test_id("on-duty")).to_have_attribute("data-on-duty", "false")
    await expect(row.get_by_test_id("skills")).to_have_text("地板打蜡")
    await page.locator("#tc-on-duty").check()
    await page.get_by_test_id("technician-choice").locator("button[type=submit]").click()
    await expect(page.get_by_test_id(f"technician-{technician_id}")).to_have_count(0)

    async with client(platform, "dispatch") as dispatch:
        listed = await dispatch.get("/technicians", params={"site_id": site_id}, headers=auth())
    assert listed.status_code == 200, listed.text
    [kept] = listed.json()["items"]
    assert (kept["technician_id"], kept["phone"], kept["on_duty"]) == (
        technician_id,
        "+8613900000188",
        False,
    )
    assert (kept["trades"], kept["skills"]) == (["housekeeping"], ["floor_waxing"])

    # the roster's row: her skill and off duty, and a way back to her form
    await page.goto(f"/technician-rosters?site_id={site_id}")
    roster_row = page.get_by_test_id(f"row-{technician_id}")
    await expect(roster_row).to_contain_text("不在岗")
    await expect(page.get_by_test_id(f"abilities-{technician_id}")).to_contain_text("地板打蜡")
    await page.get_by_test_id(f"edit-technician-{technician_id}").click()
    await expect(page.get_by_test_id("technician-id")).to_have_text(technician_id)

    # an agent reads the list, without the form
    await sign_in(page, "agent", [site_id], "李娜")
    await page.goto(f"/technicians?site_id={site_id}")
    await expect(page.get_by_test_id(f"technician-{technician_id}")).to_be_visible()
    await expect(page.get_by_test_id("technician-form")).to_have_count(0)
    await expect(page.get_by_test_id(f"edit-{technician_id}")).to_have_count(0)
