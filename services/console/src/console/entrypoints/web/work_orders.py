"""Dispatch's work orders (派工单): the technician's phone and the dispatcher's board.

The technician's phone (``/my-work-orders``) lists the signed-in technician's open orders,
emergencies first, each with the address, the resident and a tap-to-call number; an order's page
offers one big button per step dispatch allows now: taken (接单, DSP-03), on the way, arrived
(DSP-04), the fee agreed from the site's price list (or none), started, finished with how the
customer pays, and the customer's sign-off with a signature drawn on the phone (ACC-01). The
dispatcher's board (``/work-orders``) shows a site's orders grouped by state with their clocks
(dispatch due and met, arrival late, reworks); an order's page there reassigns, reschedules,
escalates, verifies, voids and closes out (DSP-05, DSP-06, ACC-05) and shows its history: each
step, who took it, when and why. Dispatch decides every step; the console only asks.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import Role

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    DISPATCHERS,
    FIELD_STAND_INS,
    TECHNICIANS,
    Session,
    by_field,
    check_csrf,
    key_after,
    local,
    past,
    redirect,
    refused_page,
    render,
    require,
    session,
    settings_of,
    signed_in,
)
from console.entrypoints.web.requests import site_choices, site_price_list

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

OPEN_FOR_TECHNICIAN = (
    "dispatched",
    "accepted",
    "on_the_way",
    "arrived",
    "quoted",
    "in_progress",
    "completed",
    "escalated",
)
"""The states in which an order is still the technician's to work or to have signed."""

BOARD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("awaiting_technician", ("awaiting_technician",)),
    ("dispatched", ("dispatched",)),
    ("in_the_field", ("accepted", "on_the_way", "arrived", "quoted")),
    ("in_progress", ("in_progress",)),
    ("awaiting_sign_off", ("completed",)),
    ("escalated", ("escalated",)),
    ("awaiting_close_out", ("signed_off", "verified")),
    ("awaiting_void", ("cancelled",)),
)
"""The board's columns, in the order work goes, with the states each gathers; voided and closed
orders are done and left off."""


class Unreadable(ValueError):
    """What the console cannot send as typed (a drawing that is no PNG, no answer to
    "satisfied?"): shown beside ``field`` like the API's problems."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class StepForm:
    """One step as the console offers it: dispatch's route, what the form asks, who sees it."""

    route: str
    fields: tuple[str, ...]
    roles: frozenset[Role]


FIELD = TECHNICIANS | FIELD_STAND_INS
ANYONE_ON_IT = FIELD | DISPATCHERS
STEPS: Mapping[str, StepForm] = {
    "assign": StepForm("assignment", ("technician_id", "reason"), DISPATCHERS),
    "reassign": StepForm("assignment", ("technician_id", "reason"), DISPATCHERS),
    "accept": StepForm("acceptance", (), FIELD),
    "set_out": StepForm("departure", (), FIELD),
    "arrive": StepForm("arrival", (), FIELD),
    "quote": StepForm("quote", ("items",), FIELD),
    "start": StepForm("start", (), FIELD),
    "complete": StepForm("finish", ("payment_method",), FIELD),
    "sign_off": StepForm("sign-off", ("signed_by", "satisfied", "opinion", "signature"), FIELD),
    "rework": StepForm("rework", ("reason",), ANYONE_ON_IT),
    "escalate": StepForm("escalation", ("to", "reason"), DISPATCHERS),
    "verify": StepForm("verification", (), DISPATCHERS),
    "reschedule": StepForm("rescheduling", ("appointment_at", "reason"), ANYONE_ON_IT),
    "cancel": StepForm("cancellation", ("reason",), ANYONE_ON_IT),
    "void": StepForm("void", ("reason",), DISPATCHERS),
    "close_out": StepForm("close-out", (), DISPATCHERS),
}
"""Every step dispatch has a route for, and the roles dispatch lets take it."""

PAYMENT_METHODS = ("cash", "bank_collection")
ESCALATIONS = ("service_centre_head", "site_manager")
SIGNATURE_PREFIX = "data:image/png;base64,"
MAX_SIGNATURE_BYTES = 512 * 1024


def steps_for(order: dict[str, Any], role: Role) -> list[str]:
    """The steps dispatch allows the order now that the user's role may take, in its order."""
    return [s for s in order.get("next_steps", []) if s in STEPS and role in STEPS[s].roles]


def shown(request: Request, order: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The order with its moments in the site's time and its clocks: dispatched by when and
    whether on time (DSP-03), arrived late (DSP-04), reworks (ACC-02)."""
    for moment in (
        "appointment_at",
        "dispatch_due_at",
        "dispatched_at",
        "taken_at",
        "arrived_at",
        "completed_at",
        "created_at",
    ):
        order[f"{moment}_local"] = local(request, order.get(moment))
    waiting = order.get("dispatched_at") is None and order["status"] == "awaiting_technician"
    order["dispatch_late"] = order.get("dispatched_on_time") is False or (
        waiting and past(order.get("dispatch_due_at"), now)
    )
    for change in order.get("history", []):
        change["at_local"] = local(request, change["at"])
    return order


def open_orders_first(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Emergencies first, then by appointment (those without one last), then oldest first."""
    return sorted(
        orders,
        key=lambda o: (
            o.get("emergency") is None,
            o.get("appointment_at") is None,
            o.get("appointment_at") or "",
            o.get("created_at") or "",
        ),
    )


def board_groups(orders: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The site's orders under the board's columns, emergencies first in each."""
    return [
        (key, open_orders_first([o for o in orders if o["status"] in states]))
        for key, states in BOARD_GROUPS
    ]


def of_the_trade(roster: list[dict[str, Any]], trade: str | None) -> list[dict[str, Any]]:
    """The site's technicians who work the order's trade (the whole roster when none does),
    those on duty first."""
    fitting = [t for t in roster if trade in (t.get("trades") or [])] or roster
    return sorted(fitting, key=lambda t: not t.get("on_duty", True))


# -- the technician's phone ---------------------------------------------------------------------
@router.get("/my-work-orders", response_class=HTMLResponse)
async def my_work_orders(request: Request, current: CurrentSession) -> Response:
    require(current, "my_work_orders")
    orders: list[dict[str, Any]] = []
    problem: ApiProblem | None = None
    params = {"technician_id": current.principal.subject, "limit": 200}
    try:
        page = await current.api.work_orders(params)
        orders = [o for o in page["items"] if o["status"] in OPEN_FOR_TECHNICIAN]
    except ApiProblem as refused:
        problem = signed_in(refused)
    now = datetime.now(UTC)
    return render(
        request,
        "my_work_orders.html",
        {"orders": [shown(request, o, now) for o in open_orders_first(orders)], "problem": problem},
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/my-work-orders/{work_order_id:uuid}", response_class=HTMLResponse)
async def my_work_order(
    request: Request, work_order_id: uuid.UUID, current: CurrentSession
) -> Response:
    require(current, "my_work_orders")
    return await _order_page(request, current, str(work_order_id), "my_work_order.html")


# -- the dispatcher's board ---------------------------------------------------------------------
@router.get("/work-orders", response_class=HTMLResponse)
async def board(request: Request, current: CurrentSession, site_id: str = "") -> Response:
    require(current, "work_orders")
    problem: ApiProblem | None = None
    try:
        sites = await site_choices(current)
    except ApiProblem as refused:
        sites, problem = [], signed_in(refused)
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    orders: list[dict[str, Any]] = []
    if site_id:
        try:
            page = await current.api.work_orders({"site_id": site_id, "limit": 500})
            orders = page["items"]
        except ApiProblem as refused:
            problem = signed_in(refused)
    now = datetime.now(UTC)
    orders = [shown(request, o, now) for o in orders]
    template = "_work_order_board.html" if request.headers.get("HX-Request") else "work_orders.html"
    return render(
        request,
        template,
        {
            "groups": board_groups(orders),
            "sites": sites,
            "site_id": site_id,
            "query": urlencode({"site_id": site_id}),
            "problem": problem,
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


@router.get("/work-orders/{work_order_id:uuid}", response_class=HTMLResponse)
async def desk_work_order(
    request: Request, work_order_id: uuid.UUID, current: CurrentSession
) -> Response:
    require(current, "work_orders")
    return await _order_page(request, current, str(work_order_id), "work_order.html")


# -- one order's page, for either ------------------------------------------------------------------
async def _order_page(
    request: Request,
    current: Session,
    work_order_id: str,
    template: str,
    *,
    failed: str = "",
    values: Mapping[str, str] | None = None,
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        order = await current.api.work_order(work_order_id)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    shown(request, order, datetime.now(UTC))
    steps = steps_for(order, current.principal.role)
    price_list = await site_price_list(current, order["site_id"]) if "quote" in steps else []
    technicians: list[dict[str, Any]] = []
    if {"assign", "reassign"} & set(steps):
        try:
            roster = (await current.api.technicians(order["site_id"]))["items"]
            technicians = of_the_trade(roster, order.get("trade"))
        except ApiProblem as refused:
            signed_in(refused)
    fresh = str(uuid.uuid4())
    keys = {step: f"{fresh}-{step}" for step in STEPS}
    values = dict(values or {})
    if failed and values.get("key"):
        keys[failed] = values["key"]
    done = request.query_params.get("done", "")
    return render(
        request,
        template,
        {
            "order": order,
            "steps": steps,
            "price_list": price_list,
            "technicians": technicians,
            "payment_methods": PAYMENT_METHODS,
            "escalations": ESCALATIONS,
            "failed": failed,
            "values": values,
            "errors": by_field(problem),
            "problem": problem,
            "keys": keys,
            "done": done if done in STEPS else "",
        },
        current=current,
        status_code=200 if problem is None else min(problem.status, 503),
    )


def _quoted_items(form: Mapping[str, str]) -> list[dict[str, Any]]:
    """The price-list items ticked, with the quantity and the price agreed as typed (dispatch
    says what is wrong with them); none ticked is a free job."""
    items = []
    for name, code in form.items():
        if not (name.startswith("items.") and name.endswith(".item_code")):
            continue
        row = name.removesuffix(".item_code")
        if form.get(f"{row}.chosen") != "on":
            continue
        quantity = form.get(f"{row}.quantity", "").strip() or "1"
        price = form.get(f"{row}.agreed_unit_price", "").strip()
        items.append(
            {
                "item_code": code,
                "quantity": int(quantity) if quantity.isdigit() else quantity,
                "agreed_unit_price": price or None,
            }
        )
    return items


def _moment(request: Request, typed: str) -> str:
    """A ``datetime-local`` typed in the site's time as an ISO moment; as typed if it is none."""
    try:
        wall = datetime.fromisoformat(typed)
    except ValueError:
        return typed
    if wall.tzinfo is None:
        wall = wall.replace(tzinfo=ZoneInfo(settings_of(request).time_zone))
    return wall.isoformat()


def keep_signature(request: Request, work_order_id: str, drawn: str) -> str | None:
    """Keep the customer's signature (a PNG drawn on the phone, sent as a data URL) under the
    console's signatures folder, named by the order and the picture's digest, and give the
    reference dispatch records; None when nothing was drawn."""
    if not drawn:
        return None
    if not drawn.startswith(SIGNATURE_PREFIX):
        raise Unreadable("signature_ref", "the signature is not a PNG")
    try:
        picture = base64.b64decode(drawn.removeprefix(SIGNATURE_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise Unreadable("signature_ref", "the signature could not be read") from None
    if len(picture) > MAX_SIGNATURE_BYTES or not picture.startswith(b"\x89PNG"):
        raise Unreadable("signature_ref", "the signature is not a PNG, or too large")
    digest = hashlib.sha256(picture).hexdigest()[:24]
    folder = Path(settings_of(request).signatures_dir) / work_order_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{digest}.png").write_bytes(picture)
    return f"console-signature:{work_order_id}/{digest}.png"


def step_body(
    request: Request, work_order_id: str, step: str, form: Mapping[str, str]
) -> dict[str, Any] | None:
    """What dispatch's route for ``step`` takes, from the form as typed."""
    if step in ("assign", "reassign"):
        return {"technician_id": form.get("technician_id", ""), "reason": form.get("reason", "")}
    if step == "quote":
        return {"items": _quoted_items(form)}
    if step == "complete":
        return {"payment_method": form.get("payment_method") or None}
    if step == "sign_off":
        opinion = form.get("opinion", "").strip()
        satisfied = form.get("satisfied", "")
        if satisfied not in ("true", "false"):  # never a rework the customer did not ask for
            raise Unreadable("satisfied", "say whether the customer is satisfied")
        return {
            "signed_by": form.get("signed_by", ""),
            "satisfied": satisfied == "true",
            "opinion": opinion or None,
            "signature_ref": keep_signature(request, work_order_id, form.get("signature", "")),
        }
    if step == "escalate":
        return {"to": form.get("to") or None, "reason": form.get("reason", "")}
    if step == "reschedule":
        return {
            "appointment_at": _moment(request, form.get("appointment_at", "")),
            "reason": form.get("reason", ""),
        }
    if step in ("rework", "cancel", "void"):
        return {"reason": form.get("reason", "")}
    return None


async def _take_step(
    request: Request,
    current: Session,
    work_order_id: str,
    step: str,
    page_path: str,
    template: str,
) -> Response:
    form_data = await request.form()
    form = {name: str(value) for name, value in form_data.items()}
    check_csrf(request, form.get("csrf"))
    if step not in STEPS:
        raise HTTPException(404, "not_a_step")
    if current.principal.role not in STEPS[step].roles:
        raise HTTPException(403, "not_for_role")
    key = form.get("key") or str(uuid.uuid4())
    values = {name: value for name, value in form.items() if name not in ("csrf", "signature")}
    try:
        body = step_body(request, work_order_id, step, form)
        await current.api.work_order_step(work_order_id, STEPS[step].route, body, key)
    except Unreadable as unreadable:
        problem = ApiProblem(
            422, str(unreadable), [{"field": unreadable.field, "message": str(unreadable)}]
        )
        return await _order_page(
            request, current, work_order_id, template, failed=step, values=values, problem=problem
        )
    except ApiProblem as refused:
        signed_in(refused)
        kept = {**values, "key": key_after(refused, key)}
        return await _order_page(
            request, current, work_order_id, template, failed=step, values=kept, problem=refused
        )
    return redirect(f"{page_path}/{work_order_id}?done={step}")


@router.post("/my-work-orders/{work_order_id:uuid}/{step}", response_class=HTMLResponse)
async def technician_step(
    request: Request, work_order_id: uuid.UUID, step: str, current: CurrentSession
) -> Response:
    require(current, "my_work_orders")
    return await _take_step(
        request, current, str(work_order_id), step, "/my-work-orders", "my_work_order.html"
    )


@router.post("/work-orders/{work_order_id:uuid}/{step}", response_class=HTMLResponse)
async def desk_step(
    request: Request, work_order_id: uuid.UUID, step: str, current: CurrentSession
) -> Response:
    require(current, "work_orders")
    return await _take_step(
        request, current, str(work_order_id), step, "/work-orders", "work_order.html"
    )
