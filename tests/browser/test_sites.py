"""A site's settings and request catalogue in the browser: the platform's admin changes the
boards, time zone, escalation ladder and front-desk shifts (CMP-15, DUTY-01), each refused
setting named beside its input; the site's manager keeps its catalogue, adding, renaming,
reclassifying and retiring items (TAX-01..TAX-09, X2), and registration follows it. On the real
stack."""

from __future__ import annotations

import uuid

import httpx
import pytest
from hotline_bench.probes import repair_request
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


async def site_of(platform: Stack, site_id: str) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        found = await intake.get(f"/sites/{site_id}", headers=auth(Role.ADMIN))
        assert found.status_code == 200, found.text
        site: dict[str, object] = found.json()
        return site


async def test_cmp15_duty01_the_admin_changes_a_sites_ladder_and_shifts(
    page: Page, platform: Stack
) -> None:
    """CMP-15: a ladder whose supervisor rung comes after the higher manager's is refused,
    intake naming it, what was typed kept; corrected, it is saved with a third shift (DUTY-01),
    which the site's front desk is then offered when opening its log. The site's manager reads
    the settings but is not offered to change them."""
    marker = uuid.uuid4().hex[:6]
    site_id = await a_site_with_its_own_shifts(platform, marker)
    await sign_in(page, "admin", ["*"], "平台管理员")
    await page.goto("/sites")
    await expect(page.get_by_test_id(f"site-{site_id}")).to_contain_text(f"T{marker.upper()}")
    await page.get_by_test_id(f"site-{site_id}").get_by_role("link", name="设置").click()
    await expect(page.get_by_test_id("site-code")).to_have_text(f"T{marker.upper()}")
    await expect(page.locator("#shift-0-code")).to_have_value("day")
    await expect(page.locator("#shift-1-starts")).to_have_value("20:00")
    await expect(page.locator("#s-higher")).to_have_value("24")

    await page.fill("#s-supervisor", "30")
    await page.fill("#s-higher", "20")
    await page.fill("#shift-2-code", "middle")
    await page.fill("#shift-2-starts", "10:00")
    await page.fill("#shift-2-ends", "18:00")
    await page.fill("#s-time_zone", "Asia/Hong_Kong")
    await page.get_by_test_id("site-settings").locator("button[type=submit]").click()
    await expect(page.locator("#escalation-error")).to_contain_text(
        "reaches the supervisor before the higher manager"
    )
    await expect(page.locator("#s-supervisor")).to_have_value("30")
    await expect(page.locator("#shift-2-code")).to_have_value("middle")
    await expect(page.locator("#s-time_zone")).to_have_value("Asia/Hong_Kong")
    await screenshot(page, "site-settings-refused")
    before = await site_of(platform, site_id)
    assert before["time_zone"] == "Asia/Shanghai"  # nothing of the refused form kept

    await page.fill("#s-supervisor", "2")
    await page.fill("#s-higher", "12")
    await page.get_by_test_id("site-settings").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_have_text("项目设置已保存。")
    after = await site_of(platform, site_id)
    assert after["escalation"] == {"supervisor_after_hours": 2, "higher_manager_after_hours": 12}
    assert after["time_zone"] == "Asia/Hong_Kong"
    assert [s["code"] for s in after["shifts"]] == ["day", "night", "middle"]  # type: ignore[attr-defined]
    await screenshot(page, "site-settings")

    await sign_in(page, "duty_staff", [site_id], "陈静")
    await page.goto("/duty")
    await expect(page.get_by_test_id("shift-choice").locator("option")).to_have_count(3)
    await expect(page.get_by_test_id("shift-choice")).to_contain_text("中班 10:00–18:00")

    await sign_in(page, "site_manager", [site_id], "刘经理")
    await page.goto(f"/sites/{site_id}")
    await expect(page.get_by_test_id("read-only")).to_be_visible()
    await expect(page.get_by_test_id("site-settings").locator("button[type=submit]")).to_have_count(
        0
    )
    await expect(page.locator("#s-higher")).to_be_disabled()


async def test_a_site_served_by_no_board_is_refused_beside_the_boards(
    page: Page, platform: Stack
) -> None:
    """TAX-01: a site serves at least one board; unticking them all is refused beside them."""
    marker = uuid.uuid4().hex[:6]
    site_id = await a_site_with_its_own_shifts(platform, marker)
    await sign_in(page, "admin", ["*"], "平台管理员")
    await page.goto(f"/sites/{site_id}")
    for kind in ("consultation", "repair", "complaint", "callback"):
        await page.uncheck(f"#s-service-{kind}")
    await page.get_by_test_id("site-settings").locator("button[type=submit]").click()
    await expect(page.locator("#services-error")).to_be_visible()
    assert len((await site_of(platform, site_id))["services"]) == 4  # type: ignore[arg-type]


async def register(platform: Stack, site_id: str, category: str) -> httpx.Response:
    body = repair_request(fresh_phone(), site_id=site_id, category=category)
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        return await intake.post("/service-requests", json=body, headers=changing(Role.AGENT))


async def test_tax03_tax09_the_manager_adds_reclassifies_and_retires_catalogue_items(
    page: Page, platform: Stack
) -> None:
    """TAX-01/TAX-03: the site's catalogue lists each board's items with Chinese and English
    names; TAX-09: the manager adds a paid repair item, renames it and makes it a business
    service; a complaint item that charges is refused (intake: a complaint is never charged
    for) beside its class; a retired item stays listed and is no longer registrable; the register
    form offers the site's items by their names, the new one among them, and registers it (X2:
    the catalogue is data the site changes)."""
    marker = uuid.uuid4().hex[:6]
    site_id = await a_site_with_its_own_shifts(platform, marker)
    await sign_in(page, "site_manager", [site_id], "刘经理")
    await page.goto("/sites")
    await page.get_by_test_id(f"site-{site_id}").get_by_test_id("catalogue-link").click()
    repair = page.get_by_test_id("board-repair")
    await expect(repair.get_by_test_id("item-repair-own_unit")).to_be_visible()
    await expect(
        repair.get_by_test_id("item-repair-own_unit").locator("input[name=name_en]")
    ).to_have_value("The unit's own parts")
    await screenshot(page, "catalogue")

    add = page.get_by_test_id("add-item")
    await add.locator("#n-kind").select_option("complaint")
    await add.locator("#n-code").fill("noise")
    await add.locator("#n-name_zh").fill("噪音投诉")
    await add.locator("#n-name_en").fill("Noise")
    await add.locator("#n-class").select_option("paid")
    await add.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("new-service_class-error")).to_contain_text(
        "a complaint is never charged for"
    )
    await expect(page.locator("#n-name_zh")).to_have_value("噪音投诉")

    add = page.get_by_test_id("add-item")
    await add.locator("#n-kind").select_option("repair")
    await add.locator("#n-code").fill("water_heater")
    await add.locator("#n-name_zh").fill("热水器维修")
    await add.locator("#n-name_en").fill("Water heater repair")
    await add.locator("#n-class").select_option("paid")
    await add.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_contain_text("repair:water_heater")
    row = page.get_by_test_id("item-repair-water_heater")
    await expect(row.locator("select[name=service_class]")).to_have_value("paid")

    await row.locator("input[name=name_zh]").fill("热水器维修保养")
    await row.locator("select[name=service_class]").select_option("business")
    await page.get_by_test_id("save-repair-water_heater").click()
    row = page.get_by_test_id("item-repair-water_heater")
    await expect(row.locator("input[name=name_zh]")).to_have_value("热水器维修保养")
    await expect(row.locator("select[name=service_class]")).to_have_value("business")

    retired = page.get_by_test_id("item-repair-other_paid")
    await retired.locator("input[name=active]").uncheck()
    await page.get_by_test_id("save-repair-other_paid").click()
    await expect(page.get_by_test_id("item-repair-other_paid")).to_have_class("muted")
    await expect(
        page.get_by_test_id("item-repair-other_paid").locator("input[name=active]")
    ).not_to_be_checked()

    refused = await register(platform, site_id, "other_paid")
    assert refused.status_code == 422, refused.text
    assert "not an item of the repair board" in refused.text

    await sign_in(page, "agent", ["dmg", site_id], "李娜")
    await page.goto("/requests/new")
    await expect(page.locator("#site_id")).to_have_value("dmg")
    repairs = page.locator("#category optgroup[data-kind=repair] option")
    await expect(repairs).to_have_text(["公共区域报修", "自用部位报修", "其他有偿维修"])
    await page.select_option("#site_id", site_id)  # the choice follows the site's catalogue
    await expect(repairs).to_have_text(["公共区域报修", "自用部位报修", "热水器维修保养"])
    # billing has no price list for the new site yet: the agent is told, not offered dmg's
    await expect(page.get_by_test_id("no-price-list")).to_be_visible()
    await expect(page.locator("#item-0")).to_have_count(0)
    await page.fill("#resident-building", "3")
    await page.fill("#resident-room", "1202")
    await page.fill("#resident-name", "王芳")
    await page.fill("#resident-phone", fresh_phone())
    await page.select_option("#kind", "repair")
    await page.select_option("#category", "water_heater")
    await page.fill("#description", "热水器不出热水")
    await page.click("form.register button[type=submit]")
    notice = page.get_by_test_id("registered")
    await expect(notice).to_contain_text(f"SR-T{marker.upper()}-")
    number = (await notice.locator("strong").inner_text()).strip()
    row = page.locator(f"tr[data-request-no='{number}']")
    await expect(row).to_contain_text("报修 · 热水器维修保养")  # named from the site's catalogue
    await row.locator("a").first.click()
    await expect(page.locator("main")).to_contain_text("报修 / 热水器维修保养")


async def test_tax01_the_register_form_offers_the_boards_of_the_site_chosen(
    page: Page, platform: Stack
) -> None:
    """TAX-01: a site serves the boards it was set up with, and the register form offers only
    those of the site chosen, with their categories: choosing a site that takes consultations
    and complaints leaves those two, the repair chosen before giving way to the first it
    serves; choosing back offers every board again, keeping a board both serve; a complaint
    registers at the smaller site."""
    marker = uuid.uuid4().hex[:6]
    site_id = await a_site_with_its_own_shifts(
        platform, marker, services=("consultation", "complaint")
    )
    await sign_in(page, "agent", ["dmg", site_id], "李娜")
    await page.goto("/requests/new")
    kinds = page.locator("#kind option")
    await expect(page.locator("#site_id")).to_have_value("dmg")
    await expect(kinds).to_have_count(7)
    await expect(page.locator("#kind")).to_have_value("repair")

    await page.select_option("#site_id", site_id)
    await expect(kinds).to_have_text(["咨询", "投诉"])
    await expect(page.locator("#kind")).to_have_value("consultation")
    await expect(page.locator("#category optgroup")).to_have_count(2)
    await expect(page.locator("#category optgroup[data-kind=repair]")).to_have_count(0)
    await screenshot(page, "register-site-boards")

    await page.select_option("#kind", "complaint")
    await page.select_option("#site_id", "dmg")
    await expect(kinds).to_have_count(7)
    await expect(page.locator("#kind")).to_have_value("complaint")  # dmg takes complaints too
    await page.select_option("#site_id", site_id)
    await expect(kinds).to_have_count(2)
    await expect(page.locator("#kind")).to_have_value("complaint")

    await page.fill("#resident-building", "3")
    await page.fill("#resident-room", "1202")
    await page.fill("#resident-name", "王芳")
    await page.fill("#resident-phone", fresh_phone())
    await page.select_option("#category", "environment")
    await page.fill("#description", "楼道堆放杂物无人清理")
    await page.click("form.register button[type=submit]")
    await expect(page.get_by_test_id("registered")).to_contain_text(f"SR-T{marker.upper()}-")


async def test_an_agent_neither_sees_nor_opens_the_sites_settings(page: Page) -> None:
    await sign_in(page, "agent", ["dmg"], "李娜")
    await expect(page.locator("nav[aria-label=directory]")).not_to_contain_text("项目设置")
    response = await page.goto("/sites/dmg")
    assert response is not None and response.status == 403
    response = await page.goto("/sites/dmg/catalogue")
    assert response is not None and response.status == 403


async def test_the_admin_adds_a_site_and_its_desk_works_on_it(page: Page, platform: Stack) -> None:
    """A new site added with the boards it serves (TAX-01) starts with the manual's ladder and
    shifts (CMP-15, DUTY-01); an id already given is refused beside it, not changed."""
    marker = uuid.uuid4().hex[:6]
    await sign_in(page, "admin", ["*"], "平台管理员")
    await page.goto("/sites")
    await page.get_by_test_id("add-site").click()
    await page.fill("#n-site_id", "dmg")
    await page.fill("#n-code", f"N{marker.upper()}")
    await page.fill("#n-name", f"新苑{marker}")
    await page.uncheck("#n-service-housekeeping")
    await page.get_by_test_id("new-site").locator("button[type=submit]").click()
    await expect(page.locator("#site_id-error")).to_contain_text("dmg is already a site")
    await expect(page.locator("#n-name")).to_have_value(f"新苑{marker}")
    await expect(page.locator("#n-service-housekeeping")).not_to_be_checked()
    assert (await site_of(platform, "dmg"))["code"] == "DMG"

    await page.fill("#n-site_id", f"n{marker}")
    await page.get_by_test_id("new-site").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_have_text("项目已添加。")
    await expect(page.get_by_test_id("site-code")).to_have_text(f"N{marker.upper()}")
    await expect(page.locator("#shift-0-code")).to_have_value("early")
    added = await site_of(platform, f"n{marker}")
    assert "housekeeping" not in added["services"]  # type: ignore[operator]
    assert added["escalation"] == {"supervisor_after_hours": 4, "higher_manager_after_hours": 24}
