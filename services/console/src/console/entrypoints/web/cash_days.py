"""A site's day of money in (收款日报) and the day's households served (接受服务业户名单, BIL-15),
over billing's cash-day and households-served routes.

``/cash-days?site_id=&day=`` opens on today in the site's time zone (intake's, else the
console's): the receipts drawn that day from the first number to the last, a warning naming any
number in that range no receipt holds (there should be none: a number exists only as a receipt),
the cash booked in all and per technician who collected it (BIL-12, BIL-13), the receipts booked,
voided and still out with technicians at the day's end (cash finance is owed), the payments
booked by reference per method (BIL-16) and the day's money in all told; below it, the households
whose paid service was signed for that day (BIL-15). ``/households-served?site_id=&day=`` is that
list alone, for the agents who call the households back as well. Money is summed as decimals,
never floats.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.adapters.api import ApiProblem
from console.entrypoints.web import (
    ACCOUNT_READERS,
    HOUSEHOLDS_SERVED_READERS,
    Session,
    may,
    only,
    render,
    session,
    signed_in,
)
from console.entrypoints.web.charges import shown_receipt, site_zone
from console.entrypoints.web.requests import sites_or_problem

router = APIRouter()
CurrentSession = Annotated[Session, Depends(session)]

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
"""YYYY-MM-DD, as billing's day routes take it."""
RECEIPT_GROUPS = ("booked", "outstanding", "voided", "issued")
"""The day's receipts as the page lists them: booked, still out, voided, and all drawn."""


def total_of(*amounts: str | None) -> str:
    """Amounts as billing sends them (decimal strings) added as decimals, to the fen."""
    total = Decimal("0.00")
    for amount in amounts:
        try:
            total += Decimal(amount or "0")
        except InvalidOperation:
            continue
    return f"{total:.2f}"


def day_summary(cash_day: dict[str, Any]) -> dict[str, Any]:
    """What the page adds to billing's day: each group's count and amount, the payments by
    reference all told, and the day's money in (cash booked and those payments)."""
    groups = {
        name: {
            "count": len(cash_day[name]),
            "amount": total_of(*(r["amount"] for r in cash_day[name])),
        }
        for name in RECEIPT_GROUPS
    }
    by_reference = total_of(*(m["amount"] for m in cash_day["other_payments"]))
    return {
        "groups": groups,
        "by_reference": by_reference,
        "money_in": total_of(cash_day["cash_booked"], by_reference),
    }


async def _the_day(
    request: Request, current: Session, site_id: str, day: str
) -> tuple[list[dict[str, str]], str, str, ApiProblem | None, bool]:
    """The user's sites, the site shown (the first by default), the day (today in the site's
    time by default, and when the day asked for is no date), what intake or the day asked for
    had wrong, and whether the day can be asked of billing."""
    sites, problem = await sites_or_problem(current)
    site_id = site_id.strip() or (sites[0]["site_id"] if sites else "")
    day = day.strip()
    usable = not day or is_day(day)
    if not usable:
        problem = ApiProblem(422, f"day {day!r} is not a date YYYY-MM-DD")
    if not day or not usable:
        zone = await site_zone(request, current, site_id)
        day = datetime.now(UTC).astimezone(zone).date().isoformat()
    return sites, site_id, day, problem, usable and bool(site_id)


def is_day(day: str) -> bool:
    if not DAY.fullmatch(day):
        return False
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


def days_around(day: str) -> tuple[str, str]:
    found = date.fromisoformat(day)
    return (found - timedelta(days=1)).isoformat(), (found + timedelta(days=1)).isoformat()


async def _households(
    current: Session, site_id: str, day: str
) -> tuple[list[dict[str, Any]], ApiProblem | None]:
    try:
        served = await current.api.households_served(site_id, day)
    except ApiProblem as refused:
        return [], signed_in(refused)
    return list(served["households"]), None


@router.get("/cash-days", response_class=HTMLResponse)
async def cash_day(
    request: Request, current: CurrentSession, site_id: str = "", day: str = ""
) -> Response:
    only(current, ACCOUNT_READERS)
    sites, site_id, day, problem, asked = await _the_day(request, current, site_id, day)
    found: dict[str, Any] | None = None
    households: list[dict[str, Any]] = []
    households_problem: ApiProblem | None = None
    if asked:
        try:
            found = await current.api.cash_day(site_id, day)
        except ApiProblem as refused:
            problem = signed_in(refused)
        households, households_problem = await _households(current, site_id, day)
    if found is not None:
        for group in RECEIPT_GROUPS:
            found[group] = [shown_receipt(request, r) for r in found[group]]
    previous_day, next_day = days_around(day)
    return render(
        request,
        "cash_day.html",
        {
            "sites": sites,
            "site_id": site_id,
            "asked": asked,
            "day": day,
            "previous_day": previous_day,
            "next_day": next_day,
            "cash_day": found,
            "summary": day_summary(found) if found else None,
            "receipt_groups": RECEIPT_GROUPS,
            "households": households,
            "households_problem": households_problem,
            "may_read_charges": True,
            "problem": problem,
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )


@router.get("/households-served", response_class=HTMLResponse)
async def households_served(
    request: Request, current: CurrentSession, site_id: str = "", day: str = ""
) -> Response:
    """BIL-15: the day's list of households that received a paid service, for finance and the
    accounts' readers, and for the agents who call them back."""
    only(current, HOUSEHOLDS_SERVED_READERS)
    sites, site_id, day, problem, asked = await _the_day(request, current, site_id, day)
    households: list[dict[str, Any]] = []
    if asked:
        households, households_problem = await _households(current, site_id, day)
        problem = households_problem or problem
    previous_day, next_day = days_around(day)
    return render(
        request,
        "households_served.html",
        {
            "sites": sites,
            "site_id": site_id,
            "asked": asked,
            "day": day,
            "previous_day": previous_day,
            "next_day": next_day,
            "households": households,
            "problem": problem,
            "may_read_charges": may(current, ACCOUNT_READERS),
        },
        current=current,
        status_code=min(problem.status, 503) if problem else 200,
    )
