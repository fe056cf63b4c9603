"""Broadcasts: one document per broadcast (what it says, to whom, its status and counts, its
``send`` deadline) and one per batch of its messages (a few hundred each, with their outcomes).

Every change is one conditional write on one document: a claim names the state it takes the
document from, so two replicas never both prepare a broadcast or both hold a batch; a batch's
counts are added to its broadcast with the batch's number in the same write, each batch once.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from hotline_libs.mongo import Document, listing_query
from hotline_libs.paging import Found, PageRequest, with_total
from hotline_libs.unit_of_work import DEADLINES_FIELD, NEXT_DEADLINE_FIELD
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from notification.domain.broadcasts import (
    LEASE,
    PREPARATION_LEASE,
    Batch,
    BatchState,
    Broadcast,
    BroadcastAudience,
    BroadcastKind,
    BroadcastMessage,
    BroadcastStatus,
    Composition,
    Outcome,
    Unit,
    batch_id,
)
from notification.domain.messages import Channel

BROADCASTS = "broadcasts"
BATCHES = "broadcast_batches"
SEND = "send"
"""The broadcast's deadline: due at its time, dropped when every batch is settled."""


def _broadcast(d: Document) -> Broadcast:
    audience = d["audience"]
    return Broadcast(
        broadcast_id=uuid.UUID(d["_id"]),
        kind=BroadcastKind(d["kind"]),
        audience=BroadcastAudience(
            site_id=d["site_id"],
            building=audience.get("building"),
            units=tuple(Unit(u["building"], u["room"]) for u in audience.get("units", [])),
        ),
        composition=Composition(d["sms_text"], d["email_subject"], d["email_body"]),
        send_at=d["send_at"],
        created_at=d["created_at"],
        created_by=d["created_by"],
        status=BroadcastStatus(d["status"]),
        batches=d.get("batches", 0),
        counts={Outcome(k): v for k, v in d.get("counts", {}).items()},
        unreachable=d.get("unreachable", 0),
        finished_at=d.get("finished_at"),
        cancelled_by=d.get("cancelled_by"),
    )


def _message(m: BroadcastMessage) -> Document:
    return {
        "id": str(m.message_id),
        "ch": m.channel.value,
        "to": m.recipient,
        "b": m.building,
        "r": m.room,
        "s": m.subject,
        "t": m.body,
        "o": m.outcome.value,
    }


def _batch(d: Document) -> Batch:
    outcomes = d.get("outcomes") or [m["o"] for m in d["messages"]]
    reasons = d.get("reasons") or {}
    return Batch(
        broadcast_id=uuid.UUID(d["broadcast_id"]),
        number=d["number"],
        messages=[
            BroadcastMessage(
                message_id=uuid.UUID(m["id"]),
                channel=Channel(m["ch"]),
                recipient=m["to"],
                building=m["b"],
                room=m["r"],
                subject=m["s"],
                body=m["t"],
                outcome=Outcome(outcomes[i]),
                reason=reasons.get(str(i)),
            )
            for i, m in enumerate(d["messages"])
        ],
        state=BatchState(d["state"]),
        attempts=d.get("attempts", 0),
    )


class MongoBroadcasts:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._broadcasts = db[BROADCASTS]
        self._batches = db[BATCHES]

    async def add(self, broadcast: Broadcast) -> bool:
        b = broadcast
        try:
            await self._broadcasts.insert_one(
                {
                    "_id": str(b.broadcast_id),
                    "site_id": b.audience.site_id,
                    "kind": b.kind.value,
                    "audience": {
                        "building": b.audience.building,
                        "units": [
                            {"building": u.building, "room": u.room} for u in b.audience.units
                        ],
                    },
                    "sms_text": b.composition.sms_text,
                    "email_subject": b.composition.email_subject,
                    "email_body": b.composition.email_body,
                    "send_at": b.send_at,
                    "created_at": b.created_at,
                    "created_by": b.created_by,
                    "status": b.status.value,
                    "batches": 0,
                    "counts": {},
                    "counted": [],
                    DEADLINES_FIELD: [{"name": SEND, "due_at": b.send_at}],
                    NEXT_DEADLINE_FIELD: b.send_at,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def get(self, broadcast_id: uuid.UUID) -> Broadcast | None:
        d = await self._broadcasts.find_one({"_id": str(broadcast_id)}, {"counted": 0})
        return None if d is None else _broadcast(d)

    async def listing(
        self,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        status: BroadcastStatus | None = None,
    ) -> Found[Broadcast]:
        query = listing_query(sites, site_id=site_id, status=status.value if status else None)
        cursor = (
            self._broadcasts.find(query, {"counted": 0})
            .sort([("created_at", -1), ("_id", -1)])
            .skip(page.offset)
            .limit(page.limit)
        )
        items = [_broadcast(d) async for d in cursor]
        return await with_total(items, page, lambda: self._broadcasts.count_documents(query))

    async def defer(self, broadcast_id: uuid.UUID, until: datetime) -> bool:
        """Move a scheduled broadcast's time to send (and its deadline) to ``until``."""
        moved = await self._broadcasts.update_one(
            {"_id": str(broadcast_id), "status": BroadcastStatus.SCHEDULED.value},
            {
                "$set": {
                    "send_at": until,
                    DEADLINES_FIELD: [{"name": SEND, "due_at": until}],
                    NEXT_DEADLINE_FIELD: until,
                }
            },
        )
        return moved.modified_count > 0

    async def claim_preparation(self, broadcast_id: uuid.UUID, now: datetime) -> bool:
        claimed = await self._broadcasts.update_one(
            {
                "_id": str(broadcast_id),
                "$or": [
                    {"status": BroadcastStatus.SCHEDULED.value},
                    {"status": BroadcastStatus.PREPARING.value, "lease_until": {"$lt": now}},
                ],
            },
            {
                "$set": {
                    "status": BroadcastStatus.PREPARING.value,
                    "lease_until": now + PREPARATION_LEASE,
                }
            },
        )
        return claimed.modified_count == 1

    async def add_batches(self, batches: Sequence[Batch]) -> None:
        """Insert the batches; those inserted by an earlier attempt are kept as they are."""
        documents = [
            {
                "_id": batch.batch_id,
                "broadcast_id": str(batch.broadcast_id),
                "number": batch.number,
                "state": batch.state.value,
                "attempts": 0,
                "messages": [_message(m) for m in batch.messages],
            }
            for batch in batches
        ]
        for start in range(0, len(documents), 20):
            try:
                await self._batches.insert_many(documents[start : start + 20], ordered=False)
            except BulkWriteError as error:
                if any(e.get("code") != 11000 for e in error.details.get("writeErrors", [])):
                    raise

    async def started_sending(
        self, broadcast_id: uuid.UUID, batches: int, queued: int, suppressed: int, unreachable: int
    ) -> bool:
        started = await self._broadcasts.update_one(
            {"_id": str(broadcast_id), "status": BroadcastStatus.PREPARING.value},
            {
                "$set": {
                    "status": BroadcastStatus.SENDING.value,
                    "batches": batches,
                    "counts": {
                        Outcome.QUEUED.value: queued,
                        Outcome.SENT.value: 0,
                        Outcome.DELIVERED.value: 0,
                        Outcome.FAILED.value: 0,
                        Outcome.SUPPRESSED.value: suppressed,
                    },
                    "unreachable": unreachable,
                    "counted": [],
                }
            },
        )
        if started.modified_count == 1:
            return True
        now = await self._broadcasts.find_one({"_id": str(broadcast_id)}, {"status": 1})
        if now is not None and now["status"] == BroadcastStatus.CANCELLED:
            await self._cancel_batches(broadcast_id)  # cancelled while prepared: none is sent
        return False  # or another replica, taking over a lapsed lease, started it first

    async def claim_batch(
        self, broadcast_id: uuid.UUID, number: int, now: datetime
    ) -> Batch | None:
        """Take batch ``number`` if it is queued, or held by a replica whose lease ran out: a
        conditional write by ``_id`` (the store finds it without reading the other batches)."""
        d = await self._batches.find_one_and_update(
            {
                "_id": batch_id(broadcast_id, number),
                "$or": [
                    {"state": BatchState.QUEUED.value},
                    {"state": BatchState.CLAIMED.value, "lease_until": {"$lt": now}},
                ],
            },
            {
                "$set": {"state": BatchState.CLAIMED.value, "lease_until": now + LEASE},
                "$inc": {"attempts": 1},
            },
            return_document=ReturnDocument.AFTER,
        )
        return None if d is None else _batch(d)

    async def batch_sent(self, batch: Batch) -> bool:
        """Store the batch's outcomes (a code per message, the reasons of those that failed: not
        the messages again); settled unless a message is left queued (a gateway away: the batch
        stays claimed until its lease runs out, then is sent again)."""
        counts = batch.counts()
        update: dict[str, Any] = {
            "outcomes": [m.outcome.value for m in batch.messages],
            "reasons": {str(i): m.reason for i, m in enumerate(batch.messages) if m.reason},
            "counts": {o.value: n for o, n in counts.items()},
        }
        if counts[Outcome.QUEUED] == 0:
            update["state"] = BatchState.DONE.value
        stored = await self._batches.update_one(
            {"_id": batch.batch_id, "state": BatchState.CLAIMED.value}, {"$set": update}
        )
        return stored.modified_count == 1

    async def count_batch(self, batch: Batch) -> None:
        """Add one settled batch's counts to its broadcast, once."""
        await self._count(batch.broadcast_id, batch.number, batch.counts())

    async def _count(self, broadcast_id: uuid.UUID, number: int, counts: Mapping[Any, int]) -> None:
        increments = {
            f"counts.{Outcome(o).value}": n for o, n in counts.items() if o != Outcome.QUEUED
        }
        increments[f"counts.{Outcome.QUEUED.value}"] = -sum(counts.values())
        await self._broadcasts.update_one(
            {"_id": str(broadcast_id), "counted": {"$ne": number}},
            {"$inc": increments, "$push": {"counted": number}},
        )

    async def tally(self, broadcast_id: uuid.UUID) -> int:
        """Add the counts of every settled batch not counted yet (a crash between a batch's
        write and its count); how many batches are not settled."""
        found = await self._broadcasts.find_one(
            {"_id": str(broadcast_id)}, {"counted": 1, "batches": 1}
        )
        if found is None:
            return 0
        counted = set(found.get("counted", []))
        unsettled = 0
        for number in range(found.get("batches", 0)):
            if number in counted:
                continue
            batch = await self._batches.find_one(
                {"_id": batch_id(broadcast_id, number)}, {"state": 1, "counts": 1}
            )
            if batch is None or batch["state"] in (BatchState.QUEUED, BatchState.CLAIMED):
                unsettled += 1
            elif batch["state"] == BatchState.DONE:
                await self._count(broadcast_id, number, batch.get("counts", {}))
        return unsettled

    async def finish(self, broadcast_id: uuid.UUID, now: datetime) -> bool:
        done = await self._broadcasts.update_one(
            {"_id": str(broadcast_id), "status": BroadcastStatus.SENDING.value},
            {
                "$set": {"status": BroadcastStatus.DONE.value, "finished_at": now},
                "$unset": {DEADLINES_FIELD: "", NEXT_DEADLINE_FIELD: ""},
            },
        )
        return done.modified_count == 1

    async def cancel(self, broadcast_id: uuid.UUID, by: str, now: datetime) -> bool:
        cancelled = await self._broadcasts.update_one(
            {
                "_id": str(broadcast_id),
                "status": {
                    "$in": [
                        BroadcastStatus.SCHEDULED.value,
                        BroadcastStatus.PREPARING.value,
                        BroadcastStatus.SENDING.value,
                    ]
                },
            },
            {
                "$set": {
                    "status": BroadcastStatus.CANCELLED.value,
                    "cancelled_by": by,
                    "finished_at": now,
                },
                "$unset": {DEADLINES_FIELD: "", NEXT_DEADLINE_FIELD: ""},
            },
        )
        if cancelled.modified_count != 1:
            return False
        await self._cancel_batches(broadcast_id)
        return True

    async def _cancel_batches(self, broadcast_id: uuid.UUID) -> None:
        await self._batches.update_many(
            {"broadcast_id": str(broadcast_id), "state": BatchState.QUEUED.value},
            {"$set": {"state": BatchState.CANCELLED.value}},
        )

    async def batches(self, broadcast_id: uuid.UUID) -> list[Batch]:
        cursor = self._batches.find({"broadcast_id": str(broadcast_id)}).sort("number", 1)
        return [_batch(d) async for d in cursor]
