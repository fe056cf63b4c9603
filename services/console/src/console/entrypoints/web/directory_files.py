"""A site's residents and units as files (CH-13, CH-14, CH-15): the directory's keepers upload a
CSV or XLSX list (POST /directory/imports/{kind}); intake imports every line or none, and the
page shows the counts, or each faulty line with its column and what is wrong. Keepers and the
director download the lists in the same columns (GET /directory/exports/{kind})."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    DIRECTORY_KEEPERS,
    Session,
    check_csrf,
    key_after,
    may,
    only,
    refused_page,
    render,
    require,
    session,
    signed_in,
)
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

KINDS = ("residents", "units")
COLUMNS = {
    "residents": (
        "site_id",
        "name",
        "phone",
        "other_phones",
        "email",
        "preferred_channel",
        "language",
        "consents_to_sms",
        "consents_to_email",
    ),
    "units": (
        "site_id",
        "building",
        "room",
        "floor_area_m2",
        "owner_phone",
        "tenant_phones",
        "payer_phone",
    ),
}
"""The columns intake reads and writes (its import's summary names them)."""
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV, "xlsx": XLSX}
MAX_UPLOAD = 5 * 1024 * 1024
"""As much as intake takes; a larger file is refused here, before it is sent."""
LINE_FIELD = re.compile(r"^line (\d+)\.?(.*)$")


def media_type_of(filename: str, sent: str | None) -> str:
    """The file's type by its name (browsers send CSV under several types), else as sent."""
    name = filename.lower()
    if name.endswith(".csv"):
        return CSV
    if name.endswith(".xlsx"):
        return XLSX
    return sent or "application/octet-stream"


PHONES = re.compile(r"^phones\[(\d+)\]$")


def column_of(kind: str, field: str) -> str:
    """The file's column a fault names: intake names a resident's phones by their position
    (``phones[0]``), which the file holds as ``phone`` and ``other_phones``."""
    matched = PHONES.match(field)
    if kind == "residents" and matched:
        return "phone" if matched.group(1) == "0" else "other_phones"
    return field


def faults(kind: str, problem: ApiProblem) -> list[dict[str, str]]:
    """Each fault of a refused file: its line, its column and what is wrong, in the file's
    order (intake names them ``line 3.phone``)."""
    found = []
    for error in problem.errors:
        field = str(error.get("field") or "")
        matched = LINE_FIELD.match(field)
        line, column = (matched.group(1), matched.group(2)) if matched else ("", field)
        found.append(
            {
                "line": line,
                "column": column_of(kind, column),
                "message": str(error.get("message", "")),
            }
        )
    return sorted(found, key=lambda f: int(f["line"]) if f["line"] else 0)


async def _page(
    request: Request,
    current: Session,
    *,
    kind: str = "",
    filename: str = "",
    report: dict[str, Any] | None = None,
    problem: ApiProblem | None = None,
    key: str = "",
) -> HTMLResponse:
    sites, sites_problem = await sites_or_problem(current)
    fresh = str(uuid.uuid4())
    return render(
        request,
        "directory_files.html",
        {
            "kinds": KINDS,
            "columns": COLUMNS,
            "sites": sites,
            "may_import": may(current, DIRECTORY_KEEPERS),
            "kind": kind,
            "filename": filename,
            "report": report,
            "problem": problem,
            "faults": faults(kind, problem) if problem else [],
            "sites_problem": sites_problem,
            "keys": {k: key if k == kind and key else f"{fresh}-{k}" for k in KINDS},
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/directory", response_class=HTMLResponse)
async def directory_files(request: Request, current: CurrentSession) -> Response:
    require(current, "directory_files")
    return await _page(request, current)


@router.post("/directory/imports", response_class=HTMLResponse)
async def import_file(
    request: Request,
    current: CurrentSession,
    kind: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Send the file to intake: the counts when it imported every line, each faulty line when
    it imported none."""
    only(current, DIRECTORY_KEEPERS)
    check_csrf(request, csrf)
    if kind not in KINDS:
        raise HTTPException(404, "not_found")
    filename = (file.filename or "") if file else ""
    content = await file.read(MAX_UPLOAD + 1) if file else b""
    problem: ApiProblem | None = None
    report: dict[str, Any] | None = None
    if not content:
        problem = ApiProblem(422, "choose a CSV or XLSX file", [])
    elif len(content) > MAX_UPLOAD:
        problem = ApiProblem(422, f"the file is larger than {MAX_UPLOAD // 1024 // 1024} MB", [])
    else:
        media_type = media_type_of(filename, file.content_type if file else None)
        try:
            report = await current.api.import_directory(
                kind, content, media_type, key or str(uuid.uuid4())
            )
        except ApiProblem as refused:
            problem = signed_in(refused)
    return await _page(
        request,
        current,
        kind=kind,
        filename=filename,
        report=report,
        problem=problem,
        key=key_after(problem, key) if problem else "",
    )


@router.get("/directory/exports/{kind}")
async def export_file(
    request: Request,
    kind: str,
    current: CurrentSession,
    site_id: str = "",
    format_: Annotated[str, Query(alias="format")] = "csv",
) -> Response:
    """The list as intake writes it, downloaded under its name."""
    require(current, "directory_files")
    if kind not in KINDS or format_ not in FORMATS:
        raise HTTPException(404, "not_found")
    params = {"format": format_} | ({"site_id": site_id} if site_id else {})
    try:
        sent = await current.api.export_directory(kind, params)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    name = f"{kind}-{site_id}.{format_}" if site_id else f"{kind}.{format_}"
    return Response(
        sent.content,
        media_type=FORMATS[format_],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
