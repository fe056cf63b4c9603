"""The rectifications (整改) over callback's API (CB-07, CB-09).

A callback that finds the resident unsatisfied sends the case back to be put right; the next
callback follows it up, until one finds the resident satisfied (closed) or the site's limit of
loops is spent (escalated to the site's management).

``/rectifications?site_id=&tab=`` lists them, the latest opened first, a page at a time, under a
tab each: open, escalated, closed; filtered by site. Each row names the request, the resident and
their unit, what the first callback followed up, the loops used of the site's limit ("2/2"), the
resident's latest words, when it was opened and where it stands (escalated in red), and opens the
case.

``/rectifications/{id}`` is the case: every loop with the callback that found it wanting (to its
call screen), the resident's words and when, and the follow-up callback with what it found; the
request and, for a work order's case, the work order found wanting. There is no form: a
rectification moves with its callbacks' outcomes, recorded on their call screens.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    CALLBACK_READERS,
    DISPATCHERS,
    RECTIFICATION_READERS,
    REQUEST_READERS,
    Session,
    may,
    only,
    refused_page,
    render,
    session,
    signed_in,
)
from console.entrypoints.web.callbacks import at_site, label
from console.entrypoints.web.charges import site_zone
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

PAGE = 50
TABS = ("open", "escalated", "closed")
"""The list's tabs, callback's RectificationStatus each, named ``rectification_status_<s>``."""
DEFAULT_TAB = "open"


def shown_rectification(
    request: Request, rectification: dict[str, Any], zone: ZoneInfo
) -> dict[str, Any]:
    """The rectification with its labels, its moments in the site's time, its loops used of
    its limit and the resident's latest words."""
    loops: list[dict[str, Any]] = rectification.get("loops") or []
    for loop in loops:
        loop["opened_local"] = at_site(loop["opened_at"], zone)
    rectification["reason_label"] = label(
        request, "callback_reason_", rectification.get("case_reason")
    )
    rectification["status_label"] = label(request, "rectification_status_", rectification["status"])
    rectification["used"] = f"{len(loops)}/{rectification['limit']}"
    rectification["latest_opinion"] = loops[-1]["opinion"] if loops else ""
    rectification["opened_local"] = loops[0]["opened_local"] if loops else ""
    for moment in ("closed", "escalated"):
        rectification[f"{moment}_local"] = at_site(rectification.get(f"{moment}_at"), zone)
    return rectification


@router.get("/rectifications", response_class=HTMLResponse)
async def rectifications(
    request: Request,
    current: CurrentSession,
    site_id: str = "",
    tab: str = "",
    offset: int = 0,
) -> Response:
    only(current, RECTIFICATION_READERS)
    tab = tab if tab in TABS else DEFAULT_TAB
    offset = max(offset, 0)
    sites, problem = await sites_or_problem(current)
    site_id = site_id.strip() or (sites[0]["site_id"] if len(sites) == 1 else "")
    params: dict[str, Any] = {"status": tab, "limit": PAGE, "offset": offset}
    if site_id:
        params["site_id"] = site_id
    page: dict[str, Any] = {"items": [], "total": 0, "limit": PAGE, "offset": offset}
    try:
        page = await current.api.rectifications(params)
    except ApiProblem as refused:
        problem = signed_in(refused)
    zones: dict[str, ZoneInfo] = {}
    for rectification in page["items"]:
        site = rectification["site_id"]
        if site not in zones:
            zones[site] = await site_zone(request, current, site)
        shown_rectification(request, rectification, zones[site])
    return render(
        request,
        "rectifications.html",
        {
            "sites": sites,
            "site_id": site_id,
            "tab": tab,
            "tabs": TABS,
            "page": page,
            "problem": problem,
            "list_path": "/rectifications",
            "query": urlencode({"site_id": site_id, "tab": tab}),
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


@router.get("/rectifications/{rectification_id}", response_class=HTMLResponse)
async def rectification_page(
    request: Request, current: CurrentSession, rectification_id: str
) -> Response:
    only(current, RECTIFICATION_READERS)
    try:
        rectification = await current.api.rectification(rectification_id)
    except ApiProblem as refused:
        return refused_page(request, current, refused)
    zone = await site_zone(request, current, rectification["site_id"])
    shown_rectification(request, rectification, zone)
    return render(
        request,
        "rectification.html",
        {
            "rectification": rectification,
            "may_read_request": may(current, REQUEST_READERS),
            "may_read_work_order": may(current, DISPATCHERS),
            "may_read_callbacks": may(current, CALLBACK_READERS),
        },
        current=current,
    )
