"""A site's organisation on one page: its buildings (CH-13, CMP-14) with their units, floor
area, owners on record and the stewards covering each (a building nobody covers highlighted),
and its departments (ORG-06, ORG-07) with their staff and information liaisons (a department
without one highlighted)."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import Role

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    REQUEST_READERS,
    Session,
    may,
    redirect,
    refused_page,
    render,
    require,
    session,
)
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
BUILDING_READERS = REQUEST_READERS | {Role.FINANCE}
"""Who reads a site's buildings (intake's list_buildings: owners on record are personal data);
every member of staff reads its departments."""
SITE_ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


@router.get("/organisation", response_class=HTMLResponse)
async def choose_site(request: Request, current: CurrentSession, site_id: str = "") -> Response:
    """The chosen site's page; the user's first site when none is chosen."""
    require(current, "site_organisation")
    if not site_id:
        sites, problem = await sites_or_problem(current)
        if problem is not None:
            return refused_page(request, current, problem)
        if not sites:
            raise HTTPException(404, "not_found")
        site_id = sites[0]["site_id"]
    return redirect(f"/organisation/{quote(site_id)}")


@router.get("/organisation/{site_id}", response_class=HTMLResponse)
async def site_organisation(request: Request, current: CurrentSession, site_id: str) -> Response:
    require(current, "site_organisation")
    if not SITE_ID.match(site_id):
        raise HTTPException(404, "not_found")
    buildings: dict[str, Any] | None = None
    try:
        if may(current, BUILDING_READERS):
            buildings = await current.api.buildings(site_id)
        departments = await current.api.departments(site_id)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    sites, problem = await sites_or_problem(current)
    return render(
        request,
        "site_organisation.html",
        {
            "sites": sites,
            "site_id": site_id,
            "buildings": buildings,
            "uncovered": set((buildings or {}).get("uncovered", [])),
            "departments": departments,
            "without_liaison": set(departments.get("without_liaison", [])),
            "problem": problem,
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )
