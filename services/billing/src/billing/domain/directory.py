"""What billing keeps of intake's directory: each unit's floor area and people, and how to
reach a resident, for billing the management fee and reminding who pays it (FEE-05, FEE-06)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class DirectoryUnit:
    site_id: str
    building: str
    room: str
    floor_area_m2: Decimal
    owner_id: uuid.UUID | None
    payer_id: uuid.UUID | None
    """Who pays the fee, when someone other than the owner does."""
    recorded_at: datetime

    @property
    def pays(self) -> uuid.UUID | None:
        return self.payer_id or self.owner_id


@dataclass(frozen=True)
class DirectoryResident:
    resident_id: uuid.UUID
    name: str
    phone: str | None
    email: str | None
    recorded_at: datetime
