"""The phone book agents transfer calls to (KB-12): the numbers of departments, contractors and
utilities, and the staff of the user's sites and the company, found by words (name, purpose,
department, number). ``/phone-book`` is the full page, where the supervisor and the directory's
keepers add, change and remove numbers; ``/phone-book/lookup`` is the compact search beside the
register form, so an agent on a call finds where to transfer it without leaving the call."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import ALL_SITES

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    DIRECTORY_KEEPERS,
    PHONE_BOOK_KEEPERS,
    Session,
    check_csrf,
    key_after,
    may,
    only,
    redirect,
    render,
    require,
    session,
    signed_in,
)
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
PAGE = 50
LOOKUP = 8
"""Numbers the compact search shows: the agent types more words rather than scrolls."""
COMPANY = "*"
"""The company's own numbers, seen at every site (intake's site ``*``)."""
DEPARTMENTS = (
    "maintenance",
    "housekeeping",
    "marketing",
    "quality_control",
    "planning_finance",
    "customer_service",
    "security",
)
"""intake's Department, in the manual's order."""
FIELDS = ("site_id", "name", "number", "purpose", "department")
MAX_WORDS = 60


def search_params(q: str, site_id: str, limit: int, offset: int = 0) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit, "offset": max(offset, 0)}
    if q.strip():
        params["q"] = q.strip()[:MAX_WORDS]
    if site_id:
        params["site_id"] = site_id
    return params


def entry_body(values: dict[str, str]) -> dict[str, Any]:
    return {
        "site_id": values["site_id"],
        "name": values["name"],
        "number": values["number"],
        "purpose": values["purpose"],
        "department": values["department"] or None,
    }


async def _page(
    request: Request,
    current: Session,
    *,
    q: str = "",
    site_id: str = "",
    offset: int = 0,
    failed: str = "",
    values: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    """The phone book found by ``q``; ``failed`` names the form the API refused (``new``, or the
    entry's id) to show beside it what it said and what the user typed."""
    sites, sites_problem = await sites_or_problem(current)
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    listed: ApiProblem | None = None
    try:
        page = await current.api.phone_book(search_params(q, site_id, PAGE, offset))
    except ApiProblem as refused:
        listed = signed_in(refused)
    filters = {"q": q, "site_id": site_id}
    keeper = may(current, PHONE_BOOK_KEEPERS)
    choices = list(sites)
    if keeper and ALL_SITES in current.principal.sites:
        choices.insert(0, {"site_id": COMPANY, "name": ""})
    template = "_phone_book_table.html" if request.headers.get("HX-Request") else "phone_book.html"
    shown_problem = problem or listed or sites_problem
    return render(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "query": urlencode({name: value for name, value in filters.items() if value}),
            "list_path": "/phone-book",
            "sites": sites,
            "entry_sites": choices,
            "departments": DEPARTMENTS,
            "may_keep": keeper,
            "may_keep_staff": may(current, DIRECTORY_KEEPERS),
            "failed": failed,
            "values": values or {},
            "problem": shown_problem,
            "list_problem": listed or sites_problem,
            "errors": problem.by_field() if problem else {},
            "key": (values or {}).get("key") or str(uuid.uuid4()),
            "new_id": (values or {}).get("entry_id") if failed == "new" else str(uuid.uuid4()),
            "done": request.query_params.get("done", ""),
            "removed": request.query_params.get("removed", ""),
        },
        current=current,
        status_code=200 if shown_problem is None else min(shown_problem.status, 503),
    )


@router.get("/phone-book", response_class=HTMLResponse)
async def phone_book(
    request: Request, current: CurrentSession, q: str = "", site_id: str = "", offset: int = 0
) -> Response:
    require(current, "phone_book")
    return await _page(request, current, q=q, site_id=site_id, offset=offset)


@router.get("/phone-book/lookup", response_class=HTMLResponse)
async def look_up(request: Request, current: CurrentSession, q: str = "") -> Response:
    """The compact search beside the register form (htmx, as the agent types)."""
    require(current, "phone_book")
    results: list[dict[str, Any]] = []
    problem: ApiProblem | None = None
    if q.strip():
        try:
            results = (await current.api.phone_book(search_params(q, "", LOOKUP)))["items"]
        except ApiProblem as refused:
            problem = signed_in(refused)
    return render(
        request,
        "_phone_lookup.html",
        {"results": results, "q": q, "problem": problem},
        current=current,
    )


def _entry_id(entry_id: str) -> str:
    try:
        return str(uuid.UUID(entry_id))
    except ValueError:
        raise HTTPException(404, "no_such_entry") from None


@router.post("/phone-book", response_class=HTMLResponse)
async def record_entry(
    request: Request,
    current: CurrentSession,
    entry_id: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    q: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Add a number (``new``) or change one; a refusal shows the form again as typed."""
    only(current, PHONE_BOOK_KEEPERS)
    check_csrf(request, csrf)
    entry_id = _entry_id(entry_id)
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in FIELDS}
    try:
        await current.api.put_phone_book_entry(
            entry_id, entry_body(values), key or str(uuid.uuid4())
        )
    except ApiProblem as problem:
        signed_in(problem)
        kept = values | {"key": key_after(problem, key), "entry_id": entry_id}
        failed = "new" if new else entry_id
        return await _page(request, current, q=q, failed=failed, values=kept, problem=problem)
    return redirect(f"/phone-book?{urlencode({'q': values['number'], 'done': entry_id})}")


@router.post("/phone-book/{entry_id}/removal", response_class=HTMLResponse)
async def remove_entry(
    request: Request,
    entry_id: str,
    current: CurrentSession,
    name: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Take a number out of the phone book (intake keeps it for the record)."""
    only(current, PHONE_BOOK_KEEPERS)
    check_csrf(request, csrf)
    entry_id = _entry_id(entry_id)
    try:
        await current.api.remove_phone_book_entry(entry_id, key or str(uuid.uuid4()))
    except ApiProblem as problem:
        return await _page(request, current, problem=signed_in(problem))
    return redirect(f"/phone-book?{urlencode({'removed': name or entry_id})}")
