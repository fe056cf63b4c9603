"""Service requests and the triage rules that accept them (登记 → 判别)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import phonenumbers
from contracts.intake.v1 import Channel, RequestKind
from hotline_libs.errors import NotFound, RuleViolation

from intake.domain.boards import BOARDS

MAX_DESCRIPTION = 4000
APPOINTMENT_GRACE = timedelta(minutes=5)


class UnknownSite(NotFound):
    """The request names a site the hotline does not serve."""


class InvalidRegistration(RuleViolation):
    """A registration breaks an intake rule; the message names the field and the rule."""


@dataclass(frozen=True)
class Site:
    """A property site (项目) whose residents the hotline serves."""

    site_id: str
    code: str
    name: str
    services: frozenset[RequestKind]


@dataclass(frozen=True)
class ResidentContact:
    """Who called, and where they live (栋房号)."""

    name: str
    phone: str
    email: str | None
    building: str
    room: str


@dataclass(frozen=True)
class RequestedItem:
    """A price-list item the resident asked for."""

    item_code: str
    quantity: int


@dataclass(frozen=True)
class Registration:
    """What the agent typed in while on the call."""

    site_id: str
    kind: RequestKind
    category: str
    description: str
    resident: ResidentContact
    channel: Channel
    requested_items: tuple[RequestedItem, ...] = ()
    appointment_at: datetime | None = None
    registered_at: datetime | None = None


@dataclass
class ServiceRequest:
    """A registered and accepted request; the source of ``ServiceRequestAccepted``."""

    request_id: uuid.UUID
    request_no: str
    site_id: str
    kind: RequestKind
    category: str
    description: str
    resident: ResidentContact
    channel: Channel
    requested_items: tuple[RequestedItem, ...]
    appointment_at: datetime | None
    registered_at: datetime
    accepted_at: datetime
    fingerprint: str = field(default="", compare=False)


def normalise_phone(raw: str, region: str = "CN") -> str:
    """The number in E.164 form; ``InvalidRegistration`` if it is not a valid phone number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise InvalidRegistration(f"resident.phone {raw!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidRegistration(f"resident.phone {raw!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def accept(
    registration: Registration,
    site: Site,
    *,
    request_id: uuid.UUID,
    request_no: str,
    now: datetime,
) -> ServiceRequest:
    """Triage a registration against the board and the site's service scope, and accept it."""
    items = BOARDS[registration.kind]
    if registration.category not in items:
        raise InvalidRegistration(
            f"category {registration.category!r} is not an item of the {registration.kind.value} "
            f"board; expected one of: {', '.join(items)}"
        )
    if registration.kind not in site.services:
        raise InvalidRegistration(
            f"site {site.site_id!r} ({site.name}) does not offer {registration.kind.value} services"
        )
    description = registration.description.strip()
    if not description:
        raise InvalidRegistration("description must say what the resident asked for")
    if len(description) > MAX_DESCRIPTION:
        raise InvalidRegistration(f"description is longer than {MAX_DESCRIPTION} characters")
    if (
        registration.appointment_at is not None
        and registration.appointment_at < now - APPOINTMENT_GRACE
    ):
        raise InvalidRegistration("appointment_at is in the past")
    registered_at = registration.registered_at or now
    if registered_at > now + APPOINTMENT_GRACE:
        raise InvalidRegistration("registered_at is in the future")
    codes = [item.item_code for item in registration.requested_items]
    if len(set(codes)) != len(codes):
        raise InvalidRegistration(
            "requested_items lists an item_code twice; give one line per item"
        )
    resident = registration.resident
    return ServiceRequest(
        request_id=request_id,
        request_no=request_no,
        site_id=site.site_id,
        kind=registration.kind,
        category=registration.category,
        description=description,
        resident=ResidentContact(
            name=resident.name.strip(),
            phone=normalise_phone(resident.phone),
            email=resident.email,
            building=resident.building.strip(),
            room=resident.room.strip(),
        ),
        channel=registration.channel,
        requested_items=registration.requested_items,
        appointment_at=registration.appointment_at,
        registered_at=registered_at,
        accepted_at=now,
    )
