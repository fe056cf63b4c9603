"""Everything intake consumes, in one place: each event mapped to a command on the bus."""

from __future__ import annotations

from typing import Any

from contracts.billing.v1 import PriceListRecorded
from contracts.sites.v1 import SiteRequestSubmitted
from hotline_libs.bus import MessageBus
from hotline_libs.messaging import Subscription, to_bus

from contracts import topics
from intake.adapters.inbound import billing_v1, sites_v1, timeline_v1


def subscriptions(bus: MessageBus) -> list[Subscription]:
    keep = to_bus(bus, timeline_v1.note_on_timeline)
    followed: dict[str, dict[type[Any], Any]] = {}
    for event in timeline_v1.FOLLOWED:
        followed.setdefault(event.TOPIC, {})[event] = keep
    return [
        Subscription(
            topics.SITE_REQUESTS,
            {SiteRequestSubmitted: to_bus(bus, sites_v1.register_site_submission)},
        ),
        Subscription(
            topics.PRICE_LISTS, {PriceListRecorded: to_bus(bus, billing_v1.keep_price_list)}
        ),
        *(Subscription(topic, handlers) for topic, handlers in sorted(followed.items())),
    ]
