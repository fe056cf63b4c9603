"""Technicians: who works where, in which trades and skills, who is available and who is on
shift."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import IsoDateTime, Page, Paging, SiteFilter, page_of
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from dispatch.domain.commands import SaveTechnician
from dispatch.domain.technician import SKILLS, Technician
from dispatch.domain.work_order import TRADE_FOR_BOARD
from dispatch.entrypoints.http import Reader
from dispatch.service_layer.assignment import on_shift_at

router = APIRouter(tags=["technicians"])

TRADES = sorted(set(TRADE_FOR_BOARD.values()))
"""The trades dispatch sends someone for."""
SKILL_CODES = sorted(SKILLS)


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
                    "skills": ["plumbing"],
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
    skills: list[
        Annotated[
            str, WithJsonSchema({"type": "string", "enum": SKILL_CODES, "examples": SKILL_CODES})
        ]
    ] = Field(
        default_factory=list,
        max_length=len(SKILL_CODES),
        description="Specialities (plumbing, lifts, a housekeeping item, ...); none: a "
        "generalist of the trades",
        examples=[["plumbing"]],
    )
    on_duty: bool = Field(
        description="Available to be sent work (off sick without notice: false)", examples=[True]
    )


class TechnicianOut(BaseModel):
    technician_id: str
    site_id: str = Field(description="Their home site")
    name: str
    phone: str
    trades: list[str]
    skills: list[str]
    on_duty: bool


class OnShiftOut(BaseModel):
    site_id: str
    at: datetime
    by_roster: bool = Field(
        description="Whether a published roster decided it (false: none for that month)"
    )
    technicians: list[TechnicianOut]


def technician_out(t: Technician) -> TechnicianOut:
    return TechnicianOut(
        technician_id=t.technician_id,
        site_id=t.site_id,
        name=t.name,
        phone=t.phone,
        trades=sorted(t.trades),
        skills=sorted(t.skills),
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


@router.get(
    "/on-shift",
    summary="The site's technicians on shift at a time (now by default), by its published "
    "roster; every available one when the site publishes none for that month",
)
async def technicians_on_shift(
    reader: Reader,
    principal: CurrentPrincipal,
    site_id: Annotated[str, Query(min_length=1, max_length=40, pattern=SHOWS_TEXT)],
    at: Annotated[IsoDateTime | None, Query(description="The time asked about")] = None,
) -> OnShiftOut:
    principal.require_site(site_id)
    moment = at or reader.clock()
    on_shift = await on_shift_at(reader.calendars, reader.rosters, site_id, moment)
    available = [t for t in await reader.technicians.at_site(site_id) if t.on_duty]
    return OnShiftOut(
        site_id=site_id,
        at=moment,
        by_roster=on_shift is not None,
        technicians=[
            technician_out(t) for t in available if on_shift is None or t.technician_id in on_shift
        ],
    )


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
    unknown = sorted(set(body.skills) - set(SKILL_CODES))
    if unknown:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY,
            f"skills {unknown} are not skills dispatch knows; known: {', '.join(SKILL_CODES)}",
        )
    technician = await bus.handle(
        SaveTechnician(
            technician_id=technician_id,
            site_id=body.site_id,
            name=body.name,
            phone=body.phone,
            trades=frozenset(body.trades),
            on_duty=body.on_duty,
            skills=frozenset(body.skills),
            visible_sites=principal.visible_sites,
        )
    )
    return technician_out(technician)
