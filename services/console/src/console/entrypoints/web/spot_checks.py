"""The managers' spot checks of callbacks (回访抽查, CB-06) over callback's API.

``/spot-checks?month=`` opens on this month, last month a click away: each of the user's sites
with callbacks or spot checks that month, how many callbacks are drawn, how many checked, and how
many checks it is short of the month's 3 (in red). A site's ``/spot-checks/{site_id}/{month}``
lists the callbacks drawn, each opening its call (``/callbacks/{id}``) and showing the resident,
the request and the outcome as callback recorded it, then its check: confirmed, or what differs,
by whom and when. The service-centre head or the site's manager draws the callbacks to check
(callback draws them by the month's seed from the made ones, so nobody picks the easy ones: 3 by
default, up to 20; only as many as were made) and records each check; callback wants a note when
the resident does not confirm the record. Callback's refusals are shown beside the form, as
typed.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    SPOT_CHECK_READERS,
    SPOT_CHECKERS,
    Session,
    by_field,
    done_of,
    key_after,
    may,
    only,
    redirect,
    refused_page,
    render,
    session,
    settings_of,
    signed_in,
)
from console.entrypoints.web.callback_kpis import month_before
from console.entrypoints.web.callbacks import at_site, label
from console.entrypoints.web.charges import site_zone, typed_form
from console.entrypoints.web.month_close import MONTH, form_keys
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

SPOT_CHECKS = 3
"""Spot checks a month per site at least (callback's SPOT_CHECKS, CB-06)."""
MAX_DRAWN = 20
MAX_NOTE = 500
"""What callback takes at most: callbacks drawn in a month, a check's note."""
DONE = ("drawn", "drawn_fewer", "drawn_already", "checked")


def _this_month(request: Request) -> str:
    """This month in the console's time: the list spans the user's sites."""
    zone = ZoneInfo(settings_of(request).time_zone)
    return datetime.now(UTC).astimezone(zone).strftime("%Y-%m")


def site_page(site_id: str, month: str) -> str:
    return f"/spot-checks/{quote(site_id, safe='')}/{quote(month, safe='')}"


# -- who is short -------------------------------------------------------------------------------
@router.get("/spot-checks", response_class=HTMLResponse)
async def spot_checks(request: Request, current: CurrentSession, month: str = "") -> Response:
    only(current, SPOT_CHECK_READERS)
    month = month.strip()
    this_month = _this_month(request)
    sites, problem = await sites_or_problem(current)
    if month and not MONTH.fullmatch(month):
        problem = ApiProblem(422, f"month {month!r} is not a month YYYY-MM")
        month = ""
    month = month or this_month
    names = {site["site_id"]: site["name"] for site in sites}
    listed: list[dict[str, Any]] = []
    try:
        found = await current.api.spot_checks(month)
    except ApiProblem as refused:
        problem = signed_in(refused)
    else:
        listed = list(found.get("sites") or [])
    for row in listed:
        row["name"] = names.get(row["site_id"], row["site_id"])
        row["href"] = site_page(row["site_id"], month)
    return render(
        request,
        "spot_checks.html",
        {
            "month": month,
            "this_month": this_month,
            "last_month": month_before(this_month),
            "listed": listed,
            "spot_checks": SPOT_CHECKS,
            "problem": problem,
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


# -- one site's month ---------------------------------------------------------------------------
async def _drawn_callback(
    request: Request, current: Session, callback_id: str, zone: ZoneInfo
) -> tuple[dict[str, Any] | None, ApiProblem | None]:
    """The drawn callback as callback keeps it (resident, request, outcome), or its refusal."""
    try:
        callback = await current.api.callback(callback_id)
    except ApiProblem as refused:
        return None, signed_in(refused)
    outcome = callback.get("outcome")
    if outcome:
        outcome["made_local"] = at_site(outcome.get("made_at"), zone)
        outcome["method_label"] = label(request, "callback_method_", outcome.get("method"))
    callback["reason_label"] = label(request, "callback_reason_", callback.get("reason"))
    return callback, None


def check_form(callback_id: str) -> str:
    return f"check-{callback_id}"


async def _site_page(
    request: Request,
    current: Session,
    site_id: str,
    month: str,
    *,
    failed: str = "",
    values: Mapping[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        spot = await current.api.site_spot_checks(site_id, month)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    zone = await site_zone(request, current, site_id)
    drawn: list[dict[str, Any]] = list(spot.get("drawn") or [])
    looked_up = await asyncio.gather(
        *(_drawn_callback(request, current, str(d["callback_id"]), zone) for d in drawn)
    )
    for each, (callback, not_shown) in zip(drawn, looked_up, strict=True):
        each["callback"], each["problem"] = callback, not_shown
        each["form"] = check_form(str(each["callback_id"]))
        if each.get("check"):
            each["check"]["at_local"] = at_site(each["check"].get("at"), zone)
    checker = may(current, SPOT_CHECKERS)
    forms = ("draw", *(d["form"] for d in drawn if not d.get("check")))
    shown_forms = set(forms) if checker else set()
    return render(
        request,
        "spot_check.html",
        {
            "site_id": site_id,
            "month": month,
            "page_path": site_page(site_id, month),
            "spot": spot,
            "drawn": drawn,
            "spot_checks": SPOT_CHECKS,
            "max_drawn": MAX_DRAWN,
            "max_note": MAX_NOTE,
            "may_check": checker,
            "shown_forms": shown_forms,
            "failed": failed,
            "values": dict(values or {}),
            "keys": form_keys(forms, failed, key),
            "errors": by_field(problem),
            "problem": problem,
            "done": done_of(request, DONE),
            "list_href": f"/spot-checks?{urlencode({'month': month})}",
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


@router.get("/spot-checks/{site_id}/{month}", response_class=HTMLResponse)
async def site_spot_checks(
    request: Request, current: CurrentSession, site_id: str, month: str
) -> Response:
    only(current, SPOT_CHECK_READERS)
    return await _site_page(request, current, site_id, month)


def _typed(form: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in form.items() if name not in ("csrf", "key")}


def typed_count(typed: str) -> int | str:
    """The count as typed: a number when it is one (callback names what is wrong otherwise)."""
    typed = typed.strip()
    return int(typed) if typed.isdigit() else typed


@router.post("/spot-checks/{site_id}/{month}/draw", response_class=HTMLResponse)
async def draw(request: Request, current: CurrentSession, site_id: str, month: str) -> Response:
    """CB-06: draw the month's made callbacks until ``count`` are drawn (those drawn before
    stay); fewer when fewer were made, none while none was (callback's 409)."""
    form = await typed_form(request, current, SPOT_CHECKERS)
    key = form.get("key") or str(uuid.uuid4())
    count = typed_count(form.get("count", "") or str(SPOT_CHECKS))
    try:
        spot, added = await current.api.draw_spot_checks(site_id, month, count, key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _site_page(
            request,
            current,
            site_id,
            month,
            failed="draw",
            values=_typed(form),
            key=key_after(refused, key),
            problem=refused,
        )
    drawn = len(spot.get("drawn") or [])
    if isinstance(count, int) and drawn < count:
        done = "drawn_fewer"
    else:
        done = "drawn" if added else "drawn_already"
    return redirect(f"{site_page(site_id, month)}?done={done}#drawn")


def check_body(form: Mapping[str, str]) -> dict[str, Any]:
    """Callback's CheckIn from the form: confirmed only when chosen (callback names it missing
    otherwise), the note when one is typed (callback wants one when not confirmed)."""
    body: dict[str, Any] = {"callback_id": form.get("callback_id", "").strip()}
    if form.get("confirmed") in ("true", "false"):
        body["confirmed"] = form["confirmed"] == "true"
    note = form.get("note", "").strip()
    if note:
        body["note"] = note
    return body


@router.post("/spot-checks/{site_id}/{month}/checks", response_class=HTMLResponse)
async def record_check(
    request: Request, current: CurrentSession, site_id: str, month: str
) -> Response:
    """CB-06: a drawn callback checked with the resident: the record confirmed, or what
    differs."""
    form = await typed_form(request, current, SPOT_CHECKERS)
    key = form.get("key") or str(uuid.uuid4())
    body = check_body(form)
    try:
        await current.api.record_spot_check(site_id, month, body, key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _site_page(
            request,
            current,
            site_id,
            month,
            failed=check_form(body["callback_id"]),
            values=_typed(form),
            key=key_after(refused, key),
            problem=refused,
        )
    anchor = check_form(body["callback_id"])
    return redirect(f"{site_page(site_id, month)}?done=checked#{anchor}")
