"""What a work order keeps of the visit besides its steps: the warehouse's materials and tools
(DSP-07, DSP-08) and damage to the customer's property until compensation is agreed (ACC-04)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, status
from hotline_libs.auth import CurrentPrincipal, Principal, Role
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.money import Amount
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from dispatch.domain.commands import RecordOnWorkOrder
from dispatch.domain.field_records import Drawn
from dispatch.entrypoints.http.work_orders import WorkOrderOut, actor_of, work_order_out

router = APIRouter(tags=["work orders"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not your role, or a technician's call on another technician's order"},
    409: {"description": "The work order's state does not allow it"},
}


class DrawIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"item": "DN15 角阀", "quantity": 2, "kind": "material"}]},
    )
    item: str = Field(min_length=1, max_length=100, pattern=SHOWS_TEXT)
    quantity: int = Field(ge=1, le=1000)
    kind: Drawn = Field(description="material (used up unless given back) or tool (borrowed)")
    charge_as: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        pattern=SHOWS_TEXT,
        description="For a material the customer pays for (材料费): its item on the site's price "
        "list; what is used of it is charged with the work",
        examples=["MT-VALVE"],
    )


class GiveBackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"quantity": 1}]})
    quantity: int = Field(ge=1, le=1000)


class DamageIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"description": "搬梯子时碰裂了瓷砖一块"}]}
    )
    description: str = Field(min_length=1, max_length=1000, pattern=SHOWS_TEXT)


class CompensationIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"amount": "120.00", "agreement": "按市价赔偿瓷砖及人工"}]},
    )
    amount: Amount = Field(description="Agreed with the customer, in yuan; 0 when none is owed")
    agreement: str = Field(min_length=1, max_length=500, pattern=SHOWS_TEXT)


async def _record(
    bus: Bus, principal: Principal, work_order_id: uuid.UUID, **details: Any
) -> WorkOrderOut:
    order, _ = await bus.handle(
        RecordOnWorkOrder(
            work_order_id=work_order_id,
            actor=actor_of(principal),
            visible_sites=principal.visible_sites,
            assigned_only=principal.subject if principal.role is Role.TECHNICIAN else None,
            **details,
        )
    )
    return work_order_out(order)


@router.post(
    "/work-orders/{work_order_id}/materials",
    summary="Materials or tools drawn from the warehouse for the work (领料、借用, DSP-07)",
    responses=RESPONSES,
    status_code=status.HTTP_201_CREATED,
)
async def draw_materials(
    work_order_id: uuid.UUID, body: DrawIn, principal: CurrentPrincipal, bus: Bus
) -> WorkOrderOut:
    return await _record(
        bus,
        principal,
        work_order_id,
        what="draw",
        item=body.item,
        quantity=body.quantity,
        kind=body.kind,
        charge_as=body.charge_as,
    )


@router.post(
    "/work-orders/{work_order_id}/materials/{line_no}/return",
    summary="Unused materials or borrowed tools back to the warehouse (DSP-08)",
    responses=RESPONSES,
)
async def give_back_materials(
    work_order_id: uuid.UUID,
    line_no: Annotated[int, Path(ge=1, le=1000)],
    body: GiveBackIn,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    return await _record(
        bus, principal, work_order_id, what="give_back", number=line_no, quantity=body.quantity
    )


@router.post(
    "/work-orders/{work_order_id}/damage",
    summary="Damage to or loss of the customer's property, reported (ACC-04)",
    responses=RESPONSES,
    status_code=status.HTTP_201_CREATED,
)
async def report_damage(
    work_order_id: uuid.UUID, body: DamageIn, principal: CurrentPrincipal, bus: Bus
) -> WorkOrderOut:
    return await _record(
        bus, principal, work_order_id, what="report_damage", description=body.description
    )


@router.put(
    "/work-orders/{work_order_id}/damage/{case_no}/compensation",
    summary="The compensation the site agreed with the customer (协商赔偿, ACC-04)",
    responses=RESPONSES,
)
async def agree_compensation(
    work_order_id: uuid.UUID,
    case_no: Annotated[int, Path(ge=1, le=1000)],
    body: CompensationIn,
    principal: CurrentPrincipal,
    bus: Bus,
) -> WorkOrderOut:
    return await _record(
        bus,
        principal,
        work_order_id,
        what="agree_compensation",
        number=case_no,
        amount=Decimal(body.amount),
        description=body.agreement,
    )
