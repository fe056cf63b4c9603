"""The sites' own systems' events (``contracts.sites.v1``) → intake's commands."""

from __future__ import annotations

from contracts.sites.v1 import SiteRequestSubmitted

from intake.domain.boards import RequestKind
from intake.domain.commands import RegisterSiteSubmission
from intake.domain.service_request import Channel, Registration, RequestedItem, ResidentContact


def register_site_submission(event: SiteRequestSubmitted) -> RegisterSiteSubmission:
    """The registration a site system's submission stands for, at the envelope's site, channel
    ``site_system``: the same triage as an agent's registration."""
    submitted = event.payload
    resident = submitted.resident
    return RegisterSiteSubmission(
        submission_id=event.event_id,
        source_ref=submitted.source_ref,
        registration=Registration(
            site_id=event.site_id,
            kind=RequestKind(submitted.kind.value),
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
        ),
        causation_id=event.event_id,
    )
