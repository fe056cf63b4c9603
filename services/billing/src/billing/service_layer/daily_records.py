"""A site's daily records, read for finance: the day's money in (收款日报) and the households
served (接受服务业户名单, BIL-15). The day is the site's, in its time zone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from hotline_libs.working_calendars import Calendars
from hotline_libs.working_days import day_bounds

from billing.domain.cash_day import CashDay, cash_day
from billing.domain.charge import PAID_BY_REFERENCE, Charge
from billing.service_layer.unit_of_work import ChargeRepository, ReceiptRepository


class DailyReader(Protocol):
    """What the daily records read (a unit of work that is never committed)."""

    @property
    def charges(self) -> ChargeRepository: ...
    @property
    def receipts(self) -> ReceiptRepository: ...
    @property
    def calendars(self) -> Calendars: ...


async def _site_day(uow: DailyReader, site_id: str, day: date) -> tuple[datetime, datetime]:
    """The site's local ``day`` as [start, end)."""
    return day_bounds(day, (await uow.calendars.for_site(site_id)).zone)


async def cash_day_at(uow: DailyReader, site_id: str, day: date) -> CashDay:
    """The site's receipts issued, booked and voided on ``day``, those out with technicians at
    its end, and the payments booked by reference that day."""
    start, end = await _site_day(uow, site_id, day)
    paid = await uow.charges.paid_between(site_id, start, end)
    return cash_day(
        site_id,
        day,
        issued=await uow.receipts.touched_between(site_id, "issued_at", start, end),
        booked=await uow.receipts.touched_between(site_id, "booked_at", start, end),
        voided=await uow.receipts.touched_between(site_id, "voided_at", start, end),
        outstanding=await uow.receipts.out_at(site_id, end),
        paid_by_reference=[
            c for c in paid if c.payment is not None and c.payment.method in PAID_BY_REFERENCE
        ],
    )


async def households_served(uow: DailyReader, site_id: str, day: date) -> list[Charge]:
    """The households whose paid service was signed for on ``day`` (its charge reached billing
    then), in that order."""
    start, end = await _site_day(uow, site_id, day)
    return await uow.charges.created_between(site_id, start, end)
