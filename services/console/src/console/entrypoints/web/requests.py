"""The agent's screens: register a call, and the paged, filterable list of requests."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import ALL_SITES

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    Session,
    SignInNeeded,
    by_field,
    check_csrf,
    key_after,
    redirect,
    render,
    require,
    session,
    settings_of,
    signed_in,
)
from console.i18n import CATEGORIES, KINDS

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

FIELDS = (
    "site_id",
    "resident.building",
    "resident.room",
    "resident.name",
    "resident.phone",
    "resident.email",
    "kind",
    "category",
    "description",
    "appointment_at",
    "appointment_until",
    "receiving_desk",
    "emergency",
)
"""The form's fields by the API's dotted names, so a problem's ``field`` lands next to its input."""
CALL_FIELDS = (
    "call.caller_number",
    "call.direction",
    "call.rings",
    "call.wait_seconds",
    "call.started_at",
    "call.duration_seconds",
    "call.agent",
)
"""The phone call's record (CH-05..CH-08, KPI-09), as the switch shows it or the agent types it."""
DIRECTIONS = ("inbound", "outbound")
ITEM_ROWS = 3
"""How many price-list items the register form offers to name."""
ITEM_FIELDS = tuple(
    f"requested_items.{n}.{part}" for n in range(ITEM_ROWS) for part in ("item_code", "quantity")
)
CALL_TYPED = ("call.caller_number", "call.rings", "call.wait_seconds", "call.duration_seconds")
"""A call's record is sent once one of these is filled (the others are prefilled)."""
PAGE = 20
EMERGENCIES = ("water_leak", "power_failure", "lift_entrapment", "gas", "fire_alarm")
"""Emergencies intake dispatches first and alerts the supervisor about (INC-01, INC-02)."""
DESKS = ("call_centre", "service_centre", "control_room")


async def site_choices(current: Session) -> list[dict[str, str]]:
    sites = await current.api.sites()
    if ALL_SITES in current.principal.sites:
        return sites
    return [site for site in sites if site["site_id"] in current.principal.sites]


async def sites_or_problem(current: Session) -> tuple[list[dict[str, str]], ApiProblem | None]:
    """The user's sites, or none and intake's problem for the page to show (a 401 signs the
    user out): a page whose site choices could not be had still opens and says why."""
    try:
        return await site_choices(current), None
    except ApiProblem as refused:
        return [], signed_in(refused)


Labels = Mapping[str, Mapping[str, tuple[str, str]]]
"""Each board's items: code → (Chinese name, English name)."""


async def site_categories(current: Session, site_id: str) -> Labels:
    """The items the site's catalogue offers on each board (GET /sites/{id}/catalogue: retired
    ones left out, those the site added in), with their names; the manual's when intake does not
    show the catalogue (intake still checks the category against it)."""
    if not site_id:
        return CATEGORIES
    try:
        catalogue = await current.api.catalogue(site_id)
    except ApiProblem as refused:
        signed_in(refused)
        return CATEGORIES
    boards = catalogue.get("boards") or {}
    return {
        kind: {i["code"]: (i["name_zh"], i["name_en"]) for i in boards[kind] if i["active"]}
        for kind in KINDS
        if boards.get(kind)
    }


def served_kinds(services: Collection[str] | None) -> list[str]:
    """The boards a site serves (its ``services``), in the form's order; every board when they
    are not known (intake still refuses a board the site does not serve)."""
    served = [kind for kind in KINDS if services is None or kind in services]
    return served or list(KINDS)


async def site_kinds(current: Session, site_id: str) -> list[str]:
    """The boards the site chosen serves (GET /sites/{id}); every board when intake does not
    say."""
    if not site_id:
        return list(KINDS)
    try:
        site = await current.api.site(site_id)
    except ApiProblem as refused:
        signed_in(refused)
        return list(KINDS)
    return served_kinds(site.get("services"))


def on_boards(categories: Labels, kinds: Collection[str]) -> Labels:
    """The categories of the boards offered only (a site's catalogue keeps every board's)."""
    return {kind: items for kind, items in categories.items() if kind in kinds}


async def site_price_list(current: Session, site_id: str) -> list[dict[str, Any]]:
    """The site's price list as intake keeps it from billing (GET /sites/{id}/price-list):
    what a paid request names; none when it cannot be read (intake still checks)."""
    if not site_id:
        return []
    try:
        items: list[dict[str, Any]] = (await current.api.price_list(site_id))["items"]
    except ApiProblem as refused:
        signed_in(refused)
        return []
    return items


def requested_items(values: Mapping[str, str]) -> list[dict[str, Any]]:
    """The items the agent named, in the form's order; a quantity that is no whole number goes
    as typed, for intake to name what is wrong with it."""
    named = []
    for n in range(ITEM_ROWS):
        code = values.get(f"requested_items.{n}.item_code", "")
        if not code:
            continue
        typed = values.get(f"requested_items.{n}.quantity", "") or "1"
        named.append({"item_code": code, "quantity": int(typed) if typed.isdigit() else typed})
    return named


def _item_errors(problem: ApiProblem | None, values: Mapping[str, str]) -> dict[str, str]:
    """Intake numbers the items it was sent; the form's rows may skip one left blank."""
    errors = by_field(problem)
    rows = [n for n in range(ITEM_ROWS) if values.get(f"requested_items.{n}.item_code")]
    for sent, row in enumerate(rows):
        for part in ("item_code", "quantity"):
            text = errors.pop(f"requested_items.{sent}.{part}", None)
            if text is not None:
                errors[f"requested_items.{row}.{part}"] = text
    return errors


async def name_categories(current: Session, items: list[dict[str, Any]]) -> None:
    """Give each request its category's names from its site's catalogue (``category_names``:
    Chinese, English), retired items included, so an item a site added is named, not coded."""
    names: dict[tuple[str, str, str], tuple[str, str]] = {}
    for site_id in sorted({item["site_id"] for item in items}):
        try:
            catalogue = await current.api.catalogue(site_id)
        except ApiProblem as refused:
            signed_in(refused)
            continue
        for kind, listed in (catalogue.get("boards") or {}).items():
            for i in listed:
                names[(site_id, kind, i["code"])] = (i["name_zh"], i["name_en"])
    for item in items:
        item["category_names"] = names.get((item["site_id"], item["kind"], item["category"]))


def _moment(value: str, zone: ZoneInfo) -> str | None:
    """A datetime-local input (site time) as an ISO moment with its offset."""
    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=zone).isoformat()


def seconds(value: str) -> int | str:
    """A duration as typed: seconds (``185``) or minutes and seconds (``3:05``); anything else
    as typed, for the API to name what is wrong with it."""
    minutes, colon, rest = value.partition(":")
    if colon and minutes.isdigit() and rest.isdigit() and len(rest) == 2 and int(rest) < 60:
        return int(minutes) * 60 + int(rest)
    return int(value) if value.isdigit() else value


def call_record(values: dict[str, str], zone: ZoneInfo) -> dict[str, Any] | None:
    """The ``call`` of the registration, or None when the agent filled none of it in (a visit,
    a message): rings, wait and duration as numbers where they are, as typed where not."""
    if not any(values[name] for name in CALL_TYPED):
        return None
    try:
        started = _moment(values["call.started_at"], zone)
    except ValueError:
        started = values["call.started_at"]
    call: dict[str, Any] = {
        "caller_number": values["call.caller_number"],
        "direction": values["call.direction"] or "inbound",
        "rings": seconds(values["call.rings"]) if values["call.rings"] else None,
        "wait_seconds": seconds(values["call.wait_seconds"] or "0"),
        "started_at": started,
        "duration_seconds": seconds(values["call.duration_seconds"])
        if values["call.duration_seconds"]
        else None,
    }
    if values["call.agent"]:
        call["agent"] = values["call.agent"]
    return call


def _now_local(request: Request) -> str:
    """Now in the site's time, as a datetime-local input takes it (to the second)."""
    return datetime.now(ZoneInfo(settings_of(request).time_zone)).strftime("%Y-%m-%dT%H:%M:%S")


async def _register_page(
    request: Request,
    current: Session,
    *,
    values: dict[str, str],
    idempotency_key: str,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, sites_problem = await sites_or_problem(current)
    problem = problem or sites_problem
    site_id = values.get("site_id") or (sites[0]["site_id"] if sites else "")
    chosen = next((site for site in sites if site["site_id"] == site_id), None)
    kinds = served_kinds(chosen.get("services") if chosen else None)
    status_code = 200 if problem is None else (problem.status if problem.status < 500 else 503)
    return render(
        request,
        "register.html",
        {
            "sites": sites,
            "directions": DIRECTIONS,
            "kinds": kinds,
            "categories": on_boards(await site_categories(current, site_id), kinds),
            "price_list": await site_price_list(current, site_id),
            "item_rows": ITEM_ROWS,
            "emergencies": EMERGENCIES,
            "desks": DESKS,
            "values": values,
            "errors": _item_errors(problem, values),
            "problem": problem,
            "idempotency_key": idempotency_key,
        },
        current=current,
        status_code=status_code,
    )


@router.get("/requests/new", response_class=HTMLResponse)
async def register_form(request: Request, current: CurrentSession) -> HTMLResponse:
    require(current, "register")
    return await _register_page(
        request,
        current,
        values={
            "kind": "repair",
            "category": "own_unit",
            "call.direction": "inbound",
            "call.started_at": _now_local(request),  # the form is opened as the call is answered
        },
        idempotency_key=str(uuid.uuid4()),
    )


@router.get("/requests/new/categories", response_class=HTMLResponse)
async def category_field(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    kind: str = "",
    category: str = "",
) -> HTMLResponse:
    """The register form's category choice, boards and price-list items for the site chosen
    (htmx, as the site changes; the boards and items replace theirs out of band). The board
    chosen stays when the site serves it, else the site's first board is."""
    require(current, "register")
    kinds = await site_kinds(current, site_id)
    return render(
        request,
        "_category_swap.html",
        {
            "kinds": kinds,
            "categories": on_boards(await site_categories(current, site_id), kinds),
            "price_list": await site_price_list(current, site_id),
            "item_rows": ITEM_ROWS,
            "values": {"kind": kind if kind in kinds else kinds[0], "category": category},
            "errors": {},
        },
        current=current,
    )


@router.post("/requests/new", response_class=HTMLResponse)
async def register_call(
    request: Request,
    current: CurrentSession,
    csrf: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    require(current, "register")
    check_csrf(request, csrf)
    form = await request.form()
    values = {
        name: str(form.get(name, "")).strip() for name in (*FIELDS, *CALL_FIELDS, *ITEM_FIELDS)
    }
    zone = ZoneInfo(settings_of(request).time_zone)
    body: dict[str, Any] = {
        "site_id": values["site_id"],
        "kind": values["kind"],
        "category": values["category"],
        "description": values["description"],
        "resident": {
            "name": values["resident.name"],
            "phone": values["resident.phone"],
            "email": values["resident.email"] or None,
            "building": values["resident.building"],
            "room": values["resident.room"],
        },
    }
    named = requested_items(values)
    if named:
        body["requested_items"] = named
    try:
        appointment = _moment(values["appointment_at"], zone)
    except ValueError:
        appointment = values["appointment_at"]  # the API names what is wrong with it
    if appointment:
        body["appointment_at"] = appointment
    try:
        until = _moment(values["appointment_until"], zone)
    except ValueError:
        until = values["appointment_until"]
    if until:
        body["appointment_until"] = until
    for optional in ("receiving_desk", "emergency"):
        if values[optional]:
            body[optional] = values[optional]
    call = call_record(values, zone)
    if call is not None:
        body["call"] = call
    try:
        created = await current.api.register(body, idempotency_key or str(uuid.uuid4()))
    except ApiProblem as problem:
        if problem.status == 401:
            raise SignInNeeded("session_ended") from None
        return await _register_page(
            request,
            current,
            values=values,
            idempotency_key=key_after(problem, idempotency_key),
            problem=problem,
        )
    if created["kind"] in ("consultation", "information", "complaint"):
        # the caller is still on the line: answer them on the request's page
        return redirect(f"/requests/{created['request_id']}?registered={created['request_no']}")
    return redirect(
        f"/requests?registered={created['request_no']}&registered_id={created['request_id']}"
    )


@router.get("/requests", response_class=HTMLResponse)
async def list_requests(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    status: str = "",
    kind: str = "",
    registered_on_or_after: str = "",
    registered_on_or_before: str = "",
    offset: int = 0,
    registered: str = "",
    registered_id: str = "",
) -> Response:
    require(current, "requests")
    zone = ZoneInfo(settings_of(request).time_zone)
    filters = {
        "site_id": site_id,
        "status": status,
        "kind": kind,
        "registered_on_or_after": registered_on_or_after,
        "registered_on_or_before": registered_on_or_before,
    }
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    params |= {name: filters[name] for name in ("site_id", "status", "kind") if filters[name]}
    problem: ApiProblem | None = None
    try:
        if registered_on_or_after:
            start = datetime.combine(date.fromisoformat(registered_on_or_after), time.min, zone)
            params["registered_from"] = start.isoformat()
        if registered_on_or_before:
            end = datetime.combine(date.fromisoformat(registered_on_or_before), time.max, zone)
            params["registered_to"] = end.replace(microsecond=0).isoformat()
    except ValueError:
        problem = ApiProblem(422, "give dates as YYYY-MM-DD")
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    if problem is None:
        try:
            page = await current.api.requests(params)
        except ApiProblem as refused:
            if refused.status == 401:
                raise SignInNeeded("session_ended") from None
            problem = refused
    sites, sites_problem = await sites_or_problem(current)
    problem = problem or sites_problem
    await name_categories(current, page["items"])
    for item in page["items"]:
        item["registered_local"] = (
            datetime.fromisoformat(item["registered_at"])
            .astimezone(zone)
            .strftime("%Y-%m-%d %H:%M")
        )
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    template = "_requests_table.html" if request.headers.get("HX-Request") else "requests.html"
    return render(
        request,
        template,
        {
            "page": page,
            "filters": filters,
            "query": query,
            "sites": sites,
            "kinds": KINDS,
            "statuses": ["accepted", "declined", "redirected"],
            "registered": registered,
            "registered_id": registered_id,
            "list_path": "/requests",
            "problem": problem,
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )
