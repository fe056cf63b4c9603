"""Quality control in the browser, on the real stack: an answer given read against company policy
on the request's page, and nobody reviewing their own (KB-05, KB-14, KB-15); an invalid
complaint's professional opinions recorded and listed on its register (CMP-09); the month's
report counting the answers reviewed and those found against policy, signed prepared, reviewed
and approved in turn, each stage by another person (CMP-22, KB-15), and downloaded as CSV and
XLSX (KB-11)."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from openpyxl import load_workbook
from playwright.async_api import Page, expect

from tests.browser.conftest import a_site_with_its_own_shifts, screenshot
from tests.browser.test_answers import register_consultation
from tests.browser.test_console import fresh_phone, sign_in
from tests.support import changing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]
SIGNED = re.compile(r" · \d{4}-\d{2}-\d{2} \d{2}:\d{2}")


async def test_kb14_kb15_quality_control_reads_an_answer_against_policy_not_its_own(
    page: Page,
) -> None:
    """KB-14/KB-15: quality control reads an answer given against company policy on the
    request's page; KB-05: the call-centre supervisor, who reads answers too, is not offered
    the reading of an answer they gave themselves (intake would refuse it), only told another
    reviewer reads it. A reading without its note is refused beside the note; the reading
    recorded is shown with the note, who read it and when, an answer found against policy in
    red; an agent sees it, with no form."""
    marker = uuid.uuid4().hex[:6]
    await sign_in(page, "supervisor", ["*"], "周洁")
    await register_consultation(page, fresh_phone())
    await page.click("form.card button[type=submit]")
    await expect(page.get_by_test_id("registered")).to_contain_text("SR-DMG-")
    request_path = page.url.split("?", 1)[0]
    await page.fill("#reply-text", f"停车费仍按每月260元收取 {marker}")
    await page.get_by_test_id("reply").click()
    answer = page.get_by_test_id("reply-1")
    await expect(answer).to_contain_text(marker)
    await expect(answer.get_by_test_id("review-1")).to_have_text(re.compile(r"政策审查:\s*未审查"))

    await expect(answer.get_by_test_id("review-own")).to_have_text("本人的答复：由其他审查人审查")
    await expect(page.get_by_test_id("review-form-1")).to_have_count(0)  # not one's own
    await screenshot(page, "reply-review-own")

    await sign_in(page, "quality_head", ["*"], "孙琳")
    await page.goto(request_path)
    form = page.get_by_test_id("review-form-1")
    await form.get_by_test_id("reading-contradicts").check()
    await form.locator("button[type=submit]").click()  # no note
    await expect(page.get_by_test_id("review-note-error")).to_contain_text("at least 1 character")
    await expect(
        page.get_by_test_id("review-form-1").get_by_test_id("review-problem")
    ).to_be_visible()  # intake's refusal, at the answer read
    await expect(page.get_by_test_id("review-own")).to_have_count(0)  # 周洁's answer
    await expect(
        page.get_by_test_id("review-form-1").get_by_test_id("reading-contradicts")
    ).to_be_checked()
    await page.locator("#review-note-1").fill("停车费11月起已调整为每月300元, 答复仍按旧标准")
    await page.get_by_test_id("review-form-1").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("reviewed")).to_have_text("审查已记录：答复 #1")
    reading = page.get_by_test_id("review-1")
    await expect(reading.get_by_test_id("review-reading")).to_have_text("与公司政策不符")
    await expect(reading).to_contain_text("答复仍按旧标准")
    await expect(reading).to_contain_text(re.compile(r"console-quality_head-孙琳" + SIGNED.pattern))
    await expect(reading).to_have_class(re.compile(r"\blate\b"))
    await screenshot(page, "reply-review")

    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.goto(request_path)
    await expect(page.get_by_test_id("review-1")).to_contain_text("与公司政策不符")
    await expect(page.get_by_test_id("review-form-1")).to_have_count(0)


async def a_complaint(platform: Stack, marker: str) -> dict[str, Any]:
    """A resident complains that the property will not give them a parking space the developer
    owns: taken by an agent, through the API."""
    body = {
        "site_id": "dmg",
        "kind": "complaint",
        "category": "historical_issue",
        "description": f"要求物业把地下车位分给我家 {marker}",
        "resident": {"name": "刘强", "phone": fresh_phone(), "building": "9", "room": "1501"},
    }
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        taken = await intake.post("/service-requests", json=body, headers=changing(Role.AGENT))
    assert taken.status_code == 201, taken.text
    created: dict[str, Any] = taken.json()
    return created


async def test_cmp09_an_invalid_complaint_rests_on_the_legal_advisers_and_a_departments_opinion(
    page: Page, platform: Stack
) -> None:
    """CMP-09: a complaint found invalid that no standard wording answers is answered on a
    department's or the legal adviser's opinion. The agent assesses it invalid, then records
    the legal adviser's opinion (naming a department for the adviser is refused beside the
    department, the form kept) and the marketing department's; both are listed on the
    complaint's register, with who gave them and who recorded them."""
    marker = uuid.uuid4().hex[:6]
    complaint = await a_complaint(platform, marker)
    await sign_in(page, "agent", ["dmg"], "李娜")
    await page.goto(f"/complaints/{complaint['request_id']}")
    await expect(page.get_by_test_id("opinion-form")).to_have_count(0)  # not assessed yet
    assess = page.get_by_test_id("assess")
    await assess.locator("#a-validity").select_option("invalid")
    await assess.locator("#a-grade").select_option("minor")
    await assess.locator("#a-reason").fill("车位属开发商所有, 非物业服务范围")
    await assess.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("assessment")).to_contain_text("无效投诉")
    await expect(page.get_by_test_id("opinions")).to_have_text("尚无专业意见。")

    opinion = page.get_by_test_id("opinion-form")
    await opinion.locator("#o-source").select_option("legal_adviser")
    await opinion.locator("#o-department").select_option("marketing")  # the adviser is none
    await opinion.locator("#o-given-by").fill("李律师")
    await opinion.locator("#o-opinion").fill(
        f"车位产权属开发商, 物业无权分配; 按购房合同第12条 {marker}"
    )
    await opinion.locator("button[type=submit]").click()
    beside = page.get_by_test_id("opinion-form").locator("#o-department + .field-error")
    await expect(beside).to_have_text(
        "department names the department giving its opinion, and only then"
    )
    await expect(page.locator("#o-opinion")).to_have_value(re.compile(marker))
    await expect(page.locator("#o-given-by")).to_have_value("李律师")
    await screenshot(page, "complaint-opinion-refused")

    await page.locator("#o-department").select_option("")
    await page.get_by_test_id("opinion-form").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("done")).to_have_text("专业意见已记录。")
    first = page.get_by_test_id("opinion-1")
    await expect(first).to_contain_text("法律顾问 · 李律师 · 车位产权属开发商")
    await expect(first).to_contain_text(marker)
    await expect(first).to_contain_text(re.compile(r"记录人 console-agent-李娜" + SIGNED.pattern))

    opinion = page.get_by_test_id("opinion-form")
    await opinion.locator("#o-source").select_option("department")
    await opinion.locator("#o-department").select_option("marketing")
    await opinion.locator("#o-given-by").fill("市场部王经理")
    await opinion.locator("#o-opinion").fill("该区车位均已由开发商出售, 无可分配车位")
    await opinion.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("opinion-2")).to_contain_text(
        "市场部 · 市场部王经理 · 该区车位均已由开发商出售"
    )
    await expect(page.get_by_test_id("opinion-1")).to_contain_text("李律师")
    await screenshot(page, "complaint-opinions")


async def consultations_reviewed(platform: Stack, site_id: str) -> None:
    """Two consultations answered at ``site_id`` and read by quality control: one answer found
    against policy, one consistent with it (through the API)."""
    async with httpx.AsyncClient(base_url=platform.service_url("intake"), timeout=15) as intake:
        for contradicts in (True, False):
            asked = await intake.post(
                "/service-requests",
                json={
                    "site_id": site_id,
                    "kind": "consultation",
                    "category": "property_service",
                    "description": "问停车费标准",
                    "resident": {
                        "name": "赵敏",
                        "phone": fresh_phone(),
                        "building": "1",
                        "room": "101",
                    },
                },
                headers=changing(Role.AGENT),
            )
            assert asked.status_code == 201, asked.text
            path = f"/service-requests/{asked.json()['request_id']}"
            replied = await intake.post(
                f"{path}/replies", json={"text": "每月300元"}, headers=changing(Role.AGENT)
            )
            assert replied.status_code in (200, 201), replied.text
            reviewed = await intake.put(
                f"{path}/replies/1/review",
                json={"contradicts_policy": contradicts, "note": "质量抽查"},
                headers=changing(Role.QUALITY_HEAD),
            )
            assert reviewed.status_code == 200, reviewed.text


async def test_cmp22_kb15_the_months_report_counts_answers_against_policy_and_is_signed_in_turn(
    page: Page, platform: Stack
) -> None:
    """KB-15: the month's report counts per board the answers quality control read and those
    found against policy; CMP-22: the report is prepared by the call-centre supervisor, reviewed
    by quality control and approved by the director, in that order, each by another person: the
    platform's admin, who may sign any stage, signs the review and is refused the approval."""
    marker = uuid.uuid4().hex[:6]
    site_id = await a_site_with_its_own_shifts(platform, marker)
    await consultations_reviewed(platform, site_id)
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    report = "/reports/monthly?" + urlencode({"site_id": site_id, "month": month})

    await sign_in(page, "supervisor", ["*"], "张敏")
    await page.goto(report)
    consultation = page.get_by_test_id("board-consultation")
    await expect(consultation.get_by_test_id("answers-reviewed")).to_have_text("2")
    contradicting = consultation.get_by_test_id("answers-contradicting")
    await expect(contradicting).to_have_text("1")
    await expect(contradicting).to_have_class("late")
    await expect(
        page.get_by_test_id("board-repair").get_by_test_id("answers-reviewed")
    ).to_have_text("0")
    await expect(page.get_by_test_id("report-state")).to_have_text("下一步: 编制 (呼叫中心主管)")
    await expect(page.get_by_test_id("signoff-prepared")).to_have_text("待签署")
    await page.get_by_test_id("sign-prepared").click()
    await expect(page.get_by_test_id("signed")).to_have_text("报表已签署编制。")
    await expect(page.get_by_test_id("signoff-prepared")).to_have_text(
        re.compile(r"^console-supervisor-张敏" + SIGNED.pattern + "$")
    )
    await expect(page.get_by_test_id("sign-form")).to_have_count(0)  # quality control's turn

    await sign_in(page, "admin", ["*"], "陈工")
    await page.goto(report)
    await page.get_by_test_id("sign-reviewed").click()
    await expect(page.get_by_test_id("signed")).to_have_text("报表已签署审核。")
    await expect(page.get_by_test_id("signoff-reviewed")).to_contain_text("console-admin-陈工")
    await page.get_by_test_id("sign-approved").click()
    await expect(page.get_by_test_id("sign-problem")).to_have_text(
        "each stage is signed by another person"
    )
    await expect(page.get_by_test_id("signoff-approved")).to_have_text("待签署")
    await screenshot(page, "monthly-report-sign-refused")

    await sign_in(page, "director", ["*"], "王总")
    await page.goto(report)
    await expect(page.get_by_test_id("report-state")).to_contain_text("批准")
    await page.get_by_test_id("sign-approved").click()
    await expect(page.get_by_test_id("signed")).to_contain_text("报表已批准")
    await expect(page.get_by_test_id("report-state")).to_have_text("已批准")
    await expect(page.get_by_test_id("signoff-approved")).to_contain_text("console-director-王总")
    await expect(page.get_by_test_id("signoff-prepared")).to_contain_text("张敏")
    await expect(page.get_by_test_id("sign-form")).to_have_count(0)
    await screenshot(page, "monthly-report-approved")


async def test_kb11_the_months_report_downloads_as_csv_and_xlsx_through_the_console(
    page: Page, platform: Stack
) -> None:
    """KB-11/CMP-22: the report shown downloads as the file intake writes, fetched by the
    console with the user's token: a CSV and an XLSX of the site and month on the page, each
    board a row with the figures the page shows (the XLSX opened as a workbook)."""
    marker = uuid.uuid4().hex[:6]
    site_id = await a_site_with_its_own_shifts(platform, marker)
    await consultations_reviewed(platform, site_id)
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")

    await sign_in(page, "director", ["dmg", site_id], "王总")
    await page.goto("/reports/monthly?" + urlencode({"site_id": site_id, "month": month}))
    await expect(page.locator("#r-site")).to_have_value(site_id)
    await expect(
        page.get_by_test_id("board-consultation").get_by_test_id("answers-reviewed")
    ).to_have_text("2")

    async with page.expect_download() as csv_info:
        await page.get_by_test_id("report-download-csv").click()
    csv_file = await csv_info.value
    assert csv_file.suggested_filename == f"report-{site_id}-{month}.csv"
    lines = list(csv.DictReader(io.StringIO((await csv_file.path()).read_text("utf-8-sig"))))
    consultation = next(line for line in lines if line["board"] == "consultation")
    assert consultation["registered"] == "2"
    assert consultation["answers_reviewed"] == "2"
    assert consultation["answers_contradicting_policy"] == "1"

    async with page.expect_download() as xlsx_info:
        await page.get_by_test_id("report-download-xlsx").click()
    xlsx_file = await xlsx_info.value
    assert xlsx_file.suggested_filename == f"report-{site_id}-{month}.xlsx"
    workbook = load_workbook(io.BytesIO((await xlsx_file.path()).read_bytes()), read_only=True)
    sheet = workbook.worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    by_board = {row[0]: dict(zip(header, row, strict=False)) for row in rows if row[0]}
    assert by_board["consultation"]["registered"] == 2
    assert by_board["consultation"]["answers_reviewed"] == "2"
    assert by_board["repair"]["registered"] == 0
