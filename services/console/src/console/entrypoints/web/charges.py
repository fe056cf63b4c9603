"""Finance's charges (收费) over billing's charge, receipt and payment routes.

``/charges?site_id=&status=`` lists the charges of the user's sites, newest first, a page at a
time, under a tab per state: those waiting for finance to price them (needs_pricing, finance's
queue, each with every problem billing found), those raised and owed, those paid, or all; each
row names the charge, the household (building-room, name), the items, the total, how it is paid
and its state.

``/charges/{id}`` shows one charge: its lines and total, the service and callback record's
serial it goes with (BIL-09), the technician who did the work, the payment once paid, and the
receipts drawn for it. Finance (and the platform's admin, as billing allows) acts on it by its
state: a waiting charge is priced again from the site's list after correcting it, or finance
confirms the unit prices agreed with the resident (from the signed record) and the charge is
raised; a raised charge is given the site's next numbered receipt for the technician who
collects the cash (BIL-11: the one who did the work by default), or is recorded paid by bank
transfer, WeChat Pay or Alipay with its transaction number (BIL-16). The receipt out for it
links to the receipt's page, where the cash handed in is booked or the receipt voided (BIL-12,
BIL-13). Billing decides every rule; its refusal is shown beside the form that was refused, as
typed. Money stays the decimal string billing sends.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import Role

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ACCOUNT_READERS,
    FINANCE_DESK,
    REQUEST_READERS,
    Session,
    by_field,
    check_csrf,
    key_after,
    local,
    may,
    only,
    redirect,
    refused_page,
    render,
    session,
    settings_of,
    signed_in,
)
from console.entrypoints.web.requests import sites_or_problem
from console.entrypoints.web.technician_rosters import zone_of

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

STATUSES = ("needs_pricing", "raised", "paid")
"""A charge's states (billing's ChargeStatus): waiting for finance, owed, paid."""
TABS = (*STATUSES, "all")
"""The list's tabs: finance's queue first (the default), then what is owed and what is paid."""
PAGE = 50
REFERENCE_METHODS = ("bank_transfer", "wechat_pay", "alipay")
"""The payments recorded by their own transaction number (billing's ReferenceMethod, BIL-16);
cash is booked from its numbered receipt, bank collection from the bank."""
PAYMENT_METHODS = ("cash", "bank_collection", *REFERENCE_METHODS)
"""How a resident pays (billing's PaymentMethod, BIL-05, BIL-16)."""
FORMS = ("pricing", "agreed", "receipt", "payment")
"""The charge page's forms, each named as the page's ``failed`` and ``done``."""
DONE = (*FORMS, "still_waiting")
"""What the page says after a form: ``still_waiting`` when pricing again found problems yet."""


def items_of(charge: Mapping[str, Any], names: Mapping[str, str] | None = None) -> list[str]:
    """What the charge is for: its priced lines by name, else the items delivered by their
    price-list name when ``names`` has it (by code otherwise), each with its quantity."""
    if charge.get("lines"):
        return [f"{line['item_name']} × {line['quantity']}" for line in charge["lines"]]
    known = names or {}
    return [
        f"{known.get(d['item_code'], d['item_code'])} × {d['quantity']}"
        for d in charge.get("delivered", [])
    ]


def shown_charge(request: Request, charge: dict[str, Any]) -> dict[str, Any]:
    """The charge with its moments in the site's time (the console's zone) and its items."""
    charge["created_local"] = local(request, charge.get("created_at"))
    charge["raised_local"] = local(request, charge.get("raised_at"))
    charge["items_text"] = items_of(charge)
    payment = charge.get("payment")
    # how it was paid once paid (billing keeps the work order's method beside the payment's)
    charge["method"] = payment["method"] if payment else charge.get("payment_method")
    if payment:
        payment["paid_local"] = local(request, payment.get("paid_at"))
        payment["booked_local"] = local(request, payment.get("booked_at"))
    return charge


def shown_receipt(request: Request, receipt: dict[str, Any]) -> dict[str, Any]:
    for moment in ("issued_at", "booked_at", "voided_at"):
        receipt[moment.replace("_at", "_local")] = local(request, receipt.get(moment))
    return receipt


async def site_zone(request: Request, current: Session, site_id: str) -> ZoneInfo:
    """The site's time zone as intake keeps it; the console's when intake does not say."""
    fallback = settings_of(request).time_zone
    if not site_id:
        return zone_of(None, fallback)
    try:
        site = await current.api.site(site_id)
    except ApiProblem as refused:
        signed_in(refused)
        return zone_of(None, fallback)
    return zone_of(site.get("time_zone"), fallback)


async def site_today(request: Request, current: Session, site_id: str, *, days_on: int = 0) -> str:
    """Today in the site's time (YYYY-MM-DD), or ``days_on`` days after it."""
    zone = await site_zone(request, current, site_id)
    return (datetime.now(UTC).astimezone(zone).date() + timedelta(days=days_on)).isoformat()


# -- the list ------------------------------------------------------------------------------------
@router.get("/charges", response_class=HTMLResponse)
async def charges(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    status: str = "",
    offset: int = 0,
) -> Response:
    only(current, ACCOUNT_READERS)
    tab = status if status in TABS else "needs_pricing"
    site_id = site_id.strip()
    sites, problem = await sites_or_problem(current)
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    if site_id:
        params["site_id"] = site_id
    if tab != "all":
        params["status"] = tab
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    try:
        page = await current.api.charges(params)
    except ApiProblem as refused:
        problem = signed_in(refused)
    for charge in page["items"]:
        shown_charge(request, charge)
    return render(
        request,
        "charges.html",
        {
            "sites": sites,
            "site_id": site_id,
            "tab": tab,
            "tabs": TABS,
            "page": page,
            "problem": problem,
            "list_path": "/charges",
            "query": urlencode({"site_id": site_id, "status": tab}),
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


# -- one charge ----------------------------------------------------------------------------------
async def _names(current: Session, site_id: str) -> dict[str, str]:
    """The site's price-list names by item code, for items not priced yet; none when billing
    keeps no list for the site."""
    try:
        listed = await current.api.billing_price_list(site_id)
    except ApiProblem as refused:
        signed_in(refused)
        return {}
    return {item["item_code"]: item["name"] for item in listed}


async def _receipts_for(
    request: Request, current: Session, charge_id: str
) -> tuple[list[dict[str, Any]], ApiProblem | None]:
    """The receipts drawn for the charge, newest number first: the one out, booked, voided."""
    try:
        page = await current.api.receipts({"charge_id": charge_id, "limit": 50})
    except ApiProblem as refused:
        return [], signed_in(refused)
    return [shown_receipt(request, r) for r in page["items"]], None


def agreed_rows(charge: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """A row of the agreed-prices form per item delivered: its name when the list has one, the
    unit price the technician recorded as agreed (what billing keeps if left empty)."""
    return [
        {
            "item_code": d["item_code"],
            "quantity": d["quantity"],
            "name": names.get(d["item_code"], ""),
            "listed": d["item_code"] in names,
            "agreed_unit_price": d.get("agreed_unit_price") or "",
        }
        for d in charge.get("delivered", [])
    ]


async def _charge_page(
    request: Request,
    current: Session,
    charge_id: str,
    *,
    failed: str = "",
    values: Mapping[str, str] | None = None,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        charge = shown_charge(request, await current.api.charge(charge_id))
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    receipts, receipts_problem = await _receipts_for(request, current, charge_id)
    live = next((r for r in receipts if r["status"] == "issued"), None)
    waiting = charge["status"] == "needs_pricing"
    names = await _names(current, charge["site_id"]) if waiting else {}
    charge["items_text"] = items_of(charge, names)
    desk = may(current, FINANCE_DESK)
    fresh = str(uuid.uuid4())
    keys = {form: f"{fresh}-{form}" for form in FORMS}
    values = dict(values or {})
    if failed in keys and values.get("key"):
        keys[failed] = values["key"]
    done = request.query_params.get("done", "")
    return render(
        request,
        "charge.html",
        {
            "charge": charge,
            "receipts": receipts,
            "receipts_problem": receipts_problem,
            "live_receipt": live,
            "agreed_rows": agreed_rows(charge, names) if waiting else [],
            "may_price": desk and waiting,
            "may_collect": desk and charge["status"] == "raised" and live is None,
            "may_book": desk,
            "may_read_request": may(current, REQUEST_READERS),
            "payment_methods": PAYMENT_METHODS,
            "reference_methods": REFERENCE_METHODS,
            "failed": failed,
            "values": values,
            "errors": by_field(problem),
            "problem": problem,
            "keys": keys,
            "done": done if done in DONE else "",
            "receipt_no": request.query_params.get("receipt_no", ""),
            "issued_to": request.query_params.get("issued_to", ""),
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/charges/{charge_id:uuid}", response_class=HTMLResponse)
async def charge_page(request: Request, charge_id: uuid.UUID, current: CurrentSession) -> Response:
    only(current, ACCOUNT_READERS)
    return await _charge_page(request, current, str(charge_id))


async def typed_form(
    request: Request, current: Session, roles: frozenset[Role] = FINANCE_DESK
) -> dict[str, str]:
    """The form as typed, from finance (or ``roles``; 403 for anyone else), once its CSRF token
    is this browser's."""
    only(current, roles)
    form_data = await request.form()
    form = {name: str(value) for name, value in form_data.items()}
    check_csrf(request, form.get("csrf"))
    return form


async def _on_charge(
    request: Request,
    current: Session,
    charge_id: str,
    form_name: str,
    form: Mapping[str, str],
    call: Callable[[str], Awaitable[dict[str, Any]]],
    done: Callable[[dict[str, Any]], dict[str, str]],
    shown: Callable[[ApiProblem], ApiProblem] = lambda problem: problem,
) -> Response:
    """Send one of the charge's forms (``call`` with its Idempotency-Key); back to the charge
    saying what ``done`` makes of billing's answer, or billing's refusal beside the form, as
    typed."""
    key = form.get("key") or str(uuid.uuid4())
    values = {name: value for name, value in form.items() if name != "csrf"}
    try:
        answer = await call(key)
    except ApiProblem as refused:
        signed_in(refused)
        kept = {**values, "key": key_after(refused, key)}
        return await _charge_page(
            request, current, charge_id, failed=form_name, values=kept, problem=shown(refused)
        )
    return redirect(f"/charges/{charge_id}?{urlencode(done(answer))}")


def agreed_body(form: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Billing's AgreedPricesIn from the form: a line per item given a unit price (as typed:
    billing says what is wrong with it; an item left empty keeps the price the technician
    recorded), the payment method and note only if given; with the form's row of each line
    sent, to show billing's refusal of ``lines.0`` beside the row it came from."""
    lines = []
    rows = []
    for name, code in form.items():
        if not (name.startswith("lines.") and name.endswith(".item_code")):
            continue
        row = name.removesuffix(".item_code")
        price = form.get(f"{row}.unit_price", "").strip()
        if not price:
            continue
        line: dict[str, Any] = {"item_code": code, "unit_price": price}
        for extra in ("item_name", "unit"):
            typed = form.get(f"{row}.{extra}", "").strip()
            if typed:
                line[extra] = typed
        lines.append(line)
        rows.append(row.removeprefix("lines."))
    body: dict[str, Any] = {"lines": lines}
    if form.get("payment_method"):
        body["payment_method"] = form["payment_method"]
    if form.get("note", "").strip():
        body["note"] = form["note"].strip()
    return body, rows


def on_form_rows(problem: ApiProblem, rows: list[str], prefix: str = "lines") -> ApiProblem:
    """Billing's refusal with each ``lines.<n>`` (``<prefix>.<n>``) it names renamed to the
    form's row it was sent from (rows left empty are not sent, so the two count differently)."""

    def renamed(name: str) -> str:
        found = re.fullmatch(rf"{prefix}[.\[](\d+)\]?(.*)", name)
        if found is None or int(found[1]) >= len(rows):
            return name
        return f"{prefix}.{rows[int(found[1])]}{found[2]}"

    errors = [
        {**error, "field": renamed(str(error["field"]))} if error.get("field") else error
        for error in problem.errors
    ]
    return ApiProblem(problem.status, problem.detail, errors)


def paid_at(typed: str, zone: ZoneInfo) -> str | None:
    """A ``datetime-local`` typed in the site's time as an ISO moment; None when empty (billing
    takes now), as typed when it is no moment (billing names what is wrong)."""
    typed = typed.strip()
    if not typed:
        return None
    try:
        wall = datetime.fromisoformat(typed)
    except ValueError:
        return typed
    return (wall if wall.tzinfo else wall.replace(tzinfo=zone)).isoformat()


def payment_body(form: Mapping[str, str], zone: ZoneInfo) -> dict[str, Any]:
    """Billing's PaymentIn: method, reference and amount as typed, when paid if given."""
    body: dict[str, Any] = {
        "method": form.get("method", ""),
        "reference": form.get("reference", "").strip(),
        "amount": form.get("amount", "").strip(),
    }
    when = paid_at(form.get("paid_at", ""), zone)
    if when:
        body["paid_at"] = when
    return body


@router.post("/charges/{charge_id:uuid}/pricing", response_class=HTMLResponse)
async def price_again(request: Request, charge_id: uuid.UUID, current: CurrentSession) -> Response:
    """Price the waiting charge again from the site's list (after it was corrected): raised, or
    still waiting with the problems billing found."""
    form = await typed_form(request, current)
    found = str(charge_id)

    async def call(key: str) -> dict[str, Any]:
        return await current.api.price_charge_again(found, key)

    def done(charge: dict[str, Any]) -> dict[str, str]:
        return {"done": "pricing" if charge.get("status") == "raised" else "still_waiting"}

    return await _on_charge(request, current, found, "pricing", form, call, done)


@router.post("/charges/{charge_id:uuid}/agreed-prices", response_class=HTMLResponse)
async def confirm_agreed(
    request: Request, charge_id: uuid.UUID, current: CurrentSession
) -> Response:
    """Finance confirms the unit prices agreed with the resident before the work, from the signed
    service record; billing raises the charge."""
    form = await typed_form(request, current)
    found = str(charge_id)
    body, rows = agreed_body(form)

    async def call(key: str) -> dict[str, Any]:
        return await current.api.confirm_agreed_prices(found, body, key)

    return await _on_charge(
        request,
        current,
        found,
        "agreed",
        form,
        call,
        lambda _: {"done": "agreed"},
        lambda refused: on_form_rows(refused, rows),
    )


@router.post("/charges/{charge_id:uuid}/receipts", response_class=HTMLResponse)
async def issue_receipt(
    request: Request, charge_id: uuid.UUID, current: CurrentSession
) -> Response:
    """BIL-11: the site's next numbered receipt, for the technician who collects the cash (the
    one who did the work unless another is typed); the page then names the receipt."""
    form = await typed_form(request, current)
    found = str(charge_id)
    technician_id = form.get("technician_id", "").strip() or None

    async def call(key: str) -> dict[str, Any]:
        return await current.api.issue_receipt(found, technician_id, key)

    def done(receipt: dict[str, Any]) -> dict[str, str]:
        return {
            "done": "receipt",
            "receipt_no": str(receipt.get("receipt_no", "")),
            "issued_to": str(receipt.get("issued_to", "")),
        }

    return await _on_charge(request, current, found, "receipt", form, call, done)


@router.post("/charges/{charge_id:uuid}/payments", response_class=HTMLResponse)
async def record_payment(
    request: Request, charge_id: uuid.UUID, current: CurrentSession
) -> Response:
    """BIL-16: the charge paid by bank transfer, WeChat Pay or Alipay, with its transaction
    number and the amount paid (the charge's total: billing refuses another)."""
    form = await typed_form(request, current)
    found = str(charge_id)
    site_id = form.get("site_id", "").strip()
    body = payment_body(form, await site_zone(request, current, site_id))

    async def call(key: str) -> dict[str, Any]:
        return await current.api.record_payment(found, body, key)

    return await _on_charge(
        request, current, found, "payment", form, call, lambda _: {"done": "payment"}
    )
