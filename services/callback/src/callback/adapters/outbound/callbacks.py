"""A callback's domain events → the integration events they are published as, in every major
version a consumer may still read."""

from __future__ import annotations

from typing import Any

from hotline_libs.unit_of_work import EventContext

from callback.adapters.outbound import events_v1, events_v2
from callback.domain.callback import Callback
from contracts import Event


def to_integration(callback: Callback, event: Any, context: EventContext) -> list[Event[Any]]:
    """The outcome in v1; a scheduled or overdue call in v2 and, until every consumer reads v2
    (``contracts.callback.v2``), in v1 beside it (a complaint's callback has v2 only)."""
    made = events_v1.to_integration(callback, event, context)
    if made is not None:
        return [made]
    newer = events_v2.to_integration(callback, event, context)
    if newer is None:
        return []
    return [e for e in (events_v1.older(newer), newer) if e is not None]
