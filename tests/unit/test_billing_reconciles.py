"""Amounts always reconcile (issue #11's quality bar): whatever finance and the bank do, in any
order, every yuan charged is either collected (cash on a booked receipt, a payment by reference,
a settled debit) or still owed, never both and never lost; a site's receipt book has no gap; a
batch's settled and rejected sums plus what is open equal what it asked for.

Hypothesis draws the charges and a sequence of steps (issue, book or void a receipt, pay by
reference, gather and send a batch, the bank settling or rejecting its debits) and runs them
through the real handlers on the memory store; refused steps (a Conflict or a RuleViolation,
as a user would see) change nothing and are part of the game.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from billing.domain.charge import ChargeStatus
from billing.domain.charge import PaymentMethod as Method
from billing.domain.collection import DebitStatus
from billing.domain.commands import (
    AnsweredDebit,
    BankAnswerLines,
    BookCash,
    GatherBatch,
    ImportBankAnswer,
    IssueReceipt,
    MarkBatchSent,
    RecordMandate,
    RecordPayment,
    RecordSiteCreditor,
    VoidReceipt,
)
from billing.domain.receipt import ReceiptStatus
from contracts.envelope import PaymentMethod
from hotline_libs.errors import Conflict, RuleViolation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.unit.billing_harness import Billing, completion, used

ITEMS = ("RP-TAP", "RP-DRAIN", "RP-LOCK", "HK-SOFA", "RP-SOCKET")
Step = tuple[str, int, int]


async def play(charges_drawn: list[tuple[int, bool, int]], steps: list[Step]) -> Billing:
    billing = Billing()
    await billing.handle(
        RecordSiteCreditor("dmg", "公司", "61050110123456789012", "105791000012", None, "财务")
    )
    charges = []
    for n, (item, by_bank, quantity) in enumerate(charges_drawn):
        method = PaymentMethod.BANK_COLLECTION if by_bank else PaymentMethod.CASH
        event = completion(used(ITEMS[item], quantity), payment_method=method)
        resident = event.payload.resident.model_copy(update={"room": f"R{n}"})
        event = event.model_copy(
            update={"payload": event.payload.model_copy(update={"resident": resident})}
        )
        charge = await billing.completed(event)
        assert charge is not None
        charges.append(charge)
        if by_bank and n % 3 != 2:  # a third of the bank payers signed no mandate
            await billing.handle(
                RecordMandate(
                    f"MD-{n}",
                    "dmg",
                    "3",
                    f"R{n}",
                    "王芳",
                    "6222020200112233445",
                    "102791000123",
                    date(2025, 3, 1),
                    "财务",
                    None,
                )
            )
    day = date(2026, 11, 25)
    for kind, a, b in steps:
        charge = charges[a % len(charges)]
        try:
            match kind:
                case "issue":
                    await billing.handle(IssueReceipt(charge.charge_id, None, "财务", None))
                case "book" | "void":
                    out = [
                        r
                        for r in billing.store.saved("receipts").values()
                        if r.status is ReceiptStatus.ISSUED
                    ]
                    if out:
                        receipt = out[b % len(out)]
                        if kind == "book":
                            cash = receipt.amount if b % 7 else receipt.amount - Decimal("1")
                            await billing.handle(
                                BookCash("dmg", receipt.number, cash, "财务", None)
                            )
                        else:
                            await billing.handle(
                                VoidReceipt("dmg", receipt.number, "写错", "财务", None)
                            )
                case "pay":
                    total = billing.stored(charge.charge_id).total or Decimal("1.00")
                    await billing.handle(
                        RecordPayment(
                            charge.charge_id,
                            Method.ALIPAY,
                            f"ALI-{a}-{b}",
                            total,
                            None,
                            "财务",
                            None,
                        )
                    )
                case "batch":
                    day += timedelta(days=1)
                    batch = await billing.handle(GatherBatch("dmg", day, "财务"))
                    await billing.handle(MarkBatchSent(batch.batch_id, None))
                case "answer":
                    batches = list(billing.store.saved("collection_batches").values())
                    if batches:
                        batch = batches[b % len(batches)]
                        debits = [
                            d
                            for d in billing.store.saved("collection_debits").values()
                            if d.batch_id == batch.batch_id and d.status is DebitStatus.PENDING
                        ]
                        lines = tuple(
                            AnsweredDebit(
                                i + 1,
                                d.end_to_end_id,
                                (i + b) % 3 != 0,
                                d.amount,
                                None if (i + b) % 3 else "AM04",
                                None,
                            )
                            for i, d in enumerate(debits[: 1 + b % 4])
                        )
                        answer = BankAnswerLines("pain.002", f"file-{a}-{b}", None, lines)
                        await billing.handle(ImportBankAnswer(batch.batch_id, answer, "财务", None))
        except (Conflict, RuleViolation):
            pass  # refused as a user would see it; nothing changed
    return billing


STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["issue", "issue", "book", "book", "void", "pay", "batch", "batch", "answer", "answer"]
        ),
        st.integers(0, 50),
        st.integers(0, 50),
    ),
    max_size=60,
)
CHARGES = st.lists(
    st.tuples(st.integers(0, len(ITEMS) - 1), st.booleans(), st.integers(1, 5)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charges=CHARGES, steps=STEPS)
async def test_every_yuan_charged_is_collected_once_or_still_owed(
    charges: list[tuple[int, bool, int]], steps: list[Step]
) -> None:
    billing = await play(charges, steps)
    stored = billing.charges()
    charged = sum((c.total or Decimal(0) for c in stored), Decimal(0))
    paid = [c for c in stored if c.status is ChargeStatus.PAID]
    owed = [c for c in stored if c.status is ChargeStatus.RAISED]
    collected = sum((c.payment.amount for c in paid if c.payment), Decimal(0))
    outstanding = sum((c.total or Decimal(0) for c in owed), Decimal(0))
    assert charged == collected + outstanding
    assert all(c.payment is not None and c.payment.amount == c.total for c in paid)
    assert all(c.payment is None for c in owed)

    # cash: each booked receipt is exactly one paid charge's payment, and the book has no gap
    receipts = billing.store.saved("receipts").values()
    booked = {r.receipt_no: r for r in receipts if r.status is ReceiptStatus.BOOKED}
    cash_paid = {
        c.payment.reference: c for c in paid if c.payment and c.payment.method is Method.CASH
    }
    assert booked.keys() == cash_paid.keys()
    assert all(booked[no].amount == cash_paid[no].total for no in booked)
    numbers = sorted(r.number for r in receipts)
    assert numbers == list(range(1, len(numbers) + 1))
    live = [r for r in receipts if r.status is ReceiptStatus.ISSUED]
    assert len({r.charge_id for r in live}) == len(live)  # one receipt out per charge at most

    # bank: a debit settled is a charge paid by collection; an open debit's charge is held
    debits = list(billing.store.saved("collection_debits").values())
    for status in {d.status for d in debits} | {c.payment.method for c in paid if c.payment}:
        event(f"reached: {status.value}")
    by_charge = {c.charge_id: c for c in stored}
    for debit in debits:
        charge = by_charge[debit.charge_id]
        if debit.status is DebitStatus.SETTLED:
            assert charge.payment is not None
            assert charge.payment.reference == f"{debit.batch_id}/{debit.end_to_end_id}"
        elif debit.status is DebitStatus.PENDING:
            assert charge.collecting_in == debit.batch_id and charge.payment is None
    for batch in billing.store.saved("collection_batches").values():
        mine = [d for d in debits if d.batch_id == batch.batch_id]
        open_sum = sum((d.amount for d in mine if d.status is DebitStatus.PENDING), Decimal(0))
        assert batch.control_sum == sum((d.amount for d in mine), Decimal(0))
        if batch.imported:  # counted when the bank's last answer was applied
            assert batch.settled_sum + batch.rejected_sum + open_sum == batch.control_sum
