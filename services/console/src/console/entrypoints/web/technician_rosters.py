"""The technicians' monthly roster (维修/服务人员排班表) over dispatch's roster routes.

``/technician-rosters?site_id=&month=`` shows a site's month as a grid: a row per technician of
the site (name, trades, skills), a column per day, each cell the shifts they work that day. The
month opens on next month in the site's time, the one to publish by the 25th. A draft (or a month
not drafted yet) is ticked shift by shift and saved whole, then published; a published month is
read-only and changes by absences only (leave, sick leave, a day off in lieu, a swap), each with
who covers or nobody, which the page lists and records. Beside the month, who is on shift now
(by the published roster, or every available technician when there is none). Dispatch decides
every rule; the page shows its refusal beside the form that was refused, as typed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.working_days import next_month as month_after

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ON_SHIFT_READERS,
    ROSTER_KEEPERS,
    ROSTER_READERS,
    Session,
    by_field,
    check_csrf,
    key_after,
    only,
    redirect,
    render,
    session,
    settings_of,
    signed_in,
)
from console.entrypoints.web.duty import SHIFTS
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

MONTH = re.compile(r"20\d{2}-(0[1-9]|1[0-2])")
"""YYYY-MM, as dispatch's roster routes take it."""
PUBLISH_BY_DAY = 25
"""A month's roster is published by the end of the 25th of the month before (dispatch's rule)."""
ABSENCE_KINDS = ("sick_leave", "leave", "day_off_in_lieu", "swap")
FORMS = ("draft", "absence")
DONE = ("draft", "published", "absence")
ENTRY = "/"
"""How a ticked cell's value joins day, shift and technician id (the id last: it may hold one)."""


# -- the month, its days and its deadline ---------------------------------------------------------
def zone_of(name: str | None, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


def month_before(month: str) -> str:
    first = date.fromisoformat(f"{month}-01")
    return (first - timedelta(days=1)).strftime("%Y-%m")


def next_month(now: datetime, zone: ZoneInfo) -> str:
    """The month after ``now``'s in the site's time: the roster being drafted."""
    return month_after(now.astimezone(zone).strftime("%Y-%m"))


def days_of(month: str) -> list[dict[str, Any]]:
    """The month's days: ISO date, day of the month, weekday (0 Monday) and weekend."""
    first = date.fromisoformat(f"{month}-01")
    days = []
    day = first
    while day.month == first.month:
        days.append(
            {
                "iso": day.isoformat(),
                "number": day.day,
                "weekday": day.weekday(),
                "weekend": day.weekday() >= 5,
            }
        )
        day += timedelta(days=1)
    return days


def due_at(month: str, zone: ZoneInfo) -> datetime:
    """The end of the 25th of the month before, in the site's time (when dispatch counts a roster
    not yet published late); what the page shows before dispatch has the month."""
    first = date.fromisoformat(f"{month}-01")
    due_day = (first - timedelta(days=1)).replace(day=PUBLISH_BY_DAY) + timedelta(days=1)
    return datetime.combine(due_day, time(0), tzinfo=zone)


def wall_clock(moment: str | datetime | None, zone: ZoneInfo) -> str:
    """A moment as the site's wall-clock time, to the minute."""
    if not moment:
        return ""
    when = moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


# -- the grid -------------------------------------------------------------------------------------
def entry_key(day: str, shift: str, technician_id: str) -> str:
    return ENTRY.join((day, shift, technician_id))


def entries_ticked(values: Iterable[str]) -> list[dict[str, str]]:
    """The ticked cells as dispatch's entries, each once, in the grid's order; a value that is
    not day/shift/technician is refused (ValueError) before dispatch is asked."""
    entries: dict[str, dict[str, str]] = {}
    for value in values:
        parts = value.split(ENTRY, 2)
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{value!r} is not a day, a shift and a technician")
        day, shift, technician_id = parts
        entries[value] = {"day": day, "shift": shift, "technician_id": technician_id}
    return [entries[key] for key in sorted(entries)]


def technician_rows(
    technicians: list[dict[str, Any]],
    roster: Mapping[str, Any] | None,
    sent: Iterable[Mapping[str, str]] = (),
) -> list[dict[str, Any]]:
    """The site's technicians, then anyone the roster (or the draft sent and refused) names whom
    the site's list lacks: a technician reading the roster is not shown the list, only the ids;
    a refused tick stays on screen to be taken off."""
    rows = [dict(t) for t in technicians]
    known = {t["technician_id"] for t in rows}
    named = [e["technician_id"] for e in sent]
    if roster:
        named += [e["technician_id"] for e in roster["entries"]]
        for absence in roster["absences"]:
            named += [absence["technician_id"], absence["cover_by"] or ""]
    for technician_id in named:
        if technician_id and technician_id not in known:
            known.add(technician_id)
            rows.append(
                {
                    "technician_id": technician_id,
                    "name": technician_id,
                    "trades": [],
                    "skills": [],
                    "on_duty": True,
                }
            )
    return rows


def worked_cells(roster: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """What a published (or read-only) roster's cells show, by ``technician/day``: each shift
    worked in the roster's order of shifts, an absence from it (its kind), or a shift covered for
    someone (whom)."""
    order = {s["code"]: n for n, s in enumerate(roster["shifts"])}
    absent = {(a["technician_id"], a["day"], a["shift"]): a for a in roster["absences"]}
    cells: dict[str, list[dict[str, Any]]] = {}
    for entry in roster["entries"]:
        gone = absent.get((entry["technician_id"], entry["day"], entry["shift"]))
        cells.setdefault(f"{entry['technician_id']}/{entry['day']}", []).append(
            {"shift": entry["shift"], "absence": gone["kind"] if gone else None, "covers": None}
        )
    for absence in roster["absences"]:
        if absence["cover_by"]:
            cells.setdefault(f"{absence['cover_by']}/{absence['day']}", []).append(
                {"shift": absence["shift"], "absence": None, "covers": absence["technician_id"]}
            )
    for worked in cells.values():
        worked.sort(key=lambda c: order.get(c["shift"], len(order)))
    return cells


def bad_entries(
    problem: ApiProblem | None, sent: list[dict[str, str]]
) -> tuple[set[str], list[dict[str, str]]]:
    """The cells (``technician/day``) of the entries dispatch named at fault
    (``entries[3].technician_id``), and each with its message."""
    cells: set[str] = set()
    named: list[dict[str, str]] = []
    for name, message in by_field(problem).items():
        found = re.fullmatch(r"entries\.(\d+)(?:\.\w+)?", name)
        if found is None or int(found.group(1)) >= len(sent):
            continue
        entry = sent[int(found.group(1))]
        cells.add(f"{entry['technician_id']}/{entry['day']}")
        named.append(entry | {"message": message})
    return cells, named


# -- the page ---------------------------------------------------------------------------------------
async def _site(current: Session, site_id: str) -> dict[str, Any]:
    """The site's settings (its time zone and shifts), or none when intake does not answer."""
    try:
        return await current.api.site(site_id)
    except ApiProblem as refused:
        signed_in(refused)
        return {}


async def _technicians(current: Session, site_id: str) -> list[dict[str, Any]]:
    """The site's technicians; none for a role dispatch does not list them to (a technician)."""
    try:
        return list((await current.api.technicians(site_id))["items"])
    except ApiProblem as refused:
        signed_in(refused)
        return []


async def _on_shift(current: Session, site_id: str, zone: ZoneInfo) -> dict[str, Any] | None:
    """Who is on shift now, for the panel; None for a role dispatch does not tell."""
    if current.principal.role not in ON_SHIFT_READERS:
        return None
    try:
        found = await current.api.technicians_on_shift(site_id)
    except ApiProblem as refused:
        return {"problem": signed_in(refused), "technicians": []}
    return {
        "problem": None,
        "at_local": wall_clock(found["at"], zone),
        "by_roster": found["by_roster"],
        "technicians": found["technicians"],
    }


async def _roster_page(
    request: Request,
    current: Session,
    site_id: str,
    month: str,
    *,
    failed: str = "",
    values: Mapping[str, Any] | None = None,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, sites_problem = await sites_or_problem(current)
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    fallback = settings_of(request).time_zone
    site = await _site(current, site_id) if site_id else {}
    zone = zone_of(site.get("time_zone"), fallback)
    now = datetime.now(UTC)
    month = month.strip() or next_month(now, zone)
    roster: dict[str, Any] | None = None
    roster_problem: ApiProblem | None = None
    if not MONTH.fullmatch(month):
        roster_problem = ApiProblem(422, f"month {month!r} is not YYYY-MM")
        month = ""
    elif site_id:
        try:
            roster = await current.api.technician_roster(site_id, month)
        except ApiProblem as refused:
            if refused.status != 404:  # 404: none drafted yet, an empty grid to start it
                roster_problem = signed_in(refused)
    load_problem = roster_problem or sites_problem
    technicians = await _technicians(current, site_id) if site_id and month else []
    values = dict(values or {})
    sent: list[dict[str, str]] = list(values.get("entries") or []) if failed == "draft" else []
    rows = technician_rows(technicians, roster, sent)
    names = {t["technician_id"]: t["name"] for t in rows}
    if roster is not None:
        zone = zone_of(roster.get("zone"), fallback)
        shifts = list(roster["shifts"])
        status, due, late = roster["status"], roster["due_at"], roster["late"]
    else:
        shifts = list(site.get("shifts") or [{"code": c, "starts": "", "ends": ""} for c in SHIFTS])
        status = "none"
        due = due_at(month, zone) if month else None
        late = due is not None and due <= now
    if failed == "draft":
        ticked = {entry_key(e["day"], e["shift"], e["technician_id"]) for e in sent}
    else:
        entries = roster["entries"] if roster else []
        ticked = {entry_key(e["day"], e["shift"], e["technician_id"]) for e in entries}
    bad_cells, bad = bad_entries(problem if failed == "draft" else None, sent)
    keeper = current.principal.role in ROSTER_KEEPERS
    shown_roster = bool(site_id and month) and roster_problem is None
    editable = keeper and shown_roster and status != "published"
    may_record_absence = keeper and status == "published"
    beside_its_form = (failed == "draft" and editable) or (
        failed == "absence" and may_record_absence
    )
    absences = []
    for absence in roster["absences"] if roster else []:
        absences.append(absence | {"recorded_local": wall_clock(absence["recorded_at"], zone)})
    fresh = str(uuid.uuid4())
    keys = {form: f"{fresh}-{form}" for form in FORMS}
    if failed in keys and values.get("key"):
        keys[failed] = str(values["key"])
    done = request.query_params.get("done", "")
    on_roster = sorted({e["technician_id"] for e in roster["entries"]}) if roster else []
    shown_problem = problem or load_problem
    status_code = shown_problem.status if shown_problem else 200
    return render(
        request,
        "technician_rosters.html",
        {
            "sites": sites,
            "site_id": site_id,
            "month": month,
            "previous_month": month_before(month) if month else "",
            "following_month": month_after(month) if month else "",
            "roster": roster,
            "status": status,
            "due_local": wall_clock(due, zone),
            "late": late,
            "published_local": wall_clock(roster["published_at"], zone) if roster else "",
            "zone": str(zone),
            "shifts": shifts,
            "days": days_of(month) if month else [],
            "rows": rows if shown_roster else [],
            "editable_technicians": {t["technician_id"] for t in technicians} if keeper else set(),
            "names": names,
            "ticked": ticked,
            "cells": worked_cells(roster) if roster else {},
            "bad_cells": bad_cells,
            "bad_entries": bad,
            "editable": editable,
            "may_record_absence": may_record_absence,
            "on_roster": on_roster,
            "absences": absences,
            "absence_kinds": ABSENCE_KINDS,
            "on_shift": await _on_shift(current, site_id, zone) if site_id else None,
            "failed": failed,
            "values": values,
            "errors": by_field(problem),
            "problem": problem,
            "load_problem": load_problem,
            "problem_on_top": problem is not None and not beside_its_form,
            "keys": keys,
            "done": done if done in DONE else "",
            "shift_codes": SHIFTS,
        },
        current=current,
        status_code=min(status_code, 503),
    )


def _back(site_id: str, month: str, done: str) -> Response:
    query = urlencode({"site_id": site_id, "month": month, "done": done})
    return redirect(f"/technician-rosters?{query}#roster")


@router.get("/technician-rosters", response_class=HTMLResponse)
async def technician_rosters(
    request: Request, current: CurrentSession, site_id: str = "", month: str = ""
) -> Response:
    only(current, ROSTER_READERS)
    return await _roster_page(request, current, site_id.strip(), month)


@router.post("/technician-rosters/draft", response_class=HTMLResponse)
async def save_draft(
    request: Request,
    current: CurrentSession,
    site_id: Annotated[str, Form()] = "",
    month: Annotated[str, Form()] = "",
    entry: Annotated[list[str] | None, Form()] = None,
    then: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Save the ticked cells as the month's draft (dispatch starts the roster if there is none);
    with ``then=publish``, publish it as saved: what the page showed is what is published."""
    only(current, ROSTER_KEEPERS)
    check_csrf(request, csrf)
    key = key or str(uuid.uuid4())
    try:
        entries = entries_ticked(entry or [])
    except ValueError as unreadable:
        refused = ApiProblem(
            422, str(unreadable), [{"field": "entries", "message": str(unreadable)}]
        )
        return await _roster_page(
            request, current, site_id, month, failed="draft", values={"key": key}, problem=refused
        )
    try:
        await current.api.draft_technician_roster(site_id, month, entries, key)
        if then == "publish":
            await current.api.publish_technician_roster(site_id, month, key)
    except ApiProblem as refused:
        signed_in(refused)
        values = {"entries": entries, "key": key_after(refused, key)}
        return await _roster_page(
            request, current, site_id, month, failed="draft", values=values, problem=refused
        )
    return _back(site_id, month, "published" if then == "publish" else "draft")


@router.post("/technician-rosters/absences", response_class=HTMLResponse)
async def record_absence(
    request: Request,
    current: CurrentSession,
    site_id: Annotated[str, Form()] = "",
    month: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    technician_id: Annotated[str, Form()] = "",
    day: Annotated[str, Form()] = "",
    shift: Annotated[str, Form()] = "",
    cover_by: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Record a technician off a published shift and who covers it (none: it runs short)."""
    only(current, ROSTER_KEEPERS)
    check_csrf(request, csrf)
    key = key or str(uuid.uuid4())
    body = {
        "kind": kind,
        "technician_id": technician_id,
        "day": day,
        "shift": shift,
        "cover_by": cover_by or None,
        "reason": reason,
    }
    try:
        await current.api.record_technician_absence(site_id, month, body, key)
    except ApiProblem as refused:
        signed_in(refused)
        values = body | {"cover_by": cover_by, "key": key_after(refused, key)}
        return await _roster_page(
            request, current, site_id, month, failed="absence", values=values, problem=refused
        )
    return _back(site_id, month, "absence")
