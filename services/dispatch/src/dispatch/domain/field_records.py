"""What a work order keeps of the visit besides its state: the materials and tools drawn from the
warehouse and given back (DSP-07, DSP-08), those the customer pays for charged with the work,
and damage to the customer's property followed until
the compensation is agreed (ACC-04)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


class Drawn(enum.StrEnum):
    MATERIAL = "material"
    """Used up by the work unless given back (pipe, washers, sealant)."""
    TOOL = "tool"
    """Borrowed: comes back to the warehouse before the order is closed."""


@dataclass
class MaterialLine:
    """One line drawn from the warehouse for the order (领料、借用)."""

    line_no: int
    item: str
    quantity: int
    kind: Drawn
    drawn_at: datetime
    drawn_by: str
    returned: int = 0
    charge_as: str | None = None
    """The price-list item the customer pays for it as (材料费), or None when the site bears it."""

    @property
    def outstanding(self) -> int:
        return self.quantity - self.returned


@dataclass
class DamageCase:
    """Damage to, or loss of, the customer's property during the work (ACC-04): reported to the
    service-centre head or site manager, open until the site agrees compensation with the
    customer."""

    case_no: int
    description: str
    reported_at: datetime
    reported_by: str
    compensation: Decimal | None = None
    """Agreed with the customer, in yuan (0: none owed)."""
    agreed_at: datetime | None = None
    agreement: str | None = None

    @property
    def open(self) -> bool:
        return self.agreed_at is None
