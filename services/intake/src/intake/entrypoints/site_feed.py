"""Intake's Kafka entrypoint: requests a property site's own system feeds to the hotline.

The handler only turns the site system's ``SiteRequestSubmitted`` into the same
``Registration`` an agent's POST builds (channel ``site_system``) and registers it; the
triage rules are intake's domain rules, whichever way the request came in.
"""

from __future__ import annotations

from datetime import datetime

from contracts.intake.v1 import Channel
from contracts.sites.v1 import SiteRequestSubmitted
from hotline_libs.errors import Conflict
from hotline_libs.ids import Serials

from intake.domain.model import Registration, RequestedItem, ResidentContact, ServiceRequest
from intake.service_layer.services import ServiceRequests, Sites, register_request


def idempotency_key(source_ref: str) -> str:
    """The key a submission registers under: one request per site and ``source_ref``."""
    return f"site-feed:{source_ref}"


def registration_of(event: SiteRequestSubmitted) -> Registration:
    """The registration a site system's submission stands for; its site is the envelope's."""
    submitted = event.payload
    resident = submitted.resident
    return Registration(
        site_id=event.site_id,
        kind=submitted.kind,
        category=submitted.category,
        description=submitted.description,
        resident=ResidentContact(
            name=resident.name,
            phone=resident.phone,
            email=resident.email,
            building=resident.building,
            room=resident.room,
        ),
        channel=Channel.SITE_SYSTEM,
        requested_items=tuple(
            RequestedItem(item.item_code, item.quantity) for item in submitted.requested_items
        ),
        appointment_at=submitted.appointment_at,
        registered_at=submitted.registered_at,
    )


async def register_submission(
    event: SiteRequestSubmitted,
    *,
    requests: ServiceRequests,
    sites: Sites,
    serials: Serials,
    now: datetime,
) -> tuple[ServiceRequest, bool]:
    """Register the submission once; returns the request and whether it is new.

    A redelivered or re-sent submission (same site and ``source_ref``, same content) finds the
    request it registered first. Refusals raise ``HotlineError``s, which the consumer
    dead-letters with their message.
    """
    source_ref = event.payload.source_ref
    try:
        return await register_request(
            registration_of(event),
            requests=requests,
            sites=sites,
            serials=serials,
            now=now,
            idempotency_key=idempotency_key(source_ref),
        )
    except Conflict:
        raise Conflict(
            f"source_ref {source_ref!r} of site {event.site_id!r} was already registered "
            "with different content; a new request needs a new source_ref"
        ) from None
