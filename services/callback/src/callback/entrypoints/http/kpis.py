"""A site's monthly callback KPIs with their sign-offs, and the month's spot checks of callbacks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT, SiteInPath
from hotline_libs.paging import MONTH
from hotline_libs.service import Bus
from hotline_libs.tables import FILE_RESPONSES, Format, table_file
from pydantic import BaseModel, ConfigDict, Field

from callback.domain.commands import (
    ApproveKpiReport,
    DrawSpotChecks,
    PrepareKpiReport,
    RecordSpotCheck,
    ReviewKpiReport,
)
from callback.domain.kpis import Kpi, KpiReport, SignOff
from callback.domain.spot_check import MAX_DRAWN, MAX_NOTE, SPOT_CHECKS, SpotCheck
from callback.entrypoints.http import Reader
from callback.service_layer.kpis import kpis_now

router = APIRouter(tags=["callback KPIs"])

Month = Annotated[str, Path(pattern=MONTH, description="YYYY-MM", examples=["2026-11"])]
CHARTED = ("value", "target")
"""The XLSX's chart: each KPI's value beside its target."""


class KpiOut(BaseModel):
    name: str
    value: float | None = Field(
        description="The share, 0..1 (a count for a KPI with no target); none with nothing to "
        "divide"
    )
    numerator: int
    denominator: int
    target: float | None
    meets: bool | None = Field(description="value ≥ target; none without either")


class SignOffOut(BaseModel):
    by: str
    at: datetime
    note: str | None


class KpiReportOut(BaseModel):
    site_id: str
    month: str
    status: str = Field(
        description="live (not prepared: the figures as they stand), prepared, reviewed, "
        "approved, or sent_back"
    )
    kpis: list[KpiOut]
    prepared: SignOffOut | None = Field(description="编写: who prepared it (figures frozen then)")
    reviewed: SignOffOut | None = Field(description="审核: the site's manager")
    approved: SignOffOut | None = Field(description="批准: a director")
    sent_back: SignOffOut | None = Field(description="Sent back with what to correct")


def _sign_off(s: SignOff | None) -> SignOffOut | None:
    return None if s is None else SignOffOut(by=s.by, at=s.at, note=s.note)


def _kpi(k: Kpi) -> KpiOut:
    return KpiOut(
        name=k.name,
        value=k.value,
        numerator=k.numerator,
        denominator=k.denominator,
        target=k.target,
        meets=k.meets,
    )


def report_out(site_id: str, month: str, report: KpiReport | None, live: list[Kpi]) -> KpiReportOut:
    if report is None:
        return KpiReportOut(
            site_id=site_id,
            month=month,
            status="live",
            kpis=[_kpi(k) for k in live],
            prepared=None,
            reviewed=None,
            approved=None,
            sent_back=None,
        )
    return KpiReportOut(
        site_id=site_id,
        month=month,
        status=report.status.value,
        kpis=[_kpi(k) for k in report.kpis],
        prepared=_sign_off(report.prepared),
        reviewed=_sign_off(report.reviewed),
        approved=_sign_off(report.approved),
        sent_back=_sign_off(report.sent_back),
    )


@router.get(
    "/callback-kpis/{site_id}/{month}",
    summary="A site's callback KPIs of a month against their targets, with the sign-offs",
    responses=FILE_RESPONSES,
    response_model=KpiReportOut,
)
async def get_kpis(
    site_id: SiteInPath,
    month: Month,
    reader: Reader,
    principal: CurrentPrincipal,
    format_: Annotated[Format, Query(alias="format")] = "json",
) -> Any:
    principal.require_site(site_id)
    report = await reader.kpi_reports.get(f"{site_id}:{month}")
    live = [] if report is not None else await kpis_now(reader, site_id, month)
    shown = report_out(site_id, month, report, live)
    if format_ == "json":
        return shown
    signed = [
        (what, s.by if s else "", s.at.isoformat() if s else "")
        for what, s in (
            ("prepared", shown.prepared),
            ("reviewed", shown.reviewed),
            ("approved", shown.approved),
        )
    ]
    return table_file(
        ["kpi", "value", "target", "numerator", "denominator", "meets"],
        [
            [
                k.name,
                "" if k.value is None else k.value,
                k.target or "",
                k.numerator,
                k.denominator,
                "" if k.meets is None else k.meets,
            ]
            for k in shown.kpis
        ]
        + [[f"{what}_by", "", "", "", "", f"{by} {at}".strip()] for what, by, at in signed],
        format_,
        f"callback-kpis-{site_id}-{month}",
        chart=CHARTED,
    )


async def _signed(
    command: object, response: Response, reader: Reader, bus: Bus, site_id: str, month: str
) -> KpiReportOut:
    report, changed = await bus.handle(command)
    if not changed:
        response.status_code = status.HTTP_200_OK
    return report_out(site_id, month, report, [])


@router.post(
    "/callback-kpis/{site_id}/{month}/prepare",
    summary="Prepare the month's KPI report (编写): its figures frozen for review",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "It stands prepared already"},
        409: {"description": "The month is not over, or the report is reviewed or approved"},
    },
)
async def prepare_kpis(
    site_id: SiteInPath,
    month: Month,
    response: Response,
    principal: CurrentPrincipal,
    reader: Reader,
    bus: Bus,
) -> KpiReportOut:
    principal.require_site(site_id)
    command = PrepareKpiReport(site_id, month, principal.who)
    return await _signed(command, response, reader, bus, site_id, month)


class ReviewIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"approved": False, "note": "回访及时率请核对"}]},
    )
    approved: bool
    note: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        pattern=SHOWS_TEXT,
        description="What to correct; needed when sending back",
    )


@router.post(
    "/callback-kpis/{site_id}/{month}/review",
    summary="Review the prepared report (审核): on to approval, or back with what to correct",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "This review was given already"}, 409: {}},
)
async def review_kpis(
    site_id: SiteInPath,
    month: Month,
    body: ReviewIn,
    response: Response,
    principal: CurrentPrincipal,
    reader: Reader,
    bus: Bus,
) -> KpiReportOut:
    principal.require_site(site_id)
    command = ReviewKpiReport(site_id, month, body.approved, body.note, principal.who)
    return await _signed(command, response, reader, bus, site_id, month)


@router.post(
    "/callback-kpis/{site_id}/{month}/approve",
    summary="Approve the reviewed report (批准)",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Approved already by the caller"}, 409: {}},
)
async def approve_kpis(
    site_id: SiteInPath,
    month: Month,
    response: Response,
    principal: CurrentPrincipal,
    reader: Reader,
    bus: Bus,
) -> KpiReportOut:
    principal.require_site(site_id)
    command = ApproveKpiReport(site_id, month, principal.who)
    return await _signed(command, response, reader, bus, site_id, month)


# -- spot checks (CB-06) -------------------------------------------------------------------------


class CheckOut(BaseModel):
    confirmed: bool = Field(description="The resident confirmed what the record says")
    note: str | None
    by: str
    at: datetime


class DrawnOut(BaseModel):
    callback_id: uuid.UUID
    check: CheckOut | None


class SpotCheckOut(BaseModel):
    site_id: str
    month: str
    seed: str = Field(description="The month's seed: the drawn are those with the lowest draws")
    drawn: list[DrawnOut]
    checked: int
    short: int = Field(description=f"Checks missing to reach {SPOT_CHECKS} this month")


def spot_check_out(s: SpotCheck) -> SpotCheckOut:
    checks = {c.callback_id: c for c in s.checks}
    return SpotCheckOut(
        site_id=s.site_id,
        month=s.month,
        seed=s.seed,
        drawn=[
            DrawnOut(
                callback_id=c,
                check=None
                if c not in checks
                else CheckOut(
                    confirmed=checks[c].confirmed,
                    note=checks[c].note,
                    by=checks[c].by,
                    at=checks[c].at,
                ),
            )
            for c in s.drawn
        ],
        checked=len(s.checks),
        short=s.short,
    )


class SiteSpotChecks(BaseModel):
    site_id: str
    drawn: int
    checked: int
    short: int


class SpotChecksOut(BaseModel):
    month: str
    sites: list[SiteSpotChecks] = Field(
        description="Each of the caller's sites with callbacks or spot checks that month"
    )


@router.get(
    "/spot-checks",
    summary=f"Who is short of {SPOT_CHECKS} spot checks of callbacks in a month, per site",
)
async def list_spot_checks(
    reader: Reader,
    principal: CurrentPrincipal,
    month: Annotated[str, Query(pattern=MONTH, examples=["2026-11"])],
) -> SpotChecksOut:
    sites = principal.visible_sites
    found = {s.site_id: s for s in await reader.spot_checks.of_month(month, sites)}
    with_callbacks = await reader.callbacks.sites_of_month(month, sites)
    return SpotChecksOut(
        month=month,
        sites=[
            SiteSpotChecks(
                site_id=site,
                drawn=len(found[site].drawn) if site in found else 0,
                checked=len(found[site].checks) if site in found else 0,
                short=found[site].short if site in found else SPOT_CHECKS,
            )
            for site in sorted(set(found) | with_callbacks)
        ],
    )


@router.get("/spot-checks/{site_id}/{month}", summary="A site's spot checks of a month")
async def get_spot_checks(
    site_id: SiteInPath, month: Month, reader: Reader, principal: CurrentPrincipal
) -> SpotCheckOut:
    principal.require_site(site_id)
    found = await reader.spot_checks.get(f"{site_id}:{month}")
    if found is None:
        return SpotCheckOut(
            site_id=site_id, month=month, seed="", drawn=[], checked=0, short=SPOT_CHECKS
        )
    return spot_check_out(found)


class DrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"count": 3}]})
    count: int = Field(
        default=SPOT_CHECKS,
        ge=SPOT_CHECKS,
        le=MAX_DRAWN,
        description="How many callbacks are to be drawn in all (those drawn before stay)",
    )


@router.post(
    "/spot-checks/{site_id}/{month}/draw",
    summary="Draw the month's made callbacks to spot-check (抽查)",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "As many were drawn already"},
        409: {"description": "No callback of the month is made yet"},
    },
)
async def draw_spot_checks(
    site_id: SiteInPath,
    month: Month,
    body: DrawIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> SpotCheckOut:
    principal.require_site(site_id)
    spot_check, added = await bus.handle(DrawSpotChecks(site_id, month, body.count))
    if not added:
        response.status_code = status.HTTP_200_OK
    return spot_check_out(spot_check)


class CheckIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "callback_id": "3eac5f71-604d-5192-9dce-3f4a5b6c7d8e",
                    "confirmed": False,
                    "note": "业主说没有接到回访电话",
                }
            ]
        },
    )
    callback_id: uuid.UUID
    confirmed: bool = Field(description="The resident confirmed the callback as recorded")
    note: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_NOTE,
        pattern=SHOWS_TEXT,
        description="What differs from the record; needed when not confirmed",
    )


@router.post(
    "/spot-checks/{site_id}/{month}/checks",
    summary="Record the check of a drawn callback",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "This check was recorded already"},
        404: {"description": "Nothing drawn yet"},
        409: {"description": "Checked already, differently"},
    },
)
async def record_spot_check(
    site_id: SiteInPath,
    month: Month,
    body: CheckIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> SpotCheckOut:
    principal.require_site(site_id)
    spot_check, changed = await bus.handle(
        RecordSpotCheck(site_id, month, body.callback_id, body.confirmed, body.note, principal.who)
    )
    if not changed:
        response.status_code = status.HTTP_200_OK
    return spot_check_out(spot_check)
