"""The month's callback KPIs (回访考核指标) and the spot checks (回访抽查) in front of a scripted
callback, without a browser (issue #12, KPI-14, CB-06, SRV-10, SRV-11, CB-10, CB-11): who reads,
prepares, reviews, approves, draws and checks is callback's access table; each KPI is a bar
against a mark at its target, green when met and red when missed, with its value, target and
numerator over denominator, "—" with nothing to divide and a plain number for a count; the three
sign-offs show who and when, a sent-back one its note; each role sees the button it may use by
the report's status; callback's refusals are shown beside the form, as typed; the files are
streamed through; the spot-check list shows each site's shortfall in red and a site's page the
drawn callbacks with the resident, the request and the outcome, and a check form for each one
unchecked. A reader's POST and a form without this browser's CSRF token are refused before
callback is asked; every label is in both languages."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from callback.domain.kpis import Case, KpiReport, KpiReportStatus, Rectified, SignOff, month_kpis
from callback.domain.policy import MANUALS, PolicyVersion, Trigger
from callback.domain.spot_check import MAX_DRAWN, MAX_NOTE, SPOT_CHECKS, SpotCheck
from callback.entrypoints.http.access import ACCESS
from callback.entrypoints.http.kpis import ReviewIn, report_out, spot_check_out
from console.bootstrap import create_app
from console.entrypoints.web import (
    CALLBACK_READERS,
    KPI_APPROVERS,
    KPI_PREPARERS,
    KPI_READERS,
    KPI_REVIEWERS,
    SPOT_CHECK_READERS,
    SPOT_CHECKERS,
    callback_screens_for,
)
from console.entrypoints.web import callback_kpis as kpi_pages
from console.entrypoints.web import spot_checks as spot_pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role
from pydantic import ValidationError

from tests.unit.console_forms import form_fields, forms_on
from tests.unit.test_console import problem, signed_in_against
from tests.unit.test_console_callbacks import a_callback
from tests.unit.test_console_finance import keeping

Routes = dict[tuple[str, str], Any]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTH = "2099-02"
KPIS_PATH = f"/callback-kpis/dmg/{MONTH}"
PAGE = f"/callback-kpis?site_id=dmg&month={MONTH}"
SPOT_PATH = f"/spot-checks/dmg/{MONTH}"
AT = datetime(2099, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
POLICY = PolicyVersion(0, date.min, dict(MANUALS))


def the_kpis() -> list[Any]:
    """20 callbacks made of the month's cases: 10 cash-paid services satisfied and one not, 9
    free repairs satisfied (19 of 20 satisfied: 95%, over 90%; 10 of 11 paid ones: 90.9%, under
    98%); no complaint (nothing to divide); 2 rectifications opened, 1 closed, 1 open at the
    month's end; 1 spot check of 3."""
    cases = (
        [Case(Trigger.CASH_PAID, True, True, True, False) for _ in range(10)]
        + [Case(Trigger.CASH_PAID, True, False, True, False)]
        + [Case(Trigger.REPAIR, True, True, True, False) for _ in range(9)]
    )
    return month_kpis(cases, POLICY, Rectified(2, 1, 0, 1), 1)


def live() -> dict[str, Any]:
    """Callback's KpiReportOut of the month as its records stand (not prepared)."""
    found: dict[str, Any] = report_out("dmg", MONTH, None, the_kpis()).model_dump(mode="json")
    return found


def signed(*steps: str) -> dict[str, Any]:
    """The month's report prepared by 张主管 and taken through ``steps`` (sent_back, reviewed,
    approved), as callback writes it."""
    report = KpiReport("dmg", MONTH, the_kpis(), SignOff("张主管", AT))
    for n, step in enumerate(steps, start=1):
        at = AT + timedelta(hours=n)
        if step == "sent_back":
            report.review("刘经理", False, "回访及时率请核对", at)
        elif step == "prepared":
            report.prepare_again(the_kpis(), "张主管", at)
        elif step == "reviewed":
            report.review("刘经理", True, None, at)
        elif step == "approved":
            report.approve("王总", at)
    found: dict[str, Any] = report_out("dmg", MONTH, report, []).model_dump(mode="json")
    return found


def kpi_routes(report: dict[str, Any] | None = None) -> Routes:
    return {("GET", KPIS_PATH): report or live()}


def _changes(calls: list[httpx.Request]) -> list[httpx.Request]:
    return [c for c in calls if c.method != "GET"]


def _row(page: str, name: str) -> str:
    return page.split(f'data-testid="kpi-{name}"', 1)[1].split("</tr>", 1)[0]


# -- who sees what: callback's access table ------------------------------------------------------
def test_kpi14_cb06_who_reads_signs_draws_and_checks_follows_callbacks_access_table() -> None:
    """KPI-14: prepared, reviewed and approved by three roles; CB-06: checked by the
    service-centre head or the site's manager."""
    assert ACCESS["get_kpis"].roles == KPI_READERS
    assert ACCESS["prepare_kpis"].roles == KPI_PREPARERS
    assert ACCESS["review_kpis"].roles == KPI_REVIEWERS
    assert ACCESS["approve_kpis"].roles == KPI_APPROVERS
    assert ACCESS["list_spot_checks"].roles == SPOT_CHECK_READERS
    assert ACCESS["get_spot_checks"].roles == SPOT_CHECK_READERS
    assert ACCESS["draw_spot_checks"].roles == SPOT_CHECKERS
    assert ACCESS["record_spot_check"].roles == SPOT_CHECKERS
    # a site's spot checks show each drawn callback: its readers read callbacks
    assert ACCESS["get_callback"].roles >= SPOT_CHECK_READERS
    for role in Role:
        keys = [s.key for s in callback_screens_for(role)]
        assert ("callback_kpis" in keys) == (role in KPI_READERS), role
        assert ("spot_checks" in keys) == (role in SPOT_CHECK_READERS), role
    assert [s.key for s in callback_screens_for(Role.SITE_MANAGER)] == [
        "callbacks",
        "rectifications",
        "callback_policies",
        "callback_kpis",
        "spot_checks",
        "resident_visits",
        "surveys",
    ]
    assert KPI_READERS == CALLBACK_READERS


def test_what_the_screens_offer_is_what_callback_knows() -> None:
    assert ("live", *(s.value for s in KpiReportStatus)) == kpi_pages.STATUSES
    assert (SPOT_CHECKS, MAX_DRAWN, MAX_NOTE) == (
        spot_pages.SPOT_CHECKS,
        spot_pages.MAX_DRAWN,
        spot_pages.MAX_NOTE,
    )
    ReviewIn(approved=False, note="x" * kpi_pages.MAX_NOTE)
    with pytest.raises(ValidationError):
        ReviewIn(approved=False, note="x" * (kpi_pages.MAX_NOTE + 1))


KPI_ROUTES = {
    ("GET", "/callback-kpis"): KPI_READERS,
    ("GET", "/callback-kpis/file"): KPI_READERS,
    ("POST", "/callback-kpis/prepare"): KPI_PREPARERS,
    ("POST", "/callback-kpis/review"): KPI_REVIEWERS,
    ("POST", "/callback-kpis/approve"): KPI_APPROVERS,
    ("GET", "/spot-checks"): SPOT_CHECK_READERS,
    ("GET", "/spot-checks/{site_id}/{month}"): SPOT_CHECK_READERS,
    ("POST", "/spot-checks/{site_id}/{month}/draw"): SPOT_CHECKERS,
    ("POST", "/spot-checks/{site_id}/{month}/checks"): SPOT_CHECKERS,
}
"""Each console route of the KPI and spot-check screens and the roles it lets in (callback's)."""
QUERY = {"site_id": "dmg", "month": MONTH, "format": "csv"}


def test_every_route_is_listed_and_refuses_whom_callback_refuses() -> None:
    app = create_app(ConsoleSettings())
    served = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith(("/callback-kpis", "/spot-checks"))
        for method in methods
    }
    assert served == set(KPI_ROUTES)  # a new route is added here, with its roles
    for role in Role:
        with signed_in_against(role, {}) as (client, calls):
            client.get("/sign-in")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in KPI_ROUTES.items():
                form = (
                    {"csrf": csrf, "site_id": "dmg", "month": MONTH} if method == "POST" else None
                )
                params = QUERY if path == "/callback-kpis/file" else None
                concrete = path.replace("{site_id}", "dmg").replace("{month}", MONTH)
                answer = client.request(method, concrete, data=form, params=params)
                assert (answer.status_code == 403) == (role not in roles), (role, method, path)
        if role not in KPI_PREPARERS | KPI_REVIEWERS | KPI_APPROVERS | SPOT_CHECKERS:
            assert _changes(calls) == [], role


def test_a_form_without_this_browsers_csrf_token_is_refused_before_callback_is_asked() -> None:
    with signed_in_against(Role.ADMIN, kpi_routes()) as (client, calls):
        client.get(PAGE)
        for (method, path), _ in KPI_ROUTES.items():
            if method != "POST":
                continue
            concrete = path.replace("{site_id}", "dmg").replace("{month}", MONTH)
            fields = {"key": "k-1", "site_id": "dmg", "month": MONTH, "count": "3"}
            missing = client.post(concrete, data=fields)
            forged = client.post(concrete, data=fields | {"csrf": "guess"})
            assert (missing.status_code, forged.status_code) == (403, 403), path
    assert _changes(calls) == []


# -- the KPIs against their targets ----------------------------------------------------------------
def test_srv10_srv11_each_kpi_is_a_bar_against_its_target_green_when_met_red_when_missed() -> None:
    """SRV-10: customer satisfaction 19 of 20 (95%) against 90%, met; SRV-11: paid-service
    satisfaction 10 of 11 (90.9%) against 98%, missed; the spot checks 1 of 3."""
    with signed_in_against(Role.QUALITY_HEAD, kpi_routes()) as (client, calls):
        page = client.get(PAGE).text
    satisfaction = _row(page, "customer_satisfaction")
    assert "客户满意度" in satisfaction
    assert 'data-testid="bar" data-fill="95.0" data-mark="90.0" data-state="met"' in satisfaction
    assert '<rect class="fill met" x="0" y="0" width="95.0"' in satisfaction
    assert '<line class="mark" x1="90.0" x2="90.0"' in satisfaction
    assert re.search(r'class="kpi-value met" data-testid="value"><span>95%', satisfaction)
    assert 'data-testid="meets">达标<' in satisfaction
    assert 'data-testid="target">≥90%<' in satisfaction
    assert 'data-testid="fraction">19 / 20<' in satisfaction
    paid = _row(page, "paid_satisfaction_called_back")
    assert 'data-fill="90.91" data-mark="98.0" data-state="missed"' in paid
    assert re.search(r'class="kpi-value missed" data-testid="value"><span>90.9%', paid)
    assert 'data-testid="meets">未达标<' in paid and 'data-testid="target">≥98%<' in paid
    assert 'data-testid="fraction">10 / 11<' in paid
    spot = _row(page, "spot_checks")
    assert "33.3%" in spot and 'data-testid="fraction">1 / 3<' in spot
    assert 'data-testid="target">≥100%<' in spot and 'data-state="missed"' in spot
    assert 'data-testid="kpi-status" data-status="live">实时数据 (未编写)<' in page
    assert [c.url.path for c in calls if c.url.path.startswith("/callback-kpis")] == [KPIS_PATH]


def test_cb10_cb11_nothing_to_divide_is_a_dash_and_a_count_is_a_number() -> None:
    with signed_in_against(Role.SITE_MANAGER, kpi_routes()) as (client, _):
        page = client.get(PAGE).text
    complaints = _row(page, "callback_rate_valid_complaint")
    assert "回访率 · 有效投诉" in complaints
    assert 'data-testid="value"><span>—' in complaints and 'data-meets="none"' in page
    assert 'data-state="none"' in complaints and "bar-fill" not in complaints  # no bar
    assert 'data-testid="bar-mark"' in complaints  # the target is still marked
    assert 'data-testid="fraction">0 / 0<' in complaints
    assert 'data-testid="meets"' not in complaints
    opened = _row(page, "rectifications_opened")
    assert 'data-testid="value">2<' in opened and 'data-testid="bar"' not in opened
    assert 'data-testid="target">—<' in opened and "计数, 无目标" in opened
    assert 'data-testid="value">1<' in _row(page, "rectifications_open")
    rate = _row(page, "callback_rate_cash_paid")
    assert 'data-testid="fraction">11 / 11<' in rate and 'data-state="met"' in rate


def test_a_kpi_callback_adds_later_is_shown_by_its_name() -> None:
    report = live()
    report["kpis"].append(
        {
            "name": "callback_rate_key_customer",
            "value": 0.5,
            "numerator": 1,
            "denominator": 2,
            "target": 1.0,
            "meets": False,
        }
    )
    with signed_in_against(Role.AGENT, kpi_routes(report)) as (client, _):
        page = client.get(PAGE).text
    row = _row(page, "callback_rate_key_customer")
    assert ">callback_rate_key_customer<" in row and 'data-fill="50.0"' in row


def test_the_page_opens_on_this_month_at_the_users_site_with_last_month_a_click_away() -> None:
    today = datetime.now(SHANGHAI).date()
    this_month = f"{today:%Y-%m}"
    last = f"{(today.replace(day=1) - timedelta(days=1)):%Y-%m}"
    report = live() | {"month": this_month}
    routes: Routes = {("GET", f"/callback-kpis/dmg/{this_month}"): report}
    with signed_in_against(Role.SUPERVISOR, routes) as (client, calls):
        page = client.get("/callback-kpis").text
        wrong = client.get("/callback-kpis", params={"month": "2099-13"})
    assert f'id="kpi-month" name="month" type="month" value="{this_month}"' in page
    assert f'href="/callback-kpis?site_id=dmg&amp;month={last}" data-testid="last-month"' in page
    assert 'data-testid="this-month" aria-current="page"' in page
    assert f"/callback-kpis/file?site_id=dmg&amp;month={this_month}&amp;format=xlsx" in page
    assert f"/callback-kpis/file?site_id=dmg&amp;month={this_month}&amp;format=csv" in page
    assert wrong.status_code == 422 and "is not a month YYYY-MM" in wrong.text
    assert kpi_pages.month_before("2099-01") == "2098-12"
    assert kpi_pages.month_before("2099-10") == "2099-09"
    assert [c.url.path for c in calls if c.url.path.startswith("/callback-kpis")] == [
        f"/callback-kpis/dmg/{this_month}",
        f"/callback-kpis/dmg/{this_month}",
    ]


# -- the sign-offs (KPI-14) --------------------------------------------------------------------------
def test_kpi14_the_three_sign_offs_show_who_and_when_in_the_sites_time() -> None:
    with signed_in_against(Role.DIRECTOR, kpi_routes(signed("reviewed", "approved"))) as (
        client,
        _,
    ):
        page = client.get(PAGE).text
    assert 'data-status="approved">已批准<' in page
    sign_offs = page.split('data-testid="sign-offs"', 1)[1].split("</section>", 1)[0]
    assert re.search(
        r'data-testid="signed-prepared" data-signed="true"><span data-testid="by">张主管</span> · '
        r'<span data-testid="at">2099-03-02 09:00<',
        sign_offs,
    )
    assert 'data-testid="by">刘经理</span> · <span data-testid="at">2099-03-02 10:00<' in sign_offs
    assert 'data-testid="by">王总</span> · <span data-testid="at">2099-03-02 11:00<' in sign_offs
    assert ">编写<" in sign_offs and ">审核<" in sign_offs and ">批准<" in sign_offs
    assert forms_on(page) == set()  # approved: nothing is left to sign


def test_kpi14_a_sent_back_report_shows_its_note_and_is_prepared_again() -> None:
    with signed_in_against(Role.SUPERVISOR, kpi_routes(signed("sent_back"))) as (client, _):
        page = client.get(PAGE).text
    back = page.split('data-testid="signed-sent_back"', 1)[1].split("</dd>", 1)[0]
    assert "刘经理" in back and 'data-testid="note">回访及时率请核对<' in back
    assert 'data-status="sent_back">已退回, 待重新编写<' in page
    assert 'data-testid="signed-reviewed" data-signed="false"' in page
    assert forms_on(page) == {"prepare"}


@pytest.mark.parametrize(
    ("steps", "status"),
    [((), "live"), (("prepared",), "prepared"), (("reviewed",), "reviewed")],
)
def test_kpi14_who_sees_which_button_follows_the_role_and_the_status(
    steps: tuple[str, ...], status: str
) -> None:
    report = live() if status == "live" else signed(*steps[1:] if status == "prepared" else steps)
    assert report["status"] == status
    expected = {
        "live": ("prepare", KPI_PREPARERS),
        "prepared": ("review", KPI_REVIEWERS),
        "reviewed": ("approve", KPI_APPROVERS),
    }
    form, roles = expected[status]
    for role in KPI_READERS:
        with signed_in_against(role, kpi_routes(report)) as (client, _):
            got = client.get(PAGE)
        assert got.status_code == 200, role
        assert forms_on(got.text) == ({form} if role in roles else set()), (role, status)


def test_kpi14_preparing_before_the_month_is_over_is_refused_beside_the_button() -> None:
    sent: list[httpx.Request] = []
    refusal = problem(409, f"{MONTH} is not over yet at dmg")
    routes = kpi_routes() | {("POST", f"{KPIS_PATH}/prepare"): keeping(sent, refusal)}
    with signed_in_against(Role.SUPERVISOR, routes) as (client, _):
        refused = client.post(
            "/callback-kpis/prepare", data=form_fields(client, PAGE, site_id="dmg", month=MONTH)
        )
    assert refused.status_code == 409
    form = refused.text.split('data-testid="prepare-form"', 1)[1].split("</form>", 1)[0]
    assert f'data-testid="prepare-problem">{MONTH} is not over yet at dmg<' in form
    assert sent[0].headers["Idempotency-Key"] == "k-1" and sent[0].content in (b"", b"null")
    key = re.search(r'name="key" value="([^"]+)"', form)
    assert key and key[1] == "k-1"  # a 409 keeps no answer: the same call may be tried again


def test_kpi14_prepared_the_page_says_so() -> None:
    prepared = httpx.Response(201, json=signed())
    routes = kpi_routes() | {("POST", f"{KPIS_PATH}/prepare"): lambda _: prepared}
    with signed_in_against(Role.QUALITY_HEAD, routes) as (client, _):
        done = client.post(
            "/callback-kpis/prepare", data=form_fields(client, PAGE, site_id="dmg", month=MONTH)
        )
        client.get(done.headers["location"])
    assert done.status_code == 303
    assert done.headers["location"] == f"{PAGE}&done=prepared#sign-offs"


def test_kpi14_a_send_back_without_a_note_is_refused_beside_the_form_then_sent_with_it() -> None:
    sent: list[httpx.Request] = []
    answers = [
        httpx.Response(201, json=signed("sent_back")),
        httpx.Response(
            422,
            json={
                "status": 422,
                "detail": "say what is to be corrected when sending it back",
                "errors": [{"field": "note", "message": "say what is to be corrected"}],
            },
        ),
    ]
    routes = kpi_routes(signed()) | {
        ("POST", f"{KPIS_PATH}/review"): lambda r: keeping(sent, answers.pop())(r)
    }
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        fields = {"site_id": "dmg", "month": MONTH, "approved": "false", "note": "  "}
        refused = client.post("/callback-kpis/review", data=form_fields(client, PAGE, **fields))
        fields |= {"note": " 回访及时率请核对 <b> ", "key": "k-2"}
        done = client.post("/callback-kpis/review", data=form_fields(client, PAGE, **fields))
    assert refused.status_code == 422
    form = refused.text.split('data-testid="review-form"', 1)[1].split("</form>", 1)[0]
    assert 'data-testid="review-problem">say what is to be corrected when sending' in form
    assert 'data-testid="error-note">say what is to be corrected<' in form
    key = re.search(r'name="key" value="([^"]+)"', form)
    assert key and key[1] != "k-1"  # callback kept its refusal: the corrected form is new
    assert json.loads(sent[0].content) == {"approved": False, "note": None}
    assert json.loads(sent[1].content) == {"approved": False, "note": "回访及时率请核对 <b>"}
    assert sent[1].headers["Idempotency-Key"] == "k-2"
    assert done.headers["location"] == f"{PAGE}&done=sent_back#sign-offs"


def test_kpi14_passed_on_and_approved() -> None:
    sent: list[httpx.Request] = []
    routes = kpi_routes(signed()) | {
        ("POST", f"{KPIS_PATH}/review"): keeping(sent, httpx.Response(201, json=signed())),
        ("POST", f"{KPIS_PATH}/approve"): keeping(sent, httpx.Response(201, json=signed())),
    }
    with signed_in_against(Role.ADMIN, routes) as (client, _):
        fields = {"site_id": "dmg", "month": MONTH}
        reviewed = client.post(
            "/callback-kpis/review", data=form_fields(client, PAGE, **fields, approved="true")
        )
        approved = client.post("/callback-kpis/approve", data=form_fields(client, PAGE, **fields))
        page = client.get(approved.headers["location"].split("#")[0]).text
    assert reviewed.headers["location"] == f"{PAGE}&done=reviewed#sign-offs"
    assert json.loads(sent[0].content) == {"approved": True, "note": None}
    assert sent[1].url.path == f"{KPIS_PATH}/approve"
    assert 'data-testid="done">报表已批准<' in page


def test_kpi14_an_approval_by_who_prepared_it_is_refused_beside_the_button() -> None:
    refusal = problem(
        422, "the report is approved by someone other than who prepared or reviewed it"
    )
    routes = kpi_routes(signed("reviewed")) | {("POST", f"{KPIS_PATH}/approve"): lambda _: refusal}
    with signed_in_against(Role.DIRECTOR, routes) as (client, _):
        refused = client.post(
            "/callback-kpis/approve", data=form_fields(client, PAGE, site_id="dmg", month=MONTH)
        )
    form = refused.text.split('data-testid="approve-form"', 1)[1].split("</form>", 1)[0]
    assert 'data-testid="approve-problem">the report is approved by someone other' in form


def test_a_refusal_whose_form_is_gone_is_shown_with_the_sign_offs() -> None:
    refusal = problem(409, "the report is approved: only a prepared one is reviewed")
    routes = kpi_routes(signed("reviewed", "approved")) | {
        ("POST", f"{KPIS_PATH}/review"): lambda _: refusal
    }
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        fields = {"site_id": "dmg", "month": MONTH, "approved": "true"}
        refused = client.post("/callback-kpis/review", data=form_fields(client, PAGE, **fields))
    assert refused.status_code == 409 and forms_on(refused.text) == set()
    sign_offs = refused.text.split('data-testid="sign-offs"', 1)[1]
    assert 'data-testid="review-problem">the report is approved' in sign_offs


def test_the_kpi_file_is_streamed_through_under_callbacks_name() -> None:
    body = b"kpi,value,target\ncustomer_satisfaction,0.95,0.9\n"
    disposition = f'attachment; filename="callback-kpis-dmg-{MONTH}.csv"'
    routes: Routes = {
        ("GET", KPIS_PATH): lambda r: httpx.Response(
            200,
            content=body,
            headers={"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": disposition},
        )
    }
    with signed_in_against(Role.AGENT, routes) as (client, calls):
        got = client.get("/callback-kpis/file", params=QUERY)
        bad = client.get("/callback-kpis/file", params=QUERY | {"format": "pdf"})
    assert got.status_code == 200 and got.content == body
    assert got.headers["content-disposition"] == disposition
    assert calls[-1].url.params["format"] == "csv"
    assert bad.status_code == 422


# -- the spot checks (CB-06) -------------------------------------------------------------------------
def a_spot_check(drawn: int = 3, checked: int = 0) -> tuple[dict[str, Any], list[uuid.UUID]]:
    ids = [uuid.UUID(int=n + 1) for n in range(drawn)]
    spot = SpotCheck("dmg", MONTH, seed="5eed")
    spot.draw(ids, max(drawn, SPOT_CHECKS))
    for n in range(checked):
        spot.check(
            spot.drawn[n], n % 2 == 0, None if n % 2 == 0 else "业主说没接到电话", "刘经理", AT
        )
    return spot_check_out(spot).model_dump(mode="json"), spot.drawn


def spot_routes(spot: dict[str, Any], ids: list[uuid.UUID]) -> Routes:
    routes: Routes = {("GET", SPOT_PATH): spot}
    for n, callback_id in enumerate(ids):
        made = a_callback(
            status="made", callback_id=callback_id, request_no=f"SR-DMG-{n}", paid=n == 0
        )
        routes["GET", f"/callbacks/{callback_id}"] = made
    return routes


def test_cb06_the_list_shows_each_sites_shortfall_in_red() -> None:
    listed = {
        "month": MONTH,
        "sites": [
            {"site_id": "dmg", "drawn": 3, "checked": 1, "short": 2},
            {"site_id": "other", "drawn": 4, "checked": 3, "short": 0},
        ],
    }
    with signed_in_against(Role.SITE_MANAGER, {("GET", "/spot-checks"): listed}) as (client, calls):
        page = client.get("/spot-checks", params={"month": MONTH}).text
        client.get("/spot-checks")
    short = page.split('data-testid="site-dmg"', 1)
    assert re.search(r'<tr class="late" data-testid="site-dmg" data-short="2"', page)
    assert f'href="/spot-checks/dmg/{MONTH}" data-testid="open-site">东明阁<' in short[1]
    assert 'data-testid="short"><strong class="late">2<' in short[1]
    assert 'data-testid="checked">1 / 3<' in short[1]
    assert re.search(r'<tr class="" data-testid="site-other" data-short="0"', page)
    assert [dict(c.url.params) for c in calls if c.url.path == "/spot-checks"] == [
        {"month": MONTH},
        {"month": f"{datetime.now(SHANGHAI):%Y-%m}"},
    ]


def test_cb06_a_sites_page_lists_the_drawn_with_their_callbacks_and_a_form_each_unchecked() -> None:
    spot, ids = a_spot_check(drawn=3, checked=2)
    with signed_in_against(Role.SITE_MANAGER, spot_routes(spot, ids)) as (client, _):
        page = client.get(SPOT_PATH).text
    assert 'data-testid="checked-count">2 / 3<' in page
    assert 'data-testid="short" data-short="1"><strong class="late">1<' in page
    first = page.split(f'data-testid="drawn-{ids[0]}"', 1)[1].split("</li>", 1)[0]
    assert f'href="/callbacks/{ids[0]}" data-testid="open-callback">SR-DMG-0<' in first
    assert 'data-testid="resident">王芳 · 3-1202<' in first
    assert "有偿服务后回访" in first and 'data-testid="outcome-opinion">门还是关不严' in first
    assert 'data-testid="check-result">属实<' in first and "刘经理" in first
    second = page.split(f'data-testid="drawn-{ids[1]}"', 1)[1].split("</li>", 1)[0]
    assert 'data-confirmed="false"' in second and "业主说没接到电话" in second
    third = page.split(f'data-testid="drawn-{ids[2]}"', 1)[1].split("</li>", 1)[0]
    assert 'data-testid="check-form"' in third and f'value="{ids[2]}"' in third
    assert page.count('data-testid="check-form"') == 1 and 'data-testid="draw-form"' in page
    with signed_in_against(Role.QUALITY_HEAD, spot_routes(spot, ids)) as (client, _):
        read = client.get(SPOT_PATH).text
    assert '<form method="post" action="/spot-checks' not in read  # a reader: no forms
    assert 'data-testid="not-checked"' in read


def test_cb06_a_callback_callback_does_not_show_leaves_the_rest_of_the_page() -> None:
    spot, ids = a_spot_check(drawn=3)
    routes = spot_routes(spot, ids) | {
        ("GET", f"/callbacks/{ids[1]}"): lambda _: problem(503, "callback did not answer")
    }
    with signed_in_against(Role.SUPERVISOR, routes) as (client, _):
        got = client.get(SPOT_PATH)
    assert got.status_code == 200
    failed = got.text.split(f'data-testid="drawn-{ids[1]}"', 1)[1].split("</li>", 1)[0]
    assert 'data-testid="callback-problem">callback did not answer' in failed
    assert got.text.count('data-testid="check-form"') == 3


def test_cb06_a_check_not_confirmed_without_a_note_is_refused_beside_its_form_as_typed() -> None:
    spot, ids = a_spot_check(drawn=3)
    sent: list[httpx.Request] = []
    answers = [
        httpx.Response(201, json=spot),
        httpx.Response(
            422,
            json={
                "status": 422,
                "detail": "say what differs from the record",
                "errors": [{"field": "note", "message": "say what differs from the record"}],
            },
        ),
    ]
    routes = spot_routes(spot, ids) | {
        ("POST", f"{SPOT_PATH}/checks"): lambda r: keeping(sent, answers.pop())(r)
    }
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        fields = {"callback_id": str(ids[1]), "confirmed": "false", "note": " "}
        refused = client.post(f"{SPOT_PATH}/checks", data=form_fields(client, SPOT_PATH, **fields))
        fields |= {"note": " 业主说没接到电话 ", "key": "k-2"}
        done = client.post(f"{SPOT_PATH}/checks", data=form_fields(client, SPOT_PATH, **fields))
    assert refused.status_code == 422
    beside = refused.text.split(f'data-testid="drawn-{ids[1]}"', 1)[1].split("</li>", 1)[0]
    assert 'data-testid="check-problem">say what differs from the record<' in beside
    assert 'data-testid="error-note">say what differs from the record<' in beside
    assert f'value="false" id="sc-no-{ids[1]}" checked' in beside
    others = refused.text.split(f'data-testid="drawn-{ids[0]}"', 1)[1].split("</li>", 1)[0]
    assert "check-problem" not in others and 'data-testid="problem"' not in refused.text
    assert json.loads(sent[0].content) == {"callback_id": str(ids[1]), "confirmed": False}
    assert json.loads(sent[1].content) == {
        "callback_id": str(ids[1]),
        "confirmed": False,
        "note": "业主说没接到电话",
    }
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert done.headers["location"] == f"{SPOT_PATH}?done=checked#check-{ids[1]}"


@pytest.mark.parametrize(
    ("typed", "made", "status", "done"),
    [("3", 3, 201, "drawn"), ("3", 1, 201, "drawn_fewer"), ("3", 3, 200, "drawn_already")],
)
def test_cb06_drawing_says_whether_as_many_were_drawn(
    typed: str, made: int, status: int, done: str
) -> None:
    spot, ids = a_spot_check(drawn=made)
    sent: list[httpx.Request] = []
    routes = spot_routes(spot, ids) | {
        ("POST", f"{SPOT_PATH}/draw"): keeping(sent, httpx.Response(status, json=spot))
    }
    with signed_in_against(Role.SUPERVISOR, routes) as (client, _):
        drawn = client.post(f"{SPOT_PATH}/draw", data=form_fields(client, SPOT_PATH, count=typed))
        page = client.get(drawn.headers["location"].split("#")[0]).text
    assert drawn.headers["location"] == f"{SPOT_PATH}?done={done}#drawn"
    assert json.loads(sent[0].content) == {"count": 3}
    assert f'data-testid="done">{TEXT[f"spot_check_done_{done}"][0]}<' in page


def test_cb06_a_draw_refused_is_shown_beside_the_form_as_typed() -> None:
    empty = spot_check_out(SpotCheck("dmg", MONTH, seed="")).model_dump(mode="json")
    routes: Routes = {
        ("GET", SPOT_PATH): empty,
        ("POST", f"{SPOT_PATH}/draw"): lambda _: problem(
            409, f"no callback of {MONTH} is made yet at dmg"
        ),
    }
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        refused = client.post(f"{SPOT_PATH}/draw", data=form_fields(client, SPOT_PATH, count="25"))
    assert refused.status_code == 409
    form = refused.text.split('data-testid="draw-form"', 1)[1].split("</form>", 1)[0]
    assert f'data-testid="draw-problem">no callback of {MONTH} is made yet at dmg<' in form
    assert 'value="25"' in form and 'data-testid="none-drawn"' in refused.text


# -- both languages ----------------------------------------------------------------------------------
def test_every_label_the_screens_build_is_in_both_languages() -> None:
    built = (
        {s.key for s in callback_screens_for(Role.ADMIN)}
        | {f"kpi_{k.name}" for k in the_kpis()}
        | {f"kpi_{name}" for name in kpi_pages.LABELLED_AHEAD}
        | {f"kpi_status_{s}" for s in kpi_pages.STATUSES}
        | {f"kpi_signed_{s}" for s in (*kpi_pages.SIGN_OFFS, "sent_back")}
        | {f"kpi_done_{d}" for d in kpi_pages.DONE}
        | {f"spot_check_done_{d}" for d in spot_pages.DONE}
    )
    assert sorted(built - TEXT.keys()) == []
    for key in built:
        chinese, english = TEXT[key]
        assert re.search(r"[\u4e00-\u9fff]", chinese) and english.isascii(), key
    assert (TEXT["kpi_signed_prepared"][0], TEXT["kpi_signed_reviewed"][0]) == ("编写", "审核")
    assert TEXT["kpi_signed_approved"][0] == "批准"


def test_the_screens_speak_english_when_asked() -> None:
    spot, ids = a_spot_check(drawn=3, checked=1)
    routes = kpi_routes(signed("sent_back")) | spot_routes(spot, ids)
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        client.cookies.set("hotline_lang", "en")
        kpis = client.get(PAGE).text
        checks = client.get(SPOT_PATH).text
    assert "Customer satisfaction" in kpis and "Sent back, to prepare again" in kpis
    assert "Paid-service satisfaction (of those called back)" in kpis and "missed" in kpis
    assert "Spot checks" in checks and "Record the check" in checks and "Confirmed" in checks
