"""A site's income and spending statement: finance prepares and submits it, the site's manager
approves it and it is published to the residents, or sends it back (FEE-07, FEE-09, NTF-06)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from hotline_libs.errors import NotFound

from billing.domain.commands import PrepareStatement, ReviewStatement, SubmitStatement
from billing.domain.fee_bill import FeeBill
from billing.domain.statement import (
    IncomeStatement,
    Period,
    StatementFigures,
    fee_income,
    period_of,
    statement_id,
)
from billing.service_layer.unit_of_work import (
    BillingUnitOfWork,
    FeeBillRepository,
    StatementRepository,
)
from billing.service_layer.visibility import must_see


class FeeBillReader(Protocol):
    @property
    def fee_bills(self) -> FeeBillRepository: ...


class StatementReader(Protocol):
    @property
    def statements(self) -> StatementRepository: ...


async def period_figures(
    reader: FeeBillReader, site_id: str, period: Period, as_of: datetime
) -> StatementFigures:
    """The fee income of the period's bills as it stands at ``as_of``."""
    bills: list[FeeBill] = []
    for month in period.month_starts:
        bills += await reader.fee_bills.of_month(site_id, month)
    return fee_income(bills, as_of)


async def statement_of(reader: StatementReader, site_id: str, period: str) -> IncomeStatement:
    """The site's statement of ``period``, or NotFound."""
    statement = await reader.statements.get(statement_id(site_id, period_of(period).label))
    if statement is None:
        raise NotFound(f"no income and spending statement of {period} at site {site_id!r}")
    return statement


async def prepare_statement(command: PrepareStatement, uow: BillingUnitOfWork) -> IncomeStatement:
    """Finance's figures, whole: a new draft, or the draft (or the one sent back) revised."""
    must_see(command.site_id, command.visible_sites)
    period = period_of(command.period)
    now = uow.clock()
    statement = await uow.statements.get(statement_id(command.site_id, period.label))
    if statement is None:
        zone = (await uow.calendars.for_site(command.site_id)).zone.key
        statement = IncomeStatement.prepare(
            command.site_id,
            period,
            zone,
            command.spending,
            command.other_income,
            command.note,
            command.by,
            now,
        )
        uow.statements.add(statement)
    else:
        statement.revise(command.spending, command.other_income, command.note, command.by, now)
    await uow.commit()
    return statement


async def submit_statement(command: SubmitStatement, uow: BillingUnitOfWork) -> IncomeStatement:
    """Submitted for the manager with the period's fee income as it stands now."""
    must_see(command.site_id, command.visible_sites)
    statement = await statement_of(uow, command.site_id, command.period)
    now = uow.clock()
    figures = await period_figures(uow, command.site_id, statement.period, now)
    statement.submit(figures, command.by, now)
    await uow.commit()
    return statement


async def review_statement(command: ReviewStatement, uow: BillingUnitOfWork) -> IncomeStatement:
    """Approved, it is published (its event tells notification to send it to the residents);
    sent back, finance corrects it."""
    must_see(command.site_id, command.visible_sites)
    statement = await statement_of(uow, command.site_id, command.period)
    statement.review(command.by, uow.clock(), command.approved, command.note)
    await uow.commit()
    return statement
