"""A site's income and spending statement (FEE-07: income and spending of fees published
regularly for residents to oversee; FEE-09: what management fees pay for, the spending's
categories; NTF-06: publish fee income and spending): the fee income taken from the period's
bills when finance submits it, worked by hand; prepared and submitted by finance, approved by a
manager other than the submitter (then published as an event for notification) or sent back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from billing.domain.charge import PaymentMethod
from billing.domain.commands import (
    IssueFeeBills,
    MeterCharges,
    PayFeeBill,
    PrepareStatement,
    ReviewStatement,
    SubmitStatement,
)
from billing.domain.statement import (
    IncomeLine,
    IncomeStatement,
    SpendingCategory,
    SpendingLine,
    StatementState,
    period_of,
)
from contracts.billing.v1 import IncomeSpendingStatementPublished
from hotline_libs.errors import Conflict, RuleViolation

from tests.unit.billing_harness import Billing
from tests.unit.test_billing_fees import DECEMBER, at, contract, directory

SPENDING = (
    SpendingLine(SpendingCategory.FACILITIES, "公用水电费", Decimal("3000.00")),
    SpendingLine(SpendingCategory.STAFF, "工资及社保", Decimal("2000.00")),
    SpendingLine(SpendingCategory.FACILITIES, "绿化养护", Decimal("1500.50")),
)
ADVERTISING = (IncomeLine("公共区域广告位租金", Decimal("6000.00")),)


def prepare(**overrides: object) -> PrepareStatement:
    fields: dict[str, object] = {
        "site_id": "dmg",
        "period": "2026-Q4",
        "spending": SPENDING,
        "other_income": ADVERTISING,
        "note": "详细账目可到服务中心查阅",
        "by": "财务-刘",
    }
    return PrepareStatement(**{**fields, **overrides})  # type: ignore[arg-type]


async def a_quarter_of_fees(billing: Billing) -> None:
    """The fourth quarter at dmg, by hand: only December was billed.
    - 3-1202: fee 268.05 (89.35 m² × 3.00), water 42.00, electricity 96.72 = 406.77; paid in
      cash on the 25th, 15 days late: 406.77 × 0.0005 × 15 = 3.050775 → 3.05 late fee;
    - 3-1203: fee 178.70 (89.35 m² × 2.00), unpaid."""
    billing.clock.now = at(date(2026, 12, 1), 9)
    await directory(billing)
    await directory(billing, room="1203")
    await billing.handle(contract())
    await billing.handle(contract("1203", rate=Decimal("2.00")))
    meters = (MeterCharges("3", "1202", Decimal("42.00"), Decimal("96.72"), "水 12 吨, 电 186 度"),)
    await billing.handle(IssueFeeBills("dmg", DECEMBER, meters, "财务-刘"))
    bills = sorted(billing.store.saved("fee_bills").values(), key=lambda b: b.room)
    billing.clock.now = at(date(2026, 12, 25), 15)
    await billing.handle(
        PayFeeBill(bills[0].bill_id, PaymentMethod.CASH, Decimal("409.82"), None, None, "前台-赵")
    )


def test_fee07_a_period_is_a_month_a_quarter_or_a_half_year() -> None:
    q4 = period_of("2026-Q4")
    assert q4.month_starts == (date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1))
    assert q4.after == date(2027, 1, 1)
    assert period_of("2026-H1").month_starts[-1] == date(2026, 6, 1)
    assert period_of("2026-11").after == date(2026, 12, 1)
    with pytest.raises(RuleViolation, match=r"not a month .* a quarter .* or a half year"):
        period_of("2026-Q5")


async def test_fee07_fee09_the_statement_by_hand_submitted_and_approved_by_two() -> None:
    billing = Billing()
    await a_quarter_of_fees(billing)
    billing.clock.now = at(date(2026, 12, 30), 10)
    draft: IncomeStatement = await billing.handle(prepare())
    assert draft.state is StatementState.DRAFT
    assert draft.spending_by_category() == {
        SpendingCategory.FACILITIES: Decimal("4500.50"),
        SpendingCategory.STAFF: Decimal("2000.00"),
    }
    submit = SubmitStatement("dmg", "2026-Q4", "财务-刘")
    with pytest.raises(Conflict, match=r"2026-Q4 is not over: .* from 2027-01-01"):
        await billing.handle(submit)

    billing.clock.now = at(date(2027, 1, 6), 10)
    submitted: IncomeStatement = await billing.handle(submit)
    figures = submitted.figures
    assert figures is not None
    management = next(f for f in figures.fees if f.item.value == "management_fee")
    assert (management.billed, management.collected, management.outstanding) == (
        Decimal("446.75"),  # 268.05 + 178.70
        Decimal("268.05"),
        Decimal("178.70"),
    )
    assert figures.late_fees == Decimal("3.05")
    assert submitted.income_total(figures) == Decimal("6271.10")  # 268.05 + 3.05 + 6000.00
    assert submitted.spending_total == Decimal("6500.50")
    assert submitted.balance(figures) == Decimal("-229.40")  # a deficit
    assert (await billing.handle(submit)).figures == figures  # asked again: as it is

    with pytest.raises(Conflict, match="its figures stand"):
        await billing.handle(prepare())
    with pytest.raises(RuleViolation, match="someone other than who submitted it"):
        await billing.handle(ReviewStatement("dmg", "2026-Q4", True, None, "财务-刘"))

    billing.clock.now = at(date(2027, 1, 8), 11)
    approve = ReviewStatement("dmg", "2026-Q4", True, "已核对", "经理-孙")
    published: IncomeStatement = await billing.handle(approve)
    assert published.state is StatementState.PUBLISHED
    assert published.published_at == billing.clock.now
    assert (await billing.handle(approve)).reviews == published.reviews  # a retry
    with pytest.raises(Conflict, match="published: it is reviewed"):
        await billing.handle(ReviewStatement("dmg", "2026-Q4", False, "重做", "经理-孙"))

    [event] = billing.store.published_of(IncomeSpendingStatementPublished)
    p = event.payload
    assert (p.statement_id, p.period, p.period_start, p.period_end) == (
        "dmg:2026-Q4",
        "2026-Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert (p.fees_billed, p.fees_collected, p.late_fees, p.income_total) == (
        Decimal("446.75"),
        Decimal("268.05"),
        Decimal("3.05"),
        Decimal("6271.10"),
    )
    assert p.utilities_collected == Decimal("138.72")  # 42.00 + 96.72, not income
    assert [(c.category.value, c.amount, [line.label for line in c.lines]) for c in p.spending] == [
        ("facilities", Decimal("4500.50"), ["公用水电费", "绿化养护"]),
        ("staff", Decimal("2000.00"), ["工资及社保"]),
    ]
    assert (p.spending_total, p.balance) == (Decimal("6500.50"), Decimal("-229.40"))
    assert p.approved_by == "经理-孙" and p.note == "详细账目可到服务中心查阅"


async def test_fee07_income_paid_after_submission_does_not_change_the_submitted_figures() -> None:
    billing = Billing()
    await a_quarter_of_fees(billing)
    billing.clock.now = at(date(2027, 1, 6), 10)
    await billing.handle(prepare())
    submitted = await billing.handle(SubmitStatement("dmg", "2026-Q4", "财务-刘"))
    unpaid = next(b for b in billing.store.saved("fee_bills").values() if b.payment is None)
    billing.clock.now = at(date(2027, 1, 7), 10)
    await billing.handle(
        PayFeeBill(
            unpaid.bill_id, PaymentMethod.CASH, Decimal("181.20"), None, None, "前台-赵"
        )  # 28 days late: 2.50
    )
    [kept] = billing.store.saved("income_statements").values()
    assert kept.figures == submitted.figures


async def test_fee07_sent_back_it_is_corrected_and_submitted_again() -> None:
    billing = Billing()
    await a_quarter_of_fees(billing)
    billing.clock.now = at(date(2027, 1, 6), 10)
    await billing.handle(prepare())
    await billing.handle(SubmitStatement("dmg", "2026-Q4", "财务-刘"))
    with pytest.raises(RuleViolation, match="say what is to be corrected"):
        await billing.handle(ReviewStatement("dmg", "2026-Q4", False, " ", "经理-孙"))
    returned = await billing.handle(
        ReviewStatement("dmg", "2026-Q4", False, "绿化养护金额有误", "经理-孙")
    )
    assert returned.state is StatementState.RETURNED
    corrected = (
        *SPENDING[:2],
        SpendingLine(SpendingCategory.FACILITIES, "绿化养护", Decimal("1050.50")),
    )
    revised = await billing.handle(prepare(spending=corrected))
    assert revised.state is StatementState.RETURNED and revised.spending_total == Decimal("6050.50")
    billing.clock.now = at(date(2027, 1, 7), 10)
    again = await billing.handle(SubmitStatement("dmg", "2026-Q4", "财务-刘"))
    assert again.state is StatementState.SUBMITTED
    published = await billing.handle(ReviewStatement("dmg", "2026-Q4", True, None, "经理-孙"))
    assert published.state is StatementState.PUBLISHED
    [event] = billing.store.published_of(IncomeSpendingStatementPublished)
    assert event.payload.spending_total == Decimal("6050.50")
    assert event.payload.balance == Decimal("220.60")  # 6271.10 − 6050.50


async def test_a_statement_lists_spending_and_is_refused_for_a_bad_period() -> None:
    billing = Billing()
    with pytest.raises(RuleViolation, match="lists the period's spending"):
        await billing.handle(prepare(spending=()))
    with pytest.raises(RuleViolation, match="period '2026-13'"):
        await billing.handle(prepare(period="2026-13"))
    await billing.handle(prepare())
    with pytest.raises(Conflict, match="not submitted yet"):
        await billing.handle(ReviewStatement("dmg", "2026-Q4", True, None, "经理-孙"))
    assert billing.store.published_of(IncomeSpendingStatementPublished) == []
