"""The month's close at a site: the day's service records handed over, the month's records
summarised before the 5th, the financial charge report issued and reviewed (BIL-06 to BIL-08).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from hotline_libs.aggregate import is_due
from hotline_libs.errors import NotFound
from hotline_libs.working_days import month_bounds

from billing.domain.charge import PAID_BY_REFERENCE, Charge, ChargeStatus, Payment, PaymentMethod
from billing.domain.commands import (
    HandOverRecords,
    IssueFinancialReport,
    MonthCloseDeadlineReached,
    ReviewFinancialReport,
    SummariseRecords,
)
from billing.domain.fee_bill import FeeBill, FeeItem, fee_collection
from billing.domain.fee_contract import month_start
from billing.domain.month_close import (
    FinancialFigures,
    MonthClose,
    ReportLine,
    close_id,
)
from billing.service_layer.daily_records import DailyReader, households_served
from billing.service_layer.unit_of_work import BillingUnitOfWork, FeeBillRepository
from billing.service_layer.visibility import must_see

ZERO = Decimal("0.00")
FEE_CATEGORIES = {
    FeeItem.MANAGEMENT_FEE: "物业管理费 management fee",
    FeeItem.WATER: "水费 water",
    FeeItem.ELECTRICITY: "电费 electricity",
}


async def _close_of(uow: BillingUnitOfWork, site_id: str, month: date) -> MonthClose:
    """The site's month close, opened on first use (its clock starts then)."""
    month = month_start(month)
    close = await uow.month_closes.get(close_id(site_id, month))
    if close is None:
        zone = (await uow.calendars.for_site(site_id)).zone.key
        close = MonthClose(site_id, month, zone)
        uow.month_closes.add(close)
    return close


def records_by_method(charges: list[Charge]) -> dict[str, int]:
    """The day's service records sorted by payment method (BIL-06)."""
    counted = Counter((c.payment_method.value if c.payment_method else "unknown") for c in charges)
    return dict(sorted(counted.items()))


async def hand_over_records(command: HandOverRecords, uow: BillingUnitOfWork) -> MonthClose:
    must_see(command.site_id, command.visible_sites)
    records = records_by_method(await households_served(uow, command.site_id, command.day))
    close = await _close_of(uow, command.site_id, command.day)
    close.hand_over(
        command.day, command.receiver, command.received_by, records, command.handed_by, uow.clock()
    )
    await uow.commit()
    return close


async def summarise_records(command: SummariseRecords, uow: BillingUnitOfWork) -> MonthClose:
    must_see(command.site_id, command.visible_sites)
    close = await _close_of(uow, command.site_id, command.month)
    close.summarise(command.by, uow.clock(), command.note)
    await uow.commit()
    return close


async def month_close_deadline_reached(
    command: MonthCloseDeadlineReached, uow: BillingUnitOfWork
) -> None:
    close = await uow.month_closes.get(command.close_id)
    now = uow.clock()
    if close is None or not is_due(close, command.deadline, now):
        return
    close.deadline_reached(command.deadline, now)
    await uow.commit()


class ReportReader(DailyReader, Protocol):
    """What the report reads: charges, receipts, the calendars, and the fee bills."""

    @property
    def fee_bills(self) -> FeeBillRepository: ...


@dataclass
class _Tally:
    charged: Decimal = ZERO
    cash: Decimal = ZERO
    bank_collection: Decimal = ZERO
    by_reference: Decimal = ZERO
    outstanding: Decimal = ZERO

    def add(self, amount: Decimal, payment: Payment | None, as_of: datetime) -> None:
        self.charged += amount
        if payment is None or payment.booked_at > as_of:
            self.outstanding += amount
        elif payment.method is PaymentMethod.CASH:
            self.cash += amount
        elif payment.method is PaymentMethod.BANK_COLLECTION:
            self.bank_collection += amount
        else:
            assert payment.method in PAID_BY_REFERENCE
            self.by_reference += amount


async def financial_figures(
    uow: ReportReader, site_id: str, month: date, as_of: datetime
) -> FinancialFigures:
    """The month's charges (services signed for in it) and fee bills (billed for it), each
    category charged, collected by method and still owed as of ``as_of`` (BIL-08); the bank's
    refusals of them, the late fees they paid, and the fee collection rate (FEE-10)."""
    zone = (await uow.calendars.for_site(site_id)).zone
    start, end = month_bounds(f"{month:%Y-%m}", zone)
    charges = [
        c
        for c in await uow.charges.created_between(site_id, start, end)
        if c.status is not ChargeStatus.NEEDS_PRICING
    ]
    bills: list[FeeBill] = await uow.fee_bills.of_month(site_id, month_start(month))
    tallies: dict[str, _Tally] = {}
    for charge in charges:
        for line in charge.lines:
            tally = tallies.setdefault(f"{line.item_code} {line.item_name}", _Tally())
            tally.add(line.amount, charge.payment, as_of)
    for bill in bills:
        for fee in bill.lines:
            tallies.setdefault(FEE_CATEGORIES[fee.item], _Tally()).add(
                fee.amount, bill.payment, as_of
            )
    rejections = [r for c in charges for r in c.rejections] + [
        r for b in bills for r in b.rejections
    ]
    rejected_amount = sum((c.total or ZERO for c in charges if c.rejections), ZERO) + sum(
        (b.amount for b in bills if b.rejections), ZERO
    )
    collection = fee_collection(month_start(month), bills, as_of)
    return FinancialFigures(
        lines=tuple(
            ReportLine(name, t.charged, t.cash, t.bank_collection, t.by_reference, t.outstanding)
            for name, t in sorted(tallies.items())
        ),
        rejected=len(rejections),
        rejected_amount=rejected_amount,
        late_fees=collection.late_fees_collected,
        fee_bills=collection.bills,
        fees_due=collection.due,
        fees_collected=collection.collected,
        collection_rate=collection.rate,
    )


async def issue_financial_report(
    command: IssueFinancialReport, uow: BillingUnitOfWork
) -> MonthClose:
    """Finance checks the month's charges and issues the report for the manager (BIL-08)."""
    must_see(command.site_id, command.visible_sites)
    close = await _close_of(uow, command.site_id, command.month)
    now = uow.clock()
    figures = await financial_figures(uow, command.site_id, command.month, now)
    close.issue_report(figures, command.by, now)
    await uow.commit()
    return close


async def review_financial_report(
    command: ReviewFinancialReport, uow: BillingUnitOfWork
) -> MonthClose:
    """The site manager approves the issued report, or sends it back saying what to correct."""
    must_see(command.site_id, command.visible_sites)
    close = await uow.month_closes.get(close_id(command.site_id, month_start(command.month)))
    if close is None:
        raise NotFound(f"no report of {command.month:%Y-%m} at site {command.site_id!r}")
    close.review(command.by, uow.clock(), command.approved, command.note)
    await uow.commit()
    return close
