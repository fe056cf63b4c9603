"""What residents are told about, in notification's own terms (not the producers' contracts).

The inbound mappers (``adapters/inbound``) turn each producer's event into one of these; the
templates (``messages.py``) turn one into the messages to send.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Recipient:
    """The resident to tell, and how to reach them."""

    name: str
    phone: str
    email: str | None
    building: str
    room: str


@dataclass(frozen=True)
class About:
    """The event an occasion comes from: every message names it."""

    event_id: uuid.UUID
    event_type: str
    correlation_id: uuid.UUID
    site_id: str
    request_id: uuid.UUID


@dataclass(frozen=True)
class RequestAccepted:
    """The hotline registered the resident's request."""

    about: About
    recipient: Recipient
    request_no: str
    appointment_at: datetime | None


@dataclass(frozen=True)
class TechnicianAssigned:
    """A technician has the work order and will get in touch."""

    about: About
    recipient: Recipient
    request_no: str
    technician_name: str
    technician_phone: str


@dataclass(frozen=True)
class ChargedLine:
    item_name: str
    quantity: int
    unit: str
    amount: Decimal


@dataclass(frozen=True)
class ChargeRaised:
    """A paid service is charged: what, how much, and how it is paid."""

    about: About
    recipient: Recipient
    request_no: str
    charge_no: str
    lines: tuple[ChargedLine, ...]
    total: Decimal
    payment_method: str


Occasion = RequestAccepted | TechnicianAssigned | ChargeRaised
