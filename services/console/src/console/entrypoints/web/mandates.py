"""Residents' direct-debit mandates (委托收款协议) over billing's mandate routes (FEE-02, BIL-05).

``/mandates?site_id=&building=&room=&status=`` lists the mandates of the user's sites, a page at
a time, all of them or those active or revoked, narrowed to a unit by its building and room: the
mandate's id, the unit, the account holder, the account and bank, the day it was signed and its
state (revoked: on which day and why). Finance (and the platform's admin, as billing's
record_mandate allows) records a signed mandate from the paper form beside the list; billing
checks the account (an IBAN by its check digits, or a domestic account or card number) and the
bank (a BIC or the 12-digit CNAPS code) and refuses an id recorded with other details (409): each
refusal is shown beside the form, as typed. ``/mandates/{id}`` shows one mandate; while it is
active, finance revokes it on a day and for a reason (it collects nothing after and stays on
record). The accounts' readers see the list and the mandates without the forms.
"""

from __future__ import annotations

import re
import uuid
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
from console.entrypoints.web.charges import site_today, typed_form
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

STATUSES = ("active", "revoked")
"""A mandate's states (billing's MandateStatus)."""
TABS = ("all", *STATUSES)
PAGE = 50
MANDATE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]{0,34}")
"""A mandate's id as the bank file carries it (billing's MANDATE_ID) less the ``/`` it also
allows: billing's routes take the id as one path segment, where a ``/`` cannot travel."""
FIELDS = ("mandate_id", "site_id", "building", "room", "holder", "account", "bank", "signed_on")
"""The record form's fields, where a refusal naming one is shown."""
DONE = ("recorded", "revoked")
MandateId = Annotated[str, Path(min_length=1, max_length=35)]


def mandate_path(mandate_id: str) -> str:
    return f"/mandates/{quote(mandate_id, safe='')}"


def shown_mandate(request: Request, mandate: dict[str, Any]) -> dict[str, Any]:
    mandate["recorded_local"] = local(request, mandate.get("recorded_at"))
    return mandate


def mandate_body(values: dict[str, str]) -> dict[str, str]:
    """Billing's MandateIn, as typed (billing says what is wrong with any of it)."""
    return {name: values[name] for name in FIELDS if name != "mandate_id"}


def refused_before_billing(request: Request, values: dict[str, str]) -> ApiProblem | None:
    """An id billing's route cannot be asked with (none, or one with a ``/`` or a space): refused
    here, beside the field."""
    if MANDATE_ID.fullmatch(values["mandate_id"]):
        return None
    message = said(request, "mandate_id_invalid")
    return ApiProblem(422, message, [{"field": "mandate_id", "message": message}])


async def _mandates_page(
    request: Request,
    current: Session,
    *,
    site_id: str = "",
    building: str = "",
    room: str = "",
    tab: str = "all",
    offset: int = 0,
    values: dict[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, load_problem = await sites_or_problem(current)
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    filters = {"site_id": site_id, "building": building, "room": room}
    params |= {name: value for name, value in filters.items() if value}
    if tab != "all":
        params["status"] = tab
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    try:
        page = await current.api.mandates(params)
    except ApiProblem as refused:
        load_problem = signed_in(refused)
    for mandate in page["items"]:
        shown_mandate(request, mandate)
    if values is None:
        default_site = site_id or (sites[0]["site_id"] if sites else "")
        values = dict.fromkeys(FIELDS, "") | {
            "site_id": default_site,
            "building": building,
            "room": room,
        }
    failed = problem or load_problem
    done = request.query_params.get("done", "")
    return render(
        request,
        "mandates.html",
        {
            "sites": sites,
            **filters,
            "tab": tab,
            "tabs": TABS,
            "page": page,
            "load_problem": load_problem,
            "desk": may(current, FINANCE_DESK),
            "values": values,
            "key": key or str(uuid.uuid4()),
            "problem": problem,
            "errors": by_field(problem),
            "done": done if done in DONE else "",
            "list_path": "/mandates",
            "query": urlencode({k: v for k, v in {**filters, "status": tab}.items() if v}),
        },
        current=current,
        status_code=min(failed.status, 503) if failed else 200,
    )


@router.get("/mandates", response_class=HTMLResponse)
async def mandates(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    building: str = "",
    room: str = "",
    status: str = "",
    offset: int = 0,
) -> Response:
    only(current, ACCOUNT_READERS)
    return await _mandates_page(
        request,
        current,
        site_id=site_id.strip(),
        building=building.strip(),
        room=room.strip(),
        tab=status if status in TABS else "all",
        offset=offset,
    )


@router.post("/mandates", response_class=HTMLResponse)
async def record_mandate(request: Request, current: CurrentSession) -> Response:
    """A signed mandate recorded from the paper form; on to its page, or billing's refusal beside
    the form as typed, over the unit's mandates."""
    form = await typed_form(request, current)
    values = {name: form.get(name, "").strip() for name in FIELDS}
    key = form.get("key") or str(uuid.uuid4())
    problem = refused_before_billing(request, values)
    if problem is None:
        try:
            await current.api.record_mandate(values["mandate_id"], mandate_body(values), key)
        except ApiProblem as refused:
            problem = signed_in(refused)
    if problem is not None:
        return await _mandates_page(
            request,
            current,
            site_id=values["site_id"],
            building=values["building"],
            room=values["room"],
            values=values,
            key=key_after(problem, key),
            problem=problem,
        )
    return redirect(f"{mandate_path(values['mandate_id'])}?done=recorded")


async def _mandate_page(
    request: Request,
    current: Session,
    mandate_id: str,
    *,
    values: dict[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        mandate = shown_mandate(request, await current.api.mandate(mandate_id))
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    may_revoke = may(current, FINANCE_DESK) and mandate["status"] == "active"
    if values is None:
        today = await site_today(request, current, mandate["site_id"]) if may_revoke else ""
        values = {"revoked_on": today, "reason": ""}
    done = request.query_params.get("done", "")
    return render(
        request,
        "mandate.html",
        {
            "mandate": mandate,
            "may_revoke": may_revoke,
            "values": values,
            "key": key or str(uuid.uuid4()),
            "problem": problem,
            "errors": by_field(problem),
            "done": done if done in DONE else "",
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


@router.get("/mandates/{mandate_id}", response_class=HTMLResponse)
async def mandate_page(
    request: Request, mandate_id: MandateId, current: CurrentSession
) -> Response:
    only(current, ACCOUNT_READERS)
    return await _mandate_page(request, current, mandate_id)


@router.post("/mandates/{mandate_id}/revocation", response_class=HTMLResponse)
async def revoke_mandate(
    request: Request, mandate_id: MandateId, current: CurrentSession
) -> Response:
    """The mandate ends on the day given, for the reason given: it collects nothing after and
    stays on record. Billing refuses one revoked already on another day or for another reason
    (409), shown beside the form."""
    form = await typed_form(request, current)
    values = {"revoked_on": form.get("revoked_on", "").strip(), "reason": form.get("reason", "")}
    values["reason"] = values["reason"].strip()
    key = form.get("key") or str(uuid.uuid4())
    try:
        await current.api.revoke_mandate(mandate_id, values["revoked_on"], values["reason"], key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _mandate_page(
            request,
            current,
            mandate_id,
            values=values,
            key=key_after(refused, key),
            problem=refused,
        )
    return redirect(f"{mandate_path(mandate_id)}?done=revoked")
