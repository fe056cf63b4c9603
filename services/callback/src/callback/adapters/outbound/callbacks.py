"""A callback's domain events → the integration events they are published as, in every major
version a consumer may still read."""

from __future__ import annotations

from typing import Any

from hotline_libs.unit_of_work import EventContext

from callback.adapters.outbound import events_v1, events_v2
from callback.domain.callback import Callback
from contracts import Event


def to_integration(callback: Callback, event: Any, context: EventContext) -> list[Event[Any]]:
    """v1 as before, and v2 of the scheduled and overdue events beside it until every consumer
    reads v2 (``contracts.callback.v2``; a complaint's callback has v2 only)."""
    published = (
        events_v1.to_integration(callback, event, context),
        events_v2.to_integration(callback, event, context),
    )
    return [integration for integration in published if integration is not None]
