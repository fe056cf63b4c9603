"""The callback service's HTTP API: the callback agents' list."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from contracts.callback.v1 import CallbackReason
from contracts.envelope import Money, PaymentMethod, Resident
from fastapi import APIRouter, HTTPException, Query, Request, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.money import from_fen
from hotline_libs.mongo import Document
from pydantic import BaseModel

from callback.adapters.repository import MongoCallbacks
from callback.domain.model import Callback

router = APIRouter(tags=["callbacks"])


class ChargeRef(BaseModel):
    charge_id: uuid.UUID
    charge_no: str
    total: Money


class CallbackOut(BaseModel):
    callback_id: uuid.UUID
    work_order_id: uuid.UUID
    request_id: uuid.UUID
    request_no: str
    site_id: str
    resident: Resident
    reason: CallbackReason
    payment_method: PaymentMethod | None
    completed_at: datetime
    due_on: date
    scheduled_at: datetime
    charge: ChargeRef | None


def _out(callback: Callback, charge: Document | None) -> CallbackOut:
    return CallbackOut(
        callback_id=callback.callback_id,
        work_order_id=callback.work_order_id,
        request_id=callback.request_id,
        request_no=callback.request_no,
        site_id=callback.site_id,
        resident=callback.resident,
        reason=callback.reason,
        payment_method=callback.payment_method,
        completed_at=callback.completed_at,
        due_on=callback.due_on,
        scheduled_at=callback.scheduled_at,
        charge=None
        if charge is None
        else ChargeRef(
            charge_id=charge["charge_id"],
            charge_no=charge["charge_no"],
            total=from_fen(charge["total_fen"]),
        ),
    )


@router.get("/callbacks", summary="Scheduled callbacks, soonest due first")
async def list_callbacks(
    request: Request,
    principal: CurrentPrincipal,
    request_id: uuid.UUID | None = None,
    due_on_or_before: date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[CallbackOut]:
    found = await MongoCallbacks(request.app.state.service.db).find(
        sites=principal.visible_sites,
        request_id=request_id,
        due_on_or_before=due_on_or_before,
        limit=limit,
    )
    return [_out(callback, charge) for callback, charge in found]


@router.get("/callbacks/{callback_id}", summary="One callback")
async def get_callback(
    callback_id: uuid.UUID, request: Request, principal: CurrentPrincipal
) -> CallbackOut:
    found = await MongoCallbacks(request.app.state.service.db).get(callback_id)
    if found is None or not principal.may_act_for(found[0].site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no callback {callback_id}")
    return _out(*found)
