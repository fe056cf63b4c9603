"""Notification's HTTP API: what each resident was told."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from contracts.notification.v1 import NotificationChannel
from fastapi import APIRouter, Query, Request
from hotline_libs.auth import CurrentPrincipal
from pydantic import BaseModel

from notification.adapters.repository import MongoNotifications

router = APIRouter(tags=["notifications"])


class NotificationOut(BaseModel):
    notification_id: uuid.UUID
    status: str
    channel: NotificationChannel
    recipient: str
    template: str
    subject: str
    body: str
    about_event_type: str
    request_id: uuid.UUID
    site_id: str
    created_at: datetime
    sent_at: datetime | None = None


@router.get("/notifications", summary="Messages sent, newest first")
async def list_notifications(
    request: Request,
    principal: CurrentPrincipal,
    request_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[NotificationOut]:
    found = await MongoNotifications(request.app.state.service.db).find(
        sites=principal.visible_sites, request_id=request_id, limit=limit
    )
    return [
        NotificationOut(notification_id=d["_id"], **{k: v for k, v in d.items() if k != "_id"})
        for d in found
    ]
