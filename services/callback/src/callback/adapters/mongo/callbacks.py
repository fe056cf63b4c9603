"""Callbacks in the callback service's own database."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document, listing_query, within
from hotline_libs.paging import ANY_TIME, Found, PageRequest, TimeWindow
from hotline_libs.unit_of_work import AggregateRepository, EventContext, Published

from callback.adapters.mongo.policies import draw_document, draw_from
from callback.adapters.outbound import callbacks as outbound
from callback.domain.callback import (
    Attempt,
    Callback,
    CallbackReason,
    CallbackStatus,
    ChargeNote,
    Completed,
    Contact,
    Method,
    NotReached,
    Outcome,
)
from callback.domain.kpis import Case
from callback.domain.policy import Trigger
from callback.domain.queue import OpenCallback

CALLBACKS = "callbacks"
LISTED = (CallbackStatus.SCHEDULED, CallbackStatus.MADE, CallbackStatus.UNREACHABLE)
"""On the agents' list: not those awaiting their completion, nor those not drawn."""


def _case(d: Document) -> Case:
    outcome = d.get("outcome")
    on_time = None
    if outcome:
        made_on = outcome["made_at"].astimezone(ZoneInfo(d["time_zone"])).date()
        on_time = made_on <= date.fromisoformat(d["due_on"])
    return Case(
        trigger=Trigger(d["trigger"]),
        made=outcome is not None,
        satisfied=outcome["satisfied"] if outcome else None,
        on_time=on_time,
        follow_up=bool((d.get("completed") or {}).get("rectification_id")),
    )


class MongoCallbacks(AggregateRepository[Callback]):
    collection_name = CALLBACKS

    def identity(self, aggregate: Callback) -> str:
        return str(aggregate.callback_id)

    def to_document(self, aggregate: Callback) -> Document:
        c, done, charge, outcome = (
            aggregate,
            aggregate.completed,
            aggregate.charge,
            aggregate.outcome,
        )
        return {
            "work_order_id": str(c.work_order_id) if c.work_order_id else None,
            "site_id": c.site_id,
            "status": c.status.value,
            "request_id": str(done.request_id) if done else None,
            "completed": None
            if done is None
            else {
                "request_no": done.request_no,
                "resident": {
                    "name": done.resident.name,
                    "phone": done.resident.phone,
                    "email": done.resident.email,
                    "building": done.resident.building,
                    "room": done.resident.room,
                },
                "paid": done.paid,
                "payment_method": done.payment_method,
                "completed_at": done.completed_at,
                "service_record_no": done.service_record_no,
                "rectification_id": str(done.rectification_id) if done.rectification_id else None,
            },
            "reason": c.reason.value if c.reason else None,
            "case_month": done.completed_at.astimezone(ZoneInfo(c.time_zone)).strftime("%Y-%m")
            if done
            else None,
            "due_on": c.due_on.isoformat() if c.due_on else None,
            "time_zone": c.time_zone,
            "due_on_assumed": c.due_on_assumed,
            "scheduled_at": c.scheduled_at,
            "charge": None
            if charge is None
            else {
                "charge_id": str(charge.charge_id),
                "charge_no": charge.charge_no,
                "total_fen": to_fen(charge.total),
                "raised_at": charge.raised_at,
            },
            "outcome": None
            if outcome is None
            else {
                "satisfied": outcome.satisfied,
                "opinion": outcome.opinion,
                "method": outcome.method.value,
                "agent": outcome.agent,
                "made_at": outcome.made_at,
                "signature_ref": outcome.signature_ref,
            },
            "overdue_reported_at": c.overdue_reported_at,
            "attempts": [
                {
                    "at": a.at,
                    "agent": a.agent,
                    "result": a.result.value,
                    "note": a.note,
                    "next_at": a.next_at,
                }
                for a in c.attempts
            ],
            "next_attempt_at": c.next_attempt_at,
            "trigger": c.trigger.value if c.trigger else None,
            "policy_version": c.policy_version,
            "draw": None if c.draw is None else draw_document(c.draw),
        }

    def from_document(self, document: Document) -> Callback:
        done, charge, outcome = (
            document.get("completed"),
            document.get("charge"),
            document.get("outcome"),
        )
        return Callback(
            callback_id=uuid.UUID(document["_id"]),
            work_order_id=uuid.UUID(document["work_order_id"])
            if document.get("work_order_id")
            else None,
            site_id=document["site_id"],
            status=CallbackStatus(document["status"]),
            completed=None
            if done is None
            else Completed(
                request_id=uuid.UUID(document["request_id"]),
                request_no=done["request_no"],
                resident=Contact(**done["resident"]),
                paid=done["paid"],
                payment_method=done.get("payment_method"),
                completed_at=done["completed_at"],
                service_record_no=done.get("service_record_no"),
                rectification_id=uuid.UUID(done["rectification_id"])
                if done.get("rectification_id")
                else None,
            ),
            reason=CallbackReason(document["reason"]) if document.get("reason") else None,
            due_on=date.fromisoformat(document["due_on"]) if document.get("due_on") else None,
            time_zone=document.get("time_zone", "Asia/Shanghai"),
            due_on_assumed=document.get("due_on_assumed", False),
            scheduled_at=document.get("scheduled_at"),
            charge=None
            if charge is None
            else ChargeNote(
                charge_id=uuid.UUID(charge["charge_id"]),
                charge_no=charge["charge_no"],
                total=from_fen(charge["total_fen"]),
                raised_at=charge["raised_at"],
            ),
            outcome=None
            if outcome is None
            else Outcome(
                satisfied=outcome["satisfied"],
                opinion=outcome["opinion"],
                method=Method(outcome["method"]),
                agent=outcome["agent"],
                made_at=outcome["made_at"],
                signature_ref=outcome.get("signature_ref"),
            ),
            overdue_reported_at=document.get("overdue_reported_at"),
            attempts=tuple(
                Attempt(
                    at=a["at"],
                    agent=a["agent"],
                    result=NotReached(a["result"]),
                    note=a.get("note"),
                    next_at=a.get("next_at"),
                )
                for a in document.get("attempts") or ()
            ),
            trigger=Trigger(document["trigger"]) if document.get("trigger") else None,
            policy_version=document.get("policy_version"),
            draw=draw_from(document["draw"]) if document.get("draw") else None,
        )

    def to_integration(self, aggregate: Callback, event: Any, context: EventContext) -> Published:
        return outbound.to_integration(aggregate, event, context)

    async def cases_of_month(self, site_id: str, month: str) -> list[Case]:
        """The callbacks of the cases completed (or resolved) in the site's ``month``, decided
        (for the month's KPIs): what each needs, not the whole callback."""
        fields = {"trigger": 1, "outcome": 1, "due_on": 1, "time_zone": 1, "completed": 1}
        found = self._collection.find(
            {"site_id": site_id, "case_month": month, "trigger": {"$ne": None}}, fields
        )
        return [_case(d) async for d in found]

    async def made_in_month(self, site_id: str, month: str) -> list[uuid.UUID]:
        """The callbacks made of the site's cases of ``month`` (what spot checks draw from)."""
        found = self._collection.find(
            {"site_id": site_id, "case_month": month, "status": CallbackStatus.MADE.value},
            {"_id": 1},
        )
        return [uuid.UUID(d["_id"]) async for d in found]

    async def sites_of_month(self, month: str, sites: frozenset[str] | None) -> set[str]:
        """The sites with callbacks of ``month`` among ``sites`` (None: all)."""
        query: Document = {"case_month": month}
        if sites is not None:
            query["site_id"] = {"$in": sorted(sites)}
        return set(await self._collection.distinct("site_id", query))

    async def still_open(
        self, *, sites: frozenset[str] | None, site_id: str | None = None
    ) -> list[OpenCallback]:
        """The callbacks still to make or given up (for the queue's counts): four fields each."""
        query = listing_query(
            sites,
            site_id=site_id,
            status={"$in": [CallbackStatus.SCHEDULED.value, CallbackStatus.UNREACHABLE.value]},
        )
        fields = {"site_id": 1, "reason": 1, "due_on": 1, "status": 1}
        return [
            OpenCallback(
                site_id=d["site_id"],
                reason=d["reason"],
                due_on=date.fromisoformat(d["due_on"]),
                unreachable=d["status"] == CallbackStatus.UNREACHABLE.value,
            )
            async for d in self._collection.find(query, fields)
        ]

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        request_id: uuid.UUID | None = None,
        due_on_or_after: date | None = None,
        due_on_or_before: date | None = None,
        status: CallbackStatus | None = None,
        scheduled: TimeWindow = ANY_TIME,
        reason: CallbackReason | None = None,
        overdue: bool | None = None,
    ) -> Found[Callback]:
        """For the callback agents' list: soonest due first; those awaiting their completion left out."""
        due: Document = {}  # due days are stored as YYYY-MM-DD, which sort as the days do
        if due_on_or_after is not None:
            due["$gte"] = due_on_or_after.isoformat()
        if due_on_or_before is not None:
            due["$lte"] = due_on_or_before.isoformat()
        query = listing_query(
            sites,
            site_id=site_id,
            request_id=str(request_id) if request_id else None,
            due_on=due or None,
            status=status.value if status else {"$in": [s.value for s in LISTED]},
            scheduled_at=within(scheduled),
            reason=reason.value if reason else None,
            overdue_reported_at={"$ne": None} if overdue else None,
        )
        if overdue is False:  # reported overdue never: a null, or no field at all
            query["overdue_reported_at"] = None
        return await self.page(query, sort=[("due_on", 1), ("_id", 1)], page=page)
