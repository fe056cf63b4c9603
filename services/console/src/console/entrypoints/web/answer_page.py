"""One standard answer's page: the text in use and its approver, the draft awaiting the leader in
charge, a redraft (agent, supervisor, admin; the text in use stays until the new one is approved)
and a withdrawal (supervisor, leaders in charge, admin)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ANSWER_WITHDRAWERS,
    ANSWER_WRITERS,
    LEADERS_IN_CHARGE,
    Session,
    check_csrf,
    key_after,
    local,
    redirect,
    refused_page,
    render,
    require,
    session,
    signed_in,
)

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]


async def _answer_page(
    request: Request,
    current: Session,
    answer_id: str,
    *,
    values: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        found = await current.api.answer(answer_id)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    for revision in (found["approved"], found["draft"]):
        if revision:
            revision["drafted_local"] = local(request, revision["drafted_at"])
            revision["approved_local"] = local(request, revision["approved_at"])
    found["withdrawn_local"] = local(request, found["withdrawn_at"])
    latest = found["draft"] or found["approved"] or {}
    values = values or {"question": latest.get("question", ""), "answer": latest.get("answer", "")}
    role = current.principal.role
    open_ = found["status"] != "withdrawn"
    return render(
        request,
        "answer.html",
        {
            "answer": found,
            "values": values,
            "errors": problem.by_field() if problem else {},
            "problem": problem,
            "key": values.get("key") or str(uuid.uuid4()),
            "redrafted": request.query_params.get("redrafted", ""),
            "may_redraft": open_ and role in ANSWER_WRITERS,
            "may_withdraw": open_ and role in ANSWER_WITHDRAWERS,
            "may_approve": found["draft"] is not None and role in LEADERS_IN_CHARGE,
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/answers/{answer_id:uuid}", response_class=HTMLResponse)
async def answer_page(request: Request, answer_id: uuid.UUID, current: CurrentSession) -> Response:
    require(current, "answers")
    return await _answer_page(request, current, str(answer_id))


@router.post("/answers/{answer_id:uuid}/draft", response_class=HTMLResponse)
async def redraft(
    request: Request,
    answer_id: uuid.UUID,
    current: CurrentSession,
    question: Annotated[str, Form()] = "",
    answer: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if current.principal.role not in ANSWER_WRITERS:
        raise HTTPException(403, "not_for_role")
    check_csrf(request, csrf)
    try:
        await current.api.redraft_answer(str(answer_id), question, answer, key or str(uuid.uuid4()))
    except ApiProblem as problem:
        values = {"question": question, "answer": answer, "key": key_after(problem, key)}
        return await _answer_page(
            request, current, str(answer_id), values=values, problem=signed_in(problem)
        )
    return redirect(f"/answers/{answer_id}?redrafted=1")


@router.post("/answers/{answer_id:uuid}/withdrawal", response_class=HTMLResponse)
async def withdraw(
    request: Request,
    answer_id: uuid.UUID,
    current: CurrentSession,
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if current.principal.role not in ANSWER_WITHDRAWERS:
        raise HTTPException(403, "not_for_role")
    check_csrf(request, csrf)
    try:
        await current.api.withdraw_answer(str(answer_id), key or str(uuid.uuid4()))
    except ApiProblem as problem:
        return await _answer_page(request, current, str(answer_id), problem=signed_in(problem))
    return redirect(f"/answers/{answer_id}")
