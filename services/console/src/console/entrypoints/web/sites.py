"""The sites' settings and request catalogues.

``/sites`` lists the user's sites. A site's page shows its settings: the boards it serves, its
calendar country and time zone, the complaint escalation ladder (CMP-15) and its front desk's
shifts (DUTY-01); the platform's admin changes them (PUT /sites/{id}), each refused setting
named beside its input. A site's catalogue lists each board's items with their Chinese and
English names and class, routine, paid or business (TAX-01..TAX-09, X2); the site's
administrator or manager adds, renames, reclassifies or retires items (an item is never deleted:
past requests and reports still name it).
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    DIRECTORY_KEEPERS,
    SITE_ADMINS,
    Session,
    by_field,
    check_csrf,
    key_after,
    may,
    only,
    redirect,
    refused_page,
    render,
    require,
    session,
    signed_in,
)
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

BOARDS = (
    "consultation",
    "repair",
    "complaint",
    "callback",
    "value_added",
    "housekeeping",
    "information",
)
"""The manual's seven boards (TAX-01), intake's RequestKind."""
SERVICE_CLASSES = ("routine", "paid", "business")
"""Who pays (TAX-09): the management fee, the site's price list, or a business service."""
MAX_SHIFTS = 8
"""As many shift rows as intake takes (MAX_SHIFTS)."""
SITE_ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TIME_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Macau",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "UTC",
)
"""Offered as suggestions; intake takes any IANA zone."""


def _site_id(site_id: str) -> str:
    if not SITE_ID.fullmatch(site_id):
        raise HTTPException(404, "no_such_site")
    return site_id


@router.get("/sites", response_class=HTMLResponse)
async def site_list(request: Request, current: CurrentSession) -> Response:
    require(current, "site_settings")
    sites, problem = await sites_or_problem(current)
    return render(
        request,
        "sites.html",
        {"sites": sites, "problem": problem, "may_add": may(current, SITE_ADMINS)},
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


NEW_SITE = ("site_id", "code", "name", "country", "time_zone")


async def _new_site_page(
    request: Request,
    current: Session,
    values: dict[str, Any],
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    return render(
        request,
        "site_new.html",
        {
            "values": values,
            "boards": BOARDS,
            "time_zones": TIME_ZONES,
            "problem": problem,
            "errors": by_field(problem),
            "key": key or str(uuid.uuid4()),
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/sites/new", response_class=HTMLResponse)
async def new_site(request: Request, current: CurrentSession) -> Response:
    only(current, SITE_ADMINS)
    values = {name: "" for name in NEW_SITE} | {
        "country": "CN",
        "time_zone": "Asia/Shanghai",
        "services": list(BOARDS),
    }
    return await _new_site_page(request, current, values)


@router.post("/sites/new", response_class=HTMLResponse)
async def add_site(
    request: Request,
    current: CurrentSession,
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Add a site with the manual's escalation ladder and shifts (changed on its page after);
    an id already given is refused, not changed."""
    only(current, SITE_ADMINS)
    check_csrf(request, csrf)
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in NEW_SITE}
    values["services"] = [str(v) for v in form.getlist("services")]
    site_id = values["site_id"]
    problem: ApiProblem | None = None
    if not SITE_ID.fullmatch(site_id):
        message = "the site's id is lower-case letters, digits, - or _, starting with a letter"
        problem = ApiProblem(422, message, [{"field": "site_id", "message": message}])
    else:
        try:
            await current.api.site(site_id)
            message = f"{site_id} is already a site: change it on its page"
            problem = ApiProblem(409, message, [{"field": "site_id", "message": message}])
        except ApiProblem as missing:
            signed_in(missing)
    if problem is None:
        body = {name: values[name] for name in ("code", "name", "country", "time_zone")}
        try:
            await current.api.put_site(
                site_id, body | {"services": values["services"]}, key or str(uuid.uuid4())
            )
        except ApiProblem as refused:
            problem = signed_in(refused)
    if problem is not None:
        return await _new_site_page(request, current, values, key_after(problem, key), problem)
    return redirect(f"/sites/{site_id}?done=created")


def settings_values(site: dict[str, Any]) -> dict[str, Any]:
    """The site as the settings form shows it."""
    escalation = site.get("escalation") or {}
    return {
        "name": site["name"],
        "code": site["code"],
        "services": list(site["services"]),
        "country": site.get("country", "CN"),
        "time_zone": site.get("time_zone", "Asia/Shanghai"),
        "supervisor_after_hours": _hours(escalation.get("supervisor_after_hours")),
        "higher_manager_after_hours": _hours(escalation.get("higher_manager_after_hours")),
        "shifts": list(site.get("shifts") or []),
    }


def _hours(value: Any) -> str:
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


def _number(value: str) -> float | str:
    """Hours as typed: a number, or the text for the API to name what is wrong with it."""
    try:
        return float(value)
    except ValueError:
        return value


def site_body(values: dict[str, Any]) -> dict[str, Any]:
    """The PUT /sites/{id} body of the settings form; a shift row without a code is left out."""
    return {
        "code": values["code"],
        "name": values["name"],
        "services": values["services"],
        "country": values["country"],
        "time_zone": values["time_zone"],
        "escalation": {
            "supervisor_after_hours": _number(values["supervisor_after_hours"]),
            "higher_manager_after_hours": _number(values["higher_manager_after_hours"]),
        },
        "shifts": [shift for shift in values["shifts"] if shift["code"]],
    }


async def _settings_page(
    request: Request,
    current: Session,
    site_id: str,
    *,
    values: dict[str, Any] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        site = await current.api.site(site_id)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    values = values or settings_values(site)
    rows = list(values["shifts"])
    rows += [{"code": "", "starts": "", "ends": ""}] * max(0, min(MAX_SHIFTS - len(rows), 2))
    return render(
        request,
        "site.html",
        {
            "site": site,
            "values": values,
            "shift_rows": rows,
            "boards": BOARDS,
            "time_zones": TIME_ZONES,
            "may_change": may(current, SITE_ADMINS),
            "may_keep_catalogue": may(current, DIRECTORY_KEEPERS),
            "problem": problem,
            "errors": by_field(problem),
            "key": key or str(uuid.uuid4()),
            "done": request.query_params.get("done", ""),
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/sites/{site_id}", response_class=HTMLResponse)
async def site_settings(request: Request, site_id: str, current: CurrentSession) -> Response:
    require(current, "site_settings")
    return await _settings_page(request, current, _site_id(site_id))


@router.post("/sites/{site_id}", response_class=HTMLResponse)
async def change_site(
    request: Request,
    site_id: str,
    current: CurrentSession,
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Change the site's settings, whole; a refusal shows the form again as typed."""
    only(current, SITE_ADMINS)
    check_csrf(request, csrf)
    site_id = _site_id(site_id)
    form = await request.form()
    text = {
        name: str(form.get(name, "")).strip()
        for name in (
            "code",
            "name",
            "country",
            "time_zone",
            "supervisor_after_hours",
            "higher_manager_after_hours",
        )
    }
    codes = [str(v).strip() for v in form.getlist("shift_code")]
    starts = [str(v).strip() for v in form.getlist("shift_starts")]
    ends = [str(v).strip() for v in form.getlist("shift_ends")]
    values: dict[str, Any] = text | {
        "services": [str(v) for v in form.getlist("services")],
        "shifts": [
            {"code": c, "starts": s, "ends": e}
            for c, s, e in zip(codes, starts, ends, strict=False)
            if c or s or e
        ],
    }
    try:
        await current.api.put_site(site_id, site_body(values), key or str(uuid.uuid4()))
    except ApiProblem as problem:
        signed_in(problem)
        return await _settings_page(
            request, current, site_id, values=values, key=key_after(problem, key), problem=problem
        )
    return redirect(f"/sites/{site_id}?done=settings")


# -- the request catalogue (TAX-01..TAX-09) -----------------------------------------------------
async def _catalogue_page(
    request: Request,
    current: Session,
    site_id: str,
    *,
    failed: str = "",
    values: dict[str, str] | None = None,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        site = await current.api.site(site_id)
        catalogue = await current.api.catalogue(site_id)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    fresh = str(uuid.uuid4())
    return render(
        request,
        "catalogue.html",
        {
            "site": site,
            "catalogue": catalogue,
            "boards": [b for b in BOARDS if b in catalogue["boards"]],
            "classes": SERVICE_CLASSES,
            "may_keep": may(current, DIRECTORY_KEEPERS),
            "failed": failed,
            "values": values or {},
            "problem": problem,
            "errors": by_field(problem),
            "key": (values or {}).get("key") or fresh,
            "fresh": fresh,
            "done": request.query_params.get("done", ""),
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/sites/{site_id}/catalogue", response_class=HTMLResponse)
async def catalogue(request: Request, site_id: str, current: CurrentSession) -> Response:
    require(current, "site_settings")
    return await _catalogue_page(request, current, _site_id(site_id))


async def _taken(current: Session, site_id: str, kind: str, code: str) -> ApiProblem | None:
    """A new item's code already on the board: adding it would change that item instead."""
    try:
        items = (await current.api.catalogue(site_id))["boards"].get(kind, [])
    except ApiProblem:
        return None  # the PUT says what is wrong
    if any(item["code"] == code for item in items):
        message = f"{code} is already an item of this board: change it in its row"
        return ApiProblem(409, message, [{"field": "code", "message": message}])
    return None


@router.post("/sites/{site_id}/catalogue", response_class=HTMLResponse)
async def put_item(
    request: Request,
    site_id: str,
    current: CurrentSession,
    form_id: Annotated[str, Form()] = "new",
    kind: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    name_zh: Annotated[str, Form()] = "",
    name_en: Annotated[str, Form()] = "",
    service_class: Annotated[str, Form()] = "routine",
    active: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Add an item to a board (``form_id`` new) or rename, reclassify, retire or offer again
    the item ``kind:code``."""
    only(current, DIRECTORY_KEEPERS)
    check_csrf(request, csrf)
    site_id = _site_id(site_id)
    values = {
        "kind": kind,
        "code": code.strip(),
        "name_zh": name_zh.strip(),
        "name_en": name_en.strip(),
        "service_class": service_class,
        "active": "1" if active else "",
    }
    problem: ApiProblem | None = None
    if kind not in BOARDS:
        problem = ApiProblem(
            422, "choose a board", [{"field": "kind", "message": "choose a board"}]
        )
    elif not CODE.fullmatch(values["code"]):
        message = "code must be 1 to 40 lower-case letters, digits or _, starting with a letter"
        problem = ApiProblem(422, message, [{"field": "code", "message": message}])
    body = {
        "name_zh": values["name_zh"],
        "name_en": values["name_en"],
        "service_class": service_class,
        "active": bool(active),
    }
    if problem is None and form_id == "new":
        problem = await _taken(current, site_id, kind, values["code"])
    if problem is None:
        try:
            await current.api.put_catalogue_item(
                site_id, kind, values["code"], body, key or str(uuid.uuid4())
            )
        except ApiProblem as refused:
            problem = signed_in(refused)
    if problem is not None:
        kept = values | {"key": key_after(problem, key)}
        return await _catalogue_page(
            request, current, site_id, failed=form_id, values=kept, problem=problem
        )
    return redirect(f"/sites/{site_id}/catalogue?done={kind}:{values['code']}#board-{kind}")
