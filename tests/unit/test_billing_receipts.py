"""Billing's cash route and payments (BIL-09, BIL-11 to BIL-16): numbered receipts a technician
draws from finance, the cash handed in and booked, voids that keep their number, payments by
reference, the day's money in and the households served.

The numbering under real concurrency (several desks drawing at once) is proven on the real
store in ``tests/integration/test_receipts_on_the_store.py``.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from billing.adapters.mongo.charges import MongoCharges
from billing.adapters.mongo.receipts import MongoReceipts
from billing.domain.charge import Charge, ChargeStatus, Payer, Payment
from billing.domain.charge import PaymentMethod as Method
from billing.domain.commands import BookCash, IssueReceipt, RecordPayment, VoidReceipt
from billing.domain.receipt import Receipt, ReceiptStatus
from billing.service_layer.daily_records import cash_day_at, households_served
from billing.service_layer.handlers import HANDLERS
from contracts.billing.v1 import ChargePaid
from contracts.envelope import PaymentMethod
from hotline_libs.bus import MessageBus
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.ids import event_id

from tests import builders
from tests.builders import NOW
from tests.unit.billing_harness import Billing, FakeBillingUnitOfWork, completion, used


async def cash_charge(billing: Billing, site_id: str = "dmg", code: str = "RP-TAP") -> Charge:
    """A signed cash repair, priced from the site's list (RP-TAP: 80.00 at dmg)."""
    charge = await billing.completed(
        completion(used(code), site_id=site_id, payment_method=PaymentMethod.CASH)
    )
    assert charge is not None and charge.status is ChargeStatus.RAISED
    return charge


def issue(charge: Charge, technician: str | None = None) -> IssueReceipt:
    return IssueReceipt(charge.charge_id, technician, "财务-刘", None)


def book(receipt: Receipt, amount: str) -> BookCash:
    return BookCash(receipt.site_id, receipt.number, Decimal(amount), "财务-刘", None)


def paid(billing: Billing) -> list[ChargePaid]:
    return billing.store.published_of(ChargePaid)


# -- issuing -------------------------------------------------------------------------------------


async def test_bil11_bil09_finance_issues_the_next_numbered_receipt_for_the_charge() -> None:
    """The receipt names the charge's amount and the service record's serial (BIL-09) and goes
    to the technician who did the work unless finance names another (BIL-11)."""
    billing = Billing()
    charge = await cash_charge(billing)
    receipt: Receipt = await billing.handle(issue(charge))
    assert (receipt.site_id, receipt.number, receipt.receipt_no) == ("dmg", 1, "DMG-000001")
    assert receipt.amount == Decimal("80.00") == charge.total
    assert receipt.charge_no == charge.charge_no
    assert receipt.service_record_no == charge.service_record_no
    assert receipt.issued_to == "dmg-t01"  # who did the work
    assert receipt.issued_by == "财务-刘" and receipt.issued_at == NOW
    assert receipt.status is ReceiptStatus.ISSUED
    assert paid(billing) == []  # issued is not paid

    other = await cash_charge(billing)
    second: Receipt = await billing.handle(issue(other, technician="dmg-t07"))
    assert (second.number, second.issued_to) == (2, "dmg-t07")


async def test_bil11_asking_again_for_a_charges_receipt_gives_the_one_out_not_a_new_number() -> (
    None
):
    billing = Billing()
    charge = await cash_charge(billing)
    first = await billing.handle(issue(charge))
    again = await billing.handle(issue(charge, technician="dmg-t07"))
    assert again.receipt_no == first.receipt_no == "DMG-000001"
    assert again.issued_to == "dmg-t01"
    assert len(billing.store.saved("receipts")) == 1


async def test_receipt_books_are_numbered_per_site() -> None:
    billing = Billing()
    at_dmg = [await billing.handle(issue(await cash_charge(billing))) for _ in range(3)]
    at_qjc = await billing.handle(issue(await cash_charge(billing, site_id="qjc")))
    assert [r.receipt_no for r in at_dmg] == ["DMG-000001", "DMG-000002", "DMG-000003"]
    assert at_qjc.receipt_no == "QJC-000001"


async def test_a_number_taken_meanwhile_is_not_lost_the_draw_takes_the_next_one() -> None:
    """Another desk stores number 1 between this draw's read of the last number and its write:
    the write clashes, the bus runs the draw again, and it takes number 2."""
    billing = Billing()
    first, second = await cash_charge(billing), await cash_charge(billing)
    taken = Receipt.issue(
        site_id="dmg", number=1, charge_id=first.charge_id, charge_no=first.charge_no,
        service_record_no=None, amount=Decimal("80.00"), payer_name="王芳", building="3",
        room="1202", issued_to="dmg-t02", issued_by="财务-王", now=NOW,
    )  # fmt: skip
    taken.clear_events()
    taken.version = 1
    attempts = 0

    def racing_unit_of_work() -> FakeBillingUnitOfWork:
        nonlocal attempts
        attempts += 1
        uow = FakeBillingUnitOfWork(billing.store, billing.clock)
        if attempts == 1:

            async def stale_last_number(site_id: str) -> int:
                # another desk stores number 1 right after this read
                billing.store.saved("receipts")[taken.receipt_id] = copy.deepcopy(taken)
                return 0

            uow.receipts.last_number = stale_last_number  # type: ignore[method-assign]
        return uow

    billing.bus = MessageBus(HANDLERS, uow=racing_unit_of_work)
    drawn: Receipt = await billing.handle(issue(second))
    assert drawn.number == 2 and attempts == 2
    assert sorted(r.number for r in billing.store.saved("receipts").values()) == [1, 2]


async def test_a_charge_not_priced_or_already_paid_gets_no_receipt() -> None:
    billing = Billing()
    waiting = await billing.completed(
        completion(used("XX-NOT-LISTED"), payment_method=PaymentMethod.CASH)
    )
    assert waiting is not None and waiting.status is ChargeStatus.NEEDS_PRICING
    with pytest.raises(Conflict, match="not priced yet"):
        await billing.handle(issue(waiting))
    charge = await cash_charge(billing)
    receipt = await billing.handle(issue(charge))
    await billing.handle(book(receipt, "80.00"))
    with pytest.raises(Conflict, match="already paid"):
        await billing.handle(issue(charge))
    with pytest.raises(NotFound):
        await billing.handle(IssueReceipt(uuid.uuid4(), None, "财务-刘", None))
    with pytest.raises(NotFound):  # a site the caller does not serve
        await billing.handle(IssueReceipt(charge.charge_id, None, "财务-刘", frozenset({"qjc"})))
    assert [r.number for r in billing.store.saved("receipts").values()] == [1]


# -- the cash handed in ----------------------------------------------------------------------------


async def test_bil12_bil13_the_cash_handed_in_is_booked_and_the_charge_is_paid() -> None:
    billing = Billing()
    charge = await cash_charge(billing)
    receipt = await billing.handle(issue(charge))
    billing.clock.now = NOW + timedelta(hours=3)
    booked: Receipt = await billing.handle(book(receipt, "80.00"))
    assert booked.status is ReceiptStatus.BOOKED
    assert (booked.booked_at, booked.booked_by) == (NOW + timedelta(hours=3), "财务-刘")
    stored = billing.stored(charge.charge_id)
    assert stored.status is ChargeStatus.PAID
    assert stored.payment == Payment(
        Method.CASH,
        Decimal("80.00"),
        "DMG-000001",
        NOW + timedelta(hours=3),
        NOW + timedelta(hours=3),
        "财务-刘",
    )
    [event] = paid(billing)
    assert event.event_id == event_id(ChargePaid, charge.charge_id)
    assert event.correlation_id == charge.request_id
    p = event.payload
    assert (p.method, p.amount, p.reference) == (PaymentMethod.CASH, Decimal("80.00"), "DMG-000001")
    assert p.charge_no == charge.charge_no and p.request_no == charge.request_no
    assert p.service_record_no == charge.service_record_no

    # handed in twice (a double click, a retry): booked once, told once
    await billing.handle(book(receipt, "80.00"))
    assert len(paid(billing)) == 1


async def test_cash_that_does_not_match_the_receipt_is_refused_and_nothing_is_booked() -> None:
    billing = Billing()
    charge = await cash_charge(billing)
    receipt = await billing.handle(issue(charge))
    with pytest.raises(RuleViolation, match=r"for 80.00 yuan; 70.00 was handed in"):
        await billing.handle(book(receipt, "70.00"))
    assert billing.store.saved("receipts")[receipt.receipt_id].status is ReceiptStatus.ISSUED
    assert billing.stored(charge.charge_id).status is ChargeStatus.RAISED
    assert paid(billing) == []


async def test_booking_again_after_a_crash_between_the_two_writes_pays_the_charge() -> None:
    """The receipt was stored booked, the service stopped before the charge was written: the
    same booking again finishes the job."""
    billing = Billing()
    charge = await cash_charge(billing)
    receipt = await billing.handle(issue(charge))
    half_done = copy.deepcopy(billing.store.saved("receipts")[receipt.receipt_id])
    half_done.book(Decimal("80.00"), "财务-刘", NOW)
    half_done.clear_events()
    half_done.version += 1
    billing.store.saved("receipts")[receipt.receipt_id] = half_done
    assert billing.stored(charge.charge_id).status is ChargeStatus.RAISED
    await billing.handle(book(receipt, "80.00"))
    assert billing.stored(charge.charge_id).status is ChargeStatus.PAID
    assert len(paid(billing)) == 1


# -- voids ---------------------------------------------------------------------------------------


async def test_a_voided_receipt_keeps_its_number_and_the_charge_gets_the_next_one() -> None:
    billing = Billing()
    charge = await cash_charge(billing)
    first = await billing.handle(issue(charge))
    void = VoidReceipt("dmg", first.number, "收据填写错误", "财务-刘", None)
    voided: Receipt = await billing.handle(void)
    assert voided.status is ReceiptStatus.VOID and voided.void_reason == "收据填写错误"
    assert await billing.handle(void) == voided  # voided again for the same reason: unchanged
    with pytest.raises(Conflict, match="void"):
        await billing.handle(book(first, "80.00"))
    second = await billing.handle(issue(charge))
    assert second.receipt_no == "DMG-000002"
    book_numbers = {r.number: r.status for r in billing.store.saved("receipts").values()}
    assert book_numbers == {1: ReceiptStatus.VOID, 2: ReceiptStatus.ISSUED}
    await billing.handle(book(second, "80.00"))
    assert billing.stored(charge.charge_id).payment.reference == "DMG-000002"  # type: ignore[union-attr]


async def test_a_booked_receipt_cannot_be_voided_and_a_void_needs_a_reason() -> None:
    billing = Billing()
    charge = await cash_charge(billing)
    receipt = await billing.handle(issue(charge))
    with pytest.raises(RuleViolation, match="say why"):
        await billing.handle(VoidReceipt("dmg", receipt.number, "  ", "财务-刘", None))
    await billing.handle(book(receipt, "80.00"))
    with pytest.raises(Conflict, match="booked"):
        await billing.handle(VoidReceipt("dmg", receipt.number, "写错", "财务-刘", None))
    with pytest.raises(NotFound, match="no receipt 9"):
        await billing.handle(VoidReceipt("dmg", 9, "写错", "财务-刘", None))


# -- payments by reference (BIL-16) ----------------------------------------------------------------


def pay(charge: Charge, method: Method, reference: str, amount: str = "80.00") -> RecordPayment:
    return RecordPayment(
        charge.charge_id, method, reference, Decimal(amount), None, "财务-刘", None
    )


async def test_bil16_a_wechat_payment_is_recorded_with_its_transaction_number() -> None:
    billing = Billing()
    charge = await cash_charge(billing)
    done: Charge = await billing.handle(pay(charge, Method.WECHAT_PAY, "4200001234"))
    assert done.status is ChargeStatus.PAID
    assert done.payment is not None
    assert (done.payment.method, done.payment.reference) == (Method.WECHAT_PAY, "4200001234")
    [event] = paid(billing)
    assert event.payload.method is PaymentMethod.WECHAT_PAY
    # the same payment again changes nothing; a different one is refused
    await billing.handle(pay(charge, Method.WECHAT_PAY, "4200001234"))
    assert len(paid(billing)) == 1
    with pytest.raises(Conflict, match="already paid"):
        await billing.handle(pay(charge, Method.ALIPAY, "2026112322001"))


async def test_cash_and_bank_collection_are_not_recorded_by_reference() -> None:
    billing = Billing()
    charge = await cash_charge(billing)
    with pytest.raises(RuleViolation, match="booked from its numbered receipt"):
        await billing.handle(pay(charge, Method.CASH, "whatever"))
    with pytest.raises(RuleViolation, match="bank's return file"):
        await billing.handle(pay(charge, Method.BANK_COLLECTION, "whatever"))
    with pytest.raises(RuleViolation, match="paid in full"):
        await billing.handle(pay(charge, Method.BANK_TRANSFER, "TR-1", amount="40.00"))
    assert billing.stored(charge.charge_id).status is ChargeStatus.RAISED


async def test_a_charge_whose_receipt_is_out_is_not_paid_another_way_until_it_is_voided() -> None:
    billing = Billing()
    charge = await cash_charge(billing)
    receipt = await billing.handle(issue(charge))
    with pytest.raises(RuleViolation, match="DMG-000001 is out with dmg-t01"):
        await billing.handle(pay(charge, Method.ALIPAY, "2026112322001"))
    await billing.handle(VoidReceipt("dmg", receipt.number, "业户改用支付宝", "财务-刘", None))
    done = await billing.handle(pay(charge, Method.ALIPAY, "2026112322001"))
    assert done.status is ChargeStatus.PAID


# -- the day's records -----------------------------------------------------------------------------


async def test_a_sites_day_of_money_in_counts_in_the_sites_own_day() -> None:
    """NOW is 10:00 in China on 23 November; 23:30 that night (15:30 UTC) is still the 23rd
    there, 00:30 the next morning is the 24th."""
    billing = Billing()
    charges = [await cash_charge(billing) for _ in range(4)]
    receipts = [await billing.handle(issue(c)) for c in charges[:3]]
    await billing.handle(book(receipts[0], "80.00"))
    await billing.handle(VoidReceipt("dmg", receipts[1].number, "写错", "财务-刘", None))
    billing.clock.now = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
    await billing.handle(pay(charges[3], Method.WECHAT_PAY, "4200001234"))
    billing.clock.now = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)  # the 24th in China
    late = await billing.handle(issue(await cash_charge(billing)))
    await billing.handle(book(late, "80.00"))

    uow = FakeBillingUnitOfWork(billing.store, billing.clock)
    day = await cash_day_at(uow, "dmg", date(2026, 11, 23))
    assert [r.number for r in day.issued] == [1, 2, 3]
    assert (day.first_number, day.last_number, day.missing_numbers) == (1, 3, ())
    assert [r.number for r in day.booked] == [1]
    assert [(r.number, r.void_reason) for r in day.voided] == [(2, "写错")]
    assert [(r.number, r.issued_to) for r in day.outstanding] == [(3, "dmg-t01")]
    assert day.cash_booked == Decimal("80.00")
    assert [(c.technician_id, c.receipts, c.amount) for c in day.by_collector] == [
        ("dmg-t01", 1, Decimal("80.00"))
    ]
    assert [(m.method, m.payments, m.amount) for m in day.other_payments] == [
        (Method.WECHAT_PAY, 1, Decimal("80.00"))
    ]
    after = await cash_day_at(uow, "dmg", date(2026, 11, 24))
    assert [r.number for r in after.issued] == [4] and after.cash_booked == Decimal("80.00")
    assert [r.number for r in after.outstanding] == [3]  # still owed the next day


async def test_bil15_the_households_served_on_a_day_are_listed_in_order() -> None:
    billing = Billing()
    first = await cash_charge(billing)
    billing.clock.now = NOW + timedelta(hours=1)
    second = await cash_charge(billing, code="HK-GLASS")
    billing.clock.now = NOW + timedelta(days=1)
    await cash_charge(billing)  # the next day's
    await cash_charge(billing, site_id="qjc")
    uow = FakeBillingUnitOfWork(billing.store, billing.clock)
    served = await households_served(uow, "dmg", date(2026, 11, 23))
    assert [c.charge_id for c in served] == [first.charge_id, second.charge_id]


# -- storage -------------------------------------------------------------------------------------


def test_a_receipt_and_a_paid_charge_survive_the_store_with_amounts_in_fen() -> None:
    receipts = MongoReceipts.__new__(MongoReceipts)
    receipt = Receipt.issue(
        site_id="dmg", number=123, charge_id=uuid.uuid4(), charge_no="CH-DMG-20261123-0001",
        service_record_no="SV-DMG-20261123-0001", amount=Decimal("154.50"), payer_name="王芳",
        building="3", room="1202", issued_to="dmg-t01", issued_by="财务-刘", now=NOW,
    )  # fmt: skip
    receipt.void("写错", "财务-刘", NOW)
    document = receipts.to_document(receipt)
    assert document["amount_fen"] == 15450 and document["receipt_no"] == "DMG-000123"
    assert document["out_since"] is None  # void: no longer out
    back = receipts.from_document({"_id": receipt.receipt_id, **document})
    assert back == receipt

    charges = MongoCharges.__new__(MongoCharges)
    completed = builders.work_order_completed(items=[("RP-TAP", 1)])
    charge = Charge(
        charge_id=uuid.uuid4(), charge_no="CH-DMG-20261123-0001",
        work_order_id=completed.payload.work_order_id, work_order_no="WO-1",
        request_id=completed.payload.request_id, request_no="SR-1", site_id="dmg",
        payer=Payer("王芳", "+8613800000001", None, "3", "1202"), delivered=(), payment_method=Method.CASH, created_at=NOW,
        status=ChargeStatus.PAID, technician_id="dmg-t01",
        payment=Payment(Method.ALIPAY, Decimal("80.05"), "2026112322001", NOW, NOW, "财务-刘"),
    )  # fmt: skip
    stored = charges.to_document(charge)
    assert stored["payment"]["amount_fen"] == 8005
    assert charges.from_document({"_id": str(charge.charge_id), **stored}) == charge
