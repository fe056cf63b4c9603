"""The front desk's duty: logs and handovers, rosters and their changes, inspections."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import is_due
from hotline_libs.errors import NotFound, RuleViolation
from hotline_libs.working_days import month_of

from intake.domain.commands import (
    AskRosterChange,
    DecideRosterChange,
    DraftRoster,
    OpenDutyLog,
    RecordInspection,
    RosterDeadlineReached,
    SignDutyLog,
    SignOffDuty,
    SubmitRoster,
    TakeOverDuty,
    WriteDutyEntry,
)
from intake.domain.duty_log import DutyLog, log_id, open_log
from intake.domain.inspection import Inspection, inspect
from intake.domain.roster import ChangeKind, Roster, RosterChange
from intake.service_layer.unit_of_work import IntakeUnitOfWork, served_site, visible


async def _log(uow: IntakeUnitOfWork, key: str, sites: frozenset[str] | None) -> DutyLog:
    log = await uow.duty_logs.get(key)
    if log is None or not visible(log.site_id, sites):
        raise NotFound(f"no duty log {key}")
    return log


async def open_duty_log(command: OpenDutyLog, uow: IntakeUnitOfWork) -> tuple[DutyLog, bool]:
    """The shift's log, opened once; what the shift before left open is carried over."""
    site = await served_site(uow, command.site_id)
    if abs(command.day.year - uow.clock().year) > 1:
        raise RuleViolation(
            f"day {command.day.isoformat()} is no shift of this year or the next", field="day"
        )
    template = next((s for s in site.shifts if s.code == command.shift), None)
    if template is None:
        raise RuleViolation(
            f"shift {command.shift!r} is not one of {site.site_id}'s: "
            f"{', '.join(s.code for s in site.shifts)}",
            field="shift",
        )
    key = log_id(site.site_id, command.day, template.code)
    found = await uow.duty_logs.get(key)
    if found is not None:
        return found, False
    start = template.start_on(command.day, ZoneInfo(site.time_zone))
    previous = await uow.duty_logs.before(site.site_id, start)
    log = open_log(
        site.site_id, command.day, template, site.time_zone, command.by, previous, uow.clock()
    )
    uow.duty_logs.add(log)
    await uow.commit()
    return log, True


async def write_duty_entry(command: WriteDutyEntry, uow: IntakeUnitOfWork) -> DutyLog:
    log = await _log(uow, command.log_id, command.visible_sites)
    log.write(command.kind, command.text, command.by, uow.clock())
    await uow.commit()
    return log


async def take_over_duty(command: TakeOverDuty, uow: IntakeUnitOfWork) -> DutyLog:
    log = await _log(uow, command.log_id, command.visible_sites)
    log.take_over(
        command.incoming, command.outgoing, command.open_items, command.counted_items, uow.clock()
    )
    await uow.commit()
    return log


async def sign_off_duty(command: SignOffDuty, uow: IntakeUnitOfWork) -> DutyLog:
    log = await _log(uow, command.log_id, command.visible_sites)
    log.sign_off(command.by, uow.clock())
    await uow.commit()
    return log


async def sign_duty_log(command: SignDutyLog, uow: IntakeUnitOfWork) -> DutyLog:
    log = await _log(uow, command.log_id, command.visible_sites)
    if log.sign(command.kind, command.by, uow.clock()):
        await uow.commit()
    return log


async def _roster(uow: IntakeUnitOfWork, key: str, sites: frozenset[str] | None) -> Roster:
    roster = await uow.rosters.get(key)
    if roster is None or not visible(roster.site_id, sites):
        raise NotFound(f"no roster {key}")
    return roster


async def draft_roster(command: DraftRoster, uow: IntakeUnitOfWork) -> tuple[Roster, bool]:
    site = await served_site(uow, command.site_id)
    month = month_of(command.month)
    roster = await uow.rosters.get(f"{site.site_id}:{month}")
    created = roster is None
    if roster is None:
        roster = Roster(site.site_id, month, site.time_zone, site.shifts, command.by)
        uow.rosters.add(roster)
    roster.set_assignments(command.assignments)
    await uow.commit()
    return roster, created


async def submit_roster(command: SubmitRoster, uow: IntakeUnitOfWork) -> Roster:
    roster = await _roster(uow, command.roster_id, command.visible_sites)
    roster.submit(uow.clock())
    await uow.commit()
    return roster


async def ask_roster_change(command: AskRosterChange, uow: IntakeUnitOfWork) -> RosterChange:
    roster = await _roster(uow, command.roster_id, command.visible_sites)
    change = RosterChange(
        change_id=uuid.uuid4(),
        kind=ChangeKind(command.kind),
        staff=command.staff,
        day=command.day,
        shift=command.shift,
        reason=command.reason.strip(),
        requested_at=uow.clock(),
    )
    roster.ask_change(change)
    await uow.commit()
    return change


async def decide_roster_change(command: DecideRosterChange, uow: IntakeUnitOfWork) -> RosterChange:
    roster = await _roster(uow, command.roster_id, command.visible_sites)
    decided = roster.decide_change(
        command.change_id,
        command.approved,
        command.cover_by,
        command.cover_hours,
        command.by,
        uow.clock(),
    )
    await uow.commit()
    return decided


async def roster_deadline_reached(command: RosterDeadlineReached, uow: IntakeUnitOfWork) -> None:
    roster = await uow.rosters.get(command.roster_id)
    now = uow.clock()
    if roster is None or not is_due(roster, command.deadline, now):
        return
    roster.deadline_reached(command.deadline, now)
    await uow.commit()


async def record_inspection(command: RecordInspection, uow: IntakeUnitOfWork) -> Inspection:
    await served_site(uow, command.site_id)
    inspection = inspect(
        inspection_id=uuid.uuid4(),
        site_id=command.site_id,
        kind=command.kind,
        by=command.by,
        at=uow.clock(),
        checked=command.checked,
        faults=command.faults,
        improvement=command.improvement,
    )
    uow.inspections.add(inspection)
    await uow.commit()
    return inspection
