"""Everything billing consumes, in one place: each event mapped to a command on the bus."""

from __future__ import annotations

from contracts.dispatch.v1 import WorkOrderCompleted
from contracts.intake.v1 import (
    ResidentRecorded,
    SiteRecorded,
    UnitRecorded,
    WorkingCalendarYearLoaded,
)
from contracts.notification.v1 import NotificationSent
from hotline_libs.bus import MessageBus
from hotline_libs.calendar_feed import calendar_year_loaded, site_recorded
from hotline_libs.messaging import Subscription, to_bus

from billing.adapters.inbound import dispatch_v1, intake_v1, notification_v1
from contracts import topics


def subscriptions(bus: MessageBus) -> list[Subscription]:
    return [
        Subscription(
            topics.WORK_ORDERS, {WorkOrderCompleted: to_bus(bus, dispatch_v1.charge_work_order)}
        ),
        Subscription(
            topics.DIRECTORY,
            {
                # each site's time zone, which its daily records are counted in
                SiteRecorded: to_bus(bus, site_recorded),
                WorkingCalendarYearLoaded: to_bus(bus, calendar_year_loaded),
                # each unit's floor area and payer, and how to reach them (FEE-05, FEE-06)
                UnitRecorded: to_bus(bus, intake_v1.unit_recorded),
                ResidentRecorded: to_bus(bus, intake_v1.resident_recorded),
            },
        ),
        Subscription(
            topics.NOTIFICATIONS, {NotificationSent: to_bus(bus, notification_v1.reminder_sent)}
        ),
    ]
