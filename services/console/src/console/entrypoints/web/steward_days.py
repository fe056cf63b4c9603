"""A steward's day at a site (SRV-07): two detailed patrols of their buildings (巡查, morning and
afternoon) and the day's work diary (工作日志), over callback's API.

``/steward-days`` opens the signed-in steward's today at their first site; a day's page
``/steward-days/{site_id}/{day}`` has the day before and after a click away. A patrol is recorded
at its time on the day in the site's time, with what was found; the diary is written, or
corrected, in full. The page shows the steward's patrols and diary of the day as callback keeps
them (after a write, as callback answered it; a reload sends the same write again under its
Idempotency-Key, which callback answers as before), and the steward's month (days with both
patrols, days with a diary, visits) from the site's month summary, as the director reads it.
Callback's refusals (a time ahead of now or not on the day, a diary ahead of the day) are shown
beside the form, as typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    STEWARDS,
    Session,
    by_field,
    key_after,
    only,
    redirect,
    refused_page,
    render,
    session,
    signed_in,
)
from console.entrypoints.web.callbacks import at_site
from console.entrypoints.web.cash_days import days_around, is_day
from console.entrypoints.web.charges import site_today, site_zone, typed_form
from console.entrypoints.web.month_close import form_keys, site_month
from console.entrypoints.web.requests import sites_or_problem
from console.entrypoints.web.resident_visits import MAX_TEXT, day_page

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

PATROLS_A_DAY = 2
"""Detailed patrols of the steward's buildings a day (callback's PATROLS_A_DAY, SRV-07)."""
FORMS = ("patrol", "diary")
"""The page's forms, each named as the page's ``failed``."""
DONE = ("patrol", "patrol_already", "diary")
Write = Callable[[str], Awaitable[tuple[dict[str, Any], str]]]
"""A form's write to callback under its Idempotency-Key: the day answered and what was done."""


def shown_day(recorded: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """Callback's StewardDayOut with each patrol's time in the site's time."""
    for patrol in recorded.get("patrols") or []:
        patrol["at_local"] = at_site(patrol.get("at"), zone)
    return recorded


async def _my_month(
    current: Session, site_id: str, month: str
) -> tuple[dict[str, Any] | None, ApiProblem | None]:
    """The signed-in steward's row of the site's month summary (none before their first day)."""
    try:
        summary = await current.api.visits_summary(site_id, month)
    except ApiProblem as refused:
        return None, signed_in(refused)
    mine = [s for s in summary.get("stewards") or [] if s.get("steward") == current.principal.who]
    return (mine[0] if mine else None), None


async def _my_day(
    current: Session, site_id: str, day: str
) -> tuple[dict[str, Any] | None, ApiProblem | None]:
    """The signed-in steward's patrols and diary of the day as callback keeps them (none before
    their first write of the day)."""
    try:
        days = await current.api.steward_days(site_id, day)
    except ApiProblem as refused:
        return None, None if refused.status == 404 else signed_in(refused)
    mine = [d for d in days.get("stewards") or [] if d.get("steward") == current.principal.who]
    return (mine[0] if mine else None), None


async def _day_page(
    request: Request,
    current: Session,
    site_id: str,
    day: str,
    *,
    recorded: dict[str, Any] | None = None,
    done: str = "",
    failed: str = "",
    values: Mapping[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    if not is_day(day):
        return refused_page(
            request, current, ApiProblem(422, f"day {day!r} is not a date YYYY-MM-DD")
        )
    zone = await site_zone(request, current, site_id)
    month, load_problem = await _my_month(current, site_id, day[:7])
    if recorded is None:
        recorded, day_problem = await _my_day(current, site_id, day)
        load_problem = load_problem or day_problem
    previous_day, next_day = days_around(day)
    if recorded is not None:
        shown_day(recorded, zone)
    now = datetime.now(UTC).astimezone(zone)
    failed_problem = problem or load_problem
    return render(
        request,
        "steward_day.html",
        {
            "site_id": site_id,
            "day": day,
            "page_path": day_page(site_id, day),
            "previous_day": day_page(site_id, previous_day),
            "next_day": day_page(site_id, next_day),
            "visits_href": f"/resident-visits?{site_month(site_id, day[:7])}",
            "recorded": recorded,
            "my_month": month,
            "patrols_a_day": PATROLS_A_DAY,
            "max_text": MAX_TEXT,
            "failed": failed,
            "values": dict(values or {}),
            "now_time": now.strftime("%H:%M") if now.date().isoformat() == day else "",
            "keys": form_keys(FORMS, failed, key),
            "problem": problem,
            "load_problem": load_problem,
            "errors": by_field(problem),
            "done": done,
        },
        current=current,
        status_code=min(failed_problem.status, 503) if failed_problem else 200,
    )


@router.get("/steward-days", response_class=HTMLResponse)
async def my_today(request: Request, current: CurrentSession, site_id: str = "") -> Response:
    """The signed-in steward's today at the site asked (their first site when none)."""
    only(current, STEWARDS)
    sites, problem = await sites_or_problem(current)
    site_id = site_id.strip() or (sites[0]["site_id"] if sites else "")
    if not site_id:
        return refused_page(request, current, problem or ApiProblem(404, "no site to work at"))
    return redirect(day_page(site_id, await site_today(request, current, site_id)))


@router.get("/steward-days/{site_id}/{day}", response_class=HTMLResponse)
async def steward_day(
    request: Request, current: CurrentSession, site_id: str, day: str
) -> Response:
    only(current, STEWARDS)
    return await _day_page(request, current, site_id, day)


def patrol_body(form: Mapping[str, str], day: str, zone: ZoneInfo) -> dict[str, Any]:
    """Callback's PatrolIn from the form: the time typed on the day in the site's time (as typed
    when it is no time: callback names what is wrong), the notes when some are typed."""
    typed = form.get("time", "").strip()
    try:
        moment = datetime.combine(date.fromisoformat(day), time.fromisoformat(typed), zone)
    except ValueError:
        at = typed
    else:
        at = moment.isoformat()
    body: dict[str, Any] = {"at": at}
    notes = form.get("notes", "").strip()
    if notes:
        body["notes"] = notes
    return body


async def _written(
    request: Request,
    current: Session,
    site_id: str,
    day: str,
    form_name: str,
    form: Mapping[str, str],
    write: Write,
) -> Response:
    """Send the form's write with its Idempotency-Key; the day as callback answered it, or
    callback's refusal beside the form, as typed."""
    key = form.get("key") or str(uuid.uuid4())
    try:
        recorded, done = await write(key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _day_page(
            request,
            current,
            site_id,
            day,
            failed=form_name,
            values={name: form.get(name, "") for name in ("time", "notes", "text")},
            key=key_after(refused, key),
            problem=refused,
        )
    return await _day_page(request, current, site_id, day, recorded=recorded, done=done)


@router.post("/steward-days/{site_id}/{day}/patrols", response_class=HTMLResponse)
async def record_patrol(
    request: Request, current: CurrentSession, site_id: str, day: str
) -> Response:
    """SRV-07: one of the day's patrols, at its time on the day (not ahead of now)."""
    form = await typed_form(request, current, STEWARDS)
    body = patrol_body(form, day, await site_zone(request, current, site_id))

    async def write(key: str) -> tuple[dict[str, Any], str]:
        recorded, added = await current.api.record_patrol(site_id, day, body, key)
        return recorded, "patrol" if added else "patrol_already"

    return await _written(request, current, site_id, day, "patrol", form, write)


@router.post("/steward-days/{site_id}/{day}/diary", response_class=HTMLResponse)
async def write_diary(
    request: Request, current: CurrentSession, site_id: str, day: str
) -> Response:
    """SRV-07: the day's work diary, written or corrected in full (not ahead of the day)."""
    form = await typed_form(request, current, STEWARDS)
    body = {"text": form.get("text", "").strip()}

    async def write(key: str) -> tuple[dict[str, Any], str]:
        return await current.api.write_diary(site_id, day, body, key), "diary"

    return await _written(request, current, site_id, day, "diary", form, write)
