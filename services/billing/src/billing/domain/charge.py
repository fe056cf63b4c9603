"""The charge for one completed paid work order (收费), and how it is priced.

A charge is priced from the site's price list at the prices agreed with the resident before the
work (DSP-05). When that cannot be done as it stands (the site has no list, an item is not on
it, the agreed price differs from the list, no payment method), the charge waits in
``needs_pricing`` with the reasons, listed for finance: a price is never invented after the
fact. Finance corrects the price list (the charge is priced again) or confirms the amounts the
resident agreed to; then it is raised as usual.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation
from hotline_libs.money import round_yuan

from billing.domain import events
from billing.domain.price_list import PriceListVersion


class PaymentMethod(enum.StrEnum):
    """How the resident pays (付款方式): cash or bank collection for services (BIL-05), and for
    fees also a transfer to the site's account or an online payment (BIL-16)."""

    CASH = "cash"
    BANK_COLLECTION = "bank_collection"
    BANK_TRANSFER = "bank_transfer"
    WECHAT_PAY = "wechat_pay"
    ALIPAY = "alipay"


PAID_BY_REFERENCE = frozenset(
    {PaymentMethod.BANK_TRANSFER, PaymentMethod.WECHAT_PAY, PaymentMethod.ALIPAY}
)
"""Methods finance records from the payment's own reference (the transfer's or the online
payment's transaction number). Cash is booked from its numbered receipt; bank collection comes
back in the bank's return file."""


class ChargeStatus(enum.StrEnum):
    NEEDS_PRICING = "needs_pricing"
    RAISED = "raised"
    PAID = "paid"


@dataclass(frozen=True)
class Rejection:
    """The bank's refusal of one debit: its reason code (ISO 20022: AC04 account closed, AM04
    insufficient funds, MD01 no mandate, ...), its words if it gave any, the batch."""

    batch_id: str
    code: str
    reason: str | None
    at: datetime


@dataclass(frozen=True)
class Payment:
    """How a raised charge was paid in full, and who booked it (登记作帐, BIL-13)."""

    method: PaymentMethod
    amount: Decimal
    reference: str
    """The receipt's number for cash; the transfer's or online payment's transaction number."""
    paid_at: datetime
    booked_at: datetime
    booked_by: str


@dataclass(frozen=True)
class Payer:
    """The resident who owes the charge."""

    name: str
    phone: str
    email: str | None
    building: str
    room: str


@dataclass(frozen=True)
class Delivered:
    """A paid item the work order delivered, with the unit price agreed before work if recorded."""

    item_code: str
    quantity: int
    agreed_unit_price: Decimal | None = None


@dataclass(frozen=True)
class ChargeLine:
    item_code: str
    item_name: str
    unit: str
    unit_price: Decimal
    quantity: int
    amount: Decimal


@dataclass(frozen=True)
class AgreedPrice:
    """A unit price finance confirms as agreed with the resident (from the signed record)."""

    item_code: str
    unit_price: Decimal
    item_name: str | None = None
    unit: str | None = None


def line(item_code: str, name: str, unit: str, unit_price: Decimal, quantity: int) -> ChargeLine:
    return ChargeLine(
        item_code, name, unit, unit_price, quantity, round_yuan(unit_price * quantity)
    )


@dataclass
class Charge(Aggregate):
    """The fee owed for one completed work order."""

    charge_id: uuid.UUID
    charge_no: str
    work_order_id: uuid.UUID
    work_order_no: str
    request_id: uuid.UUID
    request_no: str
    site_id: str
    payer: Payer
    delivered: tuple[Delivered, ...]
    payment_method: PaymentMethod | None
    created_at: datetime
    status: ChargeStatus = ChargeStatus.NEEDS_PRICING
    lines: tuple[ChargeLine, ...] = ()
    problems: tuple[str, ...] = ()
    raised_at: datetime | None = None
    priced_by: str | None = None
    """"price_list", or "agreed" when finance confirmed the amounts."""
    note: str | None = field(default=None)
    service_record_no: str | None = None
    """The service and callback record (服务及回访记录表, DSP-05) the charge goes with."""
    payment: Payment | None = None
    technician_id: str | None = None
    """Who did the work: the one who collects the cash by default (BIL-11)."""
    price_list_version: int | None = None
    """The version of the site's price list that priced it (None: priced by agreement)."""
    collecting_in: str | None = None
    """The collection batch whose debit is out at the bank for it, if any."""
    rejections: tuple[Rejection, ...] = ()
    """The bank's refusals to debit it, oldest first."""

    @property
    def total(self) -> Decimal | None:
        if self.status is ChargeStatus.NEEDS_PRICING:
            return None
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    def price(self, price_list: PriceListVersion | None, now: datetime) -> None:
        """Price every delivered item from ``price_list`` (the version in effect when the
        resident signed, or now for a charge finance has corrected the list for); raise the
        charge, or let it wait for finance with every reason it cannot be priced."""
        self._must_wait()
        problems: list[str] = []
        lines: list[ChargeLine] = []
        if self.payment_method is None:
            problems.append("the work order reported paid items but no payment method")
        if price_list is None:
            problems.append(f"site {self.site_id!r} has no price list for paid services")
        else:
            for item in self.delivered:
                listed = price_list.items.get(item.item_code)
                if listed is None:
                    problems.append(
                        f"item {item.item_code!r} is not on the price list of site {self.site_id!r}"
                    )
                elif item.agreed_unit_price not in (None, listed.unit_price):
                    problems.append(
                        f"item {item.item_code!r} was agreed at {item.agreed_unit_price:.2f} but "
                        f"the price list says {listed.unit_price:.2f}"
                    )
                else:
                    lines.append(
                        line(
                            listed.item_code,
                            listed.name,
                            listed.unit,
                            listed.unit_price,
                            item.quantity,
                        )
                    )
        if problems:
            if tuple(problems) != self.problems:
                self.problems = tuple(problems)
                self.record(events.ChargeNeedsPricing(self.problems))
            return
        self.price_list_version = price_list.number if price_list else None
        self._raise(tuple(lines), "price_list", now)

    def confirm_agreed(
        self,
        agreed: list[AgreedPrice],
        payment_method: PaymentMethod | None,
        note: str | None,
        price_list: PriceListVersion | None,
        now: datetime,
    ) -> None:
        """Finance confirms the unit prices the resident agreed to before the work (as the
        technician recorded them, or as written on the signed service record)."""
        self._must_wait()
        given = {price.item_code: price for price in agreed}
        unknown = sorted(set(given) - {item.item_code for item in self.delivered})
        if unknown:
            raise RuleViolation(f"items {unknown} were not delivered on this work order")
        method = payment_method or self.payment_method
        if method is None:
            raise RuleViolation("payment_method is required: the work order did not report one")
        lines = []
        for item in self.delivered:
            confirmed = given.get(item.item_code)
            listed = price_list.items.get(item.item_code) if price_list else None
            # what finance read off the signed record, else what the technician recorded, else
            # the list's price (the standard the fee is confirmed from, DSP-05); never a new one
            unit_price = (
                confirmed.unit_price
                if confirmed
                else item.agreed_unit_price or (listed.unit_price if listed else None)
            )
            if unit_price is None:
                raise RuleViolation(
                    f"no agreed unit price for {item.item_code!r}: give the one on the signed "
                    "service record"
                )
            if unit_price <= 0 or round_yuan(unit_price) != unit_price:
                raise RuleViolation(
                    f"unit_price of {item.item_code!r} must be a positive amount in fen"
                )
            name = (confirmed.item_name if confirmed else None) or (listed.name if listed else None)
            unit = (confirmed.unit if confirmed else None) or (listed.unit if listed else None)
            lines.append(
                line(
                    item.item_code, name or item.item_code, unit or "次", unit_price, item.quantity
                )
            )
        self.payment_method = method
        self.note = note
        self._raise(tuple(lines), "agreed", now)

    def must_be_payable(self) -> Decimal:
        """The amount owed, while the charge is raised, not paid yet and not out at the bank."""
        if self.status is ChargeStatus.NEEDS_PRICING:
            raise Conflict(
                f"charge {self.charge_no} is not priced yet (needs_pricing): nothing to collect"
            )
        if self.payment is not None:
            raise Conflict(
                f"charge {self.charge_no} is already paid ({self.payment.method.value}, "
                f"{self.payment.reference})"
            )
        if self.collecting_in is not None:
            raise Conflict(
                f"charge {self.charge_no} is in collection batch {self.collecting_in}: wait for "
                "the bank's answer"
            )
        total = self.total
        assert total is not None
        return total

    def claim(self, batch_id: str) -> Decimal:
        """Put the charge in a collection batch; the amount the batch debits. Claiming it again
        for the same batch changes nothing."""
        if self.collecting_in == batch_id:
            assert self.total is not None
            return self.total
        amount = self.must_be_payable()
        self.collecting_in = batch_id
        return amount

    def collected(self, batch_id: str, payment: Payment) -> None:
        """The bank settled the batch's debit: paid (once)."""
        if self.payment is not None and self.payment.reference == payment.reference:
            return
        if self.collecting_in != batch_id:
            raise Conflict(f"charge {self.charge_no} is not in collection batch {batch_id}")
        self.collecting_in = None
        self.pay(payment)

    def collection_rejected(self, batch_id: str, rejection: Rejection) -> None:
        """The bank refused the batch's debit: owed again, with the bank's reason (once)."""
        if rejection in self.rejections:
            return
        if self.collecting_in != batch_id:
            raise Conflict(f"charge {self.charge_no} is not in collection batch {batch_id}")
        self.collecting_in = None
        self.rejections = (*self.rejections, rejection)
        self.record(
            events.CollectionRejected(
                rejection.at, rejection.code, rejection.reason, rejection.batch_id
            )
        )

    def pay(self, payment: Payment) -> None:
        """Record the payment in full; the same payment again (a retry) changes nothing."""
        if self.payment is not None and (self.payment.method, self.payment.reference) == (
            payment.method,
            payment.reference,
        ):
            return
        owed = self.must_be_payable()
        if payment.amount != owed:
            raise RuleViolation(
                f"charge {self.charge_no} is {owed:.2f} yuan; {payment.amount:.2f} was paid. "
                "A charge is paid in full"
            )
        self.payment = payment
        self.status = ChargeStatus.PAID
        self.record(events.ChargePaid(payment.paid_at))

    def _must_wait(self) -> None:
        if self.status is not ChargeStatus.NEEDS_PRICING:
            raise Conflict(f"charge {self.charge_no} is already {self.status.value}")

    def _raise(self, lines: tuple[ChargeLine, ...], priced_by: str, now: datetime) -> None:
        self.lines = lines
        self.problems = ()
        self.priced_by = priced_by
        self.status = ChargeStatus.RAISED
        self.raised_at = now
        self.record(events.ChargeRaised(raised_at=now))
