"""The numbered cash receipt (收费收据) a technician draws from finance to collect a fee.

The cash route of the manual (BIL-11 to BIL-13): once the customer has tried and accepted the
work, the technician draws a receipt from finance, collects the fee, and hands the cash and the
service and callback record to finance, who books it at once. The receipt states the charge's
amount and the record's serial (BIL-09).

Receipts are numbered per site without gaps: a number exists only as a stored receipt, and a
receipt is never deleted. A voided one keeps its number and says why; a booked one cannot be
voided (the cash is in the books).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

from billing.domain import events


class ReceiptStatus(enum.StrEnum):
    ISSUED = "issued"
    """Drawn by the technician; the cash is not handed in yet."""
    BOOKED = "booked"
    """The cash and the record are with finance and in the books."""
    VOID = "void"
    """Cancelled; the number stays used."""


def receipt_no(site_id: str, number: int) -> str:
    """The number printed on the receipt: the site's code and its sequence, DMG-000123."""
    return f"{site_id.upper()}-{number:06d}"


def receipt_id(site_id: str, number: int) -> str:
    """A receipt's identity: its site and number, so that no number is ever held twice."""
    return f"{site_id}/{number:09d}"


@dataclass
class Receipt(Aggregate):
    """One numbered receipt of a site's receipt book."""

    site_id: str
    number: int
    charge_id: uuid.UUID
    charge_no: str
    service_record_no: str | None
    amount: Decimal
    payer_name: str
    building: str
    room: str
    issued_to: str
    """The technician who collects (their id)."""
    issued_by: str
    issued_at: datetime
    status: ReceiptStatus = ReceiptStatus.ISSUED
    booked_at: datetime | None = None
    booked_by: str | None = None
    voided_at: datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None
    for_fee_bill: bool = False
    """Drawn at the service centre for a management fee bill (``charge_id`` is the bill's)."""

    @property
    def receipt_id(self) -> str:
        return receipt_id(self.site_id, self.number)

    @property
    def receipt_no(self) -> str:
        return receipt_no(self.site_id, self.number)

    @property
    def live(self) -> bool:
        """Out with the technician: the charge's cash is still to come back on it."""
        return self.status is ReceiptStatus.ISSUED

    @classmethod
    def issue(
        cls,
        *,
        site_id: str,
        number: int,
        charge_id: uuid.UUID,
        charge_no: str,
        service_record_no: str | None,
        amount: Decimal,
        payer_name: str,
        building: str,
        room: str,
        issued_to: str,
        issued_by: str,
        now: datetime,
        for_fee_bill: bool = False,
    ) -> Receipt:
        if number < 1:
            raise ValueError(f"receipt numbers start at 1, not {number}")
        receipt = cls(
            site_id=site_id,
            number=number,
            charge_id=charge_id,
            charge_no=charge_no,
            service_record_no=service_record_no,
            amount=amount,
            payer_name=payer_name,
            building=building,
            room=room,
            issued_to=issued_to,
            issued_by=issued_by,
            issued_at=now,
            for_fee_bill=for_fee_bill,
        )
        receipt.record(events.ReceiptIssued(now))
        return receipt

    def book(self, amount: Decimal, by: str, now: datetime) -> None:
        """Finance books the cash handed in on this receipt; booking it again changes nothing."""
        if self.status is ReceiptStatus.BOOKED:
            return
        if self.status is ReceiptStatus.VOID:
            raise Conflict(
                f"receipt {self.receipt_no} is void ({self.void_reason}): book nothing on it"
            )
        if amount != self.amount:
            raise RuleViolation(
                f"receipt {self.receipt_no} is for {self.amount:.2f} yuan; {amount:.2f} was handed "
                "in. Count the cash again, or void the receipt and issue a new one"
            )
        self.status = ReceiptStatus.BOOKED
        self.booked_at = now
        self.booked_by = by
        self.record(events.ReceiptBooked(now))

    def void(self, reason: str, by: str, now: datetime) -> None:
        """Cancel a receipt out with a technician; it keeps its number (voiding it again for
        the same reason changes nothing)."""
        if self.status is ReceiptStatus.VOID:
            if reason == self.void_reason:
                return
            raise Conflict(f"receipt {self.receipt_no} is already void ({self.void_reason})")
        if self.status is ReceiptStatus.BOOKED:
            raise Conflict(
                f"receipt {self.receipt_no} is booked: its cash is in the books and the receipt "
                "stands"
            )
        if not reason.strip():
            raise RuleViolation("say why the receipt is void")
        self.status = ReceiptStatus.VOID
        self.voided_at = now
        self.voided_by = by
        self.void_reason = reason
        self.record(events.ReceiptVoided(now, reason))
