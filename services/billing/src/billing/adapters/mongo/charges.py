"""Charges in billing's own database; amounts stored as integer fen."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document, listing_query, within
from hotline_libs.paging import ANY_TIME, Found, PageRequest, TimeWindow
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from billing.adapters.outbound import events_v1
from billing.domain.charge import (
    Charge,
    ChargeLine,
    ChargeStatus,
    Delivered,
    Payer,
    Payment,
    PaymentMethod,
    Rejection,
)
from contracts import Event

CHARGES = "charges"


def _fen(amount: Decimal | None) -> int | None:
    return None if amount is None else to_fen(amount)


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else from_fen(fen)


def payment_document(payment: Payment | None) -> Document | None:
    if payment is None:
        return None
    return {
        "method": payment.method.value,
        "amount_fen": to_fen(payment.amount),
        "reference": payment.reference,
        "paid_at": payment.paid_at,
        "booked_at": payment.booked_at,
        "booked_by": payment.booked_by,
    }


def payment_of(document: Document | None) -> Payment | None:
    if not document:
        return None
    return Payment(
        method=PaymentMethod(document["method"]),
        amount=from_fen(document["amount_fen"]),
        reference=document["reference"],
        paid_at=document["paid_at"],
        booked_at=document["booked_at"],
        booked_by=document["booked_by"],
    )


def payer_document(payer: Payer) -> Document:
    return {
        "name": payer.name,
        "phone": payer.phone,
        "email": payer.email,
        "building": payer.building,
        "room": payer.room,
    }


WAITING = "waiting_since"
"""Set only while the charge waits for finance: indexed, so a price-list correction finds the
waiting charges without reading every charge ever raised."""


class MongoCharges(AggregateRepository[Charge]):
    collection_name = CHARGES
    markers = frozenset({WAITING})

    def identity(self, aggregate: Charge) -> str:
        return str(aggregate.charge_id)

    def to_document(self, aggregate: Charge) -> Document:
        c = aggregate
        return {
            "charge_no": c.charge_no,
            "work_order_id": str(c.work_order_id),
            "work_order_no": c.work_order_no,
            "request_id": str(c.request_id),
            "request_no": c.request_no,
            "site_id": c.site_id,
            "payer": payer_document(c.payer),
            "delivered": [
                {
                    "item_code": d.item_code,
                    "quantity": d.quantity,
                    "agreed_unit_price_fen": _fen(d.agreed_unit_price),
                }
                for d in c.delivered
            ],
            "payment_method": c.payment_method.value if c.payment_method else None,
            "created_at": c.created_at,
            "status": c.status.value,
            WAITING: c.created_at if c.status is ChargeStatus.NEEDS_PRICING else None,
            "lines": [
                {
                    "item_code": line.item_code,
                    "item_name": line.item_name,
                    "unit": line.unit,
                    "unit_price_fen": to_fen(line.unit_price),
                    "quantity": line.quantity,
                    "amount_fen": to_fen(line.amount),
                }
                for line in c.lines
            ],
            "total_fen": _fen(c.total),
            "problems": list(c.problems),
            "raised_at": c.raised_at,
            "priced_by": c.priced_by,
            "note": c.note,
            "service_record_no": c.service_record_no,
            "technician_id": c.technician_id,
            "price_list_version": c.price_list_version,
            "collecting_in": c.collecting_in,
            "rejections": [vars(r) for r in c.rejections],
            "payment": payment_document(c.payment),
        }

    def from_document(self, document: Document) -> Charge:
        return Charge(
            charge_id=uuid.UUID(document["_id"]),
            charge_no=document["charge_no"],
            work_order_id=uuid.UUID(document["work_order_id"]),
            work_order_no=document["work_order_no"],
            request_id=uuid.UUID(document["request_id"]),
            request_no=document["request_no"],
            site_id=document["site_id"],
            payer=Payer(**document["payer"]),
            delivered=tuple(
                Delivered(d["item_code"], d["quantity"], _yuan(d.get("agreed_unit_price_fen")))
                for d in document["delivered"]
            ),
            payment_method=PaymentMethod(document["payment_method"])
            if document.get("payment_method")
            else None,
            created_at=document["created_at"],
            status=ChargeStatus(document["status"]),
            lines=tuple(
                ChargeLine(
                    item_code=line["item_code"],
                    item_name=line["item_name"],
                    unit=line["unit"],
                    unit_price=from_fen(line["unit_price_fen"]),
                    quantity=line["quantity"],
                    amount=from_fen(line["amount_fen"]),
                )
                for line in document["lines"]
            ),
            problems=tuple(document.get("problems") or ()),
            raised_at=document.get("raised_at"),
            priced_by=document.get("priced_by"),
            note=document.get("note"),
            service_record_no=document.get("service_record_no"),
            technician_id=document.get("technician_id"),
            price_list_version=document.get("price_list_version"),
            collecting_in=document.get("collecting_in"),
            rejections=tuple(Rejection(**r) for r in document.get("rejections") or ()),
            payment=payment_of(document.get("payment")),
        )

    def to_integration(
        self, aggregate: Charge, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return events_v1.to_integration(aggregate, event, context)

    async def waiting_at(self, site_id: str) -> list[Charge]:
        return await self.find(
            {WAITING: {"$exists": True}, "site_id": site_id},
            sort=[("created_at", 1)],
            track=True,
        )

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        request_id: uuid.UUID | None = None,
        status: ChargeStatus | None = None,
        created: TimeWindow = ANY_TIME,
    ) -> Found[Charge]:
        """For finance's lists: newest first."""
        query = listing_query(
            sites,
            site_id=site_id,
            request_id=str(request_id) if request_id else None,
            status=status.value if status else None,
            created_at=within(created),
        )
        return await self.page(query, sort=[("created_at", -1), ("_id", -1)], page=page)

    async def created_between(self, site_id: str, start: datetime, end: datetime) -> list[Charge]:
        """The site's charges created in the window (the services signed for then), oldest
        first."""
        return await self.find(
            {"site_id": site_id, "created_at": {"$gte": start, "$lt": end}},
            sort=[("created_at", 1), ("_id", 1)],
        )

    async def paid_between(self, site_id: str, start: datetime, end: datetime) -> list[Charge]:
        """The site's charges whose payment was booked in the window."""
        return await self.find(
            {"site_id": site_id, "payment.booked_at": {"$gte": start, "$lt": end}},
            sort=[("payment.booked_at", 1), ("_id", 1)],
        )

    async def sites(self) -> set[str]:
        """Every site with any record here (for the company's view across sites)."""
        return set(await self._collection.distinct("site_id"))

    async def collectable_at(self, site_id: str, batch_id: str) -> list[Charge]:
        """The site's raised, unpaid charges owed by bank collection that no other batch holds
        (those this batch holds already included), oldest first (tracked for saving)."""
        return await self.find(
            {
                "site_id": site_id,
                "status": ChargeStatus.RAISED.value,
                "payment_method": PaymentMethod.BANK_COLLECTION.value,
                "collecting_in": {"$in": [None, batch_id]},
            },
            sort=[("created_at", 1), ("_id", 1)],
            track=True,
        )
