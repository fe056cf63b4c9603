"""Staff and the phone book, in intake's own database."""

from __future__ import annotations

import uuid
from typing import Any

from hotline_libs.auth import Role
from hotline_libs.mongo import Document, listing_query
from hotline_libs.paging import Found, PageRequest
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from contracts import Event
from intake.adapters.outbound import directory_v1
from intake.domain.complaint import Department
from intake.domain.phone_book import PhoneBookDetails, PhoneBookEntry
from intake.domain.staff import StaffDetails, StaffMember

STAFF = "staff"
PHONE_BOOK = "phone_book"
COMPANY = "*"


def _reach(sites: frozenset[str] | None) -> frozenset[str] | None:
    """The sites whose records a caller sees: their own, and the company's."""
    return None if sites is None else sites | {COMPANY}


class MongoStaff(AggregateRepository[StaffMember]):
    collection_name = STAFF

    def identity(self, aggregate: StaffMember) -> str:
        return aggregate.staff_id

    def to_document(self, aggregate: StaffMember) -> Document:
        d = aggregate.details
        return {
            "site_id": aggregate.site_id,
            "name": d.name,
            "title": d.title,
            "department": d.department.value,
            "phones": list(d.phones),
            "email": d.email,
            "steward_of": list(d.steward_of),
            "information_liaison": d.information_liaison,
            "roles": sorted(d.roles),
            "active": d.active,
            "login": d.login,
            "updated_at": aggregate.updated_at,
        }

    def from_document(self, document: Document) -> StaffMember:
        return StaffMember(
            staff_id=document["_id"],
            site_id=document["site_id"],
            details=StaffDetails(
                name=document["name"],
                title=document["title"],
                department=Department(document["department"]),
                phones=tuple(document["phones"]),
                email=document.get("email"),
                steward_of=tuple(document.get("steward_of", [])),
                information_liaison=document.get("information_liaison", False),
                roles=frozenset(Role(role) for role in document.get("roles", [])),
                active=document.get("active", True),
                login=document.get("login"),
            ),
            updated_at=document["updated_at"],
        )

    def to_integration(
        self, aggregate: StaffMember, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return directory_v1.staff_recorded(aggregate, event, context)

    async def of_site(self, site_id: str) -> list[StaffMember]:
        """Everyone on record at a site, the leavers included."""
        return await self.find({"site_id": site_id}, sort=[("name", 1), ("_id", 1)])

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        department: Department | None = None,
        building: str | None = None,
        liaison: bool | None = None,
    ) -> Found[StaffMember]:
        query = listing_query(
            _reach(sites),
            site_id=site_id,
            department=department.value if department else None,
            steward_of=building,
            information_liaison=liaison,
        )
        return await self.page(query, sort=[("site_id", 1), ("name", 1), ("_id", 1)], page=page)

    async def reachable(self, sites: frozenset[str] | None) -> list[StaffMember]:
        """Everyone still working whom the caller may transfer to, for the phone book."""
        query = listing_query(_reach(sites), active=True)
        return await self.find(query, sort=[("name", 1), ("_id", 1)])


class MongoPhoneBook(AggregateRepository[PhoneBookEntry]):
    collection_name = PHONE_BOOK
    markers = frozenset({"removed_at"})

    def identity(self, aggregate: PhoneBookEntry) -> str:
        return str(aggregate.entry_id)

    def to_document(self, aggregate: PhoneBookEntry) -> Document:
        d = aggregate.details
        return {
            "site_id": aggregate.site_id,
            "name": d.name,
            "number": d.number,
            "purpose": d.purpose,
            "department": d.department.value if d.department else None,
            "updated_at": aggregate.updated_at,
            "removed_at": aggregate.removed_at,
        }

    def from_document(self, document: Document) -> PhoneBookEntry:
        department = document.get("department")
        return PhoneBookEntry(
            entry_id=uuid.UUID(document["_id"]),
            site_id=document["site_id"],
            details=PhoneBookDetails(
                name=document["name"],
                number=document["number"],
                purpose=document["purpose"],
                department=Department(department) if department else None,
            ),
            updated_at=document["updated_at"],
            removed_at=document.get("removed_at"),
        )

    async def in_use(self, sites: frozenset[str] | None) -> list[PhoneBookEntry]:
        """The numbers in the caller's reach, not removed (a book of some hundreds at most)."""
        query = listing_query(_reach(sites), removed_at={"$exists": False})
        return await self.find(query, sort=[("name", 1), ("_id", 1)])
