"""Broadcasts to residents (群发通知, issue #13 "Screens"; NTF-07 notices, NTF-08 outages, NTF-09
greetings, NTF-11 questionnaires), over notification's API.

``/broadcasts`` lists the broadcasts of the user's sites, newest first, a page at a time, each with
its kind, audience, status and progress (sent, failed and suppressed of those queued). Beside it
the site's manager, the supervisor and the duty staff compose one: the site, its audience (the
whole site, one building, or units typed one a line as ``3-1202``), the kind, the SMS text and the
e-mail's subject and body (templates that may use ``{{ name }}``, ``{{ building }}``, ``{{ room }}``
and ``{{ site }}``) and, if not now, when to send it in the site's time. "Count the audience" asks
notification how many residents it would reach, by channel and building, before anything is sent.
Notification decides: its refusals (a template naming a field a broadcast lacks: ``sms_text``) are
shown beside the field, with what was typed kept; a form goes with this browser's CSRF token and
an Idempotency-Key, so a double click sends one broadcast.

``/broadcasts/{id}`` shows one broadcast with its progress, polled every two seconds while it is
being prepared or sent and still once it is done or cancelled; those who may cancel one not yet
sent; and once done, its report per building with each failure and its reason.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    BROADCAST_READERS,
    BROADCASTERS,
    Session,
    by_field,
    done_of,
    key_after,
    local,
    may,
    redirect,
    refused_page,
    render,
    require,
    session,
    settings_of,
    signed_in,
)
from console.entrypoints.web.charges import typed_form
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
PAGE = 20

KINDS = ("notice", "outage", "greeting", "questionnaire", "lift_maintenance", "fire_drill")
"""notification's BroadcastKind, each ``bc_kind_<kind>``."""
STATUSES = ("scheduled", "preparing", "sending", "done", "cancelled")
"""notification's BroadcastStatus, each ``bc_status_<status>``."""
SCOPES = ("site", "building", "units")
LIVE = ("preparing", "sending")
"""While a broadcast is in these, its page asks for its progress every two seconds."""
CANCELLABLE = ("scheduled", "preparing", "sending")
MAX_SMS = 1000
MAX_SUBJECT = 200
MAX_BODY = 20_000
MAX_UNITS = 5000
"""What notification takes at most: the form's bounds, notification decides."""
DONE = ("cancelled",)
SITE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
UNIT = re.compile(r"^\s*([^\s/\-]{1,20})\s*[-/]\s*([^\s/]{1,20})\s*$")
BROADCAST_ID = re.compile(r"^[0-9a-fA-F-]{36}$")


class NotAUnit(ValueError):
    """A line of the units that is not ``building-room``."""


def units_of(typed: str) -> list[tuple[str, str]]:
    """The units typed one a line as ``3-1202`` (or ``3/1202``), blank lines skipped, each once;
    ``NotAUnit`` naming the first line that is not."""
    units: list[tuple[str, str]] = []
    for line in typed.splitlines():
        if not line.strip():
            continue
        found = UNIT.match(line)
        if found is None:
            raise NotAUnit(line.strip())
        unit = (found.group(1), found.group(2))
        if unit not in units:
            units.append(unit)
    return units


def send_at_of(typed: str, zone: ZoneInfo) -> str | None:
    """The send time typed in the site's time (``2026-12-08T18:00``) with its offset, or None
    for now; ``ValueError`` when it is not a time."""
    if not typed.strip():
        return None
    return datetime.fromisoformat(typed.strip()).replace(tzinfo=zone).isoformat()


def audience_of(values: dict[str, str]) -> tuple[str | None, list[tuple[str, str]]]:
    """The building or the units the form names (neither: the whole site)."""
    if values["scope"] == "building":
        return values["building"].strip() or None, []
    if values["scope"] == "units":
        return None, units_of(values["units"])
    return None, []


def audience_label(broadcast: dict[str, Any]) -> dict[str, Any]:
    """Whom a broadcast went to: its scope and what the scope names."""
    units = broadcast.get("units") or []
    if units:
        shown = ", ".join(f"{u['building']}-{u['room']}" for u in units[:5])
        return {"scope": "units", "named": shown + (" …" if len(units) > 5 else "")}
    if broadcast.get("building"):
        return {"scope": "building", "named": broadcast["building"]}
    return {"scope": "site", "named": ""}


def shown(request: Request, broadcast: dict[str, Any]) -> dict[str, Any]:
    """The broadcast as the pages show it: its audience, its moments in the site's time."""
    return broadcast | {
        "audience": audience_label(broadcast),
        "send_local": local(request, broadcast.get("send_at")),
        "created_local": local(request, broadcast.get("created_at")),
        "finished_local": local(request, broadcast.get("finished_at")),
    }


def _typed(form: dict[str, str]) -> dict[str, str]:
    scope = form.get("scope", "")
    kind = form.get("kind", "")
    return {
        "site_id": form.get("site_id", ""),
        "scope": scope if scope in SCOPES else "site",
        "building": form.get("building", ""),
        "units": form.get("units", ""),
        "kind": kind if kind in KINDS else KINDS[0],
        "sms_text": form.get("sms_text", ""),
        "email_subject": form.get("email_subject", ""),
        "email_body": form.get("email_body", ""),
        "send_at": form.get("send_at", ""),
        "key": form.get("key", ""),
    }


def errors_of(problem: ApiProblem | None) -> dict[str, str]:
    """Notification's fields at fault, the audience's under ``audience`` (``building``,
    ``units``) as the form names them."""
    errors: dict[str, str] = {}
    for name, text in by_field(problem).items():
        if name.startswith("audience.units"):
            name = "units"
        elif name.startswith("audience."):
            name = name.removeprefix("audience.")
        errors.setdefault(name, text)
    return errors


async def _list_page(
    request: Request,
    current: Session,
    *,
    site_id: str = "",
    offset: int = 0,
    values: dict[str, str] | None = None,
    counted: dict[str, Any] | None = None,
    problem: ApiProblem | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    sites, sites_problem = await sites_or_problem(current)
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    if SITE.match(site_id):
        params["site_id"] = site_id
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    listed: ApiProblem | None = None
    try:
        page = await current.api.broadcasts(params)
    except ApiProblem as refused:
        listed = signed_in(refused)
    typed = values or _typed({"site_id": site_id or (sites[0]["site_id"] if sites else "")})
    shown_errors = errors if errors is not None else errors_of(problem)
    return render(
        request,
        "broadcasts.html",
        {
            "page": page,
            "rows": [shown(request, b) for b in page["items"]],
            "list_path": "/broadcasts",
            "query": urlencode({"site_id": site_id}),
            "site_id": site_id,
            "sites": sites,
            "kinds": KINDS,
            "statuses": STATUSES,
            "scopes": SCOPES,
            "values": typed,
            "key": typed.get("key") or str(uuid.uuid4()),
            "counted": counted,
            "may_compose": may(current, BROADCASTERS),
            "max_sms": MAX_SMS,
            "max_subject": MAX_SUBJECT,
            "max_body": MAX_BODY,
            "problem": problem,
            "errors": shown_errors,
            "list_problem": listed or sites_problem,
            "time_zone": settings_of(request).time_zone,
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


@router.get("/broadcasts", response_class=HTMLResponse)
async def broadcasts(
    request: Request, current: CurrentSession, site_id: str = "", offset: int = 0
) -> Response:
    """The broadcasts of the user's sites, newest first, and the composer."""
    require(current, "broadcasts")
    return await _list_page(request, current, site_id=site_id[:40], offset=offset)


def _local_problem(field: str, text: str) -> ApiProblem:
    return ApiProblem(422, f"{field}: {text}", [{"field": field, "message": text}])


@router.post("/broadcasts/audience", response_class=HTMLResponse)
async def count_audience(request: Request, current: CurrentSession) -> Response:
    """How many residents the audience typed would reach, by channel and building; nothing is
    sent, the form keeps what was typed."""
    form = await typed_form(request, current, BROADCAST_READERS)
    values = _typed(form)
    if not SITE.match(values["site_id"]):
        problem = _local_problem("site_id", "choose a site")
        return await _list_page(request, current, values=values, problem=problem)
    try:
        building, units = audience_of(values)
        counted = await current.api.broadcast_audience(values["site_id"], building, units)
    except NotAUnit as line:
        problem = _local_problem("units", f"{line} is not building-room (3-1202)")
        return await _list_page(request, current, values=values, problem=problem)
    except ApiProblem as refused:
        signed_in(refused)
        return await _list_page(request, current, values=values, problem=refused)
    return await _list_page(request, current, values=values, counted=counted)


@router.post("/broadcasts", response_class=HTMLResponse)
async def create_broadcast(request: Request, current: CurrentSession) -> Response:
    """Send the broadcast (now, or at the time typed in the site's time); notification checks
    its templates and refuses naming the field; the form keeps what was typed."""
    form = await typed_form(request, current, BROADCASTERS)
    values = _typed(form)
    key = values["key"] or str(uuid.uuid4())
    if not SITE.match(values["site_id"]):
        problem = _local_problem("site_id", "choose a site")
        return await _list_page(request, current, values=values, problem=problem)
    zone = ZoneInfo(settings_of(request).time_zone)
    try:
        building, units = audience_of(values)
        send_at = send_at_of(values["send_at"], zone)
    except NotAUnit as line:
        problem = _local_problem("units", f"{line} is not building-room (3-1202)")
        return await _list_page(request, current, values=values, problem=problem)
    except ValueError:
        problem = _local_problem("send_at", "not a date and time")
        return await _list_page(request, current, values=values, problem=problem)
    if values["scope"] == "units" and not units:
        problem = _local_problem("units", "type the units, one a line (3-1202)")
        return await _list_page(request, current, values=values, problem=problem)
    audience: dict[str, Any] = {"site_id": values["site_id"]}
    if building:
        audience["building"] = building
    if units:
        audience["units"] = [{"building": b, "room": r} for b, r in units]
    body: dict[str, Any] = {
        "kind": values["kind"],
        "audience": audience,
        "sms_text": values["sms_text"],
        "email_subject": values["email_subject"],
        "email_body": values["email_body"],
    }
    if send_at:
        body["send_at"] = send_at
    try:
        created = await current.api.create_broadcast(body, key)
    except ApiProblem as refused:
        signed_in(refused)
        kept = values | {"key": key_after(refused, key)}
        return await _list_page(request, current, values=kept, problem=refused)
    return redirect(f"/broadcasts/{created['broadcast_id']}")


async def _broadcast_page(
    request: Request, current: Session, broadcast_id: str, problem: ApiProblem | None = None
) -> Response:
    if not BROADCAST_ID.match(broadcast_id):
        return refused_page(request, current, ApiProblem(404, f"no broadcast {broadcast_id}"))
    try:
        found = await current.api.broadcast(broadcast_id)
        report = (
            await current.api.broadcast_report(broadcast_id)
            if found["status"] in ("done", "cancelled")
            else None
        )
    except ApiProblem as refused:
        return refused_page(request, current, signed_in(refused))
    partial = bool(request.headers.get("HX-Request"))
    return render(
        request,
        "_broadcast_progress.html" if partial else "broadcast.html",
        {
            "broadcast": shown(request, found),
            "report": report,
            "live": found["status"] in LIVE or _due(found),
            "may_cancel": may(current, BROADCASTERS) and found["status"] in CANCELLABLE,
            "kinds": KINDS,
            "statuses": STATUSES,
            "key": str(uuid.uuid4()),
            "problem": problem,
            "done": done_of(request, DONE),
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


def _due(found: dict[str, Any]) -> bool:
    """A broadcast scheduled for now or before: the worker is about to start it."""
    if found["status"] != "scheduled":
        return False
    return datetime.fromisoformat(found["send_at"]) <= datetime.now(ZoneInfo("UTC"))


@router.get("/broadcasts/{broadcast_id}", response_class=HTMLResponse)
async def broadcast(request: Request, current: CurrentSession, broadcast_id: str) -> Response:
    """One broadcast, its progress and, once done, its report (the progress alone when htmx
    asks for it)."""
    require(current, "broadcasts")
    return await _broadcast_page(request, current, broadcast_id)


@router.post("/broadcasts/{broadcast_id}/cancel", response_class=HTMLResponse)
async def cancel_broadcast(
    request: Request, current: CurrentSession, broadcast_id: str
) -> Response:
    """What is not sent yet is not sent."""
    form = await typed_form(request, current, BROADCASTERS)
    if not BROADCAST_ID.match(broadcast_id):
        return refused_page(request, current, ApiProblem(404, f"no broadcast {broadcast_id}"))
    try:
        await current.api.cancel_broadcast(broadcast_id, form.get("key") or str(uuid.uuid4()))
    except ApiProblem as refused:
        signed_in(refused)
        return await _broadcast_page(request, current, broadcast_id, problem=refused)
    return redirect(f"/broadcasts/{broadcast_id}?done=cancelled")
