"""A broadcast (群发通知) composed in the console over notification's API on the real stack (issue
#13 "Screens"; NTF-08: a planned outage told to every household).

A small new site has two households, in buildings 1 and 2, each with a resident agreeing to SMS.
Its manager opens the broadcasts from the navigation and counts the audience: two readers, both
by SMS, one in each building. A broadcast whose SMS names a field a broadcast lacks (``{{ fee }}``)
is refused beside the SMS text, with what was typed kept; corrected, it is sent, and its page
follows its progress (polled) until it is done, with both sent and none failed, and its report
per building. The list shows it done. On a phone's width the page fits."""

from __future__ import annotations

import random
import re
import uuid
from typing import Any

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_callback_kpis import as_
from tests.browser.test_callbacks import DESKTOP, PHONE, fits_the_phone
from tests.e2e.test_management_fees import resident
from tests.e2e.test_sites import new_site
from tests.support import auth, changing, client, eventually

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]

MANAGER = "周经理"


async def a_small_site(platform: Stack) -> str:
    """A new site with two households (1-101, 2-201), each a resident agreeing to SMS, once
    notification holds them."""
    site = f"bs{uuid.uuid4().hex[:6]}"
    async with client(platform, "intake") as intake:
        created = await intake.put(
            f"/sites/{site}",
            json=new_site(f"S{uuid.uuid4().hex[:5].upper()}", time_zone="Asia/Shanghai"),
            headers=changing(Role.ADMIN),
        )
        assert created.status_code == 201, created.text
        for name, (building, room) in (("业主甲", ("1", "101")), ("业主乙", ("2", "201"))):
            owner = await resident(intake, site, name, f"1390{random.randint(1000000, 9999999)}")
            unit = await intake.put(
                f"/units/{site}/{building}/{room}",
                json={"floor_area_m2": "89.35", "owner_id": owner},
                headers=changing(Role.ADMIN),
            )
            assert unit.status_code == 201, unit.text
    async with client(platform, "notification") as notification:

        async def held() -> bool:
            answer = await notification.get(
                f"/broadcast-audiences/{site}", headers=auth(Role.SITE_MANAGER, [site])
            )
            assert answer.status_code == 200, answer.text
            body: dict[str, Any] = answer.json()
            return body["readers"] == 2

        await eventually(held, timeout_s=60, what="notification to hold the site's households")
    return site


async def test_ntf08_a_broadcast_counted_refused_beside_its_field_then_sent_to_done(
    page: Page, platform: Stack
) -> None:
    site = await a_small_site(platform)
    mark = f"停水{site}"
    await page.set_viewport_size(DESKTOP)
    await as_(page, "site_manager", site, MANAGER)
    await page.locator("nav[aria-label=main] a[data-screen=broadcasts]").click()
    form = page.get_by_test_id("compose-form")

    # the audience counted before anything is sent: two readers by SMS, one in each building
    await form.get_by_test_id("scope-site").check()
    await form.get_by_test_id("count-audience").click()
    counted = page.get_by_test_id("audience-count")
    await expect(counted.get_by_test_id("readers")).to_have_text("2")
    await expect(counted.get_by_test_id("by-channel-sms")).to_have_text("2")
    await expect(counted.get_by_test_id("by-building-1")).to_contain_text("1")
    await expect(counted.get_by_test_id("by-building-2")).to_contain_text("1")

    # a template naming what a broadcast lacks is refused beside its field, as typed
    form = page.get_by_test_id("compose-form")
    await form.locator("#bc-kind").select_option("outage")
    await form.locator("#bc-sms").fill(f"【{mark}】{{{{ fee }}}}元")
    await form.locator("#bc-subject").fill(f"{mark} {{{{ site }}}}停水通知")
    await form.locator("#bc-body").fill("{{ name }}您好：{{ building }}栋明日9:00-12:00停水。")
    await form.get_by_test_id("send-broadcast").click()
    form = page.get_by_test_id("compose-form")
    await expect(form.get_by_test_id("error-sms_text")).to_contain_text("fee")
    await expect(form.locator("#bc-sms")).to_have_value(f"【{mark}】{{{{ fee }}}}元")
    await expect(form.locator("#bc-subject")).to_have_value(f"{mark} {{{{ site }}}}停水通知")
    await screenshot(page, "broadcasts-refused")

    # corrected and sent: its progress followed until done, both sent, none failed
    await form.locator("#bc-sms").fill(f"【{mark}】{{{{ building }}}}栋{{{{ room }}}}：明日停水。")
    await form.get_by_test_id("send-broadcast").click()
    await expect(page).to_have_url(re.compile(r"/broadcasts/[0-9a-f-]{36}$"), timeout=15_000)
    progress = page.get_by_test_id("broadcast-progress")
    await expect(progress).to_have_attribute("data-status", "done", timeout=60_000)
    await expect(progress.get_by_test_id("sent")).to_have_text("2")
    await expect(progress.get_by_test_id("failed")).to_have_text("0")
    await expect(progress.get_by_test_id("queued")).to_have_text("0")
    await expect(progress).to_have_attribute("data-live", "false")
    buildings = progress.get_by_test_id("report-building")
    await expect(buildings).to_have_count(2)
    for building in ("1", "2"):
        row = progress.locator(f"[data-testid=report-building][data-building='{building}']")
        await expect(row.get_by_test_id("building-sent")).to_have_text("1")
        await expect(row.get_by_test_id("building-failed")).to_have_text("0")
    await expect(progress.get_by_test_id("no-failures")).to_be_visible()
    await expect(page.get_by_test_id("cancel-broadcast")).to_have_count(0)
    await screenshot(page, "broadcast-done")

    # the list shows it done, with its progress
    await page.locator("nav[aria-label=main] a[data-screen=broadcasts]").click()
    row = page.get_by_test_id("broadcast").first
    await expect(row).to_have_attribute("data-status", "done")
    await expect(row.get_by_test_id("sent")).to_have_text("2")
    await expect(row.get_by_test_id("kind")).to_have_text("停水停电")

    # on a phone's width
    await page.set_viewport_size(PHONE)
    await page.reload()
    await expect(page.get_by_test_id("broadcast").first).to_be_visible()
    await fits_the_phone(page)
    await screenshot(page, "broadcasts-phone")
