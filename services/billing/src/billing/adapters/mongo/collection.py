"""Mandates, the sites' collecting accounts, collection batches and their debits in billing's
own database; amounts as integer fen."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document, listing_query
from hotline_libs.paging import Found, PageRequest
from hotline_libs.unit_of_work import BOOKKEEPING_PROJECTION, AggregateRepository, EventContext

from billing.domain.collection import (
    BatchStatus,
    CollectionBatch,
    CollectionDebit,
    DebitStatus,
    SiteCreditor,
    debit_id,
)
from billing.domain.mandate import Mandate, MandateStatus
from contracts import Event

MANDATES = "mandates"
CREDITORS = "site_creditors"
BATCHES = "collection_batches"
DEBITS = "collection_debits"


class _Quiet:
    """These records publish nothing of their own: the charges' events tell the others."""

    def to_integration(
        self, aggregate: Any, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return None


class MongoMandates(_Quiet, AggregateRepository[Mandate]):
    collection_name = MANDATES

    def identity(self, aggregate: Mandate) -> str:
        return aggregate.mandate_id

    def to_document(self, aggregate: Mandate) -> Document:
        m = aggregate
        return {
            "site_id": m.site_id,
            "building": m.building,
            "room": m.room,
            "holder": m.holder,
            "account": m.account,
            "bank": m.bank,
            "signed_on": m.signed_on.isoformat(),
            "recorded_at": m.recorded_at,
            "recorded_by": m.recorded_by,
            "status": m.status.value,
            "revoked_on": m.revoked_on.isoformat() if m.revoked_on else None,
            "revoke_reason": m.revoke_reason,
        }

    def from_document(self, document: Document) -> Mandate:
        return Mandate(
            mandate_id=document["_id"],
            site_id=document["site_id"],
            building=document["building"],
            room=document["room"],
            holder=document["holder"],
            account=document["account"],
            bank=document["bank"],
            signed_on=date.fromisoformat(document["signed_on"]),
            recorded_at=document["recorded_at"],
            recorded_by=document["recorded_by"],
            status=MandateStatus(document["status"]),
            revoked_on=date.fromisoformat(document["revoked_on"])
            if document.get("revoked_on")
            else None,
            revoke_reason=document.get("revoke_reason"),
        )

    async def active_at(self, site_id: str) -> list[Mandate]:
        """The site's active mandates, the latest signed last (it wins for its unit)."""
        return await self.find(
            {"site_id": site_id, "status": MandateStatus.ACTIVE.value},
            sort=[("signed_on", 1), ("_id", 1)],
        )

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        building: str | None = None,
        room: str | None = None,
        status: MandateStatus | None = None,
    ) -> Found[Mandate]:
        query = listing_query(
            sites,
            site_id=site_id,
            building=building,
            room=room,
            status=status.value if status else None,
        )
        return await self.page(
            query, sort=[("site_id", 1), ("building", 1), ("room", 1), ("_id", 1)], page=page
        )


class MongoCreditors(_Quiet, AggregateRepository[SiteCreditor]):
    collection_name = CREDITORS

    def identity(self, aggregate: SiteCreditor) -> str:
        return aggregate.site_id

    def to_document(self, aggregate: SiteCreditor) -> Document:
        c = aggregate
        return {
            "name": c.name,
            "account": c.account,
            "bank": c.bank,
            "scheme_id": c.scheme_id,
            "recorded_at": c.recorded_at,
            "recorded_by": c.recorded_by,
        }

    def from_document(self, document: Document) -> SiteCreditor:
        return SiteCreditor(
            site_id=document["_id"],
            name=document["name"],
            account=document["account"],
            bank=document["bank"],
            scheme_id=document.get("scheme_id"),
            recorded_at=document["recorded_at"],
            recorded_by=document["recorded_by"],
        )


class MongoBatches(_Quiet, AggregateRepository[CollectionBatch]):
    collection_name = BATCHES

    def identity(self, aggregate: CollectionBatch) -> str:
        return aggregate.batch_id

    def to_document(self, aggregate: CollectionBatch) -> Document:
        b = aggregate
        return {
            "site_id": b.site_id,
            "collection_date": b.collection_date.isoformat(),
            "created_at": b.created_at,
            "created_by": b.created_by,
            "status": b.status.value,
            "number_of_debits": b.number_of_debits,
            "control_sum_fen": to_fen(b.control_sum),
            "without_mandate": list(b.without_mandate),
            "sent_at": b.sent_at,
            "settled": b.settled,
            "settled_sum_fen": to_fen(b.settled_sum),
            "rejected": b.rejected,
            "rejected_sum_fen": to_fen(b.rejected_sum),
            "imported": list(b.imported),
        }

    def from_document(self, document: Document) -> CollectionBatch:
        return CollectionBatch(
            batch_id=document["_id"],
            site_id=document["site_id"],
            collection_date=date.fromisoformat(document["collection_date"]),
            created_at=document["created_at"],
            created_by=document["created_by"],
            status=BatchStatus(document["status"]),
            number_of_debits=document["number_of_debits"],
            control_sum=from_fen(document["control_sum_fen"]),
            without_mandate=tuple(document.get("without_mandate") or ()),
            sent_at=document.get("sent_at"),
            settled=document.get("settled", 0),
            settled_sum=from_fen(document.get("settled_sum_fen", 0)),
            rejected=document.get("rejected", 0),
            rejected_sum=from_fen(document.get("rejected_sum_fen", 0)),
            imported=tuple(document.get("imported") or ()),
        )

    async def listing(
        self, *, sites: frozenset[str] | None, page: PageRequest, site_id: str | None = None
    ) -> Found[CollectionBatch]:
        query = listing_query(sites, site_id=site_id)
        return await self.page(query, sort=[("collection_date", -1), ("_id", -1)], page=page)


class MongoDebits(_Quiet, AggregateRepository[CollectionDebit]):
    collection_name = DEBITS

    def identity(self, aggregate: CollectionDebit) -> str:
        return debit_id(aggregate.batch_id, aggregate.charge_id)

    def to_document(self, aggregate: CollectionDebit) -> Document:
        d = aggregate
        return {
            "batch_id": d.batch_id,
            "site_id": d.site_id,
            "charge_id": str(d.charge_id),
            "end_to_end_id": d.end_to_end_id,
            "amount_fen": to_fen(d.amount),
            "mandate_id": d.mandate_id,
            "mandate_signed_on": d.mandate_signed_on.isoformat(),
            "holder": d.holder,
            "account": d.account,
            "bank": d.bank,
            "remittance": d.remittance,
            "status": d.status.value,
            "reason_code": d.reason_code,
            "reason": d.reason,
            "answered_at": d.answered_at,
            "answered_in": d.answered_in,
            "for_fee_bill": d.for_fee_bill,
        }

    def from_document(self, document: Document) -> CollectionDebit:
        return CollectionDebit(
            batch_id=document["batch_id"],
            site_id=document["site_id"],
            charge_id=uuid.UUID(document["charge_id"]),
            end_to_end_id=document["end_to_end_id"],
            amount=from_fen(document["amount_fen"]),
            mandate_id=document["mandate_id"],
            mandate_signed_on=date.fromisoformat(document["mandate_signed_on"]),
            holder=document["holder"],
            account=document["account"],
            bank=document["bank"],
            remittance=document["remittance"],
            status=DebitStatus(document["status"]),
            reason_code=document.get("reason_code"),
            reason=document.get("reason"),
            answered_at=document.get("answered_at"),
            answered_in=document.get("answered_in"),
            for_fee_bill=document.get("for_fee_bill", False),
        )

    async def in_batch(self, batch_id: str) -> AsyncIterator[CollectionDebit]:
        """The batch's debits by end-to-end id, read one by one (a file of a million debits
        never sits in memory)."""
        cursor = self._collection.find({"batch_id": batch_id}, BOOKKEEPING_PROJECTION).sort(
            [("end_to_end_id", 1)]
        )
        async for document in cursor:
            yield self._load(document)

    async def totals(self, batch_id: str) -> tuple[int, Decimal]:
        count, fen = 0, 0
        async for document in self._collection.find({"batch_id": batch_id}, {"amount_fen": 1}):
            count += 1
            fen += document["amount_fen"]
        return count, from_fen(fen)

    async def answered_by(self, batch_id: str, end_to_end_ids: list[str]) -> list[CollectionDebit]:
        """The batch's debits a bank file names (tracked for saving)."""
        return await self.find(
            {"batch_id": batch_id, "end_to_end_id": {"$in": end_to_end_ids}}, track=True
        )
