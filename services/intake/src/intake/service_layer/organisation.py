"""The organisation in the directory: staff (with stewards' buildings and departments'
information liaisons) and the phone book agents transfer calls with (KB-12)."""

from __future__ import annotations

from hotline_libs.errors import Conflict, NotFound

from intake.domain.commands import (
    RecordPhoneBookEntry,
    RecordStaffMember,
    RemovePhoneBookEntry,
    WordReceptionScript,
)
from intake.domain.phone_book import PhoneBookEntry
from intake.domain.reception_script import (
    MANUAL_DATE,
    MANUAL_SCRIPT,
    ReceptionScript,
    new_reception_script,
)
from intake.domain.staff import StaffMember, new_staff_member
from intake.service_layer.job_handovers import check_leaving
from intake.service_layer.unit_of_work import (
    IntakeUnitOfWork,
    ReceptionScriptRepository,
    served_site,
    visible,
)

COMPANY = "*"
"""The site of the central hotline's and the company's staff and numbers."""


async def _served(uow: IntakeUnitOfWork, site_id: str) -> None:
    if site_id != COMPANY:
        await served_site(uow, site_id)


async def record_staff_member(
    command: RecordStaffMember, uow: IntakeUnitOfWork
) -> tuple[StaffMember, bool]:
    """The record as kept, and whether it is new. Moving someone to another site needs both
    sites in the caller's reach."""
    await _served(uow, command.site_id)
    member = await uow.staff.get(command.staff_id)
    now = uow.clock()
    if member is None:
        member = new_staff_member(command.staff_id, command.site_id, command.details, now)
        uow.staff.add(member)
        await uow.commit()
        return member, True
    if not visible(member.site_id, command.visible_sites):
        raise Conflict(f"staff id {command.staff_id!r} is taken; choose another")
    await check_leaving(uow, member, command.site_id, command.details.active)
    if member.update(command.site_id, command.details, now):
        await uow.commit()
    return member, False


async def record_phone_book_entry(
    command: RecordPhoneBookEntry, uow: IntakeUnitOfWork
) -> tuple[PhoneBookEntry, bool]:
    await _served(uow, command.site_id)
    entry = await uow.phone_book.get(command.entry_id)
    now = uow.clock()
    if entry is None:
        entry = PhoneBookEntry(command.entry_id, command.site_id, command.details.checked(), now)
        uow.phone_book.add(entry)
        await uow.commit()
        return entry, True
    if not visible(entry.site_id, command.visible_sites) or entry.site_id != command.site_id:
        raise Conflict(
            f"phone book entry {command.entry_id} belongs to another site; a number of another "
            "site is another entry"
        )
    if entry.update(command.details, now):
        await uow.commit()
    return entry, False


async def remove_phone_book_entry(
    command: RemovePhoneBookEntry, uow: IntakeUnitOfWork
) -> PhoneBookEntry:
    entry = await uow.phone_book.get(command.entry_id)
    if entry is None or not visible(entry.site_id, command.visible_sites):
        raise NotFound(f"no phone book entry {command.entry_id}")
    if entry.remove(uow.clock()):
        await uow.commit()
    return entry


async def word_reception_script(
    command: WordReceptionScript, uow: IntakeUnitOfWork
) -> tuple[ReceptionScript, bool]:
    """The script as now worded, and whether it is the site's (or the company's) first."""
    await _served(uow, command.site_id)
    script = await uow.reception_scripts.get(command.site_id)
    now = uow.clock()
    if script is None:
        script = new_reception_script(command.site_id, command.wording, command.by, now)
        uow.reception_scripts.add(script)
        await uow.commit()
        return script, True
    if script.reword(command.wording, command.by, now):
        await uow.commit()
    return script, False


async def reception_script_of(scripts: ReceptionScriptRepository, site_id: str) -> ReceptionScript:
    """What agents read for ``site_id``: its own wording, else the company's, else the
    manual's."""
    for owner in (site_id, COMPANY):
        script = await scripts.get(owner)
        if script is not None:
            return script
    return ReceptionScript(COMPANY, MANUAL_SCRIPT, changed_by="", changed_at=MANUAL_DATE)
