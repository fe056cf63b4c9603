"""The units' management fee contracts (物业服务合同, or a commercial lease) over billing's
fee-contract routes (FEE-06, FEE-11, FEE-12).

``/fee-contracts?site_id=&building=&room=`` lists the contracts of the user's sites, a page at a
time, narrowed to a unit by its building and room: the contract's number, the unit, residential or
commercial, the rate per m² and month (the fee is the directory's floor area × this rate, FEE-06),
its start, the fee cut-off once the move-out is confirmed, and the commercial lease's rent.
Finance (and the platform's admin, as billing's record_fee_contract allows) records a contract
from the signed paper beside the list; billing refuses one recorded before with other terms or
overlapping another of the unit (409), and its refusal is shown beside the form, as typed.

``/fee-contracts/{contract_no}`` shows one contract with the deposits a commercial tenant leaves
at move-in, three months' fee and three months' rent (FEE-11), as required against as held, and
what each released deposit gave back. Finance holds a deposit paid in (billing refuses less than
required, naming it); finance or the site's manager confirms the move-out (迁出确认书, FEE-12),
which fixes the fee cut-off date, billing refusing one when a later month is billed already; once
moved out, finance releases a deposit, less what is kept against the tenant's debts, with the
refund's reference. The accounts' readers see the contracts without the forms.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    FEE_READERS,
    FINANCE_DESK,
    MOVE_OUT_CONFIRMERS,
    Session,
    by_field,
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

KINDS = ("residential", "commercial")
"""What a unit is used for (billing's UnitKind): each contract carries its own rate."""
DEPOSIT_KINDS = ("management_fee", "rent")
"""The deposits a commercial tenant leaves (billing's DepositKind, FEE-11)."""
PAGE = 50
CONTRACT_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
"""A contract's number as billing takes it, less the ``/`` it also allows: billing's routes
take the number as one path segment, where a ``/`` cannot travel."""
FIELDS = (
    "contract_no",
    "site_id",
    "building",
    "room",
    "kind",
    "rate",
    "starts_on",
    "monthly_rent",
)
"""The record form's fields, where a refusal naming one is shown."""
DONE = ("recorded", "moved_out", "held", "released")
ContractNo = Annotated[str, Path(min_length=1, max_length=40)]


def contract_path(contract_no: str) -> str:
    return f"/fee-contracts/{quote(contract_no, safe='')}"


def contract_body(values: Mapping[str, str]) -> dict[str, str]:
    """Billing's FeeContractIn as typed; the monthly rent only when given (a commercial lease's,
    for its deposit)."""
    body = {name: values[name] for name in FIELDS if name not in ("contract_no", "monthly_rent")}
    if values.get("monthly_rent"):
        body["monthly_rent"] = values["monthly_rent"]
    return body


def refused_before_billing(request: Request, contract_no: str) -> ApiProblem | None:
    """A number billing's route cannot be asked with (none, or one with a ``/`` or a space):
    refused here, beside the field."""
    if CONTRACT_NO.fullmatch(contract_no):
        return None
    message = said(request, "fee_contract_no_invalid")
    return ApiProblem(422, message, [{"field": "contract_no", "message": message}])


def holdable(contract: Mapping[str, Any]) -> list[str]:
    """The deposits still to be paid in: a commercial tenant's fee deposit, and the rent deposit
    when the lease has a rent (FEE-11); none once one of that kind is held."""
    if contract.get("kind") != "commercial":
        return []
    held = {d["kind"] for d in contract.get("deposits") or []}
    wanted = ["management_fee", *(["rent"] if contract.get("monthly_rent") else [])]
    return [kind for kind in wanted if kind not in held]


def releasable(contract: Mapping[str, Any]) -> list[str]:
    """The deposits held and not released, once the move-out is confirmed."""
    if not contract.get("fee_cut_off"):
        return []
    return [
        d["kind"]
        for d in contract.get("deposits") or []
        if d.get("released_on") is None and d["kind"] in DEPOSIT_KINDS
    ]


def deposit_rows(contract: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each deposit the contract requires, holds or is still to be paid in (FEE-11): required
    against held (the fee deposit's amount unknown while the directory has no floor area), and
    once released, what was kept and given back."""
    required: Mapping[str, str] = contract.get("deposits_required") or {}
    held = {d["kind"]: d for d in contract.get("deposits") or []}
    wanted = {*required, *held, *holdable(contract)}
    return [
        {"kind": kind, "required": required.get(kind), "held": held.get(kind)}
        for kind in DEPOSIT_KINDS
        if kind in wanted
    ]


# -- the list and a new contract -----------------------------------------------------------------
async def _contracts_page(
    request: Request,
    current: Session,
    *,
    site_id: str = "",
    building: str = "",
    room: str = "",
    offset: int = 0,
    values: dict[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, load_problem = await sites_or_problem(current)
    filters = {"site_id": site_id, "building": building, "room": room}
    params: dict[str, Any] = {"limit": PAGE, "offset": max(offset, 0)}
    params |= {name: value for name, value in filters.items() if value}
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": 0}
    try:
        page = await current.api.fee_contracts(params)
    except ApiProblem as refused:
        load_problem = signed_in(refused)
    desk = may(current, FINANCE_DESK)
    if values is None:
        chosen = site_id or (sites[0]["site_id"] if sites else "")
        values = dict.fromkeys(FIELDS, "") | {
            "site_id": chosen,
            "building": building,
            "room": room,
            "kind": "residential",
            "starts_on": await site_today(request, current, chosen) if desk else "",
        }
    failed = problem or load_problem
    done = request.query_params.get("done", "")
    return render(
        request,
        "fee_contracts.html",
        {
            "sites": sites,
            **filters,
            "page": page,
            "load_problem": load_problem,
            "desk": desk,
            "kinds": KINDS,
            "values": values,
            "key": key or str(uuid.uuid4()),
            "problem": problem,
            "errors": by_field(problem),
            "done": done if done in DONE else "",
            "list_path": "/fee-contracts",
            "query": urlencode({k: v for k, v in filters.items() if v}),
        },
        current=current,
        status_code=min(failed.status, 503) if failed else 200,
    )


@router.get("/fee-contracts", response_class=HTMLResponse)
async def fee_contracts(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    building: str = "",
    room: str = "",
    offset: int = 0,
) -> Response:
    only(current, FEE_READERS)
    return await _contracts_page(
        request,
        current,
        site_id=site_id.strip(),
        building=building.strip(),
        room=room.strip(),
        offset=offset,
    )


@router.post("/fee-contracts", response_class=HTMLResponse)
async def record_contract(request: Request, current: CurrentSession) -> Response:
    """FEE-06: a unit's contract recorded from the signed paper (its kind, its rate per m² and
    month, its start; a commercial lease's rent); on to its page, or billing's refusal beside the
    form as typed, over the unit's contracts."""
    form = await typed_form(request, current)
    values = {name: form.get(name, "").strip() for name in FIELDS}
    key = form.get("key") or str(uuid.uuid4())
    problem = refused_before_billing(request, values["contract_no"])
    if problem is None:
        try:
            await current.api.record_fee_contract(values["contract_no"], contract_body(values), key)
        except ApiProblem as refused:
            problem = signed_in(refused)
    if problem is not None:
        return await _contracts_page(
            request,
            current,
            site_id=values["site_id"],
            building=values["building"],
            room=values["room"],
            values=values,
            key=key_after(problem, key),
            problem=problem,
        )
    return redirect(f"{contract_path(values['contract_no'])}?done=recorded")


# -- one contract --------------------------------------------------------------------------------
def _forms_of(contract: Mapping[str, Any], current: Session) -> list[str]:
    """The contract page's forms the user may send now, each named as the page's ``failed``."""
    desk = may(current, FINANCE_DESK)
    forms = [f"hold-{kind}" for kind in holdable(contract)] if desk else []
    if may(current, MOVE_OUT_CONFIRMERS) and not contract.get("fee_cut_off"):
        forms.append("move-out")
    if desk:
        forms += [f"release-{kind}" for kind in releasable(contract)]
    return forms


async def _contract_page(
    request: Request,
    current: Session,
    contract_no: str,
    *,
    failed: str = "",
    values: Mapping[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        contract = await current.api.fee_contract(contract_no)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    contract["recorded_local"] = local(request, contract.get("recorded_at"))
    forms = _forms_of(contract, current)
    today = await site_today(request, current, contract["site_id"]) if forms else ""
    required: Mapping[str, str] = contract.get("deposits_required") or {}
    defaults: dict[str, dict[str, str]] = {
        "move-out": {"fee_cut_off": today, "note": ""},
        **{
            f"hold-{kind}": {"amount": required.get(kind, ""), "held_on": today, "reference": ""}
            for kind in DEPOSIT_KINDS
        },
        **{
            f"release-{kind}": {"released_on": today, "deducted": "0.00", "reference": ""}
            for kind in DEPOSIT_KINDS
        },
    }
    if failed in defaults and values is not None:
        defaults[failed] = dict(values)
    fresh = str(uuid.uuid4())
    keys = {form: f"{fresh}-{form}" for form in defaults}
    if failed in keys and key:
        keys[failed] = key
    done = request.query_params.get("done", "")
    return render(
        request,
        "fee_contract.html",
        {
            "contract": contract,
            "deposits": deposit_rows(contract),
            "forms": forms,
            "holdable": [k for k in holdable(contract) if f"hold-{k}" in forms],
            "releasable": [k for k in releasable(contract) if f"release-{k}" in forms],
            "may_move_out": "move-out" in forms,
            "form_values": defaults,
            "keys": keys,
            "failed": failed,
            "problem": problem,
            "errors": by_field(problem),
            "done": done if done in DONE else "",
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


@router.get("/fee-contracts/{contract_no}", response_class=HTMLResponse)
async def contract_page(
    request: Request, contract_no: ContractNo, current: CurrentSession
) -> Response:
    only(current, FEE_READERS)
    return await _contract_page(request, current, contract_no)


async def _on_contract(
    request: Request,
    current: Session,
    contract_no: str,
    form_name: str,
    form: Mapping[str, str],
    fields: tuple[str, ...],
    call: Callable[[dict[str, str], str], Awaitable[dict[str, Any]]],
    done: str,
) -> Response:
    """Send one of the contract's forms (``call`` with the fields as typed and its
    Idempotency-Key); back to the contract saying ``done``, or billing's refusal beside the
    form, as typed."""
    values = {name: form.get(name, "").strip() for name in fields}
    key = form.get("key") or str(uuid.uuid4())
    try:
        await call(values, key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _contract_page(
            request,
            current,
            contract_no,
            failed=form_name,
            values=values,
            key=key_after(refused, key),
            problem=refused,
        )
    return redirect(f"{contract_path(contract_no)}?done={done}#deposits")


def _deposit_kind(kind: str) -> str:
    if kind not in DEPOSIT_KINDS:
        raise HTTPException(404, f"no deposit {kind!r}")
    return kind


@router.post("/fee-contracts/{contract_no}/move-out", response_class=HTMLResponse)
async def confirm_move_out(
    request: Request, contract_no: ContractNo, current: CurrentSession
) -> Response:
    """FEE-12: the move-out confirmation (迁出确认书) fixes the fee cut-off date; the month it
    falls in is billed to that day and nothing after. Billing refuses another date once one is
    confirmed, or a cut-off before a month already billed ends (409)."""
    form = await typed_form(request, current, MOVE_OUT_CONFIRMERS)

    async def call(values: dict[str, str], key: str) -> dict[str, Any]:
        body = {"fee_cut_off": values["fee_cut_off"]}
        if values["note"]:
            body["note"] = values["note"]
        return await current.api.confirm_move_out(contract_no, body, key)

    return await _on_contract(
        request, current, contract_no, "move-out", form, ("fee_cut_off", "note"), call, "moved_out"
    )


@router.post("/fee-contracts/{contract_no}/deposits/{kind}", response_class=HTMLResponse)
async def hold_deposit(
    request: Request, contract_no: ContractNo, kind: str, current: CurrentSession
) -> Response:
    """FEE-11: a deposit paid in at move-in, at least three months' fee or rent (billing refuses
    less, naming what is required), with the receipt or transfer it came with."""
    form = await typed_form(request, current)
    kind = _deposit_kind(kind)

    async def call(values: dict[str, str], key: str) -> dict[str, Any]:
        return await current.api.hold_deposit(contract_no, kind, values, key)

    fields = ("amount", "held_on", "reference")
    return await _on_contract(
        request, current, contract_no, f"hold-{kind}", form, fields, call, "held"
    )


@router.post("/fee-contracts/{contract_no}/deposits/{kind}/release", response_class=HTMLResponse)
async def release_deposit(
    request: Request, contract_no: ContractNo, kind: str, current: CurrentSession
) -> Response:
    """A held deposit given back after the move-out, less what is kept against the tenant's
    debts (the deducted amount, up to the deposit), with the refund's reference."""
    form = await typed_form(request, current)
    kind = _deposit_kind(kind)

    async def call(values: dict[str, str], key: str) -> dict[str, Any]:
        return await current.api.release_deposit(contract_no, kind, values, key)

    fields = ("released_on", "deducted", "reference")
    return await _on_contract(
        request, current, contract_no, f"release-{kind}", form, fields, call, "released"
    )
