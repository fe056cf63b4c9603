"""A site's income and spending statement (物业服务费用收支情况公示) over billing's statement
routes (FEE-07, FEE-09, NTF-06).

``/income-statements?site_id=`` lists a site's statements, the latest period first: the period,
its state, the income and the spending totals, the balance (结余, or 亏损 when negative) and when
it was published, each opening its page; a form opens a period by its label (a month 2026-11, a
quarter 2026-Q4 or a half year 2026-H2; the last quarter in the site's time offered), the label
checked before billing is asked.

``/income-statements/{site_id}/{period}`` shows the statement as the residents will read it: the
management fees billed, collected and outstanding, the late fees and the other income, with the
income's total; the spending by the categories management fees pay for (FEE-09), each with its
lines and total, and the spending's total; the balance; the water and electricity collected for
the utilities apart (not income). Beside it its state, who prepared and submitted it and when,
the reviews, and its CSV and XLSX files streamed from billing. Finance enters the figures while it
is a draft or sent back (a fixed number of blank rows below the lines: no script needed; empty
rows are left out) and saves them whole, then submits it once the period is over; a manager other
than the submitter approves it (billing publishes it to the site's households) or sends it back
saying what to correct. Readers see it without a form. Billing decides every rule; its refusals
are shown beside the form refused, as typed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    FINANCE_DESK,
    STATEMENT_READERS,
    STATEMENT_REVIEWERS,
    Session,
    by_field,
    done_of,
    key_after,
    local,
    may,
    only,
    redirect,
    refused_page,
    render,
    row_numbers,
    said,
    session,
    signed_in,
)
from console.entrypoints.web.charges import on_form_rows, site_today, typed_form
from console.entrypoints.web.month_close import FILE_FORMATS, FileFormat, form_keys, streamed
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

PERIOD = r"^20\d{2}-(0[1-9]|1[0-2]|Q[1-4]|H[12])$"
"""A month ``2026-11``, a quarter ``2026-Q4`` or a half year ``2026-H2`` (billing's PERIOD)."""
STATES = ("draft", "submitted", "returned", "published")
"""Billing's StatementState."""
EDITABLE = ("draft", "returned")
"""The states whose figures finance may still change and submit."""
CATEGORIES = (
    "facilities",
    "staff",
    "contractors",
    "insurance_depreciation",
    "security",
    "community_culture",
    "statutory_taxes",
    "manager_remuneration",
    "other",
)
"""What management fees pay for (billing's SpendingCategory, in the residents' handbook's order);
each is named ``statement_category_<category>`` in ``console.i18n``."""
MANAGEMENT_FEE = "management_fee"
"""The fee item whose collection is the statement's income (water and electricity are not)."""
SPENDING_FIELDS = ("category", "item", "amount")
INCOME_FIELDS = ("item", "amount")
BLANK_SPENDING = 5
BLANK_INCOME = 2
"""Blank rows below the statement's lines on finance's form."""
FORMS = ("figures", "submit", "review")
"""The statement page's forms, each named as the page's ``failed``."""
DONE = ("saved", "submitted", "approved", "sent_back")
ZERO = "0.00"


def is_period(label: str) -> bool:
    return re.fullmatch(PERIOD, label) is not None


def statement_path(site_id: str, period: str) -> str:
    return f"/income-statements/{quote(site_id, safe='')}/{quote(period, safe='')}"


def last_quarter(today: str) -> str:
    """The quarter before the one ``today`` (YYYY-MM-DD) falls in: the one to publish."""
    day = date.fromisoformat(today)
    quarter = (day.month - 1) // 3
    return f"{day.year - 1}-Q4" if quarter == 0 else f"{day.year}-Q{quarter}"


def balance_of(amount: str | None) -> dict[str, Any]:
    """Billing's balance as the residents read it: a surplus (结余) or a deficit (亏损) and how
    much."""
    try:
        value = Decimal(amount or ZERO)
    except InvalidOperation:
        return {"deficit": False, "amount": str(amount)}
    return {"deficit": value < 0, "amount": f"{abs(value):.2f}"}


def shown_statement(request: Request, statement: dict[str, Any]) -> dict[str, Any]:
    """The statement with its management fees picked out, its balance as a surplus or a
    deficit, and its moments in the site's time."""
    income = statement["income"]
    fees = next((f for f in income["fees"] if f["item"] == MANAGEMENT_FEE), None)
    statement["management"] = fees or {"billed": ZERO, "collected": ZERO, "outstanding": ZERO}
    statement["balance_shown"] = balance_of(income.get("balance"))
    income["as_of_local"] = local(request, income.get("as_of"))
    for moment in ("prepared_at", "submitted_at", "published_at"):
        statement[moment.replace("_at", "_local")] = local(request, statement.get(moment))
    for review in statement["reviews"]:
        review["at_local"] = local(request, review.get("at"))
    return statement


# -- finance's form: the statement's lines, then blank rows -------------------------------------
def figure_values(statement: Mapping[str, Any] | None) -> dict[str, str]:
    """The figures form's fields (``spending.<n>.<field>``, ``other_income.<n>.<field>``,
    ``note``): the statement's lines by category, then blank rows."""
    spending = [
        {"category": c["category"], "item": line["item"], "amount": line["amount"]}
        for c in (statement or {}).get("spending", [])
        for line in c["lines"]
    ]
    spending += [dict.fromkeys(SPENDING_FIELDS, "") for _ in range(BLANK_SPENDING)]
    income = [
        {"item": line["item"], "amount": line["amount"]}
        for line in (statement or {}).get("other_income", [])
    ]
    income += [dict.fromkeys(INCOME_FIELDS, "") for _ in range(BLANK_INCOME)]
    values = {
        f"spending.{n}.{name}": str(value)
        for n, row in enumerate(spending)
        for name, value in row.items()
    }
    values |= {
        f"other_income.{n}.{name}": str(value)
        for n, row in enumerate(income)
        for name, value in row.items()
    }
    return values | {"note": str((statement or {}).get("note") or "")}


def _lines(
    values: Mapping[str, str], prefix: str, fields: tuple[str, ...]
) -> tuple[list[dict[str, str]], list[str]]:
    """The rows under ``prefix`` with an item or an amount typed, as typed, and the form's row
    each came from."""
    lines, rows = [], []
    for n in row_numbers(values, prefix):
        line = {name: values.get(f"{prefix}.{n}.{name}", "").strip() for name in fields}
        if line["item"] or line["amount"]:
            lines.append(line)
            rows.append(str(n))
    return lines, rows


def figures_body(values: Mapping[str, str]) -> tuple[dict[str, Any], list[str], list[str]]:
    """Billing's StatementIn from the form, whole; with the form's row each spending and each
    income line was sent from, to show billing's refusal of ``spending.0`` beside its row."""
    spending, spending_rows = _lines(values, "spending", SPENDING_FIELDS)
    income, income_rows = _lines(values, "other_income", INCOME_FIELDS)
    note = values.get("note", "").strip()
    body = {"spending": spending, "other_income": income, "note": note or None}
    return body, spending_rows, income_rows


def _site_name(sites: list[dict[str, str]], site_id: str) -> str:
    return next((s.get("name") or site_id for s in sites if s["site_id"] == site_id), site_id)


# -- the site's statements ---------------------------------------------------------------------
async def _list_page(request: Request, current: Session, site_id: str, period: str) -> HTMLResponse:
    sites, load_problem = await sites_or_problem(current)
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    statements: list[dict[str, Any]] = []
    if site_id:
        try:
            found = await current.api.income_statements(site_id)
            statements = [shown_statement(request, s) for s in found]
        except ApiProblem as refused:
            load_problem = signed_in(refused)
    errors = {}
    if period and not is_period(period):
        errors["period"] = said(request, "statement_period_invalid")
    offered = period or last_quarter(await site_today(request, current, site_id))
    status = 422 if errors else min(load_problem.status, 503) if load_problem else 200
    return render(
        request,
        "income_statements.html",
        {
            "sites": sites,
            "site_id": site_id,
            "statements": statements,
            "period": offered,
            "period_pattern": PERIOD.strip("^$"),
            "load_problem": load_problem,
            "errors": errors,
            "statement_path": statement_path,
        },
        current=current,
        status_code=status,
    )


@router.get("/income-statements", response_class=HTMLResponse)
async def income_statements(
    request: Request, current: CurrentSession, site_id: str = "", period: str = ""
) -> Response:
    """The site's statements; with a period typed, on to that period's statement (or the label's
    fault beside the field)."""
    only(current, STATEMENT_READERS)
    site_id, period = site_id.strip(), period.strip().upper()
    if site_id and is_period(period):
        return redirect(statement_path(site_id, period))
    return await _list_page(request, current, site_id, period)


# -- one statement ------------------------------------------------------------------------------
async def _statement_page(
    request: Request,
    current: Session,
    site_id: str,
    period: str,
    *,
    failed: str = "",
    values: dict[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, load_problem = await sites_or_problem(current)
    statement: dict[str, Any] | None = None
    known = False  # billing answered the statement, or that there is none yet
    if not is_period(period):
        load_problem = ApiProblem(422, said(request, "statement_period_invalid"))
    else:
        try:
            statement = shown_statement(
                request, await current.api.income_statement(site_id, period)
            )
            known = True
        except ApiProblem as refused:
            if refused.status == 404:  # none prepared yet, which the page says
                known = True
            else:
                load_problem = signed_in(refused)
    state = statement["state"] if statement else None
    finance = may(current, FINANCE_DESK)
    figures = values if failed == "figures" and values is not None else figure_values(statement)
    failing = problem or load_problem
    return render(
        request,
        "income_statement.html",
        {
            "sites": sites,
            "site_id": site_id,
            "site_name": _site_name(sites, site_id),
            "period": period,
            "path": statement_path(site_id, period),
            "statement": statement,
            "known": known,
            "categories": CATEGORIES,
            "file_formats": FILE_FORMATS,
            "figures": figures,
            "spending_rows": row_numbers(figures, "spending"),
            "income_rows": row_numbers(figures, "other_income"),
            "may_prepare": finance and known and (state is None or state in EDITABLE),
            "may_submit": finance and state in EDITABLE,
            "may_review": may(current, STATEMENT_REVIEWERS) and state == "submitted",
            "values": values or {},
            "keys": form_keys(FORMS, failed, key),
            "failed": failed,
            "problem": problem,
            "load_problem": load_problem,
            "errors": by_field(problem),
            "done": done_of(request, DONE),
        },
        current=current,
        status_code=min(failing.status, 503) if failing else 200,
    )


@router.get("/income-statements/{site_id}/{period}", response_class=HTMLResponse)
async def income_statement(
    request: Request, current: CurrentSession, site_id: str, period: str
) -> Response:
    only(current, STATEMENT_READERS)
    return await _statement_page(request, current, site_id, period)


async def _refused(
    request: Request,
    current: Session,
    site_id: str,
    period: str,
    form_name: str,
    values: dict[str, str],
    key: str,
    refused: ApiProblem,
    shown: ApiProblem | None = None,
) -> HTMLResponse:
    """The statement again with billing's refusal beside ``form_name``, as typed."""
    signed_in(refused)
    return await _statement_page(
        request,
        current,
        site_id,
        period,
        failed=form_name,
        values=values,
        key=key_after(refused, key),
        problem=shown or refused,
    )


def _back(site_id: str, period: str, done: str, anchor: str) -> Response:
    return redirect(f"{statement_path(site_id, period)}?done={done}#{anchor}")


@router.post("/income-statements/{site_id}/{period}", response_class=HTMLResponse)
async def prepare_statement(
    request: Request, current: CurrentSession, site_id: str, period: str
) -> Response:
    """FEE-07, FEE-09: finance's figures, whole (billing's 409 once submitted or published; its
    422 naming the line at fault beside the row it came from)."""
    form = await typed_form(request, current, FINANCE_DESK)
    key = form.get("key") or str(uuid.uuid4())
    values = {name: value for name, value in form.items() if name not in ("csrf", "key")}
    body, spending_rows, income_rows = figures_body(values)
    try:
        await current.api.prepare_income_statement(site_id, period, body, key)
    except ApiProblem as refused:
        shown = on_form_rows(
            on_form_rows(refused, spending_rows, "spending"), income_rows, "other_income"
        )
        return await _refused(
            request, current, site_id, period, "figures", values, key, refused, shown
        )
    return _back(site_id, period, "saved", "statement")


@router.post("/income-statements/{site_id}/{period}/submit", response_class=HTMLResponse)
async def submit_statement(
    request: Request, current: CurrentSession, site_id: str, period: str
) -> Response:
    """FEE-07: submitted for review with the period's fee income as it stands now (billing's
    409 while the period is not over, or once submitted or published)."""
    form = await typed_form(request, current, FINANCE_DESK)
    key = form.get("key") or str(uuid.uuid4())
    try:
        await current.api.submit_income_statement(site_id, period, key)
    except ApiProblem as refused:
        return await _refused(request, current, site_id, period, "submit", {}, key, refused)
    return _back(site_id, period, "submitted", "history")


@router.post("/income-statements/{site_id}/{period}/review", response_class=HTMLResponse)
async def review_statement(
    request: Request, current: CurrentSession, site_id: str, period: str
) -> Response:
    """FEE-07, NTF-06: a manager other than the submitter approves it, and billing publishes it
    to the site's households, or sends it back saying what to correct (billing's 422 otherwise)."""
    form = await typed_form(request, current, STATEMENT_REVIEWERS)
    key = form.get("key") or str(uuid.uuid4())
    approved = form.get("approved", "") == "true"
    note = form.get("note", "").strip()
    try:
        await current.api.review_income_statement(
            site_id, period, {"approved": approved, "note": note or None}, key
        )
    except ApiProblem as refused:
        values = {"note": note}
        return await _refused(request, current, site_id, period, "review", values, key, refused)
    return _back(site_id, period, "approved" if approved else "sent_back", "statement")


@router.get("/income-statements/{site_id}/{period}/file")
async def statement_file(
    request: Request, current: CurrentSession, site_id: str, period: str, format_: FileFormat
) -> Response:
    """The statement as billing writes it for the notice board, CSV or XLSX."""
    only(current, STATEMENT_READERS)
    try:
        sent = await current.api.open_income_statement(site_id, period, format_)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    return streamed(sent, format_, f"income-statement-{site_id}-{period}")
