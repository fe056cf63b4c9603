"""A site's organisation as the directory knows it. Its buildings (CH-13, CMP-14, ORG-19): each
building's units and the floor area its management fees are charged on, how many units have an
owner on record, and the stewards (管家) who cover it, so the desk knows whom a building's calls
go to and a building nobody covers shows. Its departments (ORG-06, ORG-07): who works in each
and who is its information liaison, so a department without one shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from intake.domain.complaint import Department
from intake.domain.staff import StaffMember
from intake.domain.unit import Unit


@dataclass(frozen=True)
class Building:
    building: str
    units: int
    floor_area_m2: Decimal
    units_with_owner: int
    stewards: tuple[StaffMember, ...]


def buildings_of(units: list[Unit], staff: list[StaffMember]) -> list[Building]:
    """The site's buildings from its units and the stewards covering each (active staff only),
    in building order; a building a steward covers but with no unit on record is listed too."""
    names = {unit.building for unit in units} | {
        building
        for member in staff
        if member.details.active
        for building in member.details.steward_of
    }
    found = []
    for name in sorted(names, key=_building_order):
        its = [unit for unit in units if unit.building == name]
        found.append(
            Building(
                building=name,
                units=len(its),
                floor_area_m2=sum((unit.floor_area_m2 for unit in its), Decimal("0.00")),
                units_with_owner=sum(unit.occupancy.owner_id is not None for unit in its),
                stewards=tuple(
                    member
                    for member in staff
                    if member.details.active and name in member.details.steward_of
                ),
            )
        )
    return found


def _building_order(name: str) -> tuple[int, int, str]:
    """Numbered buildings in number order (2 before 10), then the named ones."""
    return (0, int(name), "") if name.isdigit() else (1, 0, name)


@dataclass(frozen=True)
class DepartmentStaff:
    """One department as a site's directory holds it (ORG-06, ORG-07): its staff there, and its
    information liaison, who reports changed information within 3 working days (KB-07)."""

    department: Department
    staff: tuple[StaffMember, ...]
    liaisons: tuple[StaffMember, ...]


def departments_of(staff: list[StaffMember]) -> list[DepartmentStaff]:
    """Every department, with the active staff on record and its liaisons (none shows)."""
    active = [member for member in staff if member.details.active]
    return [
        DepartmentStaff(
            department=department,
            staff=tuple(m for m in active if m.details.department is department),
            liaisons=tuple(
                m
                for m in active
                if m.details.department is department and m.details.information_liaison
            ),
        )
        for department in Department
    ]
