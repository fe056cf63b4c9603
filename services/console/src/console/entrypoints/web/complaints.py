"""The supervisor's queue of complaints and a complaint's page.

The queue lists the complaints of the user's sites, the oldest first, each with its clocks: the
reply due within 2 hours (CMP-04, CMP-05), the register completed the same day (CMP-12), the
escalation ladder (duty staff, supervisor, higher manager: CMP-15) and the resolution target
(generally within 24 hours, CMP-14); a breached clock is in red and says so. A complaint's page
assesses it valid or invalid with its grade, reason and the department a valid one is sent to
(CMP-05, CMP-07, CMP-08), attaches the department's handling plan (CMP-13), resolves it (its
clocks stop and a valid one is called back, CMP-06) and marks it a representative case (CMP-21).
An invalid complaint no standard wording answers rests on a department's or the legal adviser's
opinion: the page lists those recorded and records another (CMP-09).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    COMPLAINT_HANDLERS,
    REPRESENTATIVE_MARKERS,
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
    signed_in,
)
from console.entrypoints.web.requests import site_choices

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
PAGE = 50

STATUSES = ("open", "resolved", "all")
"""The queue's filter: open complaints (the default), resolved ones, or all."""
VALIDITIES = ("valid", "invalid")
GRADES = ("minor", "general", "serious", "major")
DEPARTMENTS = (
    "maintenance",
    "housekeeping",
    "marketing",
    "quality_control",
    "planning_finance",
    "customer_service",
    "security",
)
LEVELS = ("duty_staff", "supervisor", "higher_manager")
"""The escalation ladder, in order (intake's EscalationLevel)."""
CLOCKS = ("reply", "register", "escalation", "resolution")
FORMS = ("assessment", "plan", "resolution", "representative", "opinion")
OPINION_SOURCES = ("department", "legal_adviser")
"""Who gives a professional opinion on an invalid complaint (intake's OpinionSource, CMP-09)."""


def _clock(
    what: str, state: str, *, due_at: str | None = None, at: str | None = None, late: bool = False
) -> dict[str, Any]:
    return {"what": what, "state": state, "due_at": due_at, "at": at, "late": late}


def complaint_clocks(
    item: dict[str, Any], now: datetime, resolve_within: timedelta | None = None
) -> list[dict[str, Any]]:
    """A complaint's clocks as intake reports them, each ``running`` (with when it is due),
    ``done`` (with when) or ``stopped``, and ``late`` when breached: counted overdue by intake,
    or past due before intake's clock noticed; an open complaint that climbed the ladder is late
    too (it stayed open past the site's threshold). The resolution target is the ladder's last
    rung, ``resolve_within`` of the call (the site's setting, generally 24 hours: the higher
    manager has a complaint still open then, CMP-14); without the site's setting it is known
    once intake names the last rung as the next (the complaint is with the supervisor). An
    invalid complaint is explained, not solved: it has no target."""
    complaint = item["complaint"]
    resolution = complaint["resolution"]
    clocks: list[dict[str, Any]] = []

    due = item["first_answer_due_at"]
    overdue = item["first_answer_overdue_at"] is not None
    if due:
        clocks.append(_clock("reply", "running", due_at=due, late=overdue or past(due, now)))
    elif item["replies"]:
        clocks.append(_clock("reply", "done", at=item["replies"][0]["at"], late=overdue))
    else:
        clocks.append(_clock("reply", "stopped", late=overdue))

    register_overdue = complaint["register_overdue_at"] is not None
    if complaint["register_complete"]:
        assessed = complaint["assessment"]
        at = assessed["at"] if assessed else None
        clocks.append(_clock("register", "done", at=at, late=register_overdue))
    else:
        due = complaint["register_due_at"]
        late = register_overdue or past(due, now)
        clocks.append(_clock("register", "running", due_at=due, late=late))

    level = complaint["level"]
    climbs = complaint["next_escalation_at"]
    escalated = level != LEVELS[0]
    overdue = past(climbs, now)
    escalation = _clock(
        "escalation",
        "running" if climbs else "stopped",
        due_at=climbs,
        late=resolution is None and (escalated or overdue),
    )
    escalation |= {
        "level": level,
        "next_level": LEVELS[LEVELS.index(level) + 1] if climbs and level in LEVELS[:-1] else None,
        "escalated": escalated,
        "overdue": overdue,
    }
    clocks.append(escalation)

    top = next((e for e in complaint["escalations"] if e["level"] == LEVELS[-1]), None)
    target = climbs if escalation["next_level"] == LEVELS[-1] else None
    if resolve_within is not None:
        registered = datetime.fromisoformat(item["registered_at"])
        target = (registered + resolve_within).isoformat()
    assessed = complaint["assessment"]
    if resolution is not None:
        at = resolution["at"]
        late = top is not None or (
            target is not None and datetime.fromisoformat(at) > datetime.fromisoformat(target)
        )
        clocks.append(_clock("resolution", "done", at=at, late=late))
    elif assessed is not None and assessed["validity"] == "invalid":
        clocks.append(_clock("resolution", "stopped"))
    elif top is not None:
        clocks.append(_clock("resolution", "running", due_at=target or top["at"], late=True))
    else:
        late = past(target, now)
        clocks.append(_clock("resolution", "running", due_at=target, late=late))
    return clocks


async def resolution_targets(current: Session, site_ids: set[str]) -> dict[str, timedelta]:
    """How long each site gives a complaint before the higher manager has it (its escalation
    ladder's last rung, GET /sites/{id}); a site intake does not show is left out."""
    found: dict[str, timedelta] = {}
    for site_id in sorted(site_ids):
        try:
            site = await current.api.site(site_id)
        except ApiProblem as refused:
            signed_in(refused)
            continue
        hours = (site.get("escalation") or {}).get("higher_manager_after_hours")
        if hours:
            found[site_id] = timedelta(hours=float(hours))
    return found


def shown(
    request: Request,
    item: dict[str, Any],
    now: datetime,
    targets: dict[str, timedelta] | None = None,
) -> dict[str, Any]:
    """The complaint with its clocks in the site's time, and whether it needs attention (a
    running clock breached)."""
    item["clocks"] = complaint_clocks(item, now, (targets or {}).get(item["site_id"]))
    for clock in item["clocks"]:
        clock["due_local"] = local(request, clock["due_at"])
        clock["at_local"] = local(request, clock["at"])
    item["late"] = any(c["late"] and c["state"] == "running" for c in item["clocks"])
    item["resolved"] = item["complaint"]["resolution"] is not None
    item["registered_local"] = local(request, item["registered_at"])
    return item


@router.get("/complaints", response_class=HTMLResponse)
async def complaints(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    status: str = "open",
    offset: int = 0,
) -> Response:
    require(current, "complaints")
    status = status if status in STATUSES else "open"
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    if site_id:
        params["site_id"] = site_id
    if status != "all":
        params["open"] = "true" if status == "open" else "false"
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    problem: ApiProblem | None = None
    try:
        page = await current.api.complaints(params)
    except ApiProblem as refused:
        problem = signed_in(refused)
    now = datetime.now(UTC)
    targets = await resolution_targets(current, {item["site_id"] for item in page["items"]})
    for item in page["items"]:
        shown(request, item, now, targets)
    filters = {"site_id": site_id, "status": status}
    try:
        sites = await site_choices(current)
    except ApiProblem as refused:
        signed_in(refused)
        sites = []
    template = "_complaints_table.html" if request.headers.get("HX-Request") else "complaints.html"
    return render(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "statuses": STATUSES,
            "query": urlencode({name: value for name, value in filters.items() if value}),
            "list_path": "/complaints",
            "sites": sites,
            "problem": problem,
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


async def _complaint_page(
    request: Request,
    current: Session,
    request_id: str,
    *,
    failed: str = "",
    values: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        found = await current.api.request(request_id)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    if found.get("complaint") is None:
        return render(
            request,
            "refused.html",
            {"detail": "not_a_complaint"},
            current=current,
            status_code=404,
        )
    targets = await resolution_targets(current, {found["site_id"]})
    shown(request, found, datetime.now(UTC), targets)
    complaint = found["complaint"]
    for part in ("assessment", "plan", "resolution"):
        if complaint[part]:
            complaint[part]["at_local"] = local(request, complaint[part]["at"])
    for opinion in complaint.get("opinions") or []:
        opinion["at_local"] = local(request, opinion["at"])
    fresh = str(uuid.uuid4())
    keys = {form: f"{fresh}-{form}" for form in FORMS}
    values = values or {}
    if failed and values.get("key"):
        keys[failed] = values["key"]
    done = request.query_params.get("done", "")
    role = current.principal.role
    open_ = complaint["resolution"] is None
    assessed = complaint["assessment"]
    return render(
        request,
        "complaint.html",
        {
            "item": found,
            "complaint": complaint,
            "validities": VALIDITIES,
            "grades": GRADES,
            "departments": DEPARTMENTS,
            "opinion_sources": OPINION_SOURCES,
            "failed": failed,
            "values": values,
            "errors": problem.by_field() if problem else {},
            "problem": problem,
            "keys": keys,
            "done": done if done in FORMS else "",
            "may_assess": open_ and role in COMPLAINT_HANDLERS,
            "may_plan": open_
            and role in COMPLAINT_HANDLERS
            and assessed is not None
            and assessed["validity"] == "valid",
            "may_resolve": open_ and role in COMPLAINT_HANDLERS and assessed is not None,
            "may_mark": role in REPRESENTATIVE_MARKERS,
            "may_record_opinion": open_
            and role in COMPLAINT_HANDLERS
            and assessed is not None
            and assessed["validity"] == "invalid",
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/complaints/{request_id:uuid}", response_class=HTMLResponse)
async def complaint_page(
    request: Request, request_id: uuid.UUID, current: CurrentSession
) -> Response:
    require(current, "complaints")
    return await _complaint_page(request, current, str(request_id))


async def _act(
    request: Request,
    current: Session,
    request_id: uuid.UUID,
    form: str,
    values: dict[str, str],
    call: Any,
) -> Response:
    """Run the API call; on a refusal, the page again with the API's problem and the form as
    typed (its key renewed once the API kept its refusal)."""
    try:
        await call
    except ApiProblem as problem:
        signed_in(problem)
        kept = {**values, "key": key_after(problem, values.get("key", ""))}
        return await _complaint_page(
            request, current, str(request_id), failed=form, values=kept, problem=problem
        )
    return redirect(f"/complaints/{request_id}?done={form}")


def _handler(current: Session) -> None:
    if current.principal.role not in COMPLAINT_HANDLERS:
        raise HTTPException(403, "not_for_role")


@router.post("/complaints/{request_id:uuid}/assessment", response_class=HTMLResponse)
async def assess(
    request: Request,
    request_id: uuid.UUID,
    current: CurrentSession,
    validity: Annotated[str, Form()] = "",
    grade: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    _handler(current)
    check_csrf(request, csrf)
    values = {"validity": validity, "grade": grade, "reason": reason, "department": department}
    body: dict[str, Any] = {**values, "department": department or None}
    call = current.api.assess_complaint(str(request_id), body, key or str(uuid.uuid4()))
    return await _act(request, current, request_id, "assessment", values | {"key": key}, call)


@router.post("/complaints/{request_id:uuid}/handling-plan", response_class=HTMLResponse)
async def plan_handling(
    request: Request,
    request_id: uuid.UUID,
    current: CurrentSession,
    department: Annotated[str, Form()] = "",
    plan: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    _handler(current)
    check_csrf(request, csrf)
    values = {"department": department, "plan": plan}
    call = current.api.plan_complaint_handling(str(request_id), values, key or str(uuid.uuid4()))
    return await _act(request, current, request_id, "plan", values | {"key": key}, call)


@router.post("/complaints/{request_id:uuid}/resolution", response_class=HTMLResponse)
async def resolve(
    request: Request,
    request_id: uuid.UUID,
    current: CurrentSession,
    outcome: Annotated[str, Form()] = "",
    resident_satisfied: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    _handler(current)
    check_csrf(request, csrf)
    satisfied = {"true": True, "false": False}.get(resident_satisfied)
    body = {"outcome": outcome, "resident_satisfied": satisfied}
    values = {"outcome": outcome, "resident_satisfied": resident_satisfied, "key": key}
    call = current.api.resolve_complaint(str(request_id), body, key or str(uuid.uuid4()))
    return await _act(request, current, request_id, "resolution", values, call)


def opinion_body(source: str, department: str, given_by: str, opinion: str) -> dict[str, Any]:
    """What intake's opinion route takes from the form: the department only when one was
    chosen (intake says when one is needed, or not wanted)."""
    return {
        "source": source,
        "department": department or None,
        "given_by": given_by,
        "opinion": opinion,
    }


@router.post("/complaints/{request_id:uuid}/opinions", response_class=HTMLResponse)
async def record_opinion(
    request: Request,
    request_id: uuid.UUID,
    current: CurrentSession,
    source: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
    given_by: Annotated[str, Form()] = "",
    opinion: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """A department's or the legal adviser's opinion on a complaint found invalid (CMP-09)."""
    _handler(current)
    check_csrf(request, csrf)
    values = {"source": source, "department": department, "given_by": given_by, "opinion": opinion}
    call = current.api.record_complaint_opinion(
        str(request_id), opinion_body(**values), key or str(uuid.uuid4())
    )
    return await _act(request, current, request_id, "opinion", values | {"key": key}, call)


@router.post("/complaints/{request_id:uuid}/representative", response_class=HTMLResponse)
async def mark_representative(
    request: Request,
    request_id: uuid.UUID,
    current: CurrentSession,
    representative: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if current.principal.role not in REPRESENTATIVE_MARKERS:
        raise HTTPException(403, "not_for_role")
    check_csrf(request, csrf)
    call = current.api.mark_representative(
        str(request_id), representative == "true", key or str(uuid.uuid4())
    )
    return await _act(request, current, request_id, "representative", {"key": key}, call)
