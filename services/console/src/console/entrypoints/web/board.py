"""The incident board (INC-01, INC-02) and the monthly report with its chart (CMP-22, KB-11):
each board's figures, the answers quality control read against policy and those found against
it (KB-05, KB-15), and the report's sign-offs: prepared by the call-centre supervisor, reviewed
by quality control, approved by the director, in that order, each by another person; the page
offers the next one to the role that signs it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import Role

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    FILE_FORMATS,
    REGISTRARS,
    Session,
    check_csrf,
    file_download,
    key_after,
    local,
    only,
    redirect,
    refused_page,
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
STAGES = ("prepared", "reviewed", "approved")
"""The report's sign-offs, in the order intake takes them."""
REPORT_SIGNERS: dict[str, frozenset[Role]] = {
    "prepared": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    "reviewed": frozenset({Role.QUALITY_HEAD, Role.ADMIN}),
    "approved": frozenset({Role.DIRECTOR, Role.ADMIN}),
}
"""Who signs each stage, as intake's sign-off route decides: the call-centre supervisor prepares,
quality control reviews, the director approves; the platform's admin may sign any."""
SIGNING_ROLES = frozenset().union(*REPORT_SIGNERS.values())


def signoff_stages(signoffs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each stage in order with who signed it and when (``None`` while unsigned); ``next`` marks
    the first one unsigned, the one intake takes next."""
    signed = {s["stage"]: s for s in signoffs}
    stages: list[dict[str, Any]] = []
    for stage in STAGES:
        found = signed.get(stage)
        waiting = found is None and not any(s["next"] for s in stages)
        stages.append(
            {
                "stage": stage,
                "by": found["by"] if found else None,
                "at": found["at"] if found else None,
                "next": waiting,
            }
        )
    return stages


def stage_to_sign(signoffs: list[dict[str, Any]], role: Role) -> str | None:
    """The stage ``role`` may sign now: the next one, if ``role`` signs it; none once approved."""
    waiting = next((s["stage"] for s in signoff_stages(signoffs) if s["next"]), None)
    return waiting if waiting is not None and role in REPORT_SIGNERS[waiting] else None


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


async def _report_page(
    request: Request,
    current: Session,
    site_id: str,
    month: str,
    *,
    sign_problem: ApiProblem | None = None,
    key: str = "",
) -> HTMLResponse:
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
    stages: list[dict[str, Any]] = []
    sign_next: str | None = None
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
        signoffs = report.get("signoffs") or []
        stages = signoff_stages(signoffs)
        for stage in stages:
            stage["at_local"] = local(request, stage["at"])
        sign_next = stage_to_sign(signoffs, current.principal.role)
    signed = request.query_params.get("signed", "")
    status = problem.status if problem else sign_problem.status if sign_problem else 200
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
            "stages": stages,
            "sign_next": sign_next,
            "sign_problem": sign_problem,
            "signed": signed if signed in STAGES else "",
            "formats": FILE_FORMATS,
            "key": key or str(uuid.uuid4()),
        },
        current=current,
        status_code=min(status, 503),
    )


@router.get("/reports/monthly", response_class=HTMLResponse)
async def monthly_report(
    request: Request, current: CurrentSession, site_id: str = "", month: str = ""
) -> Response:
    require(current, "report")
    return await _report_page(request, current, site_id, month)


@router.get("/reports/monthly/file")
async def monthly_report_file(
    request: Request,
    current: CurrentSession,
    site_id: str,
    month: str,
    format_: Annotated[str, Query(alias="format")] = "csv",
) -> Response:
    """The site's month as intake writes it (the XLSX with its chart of the boards),
    downloaded under intake's file name."""
    require(current, "report")
    if format_ not in FILE_FORMATS:
        raise HTTPException(404, "not_found")
    try:
        sent = await current.api.monthly_report_file(site_id, month, format_)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    return file_download(sent, format_, f"report-{site_id}-{month}")


@router.post("/reports/monthly/sign-offs", response_class=HTMLResponse)
async def sign_report(
    request: Request,
    current: CurrentSession,
    site_id: Annotated[str, Form()] = "",
    month: Annotated[str, Form()] = "",
    stage: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Sign the site's month at ``stage`` (CMP-22); intake keeps the order and that each stage
    is signed by another person, and the page shows its refusal beside the sign-offs."""
    require(current, "report")
    only(current, SIGNING_ROLES)
    check_csrf(request, csrf)
    try:
        await current.api.sign_monthly_report(
            quote(site_id, safe=""), quote(month, safe=""), stage, key or str(uuid.uuid4())
        )
    except ApiProblem as refused:
        problem = signed_in(refused)
        return await _report_page(
            request, current, site_id, month, sign_problem=problem, key=key_after(problem, key)
        )
    query = urlencode({"site_id": site_id, "month": month, "signed": stage})
    return redirect(f"/reports/monthly?{query}#signoffs")
