"""Wires notification: the store, the clock, the gateways, the handler, routes and subscriptions."""

from __future__ import annotations

from contracts.notification.v1 import NotificationSent
from fastapi import FastAPI
from hotline_libs.aggregate import Clock, utc_now
from hotline_libs.mongo import Document, ensure_index
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from pymongo.asynchronous.database import AsyncDatabase

from notification.adapters.bulk_sms import BulkSmsGateway
from notification.adapters.gateways import MailServer
from notification.adapters.mongo.broadcasts import BATCHES, BROADCASTS
from notification.adapters.mongo.households import HOUSEHOLDS, MEMBERS
from notification.adapters.mongo.notifications import NOTIFICATIONS
from notification.adapters.mongo.staff import STAFF
from notification.adapters.mongo.templates import TEMPLATES
from notification.adapters.mongo.unit_of_work import MongoNotificationUnitOfWork
from notification.adapters.sms_providers import PrimaryProvider, SecondaryProvider, SmsRelay
from notification.domain.preferences import quiet_hours_from
from notification.domain.sms_delivery import PRIMARY, SECONDARY, RetryPolicy
from notification.entrypoints.deadlines import broadcast_deadline, notification_deadline
from notification.entrypoints.http import (
    acknowledgements,
    broadcasts,
    notifications,
    preferences,
    sms_receipts,
    templates,
)
from notification.entrypoints.http.access import ACCESS
from notification.entrypoints.subscriptions import subscriptions
from notification.service_layer.acknowledgement_links import AcknowledgementLinks
from notification.service_layer.handlers import HANDLERS
from notification.service_layer.rules import NoticeRules
from notification.service_layer.signed_links import signed_links
from notification.service_layer.unsubscribe import unsubscribe_links
from notification.settings import NotificationSettings

NAME = "notification"


async def prepare(db: AsyncDatabase[Document], settings: ServiceSettings) -> None:
    await ensure_index(db[NOTIFICATIONS], [("request_id", 1)])
    await ensure_index(db[NOTIFICATIONS], [("messages.message_id", 1)])
    await ensure_index(db[NOTIFICATIONS], [("messages.provider_message_id", 1)])
    await ensure_index(db[STAFF], [("site_id", 1)])
    await ensure_index(db[TEMPLATES], [("current", 1)])
    await ensure_index(db[HOUSEHOLDS], [("site_id", 1), ("building", 1), ("room", 1)])
    await ensure_index(db[MEMBERS], [("site_id", 1)])
    await ensure_index(db[BROADCASTS], [("site_id", 1), ("created_at", -1)])
    await ensure_index(db[BATCHES], [("broadcast_id", 1), ("state", 1)])


def sms_relay(settings: NotificationSettings) -> SmsRelay:
    """The primary provider, then the secondary, each at its own rate."""
    timeout = settings.gateway_timeout_s
    return SmsRelay(
        [
            PrimaryProvider(PRIMARY, settings.sms_gateway_url, timeout),
            SecondaryProvider(
                SECONDARY, settings.sms_secondary_url, settings.sms_secondary_api_key, timeout
            ),
        ],
        RetryPolicy(
            settings.sms_tries_per_provider, settings.sms_backoff_base_s, settings.sms_backoff_cap_s
        ),
        settings.sms_rate_per_s,
    )


def bootstrap(
    settings: NotificationSettings | None = None, clock: Clock = utc_now
) -> HotlineService:
    settings = settings or NotificationSettings()
    service = HotlineService(
        NAME,
        settings,
        description="Tells residents by SMS and e-mail what happened to their request, "
        "alerts the supervisors and the site's manager of an emergency, and e-mails each "
        "site's approved monthly report to its departments' liaisons, its manager and the "
        "company's leaders; sends each site's income and spending statement to its households.",
        publishes=[NotificationSent],
        prepare=prepare,
        clock=clock,
    )
    bus = service.message_bus(
        HANDLERS,
        MongoNotificationUnitOfWork,
        dependencies={
            "sms": sms_relay(settings),
            "mail": MailServer(
                settings.smtp_host,
                settings.smtp_port,
                settings.smtp_sender,
                settings.gateway_timeout_s,
                settings.smtp_ca_file,
            ),
            "rules": NoticeRules(
                quiet_hours=quiet_hours_from(settings.quiet_hours),
                unsubscribe=unsubscribe_links(settings),
                acknowledgement=AcknowledgementLinks(signed_links(settings)),
            ),
            "bulk_sms": BulkSmsGateway(settings.sms_gateway_url, settings.gateway_timeout_s),
        },
    )
    return service.wire(
        bus,
        access=ACCESS,
        routers=[
            notifications.router,
            acknowledgements.router,
            preferences.router,
            sms_receipts.router,
            templates.router,
            broadcasts.router,
        ],
        subscriptions=subscriptions(bus),
        collections=[NOTIFICATIONS],
        deadlines={NOTIFICATIONS: notification_deadline, BROADCASTS: broadcast_deadline},
    )


def create_app() -> FastAPI:
    return bootstrap().app()
