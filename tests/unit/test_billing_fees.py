"""Management fees (物业管理费): the contract's rate on the directory's floor area, the month's
bill with water and electricity due by the 10th, the late fee of 0.05% a day, three reminders
that count once sent and then the flag, the owner liable, deposits, the move-out cut-off, and
collection by bank and at the desk (FEE-01 to FEE-06, FEE-10 to FEE-12, FEE-14).

Every amount below is worked by hand in the comment beside it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from billing.adapters.inbound.notification_v1 import reminder_sent
from billing.domain.charge import PaymentMethod
from billing.domain.collection import CollectionBatch
from billing.domain.commands import (
    ConfirmMoveOut,
    FeeBillDeadlineReached,
    GatherBatch,
    HoldDeposit,
    ImportBankAnswer,
    IssueFeeBills,
    KeepResident,
    KeepUnit,
    MarkBatchSent,
    MeterCharges,
    PayFeeBill,
    RecordFeeContract,
    ReleaseDeposit,
)
from billing.domain.fee_bill import (
    REMIND,
    FeeBill,
    FeeBillStatus,
    days_late,
    fee_collection,
    late_fee,
)
from billing.domain.fee_contract import DepositKind, UnitKind, fee_for_days, monthly_fee
from billing.domain.receipt import Receipt
from contracts.billing.v1 import ManagementFeeArrearsFlagged, ManagementFeeReminderDue
from contracts.notification.v1 import NotificationChannel, NotificationSent, NotificationSentPayload
from hotline_libs.aggregate import is_due
from hotline_libs.errors import Conflict, RuleViolation

from tests.bank_answers import Answered, pain002
from tests.unit.billing_harness import Billing
from tests.unit.test_billing_bank_answers import lines_of
from tests.unit.test_billing_collection import CREDITOR, mandate

OWNER = uuid.UUID(int=501)
TENANT = uuid.UUID(int=502)
DECEMBER = date(2026, 12, 1)
RECORDED = datetime(2026, 10, 1, tzinfo=UTC)


def at(day: date, hour: int = 9) -> datetime:
    """``hour`` o'clock in Xi'an (UTC+8) on ``day``."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8)


# -- the arithmetic, by hand -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overdue", "days", "fee"),
    [
        ("268.05", 15, "2.01"),  # 268.05 × 0.0005 × 15 = 2.010375
        ("1000.00", 1, "0.50"),  # 1000 × 0.0005 = 0.5
        ("333.33", 7, "1.17"),  # 333.33 × 0.0005 × 7 = 1.1666550
        ("1.00", 10, "0.01"),  # 0.005 exactly: half up gives a fen (half even would give 0)
        ("9.00", 1, "0.00"),  # 0.0045: below half a fen
        ("268.05", 0, "0.00"),  # paid on the 10th: on time
        ("268.05", 365, "48.92"),  # 268.05 × 0.0005 × 365 = 48.919125: simple, not compounded
    ],
)
def test_fee03_the_late_fee_is_five_in_ten_thousand_a_day_rounded_half_up_once(
    overdue: str, days: int, fee: str
) -> None:
    assert late_fee(Decimal(overdue), days) == Decimal(fee)


def test_fee01_a_bill_is_late_from_the_eleventh() -> None:
    due = date(2026, 12, 10)
    assert [days_late(due, date(2026, 12, d)) for d in (1, 10, 11, 25)] == [0, 0, 1, 15]
    assert days_late(due, date(2027, 1, 10)) == 31


def test_fee06_the_fee_is_floor_area_times_the_contracts_rate() -> None:
    assert monthly_fee(Decimal("89.35"), Decimal("3.00")) == Decimal("268.05")
    assert monthly_fee(Decimal("120.50"), Decimal("8.00")) == Decimal("964.00")
    assert monthly_fee(Decimal("75.33"), Decimal("2.35")) == Decimal("177.03")  # 177.0255
    # a part month: 268.05 × 15/31 = 129.7016..., rounded once
    assert fee_for_days(Decimal("89.35"), Decimal("3.00"), 15, 31) == Decimal("129.70")
    # moved in on 20 February 2026: 9 of 28 days, 100 × 2.50 × 9/28 = 80.357...
    assert fee_for_days(Decimal("100"), Decimal("2.50"), 9, 28) == Decimal("80.36")


# -- the world the bills are made in ------------------------------------------------------------


async def directory(billing: Billing, *, tenant_pays: bool = False, room: str = "1202") -> None:
    """Intake's records as billing hears them: the unit (89.35 m²) and its people."""
    await billing.handle(
        KeepResident("dmg", OWNER, "王芳", "+8613800138000", "wang.fang@example.com", RECORDED)
    )
    await billing.handle(KeepResident("dmg", TENANT, "李雷", "+8613900139000", None, RECORDED))
    await billing.handle(
        KeepUnit(
            "dmg",
            "3",
            room,
            Decimal("89.35"),
            OWNER,
            TENANT if tenant_pays else None,
            RECORDED,
        )
    )


def contract(room: str = "1202", **overrides: object) -> RecordFeeContract:
    fields: dict[str, object] = {
        "contract_no": f"HT-DMG-3-{room}",
        "site_id": "dmg",
        "building": "3",
        "room": room,
        "kind": UnitKind.RESIDENTIAL,
        "rate": Decimal("3.00"),
        "starts_on": date(2026, 1, 1),
        "monthly_rent": None,
        "recorded_by": "财务-刘",
    }
    fields.update(overrides)
    return RecordFeeContract(**fields)  # type: ignore[arg-type]


def december(*meters: MeterCharges) -> IssueFeeBills:
    return IssueFeeBills("dmg", DECEMBER, meters, "财务-刘")


async def billed(billing: Billing, *, tenant_pays: bool = False) -> FeeBill:
    await directory(billing, tenant_pays=tenant_pays)
    await billing.handle(contract())
    run = await billing.handle(december())
    assert (run.issued, run.issued_total) == (1, Decimal("268.05"))
    return bill_of(billing)


def bill_of(billing: Billing) -> FeeBill:
    [bill] = billing.store.saved("fee_bills").values()
    assert isinstance(bill, FeeBill)
    return bill


# -- bills ---------------------------------------------------------------------------------------


async def test_fee01_fee06_the_months_bill_has_the_fee_water_and_electricity_due_by_the_tenth() -> (
    None
):
    billing = Billing()
    await directory(billing)
    await billing.handle(contract())
    run = await billing.handle(
        december(
            MeterCharges("3", "1202", Decimal("42.00"), Decimal("96.72"), "水 12 吨, 电 186 度")
        )
    )
    bill = bill_of(billing)
    assert (run.issued, run.issued_total) == (1, Decimal("406.77"))  # 268.05 + 42 + 96.72
    assert [(line.item.value, line.amount) for line in bill.lines] == [
        ("management_fee", Decimal("268.05")),
        ("water", Decimal("42.00")),
        ("electricity", Decimal("96.72")),
    ]
    assert bill.lines[0].description == "89.35 m² × 3.00 yuan"
    assert bill.due_on == date(2026, 12, 10)
    assert bill.bill_no == "MF-DMG-202612-3-1202"
    assert (bill.payer.name, bill.owner) == ("王芳", None)  # the owner pays: no one else to tell
    assert bill.next_reminder_at == at(date(2026, 12, 11))
    assert bill.status_at(at(date(2026, 12, 10), 23)) is FeeBillStatus.DUE
    assert bill.status_at(at(date(2026, 12, 11), 0)) is FeeBillStatus.OVERDUE


async def test_a_months_bills_are_issued_once_however_often_finance_runs_them() -> None:
    billing = Billing()
    await directory(billing)
    await billing.handle(contract())
    await billing.handle(december())
    again = await billing.handle(december())
    assert (again.issued, again.already) == (0, 1)
    assert len(billing.store.saved("fee_bills")) == 1


async def test_meters_for_a_unit_without_a_contract_refuse_the_whole_run() -> None:
    billing = Billing()
    await directory(billing)
    await billing.handle(contract())
    with pytest.raises(RuleViolation, match="no fee contract running in 2026-12: 3-9999"):
        await billing.handle(december(MeterCharges("3", "9999", Decimal("10.00"))))
    assert billing.store.saved("fee_bills") == {}


async def test_a_unit_the_directory_does_not_know_is_skipped_with_the_reason() -> None:
    billing = Billing()
    await billing.handle(contract())
    run = await billing.handle(december())
    assert run.issued == 0
    assert run.skipped == (("3-1202", "the unit is not in the directory (no floor area)"),)


async def test_fee05_a_tenant_pays_and_the_owner_is_named_liable() -> None:
    billing = Billing()
    bill = await billed(billing, tenant_pays=True)
    assert bill.payer.name == "李雷"
    assert bill.owner is not None and bill.owner.name == "王芳"


async def test_the_directory_keeps_the_latest_record_of_a_unit() -> None:
    billing = Billing()
    await directory(billing)
    older = KeepUnit("dmg", "3", "1202", Decimal("50.00"), OWNER, None, RECORDED - timedelta(1))
    assert await billing.handle(older) is False
    await billing.handle(contract())
    await billing.handle(december())
    assert bill_of(billing).floor_area_m2 == Decimal("89.35")


# -- contracts, move-out, deposits ----------------------------------------------------------------


async def test_two_contracts_of_a_unit_never_charge_the_same_day() -> None:
    billing = Billing()
    await billing.handle(contract())
    with pytest.raises(Conflict, match="has contract HT-DMG-3-1202 from 2026-01-01"):
        await billing.handle(contract(contract_no="HT-NEW", starts_on=date(2026, 6, 1)))
    await billing.handle(ConfirmMoveOut("HT-DMG-3-1202", date(2026, 5, 31), None, "财务-刘"))
    await billing.handle(contract(contract_no="HT-NEW", starts_on=date(2026, 6, 1)))


async def test_a_contract_is_not_edited() -> None:
    billing = Billing()
    await billing.handle(contract())
    assert (await billing.handle(contract())).rate == Decimal("3.00")  # the same again
    with pytest.raises(Conflict, match="recorded with other terms"):
        await billing.handle(contract(rate=Decimal("3.50")))


@pytest.mark.parametrize("rate", ["0", "-1.00", "1000.01", "2.12345"])
async def test_a_rate_out_of_reason_is_refused_naming_it(rate: str) -> None:
    with pytest.raises(RuleViolation, match="rate must be above 0") as refused:
        await Billing().handle(contract(rate=Decimal(rate)))
    assert refused.value.field == "rate"


async def test_fee12_the_move_out_cuts_the_fee_off_for_the_rest_of_the_month() -> None:
    billing = Billing()
    await directory(billing)
    await billing.handle(contract())
    await billing.handle(
        ConfirmMoveOut("HT-DMG-3-1202", date(2026, 12, 15), "迁出确认书 0042", "财务-刘")
    )
    await billing.handle(december())
    bill = bill_of(billing)
    assert (bill.days, bill.amount) == (15, Decimal("129.70"))  # 268.05 × 15/31
    assert bill.lines[0].description == "89.35 m² × 3.00 yuan × 15/31 days"
    january = await billing.handle(IssueFeeBills("dmg", date(2027, 1, 1), (), "财务-刘"))
    assert (january.issued, january.skipped) == (0, ())


async def test_fee12_a_move_out_before_a_month_already_billed_is_refused() -> None:
    billing = Billing()
    await billed(billing)
    with pytest.raises(Conflict, match="billed for MF-DMG-202612-3-1202 after the cut-off"):
        await billing.handle(ConfirmMoveOut("HT-DMG-3-1202", date(2026, 12, 15), None, "财务-刘"))
    # leaving on the month's last day leaves December's bill as it is
    moved = await billing.handle(
        ConfirmMoveOut("HT-DMG-3-1202", date(2026, 12, 31), None, "财务-刘")
    )
    assert moved.ends_on == date(2026, 12, 31)


async def test_fee11_a_commercial_tenant_leaves_three_months_fee_and_rent() -> None:
    billing = Billing()
    await directory(billing, room="S01")
    shop = contract(
        "S01", kind=UnitKind.COMMERCIAL, rate=Decimal("8.00"), monthly_rent=Decimal("15000.00")
    )
    await billing.handle(shop)
    # three months' fee: 89.35 × 8.00 = 714.80, × 3 = 2144.40; three months' rent: 45000.00
    with pytest.raises(RuleViolation, match=r"deposit is 2144\.40 yuan"):
        await billing.handle(
            HoldDeposit(
                "HT-DMG-3-S01",
                DepositKind.MANAGEMENT_FEE,
                Decimal("2000.00"),
                date(2026, 1, 1),
                "DMG-000412",
                "财务-刘",
            )
        )
    held = await billing.handle(
        HoldDeposit(
            "HT-DMG-3-S01",
            DepositKind.MANAGEMENT_FEE,
            Decimal("2144.40"),
            date(2026, 1, 1),
            "DMG-000412",
            "财务-刘",
        )
    )
    await billing.handle(
        HoldDeposit(
            "HT-DMG-3-S01",
            DepositKind.RENT,
            Decimal("45000.00"),
            date(2026, 1, 1),
            "TR-88",
            "财务-刘",
        )
    )
    assert held.deposits_required(Decimal("89.35")) == {
        DepositKind.MANAGEMENT_FEE: Decimal("2144.40"),
        DepositKind.RENT: Decimal("45000.00"),
    }
    release = ReleaseDeposit(
        "HT-DMG-3-S01",
        DepositKind.RENT,
        date(2026, 12, 20),
        Decimal("500.00"),
        "退款-0042",
        "财务-刘",
    )
    with pytest.raises(Conflict, match="no move-out confirmed"):
        await billing.handle(release)
    await billing.handle(ConfirmMoveOut("HT-DMG-3-S01", date(2026, 12, 15), None, "财务-刘"))
    released = await billing.handle(release)
    rent = released.deposit(DepositKind.RENT)
    assert rent is not None and rent.refunded == Decimal("44500.00")
    assert (await billing.handle(release)).deposit(DepositKind.RENT) == rent  # a retry


async def test_fee11_a_residential_contract_has_no_rent() -> None:
    with pytest.raises(RuleViolation, match="monthly_rent is for a commercial lease"):
        await Billing().handle(contract(monthly_rent=Decimal("3000.00")))


# -- reminders and the flag ---------------------------------------------------------------------


def sent_by_notification(event: ManagementFeeReminderDue, at_: datetime) -> NotificationSent:
    """Notification's report that it sent the reminder (by SMS)."""
    report: NotificationSent = NotificationSent.build(
        event_id=uuid.uuid4(),
        producer="notification",
        site_id="dmg",
        correlation_id=event.correlation_id,
        causation_id=event.event_id,
        occurred_at=at_,
        payload=NotificationSentPayload(
            notification_id=uuid.uuid4(),
            channel=NotificationChannel.SMS,
            recipient=event.payload.resident.phone,
            template="fee_reminder",
            about_event_id=event.event_id,
            about_event_type=event.EVENT_TYPE,
            request_id=event.payload.bill_id,
            sent_at=at_,
        ),
    )
    return report


async def tick(billing: Billing, moment: datetime) -> None:
    """The bill's clock at ``moment``: the poller fires what ran out (twice: a replica's too)."""
    billing.clock.now = moment
    bill = bill_of(billing)
    if is_due(bill, REMIND, moment):
        for _ in range(2):
            await billing.handle(
                FeeBillDeadlineReached(str(bill.bill_id), REMIND, bill.next_reminder_at)  # type: ignore[arg-type]
            )


def reminders(billing: Billing) -> list[ManagementFeeReminderDue]:
    return billing.store.published_of(ManagementFeeReminderDue)


async def test_fee04_fee14_three_reminders_that_count_once_sent_then_the_flag_fee05_owner_told() -> (
    None
):
    billing = Billing()
    bill = await billed(billing, tenant_pays=True)
    await tick(billing, at(date(2026, 12, 10), 20))
    assert reminders(billing) == []  # in the window: nothing to remind

    await tick(billing, at(date(2026, 12, 11)))
    [first] = reminders(billing)
    p = first.payload
    assert (p.reminder_no, p.amount, p.late_fee, p.owed) == (
        1,
        Decimal("268.05"),
        Decimal("0.13"),  # 268.05 × 0.0005 × 1 = 0.134025
        Decimal("268.18"),
    )
    assert (p.resident.name, p.owner) == ("李雷", None)
    assert first.event_id == bill_of(billing).reminders[0].reminder_id

    # the first reached no one (no report of sending): ten days on it is asked for again
    await tick(billing, at(date(2026, 12, 21)))
    again = reminders(billing)[1]
    assert again.payload.reminder_no == 1 and again.event_id != first.event_id
    command = reminder_sent(sent_by_notification(again, at(date(2026, 12, 21), 10)))
    assert command is not None
    await billing.handle(command)
    await billing.handle(command)  # the e-mail's report too, or a redelivery: counted once
    assert bill_of(billing).reminders_sent == 1

    await tick(billing, at(date(2026, 12, 31)))
    second = reminders(billing)[2]
    assert second.payload.reminder_no == 2
    await billing.handle(reminder_sent(sent_by_notification(second, at(date(2026, 12, 31), 10))))

    await tick(billing, at(date(2027, 1, 10)))
    third = reminders(billing)[3]
    assert third.payload.reminder_no == 3
    assert third.payload.owner is not None and third.payload.owner.name == "王芳"  # FEE-05
    assert third.payload.late_fee == Decimal("4.15")  # 31 days: 268.05 × 0.0005 × 31 = 4.154775
    await billing.handle(reminder_sent(sent_by_notification(third, at(date(2027, 1, 10), 10))))
    assert billing.store.published_of(ManagementFeeArrearsFlagged) == []

    await tick(billing, at(date(2027, 1, 20)))
    [flag] = billing.store.published_of(ManagementFeeArrearsFlagged)
    assert (flag.payload.reminders_sent, flag.payload.owed) == (3, Decimal("273.55"))  # 41 days
    assert flag.payload.owner is not None
    flagged = bill_of(billing)
    assert flagged.status_at(billing.clock.now) is FeeBillStatus.FLAGGED
    assert flagged.deadlines() == {}  # nothing more runs: the site acts
    assert bill.bill_id == flagged.bill_id


def test_a_report_of_another_message_is_not_billings_business() -> None:
    other: NotificationSent = NotificationSent.build(
        event_id=uuid.uuid4(),
        producer="notification",
        site_id="dmg",
        correlation_id=uuid.uuid4(),
        occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
        payload=NotificationSentPayload(
            notification_id=uuid.uuid4(),
            channel=NotificationChannel.SMS,
            recipient="+8613800138000",
            template="request_accepted",
            about_event_id=uuid.uuid4(),
            about_event_type="ServiceRequestAccepted",
            request_id=uuid.uuid4(),
            sent_at=datetime(2026, 12, 1, tzinfo=UTC),
        ),
    )
    assert reminder_sent(other) is None


# -- paying --------------------------------------------------------------------------------------


async def test_fee02_fee03_cash_at_the_desk_takes_the_late_fee_on_a_numbered_receipt() -> None:
    billing = Billing()
    bill = await billed(billing)
    billing.clock.now = at(date(2026, 12, 25), 15)
    pay = PayFeeBill(bill.bill_id, PaymentMethod.CASH, Decimal("268.05"), None, None, "前台-赵")
    with pytest.raises(
        RuleViolation, match=r"is 270.06 yuan today \(268.05 and a late fee of 2.01\)"
    ):
        await billing.handle(pay)  # 15 days late: 268.05 × 0.0005 × 15 = 2.010375
    assert billing.store.saved("receipts") == {}  # no number drawn for a refused payment
    paid = await billing.handle(
        PayFeeBill(bill.bill_id, PaymentMethod.CASH, Decimal("270.06"), None, None, "前台-赵")
    )
    assert paid.payment is not None and paid.payment.method is PaymentMethod.CASH
    assert paid.late_fee_paid == Decimal("2.01")
    [receipt] = billing.store.saved("receipts").values()
    assert isinstance(receipt, Receipt)
    assert (receipt.receipt_no, receipt.amount, receipt.charge_no) == (
        paid.payment.reference,
        Decimal("270.06"),
        "MF-DMG-202612-3-1202",
    )
    assert receipt.for_fee_bill and receipt.status.value == "booked"
    await billing.handle(
        PayFeeBill(bill.bill_id, PaymentMethod.CASH, Decimal("270.06"), None, None, "前台-赵")
    )
    assert len(billing.store.saved("receipts")) == 1  # the request repeated draws no number
    assert bill_of(billing).deadlines() == {}  # paid: no reminder runs


async def test_a_transfer_needs_its_reference_and_pays_as_owed_that_day() -> None:
    billing = Billing()
    bill = await billed(billing)
    billing.clock.now = at(date(2026, 12, 12), 12)
    with pytest.raises(RuleViolation, match="reference is required for wechat_pay"):
        await billing.handle(
            PayFeeBill(
                bill.bill_id, PaymentMethod.WECHAT_PAY, Decimal("268.32"), None, None, "财务-刘"
            )
        )
    paid_on_the_tenth = at(date(2026, 12, 10), 20)
    paid = await billing.handle(
        PayFeeBill(
            bill.bill_id,
            PaymentMethod.WECHAT_PAY,
            Decimal("268.05"),
            "4200009",
            paid_on_the_tenth,
            "财务-刘",
        )
    )
    assert (paid.late_fee_paid, paid.payment.amount) == (Decimal("0.00"), Decimal("268.05"))
    with pytest.raises(Conflict, match="already paid \\(wechat_pay, 4200009\\)"):
        await billing.handle(  # cash for a bill paid by WeChat: refused, no receipt drawn
            PayFeeBill(bill.bill_id, PaymentMethod.CASH, Decimal("268.32"), None, None, "前台-赵")
        )
    assert billing.store.saved("receipts") == {}


async def test_fee02_a_fee_bill_is_collected_by_the_bank_with_its_late_fee() -> None:
    billing = Billing()
    bill = await billed(billing)
    await billing.handle(CREDITOR)
    await billing.handle(mandate(1, "1202"))
    billing.clock.now = at(date(2026, 12, 18), 10)
    batch: CollectionBatch = await billing.handle(GatherBatch("dmg", date(2026, 12, 20), "财务-刘"))
    # collected on the 20th, 10 days late: 268.05 × 0.0005 × 10 = 1.34025
    assert (batch.number_of_debits, batch.control_sum) == (1, Decimal("269.39"))
    await billing.handle(MarkBatchSent(batch.batch_id, None))
    billing.clock.now = at(date(2026, 12, 21), 10)
    data = pain002(batch.batch_id, [Answered(bill.bill_no, "269.39")])
    await billing.handle(ImportBankAnswer(batch.batch_id, lines_of(data), "财务-刘", None))
    paid = bill_of(billing)
    assert paid.payment is not None and paid.payment.method is PaymentMethod.BANK_COLLECTION
    assert paid.late_fee_paid == Decimal("1.34")
    figures = fee_collection(DECEMBER, [paid], billing.clock.now)
    assert (figures.collected, figures.late_fees_collected, figures.rate) == (
        Decimal("268.05"),
        Decimal("0.00") + Decimal("1.34"),
        Decimal("1.0000"),
    )


async def test_a_bill_the_bank_refused_is_due_again_and_reminded_at_once() -> None:
    billing = Billing()
    bill = await billed(billing)
    await billing.handle(CREDITOR)
    await billing.handle(mandate(1, "1202"))
    billing.clock.now = at(date(2026, 12, 18), 10)
    batch = await billing.handle(GatherBatch("dmg", date(2026, 12, 20), "财务-刘"))
    await billing.handle(MarkBatchSent(batch.batch_id, None))
    await tick(billing, at(date(2026, 12, 19), 10))
    assert reminders(billing) == []  # the bank holds a debit for it: the reminder waits
    billing.clock.now = at(date(2026, 12, 21), 10)
    data = pain002(batch.batch_id, [Answered(bill.bill_no, "269.39", "AM04", "余额不足")])
    await billing.handle(ImportBankAnswer(batch.batch_id, lines_of(data), "财务-刘", None))
    refused = bill_of(billing)
    assert (refused.collecting_in, refused.status_at(billing.clock.now)) == (
        None,
        FeeBillStatus.OVERDUE,
    )
    assert refused.next_reminder_at == billing.clock.now
    await tick(billing, billing.clock.now)
    [reminder] = reminders(billing)
    assert (reminder.payload.reminder_no, reminder.payload.owed) == (1, Decimal("269.52"))
    # 11 days late on the 21st: 268.05 × 0.0005 × 11 = 1.474275


# -- the collection rate ------------------------------------------------------------------------


async def test_fee10_the_collection_rate_is_collected_over_due_against_95_percent() -> None:
    billing = Billing()
    await directory(billing)
    await directory(billing, room="1203")
    await billing.handle(contract())
    await billing.handle(contract("1203", rate=Decimal("2.00")))  # 89.35 × 2 = 178.70
    await billing.handle(december())
    bills = sorted(billing.store.saved("fee_bills").values(), key=lambda b: b.room)
    billing.clock.now = at(date(2026, 12, 5))
    await billing.handle(
        PayFeeBill(bills[0].bill_id, PaymentMethod.CASH, Decimal("268.05"), None, None, "前台-赵")
    )
    figures = fee_collection(
        DECEMBER, list(billing.store.saved("fee_bills").values()), billing.clock.now
    )
    # 268.05 / (268.05 + 178.70) = 0.600022...
    assert (figures.due, figures.collected, figures.outstanding) == (
        Decimal("446.75"),
        Decimal("268.05"),
        Decimal("178.70"),
    )
    assert (figures.rate, figures.meets_target) == (Decimal("0.6000"), False)
    assert fee_collection(DECEMBER, [], billing.clock.now).rate is None
