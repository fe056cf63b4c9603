"""Deterministic ids: the same cause always yields the same id, so retries repeat, not double."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

SITE_TIME_ZONE = ZoneInfo("Asia/Shanghai")
"""Where the sites are: business days and serial numbers follow this clock."""

HOTLINE_NAMESPACE = uuid.UUID("6f1d2c3e-8a4b-5c6d-9e0f-112233445566")


def derive_id(kind: str, *causes: object) -> uuid.UUID:
    """A UUIDv5 of ``kind`` and its causes, e.g. ``derive_id("work-order", request_id)``."""
    name = "/".join([kind, *(str(cause) for cause in causes)])
    return uuid.uuid5(HOTLINE_NAMESPACE, name)


class EventKind(Protocol):
    """An event class: anything with an ``EVENT_TYPE`` (``contracts.Event`` subclasses)."""

    @property
    def EVENT_TYPE(self) -> str: ...  # noqa: N802 - the contracts' own name


def event_id(event: EventKind, cause: object) -> uuid.UUID:
    """The id of the ``event`` that ``cause`` (usually its aggregate's id) gives rise to.

    A later major version of an event (``VERSION`` 2 on) has ids of its own: while a producer
    publishes both versions of the same fact, each is a message of its own on the outbox and the
    topic, and a consumer reads the one version it knows. Version 1 keeps the ids it always had.
    """
    version = getattr(event, "VERSION", 1)
    if version == 1:
        return derive_id("event", event.EVENT_TYPE, cause)
    return derive_id("event", f"{event.EVENT_TYPE}.v{version}", cause)


def serial_number(prefix: str, site_code: str, moment: datetime, sequence: int) -> str:
    """The human-readable serial staff quote, e.g. ``SR-DMG-20261123-0042``.

    One sequence per kind, site and local business day, so numbers are short, ordered and
    unique; the day is the site's (Asia/Shanghai), not UTC's.
    """
    return f"{prefix}-{site_code}-{business_day(moment)}-{sequence:04d}"


def business_day(moment: datetime) -> str:
    """The site's calendar day of ``moment`` as ``YYYYMMDD``."""
    return moment.astimezone(SITE_TIME_ZONE).strftime("%Y%m%d")


class Serials(Protocol):
    """Hands out the next number of a named sequence, never the same one twice."""

    async def next(self, sequence: str) -> int: ...


async def next_serial_number(
    serials: Serials, prefix: str, site_code: str, moment: datetime
) -> str:
    """Draw the next serial of ``prefix`` at ``site_code`` for ``moment``'s business day."""
    sequence = await serials.next(f"{prefix}-{site_code}-{business_day(moment)}")
    return serial_number(prefix, site_code, moment, sequence)
