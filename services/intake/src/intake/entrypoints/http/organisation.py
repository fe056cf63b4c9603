"""Staff and the phone book: who works where, in which department, which buildings a steward
covers, who is a department's information liaison; and the numbers agents transfer calls to
(KB-12). The company's own (site ``*``) are seen by everyone, kept by the company."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status
from hotline_libs.auth import CurrentPrincipal, Role
from hotline_libs.errors import NotFound
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import Page, Paging, SiteFilter, cut, page_of
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from intake.domain.commands import RecordPhoneBookEntry, RecordStaffMember, RemovePhoneBookEntry
from intake.domain.complaint import Department
from intake.domain.phone_book import PhoneBookDetails, PhoneBookEntry
from intake.domain.staff import StaffDetails, StaffMember
from intake.entrypoints.http import Reader

router = APIRouter(tags=["directory"])

COMPANY = "*"
StaffId = Annotated[
    str, Path(min_length=2, max_length=40, pattern="^[a-z0-9][a-z0-9_-]+$", examples=["dmg-s01"])
]
SiteOrCompany = Field(
    min_length=1,
    max_length=40,
    pattern=r"^(\*|[a-z][a-z0-9_-]*)$",
    description="The site; * for the central hotline and the company",
    examples=["dmg"],
)


class StaffIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "name": "周静",
                    "title": "管家",
                    "department": "customer_service",
                    "phones": ["13900001234"],
                    "steward_of": ["3", "4"],
                    "roles": ["steward"],
                }
            ]
        },
    )
    site_id: str = SiteOrCompany
    name: str = Field(min_length=1, max_length=60, pattern=SHOWS_TEXT)
    title: str = Field(min_length=1, max_length=60, pattern=SHOWS_TEXT, examples=["管家"])
    department: Department
    phones: list[str] = Field(min_length=1, max_length=3)
    email: EmailStr | None = None
    steward_of: list[str] = Field(
        default_factory=list, max_length=50, description="Buildings a steward covers"
    )
    information_liaison: bool = Field(
        default=False, description="Reports the department's changed information (KB-11)"
    )
    roles: list[Role] = Field(
        default_factory=list,
        max_length=len(Role),
        description="What they do on the platform: technician, steward, site_manager …; "
        "dispatch assigns technicians from these, notification alerts by them",
    )
    active: bool = Field(
        default=True,
        description="false once they have left; one who holds buildings, a liaison duty or "
        "open work leaves by a job handover (POST /staff/{id}/handover, DUTY-25)",
    )
    login: str | None = Field(
        default=None,
        max_length=100,
        description="Who they are signed in (their token's subject): what the platform records "
        "as who took a call or promised a reply",
    )


class StaffOut(BaseModel):
    staff_id: str
    site_id: str
    name: str
    title: str
    department: Department
    phones: list[str]
    email: str | None
    steward_of: list[str]
    information_liaison: bool
    roles: list[Role]
    active: bool
    login: str | None
    updated_at: datetime
    version: int


def staff_out(member: StaffMember) -> StaffOut:
    d = member.details
    return StaffOut(
        staff_id=member.staff_id,
        site_id=member.site_id,
        name=d.name,
        title=d.title,
        department=d.department,
        phones=list(d.phones),
        email=d.email,
        steward_of=list(d.steward_of),
        information_liaison=d.information_liaison,
        roles=sorted(d.roles),
        active=d.active,
        login=d.login,
        updated_at=member.updated_at,
        version=member.version,
    )


@router.put(
    "/staff/{staff_id}",
    summary="Add a member of staff, or change their record (department, phones, a steward's "
    "buildings, information liaison, left)",
    responses={201: {"description": "A new member of staff"}},
)
async def record_staff_member(
    staff_id: StaffId, body: StaffIn, response: Response, principal: CurrentPrincipal, bus: Bus
) -> StaffOut:
    principal.require_site(body.site_id)
    member, created = await bus.handle(
        RecordStaffMember(
            staff_id=staff_id,
            site_id=body.site_id,
            details=StaffDetails(
                name=body.name,
                title=body.title,
                department=body.department,
                phones=tuple(body.phones),
                email=body.email,
                steward_of=tuple(body.steward_of),
                information_liaison=body.information_liaison,
                roles=frozenset(body.roles),
                active=body.active,
                login=body.login,
            ),
            visible_sites=principal.visible_sites,
        )
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = f"/staff/{staff_id}"
    return staff_out(member)


def _sees(principal: CurrentPrincipal, site_id: str) -> bool:
    return site_id == COMPANY or principal.may_act_for(site_id)


@router.get("/staff/{staff_id}", summary="One member of staff")
async def get_staff_member(
    staff_id: StaffId, reader: Reader, principal: CurrentPrincipal
) -> StaffOut:
    member = await reader.staff.get(staff_id)
    if member is None or not _sees(principal, member.site_id):
        raise NotFound(f"no staff member {staff_id!r}")
    return staff_out(member)


@router.get(
    "/staff",
    summary="Staff of the caller's sites and the company's: by department, the steward of a "
    "building, the information liaisons",
)
async def list_staff(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    department: Annotated[Department | None, Query()] = None,
    building: Annotated[
        str | None,
        Query(min_length=1, max_length=20, pattern=SHOWS_TEXT, description="Its steward"),
    ] = None,
    liaison: Annotated[bool | None, Query(description="Only information liaisons")] = None,
) -> Page[StaffOut]:
    found = await reader.staff.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        department=department,
        building=building,
        liaison=liaison,
    )
    return page_of(found, page, staff_out)


class PhoneBookIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "name": "燃气公司抢修",
                    "number": "029-96777",
                    "purpose": "燃气泄漏, 燃气表故障",
                }
            ]
        },
    )
    site_id: str = SiteOrCompany
    name: str = Field(min_length=1, max_length=60, pattern=SHOWS_TEXT)
    number: str = Field(
        min_length=3, max_length=30, description="A phone number, or a 3-8 digit extension"
    )
    purpose: str = Field(min_length=1, max_length=200, pattern=SHOWS_TEXT)
    department: Department | None = None


class PhoneBookOut(BaseModel):
    source: Literal["phone_book", "staff"] = Field(description="A number, or a member of staff")
    id: str = Field(description="The entry's id, or the staff id")
    site_id: str
    name: str
    number: str
    purpose: str = Field(description="What to transfer there; for staff, their post")
    department: Department | None


def entry_out(entry: PhoneBookEntry) -> PhoneBookOut:
    d = entry.details
    return PhoneBookOut(
        source="phone_book",
        id=str(entry.entry_id),
        site_id=entry.site_id,
        name=d.name,
        number=d.number,
        purpose=d.purpose,
        department=d.department,
    )


@router.put(
    "/phone-book/{entry_id}",
    summary="Add a number to the phone book, or change one (KB-12)",
    responses={201: {"description": "A new entry"}},
)
async def record_phone_book_entry(
    entry_id: uuid.UUID,
    body: PhoneBookIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> PhoneBookOut:
    principal.require_site(body.site_id)
    entry, created = await bus.handle(
        RecordPhoneBookEntry(
            entry_id=entry_id,
            site_id=body.site_id,
            details=PhoneBookDetails(body.name, body.number, body.purpose, body.department),
            visible_sites=principal.visible_sites,
        )
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
        response.headers["Location"] = f"/phone-book/{entry_id}"
    return entry_out(entry)


@router.delete(
    "/phone-book/{entry_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Take a number out of the phone book (kept for the record)",
)
async def remove_phone_book_entry(
    entry_id: uuid.UUID, principal: CurrentPrincipal, bus: Bus
) -> Response:
    await bus.handle(RemovePhoneBookEntry(entry_id, principal.visible_sites))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/phone-book",
    summary="Numbers to transfer a call to: the phone book and the staff of the caller's sites "
    "and the company, found by words (name, purpose, department, number)",
)
async def search_phone_book(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    q: Annotated[
        str | None, Query(min_length=1, max_length=60, pattern=SHOWS_TEXT, examples=["燃气"])
    ] = None,
    site_id: SiteFilter = None,
) -> Page[PhoneBookOut]:
    words = q or ""
    found = [
        entry_out(e)
        for e in await reader.phone_book.in_use(principal.visible_sites)
        if e.matches(words)
    ]
    for member in await reader.staff.reachable(principal.visible_sites):
        d = member.details
        if member.matches(words):
            found.append(
                PhoneBookOut(
                    source="staff",
                    id=member.staff_id,
                    site_id=member.site_id,
                    name=d.name,
                    number=d.phones[0],
                    purpose=d.title,
                    department=d.department,
                )
            )
    if site_id is not None:
        found = [f for f in found if f.site_id in (site_id, COMPANY)]
    return page_of(cut(found, page), page, lambda f: f)
