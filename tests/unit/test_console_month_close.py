"""The console's month-close screens in front of a scripted billing, without a browser (BIL-06 to
BIL-08): the day's service records by payment method and their handover, posted as typed with
billing's 409 beside the form; the month's handovers, the records summary with its due date and
overdue mark, the financial report's figures and files streamed through, its issue and review,
and the collection per site for the company-wide roles. Who sees each form follows billing's
access table; a reader's POST and a form without this browser's CSRF token are refused before
billing is asked; every label is in both languages."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from billing.domain.month_close import AMOUNT_COLUMNS, Receiver
from billing.entrypoints.http.access import ACCESS
from console.bootstrap import create_app
from console.entrypoints.web import (
    COMPANY_WIDE,
    DAY_RECORD_READERS,
    FINANCE_DESK,
    FINANCE_SCREENS,
    RECORD_SUMMARISERS,
    REPORT_READERS,
    REPORT_REVIEWERS,
    finance_screens_for,
)
from console.entrypoints.web import month_close as close_pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role

from tests.unit.console_forms import form_fields, forms_on
from tests.unit.test_console import problem, signed_in_against
from tests.unit.test_console_finance import keeping, posted

Routes = dict[tuple[str, str], Any]
DAY = "2099-03-02"
MONTH = "2099-03"


def a_handover(**overrides: Any) -> dict[str, Any]:
    handover: dict[str, Any] = {
        "day": DAY,
        "receiver": "service_centre",
        "received_by": "客服-陈",
        "records": {"cash": 1},
        "handed_by": "钱会计",
        "handed_at": "2099-03-02T09:00:00+00:00",
        "late": False,
    }
    return handover | overrides


def day_records(handover: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "site_id": "dmg",
        "day": DAY,
        "by_method": {
            "cash": [
                {
                    "service_record_no": "FW-DMG-0001",
                    "charge_no": "CH-DMG-20990302-0001",
                    "building": "3",
                    "room": "1202",
                    "payer": "王芳",
                    "total": "80.00",
                    "paid": True,
                }
            ]
        },
        "handover": handover,
    }


def a_line(category: str = "RP-TAP", **overrides: Any) -> dict[str, Any]:
    line = {"category": category, "charged": "80.00", "cash": "80.00"}
    line |= {"bank_collection": "0.00", "by_reference": "0.00", "outstanding": "0.00"}
    return line | overrides


def a_close(**overrides: Any) -> dict[str, Any]:
    close: dict[str, Any] = {
        "site_id": "dmg",
        "month": MONTH,
        "handovers": [a_handover()],
        "records_summary": None,
        "records_summary_due_at": "2099-04-04T16:00:00+00:00",
        "records_summary_overdue": False,
        "report_issued_by": None,
        "report_issued_at": None,
        "report": None,
        "reviews": [],
        "approved": False,
    }
    return close | overrides


def a_report() -> dict[str, Any]:
    figures = {
        "lines": [a_line()],
        "total": a_line("total"),
        "rejected": 0,
        "rejected_amount": "0.00",
        "late_fees": "0.00",
        "fee_bills": 0,
        "fees_due": "0.00",
        "fees_collected": "0.00",
        "collection_rate": None,
        "meets_target": None,
    }
    return {
        "site_id": "dmg",
        "month": MONTH,
        "issued": False,
        "approved": False,
        "figures": figures,
    }


def month_routes(close: dict[str, Any] | None = None) -> Routes:
    return {
        ("GET", f"/month-closes/dmg/{MONTH}"): close or a_close(),
        ("GET", f"/financial-reports/dmg/{MONTH}"): a_report(),
        ("GET", f"/collection-by-site/{MONTH}"): {
            "month": MONTH,
            "sites": [
                {
                    "site_id": "dmg",
                    "charged": "80.00",
                    "collected": "80.00",
                    "outstanding": "0.00",
                    "collection_rate": "0.9500",
                }
            ],
        },
    }


def day_routes(records: dict[str, Any] | None = None) -> Routes:
    return {("GET", f"/service-records/dmg/{DAY}"): records or day_records()}


DAY_PAGE = f"/service-records?site_id=dmg&day={DAY}"
MONTH_PAGE = f"/month-closes?site_id=dmg&month={MONTH}"


# -- who sees what: billing's access table ---------------------------------------------------------
def test_who_reads_and_acts_follows_billings_access_table() -> None:
    assert ACCESS["get_day_records"].roles == DAY_RECORD_READERS
    assert ACCESS["get_month_close"].roles == DAY_RECORD_READERS
    assert ACCESS["hand_over_records"].roles == FINANCE_DESK
    assert ACCESS["issue_financial_report"].roles == FINANCE_DESK
    assert ACCESS["summarise_records"].roles == RECORD_SUMMARISERS
    assert ACCESS["review_financial_report"].roles == REPORT_REVIEWERS
    assert ACCESS["get_financial_report"].roles == REPORT_READERS
    assert ACCESS["get_collection_by_site"].roles == REPORT_READERS
    assert COMPANY_WIDE <= REPORT_READERS
    for role in Role:
        keys = {s.key for s in finance_screens_for(role)}
        assert ({"service_records", "month_closes"} <= keys) == (role in DAY_RECORD_READERS)


def test_what_the_pages_offer_is_what_billing_knows() -> None:
    assert tuple(r.value for r in Receiver) == close_pages.RECEIVERS
    assert AMOUNT_COLUMNS == close_pages.AMOUNT_COLUMNS


CLOSE_ROUTES = {
    ("GET", "/service-records"): DAY_RECORD_READERS,
    ("POST", "/service-records/handover"): FINANCE_DESK,
    ("GET", "/month-closes"): DAY_RECORD_READERS,
    ("POST", "/month-closes/records-summary"): RECORD_SUMMARISERS,
    ("POST", "/month-closes/report-issue"): FINANCE_DESK,
    ("POST", "/month-closes/report-review"): REPORT_REVIEWERS,
    ("GET", "/month-closes/report-file"): REPORT_READERS,
    ("GET", "/month-closes/collection-file"): COMPANY_WIDE,
}
"""Each console route of the month-close screens and the roles it lets in (billing's)."""
QUERY = {"site_id": "dmg", "month": MONTH, "format": "xlsx"}


def test_every_close_route_is_listed_and_refuses_whom_billing_refuses() -> None:
    app = create_app(ConsoleSettings())
    served = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith(("/service-records", "/month-closes"))
        for method in methods
    }
    assert served == set(CLOSE_ROUTES)  # a new route is added here, with its roles
    for role in Role:
        with signed_in_against(role, {}) as (client, calls):
            client.get("/sign-in")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in CLOSE_ROUTES.items():
                form = {"csrf": csrf} if method == "POST" else None
                params = QUERY if method == "GET" else None
                answer = client.request(method, path, data=form, params=params)
                if role not in roles:
                    assert answer.status_code == 403, (role, method, path)
        if role not in FINANCE_DESK | RECORD_SUMMARISERS | REPORT_REVIEWERS:
            assert posted(calls) == [], role


def test_a_form_without_this_browsers_csrf_token_is_refused_before_billing_is_asked() -> None:
    with signed_in_against(Role.ADMIN, {}) as (client, calls):
        client.get(DAY_PAGE)
        for (method, path), _ in CLOSE_ROUTES.items():
            if method != "POST":
                continue
            missing = client.post(path, data={"key": "k-1", "site_id": "dmg", "month": MONTH})
            forged = client.post(path, data={"key": "k-1", "csrf": "guess"})
            assert (missing.status_code, forged.status_code) == (403, 403), path
    assert posted(calls) == []


# -- the day's records (BIL-06) --------------------------------------------------------------------
def test_bil06_the_days_records_by_method_and_finance_hands_them_over_as_typed() -> None:
    sent: list[httpx.Request] = []
    answers = [
        problem(409, "the records of 2099-03-02 were handed to 李管理 (administrator) already"),
        httpx.Response(200, json=a_handover()),
    ]
    routes = day_routes() | {
        ("POST", f"/service-records/dmg/{DAY}/handover"): lambda r: keeping(sent, answers.pop())(r)
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        page = client.get(DAY_PAGE).text
        form = form_fields(client, DAY_PAGE, site_id="dmg", day=DAY)
        done = client.post(
            "/service-records/handover",
            data=form | {"receiver": "service_centre", "received_by": "客服-陈"},
        )
        refused = client.post(
            "/service-records/handover",
            data=form | {"key": "k-2", "receiver": "service_centre", "received_by": "客服-王"},
        )
    assert 'data-testid="records-cash"' in page and "CH-DMG-20990302-0001" in page
    assert "FW-DMG-0001" in page and "¥80.00" in page and "尚未交接" in page
    assert forms_on(page) == {"handover"}
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/service-records?site_id=dmg&day={DAY}&done=")
    assert json.loads(sent[0].content) == {"receiver": "service_centre", "received_by": "客服-陈"}
    assert sent[0].headers["Idempotency-Key"] == "k-1"
    assert refused.status_code == 409
    assert re.search(
        r'data-testid="handover-problem">the records of 2099-03-02 were handed to 李管理',
        refused.text,
    )
    assert 'value="客服-王"' in refused.text  # kept as typed


def test_a_handover_made_shows_to_whom_and_late_and_readers_see_no_form() -> None:
    routes = day_routes(day_records(a_handover(late=True)))
    with signed_in_against(Role.DIRECTOR, routes) as (client, calls):
        page = client.get(DAY_PAGE).text
    assert "客服中心 · 客服-陈" in page and 'data-testid="handover-late"' in page
    assert forms_on(page) == set() and posted(calls) == []


# -- the month (BIL-07, BIL-08) ---------------------------------------------------------------------
def test_the_month_shows_handovers_summary_due_report_and_collection_by_site() -> None:
    with signed_in_against(Role.DIRECTOR, month_routes(a_close(records_summary_overdue=True))) as (
        client,
        _,
    ):
        page = client.get(MONTH_PAGE).text
    assert f'data-testid="handover-{DAY}"' in page and 'data-testid="summary-overdue"' in page
    assert 'data-testid="line-RP-TAP"' in page and "¥80.00" in page
    assert "/month-closes/report-file?site_id=dmg&amp;month=2099-03&amp;format=xlsx" in page
    assert 'data-testid="collection-by-site"' in page and "95.00%" in page
    assert forms_on(page) == set()  # nothing issued: nothing to review


def test_who_sees_which_month_form() -> None:
    issued = a_close(report_issued_by="钱会计", report_issued_at="2099-03-31T10:00:00+00:00")
    seen = {}
    for role in (Role.FINANCE, Role.SITE_MANAGER, Role.DUTY_STAFF, Role.ADMINISTRATOR):
        with signed_in_against(role, month_routes(issued)) as (client, calls):
            page = client.get(MONTH_PAGE).text
        seen[role] = forms_on(page)
        if role == Role.DUTY_STAFF:  # not one of billing's report readers
            assert not [c for c in calls if c.url.path.startswith("/financial-reports")]
            assert 'data-testid="collection-by-site"' not in page
    assert seen == {
        Role.FINANCE: set(),  # issued and awaiting review: not again
        Role.SITE_MANAGER: {"summary", "review"},
        Role.DUTY_STAFF: {"summary"},
        Role.ADMINISTRATOR: {"summary"},
    }
    with signed_in_against(Role.FINANCE, month_routes()) as (client, _):
        assert forms_on(client.get(MONTH_PAGE).text) == {"issue"}


def test_bil08_issue_refused_before_the_months_end_is_shown_beside_the_button() -> None:
    sent: list[httpx.Request] = []
    refusal = problem(
        409, "2099-03 is not at its end: the report is issued on its last day or after"
    )
    routes = month_routes() | {
        ("POST", f"/financial-reports/dmg/{MONTH}/issue"): keeping(sent, refusal)
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        refused = client.post(
            "/month-closes/report-issue",
            data=form_fields(client, MONTH_PAGE, site_id="dmg", month=MONTH),
        )
    assert refused.status_code == 409 and sent[0].headers["Idempotency-Key"] == "k-1"
    assert re.search(r'data-testid="issue-problem">2099-03 is not at its end', refused.text)


def test_bil07_bil08_summary_and_review_are_posted_as_typed() -> None:
    sent: list[httpx.Request] = []
    issued = a_close(report_issued_by="钱会计", report_issued_at="2099-03-31T10:00:00+00:00")
    ok = httpx.Response(200, json=issued)
    routes = month_routes(issued) | {
        ("POST", f"/month-closes/dmg/{MONTH}/records-summary"): keeping(sent, ok),
        ("POST", f"/financial-reports/dmg/{MONTH}/review"): keeping(sent, ok),
    }
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        form = form_fields(client, MONTH_PAGE, site_id="dmg", month=MONTH)
        summarised = client.post("/month-closes/records-summary", data=form | {"note": "共 38 份"})
        back = client.post(
            "/month-closes/report-review", data=form | {"approved": "false", "note": "水费有误"}
        )
    assert json.loads(sent[0].content) == {"note": "共 38 份"}
    assert json.loads(sent[1].content) == {"approved": False, "note": "水费有误"}
    assert summarised.headers["location"].endswith("done=summary#summary")
    assert back.headers["location"].endswith("done=sent_back#report")


def test_a_send_back_without_a_note_is_refused_beside_the_form_as_typed() -> None:
    issued = a_close(report_issued_by="钱会计", report_issued_at="2099-03-31T10:00:00+00:00")
    refusal = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "say what is to be corrected when sending it back",
            "errors": [{"field": "note", "message": "say what is to be corrected"}],
        },
    )
    routes = month_routes(issued) | {
        ("POST", f"/financial-reports/dmg/{MONTH}/review"): lambda _: refusal
    }
    with signed_in_against(Role.DIRECTOR, routes) as (client, _):
        form = form_fields(client, MONTH_PAGE, site_id="dmg", month=MONTH)
        refused = client.post("/month-closes/report-review", data=form | {"approved": "false"})
    assert refused.status_code == 422
    assert 'data-testid="review-problem">say what is to be corrected when sending' in refused.text
    assert 'data-testid="review-form"' in refused.text


def test_the_report_file_is_streamed_through_under_billings_name() -> None:
    body = b"PK\x03\x04" + b"x" * 200_000
    disposition = f'attachment; filename="financial-report-dmg-{MONTH}.xlsx"'
    routes: Routes = {
        ("GET", f"/financial-reports/dmg/{MONTH}"): lambda r: httpx.Response(
            200,
            content=body,
            headers={
                "Content-Type": "application/vnd.ms-excel",
                "Content-Disposition": disposition,
            },
        )
    }
    with signed_in_against(Role.FINANCE, routes) as (client, calls):
        got = client.get("/month-closes/report-file", params=QUERY)
    assert got.status_code == 200 and got.content == body
    assert got.headers["content-disposition"] == disposition
    assert calls[-1].url.params["format"] == "xlsx"


# -- both languages ---------------------------------------------------------------------------------
def test_every_label_the_screens_build_is_in_both_languages() -> None:
    built = (
        {s.key for s in FINANCE_SCREENS}
        | {f"receiver_{r}" for r in close_pages.RECEIVERS}
        | {f"report_{c}" for c in close_pages.AMOUNT_COLUMNS}
        | {f"close_done_{d}" for d in close_pages.DONE}
        | {"payment_cash", "payment_bank_collection", "payment_unknown"}
    )
    assert sorted(built - TEXT.keys()) == []
    for key in built:
        chinese, english = TEXT[key]
        assert re.search(r"[\u4e00-\u9fff]", chinese) and english.isascii(), key


def test_the_screens_speak_english_when_asked() -> None:
    with signed_in_against(Role.SITE_MANAGER, month_routes() | day_routes()) as (client, _):
        client.cookies.set("hotline_lang", "en")
        month = client.get(MONTH_PAGE).text
        day = client.get(DAY_PAGE).text
    assert "Records summary" in month and "Financial charge report" in month
    assert "Outstanding" in month and "Month close" in month
    assert "By payment method" in day and "Cash" in day
