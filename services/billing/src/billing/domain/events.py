"""What happens to a charge, as billing records it (domain events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
