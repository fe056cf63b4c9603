"""The supervisor's queue of answers owed (KB-04): requests whose resident awaits a first answer
or a promised reply, the oldest call first, each with its due time; overdue ones in red."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import Session, local, past, render, require, session, signed_in
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
PAGE = 50


def owed_now(item: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """What the resident is owed: a first answer, a promised reply (its tier), or both; each with
    when it is due and whether it is late (past due, or already counted overdue by intake)."""
    owed = []
    if item["first_answer_due_at"]:
        late = item["first_answer_overdue_at"] is not None or past(item["first_answer_due_at"], now)
        owed.append({"what": "first_answer", "due_at": item["first_answer_due_at"], "late": late})
    promise = next((p for p in reversed(item["promises"]) if p["kept_at"] is None), None)
    if promise is not None:
        late = promise["breached_at"] is not None or past(promise["due_at"], now)
        owed.append({"what": promise["tier"], "due_at": promise["due_at"], "late": late})
    return owed


@router.get("/answers/owed", response_class=HTMLResponse)
async def owed(
    request: Request, current: CurrentSession, site_id: str = "", offset: int = 0
) -> Response:
    require(current, "owed")
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    if site_id:
        params["site_id"] = site_id
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    problem: ApiProblem | None = None
    try:
        page = await current.api.owed(params)
    except ApiProblem as refused:
        problem = signed_in(refused)
    now = datetime.now(UTC)
    for item in page["items"]:
        item["owed"] = owed_now(item, now)
        for owed_thing in item["owed"]:
            owed_thing["due_local"] = local(request, owed_thing["due_at"])
        item["late"] = any(owed_thing["late"] for owed_thing in item["owed"])
        item["registered_local"] = local(request, item["registered_at"])
    sites, sites_problem = await sites_or_problem(current)
    problem = problem or sites_problem
    filters = {"site_id": site_id}
    template = "_owed_table.html" if request.headers.get("HX-Request") else "owed.html"
    return render(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "query": urlencode({name: value for name, value in filters.items() if value}),
            "list_path": "/answers/owed",
            "sites": sites,
            "problem": problem,
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )
