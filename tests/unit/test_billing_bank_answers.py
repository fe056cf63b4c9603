"""The bank's answer to a collection batch (pain.002 or camt.054): settled debits pay their
charges, rejected ones are owed again with the bank's reason, the batch reconciles to zero
difference; the same file twice changes nothing; a file with a line that cannot apply is refused
whole, each line named; a hostile file is refused before anything is read (FEE-02, FEE-04)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from billing.adapters.bank_files.returns import MAX_BYTES, AnswerRefused, Outcome, read_answer
from billing.domain import events
from billing.domain.charge import Charge, ChargeStatus
from billing.domain.charge import PaymentMethod as Method
from billing.domain.collection import BatchStatus, CollectionBatch, DebitStatus
from billing.domain.commands import (
    AnsweredDebit,
    BankAnswerLines,
    ImportBankAnswer,
    MarkBatchSent,
)
from contracts.billing.v1 import ChargeCollectionRejected, ChargePaid
from hotline_libs.errors import Conflict, RuleViolation

from tests.bank_answers import Answered, camt054, pain002
from tests.unit.billing_harness import Billing
from tests.unit.test_billing_collection import ready


def lines_of(data: bytes) -> BankAnswerLines:
    answer = read_answer(data)
    return BankAnswerLines(
        answer.kind,
        answer.digest,
        answer.original_message_id,
        tuple(
            AnsweredDebit(
                line.position,
                line.end_to_end_id,
                line.outcome is Outcome.SETTLED,
                line.amount,
                line.reason_code,
                line.reason,
            )
            for line in answer.lines
        ),
    )


async def sent(billing: Billing) -> tuple[list[Charge], CollectionBatch]:
    charges, batch = await ready(billing)  # 80.00 (room 1201) and 150.00 (room 1202)
    await billing.handle(MarkBatchSent(batch.batch_id, None))
    return charges, batch


def answers(charges: list[Charge]) -> list[Answered]:
    return [
        Answered(charges[0].charge_no, "80.00"),
        Answered(charges[1].charge_no, "150.00", rejected_with="AM04", words="余额不足"),
    ]


def imported(batch: CollectionBatch, data: bytes) -> ImportBankAnswer:
    return ImportBankAnswer(batch.batch_id, lines_of(data), "财务-刘", None)


@pytest.mark.parametrize("kind", ["pain.002", "camt.054"])
async def test_fee02_the_banks_answer_settles_and_rejects_and_the_batch_reconciles(
    kind: str,
) -> None:
    billing = Billing()
    charges, batch = await sent(billing)
    data = (
        pain002(batch.batch_id, answers(charges))
        if kind == "pain.002"
        else camt054(answers(charges))
    )
    applied = await billing.handle(imported(batch, data))
    assert (applied.settled, applied.rejected, applied.unchanged) == (1, 1, 0)
    done = applied.batch
    assert done.status is BatchStatus.RECONCILED
    assert (done.settled, done.settled_sum) == (1, Decimal("80.00"))
    assert (done.rejected, done.rejected_sum) == (1, Decimal("150.00"))
    assert done.difference == Decimal("0.00") and done.open_debits == 0

    paid = billing.stored(charges[0].charge_id)
    assert paid.status is ChargeStatus.PAID and paid.collecting_in is None
    assert paid.payment is not None and paid.payment.method is Method.BANK_COLLECTION
    assert paid.payment.reference == f"{batch.batch_id}/{charges[0].charge_no}"
    [told] = billing.store.published_of(ChargePaid)
    assert told.payload.charge_id == charges[0].charge_id

    owed = billing.stored(charges[1].charge_id)
    assert owed.status is ChargeStatus.RAISED and owed.collecting_in is None  # due again
    [rejection] = owed.rejections
    assert (rejection.code, rejection.reason, rejection.batch_id) == (
        "AM04",
        "余额不足",
        batch.batch_id,
    )
    assert any(isinstance(e, events.CollectionRejected) for e in billing.store.events)
    [reminder] = billing.store.published_of(ChargeCollectionRejected)  # the payer is told
    assert reminder.payload.charge_no == charges[1].charge_no
    assert (reminder.payload.reason_code, reminder.payload.rejections) == ("AM04", 1)
    assert reminder.payload.amount == Decimal("150.00")
    debits = {d.end_to_end_id: d for d in billing.store.saved("collection_debits").values()}
    assert debits[charges[1].charge_no].status is DebitStatus.REJECTED

    # the same file again: recognised, nothing changes
    commits = billing.store.commits
    again = await billing.handle(imported(batch, data))
    assert again.already_imported and billing.store.commits == commits
    assert len(billing.store.published_of(ChargePaid)) == 1


async def test_a_file_with_a_line_that_cannot_apply_is_refused_whole_naming_each_line() -> None:
    billing = Billing()
    charges, batch = await sent(billing)
    data = pain002(
        batch.batch_id,
        [
            Answered(charges[0].charge_no, "80.00"),
            Answered("CH-DMG-20261123-9999", "10.00"),
            Answered(charges[1].charge_no, "105.00"),
            Answered(charges[0].charge_no, "80.00"),
        ],
    )
    with pytest.raises(RuleViolation, match="nothing was applied") as refused:
        await billing.handle(imported(batch, data))
    assert refused.value.errors == (
        ("transaction 2", f"CH-DMG-20261123-9999 is not a debit of batch {batch.batch_id}"),
        ("transaction 3", f"{charges[1].charge_no} was 150.00; the bank says 105.00"),
        ("transaction 4", f"{charges[0].charge_no} is answered twice in the file"),
    )
    debits = billing.store.saved("collection_debits").values()
    assert {d.status for d in debits} == {DebitStatus.PENDING}
    assert billing.stored(charges[0].charge_id).status is ChargeStatus.RAISED


async def test_a_later_answer_cannot_contradict_an_earlier_one() -> None:
    billing = Billing()
    charges, batch = await sent(billing)
    await billing.handle(imported(batch, pain002(batch.batch_id, answers(charges)[:1])))
    contradicting = pain002(
        batch.batch_id, [Answered(charges[0].charge_no, "80.00", rejected_with="AC04")], "STS-2"
    )
    with pytest.raises(RuleViolation) as refused:
        await billing.handle(imported(batch, contradicting))
    assert refused.value.errors == (
        ("transaction 1", f"{charges[0].charge_no} was settled by an earlier answer"),
    )
    # a later report repeating the first line and answering the second applies the second only
    rest = await billing.handle(imported(batch, pain002(batch.batch_id, answers(charges), "STS-3")))
    assert (rest.settled, rest.rejected, rest.unchanged) == (0, 1, 1)
    assert rest.batch.status is BatchStatus.RECONCILED


async def test_an_answer_to_another_file_or_a_batch_not_sent_is_refused() -> None:
    billing = Billing()
    charges, batch = await ready(billing)
    with pytest.raises(Conflict, match="mark it sent first"):
        await billing.handle(imported(batch, pain002(batch.batch_id, answers(charges))))
    await billing.handle(MarkBatchSent(batch.batch_id, None))
    with pytest.raises(RuleViolation, match="answers collection file COL-DMG-20261126"):
        await billing.handle(imported(batch, pain002("COL-DMG-20261126", answers(charges))))


async def test_importing_again_after_a_crash_part_way_finishes_and_counts_once() -> None:
    """The first line was written, then the service stopped before the batch was: the same file
    again settles the rest and the batch counts each debit once."""
    billing = Billing()
    charges, batch = await sent(billing)
    data = pain002(batch.batch_id, answers(charges))
    first_only = lines_of(data)
    partial = BankAnswerLines(
        first_only.kind, "another-digest", first_only.original_message_id, first_only.lines[:1]
    )
    await billing.handle(ImportBankAnswer(batch.batch_id, partial, "财务", None))
    stored = billing.store.saved("collection_batches")[batch.batch_id]
    stored.imported = ()  # as if the batch's own write had not happened
    applied = await billing.handle(imported(batch, data))
    assert (applied.settled, applied.rejected, applied.unchanged) == (0, 1, 1)
    assert (applied.batch.settled, applied.batch.rejected) == (1, 1)
    assert applied.batch.difference == Decimal("0.00")
    assert len(billing.store.published_of(ChargePaid)) == 1


EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>&secret;</MsgId></GrpHdr></CstmrPmtStsRpt></Document>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">&lol3;</Document>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (EXTERNAL_ENTITY, "declares a DTD"),
        (BILLION_LAUGHS, "declares a DTD"),
        (b"<Document/>" + b" " * MAX_BYTES, "more than"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn/>'
            b"</Document>",
            "not an ISO 20022 pain.002",
        ),
        (b"ACSC,CH-DMG-1,80.00", "not well-formed"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>'
            b"<OrgnlPmtInfAndSts><TxInfAndSts><OrgnlEndToEndId>CH-1</OrgnlEndToEndId>"
            b"<TxSts>RJCT</TxSts></TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>",
            "rejected without a reason code",
        ),
    ],
    ids=["external entity", "billion laughs", "oversized", "wrong namespace", "not xml", "no code"],
)
def test_a_hostile_or_unreadable_bank_file_is_refused_with_a_clear_error(
    data: bytes, message: str
) -> None:
    with pytest.raises(AnswerRefused, match=message):
        read_answer(data)
