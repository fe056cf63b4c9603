"""A site's day of money in (收款日报): the receipts issued, booked and voided that day, the
cash still out with technicians, and the payments recorded by reference (BIL-11 to BIL-13,
BIL-16).

Pure figures over what the store returns for the day; the day is the site's, in its time zone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.domain.charge import Charge, PaymentMethod
from billing.domain.receipt import Receipt

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Collected:
    """What one technician handed in that day."""

    technician_id: str
    receipts: int
    amount: Decimal


@dataclass(frozen=True)
class ByMethod:
    """Payments of one method recorded that day."""

    method: PaymentMethod
    payments: int
    amount: Decimal


@dataclass(frozen=True)
class CashDay:
    site_id: str
    day: date
    issued: tuple[Receipt, ...]
    """Receipts drawn that day, by number."""
    booked: tuple[Receipt, ...]
    """Receipts whose cash was booked that day (drawn that day or before)."""
    voided: tuple[Receipt, ...]
    outstanding: tuple[Receipt, ...]
    """Drawn by the day's end and not handed in nor voided yet: cash finance is owed."""
    cash_booked: Decimal
    by_collector: tuple[Collected, ...]
    other_payments: tuple[ByMethod, ...]

    @property
    def first_number(self) -> int | None:
        return self.issued[0].number if self.issued else None

    @property
    def last_number(self) -> int | None:
        return self.issued[-1].number if self.issued else None

    @property
    def missing_numbers(self) -> tuple[int, ...]:
        """Numbers between the day's first and last receipt that no receipt of the day holds:
        none, since numbers are drawn in order and never lost; shown so that finance sees it."""
        if not self.issued:
            return ()
        held = {r.number for r in self.issued}
        first, last = self.issued[0].number, self.issued[-1].number
        return tuple(n for n in range(first, last + 1) if n not in held)


def cash_day(
    site_id: str,
    day: date,
    *,
    issued: Iterable[Receipt],
    booked: Iterable[Receipt],
    voided: Iterable[Receipt],
    outstanding: Iterable[Receipt],
    paid_by_reference: Iterable[Charge],
) -> CashDay:
    booked = tuple(sorted(booked, key=lambda r: r.number))
    collected: dict[str, list[Receipt]] = defaultdict(list)
    for receipt in booked:
        collected[receipt.issued_to].append(receipt)
    methods: dict[PaymentMethod, list[Decimal]] = defaultdict(list)
    for charge in paid_by_reference:
        if charge.payment is not None:
            methods[charge.payment.method].append(charge.payment.amount)
    return CashDay(
        site_id=site_id,
        day=day,
        issued=tuple(sorted(issued, key=lambda r: r.number)),
        booked=booked,
        voided=tuple(sorted(voided, key=lambda r: r.number)),
        outstanding=tuple(sorted(outstanding, key=lambda r: r.number)),
        cash_booked=sum((r.amount for r in booked), ZERO),
        by_collector=tuple(
            Collected(technician, len(receipts), sum((r.amount for r in receipts), ZERO))
            for technician, receipts in sorted(collected.items())
        ),
        other_payments=tuple(
            ByMethod(method, len(amounts), sum(amounts, ZERO))
            for method, amounts in sorted(methods.items())
        ),
    )
