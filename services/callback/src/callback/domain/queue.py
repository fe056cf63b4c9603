"""The callback agents' queue at a glance: per site and reason, what is due when (CB-01)."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


class Standing(enum.StrEnum):
    """Where an open callback stands on the site's day."""

    OVERDUE = "overdue"
    """Its due day is over and the call is not made."""
    DUE_TODAY = "due_today"
    LATER = "later"
    UNREACHABLE = "unreachable"
    """Given up: nobody answered, or the number is wrong; an outcome may still come."""


@dataclass(frozen=True)
class OpenCallback:
    """What the queue needs of a callback still to make."""

    site_id: str
    reason: str
    due_on: date
    unreachable: bool


def standing(callback: OpenCallback, today: date) -> Standing:
    if callback.unreachable:
        return Standing.UNREACHABLE
    if callback.due_on < today:
        return Standing.OVERDUE
    if callback.due_on == today:
        return Standing.DUE_TODAY
    return Standing.LATER


def queue(
    callbacks: Iterable[OpenCallback], today_of: dict[str, date]
) -> dict[tuple[str, str], Counter[Standing]]:
    """Per (site, reason), how many open callbacks stand where on each site's own day."""
    counts: dict[tuple[str, str], Counter[Standing]] = {}
    for callback in callbacks:
        key = (callback.site_id, callback.reason)
        counts.setdefault(key, Counter())[standing(callback, today_of[callback.site_id])] += 1
    return counts
