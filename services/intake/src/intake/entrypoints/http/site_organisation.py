"""A site's buildings (units, floor area, owners on record, the stewards covering each) and its
departments (their staff and information liaisons)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path
from hotline_libs.auth import CurrentPrincipal, Principal
from hotline_libs.errors import NotFound
from pydantic import BaseModel, Field

from intake.domain.complaint import Department
from intake.domain.site_organisation import Building, DepartmentStaff, buildings_of, departments_of
from intake.domain.staff import StaffMember
from intake.entrypoints.http import Reader

router = APIRouter(tags=["directory"])

SiteId = Annotated[
    str, Path(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_-]*$", examples=["dmg"])
]


class StaffBriefOut(BaseModel):
    staff_id: str
    name: str
    title: str
    phones: list[str]


class BuildingOut(BaseModel):
    building: str = Field(description="The building (栋)")
    units: int = Field(description="Units on record")
    floor_area_m2: Decimal = Field(description="Their floor area, management fees' base")
    units_with_owner: int = Field(description="Units whose owner is on record")
    stewards: list[StaffBriefOut] = Field(description="The stewards (管家) covering it; none shows")


class BuildingsOut(BaseModel):
    site_id: str
    buildings: list[BuildingOut]
    uncovered: list[str] = Field(description="Buildings no steward covers")


async def _served(reader: Reader, principal: Principal, site_id: str) -> None:
    """The caller's site (403 otherwise) and one the hotline serves (404 otherwise)."""
    principal.require_site(site_id)
    if await reader.sites.get(site_id) is None:
        raise NotFound(f"site {site_id!r} is not served by this hotline")


def _brief(member: StaffMember) -> StaffBriefOut:
    d = member.details
    return StaffBriefOut(
        staff_id=member.staff_id, name=d.name, title=d.title, phones=list(d.phones)
    )


def _building_out(building: Building) -> BuildingOut:
    return BuildingOut(
        building=building.building,
        units=building.units,
        floor_area_m2=building.floor_area_m2,
        units_with_owner=building.units_with_owner,
        stewards=[_brief(m) for m in building.stewards],
    )


@router.get(
    "/sites/{site_id}/buildings",
    summary="A site's buildings: units, floor area, owners on record, and the stewards covering "
    "each (buildings nobody covers listed apart)",
)
async def list_buildings(
    site_id: SiteId, reader: Reader, principal: CurrentPrincipal
) -> BuildingsOut:
    await _served(reader, principal, site_id)
    found = buildings_of(
        await reader.units.all_of(None, site_id), await reader.staff.of_site(site_id)
    )
    return BuildingsOut(
        site_id=site_id,
        buildings=[_building_out(b) for b in found],
        uncovered=[b.building for b in found if not b.stewards],
    )


class DepartmentOut(BaseModel):
    department: Department
    staff: list[StaffBriefOut] = Field(description="Its active staff at the site")
    liaisons: list[StaffBriefOut] = Field(
        description="Who reports its changed information (KB-07); none shows"
    )


class DepartmentsOut(BaseModel):
    site_id: str
    departments: list[DepartmentOut]
    without_liaison: list[Department] = Field(
        description="Departments with staff at the site but no information liaison (ORG-06)"
    )


def _department_out(found: DepartmentStaff) -> DepartmentOut:
    return DepartmentOut(
        department=found.department,
        staff=[_brief(m) for m in found.staff],
        liaisons=[_brief(m) for m in found.liaisons],
    )


@router.get(
    "/sites/{site_id}/departments",
    summary="A site's departments: their staff and information liaisons (departments with "
    "staff but no liaison listed apart)",
)
async def list_departments(
    site_id: SiteId, reader: Reader, principal: CurrentPrincipal
) -> DepartmentsOut:
    await _served(reader, principal, site_id)
    found = departments_of(await reader.staff.of_site(site_id))
    return DepartmentsOut(
        site_id=site_id,
        departments=[_department_out(d) for d in found],
        without_liaison=[d.department for d in found if d.staff and not d.liaisons],
    )
