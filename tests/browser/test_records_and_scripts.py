"""The daily complaint record (CMP-18), the reception script (KB-17, KB-20) and a site's
buildings and departments (CH-13, CMP-14, ORG-06, ORG-07) in the browser, on the real stack."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
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


async def test_cmp18_todays_complaint_is_on_the_daily_record_and_its_download(
    page: Page, platform: Stack
) -> None:
    """CMP-18: a complaint taken today is on the site's daily complaint-handling record, with
    what the resident complained of, marked open at the day's end (nothing done about it yet);
    the record downloads as CSV through the console, the complaint's number in it."""
    marker = uuid.uuid4().hex[:6]
    body = {
        "site_id": "dmg",
        "kind": "complaint",
        "category": "environment",
        "description": f"楼道灯坏了一周无人修 {marker}",
        "resident": {"name": "陈立", "phone": fresh_phone(), "building": "5", "room": "902"},
    }
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        taken = await intake.post("/service-requests", json=body, headers=changing(Role.AGENT))
    assert taken.status_code == 201, taken.text
    request_no = taken.json()["request_no"]

    await sign_in(page, "supervisor", ["dmg"], "张敏")
    await page.locator("nav[aria-label=main] a[data-screen=complaint_record]").click()
    row = page.get_by_test_id(f"cr-line-{request_no}")
    await expect(row).to_have_class("open-at-end")
    await expect(row.get_by_test_id("cr-content")).to_have_text(f"楼道灯坏了一周无人修 {marker}")
    await expect(row.get_by_test_id("cr-status")).to_have_text("未结")
    await expect(row.get_by_role("link", name=request_no)).to_have_attribute(
        "href", f"/requests/{taken.json()['request_id']}"
    )
    await expect(page.get_by_test_id("cr-open")).not_to_have_text("0")
    await screenshot(page, "complaint-record")

    href = await page.get_by_test_id("cr-download-csv").get_attribute("href")
    assert href is not None
    downloaded = await page.request.get(href)
    assert downloaded.status == 200, await downloaded.text()
    assert downloaded.headers["content-type"].startswith("text/csv")
    assert "attachment" in downloaded.headers["content-disposition"]
    assert request_no in (await downloaded.body()).decode("utf-8-sig")


async def test_kb20_the_site_manager_rewords_the_close_and_agents_read_it(
    page: Page, platform: Stack
) -> None:
    """KB-17/KB-20: the site manager (the leader in charge) words the site's own script; a step
    left blank is refused beside it, what was typed kept; saved, an agent at the site reads the
    new closing words, the site's own."""
    marker = uuid.uuid4().hex[:6]
    site_id = await a_site_with_its_own_shifts(platform, marker)
    closing_zh, closing_en = f"感谢您的来电，再见 {marker}", f"Thank you for calling {marker}"

    await sign_in(page, "site_manager", [site_id], "刘经理")
    await page.goto(f"/reception-script?site_id={site_id}")
    await expect(page.get_by_test_id("rs-source")).to_contain_text("手册默认")
    greeting = await page.locator("#rs-zh_greet").input_value()
    await page.fill("#rs-zh_greet", "")
    await page.fill("#rs-zh_close", closing_zh)
    await page.fill("#rs-en_close", closing_en)
    await page.get_by_test_id("rs-form").locator("button[type=submit]").click()
    await expect(page.locator("#rs-zh_greet-error")).to_have_text(re.compile(r"\S"))
    await expect(page.locator("#rs-zh_close")).to_have_value(closing_zh)
    await expect(page.locator("#rs-en_close")).to_have_value(closing_en)
    await screenshot(page, "reception-script-refused")
    await page.fill("#rs-zh_greet", greeting)
    await page.get_by_test_id("rs-form").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_be_visible()

    await sign_in(page, "agent", [site_id], "李娜")
    await page.locator("nav[aria-label=main] a[data-screen=reception_script]").click()
    close = page.get_by_test_id("rs-step-close")
    await expect(close.get_by_test_id("rs-zh")).to_have_text(closing_zh)
    await expect(close.get_by_test_id("rs-en")).to_have_text(closing_en)
    await expect(page.get_by_test_id("rs-source")).to_contain_text("本项目")
    await expect(page.get_by_test_id("rs-form")).to_have_count(0)  # agents read, not word
    await screenshot(page, "reception-script")


async def test_ch13_org07_a_building_nobody_covers_shows_beside_one_a_steward_covers(
    page: Page, platform: Stack
) -> None:
    """CH-13/CMP-14: each building's steward is who its calls go to, so a building with units
    but no steward shows; ORG-06/ORG-07: a department with staff but no information liaison
    shows too."""
    marker = uuid.uuid4().hex[:6]
    site_id = await a_site_with_its_own_shifts(platform, marker)
    fresh, covered = f"N{marker[:4]}", f"S{marker[:4]}"
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        unit = await intake.put(
            f"/units/{site_id}/{fresh}/101",
            json={"floor_area_m2": "88.50"},
            headers=changing(Role.ADMIN),
        )
        assert unit.status_code == 201, unit.text
        steward = await intake.put(
            f"/staff/s-{marker}",
            json={
                "site_id": site_id,
                "name": f"周静{marker}",
                "title": "管家",
                "department": "customer_service",
                "phones": ["13900003333"],
                "steward_of": [covered],
                "roles": ["steward"],
            },
            headers=changing(Role.ADMIN),
        )
        assert steward.status_code == 201, steward.text
        listed = await intake.get(f"/sites/{site_id}/buildings", headers=auth(Role.ADMIN))
        assert listed.status_code == 200, listed.text

    await sign_in(page, "supervisor", [site_id], "张敏")
    await page.locator("nav[aria-label=directory] a[data-screen=site_organisation]").click()
    await expect(page).to_have_url(re.compile(f"/organisation/{site_id}$"))
    with_steward = page.get_by_test_id(f"so-building-{covered}")
    await expect(with_steward.get_by_test_id("so-stewards")).to_contain_text(f"周静{marker}")
    await expect(with_steward.get_by_test_id("so-stewards")).to_contain_text("13900003333")
    await expect(with_steward).not_to_have_class("uncovered")
    nobody = page.get_by_test_id(f"so-building-{fresh}")
    await expect(nobody).to_have_class("uncovered")
    await expect(nobody.get_by_test_id("so-stewards")).to_have_text("无管家负责")
    service = page.get_by_test_id("so-department-customer_service")
    await expect(service).to_have_class("uncovered")
    await expect(service.get_by_test_id("so-liaisons")).to_have_text("无信息对接人")
    await screenshot(page, "site-organisation")
