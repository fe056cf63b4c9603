"""An agent at the hotline works in the browser: signs in, registers a call, finds it in the
list; bad input shows the API's problem next to the field; roles see only their screens."""

from __future__ import annotations

import time

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


async def sign_in(page: Page, role: str, sites: list[str], name: str) -> None:
    await page.goto("/sign-in")
    await page.select_option("#role", role)
    for site in sites:
        await page.check(f"#site-{'all' if site == '*' else site}")
    await page.fill("#name", name)
    await page.click("form.card button[type=submit]")


def fresh_phone() -> str:
    return f"1391{int(time.time() * 1000) % 10_000_000:07d}"


async def register_call(
    page: Page,
    phone: str,
    description: str = "厨房水龙头漏水",
    item: str | None = "RP-TAP",
    **more: str,
) -> None:
    """Fill the call in on /requests/new and submit it: a paid repair of the unit's own tap,
    ``item`` the price-list item it names (TAX-09); ``more``: other fields by id, a value to type
    or (for a select) the option's value."""
    await page.goto("/requests/new")
    for field_id, value in more.items():
        if await page.locator(f"select#{field_id}").count():
            await page.select_option(f"#{field_id}", value)
        else:
            await page.fill(f"#{field_id}", value)
    await page.select_option("#site_id", "dmg")
    await page.fill("#resident-building", "3")
    await page.fill("#resident-room", "1202")
    await page.fill("#resident-name", "王芳")
    await page.fill("#resident-phone", phone)
    await page.select_option("#kind", "repair")
    await page.select_option("#category", "own_unit")
    if item is not None:
        await page.select_option("#item-0", item)
    await page.fill("#description", description)
    await page.click("form.card button[type=submit]")


async def test_an_agent_registers_a_call_and_finds_it_in_the_list(page: Page) -> None:
    await sign_in(page, "agent", ["dmg"], "李娜")
    await expect(page.get_by_test_id("user-name")).to_have_text("李娜")
    await expect(page.get_by_test_id("user-role")).to_have_text("坐席客服专员")
    await expect(page.get_by_test_id("user-sites")).to_have_text("dmg")
    await page.goto("/requests/new")
    await screenshot(page, "register")
    await register_call(page, fresh_phone())
    notice = page.get_by_test_id("registered")
    await expect(notice).to_contain_text("SR-DMG-")
    number = (await notice.locator("strong").inner_text()).strip()
    row = page.locator(f"tr[data-request-no='{number}']")
    await expect(row).to_be_visible()
    await expect(row.locator("td.status")).to_have_text("已受理")
    await expect(row).to_contain_text("3-1202")
    await screenshot(page, "requests")


async def test_tax09_a_paid_repair_names_its_item_from_the_sites_price_list(page: Page) -> None:
    """TAX-09, BIL-01: the register form offers the site's price list (from billing, as intake
    keeps it) with each item's price; a paid repair that names none is refused next to the
    items, and naming one, with a quantity, registers it."""
    await sign_in(page, "agent", ["dmg"], "李娜")
    await register_call(page, fresh_phone(), item=None)
    await expect(page.locator("#requested_items-error")).to_contain_text("price list")
    await expect(page.locator("#description")).to_have_value("厨房水龙头漏水")
    options = page.locator("#item-0 option")
    await expect(options.filter(has_text="RP-DRAIN")).to_have_text(
        "RP-DRAIN · 疏通下水管道 · ¥60.00/次"
    )
    await screenshot(page, "register-price-list")
    await page.select_option("#item-1", "RP-DRAIN")  # a blank first row is skipped
    await page.fill("#quantity-1", "2")
    await page.click("form.card button[type=submit]")
    notice = page.get_by_test_id("registered")
    await expect(notice).to_contain_text("SR-DMG-")
    await notice.locator("a").click()
    await expect(page.get_by_test_id("requested-items")).to_contain_text("RP-DRAIN × 2")


async def test_bad_input_shows_the_apis_problem_next_to_the_field_and_keeps_the_input(
    page: Page,
) -> None:
    await sign_in(page, "agent", ["dmg"], "李娜")
    await register_call(page, "12345")
    error = page.locator("#resident-phone-error")
    await expect(error).to_contain_text("not a valid phone number")
    await expect(page.locator("#resident-phone")).to_have_value("12345")
    await expect(page.locator("#description")).to_have_value("厨房水龙头漏水")
    await screenshot(page, "register-problem")
    await page.fill("#resident-phone", fresh_phone())  # corrected on the same page
    await page.click("form.card button[type=submit]")
    await expect(page.get_by_test_id("registered")).to_be_visible()
    await register_call(page, fresh_phone(), description="   ")
    await expect(page.locator("#description-error")).to_be_visible()


async def test_the_list_filters_by_site_and_status_and_pages(page: Page) -> None:
    await sign_in(page, "supervisor", ["*"], "张敏")
    await register_call(page, fresh_phone())
    await expect(page.get_by_test_id("registered")).to_be_visible()
    await page.select_option("#f-site", "qjc")
    await page.click(".filters button[type=submit]")
    await expect(page.locator("tr[data-request-no^='SR-DMG-']")).to_have_count(0)
    await page.select_option("#f-site", "dmg")
    await page.select_option("#f-status", "accepted")
    await page.click(".filters button[type=submit]")
    await expect(page.locator("tr[data-request-no^='SR-DMG-']").first).to_be_visible()
    assert await page.locator("tr[data-request-no^='SR-QJC-']").count() == 0
    await expect(page.get_by_test_id("page-range")).to_contain_text("1–")


async def test_english_is_a_click_away(page: Page) -> None:
    await sign_in(page, "agent", ["dmg"], "Li Na")
    await page.click("a.lang")
    await expect(page.get_by_test_id("user-role")).to_have_text("Hotline agent")
    await expect(page.locator("nav[aria-label=main]")).to_contain_text("Register a call")
    await screenshot(page, "requests-en")


async def test_a_technician_sees_no_registration_and_is_refused_it(page: Page) -> None:
    await sign_in(page, "technician", ["dmg"], "李强")
    await expect(page.locator("nav[aria-label=main] a")).to_have_count(0)
    response = await page.goto("/requests/new")
    assert response is not None and response.status == 403
    await expect(page.locator(".problem")).to_contain_text("您的角色不能使用此页面")


async def test_sign_out_ends_the_session(page: Page) -> None:
    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.click("header button[type=submit]")
    await expect(page.locator("p.notice")).to_contain_text("已退出")
    await page.goto("/requests")
    assert "/sign-in" in page.url
    await screenshot(page, "sign-in")


async def test_the_list_fits_a_phone_without_sideways_scrolling(page: Page) -> None:
    await page.set_viewport_size({"width": 375, "height": 800})
    await sign_in(page, "agent", ["dmg"], "李娜")
    await register_call(page, fresh_phone())
    await expect(page.get_by_test_id("registered")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide on a 375px phone"
    await screenshot(page, "requests-phone")


async def test_inc02_an_emergency_is_registered_with_its_window_and_stands_out(page: Page) -> None:
    """The agent flags a water leak (INC-01, INC-02) and the visit window agreed (CH-05): the
    list marks it, its page says what emergency it is, where it was received and when."""
    from datetime import UTC, datetime, timedelta

    tomorrow = (datetime.now(UTC) + timedelta(hours=8, days=1)).date().isoformat()
    await sign_in(page, "agent", ["dmg"], "李娜")
    await register_call(
        page,
        fresh_phone(),
        description="楼上漏水, 水从天花板流下",
        emergency="water_leak",
        appointment_at=f"{tomorrow}T09:00",
        appointment_until=f"{tomorrow}T11:00",
    )
    notice = page.get_by_test_id("registered")
    number = (await notice.locator("strong").inner_text()).strip()
    row = page.locator(f"tr[data-request-no='{number}']")
    await expect(row.get_by_test_id("emergency-flag")).to_have_text("漏水")
    await row.locator("a").click()
    await expect(page.get_by_test_id("emergency")).to_contain_text("漏水")
    received = page.get_by_test_id("received")
    await expect(received).to_contain_text("呼叫中心")
    await expect(received).to_contain_text(f"{tomorrow} 09:00")
    await expect(received).to_contain_text(f"{tomorrow} 11:00")


async def test_a_window_that_ends_before_it_starts_is_refused_beside_the_field(
    page: Page,
) -> None:
    from datetime import UTC, datetime, timedelta

    tomorrow = (datetime.now(UTC) + timedelta(hours=8, days=1)).date().isoformat()
    await sign_in(page, "agent", ["dmg"], "李娜")
    await register_call(
        page,
        fresh_phone(),
        appointment_at=f"{tomorrow}T11:00",
        appointment_until=f"{tomorrow}T09:00",
    )
    await expect(page.locator("#appointment_until-error")).to_contain_text("after appointment_at")
    await expect(page.locator("#appointment_until")).to_have_value(f"{tomorrow}T09:00")
