"""A site's income and spending statement in the console over billing on the real stack (FEE-07,
FEE-09, NTF-06), for the quarter before today's on the real clock: finance opens the period from
the site's list (offered), enters the spending by category and the other income (an amount that
is no amount refused beside its row, as typed), saves and submits it; the site's manager's
send-back without a note is refused beside the form, then sent back with what to correct; finance
reads the note, corrects the line and submits again; the manager approves it, and the page and
the list show it published, its balance a deficit (no fee bills at the new site) and its CSV
downloads through the console. Finance's own review is never offered; the statement reads the
same to the manager at a phone's width."""

from __future__ import annotations

import csv
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

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


def last_quarter() -> str:
    """The quarter before today's in the sites' time: over, so its statement is submitted."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    quarter = (today.month - 1) // 3
    return f"{today.year - 1}-Q4" if quarter == 0 else f"{today.year}-Q{quarter}"


async def test_fee07_a_statement_prepared_sent_back_corrected_and_published(
    page: Page, platform: Stack, tmp_path: Path
) -> None:
    site_id = await a_site_with_its_own_shifts(platform, uuid.uuid4().hex[:6])
    period = last_quarter()
    statement = page.get_by_test_id("statement")
    state = page.get_by_test_id("state")

    # finance opens the last quarter from the site's list: nothing prepared yet
    await sign_in(page, "finance", [site_id], "钱会计")
    await page.locator("nav[aria-label=finance] a[data-screen=income_statements]").click()
    await expect(page.locator("#is-site")).to_have_value(site_id)
    await expect(page.get_by_test_id("no-statements")).to_be_visible()
    await expect(page.locator("#is-period")).to_have_value(period)
    await page.locator("#is-period").fill(f"{period[:4]}-Q5")
    await page.get_by_test_id("open-period").click()
    await expect(page.get_by_test_id("error-period")).to_contain_text("期间须为月份")
    await page.locator("#is-period").fill(period)
    await page.get_by_test_id("open-period").click()
    await expect(page.get_by_test_id("period")).to_have_text(period)
    await expect(page.get_by_test_id("not-prepared")).to_have_text("本期尚未编制")
    await expect(page.get_by_test_id("submit-form")).to_have_count(0)

    # the spending by category and the other income; an amount that is no amount is refused
    form = page.get_by_test_id("figures-form")
    await form.locator("#sp-0-category").select_option("facilities")
    await form.locator("#sp-0-item").fill("绿化养护")
    await form.locator("#sp-0-amount").fill("1,500")
    await form.locator("#sp-1-category").select_option("staff")
    await form.locator("#sp-1-item").fill("工资及社保")
    await form.locator("#sp-1-amount").fill("2000.00")
    await form.locator("#oi-0-item").fill("公共区域广告位租金")
    await form.locator("#oi-0-amount").fill("600.00")
    await form.locator("#st-note").fill("详细账目可到服务中心查阅")
    await page.get_by_test_id("save-figures").click()
    await expect(page.get_by_test_id("error-spending.0.amount")).to_be_visible()
    await expect(page.locator("#sp-0-amount")).to_have_value("1,500")
    await expect(page.locator("#sp-1-item")).to_have_value("工资及社保")
    await page.locator("#sp-0-amount").fill("1500.50")
    await page.get_by_test_id("save-figures").click()
    await expect(page.get_by_test_id("done")).to_have_text("收支已保存")
    await expect(state).to_have_text("草稿")
    await expect(statement.get_by_test_id("category-facilities")).to_contain_text(
        "公用设施设备维修养护及公共场所管理"
    )
    await expect(statement.get_by_test_id("line-facilities-1")).to_contain_text("¥1500.50")
    await expect(statement.get_by_test_id("spending-total")).to_contain_text("¥3500.50")
    await expect(statement.get_by_test_id("other-income-1")).to_contain_text("公共区域广告位租金")
    await expect(statement.get_by_test_id("income-total")).to_contain_text("¥600.00")
    await expect(statement.get_by_test_id("balance")).to_have_text("亏损 ¥2900.50")
    await expect(statement.get_by_test_id("utilities")).to_contain_text("¥0.00")

    # submitted: the figures stand, the form is gone
    await page.get_by_test_id("submit-statement").click()
    await expect(page.get_by_test_id("done")).to_have_text("已提交审核")
    await expect(state).to_have_text("已提交, 待审核")
    await expect(page.get_by_test_id("submitted")).to_contain_text("钱会计")
    await expect(page.locator("main form[method=post]")).to_have_count(0)

    # the site's manager: a send-back needs a note; then sent back saying what to correct
    await page.context.clear_cookies()
    await sign_in(page, "site_manager", [site_id], "刘经理")
    await page.goto(f"/income-statements?site_id={site_id}")
    row = page.get_by_test_id(f"statement-{period}")
    await expect(row.get_by_test_id("state")).to_have_text("已提交, 待审核")
    await row.get_by_test_id("open-statement").click()
    await expect(page.get_by_test_id("figures-form")).to_have_count(0)
    await page.get_by_test_id("send-back-statement").click()
    await expect(page.get_by_test_id("review-problem")).to_contain_text(
        "say what is to be corrected"
    )
    await page.locator("#st-review-note").fill("绿化养护应为 1200.00")
    await page.get_by_test_id("send-back-statement").click()
    await expect(page.get_by_test_id("done")).to_have_text("已退回财务")
    await expect(state).to_have_text("已退回财务")
    await expect(page.get_by_test_id("review-1")).to_contain_text("刘经理 · 退回 · 绿化养护应为")
    await expect(page.locator("main form[method=post]")).to_have_count(0)

    # finance reads the note, corrects the line and submits again
    await page.context.clear_cookies()
    await sign_in(page, "finance", [site_id], "钱会计")
    await page.goto(f"/income-statements/{site_id}/{period}")
    await expect(page.get_by_test_id("review-1")).to_contain_text("绿化养护应为 1200.00")
    await expect(page.locator("#sp-0-item")).to_have_value("绿化养护")
    await page.locator("#sp-0-amount").fill("1200.00")
    await page.get_by_test_id("save-figures").click()
    await expect(page.get_by_test_id("done")).to_have_text("收支已保存")
    await expect(statement.get_by_test_id("spending-total")).to_contain_text("¥3200.00")
    await page.get_by_test_id("submit-statement").click()
    await expect(state).to_have_text("已提交, 待审核")
    await expect(page.get_by_test_id("review-form")).to_have_count(0)  # not finance's to review

    # the manager approves: published to the site's households
    await page.context.clear_cookies()
    await sign_in(page, "site_manager", [site_id], "刘经理")
    await page.goto(f"/income-statements/{site_id}/{period}")
    await page.get_by_test_id("approve-statement").click()
    await expect(page.get_by_test_id("done")).to_have_text("已审核通过, 向业户公示")
    await expect(state).to_have_text("已公示")
    await expect(page.get_by_test_id("published")).to_be_visible()
    await expect(page.get_by_test_id("review-2")).to_contain_text("刘经理 · 审核通过")
    await expect(statement.get_by_test_id("balance")).to_have_text("亏损 ¥2600.00")
    await expect(page.locator("main form[method=post]")).to_have_count(0)

    # the CSV for the notice board, through the console
    async with page.expect_download() as downloading:
        await page.get_by_test_id("statement-csv").click()
    download = await downloading.value
    assert download.suggested_filename == f"income-statement-{site_id}-{period}.csv"
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    rows = list(csv.reader(saved.read_text(encoding="utf-8-sig").splitlines()))
    assert ["balance", "income less spending", "-2600.00"] in rows

    # the list shows it published; at a phone's width the statement fits
    await page.get_by_test_id("back-to-list").click()
    row = page.get_by_test_id(f"statement-{period}")
    await expect(row.get_by_test_id("state")).to_have_text("已公示")
    await expect(row.get_by_test_id("balance")).to_have_text("亏损 ¥2600.00")
    await expect(row.get_by_test_id("published")).not_to_have_text("—")
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"/income-statements/{site_id}/{period}")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await screenshot(page, "income-statement-phone")
    await page.set_viewport_size({"width": 1280, "height": 900})
