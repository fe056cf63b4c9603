"""What intake's directory publishes for the other services to keep (``intake.directory``)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from contracts.intake import v1
from hotline_libs.ids import derive_id, event_id
from hotline_libs.unit_of_work import EventContext

from contracts import Event
from intake.domain import events
from intake.domain.catalogue import Catalogue
from intake.domain.resident import Resident
from intake.domain.site import Site
from intake.domain.staff import StaffMember
from intake.domain.unit import Unit
from intake.domain.working_calendar import WorkingCalendarYear

PRODUCER = "intake"
EVERY_SITE = "*"


def _published(
    model: type[Event[Any]],
    *,
    key: str,
    site_id: str,
    correlation_id: uuid.UUID,
    at: datetime,
    context: EventContext,
    payload: Any,
) -> Any:
    """A directory record as published: its id derived from what it records and when it was
    recorded, so a retried save publishes the same event again rather than a second one."""
    return model.build(
        event_id=event_id(model, f"{key}@{at.isoformat()}"),
        producer=PRODUCER,
        site_id=site_id,
        correlation_id=correlation_id,
        causation_id=context.causation_id,
        occurred_at=at,
        aggregate_version=context.aggregate_version,
        payload=payload,
    )


def to_integration(
    year: WorkingCalendarYear, event: Any, context: EventContext
) -> Event[Any] | None:
    """``WorkingCalendarYearLoaded`` for each load; its id is derived from the year and the
    load's time, so a retried save repeats it."""
    if not isinstance(event, events.WorkingCalendarYearLoaded):
        return None
    schedule = year.schedule
    key = f"{schedule.country}-{schedule.year}"
    loaded: v1.WorkingCalendarYearLoaded = _published(
        v1.WorkingCalendarYearLoaded,
        key=key,
        site_id=EVERY_SITE,
        correlation_id=derive_id("working-calendar", key),
        at=event.loaded_at,
        context=context,
        payload=v1.WorkingCalendarYearLoadedPayload(
            country=schedule.country,
            year=schedule.year,
            days_off=sorted(schedule.days_off),
            working_weekends=sorted(schedule.working_weekends),
            source=schedule.source,
            loaded_at=event.loaded_at,
        ),
    )
    return loaded


def resident_recorded(resident: Resident, event: Any, context: EventContext) -> Event[Any] | None:
    if not isinstance(event, events.ResidentRecorded):
        return None
    details = resident.details
    recorded: v1.ResidentRecorded = _published(
        v1.ResidentRecorded,
        key=str(resident.resident_id),
        site_id=resident.site_id,
        correlation_id=resident.resident_id,
        at=event.recorded_at,
        context=context,
        payload=v1.ResidentRecordedPayload(
            resident_id=resident.resident_id,
            name=details.name,
            phones=list(details.phones),
            email=details.email,
            preferred_channel=v1.PreferredChannel(details.preferred_channel.value),
            language=details.language.value,
            consents_to_sms=details.consents_to_sms,
            consents_to_email=details.consents_to_email,
            recorded_at=event.recorded_at,
        ),
    )
    return recorded


def unit_recorded(unit: Unit, event: Any, context: EventContext) -> Event[Any] | None:
    if not isinstance(event, events.UnitRecorded):
        return None
    people = unit.occupancy
    recorded: v1.UnitRecorded = _published(
        v1.UnitRecorded,
        key=unit.unit_id,
        site_id=unit.site_id,
        correlation_id=derive_id("unit", unit.unit_id),
        at=event.recorded_at,
        context=context,
        payload=v1.UnitRecordedPayload(
            unit_id=unit.unit_id,
            building=unit.building,
            room=unit.room,
            floor_area_m2=unit.floor_area_m2,
            owner_id=people.owner_id,
            tenant_ids=list(people.tenant_ids),
            payer_id=people.pays,
            recorded_at=event.recorded_at,
        ),
    )
    return recorded


def site_recorded(site: Site, event: Any, context: EventContext) -> Event[Any] | None:
    if not isinstance(event, events.SiteRecorded):
        return None
    recorded: v1.SiteRecorded = _published(
        v1.SiteRecorded,
        key=site.site_id,
        site_id=site.site_id,
        correlation_id=derive_id("site", site.site_id),
        at=event.recorded_at,
        context=context,
        payload=v1.SiteRecordedPayload(
            code=site.code,
            site_name=site.name,
            services=[v1.RequestKind(kind.value) for kind in sorted(site.services)],
            country=site.country,
            time_zone=site.time_zone,
            supervisor_after_minutes=_minutes(site.escalation.supervisor_after),
            higher_manager_after_minutes=_minutes(site.escalation.higher_manager_after),
            shifts=[
                v1.Shift(code=t.code, starts=f"{t.starts:%H:%M}", ends=f"{t.ends:%H:%M}")
                for t in site.shifts
            ],
            recorded_at=event.recorded_at,
        ),
    )
    return recorded


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def staff_recorded(member: StaffMember, event: Any, context: EventContext) -> Event[Any] | None:
    if not isinstance(event, events.StaffRecorded):
        return None
    details = member.details
    recorded: v1.StaffRecorded = _published(
        v1.StaffRecorded,
        key=member.staff_id,
        site_id=member.site_id,
        correlation_id=derive_id("staff", member.staff_id),
        at=event.recorded_at,
        context=context,
        payload=v1.StaffRecordedPayload(
            staff_id=member.staff_id,
            staff_name=details.name,
            title=details.title,
            department=v1.StaffDepartment(details.department.value),
            roles=[v1.StaffRole(role.value) for role in sorted(details.roles)],
            phones=list(details.phones),
            email=details.email,
            steward_of=list(details.steward_of),
            information_liaison=details.information_liaison,
            active=details.active,
            recorded_at=event.recorded_at,
        ),
    )
    return recorded


def catalogue_recorded(
    catalogue: Catalogue, event: Any, context: EventContext
) -> Event[Any] | None:
    if not isinstance(event, events.CatalogueRecorded):
        return None
    recorded: v1.CatalogueRecorded = _published(
        v1.CatalogueRecorded,
        key=catalogue.site_id,
        site_id=catalogue.site_id,
        correlation_id=derive_id("catalogue", catalogue.site_id),
        at=event.recorded_at,
        context=context,
        payload=v1.CatalogueRecordedPayload(
            boards=[
                v1.CatalogueBoard(
                    kind=v1.RequestKind(kind.value),
                    items=[
                        v1.CatalogueItem(
                            code=item.code,
                            name_zh=item.name_zh,
                            name_en=item.name_en,
                            service_class=v1.ServiceClass(item.service_class.value),
                            active=item.active,
                        )
                        for item in items
                    ],
                )
                for kind, items in sorted(catalogue.items.items())
            ],
            changed_by=catalogue.changed_by,
            recorded_at=event.recorded_at,
        ),
    )
    return recorded
