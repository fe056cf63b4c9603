"""What each resident was told, message by message."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.errors import NotFound
from hotline_libs.paging import Page, Paging, SiteFilter, TimeWindow, page_of, time_window
from hotline_libs.service import Bus
from hotline_libs.service import reader as reader_of
from pydantic import BaseModel, Field

from notification.adapters.mongo.unit_of_work import MongoNotificationUnitOfWork
from notification.domain.alerts import AlertKind
from notification.domain.commands import AcknowledgeAlert
from notification.domain.messages import Channel
from notification.domain.notification import MessageStatus, Notification
from notification.domain.preferences import normal_address
from notification.entrypoints.http.preferences import PHONE_OR_EMAIL

router = APIRouter(tags=["notifications"])


class MessageOut(BaseModel):
    """One message of a notification, on one channel."""

    message_id: uuid.UUID = Field(description="The message's id (the gateway's idempotency key)")
    status: MessageStatus
    channel: Channel
    recipient: str
    template: str
    subject: str
    body: str
    attempts: int = Field(
        description="Sends tried; more than one means the gateway may have seen a resend"
    )
    refusal: str | None = Field(
        description="Why it was not sent: the gateway's refusal, or the resident's opt-out or "
        "the address's block that suppressed it"
    )
    sent_at: datetime | None
    held_until: datetime | None = Field(
        description="A routine SMS held through the site's quiet hours goes at this moment"
    )
    provider: str | None = Field(default=None, description="The SMS provider that took it")
    provider_message_id: str | None = Field(default=None, description="The provider's own id")
    delivered_at: datetime | None = Field(
        default=None, description="When the provider's receipt says the handset got it"
    )
    failure: str | None = Field(
        default=None, description="Why it failed: no provider took it, or the receipt's code"
    )
    template_version: int = Field(
        description="The version of its template it was rendered from (0: the built-in text)"
    )


class AlertOut(BaseModel):
    """An alert to staff: what about, who has it in hand, whether it went up a rung."""

    kind: AlertKind
    subject: str
    text: str
    escalate_at: datetime | None = Field(
        description="When the next rung is alerted unless someone acknowledges it first"
    )
    escalated_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None


class NotificationOut(BaseModel):
    """What residents were told about one occasion (an event), one message per resident and
    channel."""

    notification_id: uuid.UUID
    about_event_type: str = Field(examples=["ServiceRequestAccepted"])
    request_id: uuid.UUID | None = Field(description="The request it is about, if any")
    incident_id: uuid.UUID | None = Field(
        description="The site-wide incident it is about, if any (its callers told of its end)"
    )
    site_id: str
    created_at: datetime
    messages: list[MessageOut]
    alert: AlertOut | None = Field(
        default=None, description="For an alert to staff: its ladder as it stands"
    )


def notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(
        notification_id=n.notification_id,
        about_event_type=n.about.event_type,
        request_id=n.about.request_id,
        incident_id=n.about.incident_id,
        site_id=n.about.site_id,
        created_at=n.created_at,
        alert=None if n.alert is None else AlertOut.model_validate(n.alert, from_attributes=True),
        messages=[
            MessageOut(
                message_id=m.message_id,
                status=m.status,
                channel=m.channel,
                recipient=m.recipient,
                template=m.template,
                subject=m.subject,
                body=m.body,
                attempts=m.attempts,
                refusal=m.refusal,
                sent_at=m.sent_at,
                held_until=m.held_until,
                provider=m.provider,
                provider_message_id=m.provider_message_id,
                delivered_at=m.delivered_at,
                failure=m.failure,
                template_version=m.template_version,
            )
            for m in n.messages
        ],
    )


CREATED = time_window("created", "notifications made")


@router.get(
    "/notifications",
    summary="Notifications, newest first, each with its messages, a page at a time",
)
async def list_notifications(
    reader: Annotated[MongoNotificationUnitOfWork, Depends(reader_of(MongoNotificationUnitOfWork))],
    principal: CurrentPrincipal,
    page: Paging,
    created: Annotated[TimeWindow, Depends(CREATED)],
    site_id: SiteFilter = None,
    request_id: uuid.UUID | None = None,
    status_: Annotated[
        MessageStatus | None,
        Query(alias="status", description="Only notifications with a message in this status"),
    ] = None,
    recipient: Annotated[
        str | None,
        Query(
            min_length=3,
            max_length=254,
            pattern=PHONE_OR_EMAIL,
            description="Only notifications with a message to this address: the phone number "
            "in E.164 (+86…) or the e-mail address (compared without case); one resident's log",
            examples=["+8613800138000"],
        ),
    ] = None,
) -> Page[NotificationOut]:
    found = await reader.notifications.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        request_id=request_id,
        status=status_,
        created=created,
        recipient=None if recipient is None else normal_recipient(recipient),
    )
    return page_of(found, page, notification_out)


@router.post(
    "/staff-alerts/{notification_id}/acknowledgement",
    summary="Take an alert in hand: nobody further up is alerted (again changes nothing)",
    responses={422: {"description": "Not an alert to staff"}},
)
async def acknowledge_alert(
    notification_id: uuid.UUID,
    principal: CurrentPrincipal,
    bus: Bus,
    reader: Annotated[MongoNotificationUnitOfWork, Depends(reader_of(MongoNotificationUnitOfWork))],
) -> NotificationOut:
    found = await reader.notifications.get(notification_id)
    if found is None or not principal.may_act_for(found.about.site_id):
        raise NotFound(f"no alert {notification_id}")
    acknowledged: Notification = await bus.handle(
        AcknowledgeAlert(notification_id=notification_id, by=principal.who)
    )
    return notification_out(acknowledged)


def normal_recipient(recipient: str) -> str:
    """A number or an e-mail address as preferences and the store compare it."""
    return normal_address(Channel.EMAIL if "@" in recipient else Channel.SMS, recipient)
