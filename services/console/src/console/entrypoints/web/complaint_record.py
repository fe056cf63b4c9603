"""A site's daily complaint-handling record (顾客投诉处理记录表, CMP-18): the complaints received
that day, acted on that day, or still open at its end, with the day's counts; downloaded as CSV
or XLSX through the console (the file intake writes, fetched with the user's token)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    FILE_FORMATS,
    Session,
    file_download,
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


async def today_at(request: Request, current: Session, site_id: str) -> str:
    """Today in the site's time zone (its business day), else in the console's."""
    zone_name = settings_of(request).time_zone
    try:
        zone_name = (await current.api.site(site_id)).get("time_zone") or zone_name
    except ApiProblem as refused:
        signed_in(refused)
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings_of(request).time_zone)
    return datetime.now(zone).date().isoformat()


def valid_day(day: str) -> str:
    """The day as YYYY-MM-DD, or 404 (a hand-typed address, not the form's)."""
    try:
        return date.fromisoformat(day).isoformat()
    except ValueError:
        raise HTTPException(404, "not_found") from None


@router.get("/complaints/daily-record", response_class=HTMLResponse)
async def daily_record(
    request: Request, current: CurrentSession, site_id: str = "", day: str = ""
) -> Response:
    """The record of the chosen site and day (the user's first site, today, by default)."""
    require(current, "complaint_record")
    sites, problem = await sites_or_problem(current)
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    day = valid_day(day) if day else (await today_at(request, current, site_id) if site_id else "")
    record: dict[str, Any] | None = None
    if site_id and day:
        try:
            record = await current.api.daily_complaint_record(site_id, day)
        except ApiProblem as refused:
            return refused_page(request, current, refused)
    for line in (record or {}).get("lines", []):
        line["received_local"] = str(line["received_at"])[:16].replace("T", " ")
    return render(
        request,
        "complaint_record.html",
        {
            "sites": sites,
            "site_id": site_id,
            "day": day,
            "record": record,
            "formats": FILE_FORMATS,
            "problem": problem,
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/complaints/daily-record/file")
async def daily_record_file(
    request: Request,
    current: CurrentSession,
    site_id: str,
    day: str,
    format_: Annotated[str, Query(alias="format")] = "csv",
) -> Response:
    """The record as intake writes it, downloaded under intake's file name."""
    require(current, "complaint_record")
    if format_ not in FILE_FORMATS:
        raise HTTPException(404, "not_found")
    try:
        sent = await current.api.daily_complaint_record_file(site_id, valid_day(day), format_)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    return file_download(sent, format_, f"complaints-{site_id}-{day}")
