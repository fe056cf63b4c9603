"""A site's callback policy (回访规定) and its months' samples (抽样回访) over callback's API.

``/callback-policies`` opens the user's site's policy, or lets a user who covers several sites
pick one. ``/callback-policies/{site_id}`` shows the version in force on the site's day and every
version: version 0 is the manuals' rules (按操作手册), in force until the site's first version
(CB-02, CB-03, CB-10, CB-11). For each trigger (a cash-paid, bank-collected or otherwise paid
service, a free repair, a valid or an invalid complaint) how many of the cases are called back and
within how many working days, with the manuals' floors no site goes under; by which day of the
month last month's callbacks are all done (CB-02), and how many times a case is rectified before
it is escalated (CB-07, CB-09).

The site's manager, the director and the platform's admin (callback's add_policy_version) set a
new version from a day on (today or later), its fields filled from the version in force; callback
decides every rule and its refusal is shown beside the field it names (``rules.bank_collected.
share``, ``effective_from``), as typed; a version after a later one is refused whole (409). The
same version as the last changes nothing, and the page says so.

For the samples' readers (callback's get_samples), a month's samples as an auditor recomputes
them: how each draw is made, and per sampled trigger the month's seed, its cases, how many were
drawn and the rate against the share, and every case's draw, each case opening its call.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    CALLBACK_POLICY_READERS,
    CALLBACK_POLICY_SETTERS,
    CALLBACK_READERS,
    SAMPLE_READERS,
    Session,
    by_field,
    done_of,
    key_after,
    may,
    only,
    redirect,
    render,
    session,
    signed_in,
)
from console.entrypoints.web.callbacks import TRIGGERS, at_site, label, today_at
from console.entrypoints.web.charges import site_zone, typed_form
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
"""A month as callback's samples take it (YYYY-MM)."""
RULE_FIELD = re.compile(r"rules\.([a-z][a-z_]{0,39})\.(share|within_working_days)")
"""A trigger's rule on the form, named as callback names it in a refusal."""
NUMBER = re.compile(r"-?\d{1,6}")
MONTH_DONE_BEFORE_DAY = 10
MAX_RECTIFICATION_LOOPS = 5
MAX_NOTE = 500
"""What callback takes at most (its MONTH_DONE_BEFORE_DAY, MAX_RECTIFICATION_LOOPS, the note's
length): the form's bounds, callback decides."""
DONE = ("added", "same")
"""What the page says after a version is sent: added (201), or the last version already (200)."""


def policy_path(site_id: str) -> str:
    return f"/callback-policies/{quote(site_id, safe='')}"


def triggers_of(policy: Mapping[str, Any] | None) -> list[str]:
    """The triggers the console names, then any callback adds later, as they come."""
    known = list(TRIGGERS)
    rules: Mapping[str, Any] = ((policy or {}).get("in_force") or {}).get("rules") or {}
    return known + sorted(set(rules) - set(known))


def version_state(version: Mapping[str, Any], in_force: int, today: str) -> str:
    """in_force, scheduled (from a day ahead) or superseded."""
    if version["version"] == in_force:
        return "in_force"
    if version.get("effective_from") and version["effective_from"] > today:
        return "scheduled"
    return "superseded"


def shown_versions(
    request: Request, policy: Mapping[str, Any], today: str, zone: Any
) -> list[dict[str, Any]]:
    """Every version, oldest first, version 0 (the manuals' rules) first: callback lists the
    site's own; the manuals' is known by its rules only while it is in force."""
    in_force: dict[str, Any] = dict(policy["in_force"])
    versions = [dict(v) for v in policy.get("versions") or []]
    if in_force["version"] == 0:
        versions.insert(0, in_force)
    elif not versions or versions[0]["version"] != 0:
        versions.insert(0, {"version": 0, "effective_from": None, "rules": None})
    for version in versions:
        version["state"] = version_state(version, in_force["version"], today)
        version["set_local"] = at_site(version.get("set_at"), zone)
    return versions


def form_values(policy: Mapping[str, Any] | None, today: str) -> dict[str, str]:
    """The new version's form filled from the version in force, from the site's today."""
    values = {"effective_from": today, "note": ""}
    in_force: Mapping[str, Any] = (policy or {}).get("in_force") or {}
    for trigger, rule in (in_force.get("rules") or {}).items():
        values[f"rules.{trigger}.share"] = str(rule["share"])
        values[f"rules.{trigger}.within_working_days"] = str(rule["within_working_days"])
    for name in ("month_done_before_day", "rectification_limit"):
        if in_force.get(name) is not None:
            values[name] = str(in_force[name])
    return values


def _number(typed: str) -> int | str:
    """A whole number as typed, else what was typed (callback names what is wrong)."""
    typed = typed.strip()
    return int(typed) if NUMBER.fullmatch(typed) else typed


def version_body(form: Mapping[str, str]) -> dict[str, Any]:
    """Callback's PolicyVersionIn from the form: the day, every trigger's rule on the form, the
    month's day and the rectification limit as typed, the note when one is typed."""
    rules: dict[str, dict[str, int | str]] = {}
    for name, value in form.items():
        found = RULE_FIELD.fullmatch(name)
        if found:
            rules.setdefault(found[1], {})[found[2]] = _number(value)
    body: dict[str, Any] = {
        "effective_from": form.get("effective_from", "").strip(),
        "rules": rules,
        "month_done_before_day": _number(form.get("month_done_before_day", "")),
        "rectification_limit": _number(form.get("rectification_limit", "")),
    }
    note = form.get("note", "").strip()
    if note:
        body["note"] = note
    return body


def shown_samples(request: Request, samples: dict[str, Any]) -> dict[str, Any]:
    """The month's samples with each trigger's label, its rate in percent and the share (the
    draws', each the percent in force for it)."""
    for sample in samples.get("samples") or []:
        sample["trigger_label"] = label(request, "callback_trigger_", sample["trigger"])
        sample["rate_percent"] = f"{sample['rate'] * 100:.1f}"
        shares = sorted({d["share"] for d in sample.get("draws") or []})
        sample["shares"] = "/".join(f"{s}%" for s in shares) or "—"
        sample["under"] = bool(shares) and sample["rate"] * 100 < min(shares)
    return samples


async def _policy_page(
    request: Request,
    current: Session,
    site_id: str,
    *,
    month: str = "",
    values: Mapping[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, load_problem = await sites_or_problem(current)
    zone = await site_zone(request, current, site_id)
    day = today_at(zone)
    today, tomorrow = day.isoformat(), (day + timedelta(days=1)).isoformat()
    policy: dict[str, Any] | None = None
    try:
        policy = await current.api.callback_policy(site_id)
    except ApiProblem as refused:
        load_problem = signed_in(refused)
    versions = shown_versions(request, policy, today, zone) if policy else []
    triggers = triggers_of(policy)
    in_force = (policy or {}).get("in_force")
    if in_force:
        in_force["set_local"] = at_site(in_force.get("set_at"), zone)
    month = month if MONTH.fullmatch(month) else day.strftime("%Y-%m")
    samples: dict[str, Any] | None = None
    samples_problem: ApiProblem | None = None
    if may(current, SAMPLE_READERS):
        try:
            samples = shown_samples(request, await current.api.callback_samples(site_id, month))
        except ApiProblem as refused:
            samples_problem = signed_in(refused)
    failing = problem or load_problem
    return render(
        request,
        "callback_policy.html",
        {
            "sites": sites,
            "site_id": site_id,
            "site_name": next((s["name"] for s in sites if s["site_id"] == site_id), site_id),
            "policy_path": policy_path(site_id),
            "policy": policy,
            "in_force": in_force,
            "versions": versions,
            "floors": (policy or {}).get("floors") or {},
            "triggers": [(t, label(request, "callback_trigger_", t)) for t in triggers],
            "today": today,
            "tomorrow": tomorrow,
            "load_problem": load_problem,
            "setter": may(current, CALLBACK_POLICY_SETTERS) and policy is not None,
            "values": dict(values) if values is not None else form_values(policy, today),
            "key": key or str(uuid.uuid4()),
            "problem": problem,
            "errors": by_field(problem),
            "done": done_of(request, DONE),
            "may_read_samples": may(current, SAMPLE_READERS),
            "may_read_callbacks": may(current, CALLBACK_READERS),
            "month": month,
            "samples": samples,
            "samples_problem": samples_problem,
            "max_day": MONTH_DONE_BEFORE_DAY,
            "max_loops": MAX_RECTIFICATION_LOOPS,
            "max_note": MAX_NOTE,
        },
        current=current,
        status_code=min(failing.status, 503) if failing else 200,
    )


@router.get("/callback-policies", response_class=HTMLResponse)
async def callback_policies(
    request: Request, current: CurrentSession, site_id: str = ""
) -> Response:
    """The chosen site's policy, or the user's only site's; a choice of site otherwise."""
    only(current, CALLBACK_POLICY_READERS)
    sites, problem = await sites_or_problem(current)
    site_id = site_id.strip() or (sites[0]["site_id"] if len(sites) == 1 else "")
    if site_id:
        return redirect(policy_path(site_id))
    return render(
        request,
        "callback_policies.html",
        {"sites": sites, "problem": problem},
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


@router.get("/callback-policies/{site_id}", response_class=HTMLResponse)
async def callback_policy(
    request: Request, current: CurrentSession, site_id: str, month: str = ""
) -> Response:
    only(current, CALLBACK_POLICY_READERS)
    return await _policy_page(request, current, site_id, month=month.strip())


@router.post("/callback-policies/{site_id}/versions", response_class=HTMLResponse)
async def add_version(request: Request, current: CurrentSession, site_id: str) -> Response:
    """CB-02, CB-03, CB-10, CB-11: a new version of the site's policy from a day on; back to the
    policy saying whether it was added, or callback's refusal beside the field, as typed."""
    form = await typed_form(request, current, CALLBACK_POLICY_SETTERS)
    key = form.get("key") or str(uuid.uuid4())
    try:
        added, _ = await current.api.add_callback_policy_version(site_id, version_body(form), key)
    except ApiProblem as refused:
        signed_in(refused)
        typed = {name: value for name, value in form.items() if name not in ("csrf", "key")}
        return await _policy_page(
            request,
            current,
            site_id,
            values=typed,
            key=key_after(refused, key),
            problem=refused,
        )
    done = "added" if added else "same"
    return redirect(f"{policy_path(site_id)}?{urlencode({'done': done})}#versions")
