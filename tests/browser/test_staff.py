"""The staff of a site in the browser (KB-12, ORG-06, ORG-07): the site's manager adds a steward,
a wrong phone and buildings for a technician refused beside their fields with what was
typed kept; the steward is found as their building's steward and by the agents' phone book.
Marked as left while she still covers a building, intake refuses it (DUTY-25): her job is handed
over to a successor, who takes it over (DUTY-15); then she has left and is no longer offered to
transfer calls to. A leaver's open complaint is found by her login, listed on the handover with
its request, and becomes the successor's once a supervisor takes the job over for them. On the
real stack."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_complaints_and_duty import register_complaint
from tests.browser.test_console import sign_in
from tests.support import changing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]


async def test_kb12_duty25_the_manager_adds_a_steward_whom_agents_reach_until_she_hands_over(
    page: Page,
) -> None:
    """ORG-07: a site names who looks after which buildings; KB-12: agents transfer calls to
    them. The record refused (a phone that is no number; buildings for a technician, who is
    no steward) keeps what was typed; saved, the building's steward is found, and the phone book
    offers their first phone. DUTY-25: marked as left while she covers the building and is a
    liaison, intake refuses it, said beside "active" with the way to the handover form; her job
    handed to a successor (added with the login he signs in with; a transfer naming no site
    refused beside its field), the list marks her handing over; DUTY-15: he takes it over
    himself, and then she has left, the building is his, and she is no longer offered."""
    marker = uuid.uuid4().hex[:6]
    building = f"B{marker[:4]}"
    await sign_in(page, "site_manager", ["dmg"], "刘经理")
    await page.goto("/staff")
    await page.get_by_test_id("add-staff").click()
    await page.fill("#m-staff_id", f"t-{marker}")
    await page.select_option("#m-site", "dmg")
    await page.select_option("#m-department", "customer_service")
    await page.fill("#m-name", f"周静{marker}")
    await page.fill("#m-title", "管家")
    await page.fill("#m-phone-0", "12345")
    await page.fill("#m-steward_of", f"{building}, 9")
    await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.locator("#phones-0-error")).to_contain_text("not a valid phone number")
    await expect(page.locator("#m-steward_of")).to_have_value(f"{building}, 9")
    await expect(page.locator("#m-name")).to_have_value(f"周静{marker}")

    await page.fill("#m-phone-0", "13900002222")
    await page.check("#m-role-technician")
    await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.locator("#roles-error")).to_contain_text("roles must include steward")
    await expect(page.locator("#m-role-technician")).to_be_checked()
    await screenshot(page, "staff-refused")
    await page.uncheck("#m-role-technician")
    await page.check("#m-role-steward")
    await page.check("#m-liaison")
    await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_contain_text(f"周静{marker}")

    await page.fill("#f-building", building)
    await page.get_by_role("button", name="筛选").click()
    row = page.get_by_test_id(f"staff-t-{marker}")
    await expect(row).to_contain_text("+8613900002222")
    await expect(row.get_by_test_id("buildings")).to_have_text(f"{building}, 9")
    await expect(row).to_contain_text("物业管家")
    await expect(row.get_by_test_id("liaison")).to_be_visible()
    await screenshot(page, "staff")

    await sign_in(page, "agent", ["dmg"], "李娜")
    await expect(page.locator("nav[aria-label=directory]")).not_to_contain_text("员工")
    await page.goto("/requests/new")
    await page.fill("#transfer-q", f"管家 {marker}")
    await expect(page.get_by_test_id("transfer-number")).to_have_text("+8613900002222")

    await sign_in(page, "site_manager", ["dmg"], "刘经理")
    successor, his_name = f"t-{marker}-w", f"王强{marker}"
    await page.goto("/staff/new")
    await page.fill("#m-staff_id", successor)
    await page.select_option("#m-site", "dmg")
    await page.fill("#m-name", "王强")  # no marker: the agents' search below finds her only
    await page.fill("#m-title", "管家")
    await page.fill("#m-phone-0", "13900004444")
    await page.fill("#m-login", f"console-steward-{his_name}")  # whom he signs in as
    await page.check("#m-role-steward")
    await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_contain_text("王强")

    await page.goto(f"/staff/t-{marker}")
    await expect(page.locator("#m-role-steward")).to_be_checked()
    await page.uncheck("#m-active")
    await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.locator("#active-error")).to_contain_text(
        f"steward of {building}, 9; information liaison: hand the job over to a successor first"
    )
    await expect(page.locator("#m-active")).not_to_be_checked()
    await screenshot(page, "staff-leaving-refused")
    await page.get_by_test_id("to-handover").click()
    form = page.get_by_test_id("handover-form")
    await expect(form).to_be_visible()
    await form.locator("#h-successor").select_option(successor)
    await form.locator("#h-reason").select_option("transferred")
    await form.locator("#h-open_items").fill("钥匙柜钥匙 12 把已点交\n3栋装修押金待退")
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#h-to_site-error")).to_contain_text("names the site they move to")
    await expect(page.locator("#h-open_items")).to_have_value(
        "钥匙柜钥匙 12 把已点交\n3栋装修押金待退"
    )
    form = page.get_by_test_id("handover-form")
    await form.locator("#h-reason").select_option("resigned")
    await form.locator("button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/job-handovers/[0-9a-f-]{36}$"))
    handover_url = page.url
    await expect(page.get_by_test_id("handover-state")).to_have_text("待接任人接收")
    await expect(page.get_by_test_id("successor")).to_contain_text(successor)
    await expect(page.get_by_test_id("open-items")).to_contain_text("3栋装修押金待退")
    await expect(page.get_by_test_id("handover-buildings")).to_contain_text(f"{building}, 9")
    await expect(page.get_by_test_id("handover-liaison")).to_contain_text("是")
    await expect(page.get_by_test_id("take-over")).to_be_visible()  # the manager may, for him
    await page.goto(f"/staff?site_id=dmg&building={building}")
    await expect(
        page.get_by_test_id(f"staff-t-{marker}").get_by_test_id("handing-over")
    ).to_be_visible()

    await sign_in(page, "steward", ["dmg"], his_name)
    await page.goto(handover_url)
    await page.get_by_test_id("take-over").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_be_visible()
    await expect(page.get_by_test_id("handover-state")).to_have_text("交接完成")
    await expect(page.get_by_test_id("accepted")).to_contain_text(f"console-steward-{his_name}")
    await expect(page.get_by_test_id("completed")).to_be_visible()
    await expect(page.get_by_test_id("take-over")).to_have_count(0)
    await screenshot(page, "job-handover-completed")

    await sign_in(page, "site_manager", ["dmg"], "刘经理")
    await page.goto(f"/staff?site_id=dmg&building={building}")
    row = page.get_by_test_id(f"staff-{successor}")
    await expect(row.get_by_test_id("buildings")).to_have_text(f"{building}, 9")
    await expect(row.get_by_test_id("liaison")).to_be_visible()
    await expect(page.get_by_test_id(f"staff-t-{marker}")).to_have_count(0)
    await page.goto("/staff?site_id=dmg")
    await expect(page.get_by_test_id(f"staff-t-{marker}").get_by_test_id("left")).to_be_visible()
    await expect(
        page.get_by_test_id(f"staff-t-{marker}").get_by_test_id("handing-over")
    ).to_have_count(0)

    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.goto("/requests/new")
    await page.fill("#transfer-q", f"管家 {marker}")
    await expect(page.get_by_test_id("transfer-results")).to_contain_text("电话簿中没有找到")


async def test_a_new_member_under_a_given_id_is_refused_not_overwritten(page: Page) -> None:
    """Adding a member of staff under an id already given would change that record instead:
    the console refuses it beside the id."""
    marker = uuid.uuid4().hex[:6]
    await sign_in(page, "admin", ["*"], "平台管理员")
    for name in (f"甲{marker}", f"乙{marker}"):
        await page.goto("/staff/new")
        await page.fill("#m-staff_id", f"t-{marker}")
        await page.select_option("#m-site", "dmg")
        await page.fill("#m-name", name)
        await page.fill("#m-title", "工程师")
        await page.fill("#m-phone-0", "13900003333")
        await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.locator("#staff_id-error")).to_contain_text("already a member of staff")
    await page.goto(f"/staff/t-{marker}")
    await expect(page.locator("#m-name")).to_have_value(f"甲{marker}")


async def test_duty25_duty15_a_leavers_open_complaint_is_handed_to_her_successor(
    page: Page, platform: Stack
) -> None:
    """DUTY-25: an agent who registered a complaint owns its register (首问责任人) while it is
    open, so she may not simply be marked gone; her job handed over, the complaint is found by
    the login on her record and listed with a link to its request. A successor without a login
    is refused beside the successor (the complaint could not become his), so the manager records
    his login first. DUTY-15: a supervisor takes the job over for him, and the complaint's page
    names him its first-contact owner."""
    marker = uuid.uuid4().hex[:6]
    leaver, successor = f"t-{marker}-lf", f"t-{marker}-cc"
    her_name, his_name = f"林芳{marker}", f"陈晨{marker}"
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        for staff_id, name, login in (
            (leaver, her_name, f"console-agent-{her_name}"),
            (successor, his_name, None),
        ):
            put = await intake.put(
                f"/staff/{staff_id}",
                json={
                    "site_id": "dmg",
                    "name": name,
                    "title": "客服专员",
                    "department": "customer_service",
                    "phones": ["13900005555"],
                    "roles": ["agent"],
                    "login": login,
                },
                headers=changing(Role.ADMIN),
            )
            assert put.status_code == 201, put.text

    await sign_in(page, "agent", ["dmg"], her_name)
    request_no = await register_complaint(page, marker)

    await sign_in(page, "site_manager", ["dmg"], "刘经理")
    await page.goto(f"/staff/{leaver}")
    await page.uncheck("#m-active")
    await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.locator("#active-error")).to_contain_text(
        "open complaints or promised replies: hand the job over to a successor first"
    )
    await page.get_by_test_id("to-handover").click()
    form = page.get_by_test_id("handover-form")
    await form.locator("#h-successor").select_option(successor)
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#h-successor_id-error")).to_contain_text("has no login on record")

    await page.goto(f"/staff/{successor}")
    await page.fill("#m-login", f"console-agent-{his_name}")
    await page.get_by_test_id("staff-form").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_contain_text(his_name)
    await page.goto(f"/staff/{leaver}")
    await expect(page.locator("#m-login")).to_have_value(f"console-agent-{her_name}")
    form = page.get_by_test_id("handover-form")
    await form.locator("#h-successor").select_option(successor)
    await form.locator("#h-open_items").fill("投诉人孙丽要求本周回电")
    await form.locator("button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/job-handovers/[0-9a-f-]{36}$"))
    handover_url = page.url
    work = page.get_by_test_id(f"work-{request_no}")
    await expect(work).to_contain_text("投诉（首问责任人）")
    await screenshot(page, "job-handover")
    await work.get_by_role("link", name=request_no).click()
    await expect(page.get_by_test_id("request-no")).to_have_text(request_no)
    await page.goto(f"/staff/{leaver}")
    await expect(page.get_by_test_id("handover-pending")).to_contain_text(successor)

    await sign_in(page, "supervisor", ["*"], "张敏")
    # the supervisor hands jobs over and takes them over for a successor: the staff are theirs
    await expect(page.locator("nav[aria-label=directory]")).to_contain_text("员工")
    await page.goto(handover_url)
    await page.get_by_test_id("take-over").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("handover-state")).to_have_text("交接完成")
    await expect(page.get_by_test_id("accepted")).to_contain_text("console-supervisor-张敏")
    await page.get_by_test_id(f"work-{request_no}").get_by_role("link", name=request_no).click()
    await page.get_by_test_id("complaint-link").click()
    await expect(page.locator("main")).to_contain_text(f"首问责任人: console-agent-{his_name}")
