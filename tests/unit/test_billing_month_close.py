"""The month's close at a site (BIL-06 to BIL-08, FEE-10): the day's service records sorted by
payment method and handed over the same day, the month's records summarised before the 5th (a
durable deadline), and the financial charge report, worked by hand, issued by finance and
approved or sent back by the site manager."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from billing.domain.charge import Charge, PaymentMethod
from billing.domain.commands import (
    BookCash,
    HandOverRecords,
    IssueFeeBills,
    IssueFinancialReport,
    IssueReceipt,
    MonthCloseDeadlineReached,
    PayFeeBill,
    RecordPayment,
    ReviewFinancialReport,
    SummariseRecords,
)
from billing.domain.month_close import SUMMARY_DUE, MonthClose, Receiver
from billing.service_layer.month_close import financial_figures
from contracts.envelope import PaymentMethod as Paid
from hotline_libs.aggregate import is_due
from hotline_libs.errors import Conflict, RuleViolation

from tests.unit.billing_harness import Billing, FakeBillingUnitOfWork, completion, used
from tests.unit.test_billing_fees import DECEMBER, at, contract, directory

DAY = date(2026, 12, 3)


async def signed(billing: Billing, method: Paid, record: str, code: str = "RP-TAP") -> Charge:
    """A paid service signed for now, with its service and callback record."""
    event = completion(used(code), payment_method=method)
    event = event.model_copy(
        update={"payload": event.payload.model_copy(update={"service_record_no": record})}
    )
    charge = await billing.completed(event)
    assert charge is not None
    return charge


def close_of(billing: Billing) -> MonthClose:
    [close] = billing.store.saved("month_closes").values()
    assert isinstance(close, MonthClose)
    return close


async def test_bil06_the_days_records_go_by_payment_method_to_the_service_centre_that_day() -> None:
    billing = Billing()
    billing.clock.now = at(DAY, 10)
    await signed(billing, Paid.CASH, "SV-DMG-20261203-0001")
    await signed(billing, Paid.CASH, "SV-DMG-20261203-0002")
    await signed(billing, Paid.BANK_COLLECTION, "SV-DMG-20261203-0003")
    billing.clock.now = at(DAY, 18)
    hand = HandOverRecords("dmg", DAY, Receiver.SERVICE_CENTRE, "客服-陈", "财务-刘")
    close = await billing.handle(hand)
    [handover] = close.handovers
    assert handover.records == {"bank_collection": 1, "cash": 2}
    assert handover.late is False
    assert (await billing.handle(hand)).handovers == (handover,)  # a retry
    with pytest.raises(Conflict, match="handed to 客服-陈"):
        await billing.handle(
            HandOverRecords("dmg", DAY, Receiver.ADMINISTRATOR, "综合-王", "财务-刘")
        )
    # the next day's records handed over the day after: late (BIL-06 says the same day)
    billing.clock.now = at(DAY + timedelta(days=2), 9)
    late = await billing.handle(
        HandOverRecords(
            "dmg", DAY + timedelta(days=1), Receiver.ADMINISTRATOR, "综合-王", "财务-刘"
        )
    )
    assert [h.late for h in late.handovers] == [False, True]
    with pytest.raises(RuleViolation, match="on that day or after"):
        await billing.handle(
            HandOverRecords("dmg", DAY + timedelta(days=9), Receiver.ADMINISTRATOR, "王", "刘")
        )


async def test_bil07_the_months_records_are_summarised_before_the_fifth_or_marked_overdue() -> None:
    billing = Billing()
    billing.clock.now = at(DAY, 10)
    await signed(billing, Paid.CASH, "SV-DMG-20261203-0001")
    await billing.handle(HandOverRecords("dmg", DAY, Receiver.SERVICE_CENTRE, "陈", "刘"))
    close = close_of(billing)
    assert close.summary_due_at == at(date(2027, 1, 5), 0)  # midnight starting the 5th, Xi'an
    summarise = SummariseRecords("dmg", DECEMBER, "共 1 份", "综合-王")
    with pytest.raises(Conflict, match="2026-12 is not over"):
        await billing.handle(summarise)

    billing.clock.now = at(date(2027, 1, 5), 0) + timedelta(seconds=1)
    assert is_due(close_of(billing), SUMMARY_DUE, billing.clock.now)
    reached = MonthCloseDeadlineReached("dmg:2026-12", SUMMARY_DUE, close.summary_due_at)
    await billing.handle(reached)
    await billing.handle(reached)  # another replica's poller: once
    overdue = close_of(billing)
    assert overdue.summary_overdue_at == billing.clock.now and overdue.deadlines() == {}

    summarised = await billing.handle(summarise)
    assert summarised.summary is not None
    assert (summarised.summary.records, summarised.summary.late) == (1, True)


async def test_bil07_a_summary_on_the_fourth_is_on_time() -> None:
    billing = Billing()
    billing.clock.now = at(DAY, 10)
    await billing.handle(HandOverRecords("dmg", DAY, Receiver.SERVICE_CENTRE, "陈", "刘"))
    billing.clock.now = at(date(2027, 1, 4), 23)
    close = await billing.handle(SummariseRecords("dmg", DECEMBER, None, "综合-王"))
    assert close.summary.late is False and close.deadlines() == {}


async def month_of_charges_and_fees(billing: Billing) -> None:
    """December at dmg, by hand:
    - RP-TAP 80.00 paid in cash on its receipt; RP-TAP 80.00 paid by WeChat Pay;
      RP-LOCK 120.00 owed by bank collection, not collected: taps 160.00, locks 120.00
    - unit 3-1202's fee 268.05 paid on the 25th with 2.01 late fee (15 days);
      unit 3-1203's fee 178.70 (89.35 m² × 2.00) unpaid."""
    billing.clock.now = at(DAY, 10)
    cash = await signed(billing, Paid.CASH, "SV-1")
    wechat = await signed(billing, Paid.WECHAT_PAY, "SV-2")
    await signed(billing, Paid.BANK_COLLECTION, "SV-3", "RP-LOCK")
    receipt = await billing.handle(IssueReceipt(cash.charge_id, None, "财务-刘", None))
    await billing.handle(BookCash("dmg", receipt.number, Decimal("80.00"), "财务-刘", None))
    await billing.handle(
        RecordPayment(
            wechat.charge_id,
            PaymentMethod.WECHAT_PAY,
            "4200001",
            Decimal("80.00"),
            None,
            "财务-刘",
            None,
        )
    )
    await directory(billing)
    await directory(billing, room="1203")
    await billing.handle(contract())
    await billing.handle(contract("1203", rate=Decimal("2.00")))
    await billing.handle(IssueFeeBills("dmg", DECEMBER, (), "财务-刘"))
    bills = sorted(billing.store.saved("fee_bills").values(), key=lambda b: b.room)
    billing.clock.now = at(date(2026, 12, 25), 15)
    await billing.handle(
        PayFeeBill(bills[0].bill_id, PaymentMethod.CASH, Decimal("270.06"), None, None, "前台-赵")
    )


async def test_bil08_fee10_the_months_report_by_hand() -> None:
    billing = Billing()
    await month_of_charges_and_fees(billing)
    figures = await financial_figures(
        FakeBillingUnitOfWork(billing.store, billing.clock),
        "dmg",
        DECEMBER,
        at(date(2026, 12, 31), 20),
    )
    lines = {line.category: line for line in figures.lines}
    tap = lines["RP-TAP 更换水龙头"]
    assert (tap.charged, tap.cash, tap.by_reference, tap.outstanding) == (
        Decimal("160.00"),
        Decimal("80.00"),
        Decimal("80.00"),
        Decimal("0.00"),
    )
    lock = lines["RP-LOCK 更换门锁锁芯"]
    assert (lock.charged, lock.outstanding) == (Decimal("120.00"), Decimal("120.00"))
    fee = lines["物业管理费 management fee"]
    assert (fee.charged, fee.cash, fee.outstanding) == (
        Decimal("446.75"),  # 268.05 + 178.70
        Decimal("268.05"),
        Decimal("178.70"),
    )
    total = figures.total
    assert (total.charged, total.cash, total.by_reference, total.outstanding) == (
        Decimal("726.75"),
        Decimal("348.05"),
        Decimal("80.00"),
        Decimal("298.70"),
    )
    assert figures.late_fees == Decimal("2.01")
    assert (figures.collection_rate, figures.meets_target) == (Decimal("0.6000"), False)


async def test_bil08_finance_issues_and_the_manager_approves_or_sends_back() -> None:
    billing = Billing()
    await month_of_charges_and_fees(billing)
    issue = IssueFinancialReport("dmg", DECEMBER, "财务-刘")
    with pytest.raises(Conflict, match="not at its end"):
        await billing.handle(issue)
    billing.clock.now = at(date(2026, 12, 31), 18)
    issued = await billing.handle(issue)
    assert issued.report.figures.total.charged == Decimal("726.75")
    with pytest.raises(Conflict, match="waiting for the manager's review"):
        await billing.handle(issue)
    with pytest.raises(RuleViolation, match="say what is to be corrected"):
        await billing.handle(ReviewFinancialReport("dmg", DECEMBER, False, None, "经理-孙"))
    back = await billing.handle(
        ReviewFinancialReport("dmg", DECEMBER, False, "锁芯收费待核实", "经理-孙")
    )
    assert not back.approved
    billing.clock.now = at(date(2027, 1, 2), 10)
    await billing.handle(issue)  # corrected and issued again
    approved = await billing.handle(ReviewFinancialReport("dmg", DECEMBER, True, None, "经理-孙"))
    assert approved.approved and len(approved.reviews) == 2
    with pytest.raises(Conflict, match="approved"):
        await billing.handle(issue)
    assert billing.clock.now > datetime(2027, 1, 1, tzinfo=UTC)
