"""Bank collection (银行托收): the site's collecting account, and a batch of debits sent to the
bank in one file (FEE-02, BIL-05).

A batch gathers the site's charges owed by bank collection and its unpaid management fee bills
(with their late fee on the collection day) whose unit has an active mandate, one debit each; a charge is claimed by one batch at a time, so nothing is collected twice. The
batch's count and control sum are those of the debits stored for it, which the file states in its
header and the writer checks at the end. Each debit is settled or rejected by the bank's answer;
the batch is reconciled when none is left open.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

from billing.domain import events
from billing.domain.mandate import check_account

ZERO = Decimal("0.00")


@dataclass
class SiteCreditor(Aggregate):
    """The account a site's company collects into, as its bank registered it."""

    site_id: str
    name: str
    account: str
    bank: str
    scheme_id: str | None
    recorded_at: datetime
    recorded_by: str

    def check(self) -> None:
        check_account(self.account, self.bank)


def batch_id(site_id: str, collection_date: date) -> str:
    """One batch per site and collection day: asking again resumes or returns it."""
    return f"COL-{site_id.upper()}-{collection_date:%Y%m%d}"


def debit_id(batch_id: str, charge_id: object) -> str:
    """A debit's identity: its batch and its charge, so a charge is debited once per batch."""
    return f"{batch_id}/{charge_id}"


class BatchStatus(enum.StrEnum):
    GATHERING = "gathering"
    """Charges are being claimed; asking for the batch again finishes the job."""
    READY = "ready"
    """Gathered: the file can be downloaded and checked."""
    SENT = "sent"
    """Finance sent the file to the bank; its answer is awaited."""
    RECONCILED = "reconciled"
    """Every debit settled or rejected."""


class DebitStatus(enum.StrEnum):
    PENDING = "pending"
    SETTLED = "settled"
    REJECTED = "rejected"


@dataclass
class CollectionDebit(Aggregate):
    """One charge collected in a batch, on its unit's mandate."""

    batch_id: str
    site_id: str
    charge_id: uuid.UUID
    end_to_end_id: str
    """The charge's number: what the bank's answer quotes back."""
    amount: Decimal
    mandate_id: str
    mandate_signed_on: date
    holder: str
    account: str
    bank: str
    remittance: str
    status: DebitStatus = DebitStatus.PENDING
    reason_code: str | None = None
    reason: str | None = None
    answered_at: datetime | None = None
    answered_in: str | None = None
    """The bank file (its digest) that settled or rejected it."""
    for_fee_bill: bool = False
    """It collects a management fee bill (``charge_id`` is the bill's), not a service's charge."""

    def settle(self, at: datetime, file_digest: str) -> bool:
        """The bank collected it; True when this changed anything (a re-import changes
        nothing)."""
        if self.status is DebitStatus.SETTLED:
            return False
        if self.status is DebitStatus.REJECTED:
            raise Conflict(f"debit {self.end_to_end_id} was rejected ({self.reason_code}) already")
        self.status, self.answered_at, self.answered_in = DebitStatus.SETTLED, at, file_digest
        self.record(events.DebitSettled(at))
        return True

    def reject(self, code: str, reason: str | None, at: datetime, file_digest: str) -> bool:
        if self.status is DebitStatus.REJECTED:
            return False
        if self.status is DebitStatus.SETTLED:
            raise Conflict(f"debit {self.end_to_end_id} was settled already")
        self.status, self.reason_code, self.reason = DebitStatus.REJECTED, code, reason
        self.answered_at, self.answered_in = at, file_digest
        self.record(events.DebitRejected(at, code))
        return True


@dataclass
class CollectionBatch(Aggregate):
    batch_id: str
    site_id: str
    collection_date: date
    created_at: datetime
    created_by: str
    status: BatchStatus = BatchStatus.GATHERING
    number_of_debits: int = 0
    control_sum: Decimal = ZERO
    without_mandate: tuple[str, ...] = ()
    """Charges owed by bank collection whose unit has no active mandate: not in the batch."""
    sent_at: datetime | None = None
    settled: int = 0
    settled_sum: Decimal = ZERO
    rejected: int = 0
    rejected_sum: Decimal = ZERO
    imported: tuple[str, ...] = field(default_factory=tuple)
    """Digests of the bank files applied to it: the same file twice changes nothing."""

    @classmethod
    def open(
        cls, site_id: str, collection_date: date, by: str, now: datetime, earliest: date
    ) -> CollectionBatch:
        if collection_date < earliest:
            raise RuleViolation(
                f"collection_date must be on or after {earliest.isoformat()}: the bank needs "
                "the file before the day it debits",
                field="collection_date",
            )
        return cls(batch_id(site_id, collection_date), site_id, collection_date, now, by)

    def gathered(self, count: int, total: Decimal, without_mandate: tuple[str, ...]) -> None:
        if self.status is not BatchStatus.GATHERING:
            return
        self.number_of_debits, self.control_sum = count, total
        self.without_mandate = without_mandate
        self.status = BatchStatus.READY
        self.record(events.BatchGathered(count))

    def sent(self, now: datetime) -> None:
        if self.status is BatchStatus.SENT:
            return
        if self.status is not BatchStatus.READY:
            raise Conflict(
                f"batch {self.batch_id} is {self.status.value}: only a ready batch is sent"
            )
        if self.number_of_debits == 0:
            raise Conflict(f"batch {self.batch_id} holds no debits: there is nothing to send")
        self.status, self.sent_at = BatchStatus.SENT, now
        self.record(events.BatchSent(now))

    def answered(
        self,
        digest: str,
        settled: tuple[int, Decimal],
        rejected: tuple[int, Decimal],
    ) -> None:
        """A bank file was applied: the batch's debits now stand settled and rejected as
        counted; the file is remembered, so the same file again changes nothing."""
        if digest in self.imported:
            return
        self.must_await_answers()
        self.imported = (*self.imported, digest)
        (self.settled, self.settled_sum), (self.rejected, self.rejected_sum) = settled, rejected
        if self.open_debits == 0:
            self.status = BatchStatus.RECONCILED
        self.record(events.BatchAnswered(digest))

    def must_await_answers(self) -> None:
        if self.status not in (BatchStatus.SENT, BatchStatus.RECONCILED):
            raise Conflict(
                f"batch {self.batch_id} is {self.status.value}: the bank answers a batch sent to "
                "it (mark it sent first)"
            )

    @property
    def open_debits(self) -> int:
        return self.number_of_debits - self.settled - self.rejected

    @property
    def difference(self) -> Decimal:
        """What the batch asked for less what the bank settled and rejected: zero when
        reconciled."""
        return self.control_sum - self.settled_sum - self.rejected_sum
