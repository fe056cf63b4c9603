"""The front desk's duty log and its handover (客户服务中心值班记录表, DUTY-04..DUTY-22).

``/duty`` lists the duty logs of the user's sites, the latest shift first, and opens a shift's
log (what the shift before left open carries over, DUTY-16). A log's page shows what was
received and what happened on the shift (DUTY-04), lets the desk write in it, the incoming staff
take over, the open items heard and the desk's items counted (DUTY-13, DUTY-14; a take-over
after the relief was due, 15 minutes before the shift ends, is late: DUTY-10, DUTY-12), and the
outgoing sign off once relieved (DUTY-11, DUTY-15); the supervisor signs it read (DUTY-08) or
reviewed (DUTY-21), the director signs a sample (DUTY-22). Internal staff only (DUTY-07).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import Role

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    DUTY_DESK,
    DUTY_SIGNERS,
    Session,
    check_csrf,
    key_after,
    local,
    past,
    redirect,
    refused_page,
    render,
    require,
    session,
    settings_of,
    signed_in,
)
from console.entrypoints.web.requests import site_choices

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
PAGE = 20

SHIFTS = ("early", "middle", "late", "night")
"""The manual's front-desk shifts (DUTY-01) and the night line (DUTY-26): intake's default
shifts; a site's own shift code is shown as the code."""
ENTRY_KINDS = ("information", "event", "escalated")
SIGNATURE_KINDS = ("daily_read", "monthly", "sample")
SIGNERS: dict[str, frozenset[Role]] = {
    "daily_read": frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.ADMIN}),
    "monthly": frozenset({Role.SUPERVISOR, Role.SITE_MANAGER, Role.ADMIN}),
    "sample": frozenset({Role.DIRECTOR, Role.ADMIN}),
}
"""Who signs what (as intake's duty routes decide): the supervisor reads daily and reviews
monthly (DUTY-08, DUTY-21), the director samples (DUTY-22)."""
COUNTED_ROWS = 4
"""Rows of the take-over form for the desk's items counted (more are added as they fill)."""
FORMS = ("entry", "take_over", "sign_off", "signature")
LOG_ID = re.compile(r"[\w\-]+:\d{4}-\d{2}-\d{2}:[\w\-]+")
"""site:YYYY-MM-DD:shift, as intake names a duty log."""


def handover_state(log: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Where the log's handover stands: ``late`` when the relief took over after it was due
    (DUTY-10), or is due and has not come (the outgoing may not leave, DUTY-11); ``word`` says
    which, ``signed`` whether the outgoing signed off (DUTY-15)."""
    handover = log["handover"]
    if handover is None:
        overdue = past(log["relief_due_at"], now)
        return {
            "late": overdue,
            "word": "relief_overdue" if overdue else "on_duty",
            "late_minutes": None,
            "signed": False,
        }
    late_minutes = handover["late_minutes"]
    signed = handover["outgoing_signed_at"] is not None
    return {
        "late": late_minutes is not None,
        "word": "handed_over" if signed else "awaiting_sign_off",
        "late_minutes": late_minutes,
        "signed": signed,
    }


def signable(role: Role) -> list[str]:
    """The signatures ``role`` puts on a duty log."""
    return [kind for kind in SIGNATURE_KINDS if role in SIGNERS[kind]]


def shown(request: Request, log: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The log with its moments in the site's time and its handover's state."""
    log["state"] = handover_state(log, now)
    log["starts_local"] = local(request, log["starts_at"])
    log["relief_due_local"] = local(request, log["relief_due_at"])
    for entry in log["entries"]:
        entry["at_local"] = local(request, entry["at"])
    for signature in log["signatures"]:
        signature["at_local"] = local(request, signature["at"])
    if log["handover"]:
        log["handover"]["taken_over_local"] = local(request, log["handover"]["taken_over_at"])
        log["handover"]["signed_local"] = local(request, log["handover"]["outgoing_signed_at"])
    return log


def shift_on(shifts: list[dict[str, str]], now: str) -> str:
    """The code of the shift on at ``now`` (HH:MM, the site's time), else the first shift's; a
    shift ending before it starts runs overnight."""
    for shift in shifts:
        starts, ends = shift["starts"], shift["ends"]
        if starts <= now < ends if starts < ends else (now >= starts or now < ends):
            return shift["code"]
    return shifts[0]["code"] if shifts else ""


async def site_shifts(current: Session, site_id: str) -> tuple[list[dict[str, str]], str]:
    """The site's own front-desk shifts (GET /sites/{id}, DUTY-01) and the one on now in the
    site's time zone; none when intake does not show the site (the API then names the shift)."""
    if not site_id:
        return [], ""
    try:
        site = await current.api.site(site_id)
    except ApiProblem as refused:
        signed_in(refused)
        return [], ""
    shifts: list[dict[str, str]] = list(site.get("shifts") or [])
    now = datetime.now(ZoneInfo(site.get("time_zone") or "Asia/Shanghai")).strftime("%H:%M")
    return shifts, shift_on(shifts, now)


def _today(request: Request) -> str:
    return datetime.now(ZoneInfo(settings_of(request).time_zone)).date().isoformat()


async def _sites(current: Session) -> list[dict[str, str]]:
    try:
        return await site_choices(current)
    except ApiProblem as refused:
        signed_in(refused)
        return []


async def _duty_page(
    request: Request,
    current: Session,
    *,
    site_id: str = "",
    day: str = "",
    offset: int = 0,
    values: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    if site_id:
        params["site_id"] = site_id
    if day:
        params["day_from"] = params["day_to"] = day
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    try:
        page = await current.api.duty_logs(params)
    except ApiProblem as refused:
        problem = problem or signed_in(refused)
    now = datetime.now(UTC)
    for log in page["items"]:
        shown(request, log, now)
    filters = {"site_id": site_id, "day": day}
    values = values or {}
    sites = await _sites(current)
    opening = values.get("site_id") or site_id or (sites[0]["site_id"] if sites else "")
    shifts, on_now = await site_shifts(current, opening)
    template = "_duty_table.html" if request.headers.get("HX-Request") else "duty.html"
    return render(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "query": urlencode({name: value for name, value in filters.items() if value}),
            "list_path": "/duty",
            "sites": sites,
            "shifts": SHIFTS,
            "site_shifts": shifts,
            "values": {"day": _today(request), "shift": on_now, "site_id": opening} | values,
            "key": values.get("key") or str(uuid.uuid4()),
            "may_open": current.principal.role in DUTY_DESK,
            "problem": problem,
            "errors": problem.by_field() if problem else {},
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/duty", response_class=HTMLResponse)
async def duty_logs(
    request: Request, current: CurrentSession, site_id: str = "", day: str = "", offset: int = 0
) -> Response:
    require(current, "duty")
    return await _duty_page(request, current, site_id=site_id, day=day, offset=offset)


@router.get("/duty/shifts", response_class=HTMLResponse)
async def shifts_of_site(
    request: Request, current: CurrentSession, site_id: str = "", shift: str = ""
) -> Response:
    """The open-a-log form's shift choice for the site chosen (htmx, as the site changes): the
    shift chosen before if the site has it, else the one on now."""
    require(current, "duty")
    shifts, on_now = await site_shifts(current, site_id)
    kept = shift if any(s["code"] == shift for s in shifts) else on_now
    return render(
        request,
        "_shift_field.html",
        {"shifts": SHIFTS, "site_shifts": shifts, "values": {"shift": kept}, "errors": {}},
        current=current,
    )


def _desk(current: Session) -> None:
    if current.principal.role not in DUTY_DESK:
        raise HTTPException(403, "not_for_role")


@router.post("/duty", response_class=HTMLResponse)
async def open_duty_log(
    request: Request,
    current: CurrentSession,
    site_id: Annotated[str, Form()] = "",
    day: Annotated[str, Form()] = "",
    shift: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Open a shift's log (or find it, opened before) and go to it."""
    _desk(current)
    check_csrf(request, csrf)
    body = {"site_id": site_id, "day": day, "shift": shift}
    try:
        opened = await current.api.open_duty_log(body, key or str(uuid.uuid4()))
    except ApiProblem as problem:
        signed_in(problem)
        values = body | {"key": key_after(problem, key)}
        return await _duty_page(request, current, values=values, problem=problem)
    return redirect(f"/duty/{opened['log_id']}")


def _log_id(log_id: str) -> str:
    if not LOG_ID.fullmatch(log_id):
        raise HTTPException(404, "no_such_duty_log")
    return log_id


async def _log_page(
    request: Request,
    current: Session,
    log_id: str,
    *,
    failed: str = "",
    values: dict[str, Any] | None = None,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        log = await current.api.duty_log(log_id)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    shown(request, log, datetime.now(UTC))
    fresh = str(uuid.uuid4())
    keys = {form: f"{fresh}-{form}" for form in FORMS}
    values = values or {}
    if failed and values.get("key"):
        keys[failed] = values["key"]
    counted = list(values.get("counted", [])) if failed == "take_over" else []
    counted += [{"name": "", "count": ""}] * max(COUNTED_ROWS - len(counted), 1)
    role = current.principal.role
    handover = log["handover"]
    desk = role in DUTY_DESK
    done = request.query_params.get("done", "")
    return render(
        request,
        "duty_log.html",
        {
            "log": log,
            "shifts": SHIFTS,
            "entry_kinds": ENTRY_KINDS,
            "failed": failed,
            "values": values,
            "counted": counted,
            "errors": problem.by_field() if problem else {},
            "problem": problem,
            "keys": keys,
            "done": done if done in FORMS else "",
            "may_write": desk and not log["closed"],
            "may_take_over": desk and handover is None,
            "may_sign_off": desk and handover is not None and not log["state"]["signed"],
            "may_sign": signable(role),
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/duty/{log_id}", response_class=HTMLResponse)
async def duty_log(request: Request, log_id: str, current: CurrentSession) -> Response:
    require(current, "duty")
    return await _log_page(request, current, _log_id(log_id))


async def _act(
    request: Request,
    current: Session,
    log_id: str,
    form: str,
    values: dict[str, Any],
    call: Any,
) -> Response:
    """Run the API call; on a refusal, the log again with the API's problem and the form as
    typed (its key renewed once the API kept its refusal)."""
    try:
        await call
    except ApiProblem as problem:
        signed_in(problem)
        kept = {**values, "key": key_after(problem, str(values.get("key", "")))}
        return await _log_page(request, current, log_id, failed=form, values=kept, problem=problem)
    return redirect(f"/duty/{log_id}?done={form}")


@router.post("/duty/{log_id}/entries", response_class=HTMLResponse)
async def write_entry(
    request: Request,
    log_id: str,
    current: CurrentSession,
    kind: Annotated[str, Form()] = "information",
    text: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    _desk(current)
    check_csrf(request, csrf)
    log_id = _log_id(log_id)
    body = {"kind": kind, "text": text}
    call = current.api.write_duty_entry(log_id, body, key or str(uuid.uuid4()))
    return await _act(request, current, log_id, "entry", body | {"key": key}, call)


def counted_items(names: list[str], counts: list[str]) -> list[dict[str, Any]]:
    """The take-over form's rows as intake's counted items; a row left empty is skipped, a
    count that is not a whole number refused (ValueError) before intake is asked."""
    items: list[dict[str, Any]] = []
    for name, count in zip(names, counts, strict=False):
        if not name.strip() and not count.strip():
            continue
        if not re.fullmatch(r"\d{1,6}", count.strip()):
            raise ValueError(f"{name.strip() or '?'}: count {count.strip()!r} is not a number")
        items.append({"name": name.strip(), "count": int(count.strip())})
    return items


@router.post("/duty/{log_id}/take-over", response_class=HTMLResponse)
async def take_over(
    request: Request,
    log_id: str,
    current: CurrentSession,
    outgoing: Annotated[str, Form()] = "",
    open_items: Annotated[str, Form()] = "",
    item_name: Annotated[list[str] | None, Form()] = None,
    item_count: Annotated[list[str] | None, Form()] = None,
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    _desk(current)
    check_csrf(request, csrf)
    log_id = _log_id(log_id)
    names, counts = item_name or [], item_count or []
    values: dict[str, Any] = {
        "outgoing": outgoing,
        "open_items": open_items,
        "counted": [{"name": n, "count": c} for n, c in zip(names, counts, strict=False)],
        "key": key,
    }
    try:
        items = counted_items(names, counts)
    except ValueError as wrong:
        problem = ApiProblem(422, str(wrong), [{"field": "counted_items", "message": str(wrong)}])
        return await _log_page(
            request, current, log_id, failed="take_over", values=values, problem=problem
        )
    body = {
        "outgoing": outgoing.strip(),
        "open_items": [line.strip() for line in open_items.splitlines() if line.strip()],
        "counted_items": items,
    }
    call = current.api.take_over_duty(log_id, body, key or str(uuid.uuid4()))
    return await _act(request, current, log_id, "take_over", values, call)


@router.post("/duty/{log_id}/sign-off", response_class=HTMLResponse)
async def sign_off(
    request: Request,
    log_id: str,
    current: CurrentSession,
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    _desk(current)
    check_csrf(request, csrf)
    log_id = _log_id(log_id)
    call = current.api.sign_off_duty(log_id, key or str(uuid.uuid4()))
    return await _act(request, current, log_id, "sign_off", {"key": key}, call)


@router.post("/duty/{log_id}/signatures", response_class=HTMLResponse)
async def sign(
    request: Request,
    log_id: str,
    current: CurrentSession,
    kind: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    require(current, "duty")
    if current.principal.role not in DUTY_SIGNERS:
        raise HTTPException(403, "not_for_role")
    check_csrf(request, csrf)
    log_id = _log_id(log_id)
    call = current.api.sign_duty_log(log_id, kind, key or str(uuid.uuid4()))
    return await _act(request, current, log_id, "signature", {"key": ""}, call)
