"""Management fees' use cases: the units' contracts and deposits, the month's bills, paying
them, their reminders (FEE-01 to FEE-06, FEE-11, FEE-12, FEE-14).

Bills are issued one unit at a time, each its own write, under an id made of the contract and
the month: a run that stops part way is run again and issues the rest, never a bill twice.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from hotline_libs.aggregate import is_due
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.ids import derive_id

from billing.domain.charge import PAID_BY_REFERENCE, Payer, Payment, PaymentMethod
from billing.domain.commands import (
    ConfirmMoveOut,
    FeeBillDeadlineReached,
    HoldDeposit,
    IssueFeeBills,
    KeepResident,
    KeepUnit,
    MeterCharges,
    NoteReminderSent,
    PayFeeBill,
    RecordFeeContract,
    ReleaseDeposit,
)
from billing.domain.directory import DirectoryResident, DirectoryUnit
from billing.domain.fee_bill import FeeBill, FeeItem, FeeLine
from billing.domain.fee_contract import (
    DepositKind,
    FeeContract,
    fee_for_days,
    month_end,
    month_start,
)
from billing.domain.receipt import Receipt
from billing.service_layer.unit_of_work import BillingUnitOfWork, Directory
from billing.service_layer.visibility import must_see

ZERO = Decimal("0.00")


async def keep_unit(command: KeepUnit, uow: BillingUnitOfWork) -> bool:
    return await uow.directory.keep_unit(
        DirectoryUnit(
            site_id=command.site_id,
            building=command.building,
            room=command.room,
            floor_area_m2=command.floor_area_m2,
            owner_id=command.owner_id,
            payer_id=command.payer_id,
            recorded_at=command.recorded_at,
        )
    )


async def keep_resident(command: KeepResident, uow: BillingUnitOfWork) -> bool:
    return await uow.directory.keep_resident(
        DirectoryResident(
            resident_id=command.resident_id,
            name=command.name,
            phone=command.phone,
            email=command.email,
            recorded_at=command.recorded_at,
        )
    )


async def visible_contract(
    uow: BillingUnitOfWork, contract_no: str, sites: frozenset[str] | None
) -> FeeContract:
    contract = await uow.fee_contracts.get(contract_no)
    if contract is None:
        raise NotFound(f"no fee contract {contract_no}")
    must_see(contract.site_id, sites, f"no fee contract {contract_no}")
    return contract


async def visible_bill(
    uow: BillingUnitOfWork, bill_id: object, sites: frozenset[str] | None
) -> FeeBill:
    bill = await uow.fee_bills.get(bill_id)
    if bill is None:
        raise NotFound(f"no fee bill {bill_id}")
    must_see(bill.site_id, sites, f"no fee bill {bill_id}")
    return bill


def _terms(c: FeeContract) -> tuple[object, ...]:
    return (c.site_id, c.building, c.room, c.kind, c.rate, c.starts_on, c.monthly_rent)


async def record_fee_contract(command: RecordFeeContract, uow: BillingUnitOfWork) -> FeeContract:
    """Record a unit's fee contract; the same one again changes nothing. Its terms are never
    edited (a new contract is recorded after the move-out), and two contracts of a unit never
    run on the same day."""
    must_see(command.site_id, command.visible_sites)
    contract = FeeContract.signed(
        contract_no=command.contract_no,
        site_id=command.site_id,
        building=command.building,
        room=command.room,
        kind=command.kind,
        rate=command.rate,
        starts_on=command.starts_on,
        monthly_rent=command.monthly_rent,
        by=command.recorded_by,
        now=uow.clock(),
    )
    existing = await uow.fee_contracts.get(command.contract_no)
    if existing is not None:
        if _terms(existing) != _terms(contract):
            raise Conflict(
                f"fee contract {command.contract_no} is recorded with other terms: a contract "
                "is not edited; confirm its move-out and record the new one"
            )
        return existing
    for other in await uow.fee_contracts.of_unit(command.site_id, command.building, command.room):
        if other.overlaps(contract):
            ends = other.ends_on.isoformat() if other.ends_on else "open-ended"
            raise Conflict(
                f"unit {command.building}-{command.room} has contract {other.contract_no} from "
                f"{other.starts_on.isoformat()} ({ends}): confirm its move-out before the new "
                "contract starts"
            )
    uow.fee_contracts.add(contract)
    await uow.commit()
    return contract


async def confirm_move_out(command: ConfirmMoveOut, uow: BillingUnitOfWork) -> FeeContract:
    """The move-out confirmation fixes the fee cut-off (FEE-12); a month already billed past it
    is named and refused (its bill would charge days after the tenant left)."""
    contract = await visible_contract(uow, command.contract_no, command.visible_sites)
    cut_off = command.fee_cut_off
    later = [
        bill
        for bill in await uow.fee_bills.of_contract_after(
            contract.contract_no, month_start(cut_off)
        )
        if month_end(bill.month) > cut_off  # billed to its month's end
    ]
    if later:
        raise Conflict(
            f"fee contract {contract.contract_no} is billed for "
            f"{', '.join(b.bill_no for b in later)} after the cut-off "
            f"{command.fee_cut_off.isoformat()}"
        )
    contract.confirm_move_out(command.fee_cut_off, command.confirmed_by, uow.clock(), command.note)
    await uow.commit()
    return contract


async def deposits_required(
    directory: Directory, contract: FeeContract
) -> dict[DepositKind, Decimal]:
    unit = await directory.unit(contract.site_id, contract.building, contract.room)
    return contract.deposits_required(unit.floor_area_m2 if unit else None)


async def hold_deposit(command: HoldDeposit, uow: BillingUnitOfWork) -> FeeContract:
    """A deposit paid in at move-in (FEE-11): at least what the contract requires."""
    contract = await visible_contract(uow, command.contract_no, command.visible_sites)
    required = (await deposits_required(uow.directory, contract)).get(command.kind)
    contract.hold_deposit(
        command.kind, command.amount, command.held_on, command.reference, command.held_by, required
    )
    await uow.commit()
    return contract


async def release_deposit(command: ReleaseDeposit, uow: BillingUnitOfWork) -> FeeContract:
    """A held deposit given back at move-out, less what is kept against the tenant's debts;
    released only after the move-out is confirmed."""
    contract = await visible_contract(uow, command.contract_no, command.visible_sites)
    if contract.move_out is None:
        raise Conflict(
            f"fee contract {contract.contract_no} has no move-out confirmed: a deposit is held "
            "until the tenant moves out"
        )
    contract.release_deposit(
        command.kind, command.released_on, command.deducted, command.reference, command.released_by
    )
    await uow.commit()
    return contract


@dataclass(frozen=True)
class FeeRun:
    """What issuing a month's bills did."""

    site_id: str
    month: date
    issued: int = 0
    issued_total: Decimal = ZERO
    already: int = 0
    """Units billed for the month before (the run repeated)."""
    skipped: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    """Units not billed, each with the reason (no floor area or payer in the directory)."""


def _payer(person: DirectoryResident, building: str, room: str) -> Payer:
    return Payer(
        name=person.name, phone=person.phone or "", email=person.email, building=building, room=room
    )


def _lines(
    contract: FeeContract, area: Decimal, days: int, month: date, meters: MeterCharges | None
) -> tuple[FeeLine, ...]:
    in_month = month_end(month).day
    how = f"{area} m² × {contract.rate} yuan"
    if days != in_month:
        how += f" × {days}/{in_month} days"
    lines = [
        FeeLine(FeeItem.MANAGEMENT_FEE, fee_for_days(area, contract.rate, days, in_month), how)
    ]
    for item in (FeeItem.WATER, FeeItem.ELECTRICITY):
        amount = getattr(meters, item.value) if meters is not None else None
        if amount:
            lines.append(FeeLine(item, amount, (meters and meters.note) or "meter reading"))
    return tuple(lines)


async def issue_fee_bills(command: IssueFeeBills, uow: BillingUnitOfWork) -> FeeRun:
    """Bill every contract running in the month: floor area × the contract's rate, for the days
    it runs (FEE-06, FEE-12), with the unit's water and electricity (FEE-01); to the unit's
    payer, the owner named as liable when a tenant pays (FEE-05)."""
    must_see(command.site_id, command.visible_sites)
    month = month_start(command.month)
    contracts = await uow.fee_contracts.running_in(command.site_id, month, month_end(month))
    by_unit = {(c.building, c.room): c for c in contracts}
    meters: dict[tuple[str, str], MeterCharges] = {}
    for reading in command.meters:
        place = (reading.building, reading.room)
        if place in meters:
            raise RuleViolation(f"meters name unit {reading.building}-{reading.room} twice")
        meters[place] = reading
    unbilled = sorted(f"{b}-{r}" for b, r in set(meters) - set(by_unit))
    if unbilled:
        raise RuleViolation(
            f"meters name units with no fee contract running in {month:%Y-%m}: "
            f"{', '.join(unbilled)}",
            field="meters",
        )
    zone = (await uow.calendars.for_site(command.site_id)).zone.key
    now = uow.clock()
    issued, total, already = 0, ZERO, 0
    skipped: list[tuple[str, str]] = []
    for contract in contracts:
        where = f"{contract.building}-{contract.room}"
        days = contract.days_charged(month)
        if days == 0:
            continue
        if await uow.fee_bills.get(derive_id("fee-bill", contract.contract_no, f"{month:%Y-%m}")):
            already += 1
            continue
        unit = await uow.directory.unit(contract.site_id, contract.building, contract.room)
        if unit is None:
            skipped.append((where, "the unit is not in the directory (no floor area)"))
            continue
        payer = await uow.directory.resident(unit.pays) if unit.pays else None
        if payer is None:
            skipped.append((where, "the directory names no owner or payer for the unit"))
            continue
        owner = None
        if unit.owner_id is not None and unit.owner_id != unit.pays:
            known = await uow.directory.resident(unit.owner_id)
            owner = _payer(known, contract.building, contract.room) if known else None
        bill = FeeBill.issue(
            site_id=contract.site_id,
            contract_no=contract.contract_no,
            building=contract.building,
            room=contract.room,
            month=month,
            kind=contract.kind,
            floor_area_m2=unit.floor_area_m2,
            rate=contract.rate,
            days=days,
            lines=_lines(
                contract,
                unit.floor_area_m2,
                days,
                month,
                meters.get((contract.building, contract.room)),
            ),
            payer=_payer(payer, contract.building, contract.room),
            owner=owner,
            time_zone=zone,
            by=command.issued_by,
            now=now,
        )
        uow.fee_bills.add(bill)
        await uow.commit()
        issued, total = issued + 1, total + bill.amount
    return FeeRun(command.site_id, month, issued, total, already, tuple(skipped))


async def pay_fee_bill(command: PayFeeBill, uow: BillingUnitOfWork) -> FeeBill:
    """Paid in full with its late fee as owed that day (FEE-03): in cash at the service centre
    on the site's next numbered receipt (FEE-02), or by transfer or online payment with its
    reference (BIL-16). Bank collection is settled by the bank's answer."""
    bill = await visible_bill(uow, command.bill_id, command.visible_sites)
    now = uow.clock()
    paid_at = command.paid_at or now
    if paid_at > now:
        raise RuleViolation("paid_at is in the future", field="paid_at")
    if command.method is PaymentMethod.BANK_COLLECTION:
        raise RuleViolation(
            "method 'bank_collection': a collection batch debits the bill and the bank's "
            "answer settles it",
            field="method",
        )
    if command.method is PaymentMethod.CASH:
        return await _pay_cash(command, bill, uow)
    assert command.method in PAID_BY_REFERENCE
    if not command.reference:
        raise RuleViolation(
            f"reference is required for {command.method.value}: the transaction's number",
            field="reference",
        )
    bill.pay(
        Payment(command.method, command.amount, command.reference, paid_at, now, command.booked_by)
    )
    await uow.commit()
    return bill


async def _pay_cash(command: PayFeeBill, bill: FeeBill, uow: BillingUnitOfWork) -> FeeBill:
    """The cashier takes the cash and hands over the site's next receipt. The receipt is stored
    first (its number drawn), then the bill paid on it, then the receipt booked: a retry after a
    crash between finds the receipt and finishes, and no number is drawn twice."""
    out = await uow.receipts.live_for(bill.bill_id)
    if bill.payment is not None and bill.payment.method is PaymentMethod.CASH and not out:
        return bill  # paid at the desk; the request repeated
    now = uow.clock()
    if out:
        receipt = out[0]
    else:
        owed = bill.must_be_payable(bill.local_day(now))
        if command.amount != owed:
            raise RuleViolation(
                f"fee bill {bill.bill_no} is {owed:.2f} yuan today ({bill.amount:.2f} and a late "
                f"fee of {owed - bill.amount:.2f}); {command.amount:.2f} was handed in",
                field="amount",
            )
        receipt = Receipt.issue(
            site_id=bill.site_id,
            number=await uow.receipts.last_number(bill.site_id) + 1,
            charge_id=bill.bill_id,
            charge_no=bill.bill_no,
            service_record_no=None,
            amount=owed,
            payer_name=bill.payer.name,
            building=bill.building,
            room=bill.room,
            issued_to=command.booked_by,
            issued_by=command.booked_by,
            now=now,
            for_fee_bill=True,
        )
        uow.receipts.add(receipt)
        await uow.commit()
    bill.pay(
        Payment(
            PaymentMethod.CASH,
            receipt.amount,
            receipt.receipt_no,
            receipt.issued_at,
            now,
            command.booked_by,
        )
    )
    await uow.commit()
    receipt.book(receipt.amount, command.booked_by, now)
    await uow.commit()
    return bill


async def fee_bill_deadline_reached(
    command: FeeBillDeadlineReached, uow: BillingUnitOfWork
) -> None:
    """The bill's clock ran out: the next reminder is asked for, or the bill flagged."""
    bill = await uow.fee_bills.get(command.bill_id)
    now = uow.clock()
    if bill is None or not is_due(bill, command.deadline, now):
        return
    bill.deadline_reached(command.deadline, now)
    await uow.commit()


async def note_reminder_sent(command: NoteReminderSent, uow: BillingUnitOfWork) -> None:
    """Notification sent a reminder: it counts (once, whichever channel reported first)."""
    bill = await uow.fee_bills.get(command.bill_id)
    if bill is None:
        return
    with contextlib.suppress(Conflict):  # a reminder of an older bill's life: nothing to count
        if bill.reminder_sent(command.reminder_id, command.sent_at):
            await uow.commit()
