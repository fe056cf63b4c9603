"""Job handovers (岗位交接, DUTY-25): a leaver's open work, buildings and liaison duty handed to
a successor at the site, then the leaver marked gone or moved.

Several documents change (the handover, each request, two staff records) and the store has no
multi-document transactions: the handover is stored first and says what is still to move, each
step is idempotent, and accepting again finishes what a crash left undone.
"""

from __future__ import annotations

from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.ids import derive_id

from intake.domain.commands import AcceptJobHandover, HandOverJob
from intake.domain.job_handover import (
    JobHandover,
    OpenWork,
    OpenWorkKind,
    hand_over,
    refuse_leaving_with_duties,
)
from intake.domain.staff import StaffMember
from intake.service_layer.unit_of_work import IntakeUnitOfWork, served_site, visible


async def open_work_of(uow: IntakeUnitOfWork, member: StaffMember) -> tuple[OpenWork, ...]:
    """What the platform knows ``member`` still owes residents at their site."""
    login = member.details.login
    if login is None:
        return ()
    return tuple(
        OpenWork(request.request_id, request.request_no, OpenWorkKind(kind))
        for request in await uow.requests.owed_by(member.site_id, login)
        for kind in request.owed_by(login)
    )


async def check_leaving(
    uow: IntakeUnitOfWork, member: StaffMember, site_id: str, active: bool
) -> None:
    """Leaving, or moving to another site, is a job handover while they hold anything."""
    if member.details.active and (not active or site_id != member.site_id):
        work = await open_work_of(uow, member)
        refuse_leaving_with_duties(member.staff_id, member.duties, len(work))


async def _staff(uow: IntakeUnitOfWork, staff_id: str, sites: frozenset[str] | None) -> StaffMember:
    member = await uow.staff.get(staff_id)
    if member is None or not visible(member.site_id, sites):
        raise NotFound(f"no staff member {staff_id!r}")
    return member


async def hand_over_job(command: HandOverJob, uow: IntakeUnitOfWork) -> JobHandover:
    leaver = await _staff(uow, command.staff_id, command.visible_sites)
    if not leaver.details.active:
        raise Conflict(f"{leaver.staff_id} has left already")
    pending = await uow.job_handovers.pending_for(leaver.staff_id)
    if pending is not None:
        raise Conflict(
            f"{leaver.staff_id}'s job is being handed to {pending.successor_id} "
            f"(handover {pending.handover_id}); one handover at a time"
        )
    successor = await uow.staff.get(command.successor_id)
    if successor is None or not visible(successor.site_id, command.visible_sites):
        raise RuleViolation(f"no staff member {command.successor_id!r}", field="successor_id")
    work = await open_work_of(uow, leaver)
    if work and successor.details.login is None:
        raise RuleViolation(
            f"successor {successor.staff_id!r} has no login on record, so the "
            f"{len(work)} open complaints or promised replies cannot be made theirs",
            field="successor_id",
        )
    if command.to_site is not None and command.to_site != "*":
        await served_site(uow, command.to_site, field="to_site")
    handover = hand_over(
        handover_id=derive_id("job-handover", leaver.staff_id, leaver.version),
        site_id=leaver.site_id,
        staff_id=leaver.staff_id,
        successor_id=successor.staff_id,
        successor_active=successor.details.active,
        successor_site=successor.site_id,
        reason=command.reason,
        to_site=command.to_site,
        open_items=command.open_items,
        open_work=work,
        duties=leaver.duties,
        by=command.by,
        now=uow.clock(),
    )
    uow.job_handovers.add(handover)
    await uow.commit()
    return handover


async def accept_job_handover(command: AcceptJobHandover, uow: IntakeUnitOfWork) -> JobHandover:
    handover = await uow.job_handovers.get(command.handover_id)
    if handover is None or not visible(handover.site_id, command.visible_sites):
        raise NotFound(f"no job handover {command.handover_id}")
    if not handover.pending:
        return handover
    successor = await uow.staff.get(handover.successor_id)
    leaver = await uow.staff.get(handover.staff_id)
    assert successor is not None  # staff are kept, never deleted
    assert leaver is not None
    if not command.on_behalf and command.by not in (successor.details.login, successor.staff_id):
        raise RuleViolation(
            f"the job is taken over by {successor.staff_id} (or a supervisor for them)",
            field="by",
        )
    now = uow.clock()
    if handover.accept(command.by, now):
        await uow.commit()
    leaver_login, successor_login = leaver.details.login, successor.details.login
    for work in handover.still_to_move():
        request = await uow.requests.get(work.request_id)
        if request is not None and leaver_login and successor_login:
            request.hand_over(leaver_login, successor_login)
        handover.moved_to_successor(work.request_id)
        await uow.commit()
    successor.take_over_duties(handover.duties, now)
    leaver.leave(handover.to_site, now)
    handover.complete(now)
    await uow.commit()
    return handover
