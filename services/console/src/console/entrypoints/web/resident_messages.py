"""One resident's messages (the message log per resident, issue #13 "Screens"; NTF-03: what a
resident was told): the agent types the number as the resident says it (13800138000, +86 138…)
or their e-mail address, and sees what the address asked (opted out or not, and how and by whom)
and whether the company blocked it (with the reason and by whom), then every message sent to it,
newest first, a page at a time, with its status: held until the morning in the site's time,
suppressed or refused with why. Whoever takes the resident's word records an opt-out or takes
them back (notification's set_opt_out); the supervisor, the site's manager and the admin block the
address with a reason or lift the block (set_block) and set a site's quiet hours
(set_quiet_hours). Notification decides in the end: its refusals are shown beside the form, as
typed."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    BLOCKERS,
    OPT_OUT_RECORDERS,
    QUIET_HOURS_SETTERS,
    Session,
    check_csrf,
    key_after,
    may,
    only,
    redirect,
    render,
    require,
    session,
    settings_of,
    signed_in,
)
from console.entrypoints.web.requests import sites_or_problem
from console.i18n import TEXT

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
PAGE = 20

STATUSES = ("pending", "sending", "sent", "delivered", "failed", "refused", "held", "suppressed")
"""The statuses the page has a label for; another is shown as notification names it."""
REASON_MAX = 200
"""notification's REASON_MAX: the longest reason for a block."""
QUIET_HOURS = re.compile(r"^(default|off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$")
EMAIL = re.compile(r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
SITE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
"""intake's site ids: a site chosen from anything else is no site."""


def address_of(typed: str) -> tuple[str, str] | None:
    """The channel and the address as notification keeps it, from what the user typed: an
    e-mail address in lower case; a number in E.164, a mainland mobile (13800138000,
    138 0013 8000, 86…, 0086…) given its +86. None when it is neither."""
    text = typed.strip()
    if "@" in text:
        return ("email", text.lower()) if EMAIL.match(text) and len(text) <= 254 else None
    digits = re.sub(r"[\s\-().]", "", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+"):
        if MAINLAND_MOBILE.match(digits):
            digits = "+86" + digits
        elif digits.startswith("86") and MAINLAND_MOBILE.match(digits[2:]):
            digits = "+" + digits
    return ("sms", digits) if E164.match(digits) else None


def _same(channel: str, recipient: str, address: str) -> bool:
    return (recipient.lower() if channel == "email" else recipient) == address


async def _zones(current: Session, site_ids: set[str]) -> dict[str, ZoneInfo]:
    """Each site's time zone as notification knows it (its quiet hours are in it)."""
    zones: dict[str, ZoneInfo] = {}
    for site_id in sorted(site_ids):
        try:
            found = await current.api.quiet_hours(site_id)
            zones[site_id] = ZoneInfo(found["time_zone"])
        except (ApiProblem, ZoneInfoNotFoundError, KeyError, TypeError, ValueError):
            continue
    return zones


def _at(moment: str | None, zone: ZoneInfo) -> str:
    if not moment:
        return ""
    return datetime.fromisoformat(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def messages_to(
    page: dict[str, Any], channel: str, address: str, zones: dict[str, ZoneInfo], default: ZoneInfo
) -> list[dict[str, Any]]:
    """The page's messages to the address, newest first, with their moments in the site's time."""
    rows: list[dict[str, Any]] = []
    for notification in page["items"]:
        zone = zones.get(notification["site_id"], default)
        for message in notification["messages"]:
            if message["channel"] != channel or not _same(channel, message["recipient"], address):
                continue
            rows.append(
                message
                | {
                    "site_id": notification["site_id"],
                    "about_event_type": notification["about_event_type"],
                    "request_id": notification.get("request_id"),
                    "created_local": _at(notification["created_at"], zone),
                    "sent_local": _at(message.get("sent_at"), zone),
                    "held_until_local": _at(message.get("held_until"), zone),
                    "zone": zone.key,
                    "about_key": f"rm_type_{message['template']}"
                    if f"rm_type_{message['template']}" in TEXT
                    else None,
                }
            )
    return rows


async def _page(
    request: Request,
    current: Session,
    *,
    typed: str = "",
    offset: int = 0,
    site_id: str = "",
    failed: str = "",
    values: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    """The address's preference and messages; ``failed`` names the form notification refused
    (``opt_out``, ``block``, ``quiet_hours``) to show what it said beside it, as typed."""
    found = address_of(typed) if typed.strip() else None
    preference: dict[str, Any] | None = None
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    rows: list[dict[str, Any]] = []
    listed: ApiProblem | None = None
    if found is not None:
        channel, address = found
        try:
            preference = await current.api.preference(channel, address)
            page = await current.api.notifications(
                {"recipient": address, "limit": PAGE, "offset": max(offset, 0)}
            )
        except ApiProblem as refused:
            listed = signed_in(refused)
        else:
            default = ZoneInfo(settings_of(request).time_zone)
            zones = await _zones(current, {n["site_id"] for n in page["items"]})
            rows = messages_to(page, channel, address, zones, default)
    sites, sites_problem = await sites_or_problem(current)
    quiet: dict[str, Any] | None = None
    if SITE.match(site_id):
        try:
            quiet = await current.api.quiet_hours(site_id)
        except ApiProblem as refused:
            listed = listed or signed_in(refused)
    shown = problem or listed
    return render(
        request,
        "resident_messages.html",
        {
            "typed": typed,
            "found": found,
            "not_an_address": bool(typed.strip()) and found is None,
            "preference": preference,
            "page": page,
            "rows": rows,
            "statuses": STATUSES,
            "list_path": "/resident-messages",
            "query": urlencode({"address": typed.strip()}),
            "sites": sites,
            "site_id": site_id,
            "quiet": quiet,
            "may_opt_out": may(current, OPT_OUT_RECORDERS),
            "may_block": may(current, BLOCKERS),
            "may_set_quiet_hours": may(current, QUIET_HOURS_SETTERS),
            "reason_max": REASON_MAX,
            "failed": failed,
            "values": values or {},
            "problem": shown,
            "list_problem": listed or sites_problem,
            "errors": problem.by_field() if problem else {},
            "key": (values or {}).get("key") or str(uuid.uuid4()),
            "done": request.query_params.get("done", ""),
        },
        current=current,
        status_code=200 if shown is None else min(shown.status, 503),
    )


@router.get("/resident-messages", response_class=HTMLResponse)
async def resident_messages(
    request: Request,
    current: CurrentSession,
    address: str = "",
    offset: int = 0,
    site_id: str = "",
) -> Response:
    require(current, "resident_messages")
    return await _page(request, current, typed=address[:254], offset=offset, site_id=site_id)


def _back(typed: str, done: str, site_id: str = "") -> Response:
    query = {"address": typed, "done": done} | ({"site_id": site_id} if site_id else {})
    return redirect(f"/resident-messages?{urlencode(query)}")


@router.post("/resident-messages/opt-out", response_class=HTMLResponse)
async def record_opt_out(
    request: Request,
    current: CurrentSession,
    address: Annotated[str, Form()] = "",
    opted_out: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """The resident refuses the messages they may refuse here (``opted_out=1``), or takes them
    again (``0``), on their word."""
    require(current, "resident_messages")
    only(current, OPT_OUT_RECORDERS)
    check_csrf(request, csrf)
    found = address_of(address)
    if found is None:
        return await _page(request, current, typed=address)
    try:
        await current.api.set_opt_out(*found, opted_out == "1", key or str(uuid.uuid4()))
    except ApiProblem as problem:
        signed_in(problem)
        kept = {"key": key_after(problem, key)}
        return await _page(
            request, current, typed=address, failed="opt_out", values=kept, problem=problem
        )
    return _back(address.strip(), "opted_out" if opted_out == "1" else "opted_in")


@router.post("/resident-messages/block", response_class=HTMLResponse)
async def record_block(
    request: Request,
    current: CurrentSession,
    address: Annotated[str, Form()] = "",
    blocked: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Block the address with the reason (a block without one is notification's to refuse), or
    lift the block (``blocked=0``)."""
    require(current, "resident_messages")
    only(current, BLOCKERS)
    check_csrf(request, csrf)
    found = address_of(address)
    if found is None:
        return await _page(request, current, typed=address)
    blocking = blocked == "1"
    try:
        await current.api.set_block(
            *found, blocking, reason.strip() or None, key or str(uuid.uuid4())
        )
    except ApiProblem as problem:
        signed_in(problem)
        kept = {"key": key_after(problem, key), "reason": reason}
        return await _page(
            request, current, typed=address, failed="block", values=kept, problem=problem
        )
    return _back(address.strip(), "blocked" if blocking else "unblocked")


@router.post("/resident-messages/quiet-hours", response_class=HTMLResponse)
async def record_quiet_hours(
    request: Request,
    current: CurrentSession,
    site_id: Annotated[str, Form()] = "",
    quiet_hours: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """A site's quiet hours: HH:MM-HH:MM in the site's time, off, or the company's default."""
    require(current, "resident_messages")
    only(current, QUIET_HOURS_SETTERS)
    check_csrf(request, csrf)
    if not SITE.match(site_id):
        return await _page(request, current, typed=address)
    try:
        await current.api.set_quiet_hours(site_id, quiet_hours.strip(), key or str(uuid.uuid4()))
    except ApiProblem as problem:
        signed_in(problem)
        kept = {"key": key_after(problem, key), "quiet_hours": quiet_hours}
        return await _page(
            request,
            current,
            typed=address,
            site_id=site_id,
            failed="quiet_hours",
            values=kept,
            problem=problem,
        )
    return _back(address.strip(), "quiet_hours", site_id)
