"""A site's income and spending statement (物业服务费用收支情况): finance prepares and submits it,
the site's manager approves it and it is published to the residents, or sends it back; read as
JSON, or as CSV or XLSX for the notice board (FEE-07, FEE-09, NTF-06)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from contracts.envelope import Money
from fastapi import APIRouter, Path, Query
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT, SiteInPath
from hotline_libs.money import positive_amount_check, positive_amount_pattern
from hotline_libs.service import Bus
from hotline_libs.tables import FILE_RESPONSES, Format, table_file
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from billing.domain.commands import PrepareStatement, ReviewStatement, SubmitStatement
from billing.domain.fee_bill import FeeItem
from billing.domain.statement import (
    CATEGORY_NAMES,
    MAX_LINES,
    PERIOD,
    IncomeLine,
    IncomeStatement,
    SpendingCategory,
    SpendingLine,
    StatementFigures,
    StatementState,
)
from billing.entrypoints.http import Reader
from billing.entrypoints.http.reviews import ReviewIn, ReviewOut, review_out
from billing.service_layer.statements import period_figures, statement_of

router = APIRouter(tags=["income and spending statements"])

SiteId = SiteInPath
PeriodLabel = Annotated[
    str,
    Path(
        pattern=PERIOD,
        description="A month (2026-11), a quarter (2026-Q4) or a half year (2026-H2)",
        examples=["2026-Q4"],
    ),
]
Item = Annotated[str, Field(min_length=1, max_length=60, pattern=SHOWS_TEXT)]
MAX_SPENDING_LINES = 40
LINE_DIGITS = 10
LineAmount = Annotated[
    Decimal,
    BeforeValidator(positive_amount_check(LINE_DIGITS)),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": positive_amount_pattern(LINE_DIGITS),
            "examples": ["1500.50"],
            "description": "Yuan, at most ten digits before the point: 60 lines' total still "
            "fits an amount of the contracts",
        }
    ),
]


class SpendingLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    category: SpendingCategory = Field(description="What management fees pay for (FEE-09)")
    item: Item = Field(description="What it was, as the residents read it")
    amount: LineAmount


class IncomeLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    item: Item
    amount: LineAmount


class StatementIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "spending": [
                        {"category": "facilities", "item": "公用水电费", "amount": "98500.00"},
                        {"category": "facilities", "item": "绿化养护", "amount": "33000.00"},
                        {"category": "staff", "item": "工资及社保", "amount": "412000.00"},
                    ],
                    "other_income": [{"item": "公共区域广告位租金", "amount": "6000.00"}],
                    "note": "详细账目可到服务中心查阅",
                }
            ]
        },
    )
    spending: list[SpendingLineIn] = Field(
        min_length=1,
        max_length=MAX_SPENDING_LINES,
        description="The period's spending from the planning and finance department's figures",
    )
    other_income: list[IncomeLineIn] = Field(
        default_factory=list,
        max_length=MAX_LINES - MAX_SPENDING_LINES,
        description="Income besides the fees",
    )
    note: str | None = Field(
        default=None, max_length=300, pattern=SHOWS_TEXT, description="For the residents"
    )


class FeeIncomeOut(BaseModel):
    item: FeeItem
    billed: Money
    collected: Money
    outstanding: Money


class AmountOut(BaseModel):
    item: str
    amount: Money


class CategoryOut(BaseModel):
    category: SpendingCategory
    name: str = Field(description="As the residents' handbook names it")
    amount: Money
    lines: list[AmountOut]


class IncomeOut(BaseModel):
    as_of: datetime = Field(description="When the fee income was taken")
    frozen: bool = Field(description="Taken when submitted; otherwise as it stands now")
    fee_bills: int
    fees: list[FeeIncomeOut]
    late_fees: Money = Field(description="Late fees paid on the period's bills")
    income_total: Money = Field(
        description="Management fees collected, late fees and the other income"
    )
    utilities_collected: Money = Field(
        description="Water and electricity collected for the utilities (not income)"
    )
    balance: Money = Field(description="Income less spending; negative is a deficit")


class StatementOut(BaseModel):
    statement_id: str
    site_id: str
    period: str
    period_start: str
    period_end: str
    state: StatementState
    spending: list[CategoryOut]
    spending_total: Money
    other_income: list[AmountOut]
    income: IncomeOut
    note: str | None
    prepared_by: str
    prepared_at: datetime
    submitted_by: str | None
    submitted_at: datetime | None
    reviews: list[ReviewOut]
    published_at: datetime | None = Field(
        description="Approved and sent to the site's households through notification"
    )


def statement_out(s: IncomeStatement, figures: StatementFigures) -> StatementOut:
    utilities = figures.fee(FeeItem.WATER).collected + figures.fee(FeeItem.ELECTRICITY).collected
    return StatementOut(
        statement_id=s.statement_id,
        site_id=s.site_id,
        period=s.period.label,
        period_start=s.period.first_month.isoformat(),
        period_end=(s.period.after - timedelta(days=1)).isoformat(),
        state=s.state,
        spending=[
            CategoryOut(
                category=category,
                name=CATEGORY_NAMES[category],
                amount=amount,
                lines=[
                    AmountOut(item=line.item, amount=line.amount)
                    for line in s.spending
                    if line.category is category
                ],
            )
            for category, amount in s.spending_by_category().items()
        ],
        spending_total=s.spending_total,
        other_income=[AmountOut(item=line.item, amount=line.amount) for line in s.other_income],
        income=IncomeOut(
            as_of=figures.as_of,
            frozen=s.figures is not None,
            fee_bills=figures.bills,
            fees=[
                FeeIncomeOut(
                    item=f.item, billed=f.billed, collected=f.collected, outstanding=f.outstanding
                )
                for f in figures.fees
            ],
            late_fees=figures.late_fees,
            income_total=s.income_total(figures),
            utilities_collected=utilities,
            balance=s.balance(figures),
        ),
        note=s.note,
        prepared_by=s.prepared_by,
        prepared_at=s.prepared_at,
        submitted_by=s.submitted_by,
        submitted_at=s.submitted_at,
        reviews=[review_out(r) for r in s.reviews],
        published_at=s.published_at,
    )


async def _figures(reader: Reader, s: IncomeStatement) -> StatementFigures:
    return s.figures or await period_figures(reader, s.site_id, s.period, reader.clock())


@router.get(
    "/income-statements/{site_id}",
    summary="A site's income and spending statements, the latest period first",
)
async def list_statements(
    site_id: SiteId, reader: Reader, principal: CurrentPrincipal
) -> list[StatementOut]:
    principal.require_site(site_id)
    return [
        statement_out(s, await _figures(reader, s))
        for s in await reader.statements.of_site(site_id)
    ]


@router.put(
    "/income-statements/{site_id}/{period}",
    summary="Finance's figures for the period's statement, whole: spending by category (FEE-09) "
    "and other income; a draft, or one sent back, revised",
    responses={409: {"description": "Submitted or published: its figures stand"}},
)
async def prepare_statement(
    site_id: SiteId,
    period: PeriodLabel,
    body: StatementIn,
    reader: Reader,
    principal: CurrentPrincipal,
    bus: Bus,
) -> StatementOut:
    principal.require_site(site_id)
    statement: IncomeStatement = await bus.handle(
        PrepareStatement(
            site_id,
            period,
            tuple(SpendingLine(s.category, s.item, s.amount) for s in body.spending),
            tuple(IncomeLine(i.item, i.amount) for i in body.other_income),
            body.note,
            principal.who,
            principal.visible_sites,
        )
    )
    return statement_out(statement, await _figures(reader, statement))


@router.get(
    "/income-statements/{site_id}/{period}",
    summary="The period's statement; as CSV or XLSX for the notice board",
    responses=FILE_RESPONSES,
    response_model=StatementOut,
)
async def get_statement(
    site_id: SiteId,
    period: PeriodLabel,
    reader: Reader,
    principal: CurrentPrincipal,
    format_: Annotated[Format, Query(alias="format")] = "json",
) -> Any:
    principal.require_site(site_id)
    statement = await statement_of(reader, site_id, period)
    out = statement_out(statement, await _figures(reader, statement))
    if format_ == "json":
        return out
    income = out.income
    fees = next((f for f in income.fees if f.item is FeeItem.MANAGEMENT_FEE), None)
    rows: list[list[Any]] = [
        ["income", "management fees billed", str(fees.billed if fees else "0.00")],
        ["income", "management fees collected", str(fees.collected if fees else "0.00")],
        ["income", "late fees", str(income.late_fees)],
        *(["income", line.item, str(line.amount)] for line in out.other_income),
        ["income", "total", str(income.income_total)],
        *(
            ["spending", f"{c.name} {line.item}", str(line.amount)]
            for c in out.spending
            for line in c.lines
        ),
        ["spending", "total", str(out.spending_total)],
        ["balance", "income less spending", str(income.balance)],
        ["collected for the utilities", "water and electricity", str(income.utilities_collected)],
    ]
    return table_file(
        ["section", "item", "amount"],
        rows,
        format_,
        f"income-statement-{site_id}-{period}",
    )


@router.post(
    "/income-statements/{site_id}/{period}/submit",
    summary="Finance submits the statement for the manager, with the period's fee income as it "
    "stands now; once the period is over",
    responses={409: {"description": "The period is not over, or it is submitted or published"}},
)
async def submit_statement(
    site_id: SiteId, period: PeriodLabel, principal: CurrentPrincipal, bus: Bus
) -> StatementOut:
    principal.require_site(site_id)
    statement: IncomeStatement = await bus.handle(
        SubmitStatement(site_id, period, principal.who, principal.visible_sites)
    )
    assert statement.figures is not None
    return statement_out(statement, statement.figures)


@router.post(
    "/income-statements/{site_id}/{period}/review",
    summary="The site's manager approves the statement, and it is published to the site's "
    "households, or sends it back saying what to correct",
    responses={409: {"description": "Not submitted, or reviewed already"}},
)
async def review_statement(
    site_id: SiteId,
    period: PeriodLabel,
    body: ReviewIn,
    principal: CurrentPrincipal,
    bus: Bus,
) -> StatementOut:
    principal.require_site(site_id)
    statement: IncomeStatement = await bus.handle(
        ReviewStatement(
            site_id, period, body.approved, body.note, principal.who, principal.visible_sites
        )
    )
    assert statement.figures is not None
    return statement_out(statement, statement.figures)
