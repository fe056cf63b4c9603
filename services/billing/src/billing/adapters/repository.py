"""Price lists and charges in billing's own database; amounts stored as integer fen."""

from __future__ import annotations

import uuid
from typing import Any

from contracts.envelope import PaymentMethod, Resident
from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document, insert_once, listing_query
from hotline_libs.outbox import OUTBOX_FIELD, outbox_entry
from pymongo.asynchronous.database import AsyncDatabase

from billing.domain.model import Charge, ChargeLine, PriceItem, PriceList
from contracts import Event

CHARGES = "charges"
PRICE_LISTS = "price_lists"


def _charge_document(charge: Charge, events: list[Event[Any]]) -> Document:
    return {
        "_id": str(charge.charge_id),
        "charge_no": charge.charge_no,
        "work_order_id": str(charge.work_order_id),
        "request_id": str(charge.request_id),
        "request_no": charge.request_no,
        "site_id": charge.site_id,
        "resident": charge.resident.model_dump(),
        "lines": [
            {
                "item_code": line.item_code,
                "item_name": line.item_name,
                "unit": line.unit,
                "unit_price_fen": to_fen(line.unit_price),
                "quantity": line.quantity,
                "amount_fen": to_fen(line.amount),
            }
            for line in charge.lines
        ],
        "total_fen": to_fen(charge.total),
        "payment_method": charge.payment_method.value,
        "raised_at": charge.raised_at,
        "status": "raised",
        OUTBOX_FIELD: [outbox_entry(event) for event in events],
    }


def _charge(document: Document) -> Charge:
    return Charge(
        charge_id=uuid.UUID(document["_id"]),
        charge_no=document["charge_no"],
        work_order_id=uuid.UUID(document["work_order_id"]),
        request_id=uuid.UUID(document["request_id"]),
        request_no=document["request_no"],
        site_id=document["site_id"],
        resident=Resident.model_validate(document["resident"]),
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
        payment_method=PaymentMethod(document["payment_method"]),
        raised_at=document["raised_at"],
    )


class MongoCharges:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db

    async def add(self, charge: Charge, events: list[Event[Any]]) -> bool:
        return await insert_once(self._db, CHARGES, _charge_document(charge, events))

    async def get(self, charge_id: uuid.UUID) -> Charge | None:
        document = await self._db[CHARGES].find_one({"_id": str(charge_id)})
        return None if document is None else _charge(document)

    async def find(
        self, *, sites: frozenset[str] | None, request_id: uuid.UUID | None, limit: int
    ) -> list[Charge]:
        query = listing_query(sites, request_id=str(request_id) if request_id else None)
        cursor = self._db[CHARGES].find(query).sort("raised_at", -1).limit(limit)
        return [_charge(document) async for document in cursor]


class MongoPriceLists:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[PRICE_LISTS]

    async def for_site(self, site_id: str) -> PriceList | None:
        document = await self._collection.find_one({"_id": site_id})
        if document is None:
            return None
        return PriceList(
            site_id=site_id,
            items={
                item["item_code"]: PriceItem(
                    item["item_code"], item["name"], item["unit"], from_fen(item["unit_price_fen"])
                )
                for item in document["items"]
            },
        )

    async def save(self, price_list: PriceList) -> None:
        await self._collection.replace_one(
            {"_id": price_list.site_id},
            {
                "items": [
                    {
                        "item_code": i.item_code,
                        "name": i.name,
                        "unit": i.unit,
                        "unit_price_fen": to_fen(i.unit_price),
                    }
                    for i in sorted(price_list.items.values(), key=lambda i: i.item_code)
                ]
            },
            upsert=True,
        )
