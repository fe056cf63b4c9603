"""Integration events shared by the hotline services.

Only what crosses the bus lives here: the envelope, the payload of every published event
version, the topic each stream is published on, and the registry that turns raw bytes back
into a typed event. One module per producer and major version (``contracts/dispatch/v1.py``).
"""

from contracts.envelope import Event, EventEnvelope
from contracts.registry import UnknownEventError, event_model, parse_event, registered_events

__all__ = [
    "Event",
    "EventEnvelope",
    "UnknownEventError",
    "event_model",
    "parse_event",
    "registered_events",
]
