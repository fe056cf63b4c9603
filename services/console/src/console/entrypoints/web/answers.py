"""Standard answers (统一答复语, KB-06): the list, searched by the caller's words or filtered by
site, status and whether a draft awaits approval; and the draft of a new one."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ANSWER_WRITERS,
    Session,
    check_csrf,
    key_after,
    redirect,
    render,
    require,
    session,
    signed_in,
)
from console.entrypoints.web.requests import sites_or_problem
from console.i18n import CATEGORIES

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]
ANSWERED_BOARDS = ("consultation", "information", "complaint")
STATUSES = ("draft", "in_use", "withdrawn")
PAGE = 20


@router.get("/answers", response_class=HTMLResponse)
async def list_answers(
    request: Request,
    current: CurrentSession,
    q: str = "",
    site_id: str = "",
    status: str = "",
    awaiting_approval: str = "",
    due_for_revision: str = "",
    offset: int = 0,
    drafted: str = "",
) -> Response:
    require(current, "answers")
    filters = {
        "q": q.strip(),
        "site_id": site_id,
        "status": status,
        "awaiting_approval": awaiting_approval,
        "due_for_revision": due_for_revision,
    }
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    params |= {name: value for name, value in filters.items() if value}
    problem: ApiProblem | None = None
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    try:
        if filters["q"]:
            # the caller's words: approved answers only, the best match first
            words = {k: v for k, v in params.items() if k in ("q", "site_id", "limit", "offset")}
            page = await current.api.search_answers(words)
        else:
            page = await current.api.answers(params)
    except ApiProblem as refused:
        problem = signed_in(refused)
    sites, sites_problem = await sites_or_problem(current)
    problem = problem or sites_problem
    template = "_answers_table.html" if request.headers.get("HX-Request") else "answers.html"
    return render(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "query": urlencode({name: value for name, value in filters.items() if value}),
            "list_path": "/answers",
            "sites": sites,
            "statuses": STATUSES,
            "drafted": drafted,
            "problem": problem,
            "may_draft": current.principal.role in ANSWER_WRITERS,
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


async def _new_page(
    request: Request,
    current: Session,
    values: dict[str, str],
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, sites_problem = await sites_or_problem(current)
    problem = problem or sites_problem
    return render(
        request,
        "answer_new.html",
        {
            "values": values,
            "sites": sites,
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
    return await _new_page(request, current, {"topic": "consultation:property_service"})


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
    values = {"site_id": site_id, "topic": topic, "question": question, "answer": answer}
    body = {"site_id": site_id, "kind": kind, "topic": item, "question": question, "answer": answer}
    try:
        drafted = await current.api.draft_answer(body, key or str(uuid.uuid4()))
    except ApiProblem as problem:
        values["key"] = key_after(signed_in(problem), key)
        return await _new_page(request, current, values, problem)
    return redirect(f"/answers?drafted={drafted['document_no']}")
