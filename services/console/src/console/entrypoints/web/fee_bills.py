"""The month's management fee bills (物业管理费) over billing's fee-bill and collection routes
(FEE-01 to FEE-06, FEE-10, FEE-14).

``/fee-bills?site_id=&month=&building=&room=&status=`` shows a site's bills of a month (this
month in the site's time by default), a page at a time, all of them, the unpaid, the flagged or
the paid: each bill's number, the unit and who pays, the amount (the floor area × the contract's
rate, with water and electricity, FEE-01, FEE-06), the late fee of 0.05% a day as of today
(FEE-03), what paying today takes, its state and how many of the three reminders were sent
(FEE-14). A bill flagged after three reminders is marked for the site to act (FEE-04). Above the
bills, the month's collection rate: what was due, collected and outstanding, the late fees
collected, the flagged bills, and collected ÷ due against the 95% target (FEE-10).

Finance (and the platform's admin, as billing's issue_fee_bills allows) issues the month's bills
for a site, with the units' water and electricity typed one line a unit, ``building,room,water,
electricity[,note]`` (an amount left empty is not billed). The console reads the lines and names
the line at fault (too few values, no building or room, a unit twice) without asking billing;
billing's refusal of a line (an amount it cannot take, a unit without a contract) is shown beside
the line it came from, as typed. The page then shows the run: the bills issued and their total,
the units billed before, and each unit skipped with billing's reason.

``/fee-bills/{id}`` shows one bill: its lines, the due day, today's late fee and what is owed,
the payer and the owner liable for the arrears when a tenant pays (FEE-05), the reminders asked
for and when each was sent, the next one, and the flag. Finance takes the payment at the desk:
cash (FEE-02), the amount filled in with what is owed today, billing drawing the site's next
numbered receipt, whose number the page then shows with a link to the receipt; or a bank
transfer, WeChat Pay or Alipay with its transaction number (BIL-16). Billing refuses any amount
but what is owed on the day, naming the bill and its late fee, beside the form as typed.
Money stays the decimal string billing sends.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    FEE_READERS,
    FINANCE_DESK,
    Session,
    by_field,
    key_after,
    local,
    may,
    only,
    redirect,
    refused_page,
    render,
    said,
    session,
    signed_in,
)
from console.entrypoints.web.charges import (
    REFERENCE_METHODS,
    on_form_rows,
    paid_at,
    site_today,
    site_zone,
    typed_form,
)
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

STATUSES = ("due", "overdue", "collecting", "paid", "flagged")
"""A bill's states (billing's FeeBillStatus)."""
PAYABLE = ("due", "overdue", "flagged")
"""The states a bill is paid from at the desk (collecting: the bank holds its debit)."""
TABS = ("all", "unpaid", "flagged", "paid")
TAB_FILTERS: Mapping[str, Mapping[str, str]] = {
    "all": {},
    "unpaid": {"paid": "false"},
    "flagged": {"flagged": "true"},
    "paid": {"paid": "true"},
}
"""Billing's filters for each tab."""
ITEMS = ("management_fee", "water", "electricity")
"""What a bill's lines charge (billing's FeeItem)."""
DESK_METHODS = ("cash", *REFERENCE_METHODS)
"""How a bill is paid at the desk: cash on a numbered receipt, or by reference (bank collection
is settled by the bank's answer)."""
REMINDERS_BEFORE_ACTION = 3
"""Three reminders, then the site may act (FEE-04)."""
PAGE = 50
FORMS = ("cash", "transfer")
"""The bill page's payment forms, each named as the page's ``failed``."""
METER_SEPARATOR = re.compile(r"[,，\t]")
"""Between a meter line's values: a comma (either width) or a tab, as a spreadsheet copies."""
METER_FAULT = re.compile(r"meters\.(\d+)(?:\.(\w+))?")


def percent(fraction: str | None) -> str:
    """Billing's fraction to four places as a percentage (0.5363 → 53.63%)."""
    if fraction is None:
        return "—"
    try:
        return f"{Decimal(fraction) * 100:.2f}%"
    except InvalidOperation:
        return str(fraction)


def meter_lines(text: str) -> tuple[list[dict[str, str]], list[str], list[tuple[int, str]]]:
    """The meters typed one line a unit, ``building,room,water,electricity[,note]`` (the note
    may hold commas; an amount left empty is not billed; blank lines and lines starting with
    ``#`` are skipped): billing's MeterIn for each, as typed, with the line each came from, and
    the lines the console cannot read, each with the key of what is wrong."""
    meters: list[dict[str, str]] = []
    rows: list[str] = []
    faults: list[tuple[int, str]] = []
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        values = [value.strip() for value in METER_SEPARATOR.split(line, maxsplit=4)]
        if len(values) < 3:
            faults.append((number, "fee_meter_line_values"))
            continue
        building, room, water, *rest = [*values, "", ""][:5]
        electricity, note = rest
        if not building or not room:
            faults.append((number, "fee_meter_line_unit"))
            continue
        if (building, room) in seen:
            faults.append((number, "fee_meter_line_twice"))
            continue
        seen.add((building, room))
        meter = {"building": building, "room": room}
        for name, value in (("water", water), ("electricity", electricity), ("note", note)):
            if value:
                meter[name] = value
        meters.append(meter)
        rows.append(str(number))
    return meters, rows, faults


def meter_faults(problem: ApiProblem | None) -> list[dict[str, str]]:
    """The lines of the meters at fault, in order: the line's number, the value named (none for
    the whole line) and what is wrong."""
    if problem is None:
        return []
    found = []
    for name, message in by_field(problem).items():
        matched = METER_FAULT.fullmatch(name)
        if matched:
            found.append({"line": matched[1], "value": matched[2] or "", "message": message})
    return sorted(found, key=lambda fault: int(fault["line"]))


def shown_bill(request: Request, bill: dict[str, Any]) -> dict[str, Any]:
    """The bill with its moments in the site's time (the console's zone)."""
    for moment in ("issued_at", "paid_at", "next_reminder_at", "flagged_at"):
        bill[moment.replace("_at", "_local")] = local(request, bill.get(moment))
    for reminder in bill.get("reminders") or []:
        reminder["asked_local"] = local(request, reminder.get("asked_at"))
        reminder["sent_local"] = local(request, reminder.get("sent_at"))
    return bill


def shown_collection(collection: dict[str, Any]) -> dict[str, Any]:
    collection["rate_percent"] = percent(collection.get("collection_rate"))
    collection["target_percent"] = percent(collection.get("target"))
    return collection


# -- the month's bills, the collection rate and a new run ---------------------------------------
async def _bills_page(
    request: Request,
    current: Session,
    *,
    site_id: str = "",
    month: str = "",
    building: str = "",
    room: str = "",
    tab: str = "all",
    offset: int = 0,
    run: dict[str, Any] | None = None,
    values: dict[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, load_problem = await sites_or_problem(current)
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    month = month or (await site_today(request, current, site_id))[:7]
    filters = {"site_id": site_id, "month": month, "building": building, "room": room}
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    params |= {name: value for name, value in filters.items() if value}
    params |= TAB_FILTERS[tab]
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    collection: dict[str, Any] | None = None
    try:
        page = await current.api.fee_bills(params)
        if site_id:
            collection = shown_collection(await current.api.fee_collection(site_id, month))
    except ApiProblem as refused:
        load_problem = signed_in(refused)
    for bill in page["items"]:
        shown_bill(request, bill)
    if values is None:
        values = {"site_id": site_id, "month": month, "meters": ""}
    failed = problem or load_problem
    return render(
        request,
        "fee_bills.html",
        {
            "sites": sites,
            **filters,
            "tab": tab,
            "tabs": TABS,
            "page": page,
            "collection": collection,
            "load_problem": load_problem,
            "desk": may(current, FINANCE_DESK),
            "run": run,
            "values": values,
            "key": key or str(uuid.uuid4()),
            "problem": problem,
            "errors": by_field(problem),
            "meter_faults": meter_faults(problem),
            "reminders_before_action": REMINDERS_BEFORE_ACTION,
            "list_path": "/fee-bills",
            "query": urlencode({k: v for k, v in {**filters, "status": tab}.items() if v}),
        },
        current=current,
        status_code=min(failed.status, 503) if failed else 200,
    )


@router.get("/fee-bills", response_class=HTMLResponse)
async def fee_bills(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    month: str = "",
    building: str = "",
    room: str = "",
    status: str = "",
    offset: int = 0,
) -> Response:
    only(current, FEE_READERS)
    return await _bills_page(
        request,
        current,
        site_id=site_id.strip(),
        month=month.strip(),
        building=building.strip(),
        room=room.strip(),
        tab=status if status in TABS else "all",
        offset=offset,
    )


@router.post("/fee-bills", response_class=HTMLResponse)
async def issue_bills(request: Request, current: CurrentSession) -> Response:
    """FEE-01, FEE-06: bill every unit whose contract runs in the month, with the water and
    electricity typed for it; the page shows the run (issued, their total, billed before, each
    unit skipped and why) over the month's bills, or the lines at fault beside the form, as
    typed. Running the month again bills only the units not billed yet."""
    form = await typed_form(request, current)
    values = {name: form.get(name, "").strip() for name in ("site_id", "month")}
    values["meters"] = form.get("meters", "")
    key = form.get("key") or str(uuid.uuid4())
    meters, rows, faults = meter_lines(values["meters"])
    problem: ApiProblem | None = None
    run: dict[str, Any] = {}
    if faults:
        errors = [
            {"field": f"meters.{line}", "message": said(request, fault)} for line, fault in faults
        ]
        problem = ApiProblem(422, said(request, "fee_meters_unread"), errors)
    else:
        body = {"site_id": values["site_id"], "month": values["month"], "meters": meters}
        try:
            run = await current.api.issue_fee_bills(body, key)
        except ApiProblem as refused:
            problem = on_form_rows(signed_in(refused), rows, "meters")
    if problem is not None:
        return await _bills_page(
            request,
            current,
            site_id=values["site_id"],
            month=values["month"],
            values=values,
            key=key_after(problem, key),
            problem=problem,
        )
    return await _bills_page(request, current, site_id=run["site_id"], month=run["month"], run=run)


# -- one bill and its payment -------------------------------------------------------------------
async def _cash_receipt(current: Session, bill: Mapping[str, Any]) -> dict[str, Any] | None:
    """The numbered receipt a cash payment was taken on (billing keeps the bill's id as the
    receipt's charge): for the link to its page."""
    try:
        page = await current.api.receipts({"charge_id": bill["bill_id"], "limit": 50})
    except ApiProblem as refused:
        signed_in(refused)
        return None
    reference = bill.get("payment_reference")
    return next((r for r in page["items"] if r.get("receipt_no") == reference), None)


async def _bill_page(
    request: Request,
    current: Session,
    bill_id: str,
    *,
    failed: str = "",
    values: Mapping[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        bill = shown_bill(request, await current.api.fee_bill(bill_id))
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    paid_in_cash = bill.get("payment_method") == "cash"
    receipt = await _cash_receipt(current, bill) if paid_in_cash else None
    owed = str(bill.get("owed_today") or "")
    forms: dict[str, dict[str, str]] = {
        "cash": {"amount": owed},
        "transfer": {
            "method": REFERENCE_METHODS[0],
            "reference": "",
            "amount": owed,
            "paid_at": "",
        },
    }
    if failed in forms and values is not None:
        forms[failed] = dict(values)
    fresh = str(uuid.uuid4())
    keys = {form: f"{fresh}-{form}" for form in FORMS}
    if failed in keys and key:
        keys[failed] = key
    done = request.query_params.get("done", "")
    return render(
        request,
        "fee_bill.html",
        {
            "bill": bill,
            "receipt": receipt,
            "may_pay": may(current, FINANCE_DESK) and bill["status"] in PAYABLE,
            "reference_methods": REFERENCE_METHODS,
            "reminders_before_action": REMINDERS_BEFORE_ACTION,
            "form_values": forms,
            "keys": keys,
            "failed": failed,
            "problem": problem,
            "errors": by_field(problem),
            "done": done == "paid",
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


@router.get("/fee-bills/{bill_id:uuid}", response_class=HTMLResponse)
async def bill_page(request: Request, bill_id: uuid.UUID, current: CurrentSession) -> Response:
    only(current, FEE_READERS)
    return await _bill_page(request, current, str(bill_id))


def payment_body(values: Mapping[str, str], when: str | None) -> dict[str, str]:
    """Billing's FeePaymentIn as typed: cash with its amount only (billing draws the receipt's
    number and takes the payment now); a transfer or online payment with its reference and,
    when given, the moment it was paid."""
    body = {"method": values["method"], "amount": values["amount"]}
    if values["method"] == "cash":
        return body
    if values.get("reference"):
        body["reference"] = values["reference"]
    if when:
        body["paid_at"] = when
    return body


@router.post("/fee-bills/{bill_id:uuid}/payments", response_class=HTMLResponse)
async def pay_bill(request: Request, bill_id: uuid.UUID, current: CurrentSession) -> Response:
    """FEE-02, FEE-03, BIL-16: the bill paid in full with its late fee as owed that day, in cash
    at the desk on the site's next numbered receipt or by reference; back to the bill, which names
    the receipt, or billing's refusal beside the form, as typed."""
    form = await typed_form(request, current)
    found = str(bill_id)
    method = form.get("method", "").strip()
    form_name = "cash" if method == "cash" else "transfer"
    fields = ("amount",) if form_name == "cash" else ("amount", "reference", "paid_at")
    values = {"method": method} | {name: form.get(name, "").strip() for name in fields}
    key = form.get("key") or str(uuid.uuid4())
    when = None
    if form_name == "transfer":
        zone = await site_zone(request, current, form.get("site_id", "").strip())
        when = paid_at(values["paid_at"], zone)
    try:
        await current.api.pay_fee_bill(found, payment_body(values, when), key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _bill_page(
            request,
            current,
            found,
            failed=form_name,
            values=values,
            key=key_after(refused, key),
            problem=refused,
        )
    return redirect(f"/fee-bills/{found}?done=paid#payment")
