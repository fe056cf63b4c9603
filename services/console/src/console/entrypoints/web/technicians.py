"""A site's technicians (维修/服务人员) over dispatch's technician routes.

``/technicians?site_id=&on_duty=true&edit=`` lists a site's technicians, every page of dispatch's
listing (by id): their phone, trades, skills by name (the repair specialities and the ten
housekeeping items, TAX-07) and whether they are on duty; ``on_duty=true`` shows only those on
duty. The roster keepers (dispatch's save_technician allows them alone) add a technician or
change one (``edit=<id>`` opens them in the form) and the page PUTs them to dispatch: trades (at
least one), skills (none: a generalist of the trades) and on duty. That is what automatic
assignment reads (DSP-02): an available technician of the trade, on shift, a specialist in the
skill the work needs before a generalist; one put on duty takes the site's waiting work orders at
once. Dispatch decides every rule; its refusal (422 an unknown trade or skill, 403 a role or site
not the user's, 409 an id taken at another site) is shown beside the form, as typed. The desks
and oversight read the list without the form.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.paging import MAX_OFFSET

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ROSTER_KEEPERS,
    TECHNICIAN_READERS,
    Session,
    by_field,
    check_csrf,
    key_after,
    may,
    only,
    redirect,
    render,
    said,
    session,
    signed_in,
)
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

TECHNICIAN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
"""A new technician's id: what they sign in with (40 characters at most, as the sign-in takes
it), and one segment of dispatch's path."""
TRADES = ("maintenance", "housekeeping")
"""The trades dispatch sends someone for (its TRADE_FOR_BOARD: the repair and housekeeping
boards)."""
REPAIR_SKILLS = ("plumbing", "electrical", "lifts", "gas", "fire_safety", "locks_and_carpentry")
"""The maintenance specialities a repair can need (dispatch's REPAIR_SKILLS)."""
HOUSEKEEPING_SKILLS = (
    "new_home_clean",
    "office_deep_clean",
    "carpet_cleaning",
    "carpet_care",
    "floor_waxing",
    "sofa_care",
    "furniture_care",
    "glass_cleaning",
    "office_contract_cleaning",
    "stone_crystallisation",
)
"""The ten housekeeping items (TAX-07), each a skill of its own: the item a resident books is the
skill its work order needs (dispatch's HOUSEKEEPING_SKILLS)."""
EMERGENCY_SKILL = {
    "water_leak": "plumbing",
    "power_failure": "electrical",
    "lift_entrapment": "lifts",
    "gas": "gas",
    "fire_alarm": "fire_safety",
}
"""The repair speciality dispatch sends for each of intake's emergencies (INC-01): no skill of
its own, shown beside the speciality it calls for."""
SKILL_GROUPS = (("repairs", REPAIR_SKILLS), ("housekeeping_items", HOUSEKEEPING_SKILLS))
"""The form's skill checkboxes, grouped as dispatch keeps them."""
DONE = ("added", "changed")
NEW: dict[str, Any] = {
    "technician_id": "",
    "name": "",
    "phone": "",
    "trades": [],
    "skills": [],
    "on_duty": True,
}
"""A technician not on record yet, as the form opens on them: on duty, as most are added."""
FIELDS = ("technician_id", "name", "phone", "trades", "skills", "on_duty")
"""The form's fields, where a refusal naming one (``trades.0``) is shown."""


def emergencies_of(skill: str) -> list[str]:
    """The emergencies a specialist in ``skill`` is sent for first."""
    return [kind for kind, needed in EMERGENCY_SKILL.items() if needed == skill]


def form_values(technician: dict[str, Any]) -> dict[str, Any]:
    """A technician as dispatch lists them, as the form shows them."""
    return {
        "technician_id": technician["technician_id"],
        "name": technician["name"],
        "phone": technician["phone"],
        "trades": list(technician.get("trades") or []),
        "skills": list(technician.get("skills") or []),
        "on_duty": bool(technician.get("on_duty")),
    }


def technician_body(site_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """Dispatch's TechnicianIn: an unticked on-duty box is off duty."""
    return {
        "site_id": site_id,
        "name": values["name"],
        "phone": values["phone"],
        "trades": values["trades"],
        "skills": values["skills"],
        "on_duty": values["on_duty"],
    }


def errors_beside(problem: ApiProblem | None) -> dict[str, list[str]]:
    """The problem's messages by the form's field they are shown beside (``trades.0`` beside
    the trades); those naming no field of the form are in its detail, shown above the form."""
    shown: dict[str, list[str]] = {}
    for name, message in by_field(problem).items():
        field = name.split(".", 1)[0]
        if field in FIELDS:
            shown.setdefault(field, []).append(message)
    return shown


def refused_before_dispatch(
    request: Request, values: dict[str, Any], new: bool
) -> ApiProblem | None:
    """What the page refuses without asking dispatch: a new technician without a usable id,
    or no trade ticked (dispatch sends a technician only for the trades they have)."""
    errors = []
    if not values["technician_id"] or (
        new and not TECHNICIAN_ID.fullmatch(values["technician_id"])
    ):
        errors.append({"field": "technician_id", "message": said(request, "technician_id_invalid")})
    if not values["trades"]:
        errors.append({"field": "trades", "message": said(request, "technician_trade_needed")})
    if not errors:
        return None
    return ApiProblem(422, said(request, "check_fields"), errors)


async def all_technicians(current: Session, site_id: str) -> list[dict[str, Any]]:
    """Every technician of the site, page after page of dispatch's listing (by id)."""
    found: list[dict[str, Any]] = []
    while True:
        page = await current.api.technicians(site_id, offset=len(found))
        items = list(page["items"])
        found += items
        if not items or len(found) >= int(page["total"]) or len(found) > MAX_OFFSET:
            return found


async def _listed(current: Session, site_id: str) -> list[dict[str, Any]]:
    """The site's technicians, or none when dispatch does not answer (the PUT then decides)."""
    try:
        return await all_technicians(current, site_id)
    except ApiProblem as refused:
        signed_in(refused)
        return []


async def _technicians_page(
    request: Request,
    current: Session,
    site_id: str,
    *,
    on_duty_only: bool = False,
    edit: str = "",
    values: dict[str, Any] | None = None,
    new: bool = True,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    """The list, and for a keeper the form: on ``values`` as typed when dispatch (or the page)
    refused them, else on the technician ``edit`` names, else on a new one."""
    sites, sites_problem = await sites_or_problem(current)
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    technicians: list[dict[str, Any]] = []
    list_problem: ApiProblem | None = None
    if site_id:
        try:
            technicians = await all_technicians(current, site_id)
        except ApiProblem as refused:
            list_problem = signed_in(refused)
    keeper = may(current, ROSTER_KEEPERS)
    edit_problem: ApiProblem | None = None
    if values is None:
        editing = next((t for t in technicians if t["technician_id"] == edit), None)
        if edit and editing is None and list_problem is None:
            edit_problem = ApiProblem(404, f"{said(request, 'technician_not_listed')} {edit}")
        values = form_values(editing) if editing else dict(NEW)
        new = editing is None
    load_problem = list_problem or sites_problem or edit_problem
    shown = [t for t in technicians if t["on_duty"]] if on_duty_only else technicians
    done = request.query_params.get("done", "")
    saved = request.query_params.get("saved", "")
    names = {t["technician_id"]: t["name"] for t in technicians}
    failed = problem or load_problem
    return render(
        request,
        "technicians.html",
        {
            "sites": sites,
            "site_id": site_id,
            "on_duty_only": on_duty_only,
            "technicians": shown,
            "total": len(technicians),
            "on_duty_count": sum(1 for t in technicians if t["on_duty"]),
            "keeper": keeper,
            "values": values,
            "new": new,
            "key": key or str(uuid.uuid4()),
            "problem": problem,
            "errors": errors_beside(problem),
            "load_problem": load_problem,
            "done": done if done in DONE else "",
            "saved_name": names.get(saved, saved),
            "trades": TRADES,
            "skill_groups": SKILL_GROUPS,
            "all_skills": REPAIR_SKILLS + HOUSEKEEPING_SKILLS,
            "emergencies": {skill: emergencies_of(skill) for skill in REPAIR_SKILLS},
        },
        current=current,
        status_code=min(failed.status, 503) if failed else 200,
    )


@router.get("/technicians", response_class=HTMLResponse)
async def technicians(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    on_duty: str = "",
    edit: str = "",
) -> Response:
    only(current, TECHNICIAN_READERS)
    return await _technicians_page(
        request,
        current,
        site_id.strip(),
        on_duty_only=on_duty == "true",
        edit=edit.strip() if may(current, ROSTER_KEEPERS) else "",
    )


@router.post("/technicians", response_class=HTMLResponse)
async def save_technician(
    request: Request,
    current: CurrentSession,
    site_id: Annotated[str, Form()] = "",
    technician_id: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    trades: Annotated[list[str] | None, Form()] = None,
    skills: Annotated[list[str] | None, Form()] = None,
    on_duty: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Add a technician (``new``) or change one, and go back to the list saying so; a refusal
    shows the form again as typed, beside the list."""
    only(current, ROSTER_KEEPERS)
    check_csrf(request, csrf)
    site_id = site_id.strip()
    values: dict[str, Any] = {
        "technician_id": technician_id.strip(),
        "name": name.strip(),
        "phone": phone.strip(),
        "trades": list(dict.fromkeys(trades or [])),
        "skills": list(dict.fromkeys(skills or [])),
        "on_duty": bool(on_duty),
    }
    adding = bool(new)
    problem = refused_before_dispatch(request, values, adding)
    if problem is None and adding:
        listed = {t["technician_id"] for t in await _listed(current, site_id)}
        if values["technician_id"] in listed:  # the PUT would change them: edit them instead
            message = said(request, "technician_id_taken")
            problem = ApiProblem(409, message, [{"field": "technician_id", "message": message}])
    if problem is None:
        try:
            await current.api.save_technician(
                values["technician_id"], technician_body(site_id, values), key or str(uuid.uuid4())
            )
        except ApiProblem as refused:
            problem = signed_in(refused)
    if problem is not None:
        return await _technicians_page(
            request,
            current,
            site_id,
            values=values,
            new=adding,
            key=key_after(problem, key),
            problem=problem,
        )
    query = {
        "site_id": site_id,
        "done": "added" if adding else "changed",
        "saved": values["technician_id"],
    }
    return redirect(f"/technicians?{urlencode(query)}#technicians")
