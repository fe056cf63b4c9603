"""The month's close in the console over billing on the real stack (BIL-06 to BIL-08): a paid
cash service signed at gxi is listed under cash on today's service records; finance hands the
day's records to the service centre, and a second hand-over to someone else is refused beside
the form, as billing typed it; the month's page shows the handover, the report lists the tap
replacement and its XLSX file (with its chart) downloads through the console; issuing the report
is refused before the month's last day (and done on it); the page fits a phone's width; a
director reads both pages without a form."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from openpyxl import load_workbook
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_console import sign_in
from tests.support import signed_paid_repair

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]

SITE = "gxi"


async def test_bil06_bil08_a_days_records_handed_over_and_the_months_report(
    page: Page, platform: Stack, tmp_path: Path
) -> None:
    _, charge = await signed_paid_repair(platform, site_id=SITE, payment_method="cash")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    month = f"{today:%Y-%m}"
    last_day = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    await sign_in(page, "finance", [SITE], "钱会计")
    finance_nav = page.locator("nav[aria-label=finance]")

    # today's records, the signed repair under cash
    await finance_nav.locator("a[data-screen=service_records]").click()
    await expect(page.get_by_test_id("day")).to_have_text(today.isoformat())
    record = page.get_by_test_id("records-cash").get_by_test_id(f"record-{charge['charge_no']}")
    await expect(record).to_contain_text(f"¥{charge['total']}")

    # handed to the service centre (the same hand-over again is the same), then to someone else
    form = page.get_by_test_id("handover-form")
    await form.locator("#ho-receiver").select_option("service_centre")
    await form.locator("#ho-received-by").fill("客服-陈")
    await page.get_by_test_id("hand-over").click()
    await expect(page.get_by_test_id("done")).to_contain_text("当日记录已交接")
    await expect(page.get_by_test_id("handover-receiver")).to_have_text("客服中心 · 客服-陈")
    form = page.get_by_test_id("handover-form")
    await form.locator("#ho-receiver").select_option("administrator")
    await form.locator("#ho-received-by").fill("综合-王")
    await page.get_by_test_id("hand-over").click()
    await expect(page.get_by_test_id("handover-problem")).to_contain_text(
        f"the records of {today.isoformat()} were handed to 客服-陈"
    )
    await expect(page.locator("#ho-received-by")).to_have_value("综合-王")

    # the month: the handover, the report's tap line, its XLSX with a chart
    await page.get_by_test_id("open-month").click()
    await expect(page.get_by_test_id(f"handover-{today.isoformat()}")).to_contain_text("客服-陈")
    tap = page.get_by_test_id("report-lines").locator("tr", has_text="RP-TAP")
    await expect(tap).to_have_count(1)
    async with page.expect_download() as downloading:
        await page.get_by_test_id("report-xlsx").click()
    download = await downloading.value
    assert download.suggested_filename == f"financial-report-{SITE}-{month}.xlsx"
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    sheet = load_workbook(saved).active
    assert sheet is not None
    assert any(str(row[0]).startswith("RP-TAP") for row in sheet.iter_rows(values_only=True))
    assert len(sheet._charts) == 1

    # issued on the month's last day or after; earlier, finance is told to wait beside the button
    await page.get_by_test_id("issue-report").click()
    if today == last_day:
        await expect(page.get_by_test_id("done")).to_contain_text("财务收费报表已出具")
    else:
        await expect(page.get_by_test_id("issue-problem")).to_contain_text(
            f"{month} is not at its end"
        )

    # on a phone's width the month fits
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"/month-closes?site_id={SITE}&month={month}")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await screenshot(page, "month-close-phone")
    await page.set_viewport_size({"width": 1280, "height": 900})

    # a director reads both pages without a form (but reviews a report issued today)
    await page.context.clear_cookies()
    await sign_in(page, "director", [SITE], "周总")
    await page.goto(f"/service-records?site_id={SITE}&day={today.isoformat()}")
    await expect(page.get_by_test_id("handover-receiver")).to_have_text("客服中心 · 客服-陈")
    await expect(page.locator("main form[method=post]")).to_have_count(0)
    await page.goto(f"/month-closes?site_id={SITE}&month={month}")
    await expect(
        page.get_by_test_id("report-lines").locator("tr", has_text="RP-TAP")
    ).to_have_count(1)
    await expect(page.get_by_test_id("collection-by-site")).to_contain_text(SITE)
    forms = page.locator("main form[method=post]")
    await expect(forms).to_have_count(1 if today == last_day else 0)
