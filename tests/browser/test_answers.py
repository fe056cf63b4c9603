"""The agent's call and a standard answer's approval, in the browser (KB-03, KB-04, KB-06):
the caller recognised by their number, a consultation registered and answered at once with an
approved answer found by the caller's words, a reply promised and owed in the supervisor's queue;
an agent's draft approved by the leader in charge, whom the call-centre supervisor is not; an
answer in use redrafted, its approval refused once approved meanwhile, and withdrawn."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import httpx
import pytest
from console.entrypoints.web.owed import PAGE as OWED_PAGE
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_console import fresh_phone, sign_in
from tests.support import auth, changing

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


async def approved_answer(platform: Stack, marker: str) -> str:
    """An answer drafted by an agent and approved by a director, through the API."""
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        drafted = await intake.post(
            "/standard-answers",
            json={
                "site_id": "dmg",
                "kind": "consultation",
                "topic": "property_service",
                "question": f"物业管理费的收费标准是多少? {marker}",
                "answer": f"住宅每月每平方米1.80元, 按房产证面积计收 ({marker})",
            },
            headers=changing(Role.AGENT),
        )
        assert drafted.status_code == 201, drafted.text
        answer = drafted.json()
        approved = await intake.post(
            f"/standard-answers/{answer['answer_id']}/approval",
            json={"revision": 1},
            headers=changing(Role.DIRECTOR),
        )
        assert approved.status_code == 200, approved.text
        resident = await intake.post(
            "/residents",
            json={"site_id": "dmg", "name": "钱秀兰", "phones": [marker_phone(marker)]},
            headers=changing(Role.AGENT),
        )
        assert resident.status_code in (200, 201), resident.text
    return str(answer["document_no"])


def marker_phone(marker: str) -> str:
    return f"1395{int(marker[-6:], 16) % 10_000_000:07d}"


async def register_consultation(page: Page, phone: str) -> None:
    await page.goto("/requests/new")
    await page.select_option("#site_id", "dmg")
    # the site's boards come by htmx: a category chosen before they arrive is replaced
    await page.wait_for_load_state("networkidle")
    await page.fill("#resident-building", "2")
    await page.fill("#resident-room", "602")
    await page.fill("#resident-name", "钱秀兰")
    await page.fill("#resident-phone", phone)
    await page.select_option("#kind", "consultation")
    await page.wait_for_load_state("networkidle")
    await page.select_option("#category", "property_service")
    await page.fill("#description", "问管理费怎么收")


async def test_the_agents_call_finds_the_caller_and_gives_a_standard_answer(
    page: Page, platform: Stack
) -> None:
    marker = f"zq{uuid.uuid4().hex[:6]}"
    document_no = await approved_answer(platform, marker)
    await sign_in(page, "agent", ["dmg"], "李娜")
    await register_consultation(page, marker_phone(marker))
    await expect(page.get_by_test_id("caller-resident")).to_contain_text("钱秀兰")
    await screenshot(page, "call-caller-lookup")
    await page.click("form.card button[type=submit]")

    await expect(page.get_by_test_id("registered")).to_contain_text("SR-DMG-")
    await expect(page.get_by_test_id("first-answer-due")).to_be_visible()
    # the caller's words, not the answer's: a word match, not a substring
    await page.fill("#answer-q", f"管理费标准 {marker}")
    give = page.get_by_test_id(f"give-{document_no}")
    await expect(give).to_be_visible()
    await screenshot(page, "call-answer-search")
    await give.click()
    await expect(page.get_by_test_id("replies")).to_contain_text(document_no)
    await expect(page.get_by_test_id("first-answer-due")).to_have_count(0)

    await register_consultation(page, fresh_phone())
    await page.click("form.card button[type=submit]")
    await expect(page.get_by_test_id("registered")).to_be_visible()
    await page.select_option("#tier", "30_minutes")
    await page.get_by_test_id("promise").click()
    await expect(page.get_by_test_id("promises")).to_contain_text("30分钟内")
    await expect(page.get_by_test_id("promise-due")).to_have_text(
        re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    )
    await expect(page.get_by_test_id("timeline")).to_contain_text("intake")
    await screenshot(page, "call-request")

    request_no = await page.get_by_test_id("request-no").inner_text()
    await sign_in(page, "supervisor", ["*"], "张敏")
    await page.goto(f"/answers/owed?site_id=dmg&offset={await owed_offset(platform, request_no)}")
    owed = page.get_by_test_id(f"owed-{request_no}")
    # the first answer is still owed (a promise is not an answer) beside the promised reply
    await expect(owed.get_by_test_id("due").filter(has_text="首次答复")).to_be_visible()
    await expect(owed.get_by_test_id("due").filter(has_text="30分钟内")).to_contain_text(
        re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    )
    await expect(owed).not_to_have_class("late")  # due in 30 minutes
    await screenshot(page, "answers-owed")


async def owed_offset(platform: Stack, request_no: str) -> int:
    """Where the queue (the oldest call first) shows ``request_no``: its page's offset."""
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        offset = 0
        while True:
            listed = await intake.get(
                "/service-requests/owing-answers",
                params={"site_id": "dmg", "limit": OWED_PAGE, "offset": offset},
                headers=auth(Role.SUPERVISOR),
            )
            page = listed.json()
            if any(item["request_no"] == request_no for item in page["items"]):
                return offset
            offset += OWED_PAGE
            assert offset < page["total"], f"{request_no} is not owed an answer"


async def test_a_standard_answer_is_approved_by_the_leader_in_charge(page: Page) -> None:
    marker = f"zq{uuid.uuid4().hex[:6]}"
    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.goto("/answers/new")
    await page.select_option("#site_id", "dmg")
    await page.select_option("#topic", "consultation:property_service")
    await page.fill("#question", f"装修押金什么时候退? {marker}")
    await page.fill("#answer", "装修验收合格后30日内退还")
    await page.click("form.card button[type=submit]")
    drafted = page.get_by_test_id("drafted")
    await expect(drafted).to_contain_text("SA-DMG-")
    document_no = (await drafted.locator("strong").inner_text()).strip()
    await expect(
        page.get_by_test_id(f"answer-{document_no}").get_by_test_id("status")
    ).to_have_text("待审批")

    await sign_in(page, "supervisor", ["*"], "张敏")
    await expect(page.locator("nav[aria-label=main]")).not_to_contain_text("答复语审批")
    response = await page.goto("/answers/approvals")
    assert response is not None and response.status == 403

    await sign_in(page, "director", ["dmg"], "王总")
    await page.goto("/answers/approvals")
    card = page.get_by_test_id(f"approval-{document_no}")
    await expect(card).to_contain_text("装修验收合格后30日内退还")
    await screenshot(page, "answer-approvals")
    await card.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("approved")).to_contain_text(document_no)
    await page.goto("/answers")
    row = page.get_by_test_id(f"answer-{document_no}")
    await expect(row.get_by_test_id("status")).to_have_text("在用")
    await expect(row.get_by_test_id("approver")).to_have_text("console-director-王总")
    await screenshot(page, "answers")


async def test_an_answer_in_use_is_redrafted_approved_once_and_withdrawn(
    page: Page, platform: Stack
) -> None:
    marker = f"zq{uuid.uuid4().hex[:6]}"
    document_no = await approved_answer(platform, marker)
    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.goto("/answers")
    await page.fill("#a-q", f"管理费标准 {marker}")  # the list follows as the words are typed
    await expect(page.get_by_test_id("words-hint")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/answers\?q="))
    row = page.get_by_test_id(f"answer-{document_no}")
    await expect(row.get_by_test_id("status")).to_have_text("在用")
    await screenshot(page, "answers-search")
    await row.get_by_role("link", name=document_no).click()
    await expect(page.get_by_test_id("document-no")).to_have_text(document_no)
    answer_path = urlsplit(page.url).path
    await page.fill("#answer", f"住宅每月每平方米2.00元, 按房产证面积计收 ({marker})")
    await page.get_by_test_id("redraft").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("redrafted")).to_contain_text(document_no)
    await expect(page.get_by_test_id("in-use")).to_contain_text("1.80元")  # until approved
    await expect(page.get_by_test_id("draft")).to_contain_text("2.00元")
    await screenshot(page, "answer")

    await sign_in(page, "site_manager", ["dmg"], "陈经理")
    await page.goto("/answers/approvals")
    card = page.get_by_test_id(f"approval-{document_no}")
    await expect(card.get_by_test_id("draft")).to_contain_text("2.00元")
    await expect(card.get_by_test_id("in-use")).to_contain_text("1.80元")
    # the director approves it meanwhile: the site manager's approval is refused, saying why
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        approved = await intake.post(
            f"/standard-answers/{answer_path.rsplit('/', 1)[1]}/approval",
            json={"revision": 2},
            headers=changing(Role.DIRECTOR),
        )
        assert approved.status_code == 200, approved.text
    await card.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("problem")).to_contain_text("no draft awaiting approval")
    await screenshot(page, "answer-approvals-problem")

    await sign_in(page, "supervisor", ["*"], "张敏")
    await page.goto(answer_path)
    await expect(page.get_by_test_id("in-use")).to_contain_text("2.00元")
    await expect(page.get_by_test_id("in-use").get_by_test_id("approver")).to_have_text(
        "bench-director"
    )
    await page.get_by_test_id("withdraw").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("status")).to_have_text("已废止")
    await expect(page.get_by_test_id("withdraw")).to_have_count(0)


async def test_inc01_duty_staff_declare_an_incident_and_agents_read_its_script(page: Page) -> None:
    marker = uuid.uuid4().hex[:6]
    await sign_in(page, "duty_staff", ["dmg"], "赵强")
    await page.goto("/incidents")
    await page.select_option("#i-kind", "water_outage")
    await page.fill("#i-title", f"9栋停水 {marker}")
    await page.fill("#i-script", f"9栋主水管抢修停水, 预计18:00恢复 {marker}")
    await page.fill("#i-buildings", "9")
    await page.click("form.card button[type=submit]")
    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.goto("/incidents")
    card = page.get_by_test_id("incident").filter(has_text=marker)
    await expect(card.get_by_test_id("script")).to_contain_text("预计18:00恢复")
    await screenshot(page, "incidents")


async def test_the_monthly_report_shows_each_board_with_its_chart(page: Page) -> None:
    await sign_in(page, "director", ["dmg"], "王总")
    await page.goto("/reports/monthly?site_id=dmg")
    await expect(page.get_by_test_id("chart")).to_be_visible()
    await expect(page.get_by_test_id("board-repair")).to_contain_text("报修")
    await expect(page.get_by_test_id("report")).to_contain_text("按时回复")
    await screenshot(page, "monthly-report")
