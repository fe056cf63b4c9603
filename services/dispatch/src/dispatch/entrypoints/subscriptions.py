"""Everything dispatch consumes, in one place: each event mapped to a command on the bus."""

from __future__ import annotations

from contracts.callback.v1 import RectificationOpened
from contracts.intake.v1 import ServiceRequestAccepted, SiteRecorded, WorkingCalendarYearLoaded
from hotline_libs.bus import MessageBus
from hotline_libs.calendar_feed import calendar_year_loaded, site_recorded
from hotline_libs.messaging import Subscription, to_bus

from contracts import topics
from dispatch.adapters.inbound import callback_v1, intake_v1


def subscriptions(bus: MessageBus) -> list[Subscription]:
    return [
        Subscription(
            topics.SERVICE_REQUESTS,
            {ServiceRequestAccepted: to_bus(bus, intake_v1.dispatch_request)},
        ),
        Subscription(
            topics.CALLBACKS,
            {RectificationOpened: to_bus(bus, callback_v1.open_rectification_order)},
        ),
        Subscription(
            topics.DIRECTORY,
            {
                # each site's time zone and shifts, which its technicians' rosters are drawn on
                SiteRecorded: to_bus(bus, site_recorded),
                WorkingCalendarYearLoaded: to_bus(bus, calendar_year_loaded),
            },
        ),
    ]
