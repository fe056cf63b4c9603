"""A member of staff's job handed over when they resign or transfer (岗位交接, DUTY-25; like a
shift's handover, written down and taken over by a signature, DUTY-15).

The member's page (staff.py) hands the job over: to whom, why, where a transferee goes, what is
open. ``/job-handovers/{id}`` shows it: the leaver and the successor, what was written down, the
complaints and promised replies intake found the leaver still owes (each linking to its request),
the buildings and liaison duty that go with the job, who handed it over and who took it over.
The successor, or a supervisor for them, takes it over there; intake decides who may and says
why not. Until then the leaver keeps it all, and intake refuses marking them gone or moved
(409): the member's page shows that refusal with a way to the handover form.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import ALL_SITES

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    DIRECTORY_KEEPERS,
    DUTY_SIGNERS,
    STAFF,
    Session,
    by_field,
    check_csrf,
    key_after,
    local,
    may,
    only,
    redirect,
    refused_page,
    render,
    session,
    signed_in,
)

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

JOB_HANDERS = DUTY_SIGNERS | DIRECTORY_KEEPERS
"""Who hands a leaver's job over, and may take it over for the successor: the supervisor, the
site's manager, the director, the directory's keepers (intake's JOB_HANDERS and ON_BEHALF)."""
REASONS = ("resigned", "transferred")
WORK_KINDS = ("complaint", "reply_promise")
STATES = ("pending", "accepted", "completed")
PENDING_SITES = 10
"""The most sites whose handovers the staff list reads to mark who is handing over (one call
each); a page spanning more is shown without the marks."""
SUCCESSORS = 500
"""The most of a site's staff read to offer as successors (intake's largest page)."""
_API_HINT = re.compile(r"\s*\(POST /staff/[^\s/]+/handover, DUTY-25\)")


def leaving_refusal(problem: ApiProblem | None) -> str | None:
    """Intake's refusal to mark someone gone, or move them, while they hold duties or owe
    residents (409 naming the handover route), worded for the page without the route: the page
    links to its handover form instead. None for any other problem."""
    if problem is None or problem.status != 409 or not _API_HINT.search(problem.detail):
        return None
    return _API_HINT.sub("", problem.detail).strip()


def pending_by_leaver(handovers: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each leaver's handover not completed yet, by their staff id (intake allows one at a
    time; the latest wins should an old one linger)."""
    pending: dict[str, dict[str, Any]] = {}
    for handover in handovers:
        if handover["completed_at"] is None:
            pending.setdefault(handover["staff_id"], handover)
    return pending


def successors(staff: Iterable[dict[str, Any]], member: dict[str, Any]) -> list[dict[str, Any]]:
    """Whom ``member``'s job may go to: the others still working at their site."""
    return [
        m
        for m in staff
        if m.get("active", True)
        and m["site_id"] == member["site_id"]
        and m["staff_id"] != member["staff_id"]
    ]


def handover_body(values: dict[str, str]) -> dict[str, Any]:
    """The form as intake takes it: the open items one a line (blank lines dropped), the site a
    transferee moves to as typed (intake refuses one given for a resignation)."""
    return {
        "successor_id": values["successor_id"],
        "reason": values["reason"],
        "to_site": values["to_site"].strip() or None,
        "open_items": [line.strip() for line in values["open_items"].splitlines() if line.strip()],
    }


def handover_state(handover: dict[str, Any]) -> str:
    """pending (the leaver still holds the job), accepted (taken over, intake still moving it:
    taking over again finishes), completed."""
    if handover["completed_at"] is not None:
        return "completed"
    return "accepted" if handover["accepted_at"] is not None else "pending"


def may_take_over(current: Session, handover: dict[str, Any], login: str | None) -> bool:
    """Whether to offer the take-over: to the successor (signed in as their login or staff id)
    and those who take it over for them, while it is not completed; intake decides in the end."""
    if handover["completed_at"] is not None:
        return False
    subject = current.principal.subject
    return may(current, JOB_HANDERS) or subject in {handover["successor_id"], login}


async def pending_on_sites(current: Session, sites: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The pending handovers of ``sites`` by leaver, to mark them in a list; none when there are
    too many sites to ask, and a site intake does not answer for is left unmarked (the company's
    staff are asked about for whoever works at every site only, as intake would refuse others)."""
    wanted = sorted({s for s in sites if s != ALL_SITES or ALL_SITES in current.principal.sites})
    if len(wanted) > PENDING_SITES:
        return {}
    found = await asyncio.gather(
        *(current.api.job_handovers(site) for site in wanted), return_exceptions=True
    )
    pending: dict[str, dict[str, Any]] = {}
    for answer in found:
        if isinstance(answer, ApiProblem):
            signed_in(answer)
        elif isinstance(answer, BaseException):
            raise answer
        else:
            pending |= pending_by_leaver(answer)
    return pending


async def member_context(
    current: Session,
    member: dict[str, Any],
    *,
    values: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
    key: str = "",
) -> dict[str, Any]:
    """What the member's page shows of their job handover: the one pending (theirs to hand over,
    or someone's for them to take over) and, for the roles that hand over, the form to hand it
    over with whom it may go to; ``values``, ``problem`` and ``key``: the form refused."""
    handovers: list[dict[str, Any]] = []
    if member["site_id"] != ALL_SITES or ALL_SITES in current.principal.sites:
        try:
            handovers = await current.api.job_handovers(member["site_id"])
        except ApiProblem as refused:
            signed_in(refused)
    pending = pending_by_leaver(handovers).get(member["staff_id"])
    taking_over = [
        h
        for h in handovers
        if h["completed_at"] is None and h["successor_id"] == member["staff_id"]
    ]
    offered = may(current, JOB_HANDERS) and bool(member.get("active", True)) and pending is None
    candidates: list[dict[str, Any]] = []
    if offered:
        try:
            staff = await current.api.staff({"site_id": member["site_id"], "limit": SUCCESSORS})
            candidates = successors(staff["items"], member)
        except ApiProblem as refused:
            problem = problem or signed_in(refused)
    return {
        "pending": pending,
        "taking_over": taking_over,
        "may": offered,
        "successors": candidates,
        "reasons": REASONS,
        "values": values
        or {"successor_id": "", "reason": "resigned", "to_site": "", "open_items": ""},
        "problem": problem,
        "errors": by_field(problem),
        "key": key or str(uuid.uuid4()),
    }


async def _names(current: Session, *staff_ids: str) -> dict[str, dict[str, Any]]:
    """The staff records of ``staff_ids`` that the user may read (a transferee moved to a site
    they do not cover is shown by id)."""
    found = await asyncio.gather(
        *(current.api.staff_member(staff_id) for staff_id in staff_ids), return_exceptions=True
    )
    records: dict[str, dict[str, Any]] = {}
    for staff_id, answer in zip(staff_ids, found, strict=True):
        if isinstance(answer, ApiProblem):
            signed_in(answer)
        elif isinstance(answer, BaseException):
            raise answer
        else:
            records[staff_id] = answer
    return records


async def _handover_page(
    request: Request,
    current: Session,
    handover_id: uuid.UUID,
    *,
    problem: ApiProblem | None = None,
    key: str = "",
) -> HTMLResponse:
    try:
        handover = await current.api.job_handover(str(handover_id))
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    people = await _names(current, handover["staff_id"], handover["successor_id"])
    successor = people.get(handover["successor_id"], {})
    for moment in ("handed_at", "accepted_at", "completed_at"):
        handover[f"{moment}_local"] = local(request, handover[moment])
    done = request.query_params.get("done", "")
    return render(
        request,
        "job_handover.html",
        {
            "h": handover,
            "state": handover_state(handover),
            "leaver": people.get(handover["staff_id"]),
            "successor": successor or None,
            "may_take_over": may_take_over(current, handover, successor.get("login")),
            "may_read_staff": may(current, JOB_HANDERS),  # staff.py's STAFF_READERS
            "done": done == "accepted",
            "problem": problem,
            "errors": by_field(problem),
            "key": key or str(uuid.uuid4()),
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/job-handovers/{handover_id:uuid}", response_class=HTMLResponse)
async def job_handover(
    request: Request, handover_id: uuid.UUID, current: CurrentSession
) -> Response:
    only(current, STAFF)
    return await _handover_page(request, current, handover_id)


@router.post("/job-handovers/{handover_id:uuid}/acceptance", response_class=HTMLResponse)
async def take_over(
    request: Request,
    handover_id: uuid.UUID,
    current: CurrentSession,
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """The successor, or a supervisor for them, takes the job over; intake's refusal (someone
    else) is shown beside the button."""
    only(current, STAFF)
    check_csrf(request, csrf)
    try:
        await current.api.accept_job_handover(str(handover_id), key or str(uuid.uuid4()))
    except ApiProblem as problem:
        signed_in(problem)
        return await _handover_page(
            request, current, handover_id, problem=problem, key=key_after(problem, key)
        )
    return redirect(f"/job-handovers/{handover_id}?done=accepted")
