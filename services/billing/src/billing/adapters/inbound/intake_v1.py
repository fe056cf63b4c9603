"""Intake's directory (``contracts.intake.v1``) → billing's copy of units and residents."""

from __future__ import annotations

from contracts.intake.v1 import ResidentRecorded, UnitRecorded

from billing.domain.commands import KeepResident, KeepUnit


def unit_recorded(event: UnitRecorded) -> KeepUnit:
    u = event.payload
    return KeepUnit(
        site_id=event.site_id,
        building=u.building,
        room=u.room,
        floor_area_m2=u.floor_area_m2,
        owner_id=u.owner_id,
        payer_id=u.payer_id,
        recorded_at=u.recorded_at,
        causation_id=event.event_id,
    )


def resident_recorded(event: ResidentRecorded) -> KeepResident:
    r = event.payload
    return KeepResident(
        site_id=event.site_id,
        resident_id=r.resident_id,
        name=r.name,
        phone=r.phones[0] if r.phones else None,
        email=r.email,
        recorded_at=r.recorded_at,
        causation_id=event.event_id,
    )
