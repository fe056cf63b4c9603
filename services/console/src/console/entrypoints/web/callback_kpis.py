"""A site's monthly callback KPIs against their targets (回访考核指标, KPI-14) over callback's API.

``/callback-kpis?site_id=&month=`` opens on the user's first site and this month in the site's
time, last month a click away. Each KPI is a row: what it measures, a bar (inline SVG, no script)
filled to its value with a mark at its target, green when it meets the target and red when it
misses, the value and the target as shares, the numerator over the denominator, and "—" when
there is nothing to divide; the counts without a target (the month's rectifications) are shown
as numbers. Customer satisfaction is held against 90% (SRV-10), paid-service satisfaction
against 98% over the paid services called back and over all paid services (SRV-11), each kind's
callback rate against the site's policy, every valid complaint and half of all complaints
(CB-10, CB-11), the callbacks made on time, and the month's spot checks against 3 (CB-06).

The report is live (the figures as they stand) until prepared (编写: by the call centre's
supervisor or the quality-control head, once the month is over; the figures frozen), reviewed by
the site's manager (审核: on to approval, or sent back with what to correct), and approved by a
director (批准): three different people, which callback checks. Each sign-off is shown with who
and when, a sent-back one with its note; each role sees the button it may use, and callback's
refusal is shown beside it, as typed. The CSV and XLSX files (a chart in it) are streamed from
callback through the console.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from hotline_libs.auth import Role

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    KPI_APPROVERS,
    KPI_PREPARERS,
    KPI_READERS,
    KPI_REVIEWERS,
    Session,
    by_field,
    done_of,
    key_after,
    may,
    only,
    redirect,
    refused_page,
    render,
    session,
    signed_in,
)
from console.entrypoints.web.callbacks import at_site, label
from console.entrypoints.web.charges import site_zone, typed_form
from console.entrypoints.web.month_close import (
    FileFormat,
    chosen_site_month,
    form_keys,
    site_month,
    streamed,
)

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

STATUSES = ("live", "prepared", "reviewed", "approved", "sent_back")
"""Where a month's report stands (callback's KpiReportOut.status), each ``kpi_status_<s>``."""
SIGN_OFFS = ("prepared", "reviewed", "approved")
"""The three sign-offs in order (编写, 审核, 批准), each ``kpi_signed_<s>``."""
STEPS = ("prepare", "review", "approve")
"""The forms, each callback's route of the same name and the page's ``failed``."""
DONE = ("prepared", "reviewed", "sent_back", "approved")
FILE_FORMATS = ("csv", "xlsx")
LABELLED_AHEAD = ("resident_visits", "survey_return_rate", "survey_satisfaction")
"""KPIs callback reports since this screen was written (the households visited, SRV-01; the
half year's survey, SRV-04, SRV-10), labelled ahead; any other new one shows by its name."""
MAX_NOTE = 500
"""What callback takes at most in a review's note (ReviewIn.note)."""


def month_before(month: str) -> str:
    """The month before ``month`` (YYYY-MM)."""
    year, number = (int(part) for part in month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def share_text(value: float | None) -> str:
    """A share 0..1 as a percentage to a tenth at most (0.9234 → 92.3%, 0.9 → 90%); "—" when
    there is nothing to divide."""
    if value is None:
        return "—"
    shown = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{shown}%"


def bar_length(value: float | None) -> float:
    """Where a share's bar ends on a scale of 100 (none drawn for nothing to divide)."""
    if value is None:
        return 0.0
    return round(min(max(value, 0.0), 1.0) * 100, 2)


def shown_share(value: float | None, target: float, meets: bool | None) -> dict[str, Any]:
    """A share against its target as the page says them and draws its bar: the value and the
    target as percentages, where the bar ends and where the target's mark is, and its state
    (met, missed, or none with nothing to divide)."""
    return {
        "value_text": share_text(value),
        "target_text": share_text(target),
        "fill": bar_length(value),
        "mark": bar_length(target),
        "state": "none" if meets is None else ("met" if meets else "missed"),
    }


def shown_kpi(request: Request, kpi: dict[str, Any]) -> dict[str, Any]:
    """A KPI with its label, its value and target as the page says them and its bar: a count
    (no target) as a number, a share against its target."""
    value, target = kpi.get("value"), kpi.get("target")
    kpi["label"] = label(request, "kpi_", kpi["name"])
    kpi["counted"] = target is None
    if target is None:
        kpi["value_text"] = "—" if value is None else f"{value:g}"
        return kpi
    kpi.update(shown_share(value, target, kpi.get("meets")))
    return kpi


def shown_report(request: Request, report: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """The report with its KPIs shown, its status said and its sign-offs in the site's time."""
    report["kpis"] = [shown_kpi(request, kpi) for kpi in report.get("kpis") or []]
    report["status_label"] = label(request, "kpi_status_", report.get("status"))
    for step in (*SIGN_OFFS, "sent_back"):
        signed = report.get(step)
        if signed:
            signed["at_local"] = at_site(signed.get("at"), zone)
    return report


async def _kpi_page(
    request: Request,
    current: Session,
    site_id: str,
    month: str,
    *,
    failed: str = "",
    values: dict[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    sites, site_id, month, this_month, load_problem = await chosen_site_month(
        request, current, site_id, month, this_month=True
    )
    report: dict[str, Any] | None = None
    if site_id:
        try:
            found = await current.api.callback_kpis(site_id, month)
        except ApiProblem as refused:
            load_problem = signed_in(refused)
        else:
            report = shown_report(request, found, await site_zone(request, current, site_id))
    status = report["status"] if report else ""
    shown_forms: set[str] = set()
    if report is not None:
        if may(current, KPI_PREPARERS) and status in ("live", "sent_back"):
            shown_forms.add("prepare")
        if may(current, KPI_REVIEWERS) and status == "prepared":
            shown_forms.add("review")
        if may(current, KPI_APPROVERS) and status == "reviewed":
            shown_forms.add("approve")
    failed_problem = problem or load_problem
    return render(
        request,
        "callback_kpis.html",
        {
            "sites": sites,
            "site_id": site_id,
            "month": month,
            "this_month": this_month,
            "last_month": month_before(this_month),
            "report": report,
            "sign_offs": SIGN_OFFS,
            "file_formats": FILE_FORMATS,
            "shown_forms": shown_forms,
            "max_note": MAX_NOTE,
            "failed": failed,
            "values": values or {},
            "keys": form_keys(STEPS, failed, key),
            "problem": problem,
            "load_problem": load_problem,
            "errors": by_field(problem),
            "done": done_of(request, DONE),
            "query": site_month(site_id, month),
        },
        current=current,
        status_code=min(failed_problem.status, 503) if failed_problem else 200,
    )


@router.get("/callback-kpis", response_class=HTMLResponse)
async def callback_kpis(
    request: Request, current: CurrentSession, site_id: str = "", month: str = ""
) -> Response:
    only(current, KPI_READERS)
    return await _kpi_page(request, current, site_id.strip(), month.strip())


async def _sign(
    request: Request,
    current: Session,
    step: str,
    roles: frozenset[Role],
    body: Callable[[Mapping[str, str]], dict[str, Any] | None],
    done: Callable[[dict[str, Any] | None], str],
) -> Response:
    """Send the form's step to callback with its Idempotency-Key; back to the month saying what
    was done, or callback's refusal beside the form, as typed."""
    form = await typed_form(request, current, roles)
    site_id, month = form.get("site_id", "").strip(), form.get("month", "").strip()
    key = form.get("key") or str(uuid.uuid4())
    sent = body(form)
    try:
        await current.api.sign_callback_kpis(site_id, month, step, sent, key)
    except ApiProblem as refused:
        signed_in(refused)
        return await _kpi_page(
            request,
            current,
            site_id,
            month,
            failed=step,
            values={"note": form.get("note", "")},
            key=key_after(refused, key),
            problem=refused,
        )
    return redirect(f"/callback-kpis?{site_month(site_id, month)}&done={done(sent)}#sign-offs")


@router.post("/callback-kpis/prepare", response_class=HTMLResponse)
async def prepare(request: Request, current: CurrentSession) -> Response:
    """KPI-14: the month's figures frozen for review (编写), once the month is over (callback's
    409 before); after a send-back, prepared again with the figures as they are now."""
    return await _sign(
        request, current, "prepare", KPI_PREPARERS, lambda _: None, lambda _: "prepared"
    )


def review_body(form: Mapping[str, str]) -> dict[str, Any]:
    """Callback's ReviewIn: approved when that button was pressed, the note when one is typed
    (callback refuses a send-back without one, and the one who prepared it reviewing it)."""
    note = form.get("note", "").strip()
    return {"approved": form.get("approved") == "true", "note": note or None}


@router.post("/callback-kpis/review", response_class=HTMLResponse)
async def review(request: Request, current: CurrentSession) -> Response:
    """KPI-14: the site's manager passes the prepared report on to approval (审核), or sends it
    back with what to correct."""
    return await _sign(
        request,
        current,
        "review",
        KPI_REVIEWERS,
        review_body,
        lambda sent: "reviewed" if sent and sent["approved"] else "sent_back",
    )


@router.post("/callback-kpis/approve", response_class=HTMLResponse)
async def approve(request: Request, current: CurrentSession) -> Response:
    """KPI-14: a director approves the reviewed report (批准); not one who prepared or
    reviewed it (callback's 422)."""
    return await _sign(
        request, current, "approve", KPI_APPROVERS, lambda _: None, lambda _: "approved"
    )


@router.get("/callback-kpis/file")
async def kpi_file(
    request: Request, current: CurrentSession, site_id: str, month: str, format_: FileFormat
) -> Response:
    """The month's KPIs as callback writes them, CSV or XLSX with its chart."""
    only(current, KPI_READERS)
    try:
        sent = await current.api.open_callback_kpis(site_id, month, format_)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    return streamed(sent, format_, f"callback-kpis-{site_id}-{month}")
