"""Finance's screens in the console over billing on the real stack: a paid tap replacement at dmg
signed for and paid in cash becomes a raised charge; finance opens it from the owed tab, issues
the site's next numbered receipt to the technician who did the work (BIL-11), finds it out in the
receipt book, books the cash handed in (BIL-12, BIL-13: a wrong amount refused beside the form,
as typed, then the right one), and the charge is paid by that receipt; the day of money in lists
the receipt booked and the households served (BIL-15). A second charge is paid by WeChat Pay
through the form, with its transaction number (BIL-16). A site manager reads a charge without
its forms; an agent sees only the households served."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_console import sign_in
from tests.support import (
    signed_paid_repair,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]

SITE = "dmg"


async def a_raised_cash_charge(platform: Stack) -> dict[str, Any]:
    """A paid tap replacement at dmg, signed for and paid in cash: billing's charge once raised."""
    _, charge = await signed_paid_repair(platform, site_id=SITE)
    return charge


async def test_bil11_bil12_bil13_bil15_finance_collects_cash_on_a_numbered_receipt(
    page: Page, platform: Stack
) -> None:
    charge = await a_raised_cash_charge(platform)
    number, total = charge["charge_no"], charge["total"]
    await sign_in(page, "finance", [SITE], "钱会计")
    finance_nav = page.locator("nav[aria-label=finance]")
    await finance_nav.locator("a[data-screen=charges]").click()
    await expect(page.get_by_test_id("charge-tabs")).to_have_attribute("data-tab", "needs_pricing")
    await page.get_by_test_id("tab-raised").click()
    row = page.get_by_test_id(f"charge-{number}")
    await expect(row.get_by_test_id("total")).to_have_text(f"¥{total}")
    await expect(row.get_by_test_id("method")).to_have_text("现金")
    await expect(row.get_by_test_id("status")).to_have_text("待收款")
    await screenshot(page, "charges")

    # the charge: the technician who did the work collects by default (BIL-11)
    await row.get_by_test_id("open-charge").click()
    await expect(page.get_by_test_id("charge-no")).to_have_text(number)
    await expect(page.get_by_test_id("service-record")).to_have_text(charge["service_record_no"])
    form = page.get_by_test_id("receipt-form")
    await expect(form.locator("#receipt-technician")).to_have_value(charge["technician_id"])
    await expect(page.locator("#payment-amount")).to_have_value(total)
    await screenshot(page, "charge")
    await page.get_by_test_id("issue-receipt").click()
    await expect(page.get_by_test_id("done")).to_contain_text("已开具收据")
    receipt_no = (await page.get_by_test_id("done-receipt-no").inner_text()).strip()
    assert receipt_no.startswith("DMG-"), receipt_no
    await expect(page.get_by_test_id("receipt-out")).to_contain_text(receipt_no)
    await expect(page.get_by_test_id("receipt-form")).to_have_count(0)
    await expect(page.get_by_test_id("payment-form")).to_have_count(0)

    # the receipt book: out with the technician; the cash handed in is booked (BIL-12, BIL-13)
    await finance_nav.locator("a[data-screen=receipts]").click()
    await page.get_by_test_id("tab-issued").click()
    receipt_row = page.get_by_test_id(f"receipt-{receipt_no}")
    await expect(receipt_row.get_by_test_id("issued-to")).to_have_text(charge["technician_id"])
    await expect(receipt_row.get_by_test_id("amount")).to_have_text(f"¥{total}")
    await receipt_row.get_by_test_id(f"book-{receipt_no}").click()
    await expect(page.get_by_test_id("receipt-no")).to_have_text(receipt_no)
    await page.locator("#book-amount").fill("1.00")
    await page.get_by_test_id("book-cash").click()
    await expect(page.get_by_test_id("book-problem")).to_contain_text("was handed in")
    await expect(page.locator("#book-amount")).to_have_value("1.00")
    await screenshot(page, "receipt-refused")
    await page.locator("#book-amount").fill(total)
    await page.get_by_test_id("book-cash").click()
    await expect(page.get_by_test_id("done")).to_contain_text("现金已入账")
    await expect(page.get_by_test_id("receipt-status")).to_have_attribute("data-status", "booked")
    await expect(page.get_by_test_id("book-form")).to_have_count(0)

    # the charge is paid by that receipt
    await page.get_by_test_id("open-charge").click()
    await expect(page.get_by_test_id("charge-status")).to_have_attribute("data-status", "paid")
    await expect(page.get_by_test_id("payment-reference")).to_have_text(receipt_no)
    await expect(page.get_by_test_id("payment-method")).to_have_text("现金")

    # the day of money in: the receipt booked, no number missing, the household served (BIL-15)
    await finance_nav.locator("a[data-screen=cash_days]").click()
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    await expect(page.get_by_test_id("day")).to_have_text(today)
    booked = page.get_by_test_id("receipts-booked").get_by_test_id(f"receipt-{receipt_no}")
    await expect(booked).to_be_visible()
    await expect(page.get_by_test_id("missing-numbers")).to_have_count(0)
    await expect(page.get_by_test_id(f"collector-{charge['technician_id']}")).to_be_visible()
    served = page.get_by_test_id("households-served").get_by_test_id(f"household-{number}")
    await expect(served.get_by_test_id("status")).to_have_text("已收款")
    await screenshot(page, "cash-day")

    # a site manager reads the charge, without the forms; an agent sees the households served
    await sign_in(page, "site_manager", [SITE], "赵经理")
    await page.goto(f"/charges/{charge['charge_id']}")
    await expect(page.get_by_test_id("charge-no")).to_have_text(number)
    await expect(page.locator("form.step")).to_have_count(0)
    await sign_in(page, "agent", [SITE], "李娜")
    finance_nav = page.locator("nav[aria-label=finance] a")
    await expect(finance_nav).to_have_count(1)
    await finance_nav.click()
    await expect(page.get_by_test_id(f"household-{number}")).to_be_visible()
    response = await page.goto("/charges")
    assert response is not None and response.status == 403


async def test_bil16_finance_records_a_wechat_payment_by_its_transaction_number(
    page: Page, platform: Stack
) -> None:
    charge = await a_raised_cash_charge(platform)
    reference = f"4200{uuid.uuid4().int % 10**18:018d}"
    await sign_in(page, "finance", [SITE], "钱会计")
    await page.goto(f"/charges/{charge['charge_id']}")
    form = page.get_by_test_id("payment-form")
    await form.locator("#payment-method").select_option("wechat_pay")
    await form.locator("#payment-reference").fill(reference)
    await expect(form.locator("#payment-amount")).to_have_value(charge["total"])
    await page.get_by_test_id("record-payment").click()
    await expect(page.get_by_test_id("done")).to_contain_text("付款已登记")
    await expect(page.get_by_test_id("charge-status")).to_have_attribute("data-status", "paid")
    await expect(page.get_by_test_id("payment-method")).to_have_text("微信支付")
    await expect(page.get_by_test_id("payment-reference")).to_have_text(reference)
    await expect(page.get_by_test_id("collect-forms")).to_have_count(0)

    await page.goto(f"/charges?site_id={SITE}&status=paid")
    row = page.get_by_test_id(f"charge-{charge['charge_no']}")
    await expect(row.get_by_test_id("method")).to_have_text("微信支付")
    await page.goto(f"/cash-days?site_id={SITE}")
    await expect(page.get_by_test_id("method-wechat_pay")).to_be_visible()
