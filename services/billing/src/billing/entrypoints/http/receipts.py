"""The cash route and the day's records: numbered receipts issued to technicians, the cash they
hand in booked, payments by transfer or online recorded with their reference, the day's money
in per site and the households served (BIL-09, BIL-11 to BIL-16)."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from contracts.envelope import Money
from fastapi import APIRouter, HTTPException, Path, Query, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT, SiteInPath
from hotline_libs.money import PositiveAmount
from hotline_libs.paging import IsoDate, IsoDateTime, Page, Paging, SiteFilter, page_of
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from billing.domain.cash_day import CashDay
from billing.domain.charge import PAID_BY_REFERENCE, Charge, PaymentMethod
from billing.domain.commands import BookCash, IssueReceipt, RecordPayment, VoidReceipt
from billing.domain.receipt import Receipt, ReceiptStatus, receipt_id
from billing.entrypoints.http import Reader
from billing.entrypoints.http.charges import ChargeOut, charge_out
from billing.service_layer.daily_records import cash_day_at, households_served

router = APIRouter(tags=["receipts and payments"])

SiteId = SiteInPath
Number = Annotated[int, Path(ge=1, le=999_999_999, description="The receipt's number")]
Day = Annotated[IsoDate, Path(description="The site's local day, YYYY-MM-DD")]


class ReceiptOut(BaseModel):
    site_id: str
    number: int
    receipt_no: str = Field(
        description="As printed: the site's code and number", examples=["DMG-000123"]
    )
    status: ReceiptStatus
    charge_id: uuid.UUID
    charge_no: str
    service_record_no: str | None = Field(
        description="The service and callback record the receipt names (BIL-09)"
    )
    amount: Money
    currency: str = "CNY"
    payer_name: str
    building: str
    room: str
    issued_to: str = Field(description="The technician who collects")
    issued_by: str
    issued_at: datetime
    booked_at: datetime | None
    booked_by: str | None
    voided_at: datetime | None
    voided_by: str | None
    void_reason: str | None
    for_fee_bill: bool = Field(
        description="Drawn at the desk for a management fee bill: charge_id and charge_no are "
        "the bill's id and number"
    )
    version: int


def receipt_out(r: Receipt) -> ReceiptOut:
    return ReceiptOut(
        site_id=r.site_id,
        number=r.number,
        receipt_no=r.receipt_no,
        status=r.status,
        charge_id=r.charge_id,
        charge_no=r.charge_no,
        service_record_no=r.service_record_no,
        amount=r.amount,
        payer_name=r.payer_name,
        building=r.building,
        room=r.room,
        issued_to=r.issued_to,
        issued_by=r.issued_by,
        issued_at=r.issued_at,
        booked_at=r.booked_at,
        booked_by=r.booked_by,
        voided_at=r.voided_at,
        voided_by=r.voided_by,
        void_reason=r.void_reason,
        for_fee_bill=r.for_fee_bill,
        version=r.version,
    )


class ReceiptIn(BaseModel):
    """Who collects the cash; by default the technician who did the work."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{}]}
    )
    technician_id: str | None = Field(
        default=None, min_length=1, max_length=60, pattern=SHOWS_TEXT, examples=["dmg-t01"]
    )


@router.post(
    "/charges/{charge_id}/receipts",
    status_code=status.HTTP_201_CREATED,
    summary="Issue the site's next numbered receipt to the technician who collects the charge "
    "in cash (BIL-11); the receipt already out for it when there is one",
    responses={409: {"description": "The charge is not priced yet, or already paid"}},
)
async def issue_receipt(
    charge_id: uuid.UUID, body: ReceiptIn, principal: CurrentPrincipal, bus: Bus
) -> ReceiptOut:
    receipt = await bus.handle(
        IssueReceipt(
            charge_id=charge_id,
            technician_id=body.technician_id,
            issued_by=principal.who,
            visible_sites=principal.visible_sites,
        )
    )
    return receipt_out(receipt)


@router.get("/receipts", summary="The receipt books of the caller's sites, newest number first")
async def list_receipts(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    status_: Annotated[ReceiptStatus | None, Query(alias="status")] = None,
    issued_to: Annotated[
        str | None, Query(max_length=60, description="Only those issued to this technician")
    ] = None,
    charge_id: uuid.UUID | None = None,
) -> Page[ReceiptOut]:
    found = await reader.receipts.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        status=status_,
        issued_to=issued_to,
        charge_id=charge_id,
    )
    return page_of(found, page, receipt_out)


@router.get("/receipts/{site_id}/{number}", summary="One receipt of a site's book")
async def get_receipt(
    site_id: SiteId, number: Number, reader: Reader, principal: CurrentPrincipal
) -> ReceiptOut:
    receipt = await reader.receipts.get(receipt_id(site_id, number))
    if receipt is None or not principal.may_act_for(site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no receipt {number} at site {site_id!r}")
    return receipt_out(receipt)


class CashIn(BaseModel):
    """The cash handed in with the service record: the amount counted."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"amount": "80.00"}]})
    amount: PositiveAmount = Field(description="The cash counted, yuan: the receipt's amount")


@router.post(
    "/receipts/{site_id}/{number}/booking",
    summary="Book the cash and the service record handed in on a receipt; the charge is paid "
    "(BIL-12, BIL-13)",
    responses={409: {"description": "The receipt is void"}},
)
async def book_cash(
    site_id: SiteId, number: Number, body: CashIn, principal: CurrentPrincipal, bus: Bus
) -> ReceiptOut:
    receipt = await bus.handle(
        BookCash(
            site_id=site_id,
            number=number,
            amount=Decimal(body.amount),
            booked_by=principal.who,
            visible_sites=principal.visible_sites,
        )
    )
    return receipt_out(receipt)


class VoidIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"reason": "收据填写错误"}]},
    )
    reason: str = Field(min_length=1, max_length=300, pattern=SHOWS_TEXT, examples=["收据填写错误"])


@router.post(
    "/receipts/{site_id}/{number}/void",
    summary="Void a receipt out with a technician; it keeps its number and says why",
    responses={409: {"description": "The receipt is booked, or void for another reason"}},
)
async def void_receipt(
    site_id: SiteId, number: Number, body: VoidIn, principal: CurrentPrincipal, bus: Bus
) -> ReceiptOut:
    receipt = await bus.handle(
        VoidReceipt(
            site_id=site_id,
            number=number,
            reason=body.reason,
            voided_by=principal.who,
            visible_sites=principal.visible_sites,
        )
    )
    return receipt_out(receipt)


class ReferenceMethod(enum.StrEnum):
    """The methods recorded by their own transaction number (BIL-16); cash is booked from its
    receipt and bank collection from the bank's return file."""

    BANK_TRANSFER = PaymentMethod.BANK_TRANSFER.value
    WECHAT_PAY = PaymentMethod.WECHAT_PAY.value
    ALIPAY = PaymentMethod.ALIPAY.value


assert {PaymentMethod(m.value) for m in ReferenceMethod} == PAID_BY_REFERENCE


class PaymentIn(BaseModel):
    """A payment by bank transfer, WeChat Pay or Alipay, with its own transaction number."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {"method": "wechat_pay", "reference": "4200001234202611230001", "amount": "80.00"}
            ]
        },
    )
    method: ReferenceMethod = Field(examples=["wechat_pay"])
    reference: str = Field(
        min_length=1, max_length=64, pattern=SHOWS_TEXT, examples=["4200001234202611230001"]
    )
    amount: PositiveAmount = Field(description="What was paid, yuan: the charge's total")
    paid_at: IsoDateTime | None = Field(default=None, description="When paid; now if not given")


@router.post(
    "/charges/{charge_id}/payments",
    summary="Record a charge paid by bank transfer, WeChat Pay or Alipay (BIL-16)",
    responses={409: {"description": "The charge is not priced yet, or paid otherwise"}},
)
async def record_payment(
    charge_id: uuid.UUID, body: PaymentIn, principal: CurrentPrincipal, bus: Bus
) -> ChargeOut:
    charge = await bus.handle(
        RecordPayment(
            charge_id=charge_id,
            method=PaymentMethod(body.method.value),
            reference=body.reference,
            amount=Decimal(body.amount),
            paid_at=body.paid_at,
            booked_by=principal.who,
            visible_sites=principal.visible_sites,
        )
    )
    return charge_out(charge)


class CollectedOut(BaseModel):
    technician_id: str
    receipts: int
    amount: Money


class ByMethodOut(BaseModel):
    method: PaymentMethod
    payments: int
    amount: Money


class CashDayOut(BaseModel):
    """A site's day of money in (收款日报)."""

    site_id: str
    day: date
    first_number: int | None = Field(description="The first receipt drawn that day")
    last_number: int | None
    missing_numbers: list[int] = Field(
        description="Numbers in the day's range held by no receipt (none: receipts never skip one)"
    )
    issued: list[ReceiptOut]
    booked: list[ReceiptOut]
    voided: list[ReceiptOut]
    outstanding: list[ReceiptOut] = Field(
        description="Out with technicians at the day's end: cash finance is still owed"
    )
    cash_booked: Money
    by_collector: list[CollectedOut]
    other_payments: list[ByMethodOut] = Field(description="Booked by reference, per method")
    currency: str = "CNY"


def cash_day_out(day: CashDay) -> CashDayOut:
    return CashDayOut(
        site_id=day.site_id,
        day=day.day,
        first_number=day.first_number,
        last_number=day.last_number,
        missing_numbers=list(day.missing_numbers),
        issued=[receipt_out(r) for r in day.issued],
        booked=[receipt_out(r) for r in day.booked],
        voided=[receipt_out(r) for r in day.voided],
        outstanding=[receipt_out(r) for r in day.outstanding],
        cash_booked=day.cash_booked,
        by_collector=[
            CollectedOut(technician_id=c.technician_id, receipts=c.receipts, amount=c.amount)
            for c in day.by_collector
        ],
        other_payments=[
            ByMethodOut(method=m.method, payments=m.payments, amount=m.amount)
            for m in day.other_payments
        ],
    )


@router.get(
    "/cash-days/{site_id}/{day}",
    summary="A site's day of money in: receipts issued, booked and voided, cash still out, "
    "payments by reference",
)
async def get_cash_day(
    site_id: SiteId, day: Day, reader: Reader, principal: CurrentPrincipal
) -> CashDayOut:
    principal.require_site(site_id)
    return cash_day_out(await cash_day_at(reader, site_id, day))


class HouseholdServedOut(BaseModel):
    """One household on the day's list (接受服务业户名单, BIL-15)."""

    building: str
    room: str
    name: str
    phone: str
    charge_id: uuid.UUID
    charge_no: str
    work_order_no: str
    service_record_no: str | None
    items: list[str] = Field(description="What was done, by price-list name or code")
    total: Money | None
    payment_method: PaymentMethod | None
    status: str


class HouseholdsServedOut(BaseModel):
    site_id: str
    day: date
    households: list[HouseholdServedOut]


def household_out(charge: Charge) -> HouseholdServedOut:
    names = [line.item_name for line in charge.lines] or [d.item_code for d in charge.delivered]
    return HouseholdServedOut(
        building=charge.payer.building,
        room=charge.payer.room,
        name=charge.payer.name,
        phone=charge.payer.phone,
        charge_id=charge.charge_id,
        charge_no=charge.charge_no,
        work_order_no=charge.work_order_no,
        service_record_no=charge.service_record_no,
        items=names,
        total=charge.total,
        payment_method=charge.payment_method,
        status=charge.status.value,
    )


@router.get(
    "/households-served/{site_id}/{day}",
    summary="The households whose paid service was signed for on a day (接受服务业户名单)",
)
async def list_households_served(
    site_id: SiteId, day: Day, reader: Reader, principal: CurrentPrincipal
) -> HouseholdsServedOut:
    principal.require_site(site_id)
    charges = await households_served(reader, site_id, day)
    return HouseholdsServedOut(
        site_id=site_id, day=day, households=[household_out(c) for c in charges]
    )
