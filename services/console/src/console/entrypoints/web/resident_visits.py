"""Stewards' visits to residents (入户走访, SRV-01, SRV-06) and the site's month of them for its
director, over callback's API.

``/resident-visits?site_id=&month=`` opens on the user's first site and this month in the site's
time, last month a click away. The month's summary is callback's: the households visited against
5% of the occupied units (a bar with a mark at the target, green when met, red when missed, "—"
while callback knows no occupied unit), the visits made, what the residents said in their words
(day, unit, steward), and each steward's days with both patrols, days with a diary and visits
(SRV-07). A steward records a visit there (the unit, the day, the residents' opinions verbatim)
and opens their day (``/steward-days``); the site's manager and oversight only read. Callback's
refusals are shown beside the form, as typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    STEWARDS,
    VISIT_READERS,
    Session,
    by_field,
    done_of,
    key_after,
    may,
    only,
    redirect,
    render,
    session,
    signed_in,
)
from console.entrypoints.web.callback_kpis import month_before, shown_share
from console.entrypoints.web.cash_days import is_day
from console.entrypoints.web.charges import site_today, typed_form
from console.entrypoints.web.month_close import chosen_site_month, form_keys, site_month

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

VISITED_SHARE = 0.05
"""Households visited a month at least (callback's VISITED_SHARE, SRV-01)."""
MAX_TEXT = 2000
MAX_PLACE = 20
"""What callback takes at most: the residents' opinions, a building or a room."""
VISIT_FIELDS = ("building", "room", "visited_on", "opinion")
"""The visit form's fields, each callback's VisitIn field of the same name (with site_id)."""
DONE = ("visit",)


def day_page(site_id: str, day: str) -> str:
    """A steward's day at a site (their patrols and diary)."""
    return f"/steward-days/{quote(site_id, safe='')}/{quote(day, safe='')}"


def shown_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """Callback's month summary with its share of households visited drawn against 5%."""
    summary["visited"] = shown_share(
        summary.get("share"), summary.get("target", VISITED_SHARE), summary.get("meets")
    )
    return summary


async def _visits_page(
    request: Request,
    current: Session,
    site_id: str,
    month: str,
    *,
    values: Mapping[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, site_id, month, this_month, load_problem = await chosen_site_month(
        request, current, site_id, month, this_month=True
    )
    summary: dict[str, Any] | None = None
    if site_id:
        try:
            summary = shown_summary(await current.api.visits_summary(site_id, month))
        except ApiProblem as refused:
            load_problem = signed_in(refused)
    steward = may(current, STEWARDS) and bool(site_id)
    today = await site_today(request, current, site_id) if steward else ""
    failed_problem = problem or load_problem
    return render(
        request,
        "resident_visits.html",
        {
            "sites": sites,
            "site_id": site_id,
            "month": month,
            "this_month": this_month,
            "last_month": month_before(this_month),
            "summary": summary,
            "may_record": steward,
            "today": today,
            "day_href": day_page(site_id, today) if steward else "",
            "max_text": MAX_TEXT,
            "max_place": MAX_PLACE,
            "failed": "visit" if problem else "",
            "values": dict(values or {"visited_on": today}),
            "keys": form_keys(("visit",), "visit" if problem else "", key),
            "problem": problem,
            "load_problem": load_problem,
            "errors": by_field(problem),
            "done": done_of(request, DONE),
            "query": site_month(site_id, month),
        },
        current=current,
        status_code=min(failed_problem.status, 503) if failed_problem else 200,
    )


@router.get("/resident-visits", response_class=HTMLResponse)
async def resident_visits(
    request: Request, current: CurrentSession, site_id: str = "", month: str = ""
) -> Response:
    only(current, VISIT_READERS)
    return await _visits_page(request, current, site_id.strip(), month.strip())


def visit_body(form: Mapping[str, str]) -> dict[str, str]:
    """Callback's VisitIn from the form, each field as typed (callback names what is wrong)."""
    return {name: form.get(name, "").strip() for name in ("site_id", *VISIT_FIELDS)}


@router.post("/resident-visits", response_class=HTMLResponse)
async def record_visit(request: Request, current: CurrentSession) -> Response:
    """SRV-06: a steward's visit to a household, the residents' opinions in their words; back to
    the visit's month, or callback's refusal beside the form, as typed."""
    form = await typed_form(request, current, STEWARDS)
    key = form.get("key") or str(uuid.uuid4())
    body = visit_body(form)
    month = form.get("month", "").strip()
    try:
        await current.api.record_visit(body, key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _visits_page(
            request,
            current,
            body["site_id"],
            month,
            values={name: form.get(name, "") for name in VISIT_FIELDS},
            key=key_after(refused, key),
            problem=refused,
        )
    visited = body["visited_on"]
    shown_month = visited[:7] if is_day(visited) else month
    query = site_month(body["site_id"], shown_month)
    return redirect(f"/resident-visits?{query}&done=visit#summary")
