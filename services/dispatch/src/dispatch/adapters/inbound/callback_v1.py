"""Callback's events (``contracts.callback.v1``) → dispatch's commands."""

from __future__ import annotations

from contracts.callback.v1 import RectificationOpened

from dispatch.domain.commands import OpenRectificationOrder


def open_rectification_order(event: RectificationOpened) -> OpenRectificationOrder | None:
    """A callback found a work order's work wanting: a new order puts it right. A complaint's
    rectification (no work order) goes back to the department that handled it, not here."""
    case = event.payload
    if case.work_order_id is None:
        return None
    return OpenRectificationOrder(
        rectification_id=case.rectification_id,
        loop=case.loop,
        work_order_id=case.work_order_id,
        site_id=event.site_id,
        opinion=case.opinion,
        causation_id=event.event_id,
    )
