"""Incidents: declared once, calls noted on them, reported, closed."""

from __future__ import annotations

import uuid

from hotline_libs.errors import HotlineError, NotFound, RuleViolation

from intake.domain.commands import (
    CloseIncident,
    DeclareIncident,
    NoteIncidentCall,
    UpdateIncidentScript,
    WriteSpecialMatterReport,
)
from intake.domain.incident import Incident, IncidentCall, SpecialMatterReport, declare
from intake.domain.service_request import normalise_phone
from intake.domain.unit import address_part
from intake.service_layer.unit_of_work import IntakeUnitOfWork, served_site, visible


async def _incident(
    uow: IntakeUnitOfWork, incident_id: uuid.UUID, sites: frozenset[str] | None
) -> Incident:
    incident = await uow.incidents.get(incident_id)
    if incident is None or not visible(incident.site_id, sites):
        raise NotFound(f"no incident {incident_id}")
    return incident


async def declare_incident(command: DeclareIncident, uow: IntakeUnitOfWork) -> Incident:
    await served_site(uow, command.site_id)
    incident = declare(
        incident_id=uuid.uuid4(),
        site_id=command.site_id,
        kind=command.kind,
        title=command.title,
        script=command.script,
        buildings=tuple(address_part("buildings", b) for b in command.buildings),
        major=command.major,
        expected_end_at=command.expected_end_at,
        by=command.by,
        now=uow.clock(),
    )
    uow.incidents.add(incident)
    await uow.commit()
    return incident


async def note_incident_call(command: NoteIncidentCall, uow: IntakeUnitOfWork) -> Incident:
    incident = await _incident(uow, command.incident_id, command.visible_sites)
    incident.note_call(
        IncidentCall(
            name=command.name.strip(),
            phone=_phone(command.phone),
            building=command.building.strip(),
            room=command.room.strip(),
            note=command.note,
            taken_by=command.by,
            at=uow.clock(),
        )
    )
    await uow.commit()
    return incident


def _phone(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except HotlineError:
        raise RuleViolation(f"phone {raw!r} is not a valid phone number", field="phone") from None


async def update_incident_script(command: UpdateIncidentScript, uow: IntakeUnitOfWork) -> Incident:
    incident = await _incident(uow, command.incident_id, command.visible_sites)
    incident.update_script(command.script, command.expected_end_at)
    await uow.commit()
    return incident


async def write_special_matter_report(
    command: WriteSpecialMatterReport, uow: IntakeUnitOfWork
) -> Incident:
    incident = await _incident(uow, command.incident_id, command.visible_sites)
    incident.write_report(
        SpecialMatterReport(
            command.what_happened,
            command.actions_taken,
            command.losses,
            command.follow_up,
            command.by,
            uow.clock(),
        )
    )
    await uow.commit()
    return incident


async def close_incident(command: CloseIncident, uow: IntakeUnitOfWork) -> Incident:
    incident = await _incident(uow, command.incident_id, command.visible_sites)
    incident.close(command.note, command.by, uow.clock())
    await uow.commit()
    return incident
