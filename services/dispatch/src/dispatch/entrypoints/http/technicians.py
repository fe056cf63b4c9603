"""Technicians: who works where, in which trades, and who is on duty."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import Page, Paging, SiteFilter, page_of
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from dispatch.domain.commands import SaveTechnician
from dispatch.domain.technician import Technician
from dispatch.domain.work_order import TRADE_FOR_BOARD
from dispatch.entrypoints.http import Reader

router = APIRouter(tags=["technicians"])

TRADES = sorted(set(TRADE_FOR_BOARD.values()))
"""The trades dispatch sends someone for."""


class TechnicianIn(BaseModel):
    """A technician as a supervisor enters them; on duty means they can be sent now."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "name": "李强",
                    "phone": "+8613900000101",
                    "trades": ["maintenance"],
                    "on_duty": True,
                }
            ]
        },
    )
    site_id: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=40, examples=["dmg"])
    name: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=100, examples=["李强"])
    phone: str = Field(min_length=5, max_length=30, examples=["+8613900000101"])
    trades: list[
        Annotated[str, WithJsonSchema({"type": "string", "enum": TRADES, "examples": TRADES})]
    ] = Field(min_length=1, max_length=10, examples=[["maintenance"]])
    on_duty: bool = Field(description="Can be sent work now", examples=[True])


class TechnicianOut(BaseModel):
    technician_id: str
    site_id: str
    name: str
    phone: str
    trades: list[str]
    on_duty: bool


def technician_out(t: Technician) -> TechnicianOut:
    return TechnicianOut(
        technician_id=t.technician_id,
        site_id=t.site_id,
        name=t.name,
        phone=t.phone,
        trades=sorted(t.trades),
        on_duty=t.on_duty,
    )


@router.get("/technicians", summary="Technicians of the caller's sites (or of one), by id")
async def list_technicians(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    on_duty: Annotated[
        bool | None, Query(description="Only those on duty (true) or off duty (false)")
    ] = None,
) -> Page[TechnicianOut]:
    found = await reader.technicians.listing(
        sites=principal.visible_sites, page=page, site_id=site_id, on_duty=on_duty
    )
    return page_of(found, page, technician_out)


@router.put(
    "/technicians/{technician_id}",
    summary="Add a technician or change one; one coming on duty takes the waiting work orders",
)
async def save_technician(
    technician_id: str, body: TechnicianIn, principal: CurrentPrincipal, bus: Bus
) -> TechnicianOut:
    principal.require_site(body.site_id)
    unknown = sorted(set(body.trades) - set(TRADES))
    if unknown:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            f"trades {unknown} are not trades dispatch sends; known: {', '.join(TRADES)}",
        )
    technician = await bus.handle(
        SaveTechnician(
            technician_id=technician_id,
            site_id=body.site_id,
            name=body.name,
            phone=body.phone,
            trades=frozenset(body.trades),
            on_duty=body.on_duty,
            visible_sites=principal.visible_sites,
        )
    )
    return technician_out(technician)
