"""A site's price list (特约服务项目价格表) over billing's price-list routes (BIL-01 to BIL-04).

``/price-lists?site_id=&version=`` shows every version of the site's list, oldest first: when
each takes effect (in the site's time), the reference of the rates' approval or filing it rests
on (BIL-03, BIL-04), who recorded it, and which is in effect now or scheduled ahead; below, the
items of one version (the one in effect by default): code, Chinese and English names, unit,
price and kind (routine, in the management fee; special paid, 特约服务; business). Finance, the
site's manager and the platform's admin (billing's schedule_price_list and set_price_list_item)
set one item's price, in effect at once as a new version under the same approval (charges
waiting for it are priced), or schedule a whole new version from a moment on, its rows starting
as the latest version's items (a row whose code is emptied is left out, blank rows add items).
Billing decides every rule; its refusal (a price of more than two decimals, a moment past, a
version scheduled after the one asked for, 409) is shown beside the form, as typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ACCOUNT_KEEPERS,
    PRICE_LIST_READERS,
    Session,
    by_field,
    key_after,
    local,
    may,
    only,
    redirect,
    render,
    row_numbers,
    said,
    session,
    signed_in,
)
from console.entrypoints.web.charges import on_form_rows, paid_at, site_zone, typed_form
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

KINDS = ("routine", "special_paid", "business")
"""What an item is priced for (billing's ItemKind)."""
ITEM_FIELDS = ("item_code", "name", "name_en", "unit", "unit_price", "kind")
"""An item's fields, on the item form and on each row of a new version."""
BLANK_ROWS = 3
"""Rows for new items below the latest version's in the new-version form."""
FORMS = ("item", "version")
"""The page's forms, each named as the page's ``failed``."""
DONE = ("item", "version")


def shown_versions(
    request: Request, versions: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """The versions with their moments in the site's time and whether each is scheduled ahead."""
    for version in versions:
        version["effective_local"] = local(request, version["effective_from"])
        version["recorded_local"] = local(request, version.get("recorded_at"))
        version["scheduled"] = datetime.fromisoformat(version["effective_from"]) > now
    return versions


def chosen_version(versions: list[dict[str, Any]], asked: str) -> dict[str, Any] | None:
    """The version asked for by number, else the one in effect, else the latest."""
    by_number = {str(v["number"]): v for v in versions}
    if asked in by_number:
        return by_number[asked]
    return next((v for v in versions if v["in_effect"]), versions[-1] if versions else None)


def item_values(item: Mapping[str, Any] | None) -> dict[str, str]:
    """An item as the forms show it (a new one: special paid, as most are)."""
    if item is None:
        return dict.fromkeys(ITEM_FIELDS, "") | {"kind": "special_paid"}
    return {name: str(item.get(name) or "") for name in ITEM_FIELDS}


def version_rows(latest: dict[str, Any] | None) -> dict[str, str]:
    """The new-version form's rows as fields (``items.<n>.<field>``): the latest version's items,
    then blank rows."""
    items = [item_values(i) for i in (latest or {}).get("items", [])]
    items += [item_values(None) for _ in range(BLANK_ROWS)]
    return {
        f"items.{n}.{name}": value for n, item in enumerate(items) for name, value in item.items()
    }


def item_body(values: Mapping[str, str]) -> dict[str, Any]:
    """Billing's PriceItemIn as typed; the English name only when given."""
    body: dict[str, Any] = {
        "name": values["name"],
        "unit": values["unit"],
        "unit_price": values["unit_price"],
        "kind": values["kind"],
    }
    if values["name_en"]:
        body["name_en"] = values["name_en"]
    return body


def version_body(values: Mapping[str, str], moment: str | None) -> tuple[dict[str, Any], list[str]]:
    """Billing's VersionIn from the form: an item per row with a code (as typed), the approval's
    reference when given; with the form's row each item was sent from, to show billing's refusal
    of ``items.0`` beside the row it came from."""
    items, rows = [], []
    for n in row_numbers(values, "items"):
        row = {name: values.get(f"items.{n}.{name}", "").strip() for name in ITEM_FIELDS}
        if not row["item_code"]:
            continue
        items.append({"item_code": row["item_code"], **item_body(row)})
        rows.append(str(n))
    body: dict[str, Any] = {"items": items}
    if moment:
        body["effective_from"] = moment
    if values.get("approval_ref", "").strip():
        body["approval_ref"] = values["approval_ref"].strip()
    return body, rows


async def _price_list_page(
    request: Request,
    current: Session,
    site_id: str,
    *,
    asked_version: str = "",
    item: str = "",
    failed: str = "",
    values: dict[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, load_problem = await sites_or_problem(current)
    site_id = site_id or (sites[0]["site_id"] if sites else "")
    versions: list[dict[str, Any]] = []
    if site_id:
        try:
            found = await current.api.price_list_versions(site_id)
            versions = shown_versions(request, list(found["versions"]), datetime.now(UTC))
        except ApiProblem as refused:
            if refused.status != 404:  # 404: the site has no list yet, which the page says
                load_problem = signed_in(refused)
    shown = chosen_version(versions, asked_version)
    in_effect = next((v for v in versions if v["in_effect"]), None)
    keeper = may(current, ACCOUNT_KEEPERS)
    edited = next((i for i in (in_effect or {}).get("items", []) if i["item_code"] == item), None)
    forms = {
        "item": item_values(edited),
        "version": version_rows(versions[-1] if versions else None)
        | {
            "effective_from": "",
            "approval_ref": str((versions[-1] if versions else {}).get("approval_ref") or ""),
        },
    }
    if failed in forms and values is not None:
        forms[failed] = values
    fresh = str(uuid.uuid4())
    keys = {form: f"{fresh}-{form}" for form in FORMS}
    if failed in keys and key:
        keys[failed] = key
    done = request.query_params.get("done", "")
    failing = problem or load_problem
    return render(
        request,
        "price_lists.html",
        {
            "sites": sites,
            "site_id": site_id,
            "versions": versions,
            "shown": shown,
            "in_effect": in_effect,
            "scheduled_ahead": any(v["scheduled"] for v in versions),
            "load_problem": load_problem,
            "keeper": keeper,
            "item_form": forms["item"],
            "version_form": forms["version"],
            "version_rows": row_numbers(forms["version"], "items"),
            "kinds": KINDS,
            "failed": failed,
            "keys": keys,
            "problem": problem,
            "errors": by_field(problem),
            "done": done if done in DONE else "",
            "saved": request.query_params.get("saved", ""),
        },
        current=current,
        status_code=min(failing.status, 503) if failing else 200,
    )


@router.get("/price-lists", response_class=HTMLResponse)
async def price_lists(
    request: Request, current: CurrentSession, site_id: str = "", version: str = "", item: str = ""
) -> Response:
    only(current, PRICE_LIST_READERS)
    return await _price_list_page(
        request,
        current,
        site_id.strip(),
        asked_version=version.strip(),
        item=item.strip() if may(current, ACCOUNT_KEEPERS) else "",
    )


def _site_needed(request: Request, site_id: str) -> ApiProblem | None:
    return None if site_id else ApiProblem(422, said(request, "site_needed"))


@router.post("/price-lists/items", response_class=HTMLResponse)
async def set_item(request: Request, current: CurrentSession) -> Response:
    """Add an item or correct one, in effect at once: a new version of the list under the same
    approval; charges waiting for the item are priced. Billing refuses while a version scheduled
    later exists (409: correct the list through a version after it)."""
    form = await typed_form(request, current, ACCOUNT_KEEPERS)
    site_id = form.get("site_id", "").strip()
    values = {name: form.get(name, "").strip() for name in ITEM_FIELDS}
    key = form.get("key") or str(uuid.uuid4())
    problem = _site_needed(request, site_id)
    if problem is None and not values["item_code"]:
        message = said(request, "price_item_code_needed")
        problem = ApiProblem(422, message, [{"field": "item_code", "message": message}])
    if problem is None:
        try:
            await current.api.set_price_list_item(
                site_id, values["item_code"], item_body(values), key
            )
        except ApiProblem as refused:
            problem = signed_in(refused)
    if problem is not None:
        return await _price_list_page(
            request,
            current,
            site_id,
            failed="item",
            values=values,
            key=key_after(problem, key),
            problem=problem,
        )
    query = {"site_id": site_id, "done": "item", "saved": values["item_code"]}
    return redirect(f"/price-lists?{urlencode(query)}#items")


@router.post("/price-lists/versions", response_class=HTMLResponse)
async def schedule_version(request: Request, current: CurrentSession) -> Response:
    """A whole new version of the list from the moment typed (in the site's time), under the
    approval's reference; on to it, or billing's refusal beside the form as typed."""
    form = await typed_form(request, current, ACCOUNT_KEEPERS)
    site_id = form.get("site_id", "").strip()
    values = {name: value for name, value in form.items() if name not in ("csrf", "key")}
    key = form.get("key") or str(uuid.uuid4())
    moment = paid_at(form.get("effective_from", ""), await site_zone(request, current, site_id))
    body, rows = version_body(values, moment)
    problem = _site_needed(request, site_id)
    found: dict[str, Any] = {}
    if problem is None:
        try:
            found = await current.api.schedule_price_list(site_id, body, key)
        except ApiProblem as refused:
            problem = on_form_rows(signed_in(refused), rows, "items")
    if problem is not None:
        return await _price_list_page(
            request,
            current,
            site_id,
            failed="version",
            values=values,
            key=key_after(problem, key),
            problem=problem,
        )
    number = max((int(v["number"]) for v in found.get("versions", [])), default=0)
    query = {"site_id": site_id, "version": str(number), "done": "version"}
    return redirect(f"/price-lists?{urlencode(query)}#versions")
