"""Deterministic ids: the same cause always yields the same id, so retries repeat, not double."""

from __future__ import annotations

import uuid

HOTLINE_NAMESPACE = uuid.UUID("6f1d2c3e-8a4b-5c6d-9e0f-112233445566")


def derive_id(kind: str, *causes: object) -> uuid.UUID:
    """A UUIDv5 of ``kind`` and its causes, e.g. ``derive_id("work-order", request_id)``."""
    name = "/".join([kind, *(str(cause) for cause in causes)])
    return uuid.uuid5(HOTLINE_NAMESPACE, name)


def serial_number(prefix: str, site_code: str, day: str, entity_id: uuid.UUID) -> str:
    """Human-readable serial such as ``SR-HY-20261123-1A2B3C`` from a stable id."""
    return f"{prefix}-{site_code}-{day}-{entity_id.hex[:6].upper()}"
