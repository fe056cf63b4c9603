"""Management fees in the console over billing on the real stack (FEE-01 to FEE-06, FEE-10,
FEE-14): on a new site whose directory (3-1202's floor area, its owner and the tenant who pays)
reaches billing over Kafka, finance records the unit's contract in the console, and another for a
unit the directory does not hold; issues a past month's bills with 3-1202's water typed on a line,
the run naming the other unit skipped and why; the bill is overdue with its late fee of 0.05% a
day worked out by hand, its first reminder sent; paid in cash at the desk, the bill's amount
without the late fee refused beside the form first, then what is owed today, on a numbered
receipt whose page it links to; the month's collection rate goes from 0% to 100% against the 95%
target. On a phone's width the bills fit; a director reads the bills, the bill and the contract
without a form."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_console import sign_in
from tests.e2e.test_sites import new_site
from tests.support import changing, client, eventually

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]

XIAN = ZoneInfo("Asia/Shanghai")


def month_before(today: date, months: int) -> date:
    first = today.replace(day=1)
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def late_fee(amount: Decimal, due_on: date, on: date) -> Decimal:
    """By hand: 0.05% of the amount per day after the due day, half up to the fen (FEE-03)."""
    days = max(0, (on - due_on).days)
    return (amount * Decimal("0.0005") * days).quantize(Decimal("0.01"), ROUND_HALF_UP)


async def a_site_with_a_let_unit(platform: Stack) -> str:
    """What intake is told, as the e2e flow tells it: a new site in Xi'an's time, the owner 王芳
    and the tenant 李雷 who pays, and unit 3-1202 of 89.35 m²; the site's id."""
    site = f"mf{uuid.uuid4().hex[:6]}"
    people = {
        "owner": ("王芳", f"1390{random.randint(1000000, 9999999)}"),
        "tenant": ("李雷", f"1380{random.randint(1000000, 9999999)}"),
    }
    async with client(platform, "intake") as intake:
        created = await intake.put(
            f"/sites/{site}",
            json=new_site(f"M{uuid.uuid4().hex[:5].upper()}", time_zone="Asia/Shanghai"),
            headers=changing(Role.ADMIN),
        )
        assert created.status_code == 201, created.text
        ids = {}
        for who, (name, phone) in people.items():
            recorded = await intake.post(
                "/residents",
                json={"site_id": site, "name": name, "phones": [phone]},
                headers=changing(Role.AGENT),
            )
            assert recorded.status_code in (200, 201), recorded.text
            ids[who] = str(recorded.json()["resident_id"])
        unit = await intake.put(
            f"/units/{site}/3/1202",
            json={
                "floor_area_m2": "89.35",
                "owner_id": ids["owner"],
                "tenant_ids": [ids["tenant"]],
                "payer_id": ids["tenant"],
            },
            headers=changing(Role.ADMIN),
        )
        assert unit.status_code == 201, unit.text
    return site


async def record_contract(page: Page, site: str, room: str, starts_on: date) -> None:
    form = page.get_by_test_id("contract-form")
    await form.locator("#fc-no").fill(f"HT-{site}-{room}")
    await form.locator("#fc-form-site").select_option(site)
    await form.locator("#fc-form-building").fill("3")
    await form.locator("#fc-form-room").fill(room)
    await form.locator("#fc-kind").select_option("residential")
    await form.locator("#fc-rate").fill("3.00")
    await form.locator("#fc-starts-on").fill(starts_on.isoformat())
    await page.get_by_test_id("record-contract").click()
    await expect(page.get_by_test_id("done")).to_contain_text("物业费合同已登记")


async def test_fee01_fee10_a_contract_a_months_bills_paid_at_the_desk_and_the_rate(
    page: Page, platform: Stack
) -> None:
    site = await a_site_with_a_let_unit(platform)
    today = datetime.now(XIAN).date()
    month = month_before(today, 2)
    due_on = month.replace(day=10)
    await sign_in(page, "finance", [site], "钱会计")
    finance_nav = page.locator("nav[aria-label=finance]")

    # the unit's contract, recorded from the signed paper; another unit the directory lacks
    await finance_nav.locator("a[data-screen=fee_contracts]").click()
    await record_contract(page, site, "1202", month_before(month, 12))
    await expect(page.get_by_test_id("contract-rate")).to_have_text("¥3.00/m²")
    await expect(page.get_by_test_id("no-deposits")).to_be_visible()  # residential
    await page.get_by_test_id("unit-contracts").click()
    await expect(page.get_by_test_id(f"contract-HT-{site}-1202")).to_be_visible()
    await record_contract(page, site, "1299", month_before(month, 12))

    # the month's bills with 3-1202's water, once the directory reached billing
    await finance_nav.locator("a[data-screen=fee_bills]").click()
    await page.locator("#fb-site").select_option(site)
    await page.locator("#fb-month").fill(f"{month:%Y-%m}")
    await page.get_by_test_id("bill-filters").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("no-bills")).to_be_visible()
    await expect(page.get_by_test_id("collection-due")).to_contain_text("¥0.00")

    async def issued() -> bool:
        await page.locator("#issue-site").select_option(site)
        await page.locator("#issue-month").fill(f"{month:%Y-%m}")
        await page.locator("#issue-meters").fill("3,1202,42.00,,水 12 吨")
        await page.get_by_test_id("issue-bills").click()
        await expect(page.locator("#issue-meters")).to_have_value("")  # the run's page
        return await page.get_by_test_id("bill-3-1202").count() == 1

    await eventually(issued, timeout_s=60, what="3-1202 billed once the directory reached it")
    await expect(page.get_by_test_id("skipped-3-1299")).to_contain_text("not in the directory")
    await screenshot(page, "fee-run")
    amount = Decimal("310.05")  # 89.35 m² × 3.00 = 268.05, and 42.00 of water
    fee = late_fee(amount, due_on, today)
    row = page.get_by_test_id("bill-3-1202")
    await expect(row).to_have_attribute("data-status", "overdue")
    await expect(row.get_by_test_id("amount")).to_have_text(f"¥{amount}")
    await expect(row.get_by_test_id("late-fee")).to_have_text(f"¥{fee}")
    await expect(row.get_by_test_id("owed")).to_have_text(f"¥{amount + fee}")
    await expect(page.get_by_test_id("collection-rate")).to_have_text("0.00%")
    await expect(page.get_by_test_id("below-target")).to_be_visible()
    await expect(page.get_by_test_id("collection-due")).to_contain_text(f"¥{amount}")

    # on a phone's width the month's bills stack, each value with its label
    await page.set_viewport_size({"width": 390, "height": 844})
    await expect(row.get_by_test_id("owed")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await screenshot(page, "fee-bills-phone")
    await page.set_viewport_size({"width": 1280, "height": 900})

    # the bill: its lines, the tenant who pays and the owner liable, its first reminder sent
    await row.get_by_test_id("open-bill").click()
    bill_path = urlsplit(page.url).path
    await expect(page.get_by_test_id("line-water")).to_contain_text("水 12 吨")
    await expect(page.get_by_test_id("line-management_fee")).to_contain_text("¥268.05")
    await expect(page.get_by_test_id("payer")).to_contain_text("李雷")
    await expect(page.get_by_test_id("owner")).to_contain_text("王芳")
    await expect(page.get_by_test_id("late-fee")).to_have_text(f"¥{fee}")

    async def reminded() -> bool:
        await page.reload()
        return (await page.get_by_test_id("reminders-sent").inner_text()).strip() == "1/3"

    await eventually(reminded, timeout_s=60, what="the first reminder sent and counted")
    await expect(page.get_by_test_id("reminder-1")).to_have_attribute("data-sent", "yes")

    # cash at the desk: the bill without its late fee is refused beside the form, as typed
    await expect(page.locator("#cash-amount")).to_have_value(f"{amount + fee}")
    await page.locator("#cash-amount").fill(f"{amount}")
    await page.get_by_test_id("pay-cash").click()
    await expect(page.get_by_test_id("error-amount")).to_contain_text("late fee")
    await expect(page.locator("#cash-amount")).to_have_value(f"{amount}")
    await screenshot(page, "fee-bill-refused")
    await page.locator("#cash-amount").fill(f"{amount + fee}")
    await page.get_by_test_id("pay-cash").click()
    await expect(page.get_by_test_id("done")).to_contain_text("账单已缴清")
    await expect(page.get_by_test_id("bill-status")).to_have_attribute("data-status", "paid")
    receipt_no = (await page.get_by_test_id("done-receipt-no").inner_text()).strip()
    assert receipt_no.startswith(f"{site.upper()}-"), receipt_no
    await expect(page.get_by_test_id("late-fee-paid")).to_have_text(f"¥{fee}")
    await expect(page.get_by_test_id("pay-forms")).to_have_count(0)
    await screenshot(page, "fee-bill-paid")

    # the receipt's page: booked for what was owed, and back to the bill
    await page.get_by_test_id("done-receipt").click()
    await expect(page.get_by_test_id("receipt-no")).to_have_text(receipt_no)
    await expect(page.get_by_test_id("receipt-status")).to_have_attribute("data-status", "booked")
    await expect(page.get_by_test_id("receipt-amount")).to_have_text(f"¥{amount + fee}")
    await page.get_by_test_id("open-charge").click()
    await expect(page.get_by_test_id("bill-status")).to_have_attribute("data-status", "paid")

    # the month's collection rate: all of it collected
    await page.get_by_test_id("month-bills").click()
    await expect(page.get_by_test_id("collection-rate")).to_have_text("100.00%")
    await expect(page.get_by_test_id("meets-target")).to_be_visible()
    await expect(page.get_by_test_id("collection-collected")).to_contain_text(f"¥{amount}")
    await expect(page.get_by_test_id("collection-late-fees")).to_have_text(f"¥{fee}")
    await expect(page.get_by_test_id("bill-3-1202")).to_have_attribute("data-status", "paid")

    # a director reads the bills, the bill and the contract, without a form
    await sign_in(page, "director", [site], "周总")
    await page.goto(f"/fee-bills?site_id={site}&month={month:%Y-%m}")
    await expect(page.get_by_test_id("bill-3-1202")).to_be_visible()
    await expect(page.get_by_test_id("issue-form")).to_have_count(0)
    await page.goto(bill_path)
    await expect(page.get_by_test_id("bill-status")).to_have_attribute("data-status", "paid")
    await expect(page.locator("form[data-testid$='-form']")).to_have_count(0)
    await page.goto(f"/fee-contracts/HT-{site}-1202")
    await expect(page.get_by_test_id("contract-rate")).to_have_text("¥3.00/m²")
    await expect(page.locator("form[data-testid$='-form']")).to_have_count(0)
