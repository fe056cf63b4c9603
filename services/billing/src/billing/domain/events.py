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
