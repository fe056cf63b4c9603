"""The monthly report per site and board: JSON, CSV or XLSX, with its sign-offs."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from hotline_libs.auth import CurrentPrincipal, Role
from hotline_libs.errors import RuleViolation
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import MONTH
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.boards import RequestKind
from intake.domain.commands import SignMonthlyReport
from intake.domain.monthly_report import BoardFigures, ReportSignOffs, Stage
from intake.entrypoints.http import Reader
from intake.entrypoints.http.tables_out import FILE_RESPONSES, Format, reported_site, table_file
from intake.service_layer.reports import month_figures

router = APIRouter(tags=["reports"])

SIGNERS: dict[Stage, frozenset[Role]] = {
    Stage.PREPARED: frozenset({Role.SUPERVISOR}),
    Stage.REVIEWED: frozenset({Role.QUALITY_HEAD}),
    Stage.APPROVED: frozenset({Role.DIRECTOR}),
}
"""The call-centre supervisor prepares, quality control reviews, the director approves."""
COUNTERS = ("by_category", "by_channel", "by_desk")
SCALARS = [f.name for f in fields(BoardFigures) if f.name not in COUNTERS]
CHARTED = ("registered", "accepted", "complaints_resolved")
"""What the XLSX report's chart draws per board."""


class SignOffOut(BaseModel):
    stage: Stage
    by: str
    at: datetime


class MonthlyReportOut(BaseModel):
    site_id: str
    month: str
    boards: dict[RequestKind, dict[str, Any]] = Field(
        description="Each board's figures; by_category counts consultation topics and the like"
    )
    signoffs: list[SignOffOut]


@router.get(
    "/reports/monthly",
    summary="A site's month per board: counts, triage, replies on time, complaint clocks, "
    "topics; as JSON, CSV or XLSX",
    responses=FILE_RESPONSES,
)
async def monthly_report(
    reader: Reader,
    principal: CurrentPrincipal,
    site_id: Annotated[str, Query(min_length=1, max_length=40, pattern=SHOWS_TEXT)],
    month: Annotated[str, Query(pattern=MONTH, examples=["2026-11"])],
    format_: Annotated[Format, Query(alias="format")] = "json",
) -> Any:
    site = await reported_site(reader, principal, site_id)
    boards = await month_figures(reader.requests, reader.timeline, site, month)
    signed = await reader.report_signoffs.get(f"{site_id}:{month}")
    if format_ == "json":
        return MonthlyReportOut(
            site_id=site_id,
            month=month,
            boards={
                kind: {
                    **asdict(f),
                    "by_category": dict(f.by_category),
                    "by_channel": dict(f.by_channel),
                    "by_desk": dict(f.by_desk),
                }
                for kind, f in boards.items()
            },
            signoffs=[SignOffOut(**vars(s)) for s in (signed.signoffs if signed else ())],
        )
    columns = ["board", *SCALARS, "by_category"]
    rows = [
        [
            kind.value,
            *(str(getattr(f, name)) for name in SCALARS),
            "; ".join(f"{c}:{n}" for c, n in f.by_category.most_common()),
        ]
        for kind, f in boards.items()
    ]
    return table_file(columns, rows, format_, f"report-{site_id}-{month}", chart=CHARTED)


class SignOffIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"stage": "prepared"}]}
    )
    stage: Stage


@router.post(
    "/reports/monthly/{site_id}/{month}/sign-offs",
    summary="Sign a month's report: prepared (supervisor), reviewed (quality control), "
    "approved (director), in that order",
)
async def sign_monthly_report(
    site_id: Annotated[str, Path(min_length=1, max_length=40, pattern=SHOWS_TEXT)],
    month: Annotated[str, Path(pattern=MONTH)],
    body: SignOffIn,
    principal: CurrentPrincipal,
    bus: Bus,
) -> list[SignOffOut]:
    principal.require_site(site_id)
    if principal.role not in SIGNERS[body.stage] | {Role.ADMIN}:
        raise RuleViolation(
            f"a {principal.role.value} does not sign a report {body.stage.value}: "
            f"{', '.join(sorted(r.value for r in SIGNERS[body.stage]))} do",
            field="stage",
        )
    report: ReportSignOffs = await bus.handle(
        SignMonthlyReport(site_id, month, body.stage, principal.subject)
    )
    return [SignOffOut(**vars(s)) for s in report.signoffs]
