"""What each resident was told, message by message."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.service import reader as reader_of
from pydantic import BaseModel, Field

from notification.adapters.mongo.unit_of_work import MongoNotificationUnitOfWork
from notification.domain.messages import Channel
from notification.domain.notification import MessageStatus

router = APIRouter(tags=["notifications"])


class MessageOut(BaseModel):
    notification_id: uuid.UUID = Field(
        description="The message's id (the gateway's idempotency key)"
    )
    status: MessageStatus
    channel: Channel
    recipient: str
    template: str
    subject: str
    body: str
    attempts: int = Field(
        description="Sends tried; more than one means the gateway may have seen a resend"
    )
    refusal: str | None = Field(description="Why the gateway refused it, if it did")
    about_event_type: str
    request_id: uuid.UUID
    site_id: str
    created_at: datetime
    sent_at: datetime | None


@router.get("/notifications", summary="Messages, newest first")
async def list_notifications(
    reader: Annotated[MongoNotificationUnitOfWork, Depends(reader_of(MongoNotificationUnitOfWork))],
    principal: CurrentPrincipal,
    request_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[MessageOut]:
    found = await reader.notifications.listing(
        sites=principal.visible_sites, request_id=request_id, limit=limit
    )
    return [
        MessageOut(
            notification_id=m.message_id,
            status=m.status,
            channel=m.channel,
            recipient=m.recipient,
            template=m.template,
            subject=m.subject,
            body=m.body,
            attempts=m.attempts,
            refusal=m.refusal,
            about_event_type=n.about.event_type,
            request_id=n.about.request_id,
            site_id=n.about.site_id,
            created_at=n.created_at,
            sent_at=m.sent_at,
        )
        for n in found
        for m in n.messages
    ][:limit]
