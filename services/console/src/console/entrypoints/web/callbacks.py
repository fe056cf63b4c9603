"""The callback agents' screens (回访) over callback's API.

``/callbacks?site_id=&tab=&reason=`` is the queue: on top, the queue at a glance (callback's
``/callback-queue``, CB-01): per site and reason how many calls are overdue, due today, due later
and given up as unreachable, each count opening the tab and reason it counts. Below, the
callbacks of the user's sites, soonest due first, a page at a time, under a tab each: due today
(still to call, due on the site's today), overdue (still to call, due before today), due later,
all still to call, made, and given up as unreachable; filtered by site and by what the call
follows up (after a repair, a paid service, a complaint, a rectification, and any reason callback
adds later, shown as it comes). The overdue tab keeps its own filter, due before the site's
today, rather than callback's ``overdue=true`` (reported overdue): callback counts the glance's
overdue the same way, so the count and the tab agree even before its clock has reported a call
overdue. Each row names the request, the resident and their unit, the reason, how the work was
paid, the due day (an assumed one flagged, an overdue one in red), when to try next, the tries so
far and the state, and opens the call.

``/callbacks/{id}`` is the call: the resident with a number to tap, the request and the service
and callback record (服务及回访记录表), the charge if any, what was done and when, the request's
history from intake, the tries so far, and the outcome once made (CB-12). A caller (the hotline,
or the site's administrator in its place, CB-13) records the outcome while none is recorded:
satisfied or not, the resident's words verbatim, by phone or on a home visit, where the resident
signs the record and its reference is given (CB-04, CB-05); and, while the call is still to
make, a try that gave no outcome: no answer, a wrong number, or call back later at the time the
resident asked. Callback decides every rule; its refusal is shown beside the form, as typed.
The call also says, in small print, what kind of case it is under the site's policy (its trigger
and the policy's version) and, when its kind is sampled that month, its draw (CB-03, CB-10); a
callback not drawn for the month's sample opens as such, with no call to make and no form.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ACCOUNT_READERS,
    CALLBACK_CALLERS,
    CALLBACK_POLICY_READERS,
    CALLBACK_READERS,
    REQUEST_READERS,
    SAMPLE_READERS,
    Session,
    by_field,
    done_of,
    key_after,
    may,
    only,
    redirect,
    refused_page,
    render,
    said,
    session,
    signed_in,
)
from console.entrypoints.web.charges import paid_at as typed_moment
from console.entrypoints.web.charges import site_zone, typed_form
from console.entrypoints.web.month_close import form_keys
from console.entrypoints.web.requests import sites_or_problem
from console.i18n import TEXT

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

PAGE = 50
TABS = ("due_today", "overdue", "later", "to_call", "made", "unreachable")
"""The queue's tabs, each named ``callbacks_tab_<tab>`` in ``console.i18n``."""
DEFAULT_TAB = "to_call"
"""Everything still to call, the overdue first (callback lists the soonest due first)."""
STATUSES = ("scheduled", "made", "unreachable")
"""The states a listed callback has (callback's ListedStatus), each ``callback_status_<s>``."""
UNLISTED = ("not_drawn",)
"""A state a callback opened by its address may have though none is listed: not drawn for the
month's sample of its kind (no call to make), ``callback_status_not_drawn`` too."""
TRIGGERS = (
    "cash_paid",
    "bank_collected",
    "other_paid",
    "repair",
    "valid_complaint",
    "invalid_complaint",
)
"""What makes a callback under a site's policy (callback's Trigger), each ``callback_trigger_<t>``."""
COUNTS = ("overdue", "due_today", "later", "unreachable")
"""The queue at a glance's counts (callback's QueueRow), each the queue's tab of that name."""
REASONS = ("after_repair", "after_paid_service", "after_complaint", "after_rectification")
"""What a callback follows up (callback's CallbackReason), each ``callback_reason_<r>``; a
reason callback adds later is shown as it comes until it is named here."""
RESULTS = ("no_answer", "wrong_number", "call_back_later")
"""Why a try gave no outcome (callback's NotReached), each ``callback_result_<r>``."""
METHODS = ("phone", "visit")
"""How the resident was reached (callback's Method), each ``callback_method_<m>``: a home visit
is signed for on the record (签名确认, CB-05)."""
FORMS = ("outcome", "attempt")
"""The call screen's forms, each named as the page's ``failed``."""
DONE = ("outcome", "attempt", "given_up")
MAX_OPINION = 2000
MAX_NOTE = 500
MAX_SIGNATURE_REF = 100
"""What callback takes at most (its MAX_OPINION, MAX_NOTE and MAX_SIGNATURE_REF)."""
REASON_CODE = re.compile(r"[a-z][a-z_]{0,39}")


def label(request: Request, prefix: str, value: str | None, none: str = "—") -> str:
    """``<prefix><value>``'s text in the request's language; a value the console has no text
    for yet (a reason callback added since) as it comes; ``none`` when there is no value."""
    if not value:
        return none
    key = f"{prefix}{value}"
    return said(request, key) if key in TEXT else value


def at_site(moment: str | None, zone: ZoneInfo) -> str:
    """An API's moment as the site's wall-clock time, to the minute."""
    if not moment:
        return ""
    return datetime.fromisoformat(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def today_at(zone: ZoneInfo) -> date:
    return datetime.now(UTC).astimezone(zone).date()


def tab_filter(tab: str, today: date) -> dict[str, str]:
    """Callback's filters for the queue's ``tab`` on the site's ``today``."""
    if tab == "due_today":
        return {
            "status": "scheduled",
            "due_on_or_after": today.isoformat(),
            "due_on_or_before": today.isoformat(),
        }
    if tab == "overdue":  # due before today: reported overdue once the due day ended
        return {"status": "scheduled", "due_on_or_before": (today - timedelta(days=1)).isoformat()}
    if tab == "later":
        return {"status": "scheduled", "due_on_or_after": (today + timedelta(days=1)).isoformat()}
    if tab == "to_call":
        return {"status": "scheduled"}
    return {"status": tab}


def overdue(callback: Mapping[str, Any], today: date) -> bool:
    """Still to call and past its due day (or reported overdue)."""
    if callback["status"] != "scheduled":
        return False
    return bool(callback.get("overdue_reported_at")) or (
        date.fromisoformat(callback["due_on"]) < today
    )


def sample_month(callback: Mapping[str, Any], zone: ZoneInfo) -> str:
    """The month (YYYY-MM, the site's) whose sample the callback was drawn in: its case's, the
    work done or the complaint resolved."""
    return datetime.fromisoformat(callback["completed_at"]).astimezone(zone).strftime("%Y-%m")


def shown_callback(request: Request, callback: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """The callback with its labels, its moments in the site's time and whether it is late."""
    callback["late"] = overdue(callback, today_at(zone))
    callback["reason_label"] = label(request, "callback_reason_", callback.get("reason"))
    callback["payment_label"] = label(
        request,
        "payment_",
        callback.get("payment_method"),
        none=said(request, "payment_none"),
    )
    callback["status_label"] = label(request, "callback_status_", callback["status"])
    callback["trigger_label"] = label(request, "callback_trigger_", callback.get("trigger"))
    for moment in ("completed", "scheduled", "overdue_reported", "next_attempt"):
        callback[f"{moment}_local"] = at_site(callback.get(f"{moment}_at"), zone)
    for attempt in callback.get("attempts") or []:
        attempt["at_local"] = at_site(attempt["at"], zone)
        attempt["next_local"] = at_site(attempt.get("next_at"), zone)
        attempt["result_label"] = label(request, "callback_result_", attempt["result"])
    outcome = callback.get("outcome")
    if outcome:
        outcome["made_local"] = at_site(outcome["made_at"], zone)
        outcome["method_label"] = label(request, "callback_method_", outcome["method"])
    return callback


# -- the queue ---------------------------------------------------------------------------------
async def at_a_glance(
    request: Request, current: Session, site_id: str, sites: list[dict[str, str]]
) -> tuple[list[dict[str, Any]], ApiProblem | None]:
    """Callback's queue per site and reason (the chosen site's, or every site's), each row with
    its site's name, its reason's label, its site's day and where each count leads; none and
    callback's problem when it does not answer (the list below still opens)."""
    try:
        queue = await current.api.callback_queue({"site_id": site_id} if site_id else {})
    except ApiProblem as refused:
        return [], signed_in(refused)
    names = {site["site_id"]: site["name"] for site in sites}
    days: Mapping[str, str] = queue.get("today") or {}
    rows: list[dict[str, Any]] = []
    for row in queue.get("rows") or []:
        site, reason = row["site_id"], row["reason"]
        rows.append(
            row
            | {
                "site_name": names.get(site, site),
                "today": days.get(site, ""),
                "reason_label": label(request, "callback_reason_", reason),
                "links": {
                    count: "/callbacks?"
                    + urlencode({"site_id": site, "tab": count, "reason": reason})
                    for count in COUNTS
                },
            }
        )
    return rows, None


@router.get("/callbacks", response_class=HTMLResponse)
async def callbacks(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    tab: str = "",
    reason: str = "",
    offset: int = 0,
) -> Response:
    only(current, CALLBACK_READERS)
    tab = tab if tab in TABS else DEFAULT_TAB
    reason = reason.strip() if REASON_CODE.fullmatch(reason.strip()) else ""
    offset = max(offset, 0)
    sites, problem = await sites_or_problem(current)
    site_id = site_id.strip() or (sites[0]["site_id"] if len(sites) == 1 else "")
    zones: dict[str, ZoneInfo] = {}

    async def zone_of_site(site: str) -> ZoneInfo:
        if site not in zones:
            zones[site] = await site_zone(request, current, site)
        return zones[site]

    # the site's today; the console's across sites (callback filters on one day)
    today = today_at(await zone_of_site(site_id))
    params: dict[str, Any] = tab_filter(tab, today)
    if site_id:
        params["site_id"] = site_id
    if reason:
        params["reason"] = reason
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": offset}
    try:
        page = await current.api.callbacks(params | {"limit": PAGE, "offset": offset})
    except ApiProblem as refused:
        problem = signed_in(refused)
    for callback in page["items"]:
        shown_callback(request, callback, await zone_of_site(callback["site_id"]))
    glance, glance_problem = await at_a_glance(request, current, site_id, sites)
    reasons = list(REASONS)
    reasons += sorted(
        ({c["reason"] for c in page["items"]} | {r["reason"] for r in glance}) - set(reasons)
    )
    if reason and reason not in reasons:
        reasons.append(reason)
    return render(
        request,
        "callbacks.html",
        {
            "sites": sites,
            "site_id": site_id,
            "tab": tab,
            "tabs": TABS,
            "reason": reason,
            "reasons": [(r, label(request, "callback_reason_", r)) for r in reasons],
            "today": today.isoformat(),
            "glance": glance,
            "glance_problem": glance_problem,
            "counts": COUNTS,
            "page": page,
            "problem": problem,
            "list_path": "/callbacks",
            "query": urlencode({"site_id": site_id, "tab": tab, "reason": reason}),
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


# -- one call ----------------------------------------------------------------------------------
async def _history(
    current: Session, request_id: str, zone: ZoneInfo
) -> tuple[list[dict[str, Any]], ApiProblem | None]:
    """The request's history from intake, oldest first; none and intake's problem when it does
    not answer (the call is still made)."""
    try:
        timeline = await current.api.timeline(request_id)
    except ApiProblem as refused:
        return [], signed_in(refused)
    entries: list[dict[str, Any]] = timeline.get("entries") or []
    for entry in entries:
        entry["at_local"] = at_site(entry["at"], zone)
    return entries, None


async def _callback_page(
    request: Request,
    current: Session,
    callback_id: str,
    *,
    failed: str = "",
    values: Mapping[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    try:
        callback = await current.api.callback(callback_id)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    zone = await site_zone(request, current, callback["site_id"])
    shown_callback(request, callback, zone)
    history, history_problem = await _history(current, callback["request_id"], zone)
    caller = may(current, CALLBACK_CALLERS)
    open_ = callback.get("outcome") is None
    may_outcome = caller and open_ and callback["status"] in ("scheduled", "unreachable")
    may_attempt = caller and open_ and callback["status"] == "scheduled"
    shown_forms = {"outcome"} if may_outcome else set()
    if may_attempt:
        shown_forms.add("attempt")
    return render(
        request,
        "callback.html",
        {
            "callback": callback,
            "history": history,
            "history_problem": history_problem,
            "may_outcome": may_outcome,
            "may_attempt": may_attempt,
            "may_read_request": may(current, REQUEST_READERS),
            "may_read_charge": may(current, ACCOUNT_READERS),
            "may_read_policy": may(current, CALLBACK_POLICY_READERS),
            "may_read_samples": may(current, SAMPLE_READERS),
            "sample_month": sample_month(callback, zone),
            "methods": METHODS,
            "results": RESULTS,
            "max_opinion": MAX_OPINION,
            "max_note": MAX_NOTE,
            "max_signature_ref": MAX_SIGNATURE_REF,
            "failed": failed,
            "values": dict(values or {}),
            "errors": by_field(problem),
            "problem": problem,
            "problem_beside_form": failed in shown_forms,
            "keys": form_keys(FORMS, failed, key),
            "done": done_of(request, DONE),
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


@router.get("/callbacks/{callback_id}", response_class=HTMLResponse)
async def callback_page(request: Request, current: CurrentSession, callback_id: str) -> Response:
    only(current, CALLBACK_READERS)
    return await _callback_page(request, current, callback_id)


def outcome_body(form: Mapping[str, str]) -> dict[str, Any]:
    """Callback's OutcomeIn from the form: the opinion verbatim, satisfied only when chosen
    (callback names it missing otherwise), the signature's reference when one is typed (callback
    requires it on a visit and refuses it on a phone call)."""
    body: dict[str, Any] = {
        "opinion": form.get("opinion", ""),
        "method": form.get("method") or "phone",
    }
    if form.get("satisfied") in ("true", "false"):
        body["satisfied"] = form["satisfied"] == "true"
    reference = form.get("signature_ref", "").strip()
    if reference:
        body["signature_ref"] = reference
    return body


def attempt_body(form: Mapping[str, str], zone: ZoneInfo) -> dict[str, Any]:
    """Callback's AttemptIn from the form: the time to call back typed in the site's time (sent
    only when typed: callback takes it with call back later alone), a note when one is typed."""
    body: dict[str, Any] = {"result": form.get("result", "")}
    note = form.get("note", "").strip()
    if note:
        body["note"] = note
    call_back_at = typed_moment(form.get("call_back_at", ""), zone)
    if call_back_at is not None:
        body["call_back_at"] = call_back_at
    return body


def _typed(form: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in form.items() if name not in ("csrf", "key")}


def _back(callback_id: str, done: str, anchor: str) -> Response:
    return redirect(f"/callbacks/{callback_id}?done={done}#{anchor}")


@router.post("/callbacks/{callback_id}/outcome", response_class=HTMLResponse)
async def record_outcome(request: Request, current: CurrentSession, callback_id: str) -> Response:
    """CB-04, CB-05, CB-12: what the resident said, by phone or on a home visit signed for."""
    form = await typed_form(request, current, CALLBACK_CALLERS)
    key = form.get("key") or str(uuid.uuid4())
    try:
        await current.api.record_callback_outcome(callback_id, outcome_body(form), key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _callback_page(
            request,
            current,
            callback_id,
            failed="outcome",
            values=_typed(form),
            key=key_after(refused, key),
            problem=refused,
        )
    return _back(callback_id, "outcome", "outcome")


@router.post("/callbacks/{callback_id}/attempts", response_class=HTMLResponse)
async def record_attempt(request: Request, current: CurrentSession, callback_id: str) -> Response:
    """A try that gave no outcome; callback says when to try next, or gives the call up."""
    form = await typed_form(request, current, CALLBACK_CALLERS)
    key = form.get("key") or str(uuid.uuid4())
    try:
        callback = await current.api.callback(callback_id)
        zone = await site_zone(request, current, callback["site_id"])
        answer = await current.api.record_callback_attempt(
            callback_id, attempt_body(form, zone), key
        )
    except ApiProblem as refused:
        signed_in(refused)
        return await _callback_page(
            request,
            current,
            callback_id,
            failed="attempt",
            values=_typed(form),
            key=key_after(refused, key),
            problem=refused,
        )
    done = "given_up" if answer.get("status") == "unreachable" else "attempt"
    return _back(callback_id, done, "attempts")
