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

The phone's list opens on today's work (the orders booked for today in the site's time, and those
open without an appointment), with a link to every open one, and the technician's own shifts for
the rest of the month from the site's published roster (排班表), their absences and the shifts
they cover marked. An order's page on the phone lists the materials and tools drawn for it
(DSP-07), draws more (a material the customer pays for names its price-list item, 材料费) and
gives them back (DSP-08). Once the customer signed off, both pages show who signed, when, whether
satisfied, and the signature drawn on the phone, which the console keeps and serves to the staff
who may read the order (``/signatures?ref=``); a reference the console did not keep (a paper
record's) is shown as text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from hotline_libs.auth import ALL_SITES, Role

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
    only,
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
from console.entrypoints.web.technician_rosters import zone_of

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
SIGNATURE_REF = re.compile(
    r"console-signature:(?P<order>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"/(?P<name>[0-9a-f]{24}\.png)"
)
"""A signature the console keeps (``keep_signature``): the order's folder and the picture's
digest; any other reference (a paper record's) names nothing the console serves."""
WORK_ORDER_READERS = TECHNICIANS | DISPATCHERS
"""Who opens work orders in the console: the technicians' phone and the dispatchers' board."""

DRAWING = ("accepted", "on_the_way", "arrived", "quoted", "in_progress")
"""When dispatch lets materials and tools be drawn for an order (taken, until the work is done):
when the phone offers the form; dispatch decides."""
KINDS_DRAWN = ("material", "tool")
MATERIAL_FORMS = ("draw", "give_back")
"""The materials' forms, each named as the page's ``failed`` and ``done``: drawing, and giving
back a line (``give_back-3``)."""
SHOWING = ("today", "all")
"""What the phone's list shows: today's work (the default), or every open order."""


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


def for_today(order: Mapping[str, Any], today: date, zone: ZoneInfo) -> bool:
    """Whether the order is today's work: booked for today in the site's time, or open without
    an appointment (the list holds open orders only)."""
    appointment = order.get("appointment_at")
    if not appointment:
        return True
    return datetime.fromisoformat(appointment).astimezone(zone).date() == today


def shifts_worked(
    roster: Mapping[str, Any], technician_id: str, from_day: date
) -> list[dict[str, Any]]:
    """The technician's shifts on the roster from ``from_day`` to the month's end, by day and
    the roster's order of shifts: each one they work (an absence from it marked with its kind and
    who covers), and each they cover for someone else (whom)."""
    times = {s["code"]: s for s in roster["shifts"]}
    order = {s["code"]: n for n, s in enumerate(roster["shifts"])}
    absent = {(a["technician_id"], a["day"], a["shift"]): a for a in roster["absences"]}
    first = from_day.isoformat()

    def row(day: str, shift: str, **marks: Any) -> dict[str, Any]:
        known = times.get(shift, {})
        return {
            "day": day,
            "weekday": date.fromisoformat(day).weekday(),
            "today": day == first,
            "shift": shift,
            "starts": known.get("starts", ""),
            "ends": known.get("ends", ""),
            "absence": None,
            "covered_by": None,
            "covers": None,
            **marks,
        }

    rows = []
    for entry in roster["entries"]:
        if entry["technician_id"] != technician_id or entry["day"] < first:
            continue
        gone = absent.get((technician_id, entry["day"], entry["shift"]))
        rows.append(
            row(
                entry["day"],
                entry["shift"],
                absence=gone["kind"] if gone else None,
                covered_by=gone["cover_by"] if gone else None,
            )
        )
    for absence in roster["absences"]:
        if absence["cover_by"] == technician_id and absence["day"] >= first:
            rows.append(row(absence["day"], absence["shift"], covers=absence["technician_id"]))
    return sorted(rows, key=lambda r: (r["day"], order.get(r["shift"], len(order))))


async def my_shifts(
    request: Request, current: Session, sites: Iterable[str], now: datetime
) -> list[dict[str, Any]]:
    """The signed-in technician's shifts for the rest of this month, a site at a time, from the
    site's published roster; a month not drafted (404) or only drafted has no published roster,
    and another refusal is shown in its place."""
    fallback = settings_of(request).time_zone
    found = []
    for site_id in sorted(set(sites)):
        month = now.astimezone(zone_of(None, fallback)).strftime("%Y-%m")
        mine: dict[str, Any] = {
            "site_id": site_id,
            "month": month,
            "published": False,
            "shifts": [],
            "problem": None,
        }
        try:
            roster = await current.api.technician_roster(site_id, month)
        except ApiProblem as refused:
            signed_in(refused)
            mine["problem"] = None if refused.status == 404 else refused
            found.append(mine)
            continue
        if roster.get("status") == "published":
            today = now.astimezone(zone_of(roster.get("zone"), fallback)).date()
            mine["published"] = True
            mine["shifts"] = shifts_worked(roster, current.principal.subject, today)
        found.append(mine)
    return found


# -- the technician's phone ---------------------------------------------------------------------
@router.get("/my-work-orders", response_class=HTMLResponse)
async def my_work_orders(request: Request, current: CurrentSession, show: str = "") -> Response:
    require(current, "my_work_orders")
    showing = show if show in SHOWING else "today"
    orders: list[dict[str, Any]] = []
    problem: ApiProblem | None = None
    params = {"technician_id": current.principal.subject, "limit": 200}
    try:
        page = await current.api.work_orders(params)
        orders = [o for o in page["items"] if o["status"] in OPEN_FOR_TECHNICIAN]
    except ApiProblem as refused:
        problem = signed_in(refused)
    now = datetime.now(UTC)
    zone = zone_of(None, settings_of(request).time_zone)
    todays = [o for o in orders if for_today(o, now.astimezone(zone).date(), zone)]
    listed = orders if showing == "all" else todays
    sites = current.principal.sites - {ALL_SITES} or {o["site_id"] for o in orders}
    return render(
        request,
        "my_work_orders.html",
        {
            "orders": [shown(request, o, now) for o in open_orders_first(listed)],
            "showing": showing,
            "todays": len(todays),
            "open_orders": len(orders),
            "rosters": await my_shifts(request, current, sites, now),
            "problem": problem,
        },
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


# -- the customer's signature --------------------------------------------------------------------
def signature_file(request: Request, ref: str) -> Path | None:
    """The picture a signature reference names, if it is one the console keeps and it is there:
    a file inside the signatures folder, never outside it (a link out of it is refused too)."""
    named = SIGNATURE_REF.fullmatch(ref)
    if named is None:
        return None
    folder = Path(settings_of(request).signatures_dir).resolve()
    path = (folder / named["order"] / named["name"]).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        return None
    return path


def sign_off_of(request: Request, order: Mapping[str, Any]) -> dict[str, Any] | None:
    """The customer's sign-off as the pages show it (who, when, satisfied, opinion, signature),
    or None before it, from dispatch's ``sign_off``. ``image`` is the console's address of the
    picture when the reference names one it keeps; otherwise the page shows the reference as
    text (a paper record's, say)."""
    given = order.get("sign_off")
    if not isinstance(given, Mapping):
        return None
    found = dict(given)
    ref = found.get("signature_ref")
    found["signed_at_local"] = local(request, found.get("signed_at"))
    kept = bool(ref) and signature_file(request, str(ref)) is not None
    found["image"] = f"/signatures?{urlencode({'ref': ref})}" if kept else None
    return found


@router.get("/signatures", response_class=Response)
async def signature(request: Request, current: CurrentSession, ref: str = "") -> Response:
    """The customer's signature the console keeps, to staff who read work orders and may open the
    order it belongs to (dispatch says, with their token); 404 for any other reference."""
    only(current, WORK_ORDER_READERS)
    named = SIGNATURE_REF.fullmatch(ref)
    path = signature_file(request, ref)
    if named is None or path is None:
        raise HTTPException(404, "no_signature")
    try:
        await current.api.work_order(named["order"])
    except ApiProblem as refused:
        signed_in(refused)
        if refused.status in (403, 404):
            raise HTTPException(404, "no_signature") from None
        raise HTTPException(min(refused.status, 503), refused.detail) from None
    return FileResponse(
        path,
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


# -- one order's page, for either ------------------------------------------------------------------
PHONE_PAGE = "my_work_order.html"


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
    on_the_phone = template == PHONE_PAGE
    may_draw = on_the_phone and order["status"] in DRAWING
    price_list = (
        await site_price_list(current, order["site_id"]) if "quote" in steps or may_draw else []
    )
    technicians: list[dict[str, Any]] = []
    if {"assign", "reassign"} & set(steps):
        try:
            roster = (await current.api.technicians(order["site_id"]))["items"]
            technicians = of_the_trade(roster, order.get("trade"))
        except ApiProblem as refused:
            signed_in(refused)
    fresh = str(uuid.uuid4())
    keys = {step: f"{fresh}-{step}" for step in STEPS}
    keys["draw"] = f"{fresh}-draw"
    keys |= {
        f"give_back-{line['line_no']}": f"{fresh}-give_back-{line['line_no']}"
        for line in order.get("materials", [])
    }
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
            "sign_off": sign_off_of(request, order),
            "may_draw": may_draw,
            "may_give_back": on_the_phone and order["status"] not in ("closed", "voided"),
            "kinds_drawn": KINDS_DRAWN,
            "charged_materials": any(
                line.get("charge_as") and line.get("outstanding")
                for line in order.get("materials", [])
            ),
            "failed": failed,
            "values": values,
            "errors": by_field(problem),
            "problem": problem,
            "keys": keys,
            "done": done if done in STEPS or done in MATERIAL_FORMS else "",
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


# -- the materials and tools drawn for the order (DSP-07, DSP-08) --------------------------------
def draw_body(form: Mapping[str, str]) -> dict[str, Any]:
    """What dispatch's materials route takes, as typed (dispatch says what is wrong with it): the
    price-list item the customer is charged as goes with a material only, and only if given."""
    quantity = form.get("quantity", "").strip() or "1"
    kind = form.get("kind", "")
    charge_as = form.get("charge_as", "").strip()
    body: dict[str, Any] = {
        "item": form.get("item", "").strip(),
        "quantity": int(quantity) if quantity.isdigit() else quantity,
        "kind": kind,
    }
    if kind == "material" and charge_as:
        body["charge_as"] = charge_as
    return body


async def _on_materials(
    request: Request,
    current: Session,
    work_order_id: str,
    form_name: str,
    call: Callable[[str], Awaitable[Any]],
    page_path: str,
    template: str,
    form: Mapping[str, str],
) -> Response:
    """Send one materials form (``call`` with the form's Idempotency-Key); back to the order's
    page saying it was done, or showing dispatch's refusal beside the form, as typed."""
    key = form.get("key") or str(uuid.uuid4())
    values = {name: value for name, value in form.items() if name != "csrf"}
    try:
        await call(key)
    except ApiProblem as refused:
        signed_in(refused)
        kept = {**values, "key": key_after(refused, key)}
        return await _order_page(
            request,
            current,
            work_order_id,
            template,
            failed=form_name,
            values=kept,
            problem=refused,
        )
    done = form_name.partition("-")[0]
    return redirect(f"{page_path}/{work_order_id}?done={done}#materials")


async def _typed(request: Request) -> dict[str, str]:
    """The form as typed, once its CSRF token is this browser's."""
    form_data = await request.form()
    form = {name: str(value) for name, value in form_data.items()}
    check_csrf(request, form.get("csrf"))
    return form


@router.post("/my-work-orders/{work_order_id:uuid}/materials", response_class=HTMLResponse)
async def draw_materials(
    request: Request, work_order_id: uuid.UUID, current: CurrentSession
) -> Response:
    """Materials or tools drawn for the order, from the technician's phone."""
    require(current, "my_work_orders")
    form = await _typed(request)
    order_id = str(work_order_id)
    body = draw_body(form)

    async def call(key: str) -> Any:
        return await current.api.draw_materials(order_id, body, key)

    return await _on_materials(
        request, current, order_id, "draw", call, "/my-work-orders", PHONE_PAGE, form
    )


@router.post(
    "/my-work-orders/{work_order_id:uuid}/materials/{line_no:int}/return",
    response_class=HTMLResponse,
)
async def give_back_materials(
    request: Request, work_order_id: uuid.UUID, line_no: int, current: CurrentSession
) -> Response:
    """Unused materials or a borrowed tool of one line back to the warehouse, from the phone."""
    require(current, "my_work_orders")
    form = await _typed(request)
    order_id = str(work_order_id)
    typed = form.get("quantity", "").strip()
    quantity: int | str = int(typed) if typed.isdigit() else typed

    async def call(key: str) -> Any:
        return await current.api.give_back_materials(order_id, line_no, quantity, key)

    return await _on_materials(
        request,
        current,
        order_id,
        f"give_back-{line_no}",
        call,
        "/my-work-orders",
        PHONE_PAGE,
        form,
    )


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
