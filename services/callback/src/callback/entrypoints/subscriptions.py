"""Everything the callback service consumes, in one place: each event mapped to a command."""

from __future__ import annotations

from contracts.billing.v1 import ChargeRaised
from contracts.dispatch.v1 import WorkOrderCompleted
from contracts.intake.v1 import (
    ComplaintResolved,
    SiteRecorded,
    UnitRecorded,
    WorkingCalendarYearLoaded,
)
from hotline_libs.bus import MessageBus
from hotline_libs.calendar_feed import calendar_year_loaded, site_recorded
from hotline_libs.messaging import Subscription, to_bus

from callback.adapters.inbound import events_v1
from contracts import topics


def subscriptions(bus: MessageBus) -> list[Subscription]:
    return [
        Subscription(
            topics.WORK_ORDERS, {WorkOrderCompleted: to_bus(bus, events_v1.schedule_callback)}
        ),
        Subscription(topics.CHARGES, {ChargeRaised: to_bus(bus, events_v1.note_charge)}),
        Subscription(
            topics.SERVICE_REQUESTS,
            {ComplaintResolved: to_bus(bus, events_v1.schedule_complaint_callback)},
        ),
        Subscription(
            topics.DIRECTORY,
            {
                WorkingCalendarYearLoaded: to_bus(bus, calendar_year_loaded),
                SiteRecorded: to_bus(bus, site_recorded),
                UnitRecorded: to_bus(bus, events_v1.keep_unit),
            },
        ),
    ]
