"""Billing's HTTP API: price lists and charges for finance staff."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from contracts.envelope import Money, PaymentMethod, Resident
from fastapi import APIRouter, HTTPException, Query, Request, status
from hotline_libs.auth import CurrentPrincipal
from pydantic import BaseModel

from billing.adapters.repository import MongoCharges, MongoPriceLists
from billing.domain.model import Charge

router = APIRouter()


class PriceItemOut(BaseModel):
    item_code: str
    name: str
    unit: str
    unit_price: Money


class ChargeLineOut(BaseModel):
    item_code: str
    item_name: str
    unit: str
    unit_price: Money
    quantity: int
    amount: Money


class ChargeOut(BaseModel):
    charge_id: uuid.UUID
    charge_no: str
    work_order_id: uuid.UUID
    request_id: uuid.UUID
    request_no: str
    site_id: str
    resident: Resident
    lines: list[ChargeLineOut]
    total: Money
    currency: str = "CNY"
    payment_method: PaymentMethod
    raised_at: datetime


def _out(charge: Charge) -> ChargeOut:
    return ChargeOut(
        charge_id=charge.charge_id,
        charge_no=charge.charge_no,
        work_order_id=charge.work_order_id,
        request_id=charge.request_id,
        request_no=charge.request_no,
        site_id=charge.site_id,
        resident=charge.resident,
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
        raised_at=charge.raised_at,
    )


@router.get("/price-lists/{site_id}", tags=["price lists"], summary="A site's paid-service prices")
async def get_price_list(
    site_id: str, request: Request, principal: CurrentPrincipal
) -> list[PriceItemOut]:
    principal.require_site(site_id)
    price_list = await MongoPriceLists(request.app.state.service.db).for_site(site_id)
    if price_list is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"site {site_id!r} has no price list")
    return [
        PriceItemOut(item_code=i.item_code, name=i.name, unit=i.unit, unit_price=i.unit_price)
        for i in sorted(price_list.items.values(), key=lambda i: i.item_code)
    ]


@router.get("/charges", tags=["charges"], summary="Charges, newest first")
async def list_charges(
    request: Request,
    principal: CurrentPrincipal,
    request_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[ChargeOut]:
    found = await MongoCharges(request.app.state.service.db).find(
        sites=principal.visible_sites, request_id=request_id, limit=limit
    )
    return [_out(charge) for charge in found]


@router.get("/charges/{charge_id}", tags=["charges"], summary="One charge")
async def get_charge(
    charge_id: uuid.UUID, request: Request, principal: CurrentPrincipal
) -> ChargeOut:
    charge = await MongoCharges(request.app.state.service.db).get(charge_id)
    if charge is None or not principal.may_act_for(charge.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no charge {charge_id}")
    return _out(charge)
