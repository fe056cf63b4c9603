"""The month's callback KPIs (回访考核指标) and the managers' spot checks (回访抽查) in the console
over callback's API on the real stack (issue #12). At a fresh site a repair is worked to the
resident's signature over dispatch's API and its callback made, satisfied, over callback's.

The site's manager opens this month's spot checks from the navigation: the site is short of all
3; drawing 3 draws only the one callback made, shown with its resident and outcome; a check not
confirmed without a note is refused beside its form, with one it is shown checked, and the list
shows the site short by 2 (CB-06). This month's KPIs are live: customer satisfaction 1 of 1 as a
green bar past its 90% mark (SRV-10), the paid services' shares with nothing to divide (SRV-11),
the spot checks 1 of 3; they fit a phone's width. The call centre's supervisor cannot prepare
this month, not over yet: the refusal is beside the button. Last month's report is prepared by
the supervisor, sent back by the site's manager (refused without a note, beside the form; then
with one, shown), prepared again, passed on by the manager and approved by the director: three
people, each sign-off shown with who and when (KPI-14); the CSV downloads through the console
(CB-10, CB-11: each kind's callback rate in it)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_callbacks import DESKTOP, PHONE, a_callback_to_make, fits_the_phone
from tests.browser.test_console import sign_in
from tests.support import auth, client

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUPERVISOR, MANAGER, DIRECTOR = "张主管", "刘经理", "王总"
"""Three people: callback names a signer by their name (KPI-14 wants three different ones)."""


async def a_made_callback(platform: Stack) -> tuple[str, dict[str, Any]]:
    """A fresh site whose repair was called back, the resident satisfied, over callback's API."""
    site_id, callback = await a_callback_to_make(platform)
    async with client(platform, "callback") as service:
        made = await service.post(
            f"/callbacks/{callback['callback_id']}/outcome",
            json={"satisfied": True, "opinion": "师傅很细心, 门修好了", "method": "phone"},
            headers={
                **auth(Role.AGENT, [site_id], subject="cb-agent-李娜"),
                "Idempotency-Key": str(uuid.uuid4()),
            },
        )
    assert made.status_code in (200, 201), made.text
    assert made.json()["status"] == "made"
    return site_id, callback


async def as_(page: Page, role: str, site_id: str, name: str) -> None:
    await page.context.clear_cookies()
    await sign_in(page, role, [site_id], name)


async def test_cb06_kpi14_srv10_srv11_cb10_cb11_spot_checks_and_the_months_kpis_signed_by_three(
    page: Page, platform: Stack
) -> None:
    site_id, callback = await a_made_callback(platform)
    callback_id = callback["callback_id"]
    today = datetime.now(SHANGHAI).date()
    this_month = f"{today:%Y-%m}"
    last_month = f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"
    nav = page.locator("nav[aria-label=callbacks]")

    # CB-06: the site's manager opens this month's spot checks: the site is short of all 3
    await as_(page, "site_manager", site_id, MANAGER)
    await nav.locator("a[data-screen=spot_checks]").click()
    await expect(page.get_by_test_id("this-month")).to_have_attribute("aria-current", "page")
    row = page.get_by_test_id(f"site-{site_id}")
    await expect(row).to_have_attribute("data-short", "3")
    await expect(row.get_by_test_id("drawn")).to_have_text("0")
    await row.get_by_test_id("open-site").click()
    await expect(page.get_by_test_id("none-drawn")).to_be_visible()

    # three asked for, the one made drawn
    await expect(page.locator("#sc-count")).to_have_value("3")
    await page.get_by_test_id("draw").click()
    await expect(page.get_by_test_id("done")).to_have_text("本月已回访的记录不足, 已全部抽取")
    await expect(page.get_by_test_id("drawn-count")).to_have_text("1")
    drawn = page.get_by_test_id(f"drawn-{callback_id}")
    await expect(drawn.get_by_test_id("open-callback")).to_have_text(callback["request_no"])
    await expect(drawn.get_by_test_id("open-callback")).to_have_attribute(
        "href", f"/callbacks/{callback_id}"
    )
    await expect(drawn.get_by_test_id("resident")).to_have_text("王芳 · 3-1202")
    await expect(drawn.get_by_test_id("outcome-opinion")).to_have_text("师傅很细心, 门修好了")
    await expect(drawn.get_by_test_id("outcome-satisfied")).to_have_attribute(
        "data-satisfied", "true"
    )
    await expect(page.get_by_test_id("seed")).not_to_be_empty()

    # not confirmed without saying what differs: refused beside the form; then with it
    await drawn.locator(f"#sc-no-{callback_id}").check()
    await drawn.get_by_test_id("record-check").click()
    drawn = page.get_by_test_id(f"drawn-{callback_id}")
    await expect(drawn.get_by_test_id("check-problem")).to_contain_text("say what differs")
    await expect(drawn.get_by_test_id("error-note")).to_be_visible()
    await expect(drawn.locator(f"#sc-no-{callback_id}")).to_be_checked()
    await screenshot(page, "spot-check-refused")
    await drawn.locator(f"#sc-note-{callback_id}").fill("业主说回访时间不对, 是周六下午打的")
    await drawn.get_by_test_id("record-check").click()
    await expect(page.get_by_test_id("done")).to_have_text("核实结果已记录")
    drawn = page.get_by_test_id(f"drawn-{callback_id}")
    await expect(drawn).to_have_attribute("data-checked", "true")
    await expect(drawn.get_by_test_id("check-result")).to_have_text("不属实")
    await expect(drawn.get_by_test_id("check-note")).to_have_text(
        "业主说回访时间不对, 是周六下午打的"
    )
    await expect(drawn.get_by_test_id("check-by")).to_have_text(MANAGER)
    await expect(drawn.get_by_test_id("check-form")).to_have_count(0)
    await expect(page.get_by_test_id("short")).to_have_attribute("data-short", "2")
    await screenshot(page, "spot-check-site")
    await page.get_by_test_id("back-to-list").click()
    await expect(row).to_have_attribute("data-short", "2")
    await expect(row).to_have_class("late")
    await expect(row.get_by_test_id("short")).to_have_text("2")
    await expect(row.get_by_test_id("checked")).to_have_text("1 / 3")
    await screenshot(page, "spot-checks")

    # SRV-10, SRV-11: this month's KPIs as they stand, each against its target
    await nav.locator("a[data-screen=callback_kpis]").click()
    await expect(page.locator("#kpi-site")).to_have_value(site_id)
    await expect(page.locator("#kpi-month")).to_have_value(this_month)
    await expect(page.get_by_test_id("kpi-status")).to_have_attribute("data-status", "live")
    await expect(page.get_by_test_id("kpi-live")).to_be_visible()
    satisfaction = page.get_by_test_id("kpi-customer_satisfaction")
    await expect(satisfaction).to_have_attribute("data-meets", "true")
    await expect(satisfaction.get_by_test_id("bar")).to_have_attribute("data-state", "met")
    await expect(satisfaction.get_by_test_id("bar")).to_have_attribute("data-fill", "100.0")
    await expect(satisfaction.get_by_test_id("bar")).to_have_attribute("data-mark", "90.0")
    await expect(satisfaction.get_by_test_id("bar-fill")).to_be_visible()
    await expect(satisfaction.get_by_test_id("value")).to_contain_text("100%")
    await expect(satisfaction.get_by_test_id("meets")).to_have_text("达标")
    await expect(satisfaction.get_by_test_id("target")).to_have_text("≥90%")
    await expect(satisfaction.get_by_test_id("fraction")).to_have_text("1 / 1")
    paid = page.get_by_test_id("kpi-paid_satisfaction_all_paid")
    await expect(paid).to_have_attribute("data-meets", "none")  # a free repair: none paid
    await expect(paid.get_by_test_id("value")).to_have_text("—")
    await expect(paid.get_by_test_id("target")).to_have_text("≥98%")
    rate = page.get_by_test_id("kpi-callback_rate_repair")
    await expect(rate.get_by_test_id("fraction")).to_have_text("1 / 1")
    spot = page.get_by_test_id("kpi-spot_checks")
    await expect(spot.get_by_test_id("fraction")).to_have_text("1 / 3")
    await expect(spot.get_by_test_id("bar")).to_have_attribute("data-state", "missed")
    await expect(
        page.get_by_test_id("kpi-rectifications_open").get_by_test_id("value")
    ).to_have_text("0")
    await expect(page.get_by_test_id("kpi-forms")).to_have_count(0)  # nothing for a manager
    await screenshot(page, "callback-kpis")
    await page.set_viewport_size(PHONE)
    await page.reload()
    await expect(satisfaction.get_by_test_id("bar")).to_be_visible()
    await fits_the_phone(page)
    await screenshot(page, "callback-kpis-phone")
    await page.set_viewport_size(DESKTOP)

    # KPI-14: this month is not over: the supervisor's preparing is refused beside the button
    await as_(page, "supervisor", site_id, SUPERVISOR)
    await nav.locator("a[data-screen=callback_kpis]").click()
    await expect(page.locator("#kpi-month")).to_have_value(this_month)
    await page.get_by_test_id("prepare-kpis").click()
    await expect(
        page.get_by_test_id("prepare-form").get_by_test_id("prepare-problem")
    ).to_contain_text(f"{this_month} is not over yet")
    await expect(page.get_by_test_id("kpi-status")).to_have_attribute("data-status", "live")

    # last month: prepared by the supervisor
    await page.get_by_test_id("last-month").click()
    await expect(page.locator("#kpi-month")).to_have_value(last_month)
    await page.get_by_test_id("prepare-kpis").click()
    await expect(page.get_by_test_id("done")).to_have_text("报表已编写")
    await expect(page.get_by_test_id("kpi-status")).to_have_attribute("data-status", "prepared")
    await expect(page.get_by_test_id("signed-prepared").get_by_test_id("by")).to_have_text(
        SUPERVISOR
    )
    await expect(page.get_by_test_id("kpi-forms")).to_have_count(0)
    last_page = page.url

    # sent back by the site's manager: refused without a note, beside the form; then with one
    await as_(page, "site_manager", site_id, MANAGER)
    await page.goto(last_page)
    await page.get_by_test_id("review-send-back").click()
    await expect(page.get_by_test_id("review-problem")).to_contain_text(
        "say what is to be corrected"
    )
    await expect(page.get_by_test_id("error-note")).to_be_visible()
    await expect(page.get_by_test_id("kpi-status")).to_have_attribute("data-status", "prepared")
    note = "回访抽查不足 3 条, 请核对"
    await page.locator("#kpi-review-note").fill(note)
    await page.get_by_test_id("review-send-back").click()
    await expect(page.get_by_test_id("done")).to_have_text("报表已退回")
    await expect(page.get_by_test_id("kpi-status")).to_have_attribute("data-status", "sent_back")
    back = page.get_by_test_id("signed-sent_back")
    await expect(back.get_by_test_id("by")).to_have_text(MANAGER)
    await expect(back.get_by_test_id("note")).to_have_text(note)
    await screenshot(page, "callback-kpis-sent-back")

    # prepared again by the supervisor, passed on by the manager, approved by the director
    await as_(page, "supervisor", site_id, SUPERVISOR)
    await page.goto(last_page)
    await page.get_by_test_id("prepare-kpis").click()
    await expect(page.get_by_test_id("kpi-status")).to_have_attribute("data-status", "prepared")
    await expect(page.get_by_test_id("signed-sent_back")).to_have_count(0)
    await as_(page, "site_manager", site_id, MANAGER)
    await page.goto(last_page)
    await page.get_by_test_id("review-approve").click()
    await expect(page.get_by_test_id("done")).to_have_text("报表已审核, 待批准")
    await expect(page.get_by_test_id("kpi-status")).to_have_attribute("data-status", "reviewed")
    await as_(page, "director", site_id, DIRECTOR)
    await page.goto(last_page)
    await page.get_by_test_id("approve-kpis").click()
    await expect(page.get_by_test_id("done")).to_have_text("报表已批准")
    await expect(page.get_by_test_id("kpi-status")).to_have_attribute("data-status", "approved")
    for step, who in (("prepared", SUPERVISOR), ("reviewed", MANAGER), ("approved", DIRECTOR)):
        signed = page.get_by_test_id(f"signed-{step}")
        await expect(signed).to_have_attribute("data-signed", "true")
        await expect(signed.get_by_test_id("by")).to_have_text(who)
        await expect(signed.get_by_test_id("at")).to_contain_text(today.isoformat())
    await expect(page.get_by_test_id("kpi-forms")).to_have_count(0)
    await screenshot(page, "callback-kpis-approved")

    # the CSV through the console: each KPI, the rates of each kind, the three signers
    async with page.expect_download() as downloading:
        await page.get_by_test_id("kpis-csv").click()
    download = await downloading.value
    assert download.suggested_filename == f"callback-kpis-{site_id}-{last_month}.csv"
    path = await download.path()
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    assert rows[0][:2] == ["kpi", "value"]
    names = [r[0] for r in rows[1:]]
    assert "customer_satisfaction" in names and "callback_rate_valid_complaint" in names
    signers = {r[0]: r[-1] for r in rows if r[0].endswith("_by")}
    assert signers["prepared_by"].startswith(SUPERVISOR)
    assert signers["reviewed_by"].startswith(MANAGER)
    assert signers["approved_by"].startswith(DIRECTOR)
