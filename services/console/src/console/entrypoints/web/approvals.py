"""The leader in charge's queue (主管领导, KB-06): each answer whose draft awaits approval, the
draft beside the text in use, approved by the revision read; the API's refusal shown on the page
(a draft changed or approved meanwhile, or approving one's own draft)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    Session,
    check_csrf,
    local,
    redirect,
    render,
    require,
    session,
    signed_in,
)

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]


async def _approvals_page(
    request: Request, current: Session, approved: str = "", problem: ApiProblem | None = None
) -> HTMLResponse:
    page: dict[str, Any] = {"items": [], "total": 0}
    try:
        page = await current.api.answers({"awaiting_approval": "true", "limit": 100})
    except ApiProblem as refused:
        problem = problem or signed_in(refused)
    for answer in page["items"]:
        answer["draft"]["drafted_local"] = local(request, answer["draft"]["drafted_at"])
    return render(
        request,
        "approvals.html",
        {"page": page, "approved": approved, "problem": problem, "key": str(uuid.uuid4())},
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/answers/approvals", response_class=HTMLResponse)
async def approvals(request: Request, current: CurrentSession, approved: str = "") -> Response:
    require(current, "approvals")
    return await _approvals_page(request, current, approved)


@router.post("/answers/{answer_id:uuid}/approval", response_class=HTMLResponse)
async def approve(
    request: Request,
    answer_id: uuid.UUID,
    current: CurrentSession,
    revision: Annotated[int, Form()],
    key: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    require(current, "approvals")
    check_csrf(request, csrf)
    try:
        done = await current.api.approve_answer(str(answer_id), revision, key)
    except ApiProblem as problem:
        return await _approvals_page(request, current, problem=signed_in(problem))
    return redirect(f"/answers/approvals?approved={done['document_no']}")
