"""The directory: residents and units, one at a time or a site's whole list at once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from hotline_libs.errors import Conflict, HotlineError, NotFound, RuleViolation
from hotline_libs.ids import derive_id

from intake.domain.commands import ImportDirectory, RecordResident, RecordUnit, UpdateResident
from intake.domain.imports import InvalidLines, Line, UnitLine, resident_from, unit_from, where
from intake.domain.resident import Resident, ResidentDetails, clean_details, record_resident
from intake.domain.service_request import normalise_phone
from intake.domain.unit import Occupancy, Unit, check_occupancy, record_unit, unit_id
from intake.service_layer.unit_of_work import IntakeUnitOfWork, served_site, visible

MAX_REPORTED = 200
"""The most faults an import's refusal lists (a whole file in the wrong shape has thousands)."""


def resident_id_for(site_id: str, main_phone: str) -> uuid.UUID:
    """A resident's id: their site and main phone when first recorded, so a retried or
    repeated record finds them."""
    return derive_id("resident", site_id, main_phone)


async def record_resident_(command: RecordResident, uow: IntakeUnitOfWork) -> tuple[Resident, bool]:
    """Add a resident; the same main phone at the site again is the same resident (same
    details: returned as it is; others: a conflict naming them)."""
    await served_site(uow, command.site_id)
    details = clean_details(command.details)
    resident, created = await _put_resident(uow, command.site_id, details, replace=False)
    await uow.commit()
    return resident, created


async def _taken(
    uow: IntakeUnitOfWork, site_id: str, details: ResidentDetails, phone: str
) -> str | None:
    """Why ``phone`` cannot be this resident's: another resident of the site has it."""
    own = resident_id_for(site_id, details.phones[0])
    for other in await uow.residents.with_phone(phone, frozenset({site_id})):
        if other.resident_id != own:
            return (
                f"{phone} is already the number of resident {other.resident_id} "
                f"({other.details.name}) at {site_id}"
            )
    return None


async def _put_resident(
    uow: IntakeUnitOfWork, site_id: str, details: ResidentDetails, *, replace: bool
) -> tuple[Resident, bool]:
    resident_id = resident_id_for(site_id, details.phones[0])
    found = await uow.residents.get(resident_id)
    for phone in details.phones:
        taken = await _taken(uow, site_id, details, phone)
        if taken:
            raise Conflict(taken, field="phones")
    if found is None:
        resident = record_resident(resident_id, site_id, details, uow.clock())
        uow.residents.add(resident)
        return resident, True
    if found.details != details and not replace:
        raise Conflict(
            f"resident {found.resident_id} at {site_id} has this main phone with other "
            "details: change them with PUT /residents/{id}",
            field="phones",
        )
    found.update(details, uow.clock())
    return found, False


async def update_resident(command: UpdateResident, uow: IntakeUnitOfWork) -> Resident:
    resident = await uow.residents.get(command.resident_id)
    if resident is None or not visible(resident.site_id, command.visible_sites):
        raise NotFound(f"no resident {command.resident_id}")
    resident.update(command.details, uow.clock())
    await uow.commit()
    return resident


async def record_unit_(command: RecordUnit, uow: IntakeUnitOfWork) -> tuple[Unit, bool]:
    """Add or change a unit; its people must be residents of its site."""
    await served_site(uow, command.site_id)
    people = command.occupancy
    for field, resident_id in (
        ("owner_id", people.owner_id),
        ("payer_id", people.payer_id),
        *((f"tenant_ids[{n}]", t) for n, t in enumerate(people.tenant_ids)),
    ):
        if resident_id is None:
            continue
        resident = await uow.residents.get(resident_id)
        if resident is None or resident.site_id != command.site_id:
            raise RuleViolation(
                f"{field} {resident_id} is not a resident of {command.site_id}", field=field
            )
    unit, created = await _put_unit(uow, command)
    await uow.commit()
    return unit, created


async def _put_unit(uow: IntakeUnitOfWork, command: RecordUnit) -> tuple[Unit, bool]:
    found = await uow.units.get(unit_id(command.site_id, command.building, command.room))
    now = uow.clock()
    if found is None:
        unit = record_unit(
            command.site_id,
            command.building,
            command.room,
            command.floor_area_m2,
            command.occupancy,
            now,
        )
        uow.units.add(unit)
        return unit, True
    found.update(command.floor_area_m2, command.occupancy, now)
    return found, False


@dataclass(frozen=True)
class ImportReport:
    lines: int
    added: int
    changed: int
    unchanged: int


async def import_directory(command: ImportDirectory, uow: IntakeUnitOfWork) -> ImportReport:
    """Check every line, then write them all; any fault refuses the file whole (``InvalidLines``
    listing each). Writing the same file again changes nothing, so a write cut short by a crash
    is finished by sending the file again."""
    if command.kind == "residents":
        return await _import_residents(command, uow)
    return await _import_units(command, uow)


async def _checked_site(
    uow: IntakeUnitOfWork, command: ImportDirectory, site_id: str, field: str, known: set[str]
) -> None:
    if site_id in known:
        return
    if command.visible_sites is not None and site_id not in command.visible_sites:
        raise InvalidLines(f"site {site_id!r} is not one of yours", field=field)
    await served_site(uow, site_id, field)
    known.add(site_id)


async def _import_residents(command: ImportDirectory, uow: IntakeUnitOfWork) -> ImportReport:
    faults: list[tuple[str, str]] = []
    checked: list[tuple[str, ResidentDetails]] = []
    sites: set[str] = set()
    seen: dict[tuple[str, str], int] = {}
    for line in command.lines:
        try:
            site_id, details = resident_from(line)
            await _checked_site(uow, command, site_id, where(line, "site_id"), sites)
            details = _clean(line, details)
        except HotlineError as fault:
            faults.append((fault.field or where(line, ""), fault.message))
            continue
        for phone in details.phones:
            first = seen.setdefault((site_id, phone), line.number)
            if first != line.number:
                faults.append((where(line, "phone"), f"{phone} is also on line {first}"))
            taken = await _taken(uow, site_id, details, phone)
            if taken:
                faults.append((where(line, "phone"), taken))
        checked.append((site_id, details))
    _refuse_if(faults, len(command.lines))
    added = changed = 0
    for site_id, details in checked:
        resident, created = await _put_resident(uow, site_id, details, replace=True)
        added += created
        changed += not created and bool(resident.pending_events())
    await uow.commit()
    return ImportReport(len(checked), added, changed, len(checked) - added - changed)


def _clean(line: Line, details: ResidentDetails) -> ResidentDetails:
    try:
        return clean_details(details)
    except HotlineError as fault:
        raise InvalidLines(fault.message, field=f"line {line.number}.{fault.field}") from None


async def _import_units(command: ImportDirectory, uow: IntakeUnitOfWork) -> ImportReport:
    faults: list[tuple[str, str]] = []
    checked: list[RecordUnit] = []
    sites: set[str] = set()
    seen: dict[tuple[str, str, str], int] = {}
    for line in command.lines:
        try:
            parsed = unit_from(line)
            await _checked_site(uow, command, parsed.site_id, where(line, "site_id"), sites)
            occupancy = await _occupancy(uow, line, parsed)
        except HotlineError as fault:
            faults.append((fault.field or where(line, ""), fault.message))
            continue
        first = seen.setdefault(parsed.key, line.number)
        if first != line.number:
            faults.append((where(line, "room"), f"the unit is also on line {first}"))
        checked.append(
            RecordUnit(
                parsed.site_id, parsed.building, parsed.room, parsed.floor_area_m2, occupancy
            )
        )
    _refuse_if(faults, len(command.lines))
    added = changed = 0
    for record in checked:
        unit, created = await _put_unit(uow, record)
        added += created
        changed += not created and bool(unit.pending_events())
    await uow.commit()
    return ImportReport(len(checked), added, changed, len(checked) - added - changed)


async def _occupancy(uow: IntakeUnitOfWork, line: Line, parsed: UnitLine) -> Occupancy:
    async def resident(column: str, raw: str) -> uuid.UUID:
        field = f"line {line.number}.{column}"
        try:
            phone = normalise_phone(raw)
        except HotlineError:
            raise InvalidLines(f"{column} {raw!r} is not a phone number", field=field) from None
        found = await uow.residents.with_phone(phone, frozenset({parsed.site_id}))
        if not found:
            raise InvalidLines(
                f"{column} {phone} is no resident of {parsed.site_id}: import the residents first",
                field=field,
            )
        return found[0].resident_id

    owner = await resident("owner_phone", parsed.owner_phone) if parsed.owner_phone else None
    tenants = tuple([await resident("tenant_phones", p) for p in parsed.tenant_phones])
    payer = await resident("payer_phone", parsed.payer_phone) if parsed.payer_phone else None
    occupancy = Occupancy(owner, tenants, payer)
    try:
        return check_occupancy(occupancy)
    except HotlineError as fault:
        raise InvalidLines(fault.message, field=f"line {line.number}.{fault.field}") from None


def _refuse_if(faults: list[tuple[str, str]], lines: int) -> None:
    if faults:
        shown = faults[:MAX_REPORTED]
        more = f" (the first {MAX_REPORTED} are listed)" if len(faults) > MAX_REPORTED else ""
        raise InvalidLines(
            f"{len(faults)} faults in {lines} lines{more}; nothing was imported: fix the file "
            "and send it again",
            errors=shown,
        )
