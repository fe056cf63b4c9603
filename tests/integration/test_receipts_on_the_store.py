"""Receipts on the real store (BIL-11 to BIL-13): desks drawing at the same time for different
charges get consecutive numbers with no gap and none twice, two desks drawing for one charge
leave one receipt out for it, and the day's money in reads back from the store's queries."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from decimal import Decimal

import pytest
from billing.adapters.mongo.receipts import RECEIPTS
from billing.adapters.mongo.unit_of_work import MongoBillingUnitOfWork
from billing.domain.charge import Charge, ChargeLine, ChargeStatus, Payer, PaymentMethod
from billing.domain.commands import BookCash, IssueReceipt, VoidReceipt
from billing.domain.receipt import Receipt, ReceiptStatus
from billing.service_layer.daily_records import cash_day_at, households_served
from billing.service_layer.handlers import HANDLERS
from hotline_libs.bus import MessageBus
from hotline_libs.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase

from tests import builders
from tests.fakes import Clock

pytestmark = pytest.mark.infra

NOW = builders.NOW  # 23 Nov 2026, 10:00 in Xi'an


async def raised_charges(db: AsyncDatabase[Document], site: str, count: int) -> list[Charge]:
    uow = MongoBillingUnitOfWork(db, clock=Clock(NOW))
    charges = []
    for n in range(count):
        charge = Charge(
            charge_id=uuid.uuid4(),
            charge_no=f"CH-{site.upper()}-20261123-{n + 1:04d}",
            work_order_id=uuid.uuid4(),
            work_order_no=f"WO-{n}",
            request_id=uuid.uuid4(),
            request_no=f"SR-{n}",
            site_id=site,
            payer=Payer("王芳", "+8613800000001", None, "3", f"{1200 + n}"),
            delivered=(),
            payment_method=PaymentMethod.CASH,
            created_at=NOW,
            status=ChargeStatus.RAISED,
            lines=(
                ChargeLine("RP-TAP", "更换水龙头", "次", Decimal("80.00"), 1, Decimal("80.00")),
            ),
            raised_at=NOW,
            technician_id=f"{site}-t{n % 3}",
        )
        uow.charges.add(charge)
        charges.append(charge)
    await uow.commit()
    return charges


def bus_on(db: AsyncDatabase[Document]) -> MessageBus:
    return MessageBus(HANDLERS, uow=lambda: MongoBillingUnitOfWork(db, clock=Clock(NOW)))


async def test_desks_drawing_at_once_number_the_book_without_gaps_or_doubles(
    db: AsyncDatabase[Document],
) -> None:
    site = f"rc{uuid.uuid4().hex[:6]}"
    charges = await raised_charges(db, site, 13)
    raced, charges = charges[-1], charges[:-1]
    await MongoBillingUnitOfWork(db, clock=Clock(NOW)).calendars.keep_site(
        site, "CN", "Asia/Shanghai", NOW
    )
    bus = bus_on(db)
    drawn: list[Receipt] = await asyncio.gather(
        *(bus.handle(IssueReceipt(c.charge_id, None, "财务", None)) for c in charges)
    )
    assert sorted(r.number for r in drawn) == list(range(1, 13))
    assert {r.charge_id for r in drawn} == {c.charge_id for c in charges}
    stored = [d async for d in db[RECEIPTS].find({"site_id": site})]
    assert sorted(d["number"] for d in stored) == list(range(1, 13))

    # two desks drawing for one charge at once: one receipt stays out for it, and a number
    # the loser may have drawn stays in the book, void
    both = await asyncio.gather(
        *(bus.handle(IssueReceipt(raced.charge_id, None, "财务", None)) for _ in range(2))
    )
    assert both[0].number == both[1].number == 13
    book = {d["number"]: d async for d in db[RECEIPTS].find({"site_id": site})}
    assert sorted(book) == list(range(1, len(book) + 1))
    out_for_raced = [d for d in book.values() if d["charge_id"] == str(raced.charge_id)]
    assert [d["status"] for d in out_for_raced if d["status"] == "issued"] == ["issued"]

    # the day's money in, from the store's own queries
    first = drawn[0]
    await bus.handle(BookCash(site, first.number, Decimal("80.00"), "财务", None))
    second = next(r for r in drawn if r.number != first.number)
    await bus.handle(VoidReceipt(site, second.number, "写错", "财务", None))
    day = await cash_day_at(MongoBillingUnitOfWork(db, clock=Clock(NOW)), site, date(2026, 11, 23))
    assert [r.number for r in day.issued] == list(range(1, len(book) + 1))
    assert day.missing_numbers == ()
    assert [r.number for r in day.booked] == [first.number]
    assert day.cash_booked == Decimal("80.00")
    # the void, and the raced draw's second number if it took one
    assert [r.number for r in day.voided if r.void_reason == "写错"] == [second.number]
    assert len(day.voided) == len(book) - 12
    assert all(r.status is ReceiptStatus.VOID for r in day.voided)
    assert len(day.outstanding) == 11
    served = await households_served(
        MongoBillingUnitOfWork(db, clock=Clock(NOW)), site, date(2026, 11, 23)
    )
    assert len(served) == 13
    assert (
        await households_served(
            MongoBillingUnitOfWork(db, clock=Clock(NOW)), site, date(2026, 11, 24)
        )
        == []
    )
