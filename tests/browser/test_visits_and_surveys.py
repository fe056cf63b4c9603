"""The stewards' visits (入户走访) with their days (巡查, 工作日志) and the half-yearly satisfaction
survey (满意度调查) in the console over callback's API on the real stack. A fresh site in
Shanghai's time has one occupied unit, 3-1202 (its owner and its tenant in intake's directory),
which callback learns from intake's events.

A steward opens the visits from the navigation: a visit dated tomorrow is refused beside the form
with the residents' words kept; dated yesterday it is recorded and the month shows the one
household visited against 5% (met) and what the residents said (SRV-01, SRV-06). From their day
they go to yesterday: a patrol without its time is refused beside the form; the morning's and the
afternoon's patrols are recorded and shown, then the day's diary; their month counts the day
with both patrols and a diary (SRV-07). The site's director reads the month: the household
visited, the residents' words, the steward's day with both patrols and a diary, and no form.

The site's manager opens this half year's survey: sent today to the one occupied unit, collected
15 working days later, late when sent on or after 1 June / 1 December (SRV-02, SRV-03). A steward
records the unit's questionnaire: an unknown unit is refused beside the form, then 3-1202's is
recorded, satisfied, with a score for two questions; the survey shows 1 of 1 returned against 50%
(SRV-04) and 1 of 1 satisfied against 90% (SRV-10) and the results table the scores (SRV-05); the
CSV downloads through the console; the director reads it without a form."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hotline_infra.stack import Stack
from hotline_libs.auth import Role
from playwright.async_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_callback_kpis import as_
from tests.browser.test_callbacks import DESKTOP, PHONE, fits_the_phone
from tests.browser.test_fees import a_site_with_a_let_unit
from tests.support import auth, client, eventually

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.usefixtures("service_logs_on_failure"),
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
STEWARD, MANAGER, DIRECTOR = "陈管家", "刘经理", "王总"
SAID = "希望增加儿童游乐设施; 对保洁满意, 电梯偶尔异响"
"""What the residents said, recorded in their words."""


async def a_site_callback_knows_occupied(platform: Stack) -> str:
    """A fresh site whose unit 3-1202 is occupied, once callback counts it among the site's
    occupied households (it learns the units from intake's events)."""
    site_id = await a_site_with_a_let_unit(platform)
    month = f"{datetime.now(SHANGHAI):%Y-%m}"
    async with client(platform, "callback") as callback:

        async def counted() -> bool:
            summary = await callback.get(
                f"/resident-visits/{site_id}/{month}", headers=auth(Role.DIRECTOR, [site_id])
            )
            assert summary.status_code == 200, summary.text
            return bool(summary.json()["households"] == 1)

        await eventually(counted, timeout_s=60, what="callback to know the site's occupied unit")
    return site_id


async def test_srv01_srv06_srv07_a_stewards_visit_patrols_and_diary_read_by_the_director(
    page: Page, platform: Stack
) -> None:
    site_id = await a_site_callback_knows_occupied(platform)
    today = datetime.now(SHANGHAI).date()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    month = f"{yesterday:%Y-%m}"
    nav = page.locator("nav[aria-label=callbacks]")

    # SRV-06: the steward records a visit; dated tomorrow it is refused beside the form, as typed
    await as_(page, "steward", site_id, STEWARD)
    await nav.locator("a[data-screen=resident_visits]").click()
    await expect(page.locator("#rv-site")).to_have_value(site_id)
    form = page.get_by_test_id("visit-form")
    await expect(form.locator("#rv-visited-on")).to_have_value(today.isoformat())
    await form.locator("#rv-building").fill("3")
    await form.locator("#rv-room").fill("1202")
    await form.locator("#rv-visited-on").fill(tomorrow.isoformat())
    await form.locator("#rv-opinion").fill(SAID)
    await page.get_by_test_id("record-visit").click()
    form = page.get_by_test_id("visit-form")
    await expect(form.get_by_test_id("visit-problem")).to_contain_text("not ahead of today")
    await expect(form.get_by_test_id("error-visited_on")).to_be_visible()
    await expect(form.locator("#rv-opinion")).to_have_value(SAID)
    await expect(form.locator("#rv-room")).to_have_value("1202")
    await screenshot(page, "resident-visit-refused")
    await form.locator("#rv-visited-on").fill(yesterday.isoformat())
    await page.get_by_test_id("record-visit").click()
    await expect(page.get_by_test_id("done")).to_have_text("走访已登记")
    await expect(page.locator("#rv-month")).to_have_value(month)

    # SRV-01: the month's one household visited of one occupied, against 5%
    summary = page.get_by_test_id("visits-summary")
    await expect(summary.get_by_test_id("households")).to_have_text("1")
    await expect(summary.get_by_test_id("visited-households")).to_have_text("1")
    share = summary.get_by_test_id("visited-share")
    await expect(share).to_have_attribute("data-meets", "true")
    await expect(share.get_by_test_id("bar")).to_have_attribute("data-mark", "5.0")
    await expect(share.get_by_test_id("value")).to_have_text("100%")
    opinion = page.get_by_test_id("opinion")
    await expect(opinion).to_have_count(1)
    await expect(opinion.get_by_test_id("said")).to_have_text(SAID)
    await expect(opinion.get_by_test_id("unit")).to_have_text("3-1202")
    await expect(opinion.get_by_test_id("steward")).to_have_text(STEWARD)

    # SRV-07: from their day to yesterday; a patrol without its time is refused beside the form
    await page.get_by_test_id("open-my-day").click()
    await expect(page.get_by_test_id("day")).to_have_text(today.isoformat())
    await page.get_by_test_id("previous-day").click()
    await expect(page.get_by_test_id("day")).to_have_text(yesterday.isoformat())
    await expect(page.locator("#sd-time")).to_have_value("")  # a past day: no time suggested
    await page.get_by_test_id("record-patrol").click()
    patrol = page.get_by_test_id("patrol-form")
    await expect(patrol.get_by_test_id("patrol-problem")).to_be_visible()
    await expect(patrol.get_by_test_id("error-at")).to_be_visible()

    # the morning's and the afternoon's patrols, shown as callback keeps the day
    await patrol.locator("#sd-time").fill("09:30")
    await patrol.locator("#sd-notes").fill("3栋消防通道堆放杂物, 已通知清理")
    await page.get_by_test_id("record-patrol").click()
    await expect(page.get_by_test_id("done")).to_have_text("巡查已登记")
    day = page.get_by_test_id("recorded-day")
    await expect(day.get_by_test_id("patrol-count")).to_have_attribute("data-patrols", "1")
    await expect(day.get_by_test_id("recorded-steward")).to_have_text(STEWARD)
    await page.locator("#sd-time").fill("15:00")
    await page.get_by_test_id("record-patrol").click()
    await expect(day.get_by_test_id("patrol-count")).to_have_attribute("data-patrols", "2")
    patrols = day.get_by_test_id("patrol")
    await expect(patrols).to_have_count(2)
    await expect(patrols.nth(0).get_by_test_id("patrol-at")).to_have_text(
        f"{yesterday.isoformat()} 09:30"
    )
    await expect(patrols.nth(0).get_by_test_id("patrol-notes")).to_have_text(
        "3栋消防通道堆放杂物, 已通知清理"
    )
    await expect(patrols.nth(1).get_by_test_id("patrol-at")).to_have_text(
        f"{yesterday.isoformat()} 15:00"
    )

    # the day's diary, then the steward's month counts the day
    diary = "上午巡查3、5栋; 下午走访3-1202, 业户反映电梯异响, 已报工程部"
    await page.locator("#sd-diary").fill(diary)
    await page.get_by_test_id("write-diary").click()
    await expect(page.get_by_test_id("done")).to_have_text("日志已保存")
    await expect(day.get_by_test_id("recorded-diary")).to_have_text(diary)
    await expect(day.get_by_test_id("patrol-count")).to_have_attribute("data-patrols", "2")
    mine = page.get_by_test_id("my-month")
    await expect(mine.get_by_test_id("days-with-both-patrols")).to_have_text("1")
    await expect(mine.get_by_test_id("diary-days")).to_have_text("1")
    await expect(mine.get_by_test_id("steward-visits")).to_have_text("1")
    # the next day and back: the day as callback keeps it, read afresh
    await page.get_by_test_id("next-day").click()
    await expect(page.get_by_test_id("recorded-day")).to_have_count(0)
    await page.get_by_test_id("previous-day").click()
    day = page.get_by_test_id("recorded-day")
    await expect(day.get_by_test_id("patrol-count")).to_have_attribute("data-patrols", "2")
    await expect(day.get_by_test_id("recorded-diary")).to_have_text(diary)
    await screenshot(page, "steward-day")
    await page.set_viewport_size(PHONE)
    await fits_the_phone(page)
    await page.set_viewport_size(DESKTOP)

    # SRV-01: the site's director reads the month: the visit, the words, the steward's day
    await as_(page, "director", site_id, DIRECTOR)
    await nav.locator("a[data-screen=resident_visits]").click()
    if month != f"{today:%Y-%m}":
        await page.get_by_test_id("last-month").click()
    await expect(page.locator("#rv-month")).to_have_value(month)
    await expect(page.get_by_test_id("visit-form")).to_have_count(0)
    await expect(page.get_by_test_id("open-my-day")).to_have_count(0)
    summary = page.get_by_test_id("visits-summary")
    await expect(summary.get_by_test_id("visited-households")).to_have_text("1")
    await expect(summary.get_by_test_id("visited-share")).to_have_attribute("data-meets", "true")
    await expect(page.get_by_test_id("opinion").get_by_test_id("said")).to_have_text(SAID)
    row = page.get_by_test_id(f"steward-{STEWARD}")
    await expect(row.get_by_test_id("days-recorded")).to_have_text("1")
    await expect(row.get_by_test_id("days-with-both-patrols")).to_have_text("1")
    await expect(row.get_by_test_id("diary-days")).to_have_text("1")
    await expect(row.get_by_test_id("steward-visits")).to_have_text("1")
    await screenshot(page, "resident-visits")
    await page.set_viewport_size(PHONE)
    await page.reload()
    await fits_the_phone(page)
    await page.set_viewport_size(DESKTOP)


def send_before(period: str) -> date:
    """By hand: a half year's questionnaires go out before 1 June (H1) or 1 December (H2)."""
    return date(int(period[:4]), 6 if period.endswith("H1") else 12, 1)


async def test_srv02_srv03_srv04_srv05_srv10_a_survey_opened_a_return_recorded_and_the_results(
    page: Page, platform: Stack
) -> None:
    site_id = await a_site_callback_knows_occupied(platform)
    today = datetime.now(SHANGHAI).date()
    period = f"{today.year}-H{1 if today.month <= 6 else 2}"
    nav = page.locator("nav[aria-label=callbacks]")

    # SRV-02, SRV-03: the site's manager records the questionnaires sent today
    await as_(page, "site_manager", site_id, MANAGER)
    await nav.locator("a[data-screen=surveys]").click()
    await expect(page.get_by_test_id("survey-period")).to_have_text(period)
    await expect(page.get_by_test_id("this-half")).to_have_attribute("aria-current", "page")
    await expect(page.get_by_test_id("not-opened")).to_be_visible()
    await expect(page.locator("#sv-sent-on")).to_have_value(today.isoformat())
    await page.get_by_test_id("open-survey").click()
    await expect(page.get_by_test_id("done")).to_have_text("问卷发放已登记")
    state = page.get_by_test_id("survey")
    await expect(state.get_by_test_id("survey-status")).to_have_attribute(
        "data-status", "collecting"
    )
    await expect(state.get_by_test_id("sent")).to_have_text("1")
    late = "true" if today >= send_before(period) else "false"
    await expect(state.get_by_test_id("sent-on")).to_have_attribute("data-late", late)
    await expect(state.get_by_test_id("collect-on")).not_to_be_empty()
    await expect(state.get_by_test_id("return-rate").get_by_test_id("value")).to_have_text("0%")
    await expect(page.get_by_test_id("return-form")).to_have_count(0)  # the stewards collect

    # a steward records the returned questionnaire: an unknown unit is refused beside the form
    await as_(page, "steward", site_id, STEWARD)
    await nav.locator("a[data-screen=surveys]").click()
    form = page.get_by_test_id("return-form")
    await form.locator("#sv-building").fill("3")
    await form.locator("#sv-room").fill("9999")
    await form.locator("#sv-satisfied-yes").check()
    await form.get_by_test_id("score-repairs").select_option("4")
    await form.get_by_test_id("score-cleaning").select_option("5")
    await form.locator("#sv-comment").fill("保安很负责")
    await page.get_by_test_id("record-return").click()
    form = page.get_by_test_id("return-form")
    await expect(form.get_by_test_id("return-problem")).to_contain_text("was not sent this survey")
    await expect(form.get_by_test_id("error-room")).to_be_visible()
    await expect(form.get_by_test_id("score-repairs")).to_have_value("4")
    await expect(form.locator("#sv-satisfied-yes")).to_be_checked()
    await screenshot(page, "survey-return-refused")
    await form.locator("#sv-room").fill("1202")
    await page.get_by_test_id("record-return").click()
    await expect(page.get_by_test_id("done")).to_have_text("回收问卷已登记")

    # SRV-04, SRV-10, SRV-05: 1 of 1 returned against 50%, 1 of 1 satisfied against 90%
    state = page.get_by_test_id("survey")
    returned = state.get_by_test_id("return-rate")
    await expect(returned).to_have_attribute("data-state", "met")
    await expect(returned).to_contain_text("(1 / 1)")
    await expect(returned.get_by_test_id("target")).to_have_text("≥50%")
    satisfied = state.get_by_test_id("satisfaction")
    await expect(satisfied).to_have_attribute("data-state", "met")
    await expect(satisfied.get_by_test_id("value")).to_have_text("100%")
    await expect(satisfied.get_by_test_id("target")).to_have_text("≥90%")
    repairs = page.get_by_test_id("question-repairs")
    await expect(repairs.get_by_test_id("answers")).to_have_text("1")
    await expect(repairs.get_by_test_id("average")).to_have_text("4.00")
    await expect(page.get_by_test_id("question-cleaning").get_by_test_id("average")).to_have_text(
        "5.00"
    )
    greenery = page.get_by_test_id("question-greenery")
    await expect(greenery.get_by_test_id("answers")).to_have_text("0")
    await expect(greenery.get_by_test_id("average")).to_have_text("—")
    await screenshot(page, "survey")

    # the results table downloaded through the console
    async with page.expect_download() as downloading:
        await page.get_by_test_id("survey-csv").click()
    download = await downloading.value
    assert download.suggested_filename == f"survey-{site_id}-{period}.csv"
    path = await download.path()
    rows = {r[0]: r for r in csv.reader(io.StringIO(path.read_text("utf-8-sig"))) if r}
    assert rows["question"][:4] == ["question", "text", "answers", "average"]
    assert rows["repairs"][2] == "1" and float(rows["repairs"][3]) == 4.0
    assert rows["returned"][2] == "1" and rows["satisfied"][2] == "1"

    # the director reads it, without a form; it fits a phone
    await as_(page, "director", site_id, DIRECTOR)
    await nav.locator("a[data-screen=surveys]").click()
    await expect(page.get_by_test_id("survey").get_by_test_id("sent")).to_have_text("1")
    await expect(page.get_by_test_id("return-form")).to_have_count(0)
    await expect(page.get_by_test_id("question-repairs").get_by_test_id("answers")).to_have_text(
        "1"
    )
    await page.set_viewport_size(PHONE)
    await page.reload()
    await fits_the_phone(page)
    await screenshot(page, "survey-phone")
    await page.set_viewport_size(DESKTOP)
