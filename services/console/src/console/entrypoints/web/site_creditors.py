"""A site's collecting account (托收账户) over billing's site-creditor routes (FEE-02, BIL-05).

``/site-creditors?site_id=`` shows the account the site's company collects into, as its bank
registered it: the company's name, the account, the bank and the creditor id the bank gave for
direct debits; no collection batch can be gathered for a site until it is recorded. Finance, the
site's manager and the platform's admin (billing's record_site_creditor) record it or change it;
billing checks the account and bank as a bank file needs them and its refusal is shown beside the
form, as typed. The accounts' readers see it without the form.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ACCOUNT_KEEPERS,
    ACCOUNT_READERS,
    Session,
    by_field,
    key_after,
    language_of,
    local,
    may,
    only,
    redirect,
    render,
    session,
    signed_in,
)
from console.entrypoints.web.charges import typed_form
from console.entrypoints.web.requests import sites_or_problem
from console.i18n import TEXT, pick

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

FIELDS = ("name", "account", "bank", "scheme_id")
"""The form's fields (billing's CreditorIn), where a refusal naming one is shown."""


def creditor_body(values: dict[str, str]) -> dict[str, Any]:
    """Billing's CreditorIn as typed; the creditor id only when given (billing keeps none)."""
    body: dict[str, Any] = {name: values[name] for name in ("name", "account", "bank")}
    if values["scheme_id"]:
        body["scheme_id"] = values["scheme_id"]
    return body


async def _creditor_page(
    request: Request,
    current: Session,
    site_id: str,
    *,
    values: dict[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, load_problem = await sites_or_problem(current)
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    creditor: dict[str, Any] | None = None
    if site_id:
        try:
            creditor = await current.api.site_creditor(site_id)
        except ApiProblem as refused:
            if refused.status != 404:  # 404: none recorded yet, which the page says
                load_problem = signed_in(refused)
    if creditor is not None:
        creditor["recorded_local"] = local(request, creditor.get("recorded_at"))
    if values is None:
        values = {name: str((creditor or {}).get(name) or "") for name in FIELDS}
    failed = problem or load_problem
    return render(
        request,
        "site_creditor.html",
        {
            "sites": sites,
            "site_id": site_id,
            "creditor": creditor,
            "load_problem": load_problem,
            "keeper": may(current, ACCOUNT_KEEPERS),
            "values": values,
            "key": key or str(uuid.uuid4()),
            "problem": problem,
            "errors": by_field(problem),
            "done": request.query_params.get("done") == "saved",
        },
        current=current,
        status_code=min(failed.status, 503) if failed else 200,
    )


@router.get("/site-creditors", response_class=HTMLResponse)
async def site_creditor(request: Request, current: CurrentSession, site_id: str = "") -> Response:
    only(current, ACCOUNT_READERS)
    return await _creditor_page(request, current, site_id.strip())


@router.post("/site-creditors", response_class=HTMLResponse)
async def record_site_creditor(request: Request, current: CurrentSession) -> Response:
    """Record the site's collecting account or change it; back to it saying so, or billing's
    refusal beside the form as typed."""
    form = await typed_form(request, current, ACCOUNT_KEEPERS)
    site_id = form.get("site_id", "").strip()
    values = {name: form.get(name, "").strip() for name in FIELDS}
    key = form.get("key") or str(uuid.uuid4())
    problem = None if site_id else ApiProblem(422, pick(language_of(request), TEXT["site_needed"]))
    if problem is None:
        try:
            await current.api.record_site_creditor(site_id, creditor_body(values), key)
        except ApiProblem as refused:
            problem = signed_in(refused)
    if problem is not None:
        return await _creditor_page(
            request, current, site_id, values=values, key=key_after(problem, key), problem=problem
        )
    return redirect(f"/site-creditors?{urlencode({'site_id': site_id, 'done': 'saved'})}")
