"""The staff of the user's sites and the company (KB-12, ORG-06, ORG-07): who works where, in
which department, their phones, the buildings a steward covers, the departments' information
liaisons and what each does on the platform. ``/staff`` lists them by site, department or
building (its steward); the directory's keepers (administrator, site manager, admin) add a member
of staff and change their record (PUT /staff/{id}), each refused field named beside its input,
with their login (their sign-in's subject: how the platform finds what they owe). Whoever hands
a leaver's job over (job_handovers.py, DUTY-25) reads the staff too and hands it over from the
member's page; the list marks who is handing theirs over.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import ALL_SITES, Role

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    DIRECTORY_KEEPERS,
    STAFF_READERS,
    Session,
    by_field,
    check_csrf,
    key_after,
    may,
    only,
    redirect,
    refused_page,
    render,
    session,
    signed_in,
)
from console.entrypoints.web.job_handovers import (
    JOB_HANDERS,
    handover_body,
    leaving_refusal,
    member_context,
    pending_on_sites,
)
from console.entrypoints.web.job_handovers import router as job_handovers_router
from console.entrypoints.web.phone_book import COMPANY, DEPARTMENTS
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
router.include_router(job_handovers_router)  # the handover's own page, beside the member's
CurrentSession = Annotated[Session, Depends(session)]
PAGE = 50
STAFF_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
MAX_PHONES = 3
ROLES = tuple(role.value for role in Role if role is not Role.SITE_SYSTEM)
"""What a member of staff may do on the platform (a site's system is no member of staff)."""
TEXT_FIELDS = (
    "staff_id",
    "site_id",
    "name",
    "title",
    "department",
    "email",
    "steward_of",
    "login",
)


def _staff_id(staff_id: str) -> str:
    if not STAFF_ID.fullmatch(staff_id):
        raise HTTPException(404, "no_such_staff_member")
    return staff_id


def buildings(typed: str) -> list[str]:
    """Buildings as typed, separated by commas (Chinese or not) or spaces."""
    return [b for b in re.split(r"[,，\s]+", typed) if b]


def staff_body(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "site_id": values["site_id"],
        "name": values["name"],
        "title": values["title"],
        "department": values["department"],
        "phones": [p for p in values["phones"] if p],
        "email": values["email"] or None,
        "steward_of": buildings(values["steward_of"]),
        "information_liaison": values["information_liaison"],
        "roles": values["roles"],
        "active": values["active"],
        "login": values["login"] or None,
    }


def form_values(member: dict[str, Any]) -> dict[str, Any]:
    """A member of staff as the form shows them."""
    return {
        "staff_id": member["staff_id"],
        "site_id": member["site_id"],
        "name": member["name"],
        "title": member["title"],
        "department": member["department"],
        "phones": list(member["phones"]),
        "email": member.get("email") or "",
        "steward_of": ", ".join(member.get("steward_of") or []),
        "information_liaison": bool(member.get("information_liaison")),
        "roles": list(member.get("roles") or []),
        "active": bool(member.get("active", True)),
        "login": member.get("login") or "",
    }


async def _sites(current: Session) -> tuple[list[dict[str, str]], ApiProblem | None]:
    sites, problem = await sites_or_problem(current)
    if ALL_SITES in current.principal.sites:
        sites = [{"site_id": COMPANY, "name": ""}, *sites]
    return sites, problem


@router.get("/staff", response_class=HTMLResponse)
async def staff_list(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    department: str = "",
    building: str = "",
    liaison: str = "",
    offset: int = 0,
) -> Response:
    only(current, STAFF_READERS)
    filters = {
        "site_id": site_id,
        "department": department,
        "building": building.strip(),
        "liaison": "true" if liaison else "",
    }
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    params |= {name: value for name, value in filters.items() if value}
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    problem: ApiProblem | None = None
    try:
        page = await current.api.staff(params)
    except ApiProblem as refused:
        problem = signed_in(refused)
    sites, sites_problem = await _sites(current)
    problem = problem or sites_problem
    pending = await pending_on_sites(current, (m["site_id"] for m in page["items"]))
    template = "_staff_table.html" if request.headers.get("HX-Request") else "staff.html"
    return render(
        request,
        template,
        {
            "page": page,
            "pending": pending,
            "filters": filters,
            "query": urlencode({name: value for name, value in filters.items() if value}),
            "list_path": "/staff",
            "sites": sites,
            "departments": DEPARTMENTS,
            "may_keep": may(current, DIRECTORY_KEEPERS),
            "problem": problem,
            "saved": request.query_params.get("saved", ""),
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


async def _member_page(
    request: Request,
    current: Session,
    *,
    values: dict[str, Any],
    new: bool,
    key: str = "",
    problem: ApiProblem | None = None,
    stored: dict[str, Any] | None = None,
    handover: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The member's form; for a member on record (``stored``, as intake keeps them), their job
    handover too (``handover``: its form refused, as typed, with intake's problem and key)."""
    sites, sites_problem = await _sites(current)
    problem = problem or sites_problem
    handing = (
        await member_context(current, stored, **(handover or {})) if stored is not None else None
    )
    errors = by_field(problem)
    leaving = leaving_refusal(problem)
    moved = stored is not None and values["site_id"] != stored["site_id"]
    leaving_field = "site_id" if moved else "active"
    if leaving:  # marked gone, or moved, while holding the job: said beside what was changed
        errors.setdefault(leaving_field, leaving)
    failed = problem or (handing or {}).get("problem")
    phones = list(values["phones"])[:MAX_PHONES]
    return render(
        request,
        "staff_member.html",
        {
            "values": values,
            "phones": phones + [""] * (MAX_PHONES - len(phones)),
            "new": new,
            "sites": sites,
            "departments": DEPARTMENTS,
            "roles": ROLES,
            "may_keep": may(current, DIRECTORY_KEEPERS),
            "problem": problem,
            "errors": errors,
            "leaving": leaving_field if leaving else "",  # where it is said
            "key": key or str(uuid.uuid4()),
            "ho": handing,
        },
        current=current,
        status_code=200 if failed is None else min(failed.status, 503),
    )


@router.get("/staff/new", response_class=HTMLResponse)
async def new_member(request: Request, current: CurrentSession) -> Response:
    only(current, DIRECTORY_KEEPERS)
    values: dict[str, Any] = {name: "" for name in TEXT_FIELDS} | {
        "department": "customer_service",
        "phones": [],
        "information_liaison": False,
        "roles": [],
        "active": True,
    }
    return await _member_page(request, current, values=values, new=True)


@router.get("/staff/{staff_id}", response_class=HTMLResponse)
async def member(request: Request, staff_id: str, current: CurrentSession) -> Response:
    only(current, STAFF_READERS)
    try:
        found = await current.api.staff_member(_staff_id(staff_id))
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    return await _member_page(request, current, values=form_values(found), new=False, stored=found)


@router.post("/staff", response_class=HTMLResponse)
async def record_member(
    request: Request,
    current: CurrentSession,
    new: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Add a member of staff (``new``) or change their record; a refusal shows the form again
    as typed."""
    only(current, DIRECTORY_KEEPERS)
    check_csrf(request, csrf)
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in TEXT_FIELDS}
    values |= {
        "phones": [str(p).strip() for p in form.getlist("phones")],
        "information_liaison": bool(form.get("information_liaison")),
        "roles": [str(r) for r in form.getlist("roles")],
        "active": bool(form.get("active")),
    }
    problem: ApiProblem | None = None
    if not STAFF_ID.fullmatch(values["staff_id"]):
        message = "staff_id is 2 to 40 lower-case letters, digits, - or _"
        problem = ApiProblem(422, message, [{"field": "staff_id", "message": message}])
    elif new:
        problem = await _taken(current, values["staff_id"])
    if problem is None:
        try:
            await current.api.put_staff_member(
                values["staff_id"], staff_body(values), key or str(uuid.uuid4())
            )
        except ApiProblem as refused:
            problem = signed_in(refused)
    if problem is not None:
        return await _member_page(
            request,
            current,
            values=values,
            new=bool(new),
            key=key_after(problem, key),
            problem=problem,
            stored=None if new else await _stored(current, values["staff_id"]),
        )
    site = "" if values["site_id"] == COMPANY else values["site_id"]
    return redirect(f"/staff?{urlencode({'site_id': site, 'saved': values['name']})}")


async def _taken(current: Session, staff_id: str) -> ApiProblem | None:
    """A new member under an id already given: adding them would change that record."""
    try:
        await current.api.staff_member(staff_id)
    except ApiProblem:
        return None  # not found, or the PUT says what is wrong
    message = f"{staff_id} is already a member of staff: change their record instead"
    return ApiProblem(409, message, [{"field": "staff_id", "message": message}])


async def _stored(current: Session, staff_id: str) -> dict[str, Any] | None:
    """The member as intake keeps them, or None when it does not answer with them."""
    try:
        return await current.api.staff_member(staff_id)
    except ApiProblem as refused:
        signed_in(refused)
        return None


@router.post("/staff/{staff_id}/handover", response_class=HTMLResponse)
async def hand_over(
    request: Request,
    staff_id: str,
    current: CurrentSession,
    successor_id: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    to_site: Annotated[str, Form()] = "",
    open_items: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Hand the member's job over (DUTY-25) and go to the handover; a refusal shows the member's
    page again with the handover form as typed, the refusal beside its field."""
    only(current, JOB_HANDERS)
    check_csrf(request, csrf)
    staff_id = _staff_id(staff_id)
    values = {
        "successor_id": successor_id.strip(),
        "reason": reason,
        "to_site": to_site.strip(),
        "open_items": open_items,
    }
    try:
        handed = await current.api.hand_over_job(
            staff_id, handover_body(values), key or str(uuid.uuid4())
        )
    except ApiProblem as refused:
        problem = signed_in(refused)
        try:
            found = await current.api.staff_member(staff_id)
        except ApiProblem as gone:
            return refused_page(request, current, gone)
        handover = {"values": values, "problem": problem, "key": key_after(problem, key)}
        return await _member_page(
            request,
            current,
            values=form_values(found),
            new=False,
            stored=found,
            handover=handover,
        )
    return redirect(f"/job-handovers/{handed['handover_id']}")
