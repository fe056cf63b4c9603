"""The month's close at a site (月结): the day's service records by payment method and their
handover, the month's records summarised before the 5th, and the financial charge report
(财务收费报表) issued by finance and reviewed by the site manager, as JSON, CSV or XLSX with a
chart (BIL-06 to BIL-08, FEE-10)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from contracts.envelope import Money
from fastapi import APIRouter, Path, Query
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT, SiteInPath
from hotline_libs.paging import IsoDate, MonthStart
from hotline_libs.service import Bus
from hotline_libs.tables import FILE_RESPONSES, Format, table_file
from pydantic import BaseModel, ConfigDict, Field

from billing.domain.commands import (
    HandOverRecords,
    IssueFinancialReport,
    ReviewFinancialReport,
    SummariseRecords,
)
from billing.domain.month_close import (
    AMOUNT_COLUMNS,
    FinancialFigures,
    MonthClose,
    Receiver,
    ReportLine,
    close_id,
)
from billing.entrypoints.http import Reader
from billing.entrypoints.http.reviews import ReviewIn, ReviewOut, review_out
from billing.service_layer.daily_records import households_served
from billing.service_layer.month_close import financial_figures

router = APIRouter(tags=["month close"])

SiteId = SiteInPath
Month = Annotated[MonthStart, Path(description="The month, YYYY-MM")]
Day = Annotated[IsoDate, Path(description="The site's local day, YYYY-MM-DD")]


# -- the day's records (BIL-06) ------------------------------------------------------------------


class ServiceRecordOut(BaseModel):
    charge_id: uuid.UUID
    service_record_no: str | None = Field(
        description="The service and callback record's serial, when one was opened at the quote"
    )
    charge_no: str
    building: str
    room: str
    payer: str
    total: Money | None
    paid: bool


class HandoverOut(BaseModel):
    day: date
    receiver: Receiver
    received_by: str
    records: dict[str, int]
    handed_by: str
    handed_at: datetime
    late: bool = Field(description="Handed over after the day was out (BIL-06: the same day)")


class DayRecordsOut(BaseModel):
    site_id: str
    day: date
    by_method: dict[str, list[ServiceRecordOut]] = Field(
        description="The day's service and callback records, sorted by payment method"
    )
    handover: HandoverOut | None


def _handover(close: MonthClose | None, day: date) -> HandoverOut | None:
    done = next((h for h in close.handovers if h.day == day), None) if close else None
    return HandoverOut(**vars(done)) if done else None


@router.get(
    "/service-records/{site_id}/{day}",
    summary="The day's service records sorted by payment method, and their handover (BIL-06)",
)
async def get_day_records(
    site_id: SiteId, day: Day, reader: Reader, principal: CurrentPrincipal
) -> DayRecordsOut:
    principal.require_site(site_id)
    by_method: dict[str, list[ServiceRecordOut]] = {}
    for charge in await households_served(reader, site_id, day):
        method = charge.payment_method.value if charge.payment_method else "unknown"
        by_method.setdefault(method, []).append(
            ServiceRecordOut(
                charge_id=charge.charge_id,
                service_record_no=charge.service_record_no,
                charge_no=charge.charge_no,
                building=charge.payer.building,
                room=charge.payer.room,
                payer=charge.payer.name,
                total=charge.total,
                paid=charge.payment is not None,
            )
        )
    close = await reader.month_closes.get(close_id(site_id, day.replace(day=1)))
    return DayRecordsOut(
        site_id=site_id,
        day=day,
        by_method=dict(sorted(by_method.items())),
        handover=_handover(close, day),
    )


class HandoverIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"receiver": "service_centre", "received_by": "客服-陈"}]},
    )
    receiver: Receiver
    received_by: str = Field(
        min_length=1, max_length=60, pattern=SHOWS_TEXT, description="Who took the records"
    )


@router.post(
    "/service-records/{site_id}/{day}/handover",
    summary="Finance hands the day's records, sorted by payment method, to the service centre "
    "or the general administrator (BIL-06)",
    responses={409: {"description": "The day's records went to someone else already"}},
)
async def hand_over_records(
    site_id: SiteId, day: Day, body: HandoverIn, principal: CurrentPrincipal, bus: Bus
) -> HandoverOut:
    principal.require_site(site_id)
    close: MonthClose = await bus.handle(
        HandOverRecords(
            site_id,
            day,
            body.receiver,
            body.received_by,
            principal.who,
            principal.visible_sites,
        )
    )
    handover = _handover(close, day)
    assert handover is not None
    return handover


# -- the month's close (BIL-07, BIL-08) ----------------------------------------------------------


class ReportLineOut(BaseModel):
    category: str
    charged: Money
    cash: Money
    bank_collection: Money
    by_reference: Money = Field(description="Transfers, WeChat Pay and Alipay")
    outstanding: Money


class FiguresOut(BaseModel):
    lines: list[ReportLineOut]
    total: ReportLineOut
    rejected: int = Field(description="The bank's refusals of the month's charges and bills")
    rejected_amount: Money
    late_fees: Money = Field(description="Late fees paid on the month's fee bills")
    fee_bills: int
    fees_due: Money
    fees_collected: Money
    collection_rate: Decimal | None = Field(description="Fees collected ÷ due (FEE-10)")
    meets_target: bool | None = Field(description="At least 95%")


def _line(line: ReportLine) -> ReportLineOut:
    return ReportLineOut(**vars(line))


def figures_out(f: FinancialFigures) -> FiguresOut:
    return FiguresOut(
        lines=[_line(line) for line in f.lines],
        total=_line(f.total),
        rejected=f.rejected,
        rejected_amount=f.rejected_amount,
        late_fees=f.late_fees,
        fee_bills=f.fee_bills,
        fees_due=f.fees_due,
        fees_collected=f.fees_collected,
        collection_rate=f.collection_rate,
        meets_target=f.meets_target,
    )


class SummaryOut(BaseModel):
    by: str
    at: datetime
    records: int
    note: str | None
    late: bool


class MonthCloseOut(BaseModel):
    site_id: str
    month: str
    handovers: list[HandoverOut]
    records_summary: SummaryOut | None
    records_summary_due_at: datetime = Field(description="Before the 5th of the next month")
    records_summary_overdue: bool
    report_issued_by: str | None
    report_issued_at: datetime | None
    report: FiguresOut | None
    reviews: list[ReviewOut]
    awaiting_review: bool = Field(description="Issued, and not reviewed since")
    approved: bool
    time_zone: str = Field(description="The site's, which its days and the 5th are counted in")


def close_out(site_id: str, month: date, close: MonthClose) -> MonthCloseOut:
    report = close.report
    return MonthCloseOut(
        site_id=site_id,
        month=f"{month:%Y-%m}",
        handovers=[HandoverOut(**vars(h)) for h in close.handovers],
        records_summary=SummaryOut(**vars(close.summary)) if close.summary else None,
        records_summary_due_at=close.summary_due_at,
        records_summary_overdue=close.summary_overdue_at is not None,
        report_issued_by=report.issued_by if report else None,
        report_issued_at=report.issued_at if report else None,
        report=figures_out(report.figures) if report else None,
        reviews=[review_out(r) for r in close.reviews],
        awaiting_review=close.awaiting_review,
        approved=close.approved,
        time_zone=close.time_zone,
    )


@router.get("/month-closes/{site_id}/{month}", summary="A site's month close and where it stands")
async def get_month_close(
    site_id: SiteId, month: Month, reader: Reader, principal: CurrentPrincipal
) -> MonthCloseOut:
    principal.require_site(site_id)
    close = await reader.month_closes.get(close_id(site_id, month))
    if close is None:  # nothing done yet: where it stands, in the site's time
        zone = (await reader.calendars.for_site(site_id)).zone.key
        close = MonthClose(site_id, month, zone)
    return close_out(site_id, month, close)


class SummaryIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"note": "共 38 份, 已装订"}]},
    )
    note: str | None = Field(default=None, max_length=300, pattern=SHOWS_TEXT)


@router.post(
    "/month-closes/{site_id}/{month}/records-summary",
    summary="The service centre or the administrator summarised the month's service records, "
    "before the 5th of the next month (BIL-07)",
    responses={409: {"description": "The month is not over"}},
)
async def summarise_records(
    site_id: SiteId, month: Month, body: SummaryIn, principal: CurrentPrincipal, bus: Bus
) -> MonthCloseOut:
    principal.require_site(site_id)
    close = await bus.handle(
        SummariseRecords(site_id, month, body.note, principal.who, principal.visible_sites)
    )
    return close_out(site_id, month, close)


@router.post(
    "/financial-reports/{site_id}/{month}/issue",
    summary="Finance checks the month's charges and issues the financial charge report for the "
    "site manager (BIL-08)",
    responses={409: {"description": "The month is not at its end, or the report awaits review"}},
)
async def issue_financial_report(
    site_id: SiteId, month: Month, principal: CurrentPrincipal, bus: Bus
) -> MonthCloseOut:
    principal.require_site(site_id)
    close = await bus.handle(
        IssueFinancialReport(site_id, month, principal.who, principal.visible_sites)
    )
    return close_out(site_id, month, close)


@router.post(
    "/financial-reports/{site_id}/{month}/review",
    summary="The site manager approves the issued report or sends it back (审核, BIL-08)",
    responses={409: {"description": "No report issued, or reviewed already"}},
)
async def review_financial_report(
    site_id: SiteId, month: Month, body: ReviewIn, principal: CurrentPrincipal, bus: Bus
) -> MonthCloseOut:
    principal.require_site(site_id)
    close = await bus.handle(
        ReviewFinancialReport(
            site_id, month, body.approved, body.note, principal.who, principal.visible_sites
        )
    )
    return close_out(site_id, month, close)


class FinancialReportOut(BaseModel):
    site_id: str
    month: str
    issued: bool = Field(description="The figures as issued; otherwise as they stand now")
    approved: bool
    figures: FiguresOut


@router.get(
    "/financial-reports/{site_id}/{month}",
    summary="The month's financial charge report: each category charged, collected by method "
    "and owed; rejections, late fees, the fee collection rate; JSON, CSV or XLSX with a chart",
    responses=FILE_RESPONSES,
    response_model=FinancialReportOut,
)
async def get_financial_report(
    site_id: SiteId,
    month: Month,
    reader: Reader,
    principal: CurrentPrincipal,
    format_: Annotated[Format, Query(alias="format")] = "json",
) -> Any:
    principal.require_site(site_id)
    close = await reader.month_closes.get(close_id(site_id, month))
    figures = (
        close.report.figures
        if close and close.report
        else await financial_figures(reader, site_id, month, reader.clock())
    )
    if format_ == "json":
        return FinancialReportOut(
            site_id=site_id,
            month=f"{month:%Y-%m}",
            issued=bool(close and close.report),
            approved=bool(close and close.approved),
            figures=figures_out(figures),
        )
    rows: list[list[Any]] = [
        [line.category, *(str(getattr(line, name)) for name in AMOUNT_COLUMNS)]
        for line in (*figures.lines, figures.total)
    ]
    blank = [""] * (len(AMOUNT_COLUMNS) - 1)
    rows += [
        [f"bank rejections ({figures.rejected})", str(figures.rejected_amount), *blank],
        ["late fees collected", str(figures.late_fees), *blank],
        [
            f"fee collection rate (target 0.95; {figures.fee_bills} bills)",
            str(figures.collection_rate or ""),
            *blank,
        ],
    ]
    return table_file(
        ["category", *AMOUNT_COLUMNS],
        rows,
        format_,
        f"financial-report-{site_id}-{month:%Y-%m}",
        chart=("charged", "cash", "bank_collection", "by_reference") if len(figures.lines) else (),
    )


class SiteCollectionOut(BaseModel):
    site_id: str
    charged: Money
    collected: Money
    outstanding: Money
    collection_rate: Decimal | None = Field(description="Fees collected ÷ due (FEE-10)")


class CollectionBySiteOut(BaseModel):
    month: str
    sites: list[SiteCollectionOut]


@router.get(
    "/collection-by-site/{month}",
    summary="The month's collection per site the caller covers: charged, collected, owed and "
    "the fee collection rate; JSON, CSV or XLSX with a chart of collection per site",
    responses=FILE_RESPONSES,
    response_model=CollectionBySiteOut,
)
async def get_collection_by_site(
    month: Month,
    reader: Reader,
    principal: CurrentPrincipal,
    format_: Annotated[Format, Query(alias="format")] = "json",
) -> Any:
    sites = sorted(
        s
        for s in await reader.charges.sites() | await reader.fee_bills.sites()
        if principal.may_act_for(s)
    )
    now = reader.clock()
    rows: list[SiteCollectionOut] = []
    for site in sites:
        f = await financial_figures(reader, site, month, now)
        total = f.total
        rows.append(
            SiteCollectionOut(
                site_id=site,
                charged=total.charged,
                collected=total.cash + total.bank_collection + total.by_reference,
                outstanding=total.outstanding,
                collection_rate=f.collection_rate,
            )
        )
    if format_ == "json":
        return CollectionBySiteOut(month=f"{month:%Y-%m}", sites=rows)
    columns = list(SiteCollectionOut.model_fields)
    return table_file(
        columns,
        [[str(v) if v is not None else "" for v in row.model_dump().values()] for row in rows],
        format_,
        f"collection-{month:%Y-%m}",
        chart=("charged", "collected") if rows else (),
    )
