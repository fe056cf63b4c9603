"""What billing is asked to do: by dispatch's events and by finance on the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from billing.domain.charge import AgreedPrice, Delivered, Payer, PaymentMethod
from billing.domain.fee_contract import DepositKind, UnitKind
from billing.domain.month_close import Receiver
from billing.domain.price_list import PriceItem
from billing.domain.statement import IncomeLine, SpendingLine


@dataclass(frozen=True)
class ChargeWorkOrder:
    """A signed work order delivered paid items: charge them (one charge per work order)."""

    work_order_id: uuid.UUID
    work_order_no: str
    request_id: uuid.UUID
    request_no: str
    site_id: str
    payer: Payer
    delivered: tuple[Delivered, ...]
    payment_method: PaymentMethod | None
    causation_id: uuid.UUID | None = None
    service_record_no: str | None = None
    """The service and callback record (服务及回访记录表) opened when the fee was agreed."""
    technician_id: str | None = None
    """Who did the work, and collects the cash on the cash route."""
    completed_at: datetime | None = None
    """When the resident signed: the price list version in effect then prices it."""


@dataclass(frozen=True)
class SetPriceListItem:
    """Finance adds or corrects an item of a site's price list, in effect at once (a new
    version); charges waiting for it are priced."""

    site_id: str
    item: PriceItem
    causation_id: uuid.UUID | None = None
    recorded_by: str | None = None


@dataclass(frozen=True)
class SchedulePriceList:
    """A new version of a site's whole price list, in effect from a moment (now or later), on
    the rates' approval (BIL-01, BIL-04)."""

    site_id: str
    items: tuple[PriceItem, ...]
    effective_from: datetime
    approval_ref: str | None
    recorded_by: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PriceListDeadlineReached:
    """A scheduled version's moment came: announce it."""

    site_id: str
    deadline: str
    due_at: datetime
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PriceCharge:
    """Price a waiting charge again from the site's current price list."""

    charge_id: uuid.UUID
    visible_sites: frozenset[str] | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ConfirmAgreedPrices:
    """Finance confirms the amounts agreed with the resident before work, for a waiting charge."""

    charge_id: uuid.UUID
    agreed: tuple[AgreedPrice, ...]
    payment_method: PaymentMethod | None
    note: str | None
    visible_sites: frozenset[str] | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class IssueReceipt:
    """Finance issues the next numbered receipt of the charge's site to the technician who
    collects its cash (BIL-11); the receipt already out for the charge when there is one."""

    charge_id: uuid.UUID
    technician_id: str | None
    """Who collects; by default the technician who did the work."""
    issued_by: str
    visible_sites: frozenset[str] | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class BookCash:
    """The cash and the service record are handed in on a receipt: finance books them at once
    and the charge is paid (BIL-12, BIL-13)."""

    site_id: str
    number: int
    amount: Decimal
    booked_by: str
    visible_sites: frozenset[str] | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class VoidReceipt:
    """A receipt out with a technician is cancelled; it keeps its number."""

    site_id: str
    number: int
    reason: str
    voided_by: str
    visible_sites: frozenset[str] | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordPayment:
    """Finance records a charge paid by bank transfer, WeChat Pay or Alipay, with the payment's
    own reference (BIL-16)."""

    charge_id: uuid.UUID
    method: PaymentMethod
    reference: str
    amount: Decimal
    paid_at: datetime | None
    booked_by: str
    visible_sites: frozenset[str] | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordMandate:
    """A resident's signed direct-debit mandate for a unit (委托收款协议, FEE-02)."""

    mandate_id: str
    site_id: str
    building: str
    room: str
    holder: str
    account: str
    bank: str
    signed_on: date
    recorded_by: str
    visible_sites: frozenset[str] | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RevokeMandate:
    mandate_id: str
    revoked_on: date
    reason: str
    visible_sites: frozenset[str] | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordSiteCreditor:
    """The account a site's company collects into, and its creditor id at the bank."""

    site_id: str
    name: str
    account: str
    bank: str
    scheme_id: str | None
    recorded_by: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class GatherBatch:
    """Gather the site's charges owed by bank collection into the batch for a collection day
    (or finish gathering it)."""

    site_id: str
    collection_date: date
    requested_by: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class MarkBatchSent:
    batch_id: str
    visible_sites: frozenset[str] | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ImportBankAnswer:
    """The bank's answer to a batch (pain.002, camt.054 or a domestic return file), read: settle
    and reject its debits."""

    batch_id: str
    answer: BankAnswerLines
    imported_by: str
    visible_sites: frozenset[str] | None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class AnsweredDebit:
    position: int
    end_to_end_id: str
    settled: bool
    amount: Decimal | None
    reason_code: str | None
    reason: str | None


@dataclass(frozen=True)
class BankAnswerLines:
    kind: str
    digest: str
    original_message_id: str | None
    lines: tuple[AnsweredDebit, ...]
    positions: str = "transaction"
    """What a line's position counts (``transaction``, or ``line`` of a return file)."""


@dataclass(frozen=True)
class KeepUnit:
    """The directory's record of a unit (intake's ``UnitRecorded``): its floor area, owner and
    payer, which its management fee is billed on and to (FEE-05, FEE-06)."""

    site_id: str
    building: str
    room: str
    floor_area_m2: Decimal
    owner_id: uuid.UUID | None
    payer_id: uuid.UUID | None
    recorded_at: datetime
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class KeepResident:
    """The directory's record of a resident: where fee notices and reminders reach them."""

    site_id: str
    resident_id: uuid.UUID
    name: str
    phone: str | None
    email: str | None
    recorded_at: datetime
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordFeeContract:
    contract_no: str
    site_id: str
    building: str
    room: str
    kind: UnitKind
    rate: Decimal
    starts_on: date
    monthly_rent: Decimal | None
    recorded_by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ConfirmMoveOut:
    contract_no: str
    fee_cut_off: date
    note: str | None
    confirmed_by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class HoldDeposit:
    contract_no: str
    kind: DepositKind
    amount: Decimal
    held_on: date
    reference: str
    held_by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ReleaseDeposit:
    contract_no: str
    kind: DepositKind
    released_on: date
    deducted: Decimal
    reference: str
    released_by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class MeterCharges:
    """A unit's water and electricity for the month, from its meter readings (FEE-01)."""

    building: str
    room: str
    water: Decimal | None = None
    electricity: Decimal | None = None
    note: str | None = None


@dataclass(frozen=True)
class IssueFeeBills:
    """Bill the site's units for a month: every contract running in it, at its rate on the
    unit's floor area, with the meters' charges (once per unit and month)."""

    site_id: str
    month: date
    meters: tuple[MeterCharges, ...]
    issued_by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PayFeeBill:
    """A fee bill paid at the service centre in cash (on a numbered receipt drawn there and
    then), or by transfer or online payment with its reference (FEE-02, BIL-16)."""

    bill_id: uuid.UUID
    method: PaymentMethod
    amount: Decimal
    reference: str | None
    paid_at: datetime | None
    booked_by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class FeeBillDeadlineReached:
    bill_id: str
    deadline: str
    due_at: datetime
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class NoteReminderSent:
    """Notification sent a fee reminder (its ``NotificationSent``): it counts now (FEE-14)."""

    site_id: str
    bill_id: uuid.UUID
    reminder_id: uuid.UUID
    sent_at: datetime
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class HandOverRecords:
    """Finance hands the day's service records, sorted by payment method, to the service
    centre or the general administrator (BIL-06)."""

    site_id: str
    day: date
    receiver: Receiver
    received_by: str
    handed_by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SummariseRecords:
    site_id: str
    month: date
    note: str | None
    by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class IssueFinancialReport:
    site_id: str
    month: date
    by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ReviewFinancialReport:
    site_id: str
    month: date
    approved: bool
    note: str | None
    by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class MonthCloseDeadlineReached:
    close_id: str
    deadline: str
    due_at: datetime
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PrepareStatement:
    """Finance's figures for a site's income and spending statement of a period, whole."""

    site_id: str
    period: str
    spending: tuple[SpendingLine, ...]
    other_income: tuple[IncomeLine, ...]
    note: str | None
    by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SubmitStatement:
    """Finance submits the statement, with the fee income as it stands, for the manager."""

    site_id: str
    period: str
    by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ReviewStatement:
    """The site's manager approves the statement (it is published) or sends it back."""

    site_id: str
    period: str
    approved: bool
    note: str | None
    by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None
