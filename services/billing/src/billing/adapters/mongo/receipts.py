"""The sites' receipt books in billing's own database; amounts stored as integer fen."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document, listing_query
from hotline_libs.paging import Found, PageRequest
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from billing.domain.receipt import Receipt, ReceiptStatus
from contracts import Event

RECEIPTS = "receipts"
OUT = "out_since"
"""Set only while the receipt is out with a technician: the charge's live receipt and the cash
owed to finance are found by it without reading the whole book."""


class MongoReceipts(AggregateRepository[Receipt]):
    collection_name = RECEIPTS
    markers = frozenset({OUT})

    def identity(self, aggregate: Receipt) -> str:
        return aggregate.receipt_id

    def to_document(self, aggregate: Receipt) -> Document:
        r = aggregate
        return {
            "site_id": r.site_id,
            "number": r.number,
            "receipt_no": r.receipt_no,
            "charge_id": str(r.charge_id),
            "charge_no": r.charge_no,
            "service_record_no": r.service_record_no,
            "amount_fen": to_fen(r.amount),
            "payer_name": r.payer_name,
            "building": r.building,
            "room": r.room,
            "issued_to": r.issued_to,
            "issued_by": r.issued_by,
            "issued_at": r.issued_at,
            "status": r.status.value,
            OUT: r.issued_at if r.live else None,
            "booked_at": r.booked_at,
            "booked_by": r.booked_by,
            "voided_at": r.voided_at,
            "voided_by": r.voided_by,
            "void_reason": r.void_reason,
            "for_fee_bill": r.for_fee_bill,
        }

    def from_document(self, document: Document) -> Receipt:
        return Receipt(
            site_id=document["site_id"],
            number=document["number"],
            charge_id=uuid.UUID(document["charge_id"]),
            charge_no=document["charge_no"],
            service_record_no=document.get("service_record_no"),
            amount=from_fen(document["amount_fen"]),
            payer_name=document["payer_name"],
            building=document["building"],
            room=document["room"],
            issued_to=document["issued_to"],
            issued_by=document["issued_by"],
            issued_at=document["issued_at"],
            status=ReceiptStatus(document["status"]),
            booked_at=document.get("booked_at"),
            booked_by=document.get("booked_by"),
            voided_at=document.get("voided_at"),
            voided_by=document.get("voided_by"),
            void_reason=document.get("void_reason"),
            for_fee_bill=document.get("for_fee_bill", False),
        )

    def to_integration(
        self, aggregate: Receipt, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return None  # the charge's payment is what other services hear of

    async def last_number(self, site_id: str) -> int:
        last = await self.find({"site_id": site_id}, sort=[("number", -1)], limit=1)
        return last[0].number if last else 0

    async def live_for(self, charge_id: object) -> list[Receipt]:
        return await self.find(
            {OUT: {"$exists": True}, "charge_id": str(charge_id)},
            sort=[("number", 1)],
            track=True,
        )

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        status: ReceiptStatus | None = None,
        issued_to: str | None = None,
        charge_id: uuid.UUID | None = None,
    ) -> Found[Receipt]:
        """The receipt book, newest number first."""
        query = listing_query(
            sites,
            site_id=site_id,
            status=status.value if status else None,
            issued_to=issued_to,
            charge_id=str(charge_id) if charge_id else None,
        )
        return await self.page(query, sort=[("site_id", 1), ("number", -1), ("_id", -1)], page=page)

    async def touched_between(
        self, site_id: str, field: str, start: datetime, end: datetime
    ) -> list[Receipt]:
        """The site's receipts whose ``field`` (issued_at, booked_at, voided_at) falls in the
        window."""
        return await self.find(
            {"site_id": site_id, field: {"$gte": start, "$lt": end}}, sort=[("number", 1)]
        )

    async def out_at(self, site_id: str, until: datetime) -> list[Receipt]:
        """The site's receipts out with technicians, drawn before ``until``."""
        return await self.find(
            {OUT: {"$exists": True, "$lt": until}, "site_id": site_id}, sort=[("number", 1)]
        )
