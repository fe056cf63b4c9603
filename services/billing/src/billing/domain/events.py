"""What happens to a charge, as billing records it (domain events)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class ChargeRaised:
    """The charge is priced and owed (收费)."""

    raised_at: datetime


@dataclass(frozen=True)
class ChargeNeedsPricing:
    """The charge cannot be priced as it stands: it waits for finance, with the reasons."""

    problems: tuple[str, ...]


@dataclass(frozen=True)
class PriceListRecorded:
    """The site's price list was first stored or changed; the whole list is published (BIL-01)."""

    recorded_at: datetime


@dataclass(frozen=True)
class ChargePaid:
    """The charge is paid in full and booked (登记作帐, BIL-13)."""

    paid_at: datetime


@dataclass(frozen=True)
class ReceiptIssued:
    """Finance issued a numbered receipt to the technician who collects the cash (BIL-11)."""

    issued_at: datetime


@dataclass(frozen=True)
class ReceiptBooked:
    """The cash and the service record were handed in and booked (BIL-12, BIL-13)."""

    booked_at: datetime


@dataclass(frozen=True)
class ReceiptVoided:
    """The receipt is void; it keeps its number, so the book has no gap."""

    voided_at: datetime
    reason: str


@dataclass(frozen=True)
class MandateRecorded:
    """A resident's direct-debit mandate was recorded (委托收款协议)."""

    recorded_at: datetime


@dataclass(frozen=True)
class MandateRevoked:
    revoked_at: datetime


@dataclass(frozen=True)
class BatchGathered:
    debits: int


@dataclass(frozen=True)
class BatchSent:
    sent_at: datetime


@dataclass(frozen=True)
class BatchAnswered:
    digest: str


@dataclass(frozen=True)
class DebitSettled:
    settled_at: datetime


@dataclass(frozen=True)
class DebitRejected:
    rejected_at: datetime
    code: str


@dataclass(frozen=True)
class CollectionRejected:
    """The bank refused to debit the charge: it is owed again and the payer is reminded."""

    rejected_at: datetime
    code: str
    reason: str | None
    batch_id: str


@dataclass(frozen=True)
class FeeContractRecorded:
    """A unit's fee contract was recorded: its rate and its start (FEE-06)."""

    recorded_at: datetime


@dataclass(frozen=True)
class FeeContractMovedOut:
    """The move-out confirmation fixed the fee cut-off date (FEE-12)."""

    confirmed_at: datetime
    fee_cut_off: date


@dataclass(frozen=True)
class DepositHeld:
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class DepositReleased:
    kind: str
    refunded: Decimal


@dataclass(frozen=True)
class FeeBillIssued:
    """The month's management fee bill is owed (FEE-01)."""

    issued_at: datetime


@dataclass(frozen=True)
class FeeBillPaid:
    paid_at: datetime


@dataclass(frozen=True)
class FeeReminderAsked:
    """A reminder to pay is to be sent (催缴, FEE-14); it counts once notification sent it."""

    reminder_id: uuid.UUID


@dataclass(frozen=True)
class FeeBillFlagged:
    """Three reminders sent and still unpaid: the site acts (FEE-04)."""

    flagged_at: datetime
    reminders_sent: int


@dataclass(frozen=True)
class RecordsHandedOver:
    """A day's service records went to the service centre or the administrator (BIL-06)."""

    day: date


@dataclass(frozen=True)
class RecordsSummarised:
    at: datetime


@dataclass(frozen=True)
class RecordsSummaryOverdue:
    """The 5th came before the month's records were summarised (BIL-07)."""

    at: datetime


@dataclass(frozen=True)
class FinancialReportIssued:
    at: datetime


@dataclass(frozen=True)
class FinancialReportReviewed:
    at: datetime
    approved: bool


@dataclass(frozen=True)
class StatementPrepared:
    at: datetime


@dataclass(frozen=True)
class StatementSubmitted:
    at: datetime


@dataclass(frozen=True)
class StatementReturned:
    at: datetime


@dataclass(frozen=True)
class StatementPublished:
    """Approved by the manager: the residents are sent it (FEE-07)."""

    at: datetime
