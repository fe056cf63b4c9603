"""The receipt books (收费收据) over billing's receipt routes.

``/receipts?site_id=&status=`` lists the receipts of the user's sites, newest number first, a
page at a time, all of them or those out with a technician (issued), booked or void: the number
as printed, the charge it collects, the household, the amount, the technician it was issued to
and when. ``/receipts/{site_id}/{number}`` shows one receipt with the service and callback
record's serial it names (BIL-09); while it is out, finance books the cash the technician hands
in with the record (BIL-12, BIL-13: the amount counted, which billing refuses unless it is the
receipt's, naming both) or voids it with the reason (the number stays used: the book never has a
gap). Billing decides every rule; its refusal is shown beside the form, as typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ACCOUNT_READERS,
    FINANCE_DESK,
    Session,
    by_field,
    key_after,
    may,
    only,
    redirect,
    refused_page,
    render,
    session,
    signed_in,
)
from console.entrypoints.web.charges import shown_receipt, typed_form
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

STATUSES = ("issued", "booked", "void")
"""A receipt's states (billing's ReceiptStatus): out with a technician, booked, void."""
TABS = ("all", *STATUSES)
"""The book's tabs: every receipt by number (the default), then by state."""
PAGE = 50
FORMS = ("book", "void")
"""The receipt page's forms, each named as the page's ``failed``; done says ``booked`` or
``voided``."""
DONE = ("booked", "voided")
SiteId = Annotated[str, Path(min_length=1, max_length=40)]


def receipt_path(site_id: str, number: int) -> str:
    return f"/receipts/{quote(site_id, safe='')}/{number}"


@router.get("/receipts", response_class=HTMLResponse)
async def receipts(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    status: str = "",
    issued_to: str = "",
    offset: int = 0,
) -> Response:
    only(current, ACCOUNT_READERS)
    tab = status if status in TABS else "all"
    site_id, issued_to = site_id.strip(), issued_to.strip()
    sites, problem = await sites_or_problem(current)
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    if site_id:
        params["site_id"] = site_id
    if tab != "all":
        params["status"] = tab
    if issued_to:
        params["issued_to"] = issued_to
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    try:
        page = await current.api.receipts(params)
    except ApiProblem as refused:
        problem = signed_in(refused)
    for receipt in page["items"]:
        shown_receipt(request, receipt)
    filters = {"site_id": site_id, "status": tab, "issued_to": issued_to}
    return render(
        request,
        "receipts.html",
        {
            "sites": sites,
            "site_id": site_id,
            "issued_to": issued_to,
            "tab": tab,
            "tabs": TABS,
            "page": page,
            "problem": problem,
            "desk": may(current, FINANCE_DESK),
            "list_path": "/receipts",
            "query": urlencode({k: v for k, v in filters.items() if v}),
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


async def _receipt_page(
    request: Request,
    current: Session,
    site_id: str,
    number: int,
    *,
    failed: str = "",
    values: Mapping[str, str] | None = None,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        receipt = shown_receipt(request, await current.api.receipt(site_id, number))
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    fresh = str(uuid.uuid4())
    keys = {form: f"{fresh}-{form}" for form in FORMS}
    values = dict(values or {})
    if failed in keys and values.get("key"):
        keys[failed] = values["key"]
    done = request.query_params.get("done", "")
    return render(
        request,
        "receipt.html",
        {
            "receipt": receipt,
            "may_settle": may(current, FINANCE_DESK) and receipt["status"] == "issued",
            "failed": failed,
            "values": values,
            "errors": by_field(problem),
            "problem": problem,
            "keys": keys,
            "done": done if done in DONE else "",
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/receipts/{site_id}/{number:int}", response_class=HTMLResponse)
async def receipt_page(
    request: Request, site_id: SiteId, number: int, current: CurrentSession
) -> Response:
    only(current, ACCOUNT_READERS)
    return await _receipt_page(request, current, site_id, number)


async def _on_receipt(
    request: Request,
    current: Session,
    site_id: str,
    number: int,
    form_name: str,
    form: Mapping[str, str],
    call: Callable[[str], Awaitable[dict[str, Any]]],
    done: str,
) -> Response:
    """Send one of the receipt's forms; back to the receipt saying so, or billing's refusal
    beside the form, as typed."""
    key = form.get("key") or str(uuid.uuid4())
    values = {name: value for name, value in form.items() if name != "csrf"}
    try:
        await call(key)
    except ApiProblem as refused:
        signed_in(refused)
        kept = {**values, "key": key_after(refused, key)}
        return await _receipt_page(
            request, current, site_id, number, failed=form_name, values=kept, problem=refused
        )
    return redirect(f"{receipt_path(site_id, number)}?done={done}")


@router.post("/receipts/{site_id}/{number:int}/booking", response_class=HTMLResponse)
async def book_cash(
    request: Request, site_id: SiteId, number: int, current: CurrentSession
) -> Response:
    """BIL-12, BIL-13: the cash the technician handed in with the service record, booked at the
    amount counted (as typed: billing refuses an amount that is not the receipt's); the charge
    is paid."""
    form = await typed_form(request, current)
    amount = form.get("amount", "").strip()

    async def call(key: str) -> dict[str, Any]:
        return await current.api.book_cash(site_id, number, amount, key)

    return await _on_receipt(request, current, site_id, number, "book", form, call, "booked")


@router.post("/receipts/{site_id}/{number:int}/void", response_class=HTMLResponse)
async def void_receipt(
    request: Request, site_id: SiteId, number: int, current: CurrentSession
) -> Response:
    """A receipt out with a technician cancelled with the reason; its number stays used (the book
    has no gap) and the charge may be given a new one. Billing refuses a booked one (409)."""
    form = await typed_form(request, current)
    reason = form.get("reason", "").strip()

    async def call(key: str) -> dict[str, Any]:
        return await current.api.void_receipt(site_id, number, reason, key)

    return await _on_receipt(request, current, site_id, number, "void", form, call, "voided")
