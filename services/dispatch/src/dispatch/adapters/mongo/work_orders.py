"""Work orders in dispatch's own database, in dispatch's own shape."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from hotline_libs.mongo import Document, listing_query, within
from hotline_libs.paging import ANY_TIME, Found, PageRequest, TimeWindow
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from contracts import Event
from dispatch.adapters.outbound import events_v1
from dispatch.domain.field_records import DamageCase, Drawn, MaterialLine
from dispatch.domain.technician import Assignee
from dispatch.domain.work_order import (
    WITH_TECHNICIAN,
    Actor,
    Board,
    Change,
    Completion,
    Contact,
    Escalation,
    FieldClocks,
    ItemUsed,
    PaymentMethod,
    Quote,
    SignOff,
    Step,
    WorkOrder,
    WorkOrderStatus,
)

WORK_ORDERS = "work_orders"


def _contact(contact: Contact) -> Document:
    return {
        "name": contact.name,
        "phone": contact.phone,
        "email": contact.email,
        "building": contact.building,
        "room": contact.room,
    }


def _item(item: ItemUsed) -> Document:
    return {
        "item_code": item.item_code,
        "quantity": item.quantity,
        "agreed_unit_price": None
        if item.agreed_unit_price is None
        else str(item.agreed_unit_price),
    }


def _from_item(item: Document) -> ItemUsed:
    price = item.get("agreed_unit_price")
    return ItemUsed(item["item_code"], item["quantity"], None if price is None else Decimal(price))


def _completion(completion: Completion | None) -> Document | None:
    if completion is None:
        return None
    return {
        "completed_at": completion.completed_at,
        "items": [_item(item) for item in completion.items],
        "payment_method": completion.payment_method.value if completion.payment_method else None,
    }


def _from_completion(document: Document | None) -> Completion | None:
    if document is None:
        return None
    return Completion(
        completed_at=document["completed_at"],
        items=tuple(_from_item(item) for item in document["items"]),
        payment_method=PaymentMethod(document["payment_method"])
        if document["payment_method"]
        else None,
    )


def _quote(quote: Quote | None) -> Document | None:
    if quote is None:
        return None
    return {
        "items": [_item(item) for item in quote.items],
        "quoted_at": quote.quoted_at,
        "service_record_no": quote.service_record_no,
    }


def _from_quote(document: Document | None) -> Quote | None:
    if document is None:
        return None
    return Quote(
        items=tuple(_from_item(item) for item in document["items"]),
        quoted_at=document["quoted_at"],
        service_record_no=document["service_record_no"],
    )


def _sign_off(sign_off: SignOff | None) -> Document | None:
    if sign_off is None:
        return None
    return {
        "signed_by": sign_off.signed_by,
        "satisfied": sign_off.satisfied,
        "signature_ref": sign_off.signature_ref,
        "opinion": sign_off.opinion,
        "signed_at": sign_off.signed_at,
    }


def _from_sign_off(document: Document | None) -> SignOff | None:
    return None if document is None else SignOff(**document)


def _change(change: Change) -> Document:
    return {
        "step": change.step.value,
        "from": change.from_status.value,
        "to": change.to_status.value,
        "at": change.at,
        "actor": {
            "subject": change.actor.subject,
            "role": change.actor.role,
            "name": change.actor.name,
        },
        "reason": change.reason,
    }


def _from_change(document: Document) -> Change:
    return Change(
        step=Step(document["step"]),
        from_status=WorkOrderStatus(document["from"]),
        to_status=WorkOrderStatus(document["to"]),
        at=document["at"],
        actor=Actor(**document["actor"]),
        reason=document["reason"],
    )


def _from_clocks(document: Document | None) -> FieldClocks:
    if document is None:
        return FieldClocks()  # made before the field clocks: the defaults
    return FieldClocks(
        accept_within=timedelta(seconds=document["accept_within_s"]),
        emergency_within=timedelta(seconds=document["emergency_within_s"]),
        routine_within=timedelta(seconds=document["routine_within_s"]),
    )


def _signed_when_stored_before_sign_off(document: Document) -> Document:
    """Orders completed before sign-off was a step of its own were signed, satisfied, with the
    completion (it required ``resident_signed``): read them as signed off."""
    completion = document.get("completion") or {}
    if "history" in document or not completion.get("resident_signed"):
        return document
    return {
        **document,
        "status": WorkOrderStatus.SIGNED_OFF.value,
        "sign_off": {
            "signed_by": document["resident"]["name"],
            "satisfied": True,
            "signature_ref": None,
            "opinion": None,
            "signed_at": completion["completed_at"],
        },
    }


OPEN_FOR = "open_for_technician"
"""Set only while the order is on a technician's hands (dispatched to started): indexed, so the
technicians' workloads are counted over the open orders, not over every order ever made."""
AWAITING = "awaiting_trade"
"""Set only while the order waits for a technician."""


class MongoWorkOrders(AggregateRepository[WorkOrder]):
    collection_name = WORK_ORDERS
    markers = frozenset({OPEN_FOR, AWAITING})

    def identity(self, aggregate: WorkOrder) -> str:
        return str(aggregate.work_order_id)

    def to_document(self, aggregate: WorkOrder) -> Document:
        o = aggregate
        t = o.technician
        return {
            "work_order_no": o.work_order_no,
            "request_id": str(o.request_id),
            "request_no": o.request_no,
            "site_id": o.site_id,
            "board": o.board.value,
            "trade": o.trade,
            "skill": o.skill,
            "description": o.description,
            "resident": _contact(o.resident),
            "appointment_at": o.appointment_at,
            "accepted_at": o.accepted_at,
            "created_at": o.created_at,
            "status": o.status.value,
            "technician": None
            if t is None
            else {"technician_id": t.technician_id, "name": t.name, "phone": t.phone},
            "technician_id": t.technician_id if t else None,
            OPEN_FOR: t.technician_id if t and o.status in WITH_TECHNICIAN else None,
            AWAITING: o.trade if o.status is WorkOrderStatus.AWAITING_TECHNICIAN else None,
            "dispatched_at": o.dispatched_at,
            "completion": _completion(o.completion),
            "waiting_reason": o.waiting_reason,
            "next_assignment_try": o.next_assignment_try,
            "assignment_tries": o.assignment_tries,
            "overdue_reported_at": o.overdue_reported_at,
            "emergency": o.emergency,
            "requested_items": [_item(item) for item in o.requested_items],
            "taken_at": o.taken_at,
            "arrived_at": o.arrived_at,
            "quote": _quote(o.quote),
            "started_at": o.started_at,
            "sign_off": _sign_off(o.sign_off),
            "reworks": o.reworks,
            "rectification_id": str(o.rectification_id) if o.rectification_id else None,
            "escalated_to": o.escalated_to.value if o.escalated_to else None,
            "reschedules": o.reschedules,
            "history": [_change(change) for change in o.history],
            "clocks": {
                "accept_within_s": o.clocks.accept_within.total_seconds(),
                "emergency_within_s": o.clocks.emergency_within.total_seconds(),
                "routine_within_s": o.clocks.routine_within.total_seconds(),
            },
            "clocks_missed": list(o.clocks_missed),
            "materials": [
                {
                    "line_no": m.line_no,
                    "item": m.item,
                    "quantity": m.quantity,
                    "kind": m.kind.value,
                    "drawn_at": m.drawn_at,
                    "drawn_by": m.drawn_by,
                    "returned": m.returned,
                    "charge_as": m.charge_as,
                }
                for m in o.materials
            ],
            "damage": [
                {
                    "case_no": d.case_no,
                    "description": d.description,
                    "reported_at": d.reported_at,
                    "reported_by": d.reported_by,
                    "compensation": None if d.compensation is None else str(d.compensation),
                    "agreed_at": d.agreed_at,
                    "agreement": d.agreement,
                }
                for d in o.damage
            ],
        }

    def from_document(self, document: Document) -> WorkOrder:
        t = document.get("technician")
        document = _signed_when_stored_before_sign_off(document)
        return WorkOrder(
            work_order_id=uuid.UUID(document["_id"]),
            work_order_no=document["work_order_no"],
            request_id=uuid.UUID(document["request_id"]),
            request_no=document["request_no"],
            site_id=document["site_id"],
            board=Board(document["board"]),
            trade=document["trade"],
            skill=document.get("skill"),
            description=document["description"],
            resident=Contact(**document["resident"]),
            appointment_at=document.get("appointment_at"),
            accepted_at=document["accepted_at"],
            created_at=document["created_at"],
            status=WorkOrderStatus(document["status"]),
            technician=None if t is None else Assignee(t["technician_id"], t["name"], t["phone"]),
            dispatched_at=document.get("dispatched_at"),
            completion=_from_completion(document.get("completion")),
            waiting_reason=document.get("waiting_reason"),
            next_assignment_try=document.get("next_assignment_try"),
            assignment_tries=document.get("assignment_tries", 0),
            overdue_reported_at=document.get("overdue_reported_at"),
            emergency=document.get("emergency"),
            requested_items=tuple(_from_item(i) for i in document.get("requested_items", [])),
            taken_at=document.get("taken_at"),
            arrived_at=document.get("arrived_at"),
            quote=_from_quote(document.get("quote")),
            started_at=document.get("started_at"),
            sign_off=_from_sign_off(document.get("sign_off")),
            reworks=document.get("reworks", 0),
            rectification_id=uuid.UUID(document["rectification_id"])
            if document.get("rectification_id")
            else None,
            escalated_to=Escalation(document["escalated_to"])
            if document.get("escalated_to")
            else None,
            reschedules=document.get("reschedules", 0),
            history=[_from_change(change) for change in document.get("history", [])],
            clocks=_from_clocks(document.get("clocks")),
            clocks_missed=list(document.get("clocks_missed", [])),
            materials=[
                MaterialLine(**{**m, "kind": Drawn(m["kind"])})
                for m in document.get("materials", [])
            ],
            damage=[
                DamageCase(
                    **{
                        **d,
                        "compensation": None
                        if d["compensation"] is None
                        else Decimal(d["compensation"]),
                    }
                )
                for d in document.get("damage", [])
            ],
        )

    def to_integration(
        self, aggregate: WorkOrder, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return events_v1.to_integration(aggregate, event, context)

    async def open_per_technician(self, site_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        cursor = self._collection.find(
            {OPEN_FOR: {"$exists": True}, "site_id": site_id}, {OPEN_FOR: 1}
        )
        async for document in cursor:
            technician_id = document[OPEN_FOR]
            counts[technician_id] = counts.get(technician_id, 0) + 1
        return counts

    async def waiting_at(self, site_id: str) -> list[WorkOrder]:
        return await self.find(
            {AWAITING: {"$exists": True}, "site_id": site_id},
            sort=[("accepted_at", 1)],
            track=True,
        )

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        request_id: uuid.UUID | None = None,
        status: WorkOrderStatus | None = None,
        technician_id: str | None = None,
        created: TimeWindow = ANY_TIME,
    ) -> Found[WorkOrder]:
        """For the service centre's lists: newest first."""
        query = listing_query(
            sites,
            site_id=site_id,
            request_id=str(request_id) if request_id else None,
            status=status.value if status else None,
            technician_id=technician_id,
            created_at=within(created),
        )
        return await self.page(query, sort=[("created_at", -1), ("_id", -1)], page=page)

    async def created_between(
        self, site_id: str, start: datetime, end: datetime
    ) -> list[WorkOrder]:
        """The site's work orders made in [start, end), for its monthly figures."""
        return await self.find(
            {"site_id": site_id, "created_at": {"$gte": start, "$lt": end}},
            sort=[("created_at", 1)],
        )
