"""The console's income and spending statement screens in front of a scripted billing, without a
browser (FEE-07, FEE-09, NTF-06): a site's statements listed with their totals and balance (结余
or 亏损), a period opened by its label (checked before billing is asked); a statement as the
residents will read it, from billing's own StatementOut: the management fees billed, collected
and outstanding, the late fees and other income, the spending by category with its lines, the
balance and the utilities' water and electricity apart, its history and its files streamed
through. Finance's figures are put whole as typed (empty rows left out, billing's refusal of a
line beside the row it came from), submitted (billing's 409 beside the button); a manager
approves or sends back with a note. Who sees each form follows billing's access table and the
statement's state; a reader's POST and a form without this browser's CSRF token are refused
before billing is asked; every label is in both languages."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from billing.domain.fee_bill import FeeItem
from billing.domain.statement import (
    CATEGORY_NAMES,
    PERIOD,
    FeeIncome,
    IncomeLine,
    IncomeStatement,
    SpendingCategory,
    SpendingLine,
    StatementFigures,
    StatementState,
    period_of,
)
from billing.entrypoints.http.access import ACCESS
from billing.entrypoints.http.statements import statement_out
from console.bootstrap import create_app
from console.entrypoints.web import (
    FINANCE_DESK,
    FINANCE_SCREENS,
    STATEMENT_READERS,
    STATEMENT_REVIEWERS,
    finance_screens_for,
)
from console.entrypoints.web import statements as statement_pages
from console.i18n import TEXT
from console.settings import ConsoleSettings
from hotline_libs.auth import Role

from tests.unit.console_forms import form_fields, forms_on
from tests.unit.test_console import problem, signed_in_against
from tests.unit.test_console_finance import keeping

Routes = dict[tuple[str, str], Any]
PERIOD_LABEL = "2099-Q1"
BILLING_PATH = f"/income-statements/dmg/{PERIOD_LABEL}"
LIST_PAGE = "/income-statements?site_id=dmg"
PAGE = f"/income-statements/dmg/{PERIOD_LABEL}"
PREPARED_AT = datetime(2099, 4, 2, 1, 0, tzinfo=UTC)

SPENDING = (
    SpendingLine(SpendingCategory.FACILITIES, "公用水电费", Decimal("3000.00")),
    SpendingLine(SpendingCategory.STAFF, "工资及社保", Decimal("2000.00")),
    SpendingLine(SpendingCategory.FACILITIES, "绿化养护", Decimal("1500.50")),
)
ADVERTISING = (IncomeLine("公共区域广告位租金", Decimal("600.00")),)
FIGURES = StatementFigures(
    fees=(
        FeeIncome(FeeItem.MANAGEMENT_FEE, Decimal("10000.00"), Decimal("9000.00")),
        FeeIncome(FeeItem.WATER, Decimal("500.00"), Decimal("420.00")),
        FeeIncome(FeeItem.ELECTRICITY, Decimal("900.00"), Decimal("880.00")),
    ),
    late_fees=Decimal("3.05"),
    bills=12,
    as_of=PREPARED_AT,
)
"""Income 9000.00 + 3.05 + 600.00 = 9603.05, spending 6500.50: a surplus of 3102.55."""


def a_statement(
    state: str = "draft",
    spending: tuple[SpendingLine, ...] = SPENDING,
    period: str = PERIOD_LABEL,
) -> dict[str, Any]:
    """Billing's StatementOut of a statement in ``state``, as billing writes it."""
    statement = IncomeStatement.prepare(
        "dmg",
        period_of(period),
        "Asia/Shanghai",
        spending,
        ADVERTISING,
        "详细账目可到服务中心查阅",
        "钱会计",
        PREPARED_AT,
    )
    if state != "draft":
        statement.submit(FIGURES, "钱会计", PREPARED_AT + timedelta(hours=1))
    if state == "returned":
        statement.review("刘经理", PREPARED_AT + timedelta(hours=2), False, "绿化养护金额有误")
    if state == "published":
        statement.review("刘经理", PREPARED_AT + timedelta(hours=2), True, None)
    assert statement.state.value == state
    return statement_out(statement, FIGURES).model_dump(mode="json")


def statement_routes(statement: dict[str, Any] | None = None) -> Routes:
    return {("GET", BILLING_PATH): statement or a_statement()}


def _changes(calls: list[httpx.Request]) -> list[httpx.Request]:
    return [c for c in calls if c.method != "GET"]


# -- who sees what: billing's access table ---------------------------------------------------------
def test_who_reads_and_acts_follows_billings_access_table() -> None:
    assert ACCESS["list_statements"].roles == STATEMENT_READERS
    assert ACCESS["get_statement"].roles == STATEMENT_READERS
    assert ACCESS["prepare_statement"].roles == FINANCE_DESK
    assert ACCESS["submit_statement"].roles == FINANCE_DESK
    assert ACCESS["review_statement"].roles == STATEMENT_REVIEWERS
    for role in Role:
        keys = {s.key for s in finance_screens_for(role)}
        assert ("income_statements" in keys) == (role in STATEMENT_READERS), role
    assert [s.path for s in FINANCE_SCREENS if s.key == "income_statements"] == [
        "/income-statements"
    ]


def test_what_the_pages_offer_is_what_billing_knows() -> None:
    assert statement_pages.PERIOD == PERIOD
    assert tuple(s.value for s in StatementState) == statement_pages.STATES
    assert tuple(c.value for c in SpendingCategory) == statement_pages.CATEGORIES
    assert FeeItem.MANAGEMENT_FEE.value == statement_pages.MANAGEMENT_FEE
    for category, name in CATEGORY_NAMES.items():  # the residents' handbook's names
        assert TEXT[f"statement_category_{category.value}"][0] == name


STATEMENT_ROUTES = {
    ("GET", "/income-statements"): STATEMENT_READERS,
    ("GET", "/income-statements/{site_id}/{period}"): STATEMENT_READERS,
    ("POST", "/income-statements/{site_id}/{period}"): FINANCE_DESK,
    ("POST", "/income-statements/{site_id}/{period}/submit"): FINANCE_DESK,
    ("POST", "/income-statements/{site_id}/{period}/review"): STATEMENT_REVIEWERS,
    ("GET", "/income-statements/{site_id}/{period}/file"): STATEMENT_READERS,
}
"""Each console route of the statement screens and the roles it lets in (billing's)."""


def _concrete(path: str) -> str:
    return path.replace("{site_id}", "dmg").replace("{period}", PERIOD_LABEL)


def test_every_statement_route_is_listed_and_refuses_whom_billing_refuses() -> None:
    app = create_app(ConsoleSettings())
    served = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        if path.startswith("/income-statements")
        for method in methods
    }
    assert served == set(STATEMENT_ROUTES)  # a new route is added here, with its roles
    for role in Role:
        with signed_in_against(role, {}) as (client, calls):
            client.get("/sign-in")
            csrf = client.cookies.get("hotline_csrf", "")
            for (method, path), roles in STATEMENT_ROUTES.items():
                form = {"csrf": csrf} if method == "POST" else None
                params = {"format": "csv"} if path.endswith("/file") else None
                answer = client.request(method, _concrete(path), data=form, params=params)
                assert (answer.status_code == 403) == (role not in roles), (role, method, path)
        if role not in FINANCE_DESK | STATEMENT_REVIEWERS:
            assert _changes(calls) == [], role


def test_a_form_without_this_browsers_csrf_token_is_refused_before_billing_is_asked() -> None:
    with signed_in_against(Role.ADMIN, statement_routes()) as (client, calls):
        client.get(PAGE)
        for (method, path), _ in STATEMENT_ROUTES.items():
            if method != "POST":
                continue
            missing = client.post(_concrete(path), data={"key": "k-1", "note": "x"})
            forged = client.post(_concrete(path), data={"key": "k-1", "csrf": "guess"})
            assert (missing.status_code, forged.status_code) == (403, 403), path
    assert _changes(calls) == []


# -- the site's statements -------------------------------------------------------------------------
def test_the_sites_statements_are_listed_with_their_totals_and_balance() -> None:
    deficit = a_statement(
        "published",
        (SpendingLine(SpendingCategory.STAFF, "工资及社保", Decimal("12000.00")),),
        "2098-H2",
    )
    routes: Routes = {("GET", "/income-statements/dmg"): [a_statement("returned"), deficit]}
    with signed_in_against(Role.DIRECTOR, routes) as (client, calls):
        page = client.get(LIST_PAGE).text
    row = page.split(f'data-testid="statement-{PERIOD_LABEL}"', 1)[1].split("</tr>", 1)[0]
    assert f'href="/income-statements/dmg/{PERIOD_LABEL}"' in row
    assert 'data-state="returned"' in row and "已退回财务" in row
    assert "¥9603.05" in row and "¥6500.50" in row and "结余 ¥3102.55" in row
    published = page.split('data-testid="statement-2098-H2"', 1)[1].split("</tr>", 1)[0]
    assert "已公示" in published and "亏损 ¥2396.95" in published  # 9603.05 - 12000.00
    assert "2099-04-02" in published  # published, in the site's time
    assert 'data-testid="period-choice"' in page and forms_on(page) == set()
    assert _changes(calls) == []


def test_a_period_opens_by_its_label_and_a_wrong_label_is_named_beside_the_field() -> None:
    routes: Routes = {("GET", "/income-statements/dmg"): []}
    with signed_in_against(Role.FINANCE, routes) as (client, calls):
        empty = client.get(LIST_PAGE).text
        opened = client.get("/income-statements", params={"site_id": "dmg", "period": "2099-q1"})
        wrong = client.get("/income-statements", params={"site_id": "dmg", "period": "2099-Q5"})
    assert 'data-testid="no-statements"' in empty
    assert re.search(r'id="is-period" name="period" value="\d{4}-Q[1-4]"', empty)  # last quarter
    assert opened.status_code == 303 and opened.headers["location"] == PAGE
    assert wrong.status_code == 422
    assert 'data-testid="error-period">期间须为月份 (2026-11)' in wrong.text
    assert 'value="2099-Q5"' in wrong.text  # kept as typed
    assert not [c for c in calls if c.url.path.startswith("/income-statements/dmg/")]


def test_last_quarter_is_the_one_before_todays() -> None:
    assert statement_pages.last_quarter("2099-02-14") == "2098-Q4"
    assert statement_pages.last_quarter("2099-04-01") == "2099-Q1"
    assert statement_pages.last_quarter("2099-12-31") == "2099-Q3"


# -- one statement ---------------------------------------------------------------------------------
def test_the_statement_reads_as_the_residents_will_read_it() -> None:
    with signed_in_against(Role.DIRECTOR, statement_routes(a_statement("published"))) as (
        client,
        calls,
    ):
        page = client.get(PAGE).text
    assert 'data-testid="state" data-state="published">已公示' in page
    assert 'data-testid="fees-billed">¥10000.00' in page
    assert 'data-testid="fees-outstanding">¥1000.00' in page
    collected = page.split('data-testid="fees-collected"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="amount">¥9000.00' in collected
    assert "滞纳金收入" in page and "¥3.05" in page
    assert "公共区域广告位租金" in page and "¥600.00" in page
    income_total = page.split('data-testid="income-total"', 1)[1].split("</tr>", 1)[0]
    assert "¥9603.05" in income_total
    facilities = page.split('data-testid="category-facilities"', 1)[1].split("</tr>", 1)[0]
    assert "公用设施设备维修养护及公共场所管理" in facilities and "¥4500.50" in facilities
    assert 'data-testid="line-facilities-2"' in page and "绿化养护" in page
    assert 'data-testid="category-staff"' in page and 'data-testid="category-security"' not in page
    assert "¥6500.50" in page.split('data-testid="spending-total"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r'data-testid="balance" data-deficit="false"[^>]*><strong>结余 ¥3102.55', page)
    assert "已收水费、电费 ¥1300.00" in page  # apart: not income
    assert "收入按提交时的数字" in page and "本期账单 12" in page
    assert "钱会计 · 2099-04-02 10:00" in page  # submitted, in the site's time
    assert 'data-testid="review-1"' in page and "审核通过" in page
    assert f"{PAGE}/file?format=csv" in page and f"{PAGE}/file?format=xlsx" in page
    assert forms_on(page) == set() and _changes(calls) == []


def test_who_sees_which_form_follows_the_role_and_the_state() -> None:
    seen: dict[tuple[Role, str], set[str]] = {}
    for state in ("draft", "submitted", "returned", "published"):
        for role in (Role.FINANCE, Role.SITE_MANAGER, Role.ADMINISTRATOR, Role.ADMIN):
            with signed_in_against(role, statement_routes(a_statement(state))) as (client, _):
                seen[role, state] = forms_on(client.get(PAGE).text)
    assert seen == {
        (Role.FINANCE, "draft"): {"figures", "submit"},
        (Role.FINANCE, "submitted"): set(),
        (Role.FINANCE, "returned"): {"figures", "submit"},
        (Role.FINANCE, "published"): set(),
        (Role.SITE_MANAGER, "draft"): set(),
        (Role.SITE_MANAGER, "submitted"): {"review"},
        (Role.SITE_MANAGER, "returned"): set(),
        (Role.SITE_MANAGER, "published"): set(),
        (Role.ADMINISTRATOR, "draft"): set(),
        (Role.ADMINISTRATOR, "submitted"): set(),
        (Role.ADMINISTRATOR, "returned"): set(),
        (Role.ADMINISTRATOR, "published"): set(),
        (Role.ADMIN, "draft"): {"figures", "submit"},
        (Role.ADMIN, "submitted"): {"review"},
        (Role.ADMIN, "returned"): {"figures", "submit"},
        (Role.ADMIN, "published"): set(),
    }


def test_a_period_not_prepared_yet_offers_finance_blank_rows_and_readers_a_word() -> None:
    with signed_in_against(Role.FINANCE, {}) as (client, _):
        finance = client.get(PAGE)
    with signed_in_against(Role.SITE_MANAGER, {}) as (client, _):
        manager = client.get(PAGE).text
    assert finance.status_code == 200 and 'data-testid="not-prepared"' in finance.text
    assert forms_on(finance.text) == {"figures"}  # nothing to submit yet
    rows = re.findall(r'data-testid="spending-row-(\d+)"', finance.text)
    assert len(rows) == statement_pages.BLANK_SPENDING
    assert len(re.findall(r'data-testid="income-row-\d+"', finance.text)) == (
        statement_pages.BLANK_INCOME
    )
    assert "本期尚未编制" in manager and forms_on(manager) == set()


def test_a_period_that_is_no_period_is_refused_before_billing_is_asked() -> None:
    with signed_in_against(Role.FINANCE, {}) as (client, calls):
        got = client.get("/income-statements/dmg/2099-13")
    assert got.status_code == 422 and "期间须为月份" in got.text
    assert not [c for c in calls if c.url.path.startswith("/income-statements")]
    assert forms_on(got.text) == set()


def test_fee07_finance_fills_the_form_from_the_statements_lines_then_blank_rows() -> None:
    with signed_in_against(Role.FINANCE, statement_routes(a_statement("returned"))) as (
        client,
        _,
    ):
        page = client.get(PAGE).text
    form = page.split('data-testid="figures-form"', 1)[1]
    # by category, in the handbook's order: facilities' two lines, then staff's
    assert re.search(r'name="spending.0.item" value="公用水电费"', form)
    assert re.search(r'name="spending.1.item" value="绿化养护"', form)
    assert re.search(r'name="spending.2.item" value="工资及社保"', form)
    assert re.search(r'name="spending.2.amount" value="2000.00"', form)
    row = form.split('data-testid="spending-row-2"', 1)[1].split("</tr>", 1)[0]
    assert '<option value="staff" selected>管理人员工资福利及办公费</option>' in row
    assert len(re.findall(r'data-testid="spending-row-\d+"', form)) == 3 + 5
    assert re.search(r'name="other_income.0.item" value="公共区域广告位租金"', form)
    assert "详细账目可到服务中心查阅</textarea>" in form
    assert "绿化养护金额有误" in page  # the manager's note on the send-back


def test_fee07_fee09_the_figures_are_put_whole_as_typed_without_the_empty_rows() -> None:
    sent: list[httpx.Request] = []
    routes = statement_routes() | {
        ("PUT", BILLING_PATH): keeping(sent, httpx.Response(200, json=a_statement()))
    }
    typed = {
        "spending.0.category": "facilities",
        "spending.0.item": " 绿化养护 ",
        "spending.0.amount": "1500.50",
        "spending.1.category": "security",  # a category chosen on an empty row: left out
        "spending.1.item": "",
        "spending.1.amount": "",
        "spending.2.category": "staff",
        "spending.2.item": "工资及社保",
        "spending.2.amount": "2000",
        "other_income.0.item": "广告位租金",
        "other_income.0.amount": "600.00",
        "other_income.1.item": "",
        "other_income.1.amount": "",
        "note": "详细账目可到服务中心查阅",
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        saved = client.post(PAGE, data=form_fields(client, PAGE) | typed)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{PAGE}?done=saved#statement"
    assert json.loads(sent[0].content) == {
        "spending": [
            {"category": "facilities", "item": "绿化养护", "amount": "1500.50"},
            {"category": "staff", "item": "工资及社保", "amount": "2000"},
        ],
        "other_income": [{"item": "广告位租金", "amount": "600.00"}],
        "note": "详细账目可到服务中心查阅",
    }
    assert sent[0].headers["Idempotency-Key"] == "k-1"


def test_billings_refusal_of_a_line_is_shown_beside_the_row_it_came_from_as_typed() -> None:
    refusal = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "spending.1.amount: String should match pattern",
            "errors": [{"field": "spending.1.amount", "message": "String should match pattern"}],
        },
    )
    routes = statement_routes() | {("PUT", BILLING_PATH): lambda _: refusal}
    typed = {
        "spending.0.category": "facilities",
        "spending.0.item": "公用水电费",
        "spending.0.amount": "3000",
        "spending.1.item": "",
        "spending.1.amount": "",
        "spending.2.category": "staff",
        "spending.2.item": "工资",
        "spending.2.amount": "两千",
    }
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        refused = client.post(PAGE, data=form_fields(client, PAGE) | typed)
    assert refused.status_code == 422
    assert 'data-testid="figures-problem">spending.1.amount: String should' in refused.text
    row = refused.text.split('data-testid="spending-row-2"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="error-spending.2.amount">String should match pattern' in row
    assert 'value="两千"' in row  # kept as typed
    assert 'data-testid="spending-row-1"' in refused.text  # the empty row stays to fill


def test_fee07_submitting_before_the_period_is_over_is_refused_beside_the_button() -> None:
    sent: list[httpx.Request] = []
    refusal = problem(409, "2099-Q1 is not over: its statement is submitted from 2099-04-01")
    routes = statement_routes() | {("POST", f"{BILLING_PATH}/submit"): keeping(sent, refusal)}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        refused = client.post(f"{PAGE}/submit", data=form_fields(client, PAGE))
    assert refused.status_code == 409 and sent[0].headers["Idempotency-Key"] == "k-1"
    assert re.search(r'data-testid="submit-problem">2099-Q1 is not over', refused.text)
    assert 'data-testid="submit-form"' in refused.text  # still a draft: it stays


def test_fee07_a_submitted_statement_goes_back_to_its_page() -> None:
    sent: list[httpx.Request] = []
    ok = httpx.Response(200, json=a_statement("submitted"))
    routes = statement_routes() | {("POST", f"{BILLING_PATH}/submit"): keeping(sent, ok)}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        done = client.post(f"{PAGE}/submit", data=form_fields(client, PAGE))
    assert done.headers["location"] == f"{PAGE}?done=submitted#history"
    assert sent[0].content in (b"", b"null")


def test_fee07_ntf06_the_manager_sends_it_back_with_a_note_or_approves_it() -> None:
    sent: list[httpx.Request] = []
    ok = httpx.Response(200, json=a_statement("published"))
    routes = statement_routes(a_statement("submitted")) | {
        ("POST", f"{BILLING_PATH}/review"): keeping(sent, ok)
    }
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        form = form_fields(client, PAGE)
        back = client.post(
            f"{PAGE}/review", data=form | {"approved": "false", "note": " 绿化养护金额有误 "}
        )
        approved = client.post(f"{PAGE}/review", data=form | {"key": "k-2", "approved": "true"})
    assert json.loads(sent[0].content) == {"approved": False, "note": "绿化养护金额有误"}
    assert json.loads(sent[1].content) == {"approved": True, "note": None}
    assert back.headers["location"] == f"{PAGE}?done=sent_back#statement"
    assert approved.headers["location"] == f"{PAGE}?done=approved#statement"


def test_a_review_refused_is_shown_beside_the_form_as_typed() -> None:
    refusal = httpx.Response(
        422,
        json={
            "status": 422,
            "detail": "the statement is reviewed by someone other than who submitted it",
            "errors": [{"field": "by", "message": "not the submitter"}],
        },
    )
    routes = statement_routes(a_statement("submitted")) | {
        ("POST", f"{BILLING_PATH}/review"): lambda _: refusal
    }
    with signed_in_against(Role.ADMIN, routes) as (client, _):
        form = form_fields(client, PAGE)
        refused = client.post(f"{PAGE}/review", data=form | {"approved": "false", "note": "重算"})
    assert refused.status_code == 422
    assert 'data-testid="review-problem">the statement is reviewed by someone other' in (
        refused.text
    )
    assert ">重算</textarea>" in refused.text
    assert "Traceback" not in refused.text


def test_a_save_refused_once_submitted_is_shown_though_the_form_is_gone() -> None:
    refusal = problem(409, "the statement of 2099-Q1 is submitted: its figures stand")
    routes = statement_routes(a_statement("submitted")) | {("PUT", BILLING_PATH): lambda _: refusal}
    typed = {"spending.0.category": "staff", "spending.0.item": "工资", "spending.0.amount": "1"}
    with signed_in_against(Role.FINANCE, routes) as (client, _):
        refused = client.post(PAGE, data=form_fields(client, PAGE) | typed)
    assert refused.status_code == 409
    assert 'data-testid="figures-problem">the statement of 2099-Q1 is submitted' in refused.text
    assert forms_on(refused.text) == set()


def test_the_statement_file_is_streamed_through_under_billings_name() -> None:
    body = b"section,item,amount\r\nincome,total,9603.05\r\n"
    disposition = f'attachment; filename="income-statement-dmg-{PERIOD_LABEL}.csv"'
    routes: Routes = {
        ("GET", BILLING_PATH): lambda r: httpx.Response(
            200,
            content=body,
            headers={"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": disposition},
        )
    }
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, calls):
        got = client.get(f"{PAGE}/file", params={"format": "csv"})
        wrong = client.get(f"{PAGE}/file", params={"format": "pdf"})
    assert got.status_code == 200 and got.content == body
    assert got.headers["content-disposition"] == disposition
    assert calls[-1].url.params["format"] == "csv"
    assert wrong.status_code == 422


# -- both languages ---------------------------------------------------------------------------------
def test_every_label_the_screens_build_is_in_both_languages() -> None:
    built = (
        {s.key for s in FINANCE_SCREENS}
        | {f"statement_state_{s}" for s in statement_pages.STATES}
        | {f"statement_category_{c}" for c in statement_pages.CATEGORIES}
        | {f"statement_done_{d}" for d in statement_pages.DONE}
        | {"statement_surplus", "statement_deficit", "statement_period_invalid"}
    )
    assert sorted(built - TEXT.keys()) == []
    for key in built:
        chinese, english = TEXT[key]
        assert re.search(r"[\u4e00-\u9fff]", chinese) and english.isascii(), key


def test_the_screens_speak_english_when_asked() -> None:
    routes = statement_routes(a_statement("submitted")) | {
        ("GET", "/income-statements/dmg"): [a_statement("submitted")]
    }
    with signed_in_against(Role.SITE_MANAGER, routes) as (client, _):
        client.cookies.set("hotline_lang", "en")
        listed = client.get(LIST_PAGE).text
        page = client.get(PAGE).text
    assert "Income and spending" in listed and "Surplus ¥3102.55" in listed
    assert "Submitted, awaiting review" in page and "Management fees collected" in page
    assert "Upkeep of common facilities and public areas" in page
    assert "Approve and publish" in page and "Send back" in page
