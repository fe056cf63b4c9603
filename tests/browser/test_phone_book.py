"""The phone book in the browser (KB-12): the supervisor adds, changes and removes the numbers
agents transfer calls to, a wrong one refused beside its field; an agent on a call searches it
from the register screen, and finds the staff by their post too. On the real stack."""

from __future__ import annotations

import random
import uuid

import httpx
import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_console import fresh_phone, sign_in
from tests.support import auth, changing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]


def extension() -> str:
    """A 6-digit extension no other test uses."""
    return f"{random.randint(100_000, 999_999)}"


async def phone_book_of(platform: Stack, words: str) -> list[dict[str, object]]:
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        found = await intake.get("/phone-book", params={"q": words}, headers=auth(Role.SUPERVISOR))
        assert found.status_code == 200, found.text
        items: list[dict[str, object]] = found.json()["items"]
        return items


async def test_kb12_an_agent_on_a_call_finds_the_number_the_supervisor_added(
    page: Page, platform: Stack
) -> None:
    """KB-12: the supervisor adds a number to the phone book (a wrong number refused beside its
    field, what was typed kept); the agent, on the register screen, types a word of its purpose
    and sees the number to transfer the call to; changed, the new number is found; removed, it
    is no longer offered."""
    marker = uuid.uuid4().hex[:6]
    number, changed = extension(), extension()
    await sign_in(page, "supervisor", ["*"], "张敏")
    await expect(page.locator("nav[aria-label=directory]")).to_contain_text("电话簿")
    await page.goto("/phone-book")
    add = page.get_by_test_id("pb-new")
    await add.locator("#new-site").select_option("dmg")
    await add.locator("#new-name").fill(f"燃气公司抢修 {marker}")
    await add.locator("#new-number").fill("12ab")
    await add.locator("#new-purpose").fill(f"燃气泄漏 燃气表故障 {marker}")
    await add.locator("#new-department").select_option("maintenance")
    await add.locator("button[type=submit]").click()
    await expect(page.locator("#new-number-error")).to_contain_text(
        "neither a phone number nor a 3 to 8 digit extension"
    )
    await expect(page.locator("#new-purpose")).to_have_value(f"燃气泄漏 燃气表故障 {marker}")
    await expect(page.locator("#new-name")).to_have_value(f"燃气公司抢修 {marker}")
    assert await phone_book_of(platform, marker) == []  # nothing kept of the refused form
    await screenshot(page, "phone-book-refused")
    await page.locator("#new-number").fill(number)
    await page.get_by_test_id("pb-new").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_have_text("号码已保存。")
    await expect(page.get_by_test_id("phone-book")).to_contain_text(f"燃气公司抢修 {marker}")

    await sign_in(page, "agent", ["dmg"], "李娜")
    await expect(page.get_by_test_id("pb-new")).to_have_count(0)
    await page.goto("/requests/new")
    await page.fill("#transfer-q", f"燃气 {marker}")
    found = page.get_by_test_id("transfer-results")
    await expect(found.get_by_test_id("transfer-number")).to_have_text(number)
    await expect(found).to_contain_text(f"燃气公司抢修 {marker}")
    await expect(found).to_contain_text("工程维修部")
    await screenshot(page, "register-transfer")
    await page.goto("/phone-book")
    await expect(page.get_by_test_id("pb-new")).to_have_count(0)  # agents read, never keep
    await page.fill("#pb-q", marker)
    await page.get_by_role("button", name="查找").click()
    await expect(page.get_by_test_id("phone-book").get_by_test_id("pb-number")).to_have_text(number)
    await expect(page.get_by_test_id("pb-edit")).to_have_count(0)

    await sign_in(page, "supervisor", ["*"], "张敏")
    await page.goto(f"/phone-book?q={marker}")
    await page.get_by_test_id("pb-edit").click()
    await page.locator("#e1-number").fill(changed)
    await page.locator("form:has(#e1-number) button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_be_visible()
    entries = await phone_book_of(platform, marker)
    assert [e["number"] for e in entries] == [changed]

    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.goto("/requests/new")
    await page.fill("#transfer-q", marker)
    await expect(page.get_by_test_id("transfer-number")).to_have_text(changed)

    await sign_in(page, "supervisor", ["*"], "张敏")
    await page.goto(f"/phone-book?q={marker}")
    await page.get_by_test_id("pb-edit").click()
    await page.get_by_test_id("pb-remove").click()
    await expect(page.get_by_test_id("done")).to_contain_text(f"燃气公司抢修 {marker}")
    assert await phone_book_of(platform, marker) == []
    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.goto("/requests/new")
    await page.fill("#transfer-q", marker)
    await expect(page.get_by_test_id("transfer-results")).to_contain_text("电话簿中没有找到")


async def test_kb12_the_phone_book_finds_staff_by_their_post(page: Page, platform: Stack) -> None:
    """KB-12, ORG-06: a steward recorded in the staff directory is found by the agent's search
    with their first phone, beside the phone book's numbers."""
    marker = uuid.uuid4().hex[:6]
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        recorded = await intake.put(
            f"/staff/t-{marker}",
            json={
                "site_id": "dmg",
                "name": f"周静{marker}",
                "title": "管家",
                "department": "customer_service",
                "phones": ["13900001234"],
            },
            headers=changing(Role.ADMIN),
        )
        assert recorded.status_code in (200, 201), recorded.text
    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.goto("/requests/new")
    await page.fill("#transfer-q", f"管家 {marker}")
    found = page.get_by_test_id("transfer-results")
    await expect(found).to_contain_text(f"周静{marker}")
    await expect(found.get_by_test_id("transfer-number")).to_have_text("+8613900001234")


async def test_kb12_the_agent_answering_a_consultation_finds_where_to_transfer_it(
    page: Page, platform: Stack
) -> None:
    """TAX-02 (call transfer), KB-12: a consultation keeps the agent on the request's page while
    the caller is on the line; the same search there finds the number to transfer the call to."""
    marker = uuid.uuid4().hex[:6]
    number = extension()
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        put = await intake.put(
            f"/phone-book/{uuid.uuid4()}",
            json={
                "site_id": "dmg",
                "name": f"自来水公司 {marker}",
                "number": number,
                "purpose": f"停水 水压 {marker}",
            },
            headers=changing(Role.SUPERVISOR),
        )
        assert put.status_code == 201, put.text
    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.goto("/requests/new")
    await page.fill("#resident-building", "3")
    await page.fill("#resident-room", "1202")
    await page.fill("#resident-name", "王芳")
    await page.fill("#resident-phone", fresh_phone())
    await page.select_option("#kind", "consultation")
    await page.select_option("#category", "call_transfer")
    await page.fill("#description", "想问停水原因, 请转自来水公司")
    await page.click("form.register button[type=submit]")
    await expect(page.get_by_test_id("registered")).to_contain_text("SR-DMG-")
    await page.fill("#transfer-q", f"停水 {marker}")
    await expect(page.get_by_test_id("transfer-number")).to_have_text(number)
