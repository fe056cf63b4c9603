"""Dispatch's monthly report per site: latency, clocks, fixes and reworks, as JSON, CSV or XLSX."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Annotated, Any

from fastapi import APIRouter, Query
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import MONTH
from hotline_libs.tables import FILE_RESPONSES, Format, table_file
from pydantic import BaseModel, Field

from dispatch.domain.report import Figures
from dispatch.entrypoints.http import Reader
from dispatch.service_layer.reports import month_figures

router = APIRouter(tags=["reports"])

FIGURES = [f.name for f in fields(Figures)]
CHARTED = ("orders", "dispatched", "done", "reworked", "escalations", "voids")
"""What the XLSX report's chart draws per row."""


class FiguresOut(BaseModel):
    orders: int
    dispatched: int
    dispatch_p50_s: float | None = Field(description="Acceptance to a technician, median, s")
    dispatch_p95_s: float | None
    dispatched_within_15_min: float | None = Field(description="Share, 0..1 (DSP-02)")
    taken: int
    taking_p50_s: float | None = Field(description="Reaching the technician to 接单, median, s")
    taking_p95_s: float | None
    arrivals_with_appointment: int
    on_time_arrival: float | None = Field(description="Share, 0..1 (DSP-04)")
    done: int = Field(description="Signed off by the customer (and verified, closed)")
    first_time_fix: float | None = Field(description="Share of done with no rework (ACC-02)")
    reworked: int
    rework_rate: float | None
    escalations: int = Field(description="Escalated after rework (ACC-03)")
    voids: int
    damage_cases: int = Field(description="Customers' property damaged or lost (ACC-04)")
    missed_clocks: int = Field(description="Not taken, late at the appointment, not finished")


class WorkReportOut(BaseModel):
    site_id: str
    month: str
    site: FiguresOut
    by_trade: dict[str, FiguresOut]
    by_technician: dict[str, FiguresOut]


@router.get(
    "/reports/work-orders",
    summary="A site's month of work orders: dispatch latency and 15-minute compliance, taking "
    "latency, arrivals on time, first-time fixes, reworks, escalations and voids, per trade and "
    "technician; as JSON, CSV or XLSX (with a chart)",
    responses=FILE_RESPONSES,
)
async def work_order_report(
    reader: Reader,
    principal: CurrentPrincipal,
    site_id: Annotated[str, Query(min_length=1, max_length=40, pattern=SHOWS_TEXT)],
    month: Annotated[str, Query(pattern=MONTH, examples=["2026-11"])],
    format_: Annotated[Format, Query(alias="format")] = "json",
) -> Any:
    principal.require_site(site_id)
    month_of = await month_figures(reader.work_orders, reader.calendars, site_id, month)
    if format_ == "json":
        return WorkReportOut(
            site_id=site_id,
            month=month,
            site=FiguresOut(**asdict(month_of.site)),
            by_trade={k: FiguresOut(**asdict(v)) for k, v in month_of.by_trade.items()},
            by_technician={k: FiguresOut(**asdict(v)) for k, v in month_of.by_technician.items()},
        )
    rows = [("site", site_id, month_of.site)]
    rows += [("trade", name, f) for name, f in month_of.by_trade.items()]
    rows += [("technician", name, f) for name, f in month_of.by_technician.items()]
    return table_file(
        ["row", "group", "name", *FIGURES],
        [
            [f"{group}:{name}", group, name, *("" if v is None else v for v in asdict(f).values())]
            for group, name, f in rows
        ],
        format_,
        f"work-orders-{site_id}-{month}",
        chart=CHARTED,
    )
