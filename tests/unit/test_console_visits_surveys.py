"""The stewards' visits (入户走访), their days (巡查, 工作日志) and the half-yearly satisfaction
survey (满意度调查) in front of a scripted callback, without a browser (SRV-01 to SRV-07, SRV-10):
who records, reads, opens and collects is callback's access table; the month's summary draws the
households visited against 5% and lists the residents' words and each steward's month; a visit,
a patrol, a diary, an opened survey and a returned questionnaire go to callback as its request
models want them, with their Idempotency-Key; the steward's day shows the day as callback answers
it; the survey shows its state, its two shares against their targets and its results table, with
its files streamed through; callback's refusals are shown beside the form, as typed. A reader's
POST and a form without this browser's CSRF token are refused before callback is asked; every
label is in both languages."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from callback.domain.survey import (
    DEFAULT_QUESTIONS,
    MAX_COMMENT,
    RETURNED_SHARE,
    SATISFIED_SHARE,
    Return,
    Survey,
    SurveyStatus,
)
from callback.domain.visits import (
    MAX_TEXT,
    PATROLS_A_DAY,
    VISITED_SHARE,
    ResidentVisit,
    StewardDay,
    summarise,
)
from callback.entrypoints.http.access import ACCESS
from callback.entrypoints.http.visits import (
    DiaryIn,
    PatrolIn,
    ReturnIn,
    StewardDaysOut,
    SurveyIn,
    VisitIn,
    day_out,
    summary_out,
    survey_out,
)
from console.bootstrap import create_app
from console.entrypoints.web import (
    STEWARDS,
    SURVEY_OPENERS,
    SURVEY_READERS,
    SURVEY_RECORDERS,
    VISIT_READERS,
    callback_screens_for,
)
from console.entrypoints.web import resident_visits as visit_pages
from console.entrypoints.web import steward_days as day_pages
from console.entrypoints.web import surveys as survey_pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role

from tests.unit.console_forms import form_fields, forms_on, part_of, refused_field
from tests.unit.test_console import problem, signed_in_against
from tests.unit.test_console_finance import keeping

Routes = dict[tuple[str, str], Any]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTH = "2099-02"
DAY = "2099-02-03"
PERIOD = "2099-H1"
STEWARD = "console-steward-t"
"""How callback names the signed-in steward of these tests (their token's subject)."""
SUMMARY_PATH = f"/resident-visits/dmg/{MONTH}"
VISITS_PAGE = f"/resident-visits?site_id=dmg&month={MONTH}"
DAY_PATH = f"/steward-days/dmg/{DAY}"
SURVEY_PATH = f"/surveys/dmg/{PERIOD}"
AT = datetime(2099, 2, 3, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai


# -- callback's answers, built by its own code ---------------------------------------------------
def a_visit(room: str, said: str, steward: str = STEWARD, day: int = 3) -> ResidentVisit:
    return ResidentVisit(
        visit_id=uuid.uuid4(),
        site_id="dmg",
        building="3",
        room=room,
        visited_on=date(2099, 2, day),
        opinion=said,
        steward=steward,
        recorded_at=AT,
    )


def a_day(patrols: int = 2, diary: str | None = "上午巡查3、5栋; 下午走访两户") -> StewardDay:
    day = StewardDay("dmg", STEWARD, date(2099, 2, 3))
    for n in range(patrols):
        day.patrol(AT + timedelta(hours=6 * n), "3栋消防通道堆放杂物" if n == 0 else None, day.day)
    if diary:
        day.write_diary(diary)
    return day


def a_summary(
    households: int = 30,
    visits: list[ResidentVisit] | None = None,
    days: list[StewardDay] | None = None,
) -> dict[str, Any]:
    """Callback's VisitsSummaryOut of the month, as get_visits_summary builds it."""
    if visits is None:
        visits = [
            a_visit("1202", "希望增加儿童游乐设施; 对保洁满意"),
            a_visit("1202", "电梯还是慢"),
            a_visit("801", "车位不够", steward="王管家", day=5),
        ]
    summary = summarise(visits, [a_day()] if days is None else days, households)
    out = summary_out("dmg", MONTH, summary)
    found: dict[str, Any] = out.model_dump(mode="json")
    return found


def a_survey(
    returns: int = 0, *, status: SurveyStatus = SurveyStatus.COLLECTING, sent_on: date | None = None
) -> dict[str, Any]:
    """Callback's SurveyOut of the site's 2099-H1 survey sent to 4 units, with ``returns`` of
    them back (the first satisfied, the rest not)."""
    survey = Survey(
        site_id="dmg",
        period=PERIOD,
        sent_on=sent_on or date(2099, 5, 20),
        questions=dict(DEFAULT_QUESTIONS),
        units=[f"dmg:3:{room}" for room in ("1201", "1202", "1203", "1204")],
        collect_on=date(2099, 6, 10),
        collect_on_assumed=True,
        time_zone="Asia/Shanghai",
        opened_by="刘经理",
        status=status,
    )
    for n in range(returns):
        scores = {"repairs": 5 if n == 0 else 4, "cleaning": 3}
        survey.returns.append(Return(f"dmg:3:120{n + 1}", n == 0, scores, None, STEWARD, AT))
    found: dict[str, Any] = survey_out(survey).model_dump(mode="json")
    return found


def _changes(calls: list[httpx.Request]) -> list[httpx.Request]:
    return [c for c in calls if c.method != "GET"]


# -- who sees what: callback's access table ------------------------------------------------------
def test_srv01_srv02_srv06_srv07_who_records_reads_opens_and_collects_is_callbacks() -> None:
    """SRV-06, SRV-07: the stewards visit, patrol and write the diary; SRV-01: the site's
    director reads the month; SRV-02: the manager or administrator sends the survey out."""
    for route in ("record_visit", "record_patrol", "write_diary"):
        assert ACCESS[route].roles == STEWARDS, route
    assert ACCESS["get_visits_summary"].roles == VISIT_READERS
    assert ACCESS["open_survey"].roles == SURVEY_OPENERS
    assert ACCESS["get_survey"].roles == SURVEY_READERS
    assert ACCESS["record_survey_return"].roles == SURVEY_RECORDERS
    for role in Role:
        keys = [s.key for s in callback_screens_for(role)]
        assert ("resident_visits" in keys) == (role in VISIT_READERS), role
        assert ("surveys" in keys) == (role in SURVEY_READERS), role
    assert [s.key for s in callback_screens_for(Role.STEWARD)] == ["resident_visits", "surveys"]


def test_what_the_screens_offer_is_what_callback_knows() -> None:
    assert (VISITED_SHARE, MAX_TEXT) == (visit_pages.VISITED_SHARE, visit_pages.MAX_TEXT)
    assert PATROLS_A_DAY == day_pages.PATROLS_A_DAY
    assert (RETURNED_SHARE, SATISFIED_SHARE, MAX_COMMENT) == (
        survey_pages.RETURNED_SHARE,
        survey_pages.SATISFIED_SHARE,
        survey_pages.MAX_COMMENT,
    )
    assert tuple(s.value for s in SurveyStatus) == survey_pages.STATUSES
    assert set(visit_pages.VISIT_FIELDS) | {"site_id"} == set(VisitIn.model_fields)
    assert set(PatrolIn.model_fields) == {"at", "notes"} and set(DiaryIn.model_fields) == {"text"}
    assert set(SurveyIn.model_fields) == {"sent_on", "questions"}
    assert set(ReturnIn.model_fields) == {"building", "room", "satisfied", "scores", "comment"}
    visit = {"site_id": "dmg", "building": "3", "visited_on": "2099-02-03"}
    VisitIn.model_validate(
        visit | {"room": "x" * visit_pages.MAX_PLACE, "opinion": "x" * visit_pages.MAX_TEXT}
    )
    with pytest.raises(ValueError, match="room"):
        VisitIn.model_validate(visit | {"room": "x" * (visit_pages.MAX_PLACE + 1), "opinion": "x"})
    with pytest.raises(ValueError, match="opinion"):
        VisitIn.model_validate(
            visit | {"room": "1202", "opinion": "x" * (visit_pages.MAX_TEXT + 1)}
        )
    assert re.fullmatch(survey_pages.PERIOD, PERIOD) and not survey_pages.PERIOD.fullmatch(
        "2099-H3"
    )


ROUTES = {
    ("GET", "/resident-visits"): VISIT_READERS,
    ("POST", "/resident-visits"): STEWARDS,
    ("GET", "/steward-days"): STEWARDS,
    ("GET", "/steward-days/{site_id}/{day}"): STEWARDS,
    ("POST", "/steward-days/{site_id}/{day}/patrols"): STEWARDS,
    ("POST", "/steward-days/{site_id}/{day}/diary"): STEWARDS,
    ("GET", "/surveys"): SURVEY_READERS,
    ("GET", "/surveys/{site_id}/{period}"): SURVEY_READERS,
    ("GET", "/surveys/{site_id}/{period}/file"): SURVEY_READERS,
    ("POST", "/surveys/{site_id}/{period}/open"): SURVEY_OPENERS,
    ("POST", "/surveys/{site_id}/{period}/returns"): SURVEY_RECORDERS,
}
"""Each console route of the visits, days and survey screens and the roles it lets in
(callback's)."""


def _concrete(path: str) -> str:
    return path.replace("{site_id}", "dmg").replace("{day}", DAY).replace("{period}", PERIOD)


def test_every_route_is_listed_and_refuses_whom_callback_refuses() -> None:
    app = create_app(ConsoleSettings())
    served = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith(("/resident-visits", "/steward-days", "/surveys"))
        for method in methods
    }
    assert served == set(ROUTES)  # a new route is added here, with its roles
    for role in Role:
        with signed_in_against(role, {}) as (client, calls):
            client.get("/sign-in")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in ROUTES.items():
                form = (
                    {"csrf": csrf, "site_id": "dmg", "month": MONTH} if method == "POST" else None
                )
                params = {"format": "csv"} if path.endswith("/file") else None
                answer = client.request(method, _concrete(path), data=form, params=params)
                assert (answer.status_code == 403) == (role not in roles), (role, method, path)
        if role not in STEWARDS | SURVEY_OPENERS | SURVEY_RECORDERS:
            assert _changes(calls) == [], role


def test_a_form_without_this_browsers_csrf_token_is_refused_before_callback_is_asked() -> None:
    with signed_in_against(Role.ADMIN, {("GET", SUMMARY_PATH): a_summary()}) as (client, calls):
        client.get(VISITS_PAGE)
        for (method, path), _ in ROUTES.items():
            if method != "POST":
                continue
            fields = {"key": "k-1", "site_id": "dmg", "month": MONTH, "text": "x"}
            missing = client.post(_concrete(path), data=fields)
            forged = client.post(_concrete(path), data=fields | {"csrf": "guess"})
            assert (missing.status_code, forged.status_code) == (403, 403), path
    assert _changes(calls) == []


# -- the month's visits (SRV-01, SRV-06, SRV-07) -------------------------------------------------
def test_srv01_the_month_draws_the_households_visited_against_5_percent() -> None:
    """2 households of 30 visited (6.7%, over 5%); the residents' words as said; each steward's
    days with both patrols and a diary (SRV-07)."""
    with signed_in_against(Role.DIRECTOR, {("GET", SUMMARY_PATH): a_summary()}) as (client, _):
        page = client.get(VISITS_PAGE).text
    summary = part_of(page, "visits-summary")
    assert 'data-testid="households">30<' in summary
    assert 'data-testid="visited-households">2<' in summary and 'data-testid="visits">3<' in summary
    assert 'data-testid="bar" data-fill="6.67" data-mark="5.0" data-state="met"' in summary
    assert 'data-testid="value">6.7%<' in summary and 'data-testid="target">≥5%<' in summary
    assert 'data-testid="meets">达标<' in summary
    opinions = part_of(page, "opinions")
    assert opinions.count('data-testid="opinion"') == 3
    assert 'data-testid="said">希望增加儿童游乐设施; 对保洁满意<' in opinions
    assert 'data-testid="unit">3-801<' in opinions and "王管家" in opinions
    mine = part_of(page, f"steward-{STEWARD}", "</tr>")
    assert 'data-testid="days-with-both-patrols">1<' in mine
    assert 'data-testid="diary-days">1<' in mine and 'data-testid="steward-visits">2<' in mine
    assert forms_on(page) == set()  # the director reads
    assert 'data-testid="open-my-day"' not in page


def test_srv01_without_occupied_units_there_is_nothing_to_divide() -> None:
    summary = a_summary(households=0, visits=[], days=[])
    with signed_in_against(Role.SITE_MANAGER, {("GET", SUMMARY_PATH): summary}) as (client, _):
        page = client.get(VISITS_PAGE).text
    shown = part_of(page, "visits-summary")
    assert 'data-state="none"' in shown and "bar-fill" not in shown
    assert 'data-testid="value">—<' in shown and 'data-testid="no-households"' in shown
    assert 'data-testid="no-opinions"' in page and 'data-testid="no-stewards"' in page


def test_the_page_opens_on_this_month_with_the_stewards_day_and_form() -> None:
    this_month = f"{datetime.now(SHANGHAI):%Y-%m}"
    today = f"{datetime.now(SHANGHAI):%Y-%m-%d}"
    routes: Routes = {("GET", f"/resident-visits/dmg/{this_month}"): a_summary()}
    with signed_in_against(Role.STEWARD, routes) as (client, _):
        page = client.get("/resident-visits").text
        wrong = client.get("/resident-visits", params={"month": "2099-13"})
    assert f'id="rv-month" name="month" type="month" value="{this_month}"' in page
    assert f'href="/steward-days/dmg/{today}" data-testid="open-my-day"' in page
    assert f'id="rv-visited-on" name="visited_on" type="date" max="{today}" value="{today}"' in page
    assert forms_on(page) == {"visit"}
    assert wrong.status_code == 422 and "is not a month YYYY-MM" in wrong.text


def test_srv06_a_visit_refused_is_shown_beside_the_form_as_typed_then_recorded() -> None:
    sent: list[httpx.Request] = []
    answers = [
        httpx.Response(201, json={}),
        refused_field(
            422, "a visit is recorded once made: visited_on is not ahead of today", "visited_on"
        ),
    ]
    routes: Routes = {
        ("GET", SUMMARY_PATH): a_summary(),
        ("POST", "/resident-visits"): lambda r: keeping(sent, answers.pop())(r),
    }
    typed = {
        "site_id": "dmg",
        "month": MONTH,
        "building": " 3 ",
        "room": "1202",
        "visited_on": "2099-03-01",
        "opinion": " 希望增加儿童游乐设施 <b> ",
    }
    with signed_in_against(Role.STEWARD, routes) as (client, _):
        refused = client.post("/resident-visits", data=form_fields(client, VISITS_PAGE, **typed))
        typed |= {"visited_on": "2099-02-03", "key": "k-2"}
        done = client.post("/resident-visits", data=form_fields(client, VISITS_PAGE, **typed))
        page = client.get(done.headers["location"].split("#")[0]).text
    assert refused.status_code == 422
    form = part_of(refused.text, "visit-form", "</form>")
    assert 'data-testid="visit-problem">a visit is recorded once made' in form
    assert 'data-testid="error-visited_on">a visit is recorded once made' in form
    assert 'value="2099-03-01"' in form and "希望增加儿童游乐设施 &lt;b&gt;" in form
    key = re.search(r'name="key" value="([^"]+)"', form)
    assert key and key[1] != "k-1"  # callback kept its refusal: the corrected form is new
    assert json.loads(sent[0].content) == {
        "site_id": "dmg",
        "building": "3",
        "room": "1202",
        "visited_on": "2099-03-01",
        "opinion": "希望增加儿童游乐设施 <b>",
    }
    assert sent[1].headers["Idempotency-Key"] == "k-2"
    assert done.headers["location"] == f"{VISITS_PAGE}&done=visit#summary"
    assert 'data-testid="done">走访已登记<' in page


# -- the steward's day (SRV-07) ----------------------------------------------------------------
def test_srv07_the_day_shows_the_forms_and_the_stewards_month() -> None:
    with signed_in_against(Role.STEWARD, {("GET", SUMMARY_PATH): a_summary()}) as (client, calls):
        page = client.get(DAY_PATH).text  # callback answers 404 here: nothing recorded
        bad = client.get("/steward-days/dmg/2099-02-30")
        today = client.get("/steward-days")
    assert forms_on(page) == {"patrol", "diary"}
    assert 'href="/steward-days/dmg/2099-02-02" data-testid="previous-day"' in page
    assert 'href="/steward-days/dmg/2099-02-04" data-testid="next-day"' in page
    mine = part_of(page, "my-month")
    assert (
        'data-testid="days-with-both-patrols">1<' in mine and 'data-testid="diary-days">1<' in mine
    )
    assert 'data-testid="recorded-day"' not in page  # nothing written on the day yet
    assert bad.status_code == 422
    assert today.headers["location"] == f"/steward-days/dmg/{datetime.now(SHANGHAI):%Y-%m-%d}"
    assert [c.url.path for c in calls if "resident-visits" in c.url.path] == [SUMMARY_PATH]


def test_srv07_the_day_shows_the_stewards_own_patrols_and_diary_as_callback_keeps_them() -> None:
    mine = a_day(patrols=2)
    theirs = StewardDay("dmg", "another-steward", mine.day)
    theirs.write_diary("别人的日志")
    days = StewardDaysOut(site_id="dmg", day=mine.day, stewards=[day_out(theirs), day_out(mine)])
    routes: Routes = {
        ("GET", SUMMARY_PATH): a_summary(),
        ("GET", DAY_PATH): days.model_dump(mode="json"),
    }
    with signed_in_against(Role.STEWARD, routes) as (client, _):
        page = client.get(DAY_PATH).text
    day = part_of(page, "recorded-day")
    assert 'data-testid="patrol-count" data-patrols="2"' in day and "2 / 2" in day
    assert 'data-testid="recorded-diary">上午巡查3、5栋; 下午走访两户<' in day
    assert "别人的日志" not in page


def test_srv07_a_patrol_is_sent_at_its_time_in_the_sites_time_and_the_day_shown() -> None:
    sent: list[httpx.Request] = []
    recorded = day_out(a_day(patrols=2, diary=None)).model_dump(mode="json")
    routes: Routes = {
        ("GET", SUMMARY_PATH): a_summary(),
        ("POST", f"{DAY_PATH}/patrols"): keeping(sent, httpx.Response(201, json=recorded)),
    }
    with signed_in_against(Role.STEWARD, routes) as (client, _):
        fields = {"time": "15:30", "notes": " 5栋电梯间灯不亮 "}
        shown = client.post(f"{DAY_PATH}/patrols", data=form_fields(client, DAY_PATH, **fields))
    assert json.loads(sent[0].content) == {
        "at": "2099-02-03T15:30:00+08:00",
        "notes": "5栋电梯间灯不亮",
    }
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert shown.status_code == 200 and 'data-testid="done">巡查已登记<' in shown.text
    day = part_of(shown.text, "recorded-day")
    assert 'data-testid="patrol-count" data-patrols="2"' in day and "2 / 2" in day
    assert 'data-testid="patrol-at">2099-02-03 09:30<' in day
    assert 'data-testid="patrol-notes">3栋消防通道堆放杂物<' in day
    assert 'data-testid="patrol-at">2099-02-03 15:30<' in day
    assert "尚未填写" in day
    key = re.search(r'name="key" value="([^"]+)"', part_of(shown.text, "patrol-form", "</form>"))
    assert key and key[1] != "k-1"  # the next patrol is a new request


def test_srv07_a_patrol_ahead_of_now_is_refused_beside_its_form_as_typed() -> None:
    refusal = refused_field(422, "a patrol is recorded once made: at is not ahead of now", "at")
    routes: Routes = {
        ("GET", SUMMARY_PATH): a_summary(),
        ("POST", f"{DAY_PATH}/patrols"): lambda _: refusal,
    }
    with signed_in_against(Role.STEWARD, routes) as (client, _):
        refused = client.post(
            f"{DAY_PATH}/patrols", data=form_fields(client, DAY_PATH, time="23:50", notes="3栋")
        )
        empty = client.post(f"{DAY_PATH}/patrols", data=form_fields(client, DAY_PATH, time=""))
    form = part_of(refused.text, "patrol-form", "</form>")
    assert refused.status_code == 422
    assert 'data-testid="patrol-problem">a patrol is recorded once made' in form
    assert 'data-testid="error-at">a patrol is recorded once made' in form
    assert 'value="23:50"' in form and ">3栋</textarea>" in form
    assert "diary-problem" not in refused.text
    assert empty.status_code == 422


def test_srv07_the_diary_is_written_and_shown_or_refused_beside_its_form() -> None:
    sent: list[httpx.Request] = []
    written = day_out(a_day(patrols=1)).model_dump(mode="json")
    answers = [
        httpx.Response(200, json=written),
        refused_field(422, "a diary is written on the day or after it", "day"),
    ]
    routes: Routes = {
        ("GET", SUMMARY_PATH): a_summary(),
        ("PUT", f"{DAY_PATH}/diary"): lambda r: keeping(sent, answers.pop())(r),
    }
    with signed_in_against(Role.STEWARD, routes) as (client, _):
        text = " 上午巡查3、5栋; 下午走访两户 "
        refused = client.post(f"{DAY_PATH}/diary", data=form_fields(client, DAY_PATH, text=text))
        shown = client.post(
            f"{DAY_PATH}/diary", data=form_fields(client, DAY_PATH, text=text, key="k-2")
        )
    form = part_of(refused.text, "diary-form", "</form>")
    assert 'data-testid="diary-problem">a diary is written on the day or after it<' in form
    assert 'data-testid="error-day">' in form and "上午巡查3、5栋; 下午走访两户" in form
    assert [json.loads(s.content) for s in sent] == [{"text": "上午巡查3、5栋; 下午走访两户"}] * 2
    assert sent[1].method == "PUT" and sent[1].headers["Idempotency-Key"] == "k-2"
    assert 'data-testid="done">日志已保存<' in shown.text
    day = part_of(shown.text, "recorded-day")
    assert 'data-testid="recorded-diary">上午巡查3、5栋; 下午走访两户<' in day
    assert 'data-patrols="1"' in day and '<strong class="late">1 / 2<' in day
    diary_form = part_of(shown.text, "diary-form", "</form>")
    assert ">上午巡查3、5栋; 下午走访两户</textarea>" in diary_form  # to correct it


# -- the survey (SRV-02 to SRV-05, SRV-10) --------------------------------------------------------
def test_srv02_a_survey_not_opened_says_so_with_the_form_for_the_manager_only() -> None:
    routes: Routes = {("GET", SURVEY_PATH): lambda _: problem(404, f"no {PERIOD} survey at dmg")}
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        page = client.get(SURVEY_PATH)
    assert page.status_code == 200 and 'data-testid="not-opened"' in page.text
    assert forms_on(page.text) == {"open"}
    today = f"{datetime.now(SHANGHAI):%Y-%m-%d}"
    assert f'name="sent_on" type="date" max="{today}" value="{today}"' in page.text
    with signed_in_against(Role.STEWARD, routes) as (client, _):
        read = client.get(SURVEY_PATH).text
    assert forms_on(read) == set() and 'data-testid="not-opened"' in read


def test_srv02_opening_sends_the_day_and_a_refusal_is_shown_beside_the_form() -> None:
    sent: list[httpx.Request] = []
    answers = [
        httpx.Response(200, json=a_survey()),
        problem(409, "no occupied unit of dmg is in the directory yet"),
    ]
    routes: Routes = {
        ("GET", SURVEY_PATH): lambda _: problem(404, f"no {PERIOD} survey at dmg"),
        ("PUT", SURVEY_PATH): lambda r: keeping(sent, answers.pop())(r),
    }
    with signed_in_against(Role.ADMINISTRATOR, routes) as (client, _):
        refused = client.post(
            f"{SURVEY_PATH}/open", data=form_fields(client, SURVEY_PATH, sent_on="2099-05-20")
        )
        done = client.post(
            f"{SURVEY_PATH}/open",
            data=form_fields(client, SURVEY_PATH, sent_on="2099-05-20", key="k-2"),
        )
    assert refused.status_code == 409
    form = part_of(refused.text, "open-form", "</form>")
    assert 'data-testid="open-problem">no occupied unit of dmg is in the directory yet<' in form
    assert 'value="2099-05-20"' in form
    assert [json.loads(s.content) for s in sent] == [{"sent_on": "2099-05-20"}] * 2
    key = re.search(r'name="key" value="([^"]+)"', form)
    assert key and key[1] == "k-1"  # callback keeps no answer of a 409: tried again as it was
    assert done.headers["location"] == f"{SURVEY_PATH}?done=opened#survey"


def test_srv03_srv04_srv05_srv10_the_survey_its_shares_and_its_results_table() -> None:
    """3 of 4 returned (75%, over 50%); 1 of 3 satisfied (33.3%, under 90%); repairs answered
    3 times, mean 4.33; sent on 1 June, late (SRV-02); collected until 10 June, assumed."""
    survey = a_survey(returns=3, sent_on=date(2099, 6, 1))
    with signed_in_against(Role.QUALITY_HEAD, {("GET", SURVEY_PATH): survey}) as (client, _):
        page = client.get(SURVEY_PATH).text
    state = part_of(page, "survey")
    assert 'data-testid="survey-status" data-status="collecting">回收中<' in state
    assert 'data-testid="sent-on" data-late="true">2099-06-01' in state
    assert 'data-testid="sent-late">发放晚于规定日期<' in state
    assert 'data-testid="sent">4<' in state
    assert 'data-testid="collect-on" data-assumed="true">2099-06-10' in state
    returned = part_of(state, "return-rate", "</dd>")
    assert 'data-fill="75.0" data-mark="50.0" data-state="met"' in returned
    assert 'data-testid="value">75%</span> (3 / 4)' in returned and "≥50%" in returned
    satisfied = part_of(state, "satisfaction", "</dd>")
    assert 'data-fill="33.33" data-mark="90.0" data-state="missed"' in satisfied
    assert 'data-testid="value">33.3%</span> (1 / 3)' in satisfied and "未达标" in satisfied
    results = part_of(page, "results")
    repairs = part_of(results, "question-repairs", "</tr>")
    assert "维修服务及时性与质量" in repairs
    assert 'data-testid="answers">3<' in repairs and 'data-testid="average">4.33<' in repairs
    greenery = part_of(results, "question-greenery", "</tr>")
    assert 'data-testid="answers">0<' in greenery and 'data-testid="average">—<' in greenery
    assert f'href="{SURVEY_PATH}/file?format=csv" download data-testid="survey-csv"' in results
    assert f'href="{SURVEY_PATH}/file?format=xlsx" download data-testid="survey-xlsx"' in results
    assert forms_on(page) == set()  # quality control reads


def test_srv03_a_return_is_sent_with_its_scores_or_refused_beside_the_form_as_typed() -> None:
    sent: list[httpx.Request] = []
    answers = [
        httpx.Response(201, json=a_survey(returns=1)),
        refused_field(422, "unit dmg:3:9999 was not sent this survey", "room"),
    ]
    routes: Routes = {
        ("GET", SURVEY_PATH): a_survey(),
        ("POST", f"{SURVEY_PATH}/returns"): lambda r: keeping(sent, answers.pop())(r),
    }
    typed = {
        "building": "3",
        "room": "9999",
        "satisfied": "false",
        "score.repairs": "4",
        "score.cleaning": "5",
        "score.greenery": "",
        "comment": " 保安很负责 ",
    }
    with signed_in_against(Role.STEWARD, routes) as (client, _):
        page = client.get(SURVEY_PATH).text
        refused = client.post(
            f"{SURVEY_PATH}/returns", data=form_fields(client, SURVEY_PATH, **typed)
        )
        typed |= {"room": "1201", "key": "k-2"}
        done = client.post(f"{SURVEY_PATH}/returns", data=form_fields(client, SURVEY_PATH, **typed))
    assert forms_on(page) == {"return"}
    assert page.count('<select id="sv-score-') == len(DEFAULT_QUESTIONS)
    form = part_of(refused.text, "return-form", "</form>")
    assert 'data-testid="return-problem">unit dmg:3:9999 was not sent this survey<' in form
    assert 'data-testid="error-room">' in form and 'value="9999"' in form
    assert 'id="sv-satisfied-no" checked' in form
    assert '<option value="4" selected>4</option>' in part_of(form, "score-repairs", "</select>")
    assert json.loads(sent[0].content) == {
        "building": "3",
        "room": "9999",
        "satisfied": False,
        "scores": {"repairs": 4, "cleaning": 5},
        "comment": "保安很负责",
    }
    ReturnIn.model_validate(json.loads(sent[1].content))  # callback's model takes it as sent
    assert done.headers["location"] == f"{SURVEY_PATH}?done=returned#results"


def test_srv03_a_return_without_a_choice_leaves_it_for_callback_to_name() -> None:
    sent: list[httpx.Request] = []
    routes: Routes = {
        ("GET", SURVEY_PATH): a_survey(),
        ("POST", f"{SURVEY_PATH}/returns"): keeping(
            sent, httpx.Response(200, json=a_survey(returns=1))
        ),
    }
    with signed_in_against(Role.ADMINISTRATOR, routes) as (client, _):
        fields = {"building": "3", "room": "1201", "score.repairs": "x"}
        done = client.post(
            f"{SURVEY_PATH}/returns", data=form_fields(client, SURVEY_PATH, **fields)
        )
    assert json.loads(sent[0].content) == {
        "building": "3",
        "room": "1201",
        "scores": {"repairs": "x"},
    }
    assert done.headers["location"] == f"{SURVEY_PATH}?done=returned_already#results"


def test_srv03_a_closed_survey_takes_no_return_and_a_late_one_is_refused_beside_the_table() -> None:
    closed = a_survey(returns=2, status=SurveyStatus.CLOSED)
    refusal = problem(409, "the survey closed on 2099-06-10: a late return is not counted")
    routes: Routes = {
        ("GET", SURVEY_PATH): closed,
        ("POST", f"{SURVEY_PATH}/returns"): lambda _: refusal,
    }
    with signed_in_against(Role.STEWARD, routes) as (client, _):
        page = client.get(SURVEY_PATH).text
        fields = {"building": "3", "room": "1204", "satisfied": "true"}
        refused = client.post(
            f"{SURVEY_PATH}/returns", data=form_fields(client, SURVEY_PATH, **fields)
        )
    assert 'data-status="closed">已截止<' in page and forms_on(page) == set()
    assert refused.status_code == 409 and forms_on(refused.text) == set()
    assert 'data-testid="return-problem">the survey closed on 2099-06-10' in refused.text


def test_the_survey_opens_on_this_half_year_and_a_wrong_period_is_refused() -> None:
    today = datetime.now(SHANGHAI).date()
    this_half = survey_pages.half_year(today)
    with signed_in_against(Role.DIRECTOR, {}) as (client, _):
        opened = client.get("/surveys")
        chosen = client.get("/surveys", params={"site_id": "dmg", "period": "2098-H2"})
        wrong = client.get("/surveys/dmg/2099-H3")
    assert opened.headers["location"] == f"/surveys/dmg/{this_half}"
    assert chosen.headers["location"] == "/surveys/dmg/2098-H2"
    assert wrong.status_code == 422
    assert survey_pages.half_year(date(2099, 6, 30)) == "2099-H1"
    assert survey_pages.half_year(date(2099, 7, 1)) == "2099-H2"
    assert survey_pages.half_year_before("2099-H1") == "2098-H2"
    assert survey_pages.half_year_before("2099-H2") == "2099-H1"


def test_srv05_the_results_file_is_streamed_through_under_callbacks_name() -> None:
    body = b"question,text,answers,average\nrepairs,x,3,4.33\n"
    disposition = f'attachment; filename="survey-dmg-{PERIOD}.csv"'
    routes: Routes = {
        ("GET", SURVEY_PATH): lambda r: httpx.Response(
            200,
            content=body,
            headers={"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": disposition},
        )
    }
    with signed_in_against(Role.STEWARD, routes) as (client, calls):
        got = client.get(f"{SURVEY_PATH}/file", params={"format": "csv"})
        bad = client.get(f"{SURVEY_PATH}/file", params={"format": "pdf"})
    assert got.status_code == 200 and got.content == body
    assert got.headers["content-disposition"] == disposition
    assert calls[-1].url.params["format"] == "csv"
    assert bad.status_code == 422


# -- both languages --------------------------------------------------------------------------------
def test_every_label_the_screens_build_is_in_both_languages() -> None:
    built = (
        {"resident_visits", "surveys", "steward_day"}
        | {f"visits_done_{d}" for d in visit_pages.DONE}
        | {f"steward_day_done_{d}" for d in day_pages.DONE}
        | {f"survey_done_{d}" for d in survey_pages.DONE}
        | {f"survey_status_{s}" for s in survey_pages.STATUSES}
    )
    assert sorted(built - TEXT.keys()) == []
    for key in built:
        chinese, english = TEXT[key]
        assert re.search(r"[\u4e00-\u9fff]", chinese) and english.isascii(), key


def test_the_screens_speak_english_when_asked() -> None:
    written = day_out(a_day()).model_dump(mode="json")
    routes: Routes = {
        ("GET", SUMMARY_PATH): a_summary(),
        ("GET", SURVEY_PATH): a_survey(returns=2),
        ("PUT", f"{DAY_PATH}/diary"): written,
    }
    with signed_in_against(Role.STEWARD, routes) as (client, _):
        client.cookies.set("hotline_lang", "en")
        visits = client.get(VISITS_PAGE).text
        survey = client.get(SURVEY_PATH).text
        day = client.post(
            f"{DAY_PATH}/diary", data=form_fields(client, DAY_PATH, text="巡查两遍")
        ).text
    assert "Resident visits" in visits and "Households visited" in visits
    assert "What the residents said" in visits and "Days with both patrols" in visits
    assert "Results table" in survey and "Collecting" in survey and "Mean score" in survey
    assert "Record the returned questionnaire" in survey
    assert "The diary was saved" in day and "Record the patrol" in day and "My month" in day
    for page in (visits, survey, day):
        assert not re.search(r">\s*(visits|survey|steward_day)_[a-z_]+\s*<", page)
