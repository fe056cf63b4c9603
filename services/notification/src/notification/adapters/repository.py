"""The record of every message sent, in notification's own database."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from hotline_libs.mongo import Document, insert_once, listing_query
from hotline_libs.outbox import OUTBOX_FIELD, outbox_entry
from pymongo.asynchronous.database import AsyncDatabase

from contracts import Event
from notification.domain.messages import OutgoingMessage

NOTIFICATIONS = "notifications"


class MongoNotifications:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db
        self._collection = db[NOTIFICATIONS]

    async def status(
        self,
        notification_id: uuid.UUID,
        message: OutgoingMessage,
        about: Event[Any],
        request_id: uuid.UUID,
        now: datetime,
    ) -> str:
        """Record the message as pending unless it is known; its status either way."""
        inserted = await insert_once(
            self._db,
            NOTIFICATIONS,
            {
                "_id": str(notification_id),
                "status": "pending",
                "channel": message.channel.value,
                "recipient": message.recipient,
                "template": message.template,
                "subject": message.subject,
                "body": message.body,
                "about_event_id": str(about.event_id),
                "about_event_type": about.EVENT_TYPE,
                "request_id": str(request_id),
                "site_id": about.site_id,
                "created_at": now,
            },
        )
        if inserted:
            return "pending"
        document = await self._collection.find_one({"_id": str(notification_id)}, {"status": 1})
        assert document is not None
        return str(document["status"])

    async def mark_sent(
        self, notification_id: uuid.UUID, sent_at: datetime, events: list[Event[Any]]
    ) -> None:
        await self._collection.update_one(
            {"_id": str(notification_id), "status": "pending"},
            {
                "$set": {"status": "sent", "sent_at": sent_at},
                "$push": {OUTBOX_FIELD: {"$each": [outbox_entry(e) for e in events]}},
            },
        )

    async def find(
        self, *, sites: frozenset[str] | None, request_id: uuid.UUID | None, limit: int
    ) -> list[Document]:
        query = listing_query(sites, request_id=str(request_id) if request_id else None)
        cursor = self._collection.find(query, {OUTBOX_FIELD: 0}).sort("created_at", -1).limit(limit)
        return [document async for document in cursor]
