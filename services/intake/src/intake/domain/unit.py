"""Units (栋房号): site + building + room, with the floor area management fees are charged on
and who lives there: the owner, who is liable for arrears, and tenants, one of whom may pay
(domain.md, CH-15)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation

from intake.domain import events

MAX_ADDRESS_PART = 20
MAX_TENANTS = 10
MAX_FLOOR_AREA = Decimal("100000")
ADDRESS_PART = re.compile(r"^[\w\-]+$")


class InvalidUnit(RuleViolation):
    """A unit's record breaks a rule; the message names the field."""


@dataclass(frozen=True)
class Occupancy:
    """Who the unit's people are, by resident id."""

    owner_id: uuid.UUID | None
    tenant_ids: tuple[uuid.UUID, ...] = ()
    payer_id: uuid.UUID | None = None
    """Who pays the management fee: the owner unless a tenant was named."""

    @property
    def pays(self) -> uuid.UUID | None:
        return self.payer_id or self.owner_id


@dataclass
class Unit(Aggregate):
    site_id: str
    building: str
    room: str
    floor_area_m2: Decimal
    occupancy: Occupancy
    updated_at: datetime

    @property
    def unit_id(self) -> str:
        return unit_id(self.site_id, self.building, self.room)

    def update(self, floor_area_m2: Decimal, occupancy: Occupancy, now: datetime) -> bool:
        area, people = check_area(floor_area_m2), check_occupancy(occupancy)
        if (area, people) == (self.floor_area_m2, self.occupancy):
            return False
        self.floor_area_m2, self.occupancy, self.updated_at = area, people, now
        self.record(events.UnitRecorded(recorded_at=now))
        return True


def unit_id(site_id: str, building: str, room: str) -> str:
    return f"{site_id}:{building}:{room}"


def address_part(name: str, value: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= MAX_ADDRESS_PART or not ADDRESS_PART.match(value):
        raise InvalidUnit(
            f"{name} must be 1 to {MAX_ADDRESS_PART} letters, digits or dashes, got {value!r}",
            field=name,
        )
    return value


def parse_area(raw: str | Decimal) -> Decimal:
    try:
        area = Decimal(str(raw).strip())
    except InvalidOperation:
        raise InvalidUnit(f"floor_area_m2 {raw!r} is not a number", field="floor_area_m2") from None
    return check_area(area)


def check_area(area: Decimal) -> Decimal:
    if not area.is_finite() or not 0 < area <= MAX_FLOOR_AREA:
        raise InvalidUnit(
            f"floor_area_m2 must be above 0 and at most {MAX_FLOOR_AREA} m², got {area}",
            field="floor_area_m2",
        )
    if area != area.quantize(Decimal("0.01")):
        raise InvalidUnit(
            f"floor_area_m2 is measured to 0.01 m², got {area}", field="floor_area_m2"
        )
    return area.quantize(Decimal("0.01"))


def check_occupancy(occupancy: Occupancy) -> Occupancy:
    if len(occupancy.tenant_ids) > MAX_TENANTS:
        raise InvalidUnit(f"at most {MAX_TENANTS} tenants", field="tenant_ids")
    if len(set(occupancy.tenant_ids)) != len(occupancy.tenant_ids):
        raise InvalidUnit("a tenant is listed twice", field="tenant_ids")
    if occupancy.owner_id is not None and occupancy.owner_id in occupancy.tenant_ids:
        raise InvalidUnit("the owner is not also a tenant", field="tenant_ids")
    payer = occupancy.payer_id
    if payer is not None and payer != occupancy.owner_id and payer not in occupancy.tenant_ids:
        raise InvalidUnit("the payer is the owner or one of the tenants", field="payer_id")
    return occupancy


def record_unit(
    site_id: str,
    building: str,
    room: str,
    floor_area_m2: Decimal,
    occupancy: Occupancy,
    now: datetime,
) -> Unit:
    unit = Unit(
        site_id=site_id,
        building=address_part("building", building),
        room=address_part("room", room),
        floor_area_m2=check_area(floor_area_m2),
        occupancy=check_occupancy(occupancy),
        updated_at=now,
    )
    unit.record(events.UnitRecorded(recorded_at=now))
    return unit
