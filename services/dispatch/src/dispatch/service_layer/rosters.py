"""The technicians' monthly rosters: drafted, published by the 25th, changed by absences; and
who is on shift when a work order is to be done (what automatic assignment follows)."""

from __future__ import annotations

import uuid

from hotline_libs.aggregate import is_due
from hotline_libs.errors import NotFound
from hotline_libs.working_days import month_of, next_month

from dispatch.domain.commands import (
    DraftRoster,
    PublishRoster,
    RecordAbsence,
    RosterDeadlineReached,
)
from dispatch.domain.roster import (
    Absence,
    RosterStatus,
    TechnicianRoster,
    roster_id,
)
from dispatch.service_layer.assignment import assign_waiting
from dispatch.service_layer.unit_of_work import DispatchUnitOfWork


async def _technician_ids(uow: DispatchUnitOfWork, site_id: str) -> frozenset[str]:
    return frozenset(t.technician_id for t in await uow.technicians.at_site(site_id))


async def _roster(
    uow: DispatchUnitOfWork, site_id: str, month: str, sites: frozenset[str] | None
) -> TechnicianRoster:
    roster = await uow.rosters.of_month(site_id, month_of(month))
    if roster is None or (sites is not None and roster.site_id not in sites):
        raise NotFound(f"no technician roster {roster_id(site_id, month)}")
    return roster


async def _new_roster(
    uow: DispatchUnitOfWork, site_id: str, month: str, by: str
) -> TechnicianRoster:
    """An empty draft on the site's shifts as intake last published them."""
    day = await uow.calendars.day_of(site_id)
    roster = TechnicianRoster(site_id, month, day.zone, day.shifts, by)
    uow.rosters.add(roster)
    return roster


async def draft_roster(
    command: DraftRoster, uow: DispatchUnitOfWork
) -> tuple[TechnicianRoster, bool]:
    """Start or redo a month's draft; the roster and whether it was new."""
    month = month_of(command.month)
    roster = await uow.rosters.of_month(command.site_id, month)
    created = roster is None
    if roster is None:
        roster = await _new_roster(uow, command.site_id, month, command.by)
    elif roster.status is RosterStatus.DRAFT:  # follows the site's shifts as last published
        day = await uow.calendars.day_of(command.site_id)
        roster.zone, roster.shifts = day.zone, day.shifts
    roster.draft(command.entries, await _technician_ids(uow, command.site_id), command.by)
    await uow.commit()
    return roster, created


async def publish_roster(
    command: PublishRoster, uow: DispatchUnitOfWork
) -> tuple[TechnicianRoster, bool]:
    """Publish a draft; the month after gets its empty draft, whose clock reminds the site to
    publish it by the 25th. Waiting work orders are looked at again: someone may be on shift."""
    roster = await _roster(uow, command.site_id, command.month, command.visible_sites)
    changed = roster.publish(command.by, uow.clock())
    if changed and await uow.rosters.of_month(roster.site_id, next_month(roster.month)) is None:
        await _new_roster(uow, roster.site_id, next_month(roster.month), command.by)
    await uow.commit()
    if changed:
        await assign_waiting(roster.site_id, uow)
    return roster, changed


async def record_absence(command: RecordAbsence, uow: DispatchUnitOfWork) -> TechnicianRoster:
    roster = await _roster(uow, command.site_id, command.month, command.visible_sites)
    roster.record_absence(
        Absence(
            absence_id=uuid.uuid4(),
            kind=command.kind,
            technician_id=command.technician_id,
            day=command.day,
            shift=command.shift,
            cover_by=command.cover_by,
            reason=command.reason.strip(),
            recorded_by=command.by,
            recorded_at=uow.clock(),
        ),
        await _technician_ids(uow, roster.site_id),
    )
    await uow.commit()
    if command.cover_by is not None:
        await assign_waiting(roster.site_id, uow)
    return roster


async def roster_deadline_reached(command: RosterDeadlineReached, uow: DispatchUnitOfWork) -> None:
    roster = await uow.rosters.get(command.roster_id)
    now = uow.clock()
    if roster is None or not is_due(roster, command.deadline, now):
        return  # published meanwhile, or noticed by another replica
    roster.deadline_reached(command.deadline, now)
    await uow.commit()
