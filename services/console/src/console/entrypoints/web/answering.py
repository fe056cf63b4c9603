"""Answering a caller: who is calling (caller lookup), the request's page with its replies,
promises and timeline, a standard answer found by the caller's words and given, a reply
promised in a tier, a reply recorded (KB-03, KB-04); quality control's reading of each reply
against company policy (KB-05, KB-14, KB-15)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    REGISTRARS,
    REPLY_REVIEWERS,
    Session,
    by_field,
    check_csrf,
    key_after,
    local,
    only,
    past,
    redirect,
    refused_page,
    render,
    require,
    session,
    signed_in,
)
from console.entrypoints.web.requests import name_categories

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
TIERS = (
    "10_minutes",
    "20_minutes",
    "30_minutes",
    "1_working_day",
    "2_working_days",
    "3_working_days",
)
READINGS = ("consistent", "contradicts")
"""Quality control's reading of a reply: consistent with company policy, or contradicting it."""


def review_body(reading: str, note: str) -> dict[str, Any]:
    """What intake's review route takes from the form: ``contradicts_policy`` only once a
    reading is chosen (intake names the field when none is), the note as typed."""
    body: dict[str, Any] = {"note": note}
    if reading in READINGS:
        body["contradicts_policy"] = reading == "contradicts"
    return body


def minutes_seconds(total: int) -> str:
    """A call's length as the switch shows it: ``3:05``."""
    return f"{total // 60}:{total % 60:02d}"


@router.get("/callers/lookup", response_class=HTMLResponse)
async def look_up_caller(
    request: Request,
    current: CurrentSession,
    phone: Annotated[str, Query(alias="resident.phone")] = "",
) -> Response:
    """The caller panel beside the register form (htmx): residents, units, recent requests."""
    require(current, "register")
    found: dict[str, Any] | None = None
    if len(phone.strip()) >= 5:
        try:
            found = await current.api.caller(phone.strip())
        except ApiProblem as problem:
            signed_in(problem)
    if found:
        for item in found["recent_requests"]:
            item["registered_local"] = local(request, item["registered_at"])
    return render(request, "_caller.html", {"caller": found, "phone": phone}, current=current)


async def _request_page(
    request: Request,
    current: Session,
    request_id: str,
    problem: ApiProblem | None = None,
    *,
    review: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The request's page; ``review``, after intake refused a review, says which reply
    (``number``) and what was typed, for the refusal to be shown at that reply's form."""
    try:
        found = await current.api.request(request_id)
        timeline = await current.api.timeline(request_id)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    now = datetime.now(UTC)
    for promise in found["promises"]:
        promise["due_local"] = local(request, promise["due_at"])
        promise["late"] = promise["breached_at"] is not None or (
            promise["kept_at"] is None and past(promise["due_at"], now)
        )
    fresh = str(uuid.uuid4())
    for number, reply in enumerate(found["replies"], start=1):
        reply["number"] = number
        reply["at_local"] = local(request, reply["at"])
        reply["review_key"] = f"{fresh}-review-{number}"
        # intake refuses anyone reading their own answer (KB-05): it is not offered them
        reply["own"] = reply["by"] == current.principal.subject
        if reply.get("review"):
            reply["review"]["at_local"] = local(request, reply["review"]["at"])
    if review and review.get("key"):
        for reply in found["replies"]:
            if reply["number"] == review["number"]:
                reply["review_key"] = review["key"]
    for entry in timeline["entries"]:
        entry["at_local"] = local(request, entry["at"])
    found["registered_local"] = local(request, found["registered_at"])
    await name_categories(current, [found])
    call = found.get("call")
    if call:
        call["started_local"] = local(request, call["started_at"])
        call["duration_shown"] = minutes_seconds(call["duration_seconds"])
    for moment in ("appointment_at", "appointment_until"):
        value = found.get(moment)
        found[moment.replace("_at", "") + "_local"] = local(request, value) if value else None
    found["first_answer_due_local"] = local(request, found["first_answer_due_at"])
    found["first_answer_late"] = found["first_answer_overdue_at"] is not None or past(
        found["first_answer_due_at"], now
    )
    return render(
        request,
        "request_detail.html",
        {
            "item": found,
            "timeline": timeline["entries"],
            "tiers": TIERS,
            "problem": problem,
            "key": fresh,
            "registered": request.query_params.get("registered", ""),
            "reviewed": request.query_params.get("reviewed", ""),
            "may_answer": current.principal.role in REGISTRARS,
            "may_review": current.principal.role in REPLY_REVIEWERS,
            "readings": READINGS,
            "review": review or {},
            "review_errors": by_field(problem) if review else {},
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/requests/{request_id}", response_class=HTMLResponse)
async def request_page(request: Request, request_id: str, current: CurrentSession) -> Response:
    require(current, "requests")
    return await _request_page(request, current, request_id)


@router.get("/requests/{request_id}/answers", response_class=HTMLResponse)
async def search_answers(
    request: Request, request_id: str, current: CurrentSession, q: str = "", site_id: str = ""
) -> Response:
    """Approved answers matching the caller's words (htmx, as the agent types)."""
    require(current, "register")
    results: list[dict[str, Any]] = []
    problem: ApiProblem | None = None
    if q.strip():
        params: dict[str, Any] = {"q": q.strip(), "limit": 10}
        if site_id:
            params["site_id"] = site_id
        try:
            results = (await current.api.search_answers(params))["items"]
        except ApiProblem as refused:
            problem = signed_in(refused)
    return render(
        request,
        "_answer_results.html",
        {
            "results": results,
            "request_id": request_id,
            "q": q,
            "problem": problem,
            "key": str(uuid.uuid4()),
        },
        current=current,
    )


async def _act(request: Request, current: Session, request_id: str, call: Any) -> Response:
    try:
        await call
    except ApiProblem as problem:
        return await _request_page(request, current, request_id, signed_in(problem))
    return redirect(f"/requests/{request_id}")


@router.post("/requests/{request_id}/standard-answer", response_class=HTMLResponse)
async def give_answer(
    request: Request,
    request_id: str,
    current: CurrentSession,
    answer_id: Annotated[str, Form()],
    key: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    require(current, "register")
    check_csrf(request, csrf)
    return await _act(
        request, current, request_id, current.api.give_answer(request_id, answer_id, key)
    )


@router.post("/requests/{request_id}/promise", response_class=HTMLResponse)
async def promise_reply(
    request: Request,
    request_id: str,
    current: CurrentSession,
    tier: Annotated[str, Form()],
    key: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    require(current, "register")
    check_csrf(request, csrf)
    return await _act(
        request, current, request_id, current.api.promise_reply(request_id, tier, key)
    )


@router.post("/requests/{request_id}/reply", response_class=HTMLResponse)
async def reply(
    request: Request,
    request_id: str,
    current: CurrentSession,
    text: Annotated[str, Form()],
    key: Annotated[str, Form()],
    progress: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    require(current, "register")
    check_csrf(request, csrf)
    return await _act(
        request, current, request_id, current.api.reply(request_id, text, bool(progress), key)
    )


@router.post("/requests/{request_id}/replies/{number}/review", response_class=HTMLResponse)
async def review_reply(
    request: Request,
    request_id: str,
    number: Annotated[int, Path(ge=1, le=1000)],
    current: CurrentSession,
    reading: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Quality control reads reply ``number`` against company policy (KB-05, KB-14, KB-15); a
    refusal (one's own answer, no reading chosen, no note) is shown at that reply."""
    require(current, "requests")
    only(current, REPLY_REVIEWERS)
    check_csrf(request, csrf)
    try:
        await current.api.review_reply(
            request_id, number, review_body(reading, note), key or str(uuid.uuid4())
        )
    except ApiProblem as problem:
        signed_in(problem)
        typed = {"number": number, "reading": reading, "note": note}
        typed["key"] = key_after(problem, key)
        return await _request_page(request, current, request_id, problem, review=typed)
    return redirect(f"/requests/{request_id}?reviewed={number}#reply-{number}")
