"""Collection batches (托收批次) over billing's batch routes (FEE-02, BIL-05): from gathering to the
file sent to the bank and the bank's answer.

``/collection-batches?site_id=`` lists the batches of the user's sites, the latest collection day
first, a page at a time, each with its state (gathering, ready, sent, reconciled), its count and
control sum, and what the bank settled and rejected; finance (and the platform's admin) starts a
new one for a site and a collection day (tomorrow in the site's time by default: the bank needs
the file before the day it debits), which billing gathers from the site's charges owed by bank
collection whose unit has an active mandate. Billing's refusal (a day too soon, no collecting
account recorded) is shown beside the form, as typed.

``/collection-batches/{id}`` previews the batch before it goes: the count and control sum the
file states, the debits a page at a time (each charge, its holder, account, bank and mandate, and
once answered whether the bank settled or rejected it and why) and the charges left out for lack
of a mandate. Finance downloads the ISO 20022 pain.008 file (streamed from billing under its
file name, never held whole), marks the batch sent, and uploads the bank's answer (pain.002 or
camt.054), which the page passes to billing as it came: billing applies every line or none. The
page then says how many debits the file settled, rejected and left unchanged, or, when billing
refused the file, each line's position and fault and that nothing was applied. The batch shows its
reconciliation throughout: settled, rejected, still open, and the difference.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ACCOUNT_READERS,
    FINANCE_DESK,
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
    said,
    session,
    signed_in,
)
from console.entrypoints.web.charges import site_today, typed_form
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

STATUSES = ("gathering", "ready", "sent", "reconciled")
"""A batch's states (billing's BatchStatus)."""
DEBIT_STATUSES = ("pending", "settled", "rejected")
"""A debit's states (billing's DebitStatus)."""
DEBIT_TABS = ("all", *DEBIT_STATUSES)
PAGE = 50
BLOCK = 1 << 16
"""How much of an uploaded file is read and sent at a time."""
FORMS = ("finish", "sending", "answer")
"""The batch page's forms, each named as the page's ``failed``."""
DONE = ("gathered", "sent", "answer")
COUNTS = ("settled", "rejected", "unchanged")
"""What importing a bank file did, as billing counts it (shown after the upload)."""
TRANSACTION = re.compile(r"transaction (\d+)")
"""How billing names a line of the bank's file it cannot apply (its position, from 1)."""
BatchId = Annotated[str, Path(min_length=1, max_length=60)]


def batch_path(batch_id: str) -> str:
    return f"/collection-batches/{quote(batch_id, safe='')}"


def shown_batch(request: Request, batch: dict[str, Any]) -> dict[str, Any]:
    batch["created_local"] = local(request, batch.get("created_at"))
    batch["sent_local"] = local(request, batch.get("sent_at"))
    return batch


def answer_faults(problem: ApiProblem) -> list[dict[str, str]]:
    """Each line of the bank's file billing could not apply: its position in the file (none for
    a fault of the whole file) and what is wrong, in the file's order."""
    found = []
    for error in problem.errors:
        where = str(error.get("field") or "")
        matched = TRANSACTION.fullmatch(where)
        found.append(
            {
                "position": matched.group(1) if matched else "",
                "message": str(error.get("message", "")),
            }
        )
    return sorted(found, key=lambda f: int(f["position"]) if f["position"] else 0)


# -- the list and a new batch --------------------------------------------------------------------
async def _batches_page(
    request: Request,
    current: Session,
    *,
    site_id: str = "",
    offset: int = 0,
    values: dict[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, load_problem = await sites_or_problem(current)
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    if site_id:
        params["site_id"] = site_id
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    try:
        page = await current.api.collection_batches(params)
    except ApiProblem as refused:
        load_problem = signed_in(refused)
    for batch in page["items"]:
        shown_batch(request, batch)
    desk = may(current, FINANCE_DESK)
    if values is None:
        chosen = site_id or (sites[0]["site_id"] if sites else "")
        day = await site_today(request, current, chosen, days_on=1) if desk else ""
        values = {"site_id": chosen, "collection_date": day}
    failed = problem or load_problem
    return render(
        request,
        "collection_batches.html",
        {
            "sites": sites,
            "site_id": site_id,
            "page": page,
            "load_problem": load_problem,
            "desk": desk,
            "values": values,
            "key": key or str(uuid.uuid4()),
            "problem": problem,
            "errors": by_field(problem),
            "list_path": "/collection-batches",
            "query": urlencode({"site_id": site_id} if site_id else {}),
        },
        current=current,
        status_code=min(failed.status, 503) if failed else 200,
    )


@router.get("/collection-batches", response_class=HTMLResponse)
async def collection_batches(
    request: Request, current: CurrentSession, site_id: str = "", offset: int = 0
) -> Response:
    only(current, ACCOUNT_READERS)
    return await _batches_page(request, current, site_id=site_id.strip(), offset=offset)


@router.post("/collection-batches", response_class=HTMLResponse)
async def gather_batch(request: Request, current: CurrentSession) -> Response:
    """A new batch for a site and collection day (or the one of that day, finished if a crash
    left it gathering); on to its preview, or billing's refusal beside the form as typed."""
    form = await typed_form(request, current)
    values = {
        "site_id": form.get("site_id", "").strip(),
        "collection_date": form.get("collection_date", "").strip(),
    }
    key = form.get("key") or str(uuid.uuid4())
    try:
        batch = await current.api.gather_batch(values["site_id"], values["collection_date"], key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _batches_page(
            request,
            current,
            site_id=values["site_id"],
            values=values,
            key=key_after(refused, key),
            problem=refused,
        )
    return redirect(f"{batch_path(batch['batch_id'])}?done=gathered")


# -- one batch -----------------------------------------------------------------------------------
def _done(request: Request) -> dict[str, Any]:
    """What the page says after a form: ``done`` and, after an answer was imported, billing's
    counts and the file's kind (from the query the form redirected to)."""
    query = request.query_params
    done = query.get("done", "")
    if done not in DONE:
        return {"done": ""}
    counts = {
        name: int(query.get(name, "0")) if query.get(name, "").isdigit() else 0 for name in COUNTS
    }
    return {
        "done": done,
        "counts": counts,
        "kind": query.get("kind", "") if query.get("kind") in ("pain.002", "camt.054") else "",
        "again": query.get("again") == "1",
    }


async def _batch_page(
    request: Request,
    current: Session,
    batch_id: str,
    *,
    tab: str = "all",
    offset: int = 0,
    failed: str = "",
    filename: str = "",
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        batch = shown_batch(request, await current.api.collection_batch(batch_id))
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    debits: list[dict[str, Any]] = []
    debits_problem: ApiProblem | None = None
    try:
        debits = await current.api.batch_debits(batch_id, None if tab == "all" else tab)
    except ApiProblem as refused:
        debits_problem = signed_in(refused)
    offset = min(max(offset, 0), max(len(debits) - 1, 0))
    page = {
        "items": debits[offset : offset + PAGE],
        "total": len(debits),
        "limit": PAGE,
        "offset": offset,
    }
    desk = may(current, FINANCE_DESK)
    status = batch["status"]
    has_file = status != "gathering" and batch["number_of_debits"] > 0
    fresh = str(uuid.uuid4())
    keys = {form: f"{fresh}-{form}" for form in FORMS}
    if failed in keys and key:
        keys[failed] = key
    return render(
        request,
        "collection_batch.html",
        {
            "batch": batch,
            "page": page,
            "tab": tab,
            "tabs": DEBIT_TABS,
            "debits_problem": debits_problem,
            "may_download": desk and has_file,
            "may_send": desk and status == "ready" and has_file,
            "may_answer": desk and status in ("sent", "reconciled"),
            "may_finish": desk and status == "gathering",
            "failed": failed,
            "filename": filename,
            "problem": problem,
            "faults": answer_faults(problem) if problem and failed == "answer" else [],
            "nothing_applied": problem is not None and 400 <= problem.status < 500,
            "keys": keys,
            **_done(request),
            "list_path": batch_path(batch_id),
            "query": urlencode({"status": tab}),
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


@router.get("/collection-batches/{batch_id}", response_class=HTMLResponse)
async def batch_page(
    request: Request,
    batch_id: BatchId,
    current: CurrentSession,
    status: str = "",
    offset: int = 0,
) -> Response:
    only(current, ACCOUNT_READERS)
    tab = status if status in DEBIT_TABS else "all"
    return await _batch_page(request, current, batch_id, tab=tab, offset=offset)


@router.get("/collection-batches/{batch_id}/pain008")
async def batch_file(request: Request, batch_id: BatchId, current: CurrentSession) -> Response:
    """The batch's pain.008 file as billing writes it, passed to the browser a block at a time
    under billing's file name (a million debits are some 19 MB: never held whole here)."""
    only(current, FINANCE_DESK)
    try:
        sent = await current.api.open_batch_file(batch_id)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    disposition = sent.headers.get(
        "content-disposition", f'attachment; filename="{quote(batch_id, safe="")}.xml"'
    )
    return StreamingResponse(
        sent.aiter_bytes(),
        media_type=sent.headers.get("content-type", "application/xml"),
        headers={"Content-Disposition": disposition},
        background=BackgroundTask(sent.aclose),
    )


@router.post("/collection-batches/{batch_id}/sending", response_class=HTMLResponse)
async def mark_sent(request: Request, batch_id: BatchId, current: CurrentSession) -> Response:
    """Finance sent the file to the bank: the batch awaits the bank's answer. Billing refuses a
    batch still gathering or without debits (409), shown beside the form."""
    form = await typed_form(request, current)
    key = form.get("key") or str(uuid.uuid4())
    try:
        await current.api.mark_batch_sent(batch_id, key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _batch_page(
            request,
            current,
            batch_id,
            failed="sending",
            key=key_after(refused, key),
            problem=refused,
        )
    return redirect(f"{batch_path(batch_id)}?done=sent")


async def _blocks(first: bytes, file: UploadFile) -> AsyncIterator[bytes]:
    """The uploaded file from its first block on, a block at a time (a large file is spooled to
    disk by the form's parser, and stays there)."""
    yield first
    while block := await file.read(BLOCK):
        yield block


@router.post("/collection-batches/{batch_id}/answers", response_class=HTMLResponse)
async def import_answer(
    request: Request,
    batch_id: BatchId,
    current: CurrentSession,
    file: Annotated[UploadFile | None, File()] = None,
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """The bank's answer to the batch, uploaded here and sent to billing as the raw body it
    came as; back to the batch with what the file did, or each line billing could not apply
    (then nothing was)."""
    only(current, FINANCE_DESK)
    check_csrf(request, csrf)
    key = key or str(uuid.uuid4())
    filename = (file.filename or "") if file else ""
    first = await file.read(BLOCK) if file else b""
    problem: ApiProblem | None = None
    answer: dict[str, Any] = {}
    if not first or file is None:
        problem = ApiProblem(422, said(request, "answer_choose_file"))
    else:
        try:
            answer = await current.api.import_bank_answer(batch_id, _blocks(first, file), key)
        except ApiProblem as refused:
            problem = signed_in(refused)
    if problem is not None:
        return await _batch_page(
            request,
            current,
            batch_id,
            failed="answer",
            filename=filename,
            key=key_after(problem, key),
            problem=problem,
        )
    query = {
        "done": "answer",
        **{name: str(answer.get(name, 0)) for name in COUNTS},
        "kind": str(answer.get("kind", "")),
        "again": "1" if answer.get("already_imported") else "0",
    }
    return redirect(f"{batch_path(batch_id)}?{urlencode(query)}")
