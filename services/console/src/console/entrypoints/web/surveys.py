"""The half-yearly satisfaction survey (满意度问卷调查, SRV-02 to SRV-05, SRV-10) over callback's
API.

``/surveys`` opens the survey of this half year at the user's first site (``?site_id=&period=``
another); a survey's page ``/surveys/{site_id}/{period}`` (``2026-H2``) has this half year and the
last a click away. Until it is opened the page says so, and the site's manager or administrator
records the day the questionnaires went out to every occupied unit (callback's questionnaire;
callback refuses a day ahead of the site's or outside the half year, and a site whose occupied
units it does not know yet). Once opened it shows its state: sent on (late when on or after
1 June / 1 December, SRV-02), to how many units, collected until 15 working days after (assumed
while the site's calendar is not loaded, SRV-03), collecting or closed; the returns against half
of the units sent (SRV-04) and the satisfied share against 90% (SRV-10), each a bar with a mark
at its target; and the results table (问卷结果统计表, SRV-05): each question's answers and mean
score, downloadable as CSV or XLSX (with a chart) streamed from callback through the console.
While it is collecting, a steward or the administrator records a unit's returned questionnaire:
the unit, satisfied overall or not, a score 1 to 5 for each question answered and the comment.
Callback's refusals are shown beside the form, as typed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    SURVEY_OPENERS,
    SURVEY_READERS,
    SURVEY_RECORDERS,
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
from console.entrypoints.web.callback_kpis import shown_share
from console.entrypoints.web.callbacks import label
from console.entrypoints.web.charges import site_today, typed_form
from console.entrypoints.web.month_close import FileFormat, form_keys, streamed
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

PERIOD = re.compile(r"20\d{2}-H[12]")
"""A half year as callback names it (``2026-H2``)."""
RETURNED_SHARE = 0.50
SATISFIED_SHARE = 0.90
"""Callback's targets: half the questionnaires returned (SRV-04), 90% satisfied (SRV-10)."""
SCORES = (1, 2, 3, 4, 5)
MAX_COMMENT = 2000
MAX_PLACE = 20
"""What callback takes: a score 1 to 5, a comment and a building or a room at most so long."""
STATUSES = ("collecting", "closed")
"""Where a survey stands (callback's SurveyOut.status), each ``survey_status_<s>``."""
FORMS = ("open", "return")
FILE_FORMATS = ("csv", "xlsx")
DONE = ("opened", "returned", "returned_already")
SCORE = "score."
"""The form's score fields, ``score.<question code>``."""


def half_year(day: date) -> str:
    """The half year ``day`` is in (``2026-H2``)."""
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def half_year_before(period: str) -> str:
    """The half year before ``period``."""
    year, half = int(period[:4]), period[-1]
    return f"{year}-H1" if half == "2" else f"{year - 1}-H2"


def survey_page(site_id: str, period: str) -> str:
    return f"/surveys/{quote(site_id, safe='')}/{quote(period, safe='')}"


def _reached(value: float | None, target: float) -> bool | None:
    """Whether a share reached its target; None with nothing to divide."""
    return None if value is None else value >= target


def shown_survey(request: Request, survey: dict[str, Any]) -> dict[str, Any]:
    """Callback's SurveyOut with its status said and its two shares drawn against their
    targets (callback gives the targets; reaching one is a comparison the page makes)."""
    survey["status_label"] = label(request, "survey_status_", survey.get("status"))
    returned, satisfied = survey.get("return_rate"), survey.get("satisfaction")
    returned_target = survey.get("return_target", RETURNED_SHARE)
    satisfied_target = survey.get("satisfaction_target", SATISFIED_SHARE)
    survey["returns_shown"] = shown_share(
        returned, returned_target, _reached(returned, returned_target)
    )
    survey["satisfaction_shown"] = shown_share(
        satisfied, satisfied_target, _reached(satisfied, satisfied_target)
    )
    for question in survey.get("questions") or []:
        average = question.get("average")
        question["average_text"] = "—" if average is None else f"{average:.2f}"
    return survey


async def _survey_page(
    request: Request,
    current: Session,
    site_id: str,
    period: str,
    *,
    failed: str = "",
    values: Mapping[str, str] | None = None,
    key: str = "",
    problem: ApiProblem | None = None,
) -> HTMLResponse:
    if not PERIOD.fullmatch(period):
        return refused_page(
            request, current, ApiProblem(422, f"period {period!r} is not a half year YYYY-H1/H2")
        )
    sites, load_problem = await sites_or_problem(current)
    today = await site_today(request, current, site_id)
    this_half = half_year(date.fromisoformat(today))
    survey: dict[str, Any] | None = None
    not_opened = False
    try:
        survey = shown_survey(request, await current.api.survey(site_id, period))
    except ApiProblem as refused:
        not_opened = refused.status == 404
        if not not_opened:
            load_problem = signed_in(refused)
    shown_forms: set[str] = set()
    if not_opened and may(current, SURVEY_OPENERS):
        shown_forms.add("open")
    if survey is not None and survey["status"] == "collecting" and may(current, SURVEY_RECORDERS):
        shown_forms.add("return")
    failed_problem = problem or load_problem
    return render(
        request,
        "survey.html",
        {
            "sites": sites,
            "site_id": site_id,
            "period": period,
            "this_half": this_half,
            "last_half": half_year_before(this_half),
            "this_half_href": survey_page(site_id, this_half),
            "last_half_href": survey_page(site_id, half_year_before(this_half)),
            "page_path": survey_page(site_id, period),
            "survey": survey,
            "not_opened": not_opened,
            "today": today,
            "shown_forms": shown_forms,
            "scores": SCORES,
            "score_field": SCORE,
            "file_formats": FILE_FORMATS,
            "max_comment": MAX_COMMENT,
            "max_place": MAX_PLACE,
            "failed": failed,
            "values": dict(values or {}),
            "keys": form_keys(FORMS, failed, key),
            "problem": problem,
            "load_problem": load_problem,
            "errors": by_field(problem),
            "done": done_of(request, DONE),
        },
        current=current,
        status_code=min(failed_problem.status, 503) if failed_problem else 200,
    )


@router.get("/surveys", response_class=HTMLResponse)
async def surveys(
    request: Request, current: CurrentSession, site_id: str = "", period: str = ""
) -> Response:
    """The survey asked, or this half year's at the user's first site."""
    only(current, SURVEY_READERS)
    sites, problem = await sites_or_problem(current)
    site_id = site_id.strip() or (sites[0]["site_id"] if sites else "")
    if not site_id:
        return refused_page(request, current, problem or ApiProblem(404, "no site to survey"))
    period = period.strip() or half_year(
        date.fromisoformat(await site_today(request, current, site_id))
    )
    return redirect(survey_page(site_id, period))


@router.get("/surveys/{site_id}/{period}", response_class=HTMLResponse)
async def site_survey(
    request: Request, current: CurrentSession, site_id: str, period: str
) -> Response:
    only(current, SURVEY_READERS)
    return await _survey_page(request, current, site_id, period)


def _typed(form: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in form.items() if name not in ("csrf", "key")}


async def _refused(
    request: Request,
    current: Session,
    site_id: str,
    period: str,
    form_name: str,
    form: Mapping[str, str],
    key: str,
    refused: ApiProblem,
) -> HTMLResponse:
    signed_in(refused)
    return await _survey_page(
        request,
        current,
        site_id,
        period,
        failed=form_name,
        values=_typed(form),
        key=key_after(refused, key),
        problem=refused,
    )


@router.post("/surveys/{site_id}/{period}/open", response_class=HTMLResponse)
async def open_survey(
    request: Request, current: CurrentSession, site_id: str, period: str
) -> Response:
    """SRV-02: the half year's questionnaires went out on ``sent_on`` to every occupied unit,
    callback's questionnaire; callback counts the units and the collection day (SRV-03)."""
    form = await typed_form(request, current, SURVEY_OPENERS)
    key = form.get("key") or str(uuid.uuid4())
    body = {"sent_on": form.get("sent_on", "").strip()}
    try:
        await current.api.open_survey(site_id, period, body, key)
    except ApiProblem as refused:
        return await _refused(request, current, site_id, period, "open", form, key, refused)
    return redirect(f"{survey_page(site_id, period)}?done=opened#survey")


def return_body(form: Mapping[str, str]) -> dict[str, Any]:
    """Callback's ReturnIn from the form: the unit as typed, satisfied only when chosen
    (callback names it missing otherwise), each question's score when one is chosen (a number
    when it is one: callback names what is wrong), the comment when one is typed."""
    body: dict[str, Any] = {
        "building": form.get("building", "").strip(),
        "room": form.get("room", "").strip(),
    }
    if form.get("satisfied") in ("true", "false"):
        body["satisfied"] = form["satisfied"] == "true"
    scores: dict[str, int | str] = {}
    for name, typed in form.items():
        if name.startswith(SCORE) and typed.strip():
            scores[name.removeprefix(SCORE)] = int(typed) if typed.strip().isdigit() else typed
    body["scores"] = scores
    comment = form.get("comment", "").strip()
    if comment:
        body["comment"] = comment
    return body


@router.post("/surveys/{site_id}/{period}/returns", response_class=HTMLResponse)
async def record_return(
    request: Request, current: CurrentSession, site_id: str, period: str
) -> Response:
    """SRV-03: a unit's returned questionnaire, while the survey is collecting (callback's 409
    once closed, or when the unit's return is recorded differently)."""
    form = await typed_form(request, current, SURVEY_RECORDERS)
    key = form.get("key") or str(uuid.uuid4())
    try:
        _, added = await current.api.record_survey_return(site_id, period, return_body(form), key)
    except ApiProblem as refused:
        return await _refused(request, current, site_id, period, "return", form, key, refused)
    done = "returned" if added else "returned_already"
    return redirect(f"{survey_page(site_id, period)}?done={done}#results")


@router.get("/surveys/{site_id}/{period}/file")
async def survey_file(
    request: Request, current: CurrentSession, site_id: str, period: str, format_: FileFormat
) -> Response:
    """The survey's results table as callback writes it, CSV or XLSX with its chart."""
    only(current, SURVEY_READERS)
    try:
        sent = await current.api.open_survey_results(site_id, period, format_)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    return streamed(sent, format_, f"survey-{site_id}-{period}")
