"""Work orders and technicians in dispatch's own database."""

from __future__ import annotations

import uuid
from typing import Any

from contracts.envelope import PaymentMethod, Resident
from contracts.intake.v1 import RequestKind
from hotline_libs.mongo import Document, insert_once, listing_query
from hotline_libs.outbox import OUTBOX_FIELD, outbox_entry
from pymongo.asynchronous.database import AsyncDatabase

from contracts import Event
from dispatch.domain.model import Completion, ItemUsed, Technician, WorkOrder, WorkOrderStatus

WORK_ORDERS = "work_orders"
TECHNICIANS = "technicians"


def _technician_document(technician: Technician) -> Document:
    return {
        "technician_id": technician.technician_id,
        "site_id": technician.site_id,
        "name": technician.name,
        "phone": technician.phone,
        "trades": sorted(technician.trades),
        "on_duty": technician.on_duty,
    }


def _technician(document: Document) -> Technician:
    return Technician(
        technician_id=document["technician_id"],
        site_id=document["site_id"],
        name=document["name"],
        phone=document["phone"],
        trades=frozenset(document["trades"]),
        on_duty=document.get("on_duty", True),
    )


def _completion_document(completion: Completion | None) -> Document | None:
    if completion is None:
        return None
    return {
        "completed_at": completion.completed_at,
        "items": [{"item_code": i.item_code, "quantity": i.quantity} for i in completion.items],
        "payment_method": completion.payment_method.value if completion.payment_method else None,
        "resident_signed": completion.resident_signed,
    }


def _work_order_document(order: WorkOrder) -> Document:
    return {
        "_id": str(order.work_order_id),
        "work_order_no": order.work_order_no,
        "request_id": str(order.request_id),
        "request_no": order.request_no,
        "site_id": order.site_id,
        "kind": order.kind.value,
        "description": order.description,
        "resident": order.resident.model_dump(),
        "technician": _technician_document(order.technician),
        "technician_id": order.technician.technician_id,
        "appointment_at": order.appointment_at,
        "accepted_at": order.accepted_at,
        "dispatched_at": order.dispatched_at,
        "dispatch_due_at": order.dispatch_due_at,
        "dispatched_on_time": order.dispatched_on_time,
        "status": order.status.value,
        "completion": _completion_document(order.completion),
    }


def _work_order(document: Document) -> WorkOrder:
    completion = document.get("completion")
    return WorkOrder(
        work_order_id=uuid.UUID(document["_id"]),
        work_order_no=document["work_order_no"],
        request_id=uuid.UUID(document["request_id"]),
        request_no=document["request_no"],
        site_id=document["site_id"],
        kind=RequestKind(document["kind"]),
        description=document["description"],
        resident=Resident.model_validate(document["resident"]),
        technician=_technician(document["technician"]),
        appointment_at=document.get("appointment_at"),
        accepted_at=document["accepted_at"],
        dispatched_at=document["dispatched_at"],
        status=WorkOrderStatus(document["status"]),
        completion=None
        if completion is None
        else Completion(
            completed_at=completion["completed_at"],
            items=tuple(ItemUsed(**item) for item in completion["items"]),
            payment_method=PaymentMethod(completion["payment_method"])
            if completion["payment_method"]
            else None,
            resident_signed=completion["resident_signed"],
        ),
    )


class MongoWorkOrders:
    """Stores each work order with the events its changes cause, one document write each."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[WORK_ORDERS]
        self._db = db

    async def add(self, order: WorkOrder, events: list[Event[Any]]) -> bool:
        document = _work_order_document(order)
        document[OUTBOX_FIELD] = [outbox_entry(event) for event in events]
        return await insert_once(self._db, WORK_ORDERS, document)

    async def get(self, work_order_id: uuid.UUID) -> WorkOrder | None:
        document = await self._collection.find_one({"_id": str(work_order_id)})
        return None if document is None else _work_order(document)

    async def save_completion(self, order: WorkOrder, events: list[Event[Any]]) -> bool:
        """Record the completion if the order is still open; False if it was not."""
        result = await self._collection.update_one(
            {"_id": str(order.work_order_id), "status": WorkOrderStatus.DISPATCHED.value},
            {
                "$set": {
                    "status": order.status.value,
                    "completion": _completion_document(order.completion),
                },
                "$push": {OUTBOX_FIELD: {"$each": [outbox_entry(event) for event in events]}},
            },
        )
        return result.modified_count == 1

    async def find(
        self,
        *,
        sites: frozenset[str] | None,
        request_id: uuid.UUID | None,
        status: WorkOrderStatus | None,
        limit: int,
    ) -> list[WorkOrder]:
        query = listing_query(
            sites,
            request_id=str(request_id) if request_id else None,
            status=status.value if status else None,
        )
        cursor = self._collection.find(query).sort("dispatched_at", -1).limit(limit)
        return [_work_order(document) async for document in cursor]


class MongoTechnicians:
    """Technicians, with a count of the work orders each has open.

    The count is kept beside the technician (not counted from work orders on every dispatch) and
    only steers assignment: after a crash between a work order's write and the count's, it can
    be off by one, which costs nothing but a slightly uneven share of work.
    """

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[TECHNICIANS]

    async def at_site(self, site_id: str) -> list[Technician]:
        cursor = self._collection.find({"site_id": site_id}).sort("technician_id", 1)
        return [_technician(document) async for document in cursor]

    async def workload(self, site_id: str) -> dict[str, int]:
        cursor = self._collection.find({"site_id": site_id}, {"open_orders": 1})
        return {str(d["_id"]): int(d.get("open_orders", 0)) async for d in cursor}

    async def change_workload(self, technician_id: str, delta: int) -> None:
        await self._collection.update_one({"_id": technician_id}, {"$inc": {"open_orders": delta}})

    async def save(self, technician: Technician) -> None:
        await self._collection.update_one(
            {"_id": technician.technician_id},
            {"$set": _technician_document(technician)},
            upsert=True,
        )
