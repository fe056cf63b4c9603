"""Topic names: one topic per aggregate stream, plus a dead-letter topic for each.

A deployment may prefix every name (``HOTLINE_TOPIC_PREFIX``) to run several isolated
stacks on one broker; the names here are the unprefixed ones.
"""

SERVICE_REQUESTS = "intake.service-requests"
DIRECTORY = "intake.directory"
"""What intake owns and every service keeps a copy of: sites, units, calendars."""
INCIDENTS = "intake.incidents"
"""Site-wide incidents: declared, closed (residents who called are told)."""
DUTY = "intake.duty"
"""The front desk's own clocks: a roster not submitted in time."""
REPORTS = "intake.reports"
"""The hotline's monthly reports once approved, for the departments and leaders (CMP-22)."""
WORK_ORDERS = "dispatch.work-orders"
WORK_ORDER_STEPS = "dispatch.work-order-steps"
"""Each step of a work order, for the request's timeline: kept off ``dispatch.work-orders`` so
that billing, callback and notification do not read (and skip) six events per visit."""
DISPATCH_REPORTS = "dispatch.reports"
"""Each site's month of work orders in figures, for the departments and leaders (DSP-12)."""
CHARGES = "billing.charges"
PRICE_LISTS = "billing.price-lists"
"""Each site's current price list (特约服务项目价格表), whole, after every change (BIL-01)."""
CALLBACKS = "callback.callbacks"
NOTIFICATIONS = "notification.notifications"
SITE_REQUESTS = "sites.service-requests"
"""Inbound: what the property sites' own systems feed to the hotline (``contracts.sites``)."""

STREAMS: tuple[str, ...] = (
    SERVICE_REQUESTS,
    DIRECTORY,
    INCIDENTS,
    DUTY,
    REPORTS,
    WORK_ORDERS,
    WORK_ORDER_STEPS,
    DISPATCH_REPORTS,
    CHARGES,
    PRICE_LISTS,
    CALLBACKS,
    NOTIFICATIONS,
    SITE_REQUESTS,
)


def dead_letter_topic(topic: str) -> str:
    """Name of the topic that receives the messages of ``topic`` no consumer could handle."""
    return f"{topic}.dlq"
