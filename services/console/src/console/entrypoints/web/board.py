"""The incident board (INC-01, INC-02) and the monthly report with its chart (CMP-22, KB-11)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    REGISTRARS,
    Session,
    check_csrf,
    local,
    redirect,
    render,
    require,
    session,
    settings_of,
    signed_in,
)
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
KINDS = (
    "water_outage",
    "power_outage",
    "gas_outage",
    "lift_out_of_service",
    "lift_entrapment",
    "fire_alarm",
    "typhoon",
    "public_security",
    "other",
)
CHART = ("registered", "accepted", "declined", "redirected", "promises_kept_on_time")


async def _board(
    request: Request, current: Session, problem: ApiProblem | None = None
) -> HTMLResponse:
    page: dict[str, Any] = {"items": []}
    try:
        page = await current.api.incidents({"open": "true", "limit": 100})
    except ApiProblem as refused:
        problem = problem or signed_in(refused)
    for item in page["items"]:
        item["declared_local"] = local(request, item["declared_at"])
        item["expected_local"] = local(request, item["expected_end_at"])
    sites, sites_problem = await sites_or_problem(current)
    problem = problem or sites_problem
    return render(
        request,
        "incidents.html",
        {
            "page": page,
            "kinds": KINDS,
            "sites": sites,
            "may_declare": current.principal.role in REGISTRARS,
            "problem": problem,
            "key": str(uuid.uuid4()),
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/incidents", response_class=HTMLResponse)
async def incident_board(request: Request, current: CurrentSession) -> Response:
    require(current, "incidents")
    return await _board(request, current)


@router.post("/incidents", response_class=HTMLResponse)
async def declare(
    request: Request,
    current: CurrentSession,
    site_id: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    script: Annotated[str, Form()] = "",
    buildings: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    require(current, "incidents")
    check_csrf(request, csrf)
    body = {
        "site_id": site_id,
        "kind": kind,
        "title": title,
        "script": script,
        "buildings": [b.strip() for b in buildings.replace("，", ",").split(",") if b.strip()],
    }
    try:
        await current.api.declare_incident(body, key or str(uuid.uuid4()))
    except ApiProblem as problem:
        return await _board(request, current, signed_in(problem))
    return redirect("/incidents")


@router.get("/reports/monthly", response_class=HTMLResponse)
async def monthly_report(
    request: Request, current: CurrentSession, site_id: str = "", month: str = ""
) -> Response:
    require(current, "report")
    sites, sites_problem = await sites_or_problem(current)
    zone = ZoneInfo(settings_of(request).time_zone)
    month = month or datetime.now(zone).strftime("%Y-%m")
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    report: dict[str, Any] | None = None
    problem = sites_problem
    if site_id:
        try:
            report = await current.api.monthly_report(site_id, month)
        except ApiProblem as refused:
            problem = signed_in(refused)
    bars: list[dict[str, Any]] = []
    if report:
        top = max((f["registered"] for f in report["boards"].values()), default=0) or 1
        for board, figures in report["boards"].items():
            bars.append(
                {
                    "board": board,
                    "registered": figures["registered"],
                    "width": round(300 * figures["registered"] / top),
                }
            )
    return render(
        request,
        "report.html",
        {
            "sites": sites,
            "site_id": site_id,
            "month": month,
            "report": report,
            "bars": bars,
            "chart": CHART,
            "problem": problem,
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )
