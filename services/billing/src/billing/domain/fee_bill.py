"""A unit's management fee bill for one month (物业管理费), with its water and electricity, its
late fee and its reminders (FEE-01, FEE-03 to FEE-06, FEE-10, FEE-14).

The month's fee is due from the 1st to the 10th (FEE-01). From the 11th the overdue amount
bears a late fee of 0.05% a day (万分之五, FEE-03): simple, not compounded, on the bill's amount,
for every day after the 10th up to the day it is paid, computed exactly in ``Decimal`` and
rounded half up to the fen once on the total. So a bill of 268.05 yuan paid on the 25th is 15
days late and bears 268.05 × 0.0005 × 15 = 2.010375, that is 2.01 yuan.

Unpaid, the payer is reminded on the 11th, and again every 10 days; a reminder counts once
notification reports it sent (FEE-14), so one that reached no one is asked for again. The
third goes to the owner too when a tenant pays, as the owner is liable for arrears (FEE-05).
Ten days after the third, still unpaid, the bill is flagged for the site to act (FEE-04).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation
from hotline_libs.ids import derive_id
from hotline_libs.money import round_yuan

from billing.domain import events
from billing.domain.charge import Payer, Payment, Rejection
from billing.domain.fee_contract import ZERO, UnitKind

DUE_DAY = 10
"""Days 1 to 10 of the month are the window to pay it in (FEE-01)."""
LATE_FEE_PER_DAY = Decimal("0.0005")
"""万分之五: 0.05% of the overdue amount for each day late (FEE-03)."""
REMINDERS_BEFORE_ACTION = 3
"""Three reminders, then the site may act (FEE-04)."""
REMINDER_INTERVAL = timedelta(days=10)
REMINDER_TIME = time(9, 0)
"""Reminders go out in the morning of the site's day."""
REMIND = "fee-reminder"
"""The bill's clock: the next reminder, or the flag after the third."""
MAX_BILL_NO = 35
"""The bank file's end-to-end id holds 35 characters; the bill's number is that id."""


class FeeItem(enum.StrEnum):
    MANAGEMENT_FEE = "management_fee"
    WATER = "water"
    ELECTRICITY = "electricity"


@dataclass(frozen=True)
class FeeLine:
    item: FeeItem
    amount: Decimal
    description: str
    """How it was reached: "89.35 m² × 3.00 yuan", "15/31 days", or the meter reading's note."""


@dataclass(frozen=True)
class Reminder:
    """A reminder billing asked notification to send (催缴通知)."""

    number: int
    """1 to 3: which reminder it is; asked again with the same number until one is sent."""
    reminder_id: uuid.UUID
    """The id of the event asking for it: notification's report of sending quotes it."""
    asked_at: datetime
    owed: Decimal
    """The bill and its late fee on the day of asking."""
    late_fee: Decimal
    to_owner: bool
    """Told to the owner as well, who is liable (FEE-05)."""
    sent_at: datetime | None = None


class FeeBillStatus(enum.StrEnum):
    DUE = "due"
    OVERDUE = "overdue"
    COLLECTING = "collecting"
    PAID = "paid"
    FLAGGED = "flagged"
    """Three reminders sent and still unpaid: the site acts (FEE-04)."""


def bill_no(site_id: str, month: date, building: str, room: str) -> str:
    """The number on the bill and in the bank file: the site, the month, the unit."""
    number = f"MF-{site_id.upper()}-{month:%Y%m}-{building}-{room}"
    if len(number) <= MAX_BILL_NO:
        return number
    return f"MF-{site_id.upper()}-{month:%Y%m}-" + derive_id("fee-unit", building, room).hex[:8]


def days_late(due_on: date, on: date) -> int:
    return max(0, (on - due_on).days)


def late_fee(overdue: Decimal, days: int) -> Decimal:
    """0.05% of ``overdue`` for each of ``days``, rounded half up to the fen once (FEE-03)."""
    if days <= 0:
        return ZERO
    return round_yuan(overdue * LATE_FEE_PER_DAY * days)


@dataclass
class FeeBill(Aggregate):
    bill_id: uuid.UUID
    bill_no: str
    site_id: str
    contract_no: str
    building: str
    room: str
    month: date
    """The month's first day."""
    kind: UnitKind
    floor_area_m2: Decimal
    rate: Decimal
    days: int
    """The days of the month charged (fewer at move-in or after a move-out)."""
    lines: tuple[FeeLine, ...]
    due_on: date
    payer: Payer
    owner: Payer | None
    """The owner when someone else pays: liable for the arrears (FEE-05)."""
    time_zone: str
    issued_at: datetime
    issued_by: str
    payment: Payment | None = None
    late_fee_paid: Decimal = ZERO
    collecting_in: str | None = None
    collecting_amount: Decimal | None = None
    rejections: tuple[Rejection, ...] = ()
    reminders: tuple[Reminder, ...] = ()
    next_reminder_at: datetime | None = None
    flagged_at: datetime | None = None

    @classmethod
    def issue(
        cls,
        *,
        site_id: str,
        contract_no: str,
        building: str,
        room: str,
        month: date,
        kind: UnitKind,
        floor_area_m2: Decimal,
        rate: Decimal,
        days: int,
        lines: tuple[FeeLine, ...],
        payer: Payer,
        owner: Payer | None,
        time_zone: str,
        by: str,
        now: datetime,
    ) -> FeeBill:
        if not lines or any(line.amount <= 0 for line in lines):
            raise RuleViolation("a fee bill has lines, each above zero")
        due_on = month.replace(day=DUE_DAY)
        bill = cls(
            bill_id=derive_id("fee-bill", contract_no, f"{month:%Y-%m}"),
            bill_no=bill_no(site_id, month, building, room),
            site_id=site_id,
            contract_no=contract_no,
            building=building,
            room=room,
            month=month,
            kind=kind,
            floor_area_m2=floor_area_m2,
            rate=rate,
            days=days,
            lines=lines,
            due_on=due_on,
            payer=payer,
            owner=owner,
            time_zone=time_zone,
            issued_at=now,
            issued_by=by,
        )
        bill.next_reminder_at = bill._morning(due_on + timedelta(days=1))
        bill.record(events.FeeBillIssued(now))
        return bill

    @property
    def amount(self) -> Decimal:
        """What the bill asks for, before any late fee."""
        return sum((line.amount for line in self.lines), ZERO)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.time_zone)).date()

    def late_fee_on(self, day: date) -> Decimal:
        return late_fee(self.amount, days_late(self.due_on, day))

    def owed_on(self, day: date) -> Decimal:
        """The bill and its late fee when paid on ``day`` (the site's day)."""
        return self.amount + self.late_fee_on(day)

    def status_at(self, now: datetime) -> FeeBillStatus:
        if self.payment is not None:
            return FeeBillStatus.PAID
        if self.collecting_in is not None:
            return FeeBillStatus.COLLECTING
        if self.flagged_at is not None:
            return FeeBillStatus.FLAGGED
        if self.local_day(now) > self.due_on:
            return FeeBillStatus.OVERDUE
        return FeeBillStatus.DUE

    @property
    def reminders_sent(self) -> int:
        return len({r.number for r in self.reminders if r.sent_at is not None})

    # -- paying ---------------------------------------------------------------------------

    def must_be_payable(self, on: date) -> Decimal:
        if self.payment is not None:
            raise Conflict(
                f"fee bill {self.bill_no} is already paid ({self.payment.method.value}, "
                f"{self.payment.reference})"
            )
        if self.collecting_in is not None:
            raise Conflict(
                f"fee bill {self.bill_no} is in collection batch {self.collecting_in}: wait for "
                "the bank's answer"
            )
        return self.owed_on(on)

    def claim(self, batch_id: str, collection_date: date) -> Decimal:
        """Put the bill in a collection batch; the bank debits it with the late fee due on the
        collection day. Claiming it again for the same batch changes nothing."""
        if self.collecting_in == batch_id and self.collecting_amount is not None:
            return self.collecting_amount
        amount = self.must_be_payable(collection_date)
        self.collecting_in, self.collecting_amount = batch_id, amount
        return amount

    def pay(self, payment: Payment) -> None:
        """Paid in full, late fee included, as owed on the day of payment; the same payment
        again changes nothing."""
        if self.payment is not None and (self.payment.method, self.payment.reference) == (
            payment.method,
            payment.reference,
        ):
            return
        day = self.local_day(payment.paid_at)
        owed = self.must_be_payable(day)
        if payment.amount != owed:
            fee = self.late_fee_on(day)
            raise RuleViolation(
                f"fee bill {self.bill_no} is {owed:.2f} yuan on {day.isoformat()} ("
                f"{self.amount:.2f} and a late fee of {fee:.2f}); {payment.amount:.2f} was "
                "paid. A bill is paid in full"
            )
        self._paid(payment, owed - self.amount)

    def collected(self, batch_id: str, payment: Payment) -> None:
        """The bank settled the batch's debit: paid (once), at the amount debited."""
        if self.payment is not None and self.payment.reference == payment.reference:
            return
        if self.collecting_in != batch_id or self.collecting_amount is None:
            raise Conflict(f"fee bill {self.bill_no} is not in collection batch {batch_id}")
        if payment.amount != self.collecting_amount:
            raise Conflict(
                f"fee bill {self.bill_no} was debited for {self.collecting_amount:.2f}, not "
                f"{payment.amount:.2f}"
            )
        late = self.collecting_amount - self.amount
        self.collecting_in = self.collecting_amount = None
        self._paid(payment, late)

    def collection_rejected(self, batch_id: str, rejection: Rejection) -> None:
        """The bank refused the debit: owed again, with the reason; past the due day the next
        reminder is asked for at once (the payer learns the bank did not collect it)."""
        if rejection in self.rejections:
            return
        if self.collecting_in != batch_id:
            raise Conflict(f"fee bill {self.bill_no} is not in collection batch {batch_id}")
        self.collecting_in = self.collecting_amount = None
        self.rejections = (*self.rejections, rejection)
        if self.flagged_at is None and self.local_day(rejection.at) > self.due_on:
            self.next_reminder_at = rejection.at

    def _paid(self, payment: Payment, late: Decimal) -> None:
        self.payment, self.late_fee_paid = payment, late
        self.next_reminder_at = None
        self.record(events.FeeBillPaid(payment.paid_at))

    # -- reminders ------------------------------------------------------------------------

    def deadlines(self) -> dict[str, datetime]:
        if self.payment is not None or self.next_reminder_at is None:
            return {}
        return {REMIND: self.next_reminder_at}

    def deadline_reached(self, name: str, now: datetime) -> None:
        """Ask for the next reminder, or flag the bill after the third (FEE-04). While the bank
        holds a debit for it, the reminder waits for the bank's answer."""
        if name != REMIND:
            super().deadline_reached(name, now)
            return
        today = self.local_day(now)
        self.next_reminder_at = self._morning(today + REMINDER_INTERVAL)
        if self.collecting_in is not None:
            return
        sent = self.reminders_sent
        if sent >= REMINDERS_BEFORE_ACTION:
            self.flagged_at, self.next_reminder_at = now, None
            self.record(events.FeeBillFlagged(now, sent))
            return
        number = sent + 1
        attempt = sum(r.number == number for r in self.reminders) + 1
        reminder = Reminder(
            number=number,
            reminder_id=derive_id("fee-reminder", self.bill_id, number, attempt),
            asked_at=now,
            owed=self.owed_on(today),
            late_fee=self.late_fee_on(today),
            to_owner=number == REMINDERS_BEFORE_ACTION and self.owner is not None,
        )
        self.reminders = (*self.reminders, reminder)
        self.record(events.FeeReminderAsked(reminder.reminder_id))

    def reminder_sent(self, reminder_id: uuid.UUID, at: datetime) -> bool:
        """Notification reports the reminder sent: it counts now (once)."""
        for i, reminder in enumerate(self.reminders):
            if reminder.reminder_id == reminder_id:
                if reminder.sent_at is not None:
                    return False
                sent = Reminder(**{**reminder.__dict__, "sent_at": at})
                self.reminders = (*self.reminders[:i], sent, *self.reminders[i + 1 :])
                return True
        raise Conflict(f"fee bill {self.bill_no} asked for no reminder {reminder_id}")

    def reminder(self, reminder_id: uuid.UUID) -> Reminder:
        for reminder in self.reminders:
            if reminder.reminder_id == reminder_id:
                return reminder
        raise KeyError(reminder_id)

    def _morning(self, day: date) -> datetime:
        return datetime.combine(day, REMINDER_TIME, tzinfo=ZoneInfo(self.time_zone)).astimezone(UTC)


COLLECTION_TARGET = Decimal("0.95")
"""Management fee collection rate: collected ÷ due, at least 95% (FEE-10)."""


@dataclass(frozen=True)
class FeeCollection:
    """A site's month of management fees as collected by a moment (FEE-10)."""

    month: date
    bills: int
    due: Decimal
    """What the month's bills ask for, before late fees."""
    paid: int
    collected: Decimal
    """What of it was paid by then."""
    late_fees_collected: Decimal
    outstanding: Decimal
    flagged: int
    as_of: datetime

    @property
    def rate(self) -> Decimal | None:
        """collected ÷ due to four places (half up); None when nothing was due."""
        if not self.due:
            return None
        return (self.collected / self.due).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    @property
    def meets_target(self) -> bool | None:
        rate = self.rate
        return None if rate is None else rate >= COLLECTION_TARGET


def fee_collection(month: date, bills: list[FeeBill], as_of: datetime) -> FeeCollection:
    """How much of the month's bills was paid by ``as_of``."""
    paid = [b for b in bills if b.payment is not None and b.payment.booked_at <= as_of]
    due = sum((b.amount for b in bills), ZERO)
    collected = sum((b.amount for b in paid), ZERO)
    return FeeCollection(
        month=month,
        bills=len(bills),
        due=due,
        paid=len(paid),
        collected=collected,
        late_fees_collected=sum((b.late_fee_paid for b in paid), ZERO),
        outstanding=due - collected,
        flagged=sum(b.flagged_at is not None and b.flagged_at <= as_of for b in bills),
        as_of=as_of,
    )
