"""Charges: what residents owe, and those waiting for finance to price them."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from contracts.envelope import Money
from fastapi import APIRouter, Depends, HTTPException, Query, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.money import PositiveAmount
from hotline_libs.paging import Page, Paging, SiteFilter, TimeWindow, page_of, time_window
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from billing.domain.charge import AgreedPrice, Charge, ChargeStatus, PaymentMethod
from billing.domain.commands import ConfirmAgreedPrices, PriceCharge
from billing.entrypoints.http import Reader

router = APIRouter(tags=["charges"])


class ChargeLineOut(BaseModel):
    item_code: str
    item_name: str
    unit: str
    unit_price: Money
    quantity: int
    amount: Money


class DeliveredOut(BaseModel):
    item_code: str
    quantity: int
    agreed_unit_price: Money | None


class PayerOut(BaseModel):
    name: str
    phone: str
    email: str | None
    building: str
    room: str


class PaymentOut(BaseModel):
    method: PaymentMethod
    amount: Money
    reference: str = Field(description="The receipt for cash; the transaction number otherwise")
    paid_at: datetime
    booked_at: datetime
    booked_by: str


class RejectionOut(BaseModel):
    batch_id: str
    code: str = Field(description="The bank's ISO 20022 reason code", examples=["AM04"])
    reason: str | None
    at: datetime


class ChargeOut(BaseModel):
    charge_id: uuid.UUID
    charge_no: str
    work_order_id: uuid.UUID
    work_order_no: str
    service_record_no: str | None = Field(
        description="The service and callback record (服务及回访记录表) it goes with"
    )
    request_id: uuid.UUID
    request_no: str
    site_id: str
    status: ChargeStatus
    problems: list[str] = Field(description="Why it waits for finance (needs_pricing)")
    payer: PayerOut
    delivered: list[DeliveredOut]
    lines: list[ChargeLineOut]
    total: Money | None = Field(description="None until the charge is priced")
    currency: str = "CNY"
    payment_method: PaymentMethod | None
    priced_by: str | None = Field(description="price_list, or agreed when finance confirmed it")
    note: str | None
    created_at: datetime
    raised_at: datetime | None
    technician_id: str | None = Field(description="Who did the work, and collects cash")
    price_list_version: int | None = Field(
        description="The version of the site's price list that priced it"
    )
    payment: PaymentOut | None = Field(description="How it was paid, once paid")
    collecting_in: str | None = Field(
        description="The collection batch whose debit is at the bank for it, if any"
    )
    rejections: list[RejectionOut] = Field(description="The bank's refusals to debit it")
    version: int


def charge_out(charge: Charge) -> ChargeOut:
    p = charge.payer
    return ChargeOut(
        charge_id=charge.charge_id,
        charge_no=charge.charge_no,
        work_order_id=charge.work_order_id,
        work_order_no=charge.work_order_no,
        service_record_no=charge.service_record_no,
        request_id=charge.request_id,
        request_no=charge.request_no,
        site_id=charge.site_id,
        status=charge.status,
        problems=list(charge.problems),
        payer=PayerOut(name=p.name, phone=p.phone, email=p.email, building=p.building, room=p.room),
        delivered=[
            DeliveredOut(
                item_code=d.item_code, quantity=d.quantity, agreed_unit_price=d.agreed_unit_price
            )
            for d in charge.delivered
        ],
        lines=[
            ChargeLineOut(
                item_code=line.item_code,
                item_name=line.item_name,
                unit=line.unit,
                unit_price=line.unit_price,
                quantity=line.quantity,
                amount=line.amount,
            )
            for line in charge.lines
        ],
        total=charge.total,
        payment_method=charge.payment_method,
        priced_by=charge.priced_by,
        note=charge.note,
        created_at=charge.created_at,
        raised_at=charge.raised_at,
        technician_id=charge.technician_id,
        price_list_version=charge.price_list_version,
        payment=PaymentOut(
            method=charge.payment.method,
            amount=charge.payment.amount,
            reference=charge.payment.reference,
            paid_at=charge.payment.paid_at,
            booked_at=charge.payment.booked_at,
            booked_by=charge.payment.booked_by,
        )
        if charge.payment
        else None,
        collecting_in=charge.collecting_in,
        rejections=[
            RejectionOut(batch_id=r.batch_id, code=r.code, reason=r.reason, at=r.at)
            for r in charge.rejections
        ],
        version=charge.version,
    )


CREATED = time_window("created", "charges created (when the completion reached billing)")


@router.get(
    "/charges",
    summary="Charges, newest first; status=needs_pricing lists finance's queue, status=raised "
    "what is owed",
)
async def list_charges(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    created: Annotated[TimeWindow, Depends(CREATED)],
    site_id: SiteFilter = None,
    request_id: uuid.UUID | None = None,
    status_: Annotated[ChargeStatus | None, Query(alias="status")] = None,
) -> Page[ChargeOut]:
    found = await reader.charges.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        request_id=request_id,
        status=status_,
        created=created,
    )
    return page_of(found, page, charge_out)


@router.get("/charges/{charge_id}", summary="One charge")
async def get_charge(
    charge_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> ChargeOut:
    charge = await reader.charges.get(charge_id)
    if charge is None or not principal.may_act_for(charge.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no charge {charge_id}")
    return charge_out(charge)


@router.post(
    "/charges/{charge_id}/pricing",
    summary="Price a waiting charge again from the site's price list (after correcting it)",
    responses={409: {"description": "The charge is already raised"}},
)
async def price_again(charge_id: uuid.UUID, principal: CurrentPrincipal, bus: Bus) -> ChargeOut:
    charge = await bus.handle(
        PriceCharge(charge_id=charge_id, visible_sites=principal.visible_sites)
    )
    return charge_out(charge)


class AgreedPriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    item_code: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=40, examples=["RP-TAP"])
    unit_price: PositiveAmount = Field(description="As agreed before the work")
    item_name: str | None = Field(default=None, max_length=100, description="If not on the list")
    unit: str | None = Field(default=None, max_length=10, description="If not on the list")


class AgreedPricesIn(BaseModel):
    """The unit prices the resident agreed to before the work, from the signed service record;
    items left out keep the agreed price the technician recorded."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "lines": [{"item_code": "RP-LOCK", "unit_price": "100.00"}],
                    "note": "见服务及回访记录表 No.0012",
                }
            ]
        },
    )
    lines: list[AgreedPriceIn] = Field(default_factory=list, max_length=50)
    payment_method: PaymentMethod | None = Field(
        default=None, description="Required when the work order did not report one"
    )
    note: str | None = Field(default=None, max_length=500, examples=["见服务及回访记录表 No.0012"])


@router.post(
    "/charges/{charge_id}/agreed-prices",
    summary="Confirm the amounts agreed with the resident before work; the charge is raised",
    responses={409: {"description": "The charge is already raised"}},
)
async def confirm_agreed(
    charge_id: uuid.UUID, body: AgreedPricesIn, principal: CurrentPrincipal, bus: Bus
) -> ChargeOut:
    charge = await bus.handle(
        ConfirmAgreedPrices(
            charge_id=charge_id,
            agreed=tuple(
                AgreedPrice(line.item_code, Decimal(line.unit_price), line.item_name, line.unit)
                for line in body.lines
            ),
            payment_method=body.payment_method,
            note=body.note,
            visible_sites=principal.visible_sites,
        )
    )
    return charge_out(charge)
