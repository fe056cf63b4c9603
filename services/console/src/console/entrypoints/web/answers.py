"""Standard answers: the list, a draft, the leader's approval queue (KB-06), and the
supervisor's queue of answers owed (KB-04, X7)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ANSWER_WRITERS,
    Session,
    check_csrf,
    redirect,
    render,
    require,
    session,
    signed_in,
)
from console.entrypoints.web.answering import local
from console.entrypoints.web.requests import site_choices
from console.i18n import CATEGORIES

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
ANSWERED_BOARDS = ("consultation", "information", "complaint")


@router.get("/answers", response_class=HTMLResponse)
async def list_answers(
    request: Request, current: CurrentSession, drafted: str = "", status: str = ""
) -> Response:
    require(current, "answers")
    params: dict[str, Any] = {"limit": 100}
    if status:
        params["status"] = status
    problem = None
    page: dict[str, Any] = {"items": [], "total": 0}
    try:
        page = await current.api.answers(params)
    except ApiProblem as refused:
        problem = signed_in(refused)
    return render(
        request,
        "answers.html",
        {
            "page": page,
            "drafted": drafted,
            "status": status,
            "problem": problem,
            "may_draft": current.principal.role in ANSWER_WRITERS,
        },
        current=current,
    )


async def _new_page(
    request: Request,
    current: Session,
    values: dict[str, str],
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    return render(
        request,
        "answer_new.html",
        {
            "values": values,
            "sites": await site_choices(current),
            "boards": {kind: CATEGORIES.get(kind, {}) for kind in ANSWERED_BOARDS},
            "errors": problem.by_field() if problem else {},
            "problem": problem,
            "key": values.get("key") or str(uuid.uuid4()),
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


def _may_draft(current: Session) -> None:
    if current.principal.role not in ANSWER_WRITERS:
        raise HTTPException(403, "not_for_role")


@router.get("/answers/new", response_class=HTMLResponse)
async def new_answer(request: Request, current: CurrentSession) -> Response:
    _may_draft(current)
    return await _new_page(request, current, {"kind": "consultation"})


@router.post("/answers/new", response_class=HTMLResponse)
async def draft_answer(
    request: Request,
    current: CurrentSession,
    site_id: Annotated[str, Form()] = "",
    topic: Annotated[str, Form()] = "",
    question: Annotated[str, Form()] = "",
    answer: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    _may_draft(current)
    check_csrf(request, csrf)
    kind, _, item = topic.partition(":")
    values = {
        "site_id": site_id,
        "topic": topic,
        "question": question,
        "answer": answer,
        "key": key,
    }
    body = {"site_id": site_id, "kind": kind, "topic": item, "question": question, "answer": answer}
    try:
        drafted = await current.api.draft_answer(body, key or str(uuid.uuid4()))
    except ApiProblem as problem:
        return await _new_page(request, current, values, signed_in(problem))
    return redirect(f"/answers?drafted={drafted['document_no']}")


@router.get("/answers/approvals", response_class=HTMLResponse)
async def approvals(request: Request, current: CurrentSession, approved: str = "") -> Response:
    require(current, "approvals")
    return await _approvals_page(request, current, approved)


async def _approvals_page(
    request: Request, current: Session, approved: str = "", problem: ApiProblem | None = None
) -> HTMLResponse:
    page: dict[str, Any] = {"items": []}
    try:
        page = await current.api.answers({"awaiting_approval": "true", "limit": 100})
    except ApiProblem as refused:
        problem = problem or signed_in(refused)
    return render(
        request,
        "approvals.html",
        {"page": page, "approved": approved, "problem": problem, "key": str(uuid.uuid4())},
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.post("/answers/{answer_id}/approval", response_class=HTMLResponse)
async def approve(
    request: Request,
    answer_id: str,
    current: CurrentSession,
    revision: Annotated[int, Form()],
    key: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    require(current, "approvals")
    check_csrf(request, csrf)
    try:
        done = await current.api.approve_answer(answer_id, revision, key)
    except ApiProblem as problem:
        return await _approvals_page(request, current, problem=signed_in(problem))
    return redirect(f"/answers/approvals?approved={done['document_no']}")


@router.get("/answers/owed", response_class=HTMLResponse)
async def owed(request: Request, current: CurrentSession) -> Response:
    """The supervisor's queue: first answers and promised replies owed, breaches in red."""
    require(current, "owed")
    page: dict[str, Any] = {"items": []}
    problem = None
    try:
        page = await current.api.owed({"limit": 200})
    except ApiProblem as refused:
        problem = signed_in(refused)
    now = datetime.now(UTC)
    for item in page["items"]:
        promise = next((p for p in reversed(item["promises"]) if p["kept_at"] is None), None)
        due = promise["due_at"] if promise else item["first_answer_due_at"]
        item["due_local"] = local(request, due)
        item["late"] = bool(due and datetime.fromisoformat(due) < now) or bool(
            item["first_answer_overdue_at"] or (promise and promise["breached_at"])
        )
        item["registered_local"] = local(request, item["registered_at"])
    return render(request, "owed.html", {"page": page, "problem": problem}, current=current)
