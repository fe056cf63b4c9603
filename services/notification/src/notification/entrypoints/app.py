"""Wires notification: subscriptions to what residents are told about, the gateways, the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from contracts.billing.v1 import ChargeRaised
from contracts.dispatch.v1 import WorkOrderDispatched
from contracts.intake.v1 import ServiceRequestAccepted
from contracts.notification.v1 import NotificationSent
from fastapi import FastAPI
from hotline_libs.messaging import Subscription
from hotline_libs.mongo import Document
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from pymongo.asynchronous.database import AsyncDatabase

from contracts import Event, topics
from notification.adapters.gateways import MailServer, SmsGateway
from notification.adapters.repository import NOTIFICATIONS, MongoNotifications
from notification.entrypoints.http import router
from notification.service_layer.services import notify_resident
from notification.settings import NotificationSettings

NAME = "notification"


async def prepare(db: AsyncDatabase[Document], settings: ServiceSettings) -> None:
    await db[NOTIFICATIONS].create_index([("request_id", 1)])


def _clock() -> datetime:
    return datetime.now(UTC)


def subscriptions(service: HotlineService) -> Sequence[Subscription]:
    """Everything notification consumes, in one place."""
    settings = service.settings
    assert isinstance(settings, NotificationSettings)
    sms = SmsGateway(settings.sms_gateway_url, settings.gateway_timeout_s)
    mail = MailServer(
        settings.smtp_host, settings.smtp_port, settings.smtp_sender, settings.gateway_timeout_s
    )

    async def tell(event: Event[Any], request_id: Any) -> None:
        sent = await notify_resident(
            event,
            request_id=request_id,
            notifications=MongoNotifications(service.db),
            sms=sms,
            mail=mail,
            clock=_clock,
        )
        for notification_id in sent:
            service.events_written(NOTIFICATIONS, str(notification_id))

    async def on_accepted(event: ServiceRequestAccepted) -> None:
        await tell(event, event.payload.request_id)

    async def on_dispatched(event: WorkOrderDispatched) -> None:
        await tell(event, event.payload.request_id)

    async def on_charged(event: ChargeRaised) -> None:
        await tell(event, event.payload.request_id)

    return [
        Subscription(topics.SERVICE_REQUESTS, {ServiceRequestAccepted: on_accepted}),
        Subscription(topics.WORK_ORDERS, {WorkOrderDispatched: on_dispatched}),
        Subscription(topics.CHARGES, {ChargeRaised: on_charged}),
    ]


def build(settings: NotificationSettings | None = None) -> HotlineService:
    return HotlineService(
        NAME,
        settings or NotificationSettings(),
        description="Tells residents by SMS and e-mail what happened to their request.",
        routers=[router],
        subscriptions=subscriptions,
        outbox_collections=[NOTIFICATIONS],
        publishes=[NotificationSent],
        prepare=prepare,
    )


def create_app() -> FastAPI:
    return build().app()
