"""The request's timeline: what every service did about it, kept by intake from their events,
so one screen answers "where is my repair?"."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TimelineEntry:
    entry_id: str
    """The event's id (another service's), or the request and step (intake's own)."""
    request_id: uuid.UUID
    site_id: str
    service: str
    what: str
    """The step, named as its event is (``WorkOrderDispatched``, ``ResidentReplied`` …)."""
    at: datetime
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    order: int = 0
    """Its place among entries of the same moment: a work order's history line (a visit
    recorded at once has all its steps at one time)."""
