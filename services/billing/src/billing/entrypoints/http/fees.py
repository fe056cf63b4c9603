"""Management fees (物业管理费): the units' fee contracts and deposits, the month's bills with
water and electricity, paying them with the late fee, and the collection rate (FEE-01 to
FEE-06, FEE-10 to FEE-12)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from contracts.envelope import Money
from fastapi import APIRouter, HTTPException, Path, Query, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.money import Amount, PositiveAmount
from hotline_libs.paging import IsoDate, IsoDateTime, MonthStart, Page, Paging, SiteFilter, page_of
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from billing.domain.charge import Payer, PaymentMethod
from billing.domain.commands import (
    ConfirmMoveOut,
    HoldDeposit,
    IssueFeeBills,
    MeterCharges,
    PayFeeBill,
    RecordFeeContract,
    ReleaseDeposit,
)
from billing.domain.fee_bill import (
    COLLECTION_TARGET,
    FeeBill,
    FeeBillStatus,
    FeeItem,
    fee_collection,
)
from billing.domain.fee_contract import DepositKind, FeeContract, UnitKind
from billing.entrypoints.http import Reader
from billing.service_layer.fees import FeeRun, deposits_required

router = APIRouter(tags=["management fees"])

ContractNo = Annotated[
    str,
    Path(
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$",
        description="Letters, digits, '.', '_' and '-'",
    ),
]
Unit = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[\w\-]+$", examples=["3"])]
Month = Annotated[MonthStart, Path(description="The month, YYYY-MM")]


# -- contracts -----------------------------------------------------------------------------------


class FeeContractIn(BaseModel):
    """The unit's contract as signed (物业服务合同, or a commercial lease)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "building": "3",
                    "room": "1202",
                    "kind": "residential",
                    "rate": "3.00",
                    "starts_on": "2026-01-01",
                }
            ]
        },
    )
    site_id: str = Field(min_length=1, max_length=40, pattern=SHOWS_TEXT, examples=["dmg"])
    building: Unit
    room: Unit
    kind: UnitKind
    rate: str = Field(
        pattern=r"^[0-9]{1,4}(\.[0-9]{1,4})?$",
        description="Yuan per square metre of floor area and month, as the contract says",
        examples=["3.00"],
    )
    starts_on: IsoDate
    monthly_rent: PositiveAmount | None = Field(
        default=None, description="A commercial lease's monthly rent, yuan (for its deposit)"
    )


class DepositOut(BaseModel):
    kind: DepositKind
    amount: Money
    held_on: date
    reference: str
    released_on: date | None
    deducted: Money
    refunded: Money | None
    released_reference: str | None


class FeeContractOut(BaseModel):
    contract_no: str
    site_id: str
    building: str
    room: str
    kind: UnitKind
    rate: str
    starts_on: date
    fee_cut_off: date | None = Field(description="The move-out's fee cut-off date (FEE-12)")
    monthly_rent: Money | None
    deposits_required: dict[DepositKind, Money] = Field(
        description="What a commercial tenant leaves at move-in: three months' fee (on the "
        "directory's floor area) and three months' rent (FEE-11)"
    )
    deposits: list[DepositOut]
    recorded_at: datetime
    recorded_by: str


def contract_out(c: FeeContract, required: dict[DepositKind, Decimal]) -> FeeContractOut:
    return FeeContractOut(
        contract_no=c.contract_no,
        site_id=c.site_id,
        building=c.building,
        room=c.room,
        kind=c.kind,
        rate=str(c.rate),
        starts_on=c.starts_on,
        fee_cut_off=c.ends_on,
        monthly_rent=c.monthly_rent,
        deposits_required=required,
        deposits=[
            DepositOut(
                kind=d.kind,
                amount=d.amount,
                held_on=d.held_on,
                reference=d.reference,
                released_on=d.released_on,
                deducted=d.deducted,
                refunded=d.refunded,
                released_reference=d.released_reference,
            )
            for d in c.deposits
        ],
        recorded_at=c.recorded_at,
        recorded_by=c.recorded_by,
    )


@router.put(
    "/fee-contracts/{contract_no}",
    summary="Record a unit's fee contract: its kind, its rate per m² and month, its start (FEE-06)",
    responses={409: {"description": "Recorded with other terms, or another contract runs then"}},
)
async def record_fee_contract(
    contract_no: ContractNo,
    body: FeeContractIn,
    principal: CurrentPrincipal,
    bus: Bus,
    reader: Reader,
) -> FeeContractOut:
    principal.require_site(body.site_id)
    contract = await bus.handle(
        RecordFeeContract(
            contract_no=contract_no,
            site_id=body.site_id,
            building=body.building,
            room=body.room,
            kind=body.kind,
            rate=Decimal(body.rate),
            starts_on=body.starts_on,
            monthly_rent=body.monthly_rent,
            recorded_by=principal.who,
            visible_sites=principal.visible_sites,
        )
    )
    return contract_out(contract, await deposits_required(reader.directory, contract))


@router.get("/fee-contracts", summary="Fee contracts of the caller's sites, by unit")
async def list_fee_contracts(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    building: Annotated[str | None, Query(max_length=20)] = None,
    room: Annotated[str | None, Query(max_length=20)] = None,
) -> Page[FeeContractOut]:
    found = await reader.fee_contracts.listing(
        sites=principal.visible_sites, page=page, site_id=site_id, building=building, room=room
    )
    required = {c.contract_no: await deposits_required(reader.directory, c) for c in found.items}
    return page_of(found, page, lambda c: contract_out(c, required[c.contract_no]))


async def _contract(reader: Reader, contract_no: str, principal: CurrentPrincipal) -> FeeContract:
    contract = await reader.fee_contracts.get(contract_no)
    if contract is None or not principal.may_act_for(contract.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no fee contract {contract_no}")
    return contract


@router.get("/fee-contracts/{contract_no}", summary="One fee contract and its deposits")
async def get_fee_contract(
    contract_no: ContractNo, reader: Reader, principal: CurrentPrincipal
) -> FeeContractOut:
    contract = await _contract(reader, contract_no, principal)
    return contract_out(contract, await deposits_required(reader.directory, contract))


class MoveOutIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"fee_cut_off": "2026-12-15", "note": "迁出确认书 0042"}]},
    )
    fee_cut_off: IsoDate = Field(description="The last day the fee is charged for")
    note: str | None = Field(default=None, max_length=300, pattern=SHOWS_TEXT)


@router.post(
    "/fee-contracts/{contract_no}/move-out",
    summary="The move-out confirmation (迁出确认书): the fee stops at its cut-off date (FEE-12)",
    responses={409: {"description": "Confirmed already for another date, or billed past it"}},
)
async def confirm_move_out(
    contract_no: ContractNo,
    body: MoveOutIn,
    principal: CurrentPrincipal,
    bus: Bus,
    reader: Reader,
) -> FeeContractOut:
    contract = await bus.handle(
        ConfirmMoveOut(
            contract_no, body.fee_cut_off, body.note, principal.who, principal.visible_sites
        )
    )
    return contract_out(contract, await deposits_required(reader.directory, contract))


class DepositIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"amount": "1350.00", "held_on": "2026-01-01", "reference": "DMG-000412"}]
        },
    )
    amount: PositiveAmount
    held_on: IsoDate
    reference: str = Field(
        min_length=1,
        max_length=64,
        pattern=SHOWS_TEXT,
        description="The receipt or transfer it was paid with",
    )


@router.put(
    "/fee-contracts/{contract_no}/deposits/{kind}",
    summary="A deposit paid in at move-in: three months' fee, three months' rent (FEE-11)",
    responses={409: {"description": "That deposit is held already"}},
)
async def hold_deposit(
    contract_no: ContractNo,
    kind: DepositKind,
    body: DepositIn,
    principal: CurrentPrincipal,
    bus: Bus,
    reader: Reader,
) -> FeeContractOut:
    contract = await bus.handle(
        HoldDeposit(
            contract_no,
            kind,
            body.amount,
            body.held_on,
            body.reference,
            principal.who,
            principal.visible_sites,
        )
    )
    return contract_out(contract, await deposits_required(reader.directory, contract))


class ReleaseIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {"released_on": "2026-12-20", "deducted": "0.00", "reference": "退款-0042"}
            ]
        },
    )
    released_on: IsoDate
    deducted: Amount = Field(description="Kept against what the tenant still owes, yuan")
    reference: str = Field(min_length=1, max_length=64, pattern=SHOWS_TEXT)


@router.post(
    "/fee-contracts/{contract_no}/deposits/{kind}/release",
    summary="Give a held deposit back at move-out, less what is kept against debts",
    responses={409: {"description": "Not held, released already, or no move-out confirmed"}},
)
async def release_deposit(
    contract_no: ContractNo,
    kind: DepositKind,
    body: ReleaseIn,
    principal: CurrentPrincipal,
    bus: Bus,
    reader: Reader,
) -> FeeContractOut:
    contract = await bus.handle(
        ReleaseDeposit(
            contract_no,
            kind,
            body.released_on,
            body.deducted,
            body.reference,
            principal.who,
            principal.visible_sites,
        )
    )
    return contract_out(contract, await deposits_required(reader.directory, contract))


# -- bills ---------------------------------------------------------------------------------------


class MeterIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    building: Unit
    room: Unit
    water: PositiveAmount | None = None
    electricity: PositiveAmount | None = None
    note: str | None = Field(
        default=None,
        max_length=100,
        pattern=SHOWS_TEXT,
        description="The readings, as the bill shows them",
        examples=["水 12 吨, 电 186 度"],
    )


class FeeRunIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "month": "2026-12",
                    "meters": [
                        {"building": "3", "room": "1202", "water": "42.00", "electricity": "96.72"}
                    ],
                }
            ]
        },
    )
    site_id: str = Field(min_length=1, max_length=40, pattern=SHOWS_TEXT, examples=["dmg"])
    month: MonthStart
    meters: list[MeterIn] = Field(default_factory=list, max_length=20_000)


class SkippedUnit(BaseModel):
    unit: str
    reason: str


class FeeRunOut(BaseModel):
    site_id: str
    month: str
    issued: int
    issued_total: Money
    already_billed: int
    skipped: list[SkippedUnit]


def run_out(run: FeeRun) -> FeeRunOut:
    return FeeRunOut(
        site_id=run.site_id,
        month=f"{run.month:%Y-%m}",
        issued=run.issued,
        issued_total=run.issued_total,
        already_billed=run.already,
        skipped=[SkippedUnit(unit=u, reason=r) for u, r in run.skipped],
    )


@router.post(
    "/fee-bills",
    summary="Bill a site's units for a month: area × the contract's rate, water and "
    "electricity; each unit once (FEE-01, FEE-06)",
)
async def issue_fee_bills(body: FeeRunIn, principal: CurrentPrincipal, bus: Bus) -> FeeRunOut:
    principal.require_site(body.site_id)
    run = await bus.handle(
        IssueFeeBills(
            site_id=body.site_id,
            month=body.month,
            meters=tuple(
                MeterCharges(m.building, m.room, m.water, m.electricity, m.note)
                for m in body.meters
            ),
            issued_by=principal.who,
            visible_sites=principal.visible_sites,
        )
    )
    return run_out(run)


class FeeLineOut(BaseModel):
    item: FeeItem
    amount: Money
    description: str


class ReminderOut(BaseModel):
    number: int
    asked_at: datetime
    owed: Money
    late_fee: Money
    to_owner: bool
    sent_at: datetime | None


class PersonOut(BaseModel):
    name: str
    phone: str
    email: str | None


class FeeBillOut(BaseModel):
    bill_id: uuid.UUID
    bill_no: str
    site_id: str
    contract_no: str
    building: str
    room: str
    month: str
    kind: UnitKind
    floor_area_m2: str
    rate: str
    days: int
    lines: list[FeeLineOut]
    amount: Money = Field(description="The bill before any late fee")
    due_on: date
    status: FeeBillStatus
    late_fee_today: Money = Field(description="0.05% a day past the due day, as of today")
    owed_today: Money = Field(description="What paying today takes (0 once paid)")
    payer: PersonOut
    owner: PersonOut | None = Field(description="The owner, liable when a tenant pays (FEE-05)")
    payment_method: PaymentMethod | None
    payment_reference: str | None
    paid_at: datetime | None
    late_fee_paid: Money
    collecting_in: str | None
    rejections: int
    reminders: list[ReminderOut]
    reminders_sent: int
    next_reminder_at: datetime | None
    flagged_at: datetime | None
    issued_at: datetime


def bill_out(b: FeeBill, now: datetime) -> FeeBillOut:
    today = b.local_day(now)
    paid = b.payment

    def person(p: Payer) -> PersonOut:
        return PersonOut(name=p.name, phone=p.phone, email=p.email)

    return FeeBillOut(
        bill_id=b.bill_id,
        bill_no=b.bill_no,
        site_id=b.site_id,
        contract_no=b.contract_no,
        building=b.building,
        room=b.room,
        month=f"{b.month:%Y-%m}",
        kind=b.kind,
        floor_area_m2=str(b.floor_area_m2),
        rate=str(b.rate),
        days=b.days,
        lines=[
            FeeLineOut(item=x.item, amount=x.amount, description=x.description) for x in b.lines
        ],
        amount=b.amount,
        due_on=b.due_on,
        status=b.status_at(now),
        late_fee_today=Decimal("0.00") if paid else b.late_fee_on(today),
        owed_today=Decimal("0.00") if paid else b.owed_on(today),
        payer=person(b.payer),
        owner=person(b.owner) if b.owner else None,
        payment_method=paid.method if paid else None,
        payment_reference=paid.reference if paid else None,
        paid_at=paid.paid_at if paid else None,
        late_fee_paid=b.late_fee_paid,
        collecting_in=b.collecting_in,
        rejections=len(b.rejections),
        reminders=[
            ReminderOut(
                number=r.number,
                asked_at=r.asked_at,
                owed=r.owed,
                late_fee=r.late_fee,
                to_owner=r.to_owner,
                sent_at=r.sent_at,
            )
            for r in b.reminders
        ],
        reminders_sent=b.reminders_sent,
        next_reminder_at=b.next_reminder_at,
        flagged_at=b.flagged_at,
        issued_at=b.issued_at,
    )


@router.get("/fee-bills", summary="Fee bills of the caller's sites, latest month first")
async def list_fee_bills(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    month: Annotated[MonthStart | None, Query(description="YYYY-MM")] = None,
    building: Annotated[str | None, Query(max_length=20)] = None,
    room: Annotated[str | None, Query(max_length=20)] = None,
    paid: bool | None = None,
    flagged: bool | None = None,
) -> Page[FeeBillOut]:
    found = await reader.fee_bills.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        month=month,
        building=building,
        room=room,
        paid=paid,
        flagged=flagged,
    )
    now = reader.clock()
    return page_of(found, page, lambda b: bill_out(b, now))


async def _bill(reader: Reader, bill_id: uuid.UUID, principal: CurrentPrincipal) -> FeeBill:
    bill = await reader.fee_bills.get(bill_id)
    if bill is None or not principal.may_act_for(bill.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no fee bill {bill_id}")
    return bill


@router.get("/fee-bills/{bill_id}", summary="One fee bill: its lines, late fee today, reminders")
async def get_fee_bill(
    bill_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> FeeBillOut:
    return bill_out(await _bill(reader, bill_id, principal), reader.clock())


class FeePaymentIn(BaseModel):
    """Cash at the service centre (a numbered receipt is drawn), or a transfer or online
    payment with its transaction number."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"method": "cash", "amount": "268.05"}]},
    )
    method: PaymentMethod
    amount: PositiveAmount = Field(description="The bill and its late fee on the day paid, yuan")
    reference: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=SHOWS_TEXT,
        description="The transaction's number (not for cash: the receipt's number is drawn)",
    )
    paid_at: IsoDateTime | None = Field(
        default=None, description="When paid, for a transfer; now if not given"
    )


@router.post(
    "/fee-bills/{bill_id}/payments",
    summary="Pay a fee bill in full with its late fee: cash on a numbered receipt, or by "
    "reference (FEE-02, FEE-03)",
    responses={409: {"description": "Paid already, or out at the bank in a collection batch"}},
)
async def pay_fee_bill(
    bill_id: uuid.UUID, body: FeePaymentIn, principal: CurrentPrincipal, bus: Bus, reader: Reader
) -> FeeBillOut:
    bill = await bus.handle(
        PayFeeBill(
            bill_id=bill_id,
            method=body.method,
            amount=body.amount,
            reference=body.reference,
            paid_at=body.paid_at,
            booked_by=principal.who,
            visible_sites=principal.visible_sites,
        )
    )
    return bill_out(bill, reader.clock())


class FeeCollectionOut(BaseModel):
    site_id: str
    month: str
    bills: int
    due: Money
    paid: int
    collected: Money
    outstanding: Money
    late_fees_collected: Money
    flagged: int
    collection_rate: Decimal | None = Field(description="collected ÷ due, to four places")
    target: Decimal = COLLECTION_TARGET
    meets_target: bool | None
    as_of: datetime


@router.get(
    "/fee-collection/{site_id}/{month}",
    summary="A site's management fee collection rate for a month: collected ÷ due, target "
    "95% (FEE-10)",
)
async def get_fee_collection(
    site_id: Annotated[str, Path(min_length=1, max_length=40, pattern=SHOWS_TEXT)],
    month: Month,
    reader: Reader,
    principal: CurrentPrincipal,
) -> FeeCollectionOut:
    principal.require_site(site_id)
    now = reader.clock()
    figures = fee_collection(month, await reader.fee_bills.of_month(site_id, month), now)
    return FeeCollectionOut(
        site_id=site_id,
        month=f"{month:%Y-%m}",
        bills=figures.bills,
        due=figures.due,
        paid=figures.paid,
        collected=figures.collected,
        outstanding=figures.outstanding,
        late_fees_collected=figures.late_fees_collected,
        flagged=figures.flagged,
        collection_rate=figures.rate,
        meets_target=figures.meets_target,
        as_of=now,
    )
