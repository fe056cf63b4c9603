"""Bank collection's use cases: mandates, the site's collecting account, gathering a batch of
service charges and management fee bills and sending it (FEE-02, BIL-05).

Gathering claims each charge for the batch and stores its debit, one charge at a time: a crash
part way leaves the batch ``gathering``, and asking for it again (the same site and collection
day) claims the rest and finishes it; a charge is never in two batches.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import BinaryIO, Protocol

from hotline_libs.aggregate import Clock
from hotline_libs.errors import Conflict, NotFound, RuleViolation

from billing.adapters.bank_files.collection_file import (
    Account,
    BankFileError,
    CollectionFile,
    Creditor,
    Debit,
)
from billing.adapters.bank_files.pain008 import astream_pain008
from billing.domain.charge import Charge, Payment, PaymentMethod, Rejection
from billing.domain.collection import (
    ZERO,
    CollectionBatch,
    CollectionDebit,
    DebitStatus,
    SiteCreditor,
    batch_id,
    debit_id,
)
from billing.domain.commands import (
    GatherBatch,
    ImportBankAnswer,
    MarkBatchSent,
    RecordMandate,
    RecordSiteCreditor,
    RevokeMandate,
)
from billing.domain.fee_bill import FeeBill
from billing.domain.mandate import Mandate, normal_account
from billing.service_layer.unit_of_work import (
    BillingUnitOfWork,
    CreditorRepository,
    DebitRepository,
)
from billing.service_layer.visibility import must_see

WITHOUT_MANDATE_SHOWN = 200
"""How many charges without a mandate a batch names (the count is what matters past that)."""


async def record_mandate(command: RecordMandate, uow: BillingUnitOfWork) -> Mandate:
    """Record a signed mandate; the same one again changes nothing, a different one under the
    same id is refused (a mandate is revoked and a new one signed, never edited)."""
    must_see(command.site_id, command.visible_sites)
    mandate = Mandate.signed(
        mandate_id=command.mandate_id,
        site_id=command.site_id,
        building=command.building,
        room=command.room,
        holder=command.holder,
        account=command.account,
        bank=command.bank,
        signed_on=command.signed_on,
        by=command.recorded_by,
        now=uow.clock(),
    )
    existing = await uow.mandates.get(command.mandate_id)
    if existing is not None:
        if _details(existing) != _details(mandate):
            raise Conflict(
                f"mandate {command.mandate_id} is recorded with other details: revoke it and "
                "record the new one under its own id"
            )
        return existing
    uow.mandates.add(mandate)
    await uow.commit()
    return mandate


def _details(m: Mandate) -> tuple[object, ...]:
    return (m.site_id, m.building, m.room, m.holder, m.account, m.bank, m.signed_on)


async def revoke_mandate(command: RevokeMandate, uow: BillingUnitOfWork) -> Mandate:
    mandate = await uow.mandates.get(command.mandate_id)
    if mandate is None:
        raise NotFound(f"no mandate {command.mandate_id}")
    must_see(mandate.site_id, command.visible_sites, f"no mandate {command.mandate_id}")
    mandate.revoke(command.revoked_on, command.reason, uow.clock())
    await uow.commit()
    return mandate


async def record_site_creditor(command: RecordSiteCreditor, uow: BillingUnitOfWork) -> SiteCreditor:
    creditor = SiteCreditor(
        site_id=command.site_id,
        name=command.name,
        account=normal_account(command.account),
        bank=command.bank,
        scheme_id=command.scheme_id,
        recorded_at=uow.clock(),
        recorded_by=command.recorded_by,
    )
    creditor.check()
    stored = await uow.creditors.get(command.site_id)
    if stored is None:
        uow.creditors.add(creditor)
    else:
        stored.name, stored.account, stored.bank = creditor.name, creditor.account, creditor.bank
        stored.scheme_id = creditor.scheme_id
        stored.recorded_at, stored.recorded_by = creditor.recorded_at, creditor.recorded_by
        creditor = stored
    await uow.commit()
    return creditor


@dataclass(frozen=True)
class _Owed:
    """A service's charge or a month's fee bill, as a batch gathers it: the unit whose mandate
    pays it, its number on the bank's statement, and how to claim it for the batch."""

    owed_id: uuid.UUID
    number: str
    building: str
    room: str
    note: str | None
    """What the payer's statement adds: the service record, or the fee's month."""
    collecting_in: str | None
    claim: Callable[[], Decimal]
    for_fee_bill: bool


async def gather_batch(command: GatherBatch, uow: BillingUnitOfWork) -> CollectionBatch:
    """The site's batch for the collection day: opened, its debits claimed, counted."""
    if await uow.creditors.get(command.site_id) is None:
        raise RuleViolation(
            f"site {command.site_id!r} has no collecting account: record it first "
            "(PUT /site-creditors/{site_id})"
        )
    batch = await uow.batches.get(batch_id(command.site_id, command.collection_date))
    if batch is None:
        calendar = await uow.calendars.for_site(command.site_id)
        tomorrow = calendar.local_day(uow.clock()) + timedelta(days=1)
        batch = CollectionBatch.open(
            command.site_id, command.collection_date, command.requested_by, uow.clock(), tomorrow
        )
        uow.batches.add(batch)
        await uow.commit()
    if batch.status.value != "gathering":
        return batch
    mandates = {(m.building, m.room): m for m in await uow.mandates.active_at(batch.site_id)}
    charges = await uow.charges.collectable_at(batch.site_id, batch.batch_id)
    bills = await uow.fee_bills.collectable_at(batch.site_id, batch.batch_id)
    owed = [
        _Owed(
            c.charge_id,
            c.charge_no,
            c.payer.building,
            c.payer.room,
            c.service_record_no,
            c.collecting_in,
            partial(c.claim, batch.batch_id),
            for_fee_bill=False,
        )
        for c in charges
    ] + [
        _Owed(
            b.bill_id,
            b.bill_no,
            b.building,
            b.room,
            f"物业管理费 {b.month:%Y-%m}",
            b.collecting_in,
            partial(b.claim, batch.batch_id, batch.collection_date),
            for_fee_bill=True,
        )
        for b in bills
    ]
    without: list[str] = []
    for item in owed:
        mandate = mandates.get((item.building, item.room))
        if mandate is None:
            without.append(item.number)
            continue
        if item.collecting_in is None and await uow.receipts.live_for(item.owed_id):
            continue  # a receipt is out to collect it in cash
        amount = item.claim()
        if await uow.debits.get(debit_id(batch.batch_id, item.owed_id)) is None:
            uow.debits.add(
                CollectionDebit(
                    batch_id=batch.batch_id,
                    site_id=batch.site_id,
                    charge_id=item.owed_id,
                    end_to_end_id=item.number,
                    amount=amount,
                    mandate_id=mandate.mandate_id,
                    mandate_signed_on=mandate.signed_on,
                    holder=mandate.holder,
                    account=mandate.account,
                    bank=mandate.bank,
                    remittance=_remittance(item.building, item.room, item.number, item.note),
                    for_fee_bill=item.for_fee_bill,
                )
            )
        await uow.commit()
    count, total = await uow.debits.totals(batch.batch_id)
    batch.gathered(count, total, tuple(without[:WITHOUT_MANDATE_SHOWN]))
    await uow.commit()
    return batch


def _remittance(building: str, room: str, number: str, note: str | None) -> str:
    """What the payer's bank statement shows: the unit, the charge or bill, and the service
    record (BIL-09) or the fee's month."""
    return " ".join(part for part in (f"{building}-{room}", number, note) if part)[:140]


async def _visible_batch(
    uow: BillingUnitOfWork, batch_id: str, sites: frozenset[str] | None
) -> CollectionBatch:
    batch = await uow.batches.get(batch_id)
    if batch is None or (sites is not None and batch.site_id not in sites):
        raise NotFound(f"no collection batch {batch_id}")
    return batch


async def mark_batch_sent(command: MarkBatchSent, uow: BillingUnitOfWork) -> CollectionBatch:
    batch = await _visible_batch(uow, command.batch_id, command.visible_sites)
    batch.sent(uow.clock())
    await uow.commit()
    return batch


class BatchFileReader(Protocol):
    """What writing a batch's file reads (a unit of work that is never committed)."""

    @property
    def creditors(self) -> CreditorRepository: ...
    @property
    def debits(self) -> DebitRepository: ...
    @property
    def clock(self) -> Clock: ...


BatchFileWriter = Callable[[BinaryIO, CollectionFile, AsyncIterable[Debit]], Awaitable[None]]
"""A bank file's writer: the pain.008's, or a domestic bank's with its spec."""


async def write_batch_file(
    uow: BatchFileReader,
    batch: CollectionBatch,
    out: BinaryIO,
    write: BatchFileWriter = astream_pain008,
) -> None:
    """The batch as a bank file (pain.008 unless told otherwise), streamed from its stored
    debits."""
    creditor = await uow.creditors.get(batch.site_id)
    if creditor is None:
        raise RuleViolation(f"site {batch.site_id!r} has no collecting account")
    if batch.status.value == "gathering":
        raise Conflict(f"batch {batch.batch_id} is still gathering: ask for it again to finish")
    if batch.number_of_debits == 0:
        raise Conflict(f"batch {batch.batch_id} holds no debits: there is no file to send")
    header = CollectionFile(
        message_id=batch.batch_id,
        created_at=uow.clock(),
        collection_date=batch.collection_date,
        creditor=Creditor(
            creditor.name, Account(creditor.account, creditor.bank), creditor.scheme_id
        ),
        number_of_debits=batch.number_of_debits,
        control_sum=batch.control_sum,
    )

    async def debits() -> AsyncIterator[Debit]:
        async for d in uow.debits.in_batch(batch.batch_id):
            yield Debit(
                end_to_end_id=d.end_to_end_id,
                amount=d.amount,
                mandate_id=d.mandate_id,
                mandate_signed_on=d.mandate_signed_on,
                debtor_name=d.holder,
                debtor_account=Account(d.account, d.bank),
                remittance=d.remittance,
            )

    try:
        await write(out, header, debits())
    except BankFileError as unwritable:
        raise RuleViolation(f"batch {batch.batch_id} cannot be written: {unwritable}") from None


async def _owed(uow: BillingUnitOfWork, debit: CollectionDebit) -> Charge | FeeBill:
    """What the debit collects: a service's charge or a month's fee bill."""
    owed = await (uow.fee_bills if debit.for_fee_bill else uow.charges).get(debit.charge_id)
    assert owed is not None, f"debit {debit.end_to_end_id} collects nothing stored"
    return owed


@dataclass(frozen=True)
class AnswerApplied:
    """What importing a bank file did."""

    batch: CollectionBatch
    settled: int
    rejected: int
    unchanged: int
    """Lines answered already (the same file again, or a later report repeating them)."""
    already_imported: bool


async def import_bank_answer(command: ImportBankAnswer, uow: BillingUnitOfWork) -> AnswerApplied:
    """Settle and reject the batch's debits as the bank's file says, all lines or none.

    Every line is checked first (a debit of this batch, named once, at its amount, not answered
    otherwise before); any problem refuses the file with each line's fault and changes nothing.
    Then each debit and its charge are written, one by one: the same file imported again (after
    a crash part way, say) finishes the job and counts nothing twice.
    """
    batch = await _visible_batch(uow, command.batch_id, command.visible_sites)
    answer = command.answer
    if answer.digest in batch.imported:
        return AnswerApplied(batch, 0, 0, len(answer.lines), already_imported=True)
    batch.must_await_answers()
    if answer.original_message_id not in (None, batch.batch_id):
        raise RuleViolation(
            f"the file answers collection file {answer.original_message_id}, not batch "
            f"{batch.batch_id}"
        )
    debits = {
        d.end_to_end_id: d
        for d in await uow.debits.answered_by(
            batch.batch_id, [line.end_to_end_id for line in answer.lines]
        )
    }
    errors: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line in answer.lines:
        where = f"{answer.positions} {line.position}"
        debit = debits.get(line.end_to_end_id)
        if line.end_to_end_id in seen:
            errors.append((where, f"{line.end_to_end_id} is answered twice in the file"))
        seen.add(line.end_to_end_id)
        if debit is None:
            errors.append((where, f"{line.end_to_end_id} is not a debit of batch {batch.batch_id}"))
            continue
        if line.amount is not None and line.amount != debit.amount:
            errors.append(
                (
                    where,
                    f"{line.end_to_end_id} was {debit.amount:.2f}; the bank says {line.amount:.2f}",
                )
            )
        done = {DebitStatus.SETTLED: True, DebitStatus.REJECTED: False}.get(debit.status)
        if done is not None and done != line.settled:
            errors.append(
                (where, f"{line.end_to_end_id} was {debit.status.value} by an earlier answer")
            )
    if errors:
        raise RuleViolation(
            f"the bank file has {len(errors)} line(s) billing cannot apply; nothing was applied",
            errors=errors,
        )
    now = uow.clock()
    settled = rejected = unchanged = 0
    for line in answer.lines:
        debit = debits[line.end_to_end_id]
        owed = await _owed(uow, debit)
        if line.settled:
            changed = debit.settle(now, answer.digest)
            owed.collected(
                batch.batch_id,
                Payment(
                    method=PaymentMethod.BANK_COLLECTION,
                    amount=debit.amount,
                    reference=f"{batch.batch_id}/{debit.end_to_end_id}",
                    paid_at=now,
                    booked_at=now,
                    booked_by=command.imported_by,
                ),
            )
            settled += changed
        else:
            assert line.reason_code is not None
            changed = debit.reject(line.reason_code, line.reason, now, answer.digest)
            owed.collection_rejected(
                batch.batch_id, Rejection(batch.batch_id, line.reason_code, line.reason, now)
            )
            rejected += changed
        unchanged += not changed
        await uow.commit()
    counts = {DebitStatus.SETTLED: (0, ZERO), DebitStatus.REJECTED: (0, ZERO)}
    async for debit in uow.debits.in_batch(batch.batch_id):
        if debit.status in counts:
            n, total = counts[debit.status]
            counts[debit.status] = (n + 1, total + debit.amount)
    batch.answered(answer.digest, counts[DebitStatus.SETTLED], counts[DebitStatus.REJECTED])
    await uow.commit()
    return AnswerApplied(batch, settled, rejected, unchanged, already_imported=False)
