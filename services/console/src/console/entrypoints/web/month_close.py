"""The month's close at a site (月结) over billing's month-close routes (BIL-06 to BIL-08).

``/service-records?site_id=&day=`` opens on today in the site's time: the day's service records
grouped by payment method (the record's serial, the charge, the unit, who paid, the amount and
whether it is paid) and their handover, to whom, by whom and when, marked late when after the
day (BIL-06: the same day). Finance hands the day's records to the service centre or the general
administrator, naming who took them; billing refuses a day handed to someone else already (409),
shown beside the form as typed.

``/month-closes?site_id=&month=`` opens on this month: the days handed over and to whom, the
records summary due before the 5th of the next month (overdue marked) with a form for the service
centre, the administrator and the site's manager (BIL-07), and the month's financial charge report
(BIL-08): each category charged, collected in cash, by bank collection and by reference, and
owed; the bank's rejections, the late fees and the fee collection rate against 95%, as issued or
as the figures stand now, with the CSV and XLSX files (a chart in it) streamed from billing.
Finance issues the report; the site's manager or the director approves it or sends it back with
a note; the reviews are listed. The company-wide roles also see the month's collection per site.
Readers see everything without a form; billing's refusals are shown beside the form, as typed.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    COMPANY_WIDE,
    DAY_RECORD_READERS,
    FINANCE_DESK,
    RECORD_SUMMARISERS,
    REPORT_READERS,
    REPORT_REVIEWERS,
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
    session,
    signed_in,
)
from console.entrypoints.web.cash_days import days_around, is_day
from console.entrypoints.web.charges import site_today, typed_form
from console.entrypoints.web.fee_bills import percent
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

RECEIVERS = ("service_centre", "administrator")
"""Who takes a day's records (billing's Receiver)."""
AMOUNT_COLUMNS = ("charged", "cash", "bank_collection", "by_reference", "outstanding")
"""A report line's amounts, in the order billing's table shows them."""
FILE_FORMATS = ("csv", "xlsx")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
DAY_FORMS = ("handover",)
MONTH_FORMS = ("summary", "issue")
"""The month page's forms, each named as the page's ``failed``."""
DONE = ("handover", "summary", "issue", "approved", "sent_back")


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def form_keys(forms: tuple[str, ...], failed: str, key: str) -> dict[str, str]:
    """A fresh Idempotency-Key for each of the page's forms; the refused form keeps ``key``."""
    fresh = str(uuid.uuid4())
    keys = {form: f"{fresh}-{form}" for form in forms}
    if failed in keys and key:
        keys[failed] = key
    return keys


# -- the day's records (BIL-06) ------------------------------------------------------------------
async def _day_page(
    request: Request,
    current: Session,
    site_id: str,
    day: str,
    *,
    values: dict[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, load_problem = await sites_or_problem(current)
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    if day and not is_day(day):
        load_problem = ApiProblem(422, f"day {day!r} is not a date YYYY-MM-DD")
        day = ""
    day = day or await site_today(request, current, site_id)
    records: dict[str, Any] | None = None
    if site_id:
        try:
            records = await current.api.day_records(site_id, day)
        except ApiProblem as refused:
            load_problem = signed_in(refused)
    handover = (records or {}).get("handover")
    if handover:
        handover["handed_local"] = local(request, handover.get("handed_at"))
    previous_day, next_day = days_around(day)
    failed = problem or load_problem
    return render(
        request,
        "service_records.html",
        {
            "sites": sites,
            "site_id": site_id,
            "day": day,
            "month": day[:7],
            "previous_day": previous_day,
            "next_day": next_day,
            "records": records,
            "handover": handover,
            "may_hand_over": may(current, FINANCE_DESK) and records is not None,
            "receivers": RECEIVERS,
            "values": values or {"receiver": RECEIVERS[0], "received_by": ""},
            "keys": form_keys(DAY_FORMS, "handover" if problem else "", key),
            "problem": problem,
            "load_problem": load_problem,
            "errors": by_field(problem),
            "done": done_of(request, DONE),
        },
        current=current,
        status_code=min(failed.status, 503) if failed else 200,
    )


@router.get("/service-records", response_class=HTMLResponse)
async def service_records(
    request: Request, current: CurrentSession, site_id: str = "", day: str = ""
) -> Response:
    only(current, DAY_RECORD_READERS)
    return await _day_page(request, current, site_id.strip(), day.strip())


@router.post("/service-records/handover", response_class=HTMLResponse)
async def hand_over(request: Request, current: CurrentSession) -> Response:
    """BIL-06: the day's records handed to the service centre or the administrator; back to the
    day, or billing's refusal (handed to someone else already) beside the form, as typed."""
    form = await typed_form(request, current)
    site_id, day = form.get("site_id", "").strip(), form.get("day", "").strip()
    values = {name: form.get(name, "").strip() for name in ("receiver", "received_by")}
    key = form.get("key") or str(uuid.uuid4())
    try:
        await current.api.hand_over_records(site_id, day, values, key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _day_page(
            request,
            current,
            site_id,
            day,
            values=values,
            key=key_after(refused, key),
            problem=refused,
        )
    query = urlencode({"site_id": site_id, "day": day, "done": "handover"})
    return redirect(f"/service-records?{query}#handover")


# -- the month's close (BIL-07, BIL-08) ----------------------------------------------------------
def shown_close(request: Request, close: dict[str, Any]) -> dict[str, Any]:
    """The close with its moments in the site's time and whether the report awaits review."""
    for handover in close["handovers"]:
        handover["handed_local"] = local(request, handover.get("handed_at"))
    if close.get("records_summary"):
        close["records_summary"]["at_local"] = local(request, close["records_summary"]["at"])
    close["summary_due_local"] = local(request, close.get("records_summary_due_at"))
    close["issued_local"] = local(request, close.get("report_issued_at"))
    for review in close["reviews"]:
        review["at_local"] = local(request, review.get("at"))
    issued = _moment(close.get("report_issued_at"))
    last = _moment(close["reviews"][-1]["at"]) if close["reviews"] else None
    close["awaiting_review"] = issued is not None and (last is None or last < issued)
    return close


def shown_figures(figures: dict[str, Any]) -> dict[str, Any]:
    figures["rate_percent"] = percent(figures.get("collection_rate"))
    return figures


def site_month(site_id: str, month: str) -> str:
    """The query of a site's month page (``site_id``, ``month``)."""
    return urlencode({"site_id": site_id, "month": month})


async def chosen_site_month(
    request: Request, current: Session, site_id: str, month: str, *, this_month: bool = False
) -> tuple[list[dict[str, Any]], str, str, str, ApiProblem | None]:
    """For a site's month page: the user's sites, the site asked (the first when none), the
    month asked (the site's this month when none, or when it is no month: said as a problem),
    the site's this month (asked of intake only when needed or ``this_month``; else ""), and the
    problem of reading them."""
    sites, problem = await sites_or_problem(current)
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    if month and not MONTH.fullmatch(month):
        problem = ApiProblem(422, f"month {month!r} is not a month YYYY-MM")
        month = ""
    current_month = ""
    if this_month or not month:
        current_month = (await site_today(request, current, site_id))[:7]
    return sites, site_id, month or current_month, current_month, problem


async def _month_page(
    request: Request,
    current: Session,
    site_id: str,
    month: str,
    *,
    failed: str = "",
    values: dict[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, site_id, month, _, load_problem = await chosen_site_month(
        request, current, site_id, month
    )
    close: dict[str, Any] | None = None
    report: dict[str, Any] | None = None
    collection: dict[str, Any] | None = None
    try:
        if site_id:
            close = shown_close(request, await current.api.month_close(site_id, month))
            if may(current, REPORT_READERS):
                report = await current.api.financial_report(site_id, month)
                shown_figures(report["figures"])
        if may(current, COMPANY_WIDE):
            collection = await current.api.collection_by_site(month)
            for row in collection["sites"]:
                row["rate_percent"] = percent(row.get("collection_rate"))
    except ApiProblem as refused:
        load_problem = signed_in(refused)
    awaiting = bool(close and close["awaiting_review"])
    failed_problem = problem or load_problem
    return render(
        request,
        "month_close.html",
        {
            "sites": sites,
            "site_id": site_id,
            "month": month,
            "close": close,
            "report": report,
            "collection": collection,
            "amount_columns": AMOUNT_COLUMNS,
            "file_formats": FILE_FORMATS,
            "may_summarise": close is not None
            and may(current, RECORD_SUMMARISERS)
            and not close.get("records_summary"),
            "may_issue": close is not None and may(current, FINANCE_DESK) and not awaiting,
            "may_review": close is not None and may(current, REPORT_REVIEWERS) and awaiting,
            "values": values or {},
            "keys": form_keys(MONTH_FORMS, failed, key),
            "failed": failed,
            "problem": problem,
            "load_problem": load_problem,
            "errors": by_field(problem),
            "done": done_of(request, DONE),
            "query": site_month(site_id, month),
        },
        current=current,
        status_code=min(failed_problem.status, 503) if failed_problem else 200,
    )


@router.get("/month-closes", response_class=HTMLResponse)
async def month_closes(
    request: Request, current: CurrentSession, site_id: str = "", month: str = ""
) -> Response:
    only(current, DAY_RECORD_READERS)
    return await _month_page(request, current, site_id.strip(), month.strip())


async def _on_month(
    request: Request, current: Session, roles: frozenset[Any]
) -> tuple[dict[str, str], str, str, str]:
    form = await typed_form(request, current, roles)
    key = form.get("key") or str(uuid.uuid4())
    return form, form.get("site_id", "").strip(), form.get("month", "").strip(), key


async def _refused(
    request: Request,
    current: Session,
    site_id: str,
    month: str,
    form_name: str,
    values: dict[str, str],
    key: str,
    refused: ApiProblem,
) -> HTMLResponse:
    signed_in(refused)
    return await _month_page(
        request,
        current,
        site_id,
        month,
        failed=form_name,
        values=values,
        key=key_after(refused, key),
        problem=refused,
    )


def _back(site_id: str, month: str, done: str, anchor: str) -> Response:
    return redirect(f"/month-closes?{site_month(site_id, month)}&done={done}#{anchor}")


@router.post("/month-closes/records-summary", response_class=HTMLResponse)
async def summarise(request: Request, current: CurrentSession) -> Response:
    """BIL-07: the month's records summarised, once the month is over (billing's 409 before)."""
    form, site_id, month, key = await _on_month(request, current, RECORD_SUMMARISERS)
    note = form.get("note", "").strip()
    try:
        await current.api.summarise_records(site_id, month, {"note": note or None}, key)
    except ApiProblem as refused:
        values = {"note": note}
        return await _refused(request, current, site_id, month, "summary", values, key, refused)
    return _back(site_id, month, "summary", "summary")


@router.post("/month-closes/report-issue", response_class=HTMLResponse)
async def issue_report(request: Request, current: CurrentSession) -> Response:
    """BIL-08: finance issues the report for the manager (billing's 409 before the month's last
    day, or while the last one awaits review)."""
    _, site_id, month, key = await _on_month(request, current, FINANCE_DESK)
    try:
        await current.api.issue_financial_report(site_id, month, key)
    except ApiProblem as refused:
        return await _refused(request, current, site_id, month, "issue", {}, key, refused)
    return _back(site_id, month, "issue", "report")


@router.post("/month-closes/report-review", response_class=HTMLResponse)
async def review_report(request: Request, current: CurrentSession) -> Response:
    """BIL-08: the manager approves the issued report or sends it back with what to correct."""
    form, site_id, month, key = await _on_month(request, current, REPORT_REVIEWERS)
    approved = form.get("approved", "") == "true"
    note = form.get("note", "").strip()
    try:
        await current.api.review_financial_report(
            site_id, month, {"approved": approved, "note": note or None}, key
        )
    except ApiProblem as refused:
        values = {"note": note}
        return await _refused(request, current, site_id, month, "review", values, key, refused)
    return _back(site_id, month, "approved" if approved else "sent_back", "report")


def streamed(sent: Any, format_: str, name: str) -> StreamingResponse:
    """Billing's file passed to the browser a block at a time, under billing's file name."""
    disposition = sent.headers.get(
        "content-disposition", f'attachment; filename="{quote(name, safe="")}.{format_}"'
    )
    return StreamingResponse(
        sent.aiter_bytes(),
        media_type=sent.headers.get("content-type", "application/octet-stream"),
        headers={"Content-Disposition": disposition},
        background=BackgroundTask(sent.aclose),
    )


FileFormat = Annotated[str, Query(alias="format", pattern="^(csv|xlsx)$")]


@router.get("/month-closes/report-file")
async def report_file(
    request: Request, current: CurrentSession, site_id: str, month: str, format_: FileFormat
) -> Response:
    """The month's report as billing writes it, CSV or XLSX with its chart."""
    only(current, REPORT_READERS)
    try:
        sent = await current.api.open_financial_report(site_id, month, format_)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    return streamed(sent, format_, f"financial-report-{site_id}-{month}")


@router.get("/month-closes/collection-file")
async def collection_file(
    request: Request, current: CurrentSession, month: str, format_: FileFormat
) -> Response:
    """The month's collection per site the user covers, CSV or XLSX with its chart."""
    only(current, COMPANY_WIDE)
    try:
        sent = await current.api.open_collection_by_site(month, format_)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    return streamed(sent, format_, f"collection-{month}")
