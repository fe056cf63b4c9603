"""Notifications, one document per occasion with its messages, in notification's own database."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from hotline_libs.mongo import Document, listing_query, within
from hotline_libs.paging import ANY_TIME, Found, PageRequest, TimeWindow
from hotline_libs.unit_of_work import AggregateRepository, EventContext
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from contracts import Event
from notification.adapters.outbound import events_v1
from notification.domain.alerts import AlertKind, AlertState
from notification.domain.messages import Channel
from notification.domain.notification import Message, MessageStatus, Notification
from notification.domain.occasions import About

NOTIFICATIONS = "notifications"
MESSAGE_INDEX = "message_notifications"
"""Each message sent's notification, by the message's id: how a receipt finds its message."""
DUPLICATE_KEY = 11000


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def _uuid(value: str | None) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(value)


def _message(message: Message) -> Document:
    return {
        "message_id": str(message.message_id),
        "channel": message.channel.value,
        "recipient": message.recipient,
        "template": message.template,
        "subject": message.subject,
        "body": message.body,
        "status": message.status.value,
        "attempts": message.attempts,
        "last_attempt_at": message.last_attempt_at,
        "sent_at": message.sent_at,
        "refusal": message.refusal,
        "held_until": message.held_until,
        "provider": message.provider,
        "provider_message_id": message.provider_message_id,
        "delivered_at": message.delivered_at,
        "failure": message.failure,
        "template_version": message.template_version,
    }


def _from_message(document: Document) -> Message:
    return Message(
        message_id=uuid.UUID(document["message_id"]),
        channel=Channel(document["channel"]),
        recipient=document["recipient"],
        template=document["template"],
        subject=document["subject"],
        body=document["body"],
        status=MessageStatus(document["status"]),
        attempts=document["attempts"],
        last_attempt_at=document.get("last_attempt_at"),
        sent_at=document.get("sent_at"),
        refusal=document.get("refusal"),
        held_until=document.get("held_until"),
        provider=document.get("provider"),
        provider_message_id=document.get("provider_message_id"),
        delivered_at=document.get("delivered_at"),
        failure=document.get("failure"),
        template_version=document.get("template_version", 0),  # none before versions were kept
    )


def _alert(alert: AlertState | None) -> Document | None:
    if alert is None:
        return None
    return {
        "kind": alert.kind.value,
        "subject": alert.subject,
        "text": alert.text,
        "escalate_at": alert.escalate_at,
        "escalated_at": alert.escalated_at,
        "acknowledged_by": alert.acknowledged_by,
        "acknowledged_at": alert.acknowledged_at,
    }


def _from_alert(document: Document | None) -> AlertState | None:
    if document is None:
        return None
    return AlertState(
        kind=AlertKind(document["kind"]),
        subject=document["subject"],
        text=document["text"],
        escalate_at=document.get("escalate_at"),
        escalated_at=document.get("escalated_at"),
        acknowledged_by=document.get("acknowledged_by"),
        acknowledged_at=document.get("acknowledged_at"),
    )


def _to(recipient: str | None) -> object:
    """The condition on a message's recipient: a number as it is (E.164), an e-mail address
    without case (a message keeps the address as the directory wrote it)."""
    if recipient is None or "@" not in recipient:
        return recipient
    return {"$regex": f"^{re.escape(recipient)}$", "$options": "i"}


class MongoNotifications(AggregateRepository[Notification]):
    collection_name = NOTIFICATIONS

    def identity(self, aggregate: Notification) -> str:
        return str(aggregate.notification_id)

    def to_document(self, aggregate: Notification) -> Document:
        a = aggregate.about
        return {
            "about_event_id": str(a.event_id),
            "about_event_type": a.event_type,
            "correlation_id": str(a.correlation_id),
            "site_id": a.site_id,
            "request_id": _text(a.request_id),
            "incident_id": _text(a.incident_id),
            "messages": [_message(m) for m in aggregate.messages],
            "created_at": aggregate.created_at,
            "alert": _alert(aggregate.alert),
        }

    def from_document(self, document: Document) -> Notification:
        return Notification(
            notification_id=uuid.UUID(document["_id"]),
            about=About(
                event_id=uuid.UUID(document["about_event_id"]),
                event_type=document["about_event_type"],
                correlation_id=uuid.UUID(document["correlation_id"]),
                site_id=document["site_id"],
                request_id=_uuid(document.get("request_id")),
                incident_id=_uuid(document.get("incident_id")),
            ),
            messages=[_from_message(m) for m in document["messages"]],
            created_at=document["created_at"],
            alert=_from_alert(document.get("alert")),
        )

    def to_integration(
        self, aggregate: Notification, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return events_v1.to_integration(aggregate, event, context)

    @property
    def _messages(self) -> AsyncCollection[Document]:
        return self._collection.database[MESSAGE_INDEX]

    async def index(self, notification: Notification, messages: Sequence[Message]) -> None:
        """One write for all of ``messages``; those noted already are left as they are."""
        if not messages:
            return
        notes = [
            {"_id": str(m.message_id), "notification_id": str(notification.notification_id)}
            for m in messages
        ]
        try:
            await self._messages.insert_many(notes, ordered=False)
        except BulkWriteError as exc:  # noted by an earlier attempt: only duplicates are fine
            if any(error.get("code") != DUPLICATE_KEY for error in exc.details["writeErrors"]):
                raise

    async def holding(
        self, message_id: uuid.UUID | None = None, provider_message_id: str | None = None
    ) -> Notification | None:
        """The notification with the message, by our id (two reads by key, through the
        messages' index) or else by the provider's (a scan: receipts name our id)."""
        if message_id is not None:
            noted = await self._messages.find_one({"_id": str(message_id)})
            if noted is not None:
                return await self.get(noted["notification_id"])
        if provider_message_id:
            found = await self.find(
                {"messages.provider_message_id": provider_message_id}, limit=1, track=True
            )
            if found:
                return found[0]
        return None

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        request_id: uuid.UUID | None = None,
        status: MessageStatus | None = None,
        created: TimeWindow = ANY_TIME,
        recipient: str | None = None,
    ) -> Found[Notification]:
        """Newest first; with ``status``, the notifications having a message in that status;
        with ``recipient`` (normalised), those having a message to that address."""
        query = listing_query(
            sites,
            site_id=site_id,
            request_id=str(request_id) if request_id else None,
            created_at=within(created),
            **{
                "messages.status": status.value if status else None,
                "messages.recipient": _to(recipient),
            },
        )
        return await self.page(query, sort=[("created_at", -1), ("_id", -1)], page=page)
