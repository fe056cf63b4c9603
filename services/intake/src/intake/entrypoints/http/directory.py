"""The directory: residents, units, the caller lookup agents answer with, and a site's lists
imported and exported as CSV or XLSX."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.errors import HotlineError, RuleViolation
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.paging import Page, Paging, SiteFilter, page_of
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from intake.adapters import tables
from intake.domain.commands import ImportDirectory, RecordResident, RecordUnit, UpdateResident
from intake.domain.imports import RESIDENT_COLUMNS, UNIT_COLUMNS
from intake.domain.resident import Language, PreferredChannel, Resident, ResidentDetails
from intake.domain.service_request import ServiceRequest, normalise_phone
from intake.domain.unit import MAX_TENANTS, Occupancy, Unit, unit_id
from intake.entrypoints.http import Reader
from intake.service_layer.directory import ImportReport

router = APIRouter(tags=["directory"])

MAX_UPLOAD = 5 * 1024 * 1024
RECENT_REQUESTS = 10
AddressPart = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[\w\-]+$")]
SiteId = Annotated[str, Path(min_length=1, max_length=40, pattern=SHOWS_TEXT)]
Kind = Annotated[Literal["residents", "units"], Path(description="Which list")]


class ResidentDetailsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "王芳",
                    "phones": ["13800138000"],
                    "email": "wang.fang@example.com",
                    "preferred_channel": "sms",
                    "language": "zh-CN",
                    "consents_to_sms": True,
                    "consents_to_email": False,
                }
            ]
        },
    )
    name: str = Field(min_length=1, max_length=100, pattern=SHOWS_TEXT)
    phones: list[Annotated[str, Field(min_length=5, max_length=30)]] = Field(
        min_length=1, max_length=5, description="The first is the main number"
    )
    email: EmailStr | None = None
    preferred_channel: PreferredChannel = PreferredChannel.SMS
    language: Language = Language.CHINESE
    consents_to_sms: bool = True
    consents_to_email: bool = False

    def details(self) -> ResidentDetails:
        return ResidentDetails(
            name=self.name,
            phones=tuple(self.phones),
            email=self.email,
            preferred_channel=self.preferred_channel,
            language=self.language,
            consents_to_sms=self.consents_to_sms,
            consents_to_email=self.consents_to_email,
        )


class ResidentIn(ResidentDetailsIn):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "site_id": "dmg",
                    "name": "王芳",
                    "phones": ["13800138000"],
                    "preferred_channel": "sms",
                }
            ]
        },
    )
    site_id: str = Field(min_length=1, max_length=40, pattern=SHOWS_TEXT, examples=["dmg"])


class ResidentOut(BaseModel):
    resident_id: uuid.UUID
    site_id: str
    name: str
    phones: list[str]
    email: str | None
    preferred_channel: PreferredChannel
    language: Language
    consents_to_sms: bool
    consents_to_email: bool
    updated_at: datetime
    version: int


def resident_out(resident: Resident) -> ResidentOut:
    d = resident.details
    return ResidentOut(
        resident_id=resident.resident_id,
        site_id=resident.site_id,
        name=d.name,
        phones=list(d.phones),
        email=d.email,
        preferred_channel=d.preferred_channel,
        language=d.language,
        consents_to_sms=d.consents_to_sms,
        consents_to_email=d.consents_to_email,
        updated_at=resident.updated_at,
        version=resident.version,
    )


class UnitIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "floor_area_m2": "89.35",
                    "owner_id": "6bdf82a4-9370-55c5-a0f1-6c7d8e9fa0b1",
                    "tenant_ids": [],
                }
            ]
        },
    )
    floor_area_m2: Decimal = Field(
        gt=0, le=100_000, max_digits=8, decimal_places=2, description="Floor area in m²"
    )
    owner_id: uuid.UUID | None = Field(default=None, description="The owner, liable for arrears")
    tenant_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_TENANTS)
    payer_id: uuid.UUID | None = Field(
        default=None, description="Who pays the management fee; the owner when absent"
    )


class UnitOut(BaseModel):
    unit_id: str
    site_id: str
    building: str
    room: str
    floor_area_m2: Decimal
    owner_id: uuid.UUID | None
    tenant_ids: list[uuid.UUID]
    payer_id: uuid.UUID | None = Field(description="Who pays: the named payer, else the owner")
    updated_at: datetime
    version: int


def unit_out(unit: Unit) -> UnitOut:
    people = unit.occupancy
    return UnitOut(
        unit_id=unit.unit_id,
        site_id=unit.site_id,
        building=unit.building,
        room=unit.room,
        floor_area_m2=unit.floor_area_m2,
        owner_id=people.owner_id,
        tenant_ids=list(people.tenant_ids),
        payer_id=people.pays,
        updated_at=unit.updated_at,
        version=unit.version,
    )


@router.post(
    "/residents",
    status_code=status.HTTP_201_CREATED,
    summary="Add a resident to the directory (the same main phone at the site: that resident)",
    responses={200: {"description": "Recorded before with the same details: that resident"}},
)
async def record_resident(
    body: ResidentIn, response: Response, principal: CurrentPrincipal, bus: Bus
) -> ResidentOut:
    principal.require_site(body.site_id)
    resident, created = await bus.handle(RecordResident(body.site_id, body.details()))
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/residents/{resident.resident_id}"
    return resident_out(resident)


@router.put("/residents/{resident_id}", summary="Change a resident's details")
async def update_resident(
    resident_id: uuid.UUID, body: ResidentDetailsIn, principal: CurrentPrincipal, bus: Bus
) -> ResidentOut:
    resident: Resident = await bus.handle(
        UpdateResident(resident_id, body.details(), principal.visible_sites)
    )
    return resident_out(resident)


@router.get("/residents/{resident_id}", summary="One resident")
async def get_resident(
    resident_id: uuid.UUID, reader: Reader, principal: CurrentPrincipal
) -> ResidentOut:
    found = await reader.residents.get(resident_id)
    if found is None or not principal.may_act_for(found.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no resident {resident_id}")
    return resident_out(found)


@router.get("/residents", summary="Residents of the caller's sites, by name, a page at a time")
async def list_residents(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    phone: Annotated[
        str | None, Query(min_length=5, max_length=30, description="Only those with this number")
    ] = None,
) -> Page[ResidentOut]:
    found = await reader.residents.listing(
        sites=principal.visible_sites,
        page=page,
        site_id=site_id,
        phone=_phone(phone, "phone") if phone else None,
    )
    return page_of(found, page, resident_out)


@router.put(
    "/units/{site_id}/{building}/{room}",
    summary="Add or change a unit (栋房号): its floor area and its people",
    responses={201: {"description": "A unit not in the directory before"}},
)
async def record_unit(
    site_id: SiteId,
    building: AddressPart,
    room: AddressPart,
    body: UnitIn,
    response: Response,
    principal: CurrentPrincipal,
    bus: Bus,
) -> UnitOut:
    principal.require_site(site_id)
    unit, created = await bus.handle(
        RecordUnit(
            site_id,
            building,
            room,
            body.floor_area_m2,
            Occupancy(body.owner_id, tuple(body.tenant_ids), body.payer_id),
        )
    )
    if created:
        response.status_code = status.HTTP_201_CREATED
    return unit_out(unit)


@router.get("/units/{site_id}/{building}/{room}", summary="One unit")
async def get_unit(
    site_id: SiteId,
    building: AddressPart,
    room: AddressPart,
    reader: Reader,
    principal: CurrentPrincipal,
) -> UnitOut:
    found = await reader.units.get(unit_id(site_id, building, room))
    if found is None or not principal.may_act_for(found.site_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no unit {building}-{room} at {site_id}")
    return unit_out(found)


@router.get("/units", summary="Units of the caller's sites by building and room, a page at a time")
async def list_units(
    reader: Reader,
    principal: CurrentPrincipal,
    page: Paging,
    site_id: SiteFilter = None,
    building: Annotated[
        str | None, Query(min_length=1, max_length=20, pattern=r"^[\w\-]+$")
    ] = None,
) -> Page[UnitOut]:
    found = await reader.units.listing(
        sites=principal.visible_sites, page=page, site_id=site_id, building=building
    )
    return page_of(found, page, unit_out)


class RecentRequest(BaseModel):
    request_id: uuid.UUID
    request_no: str
    site_id: str
    kind: str
    category: str
    description: str
    registered_at: datetime
    awaiting_answer: bool = Field(description="A first answer or a promised reply is owed")


class CallerOut(BaseModel):
    """Who is calling, from the number the exchange shows."""

    phone: str = Field(description="The number in E.164")
    residents: list[ResidentOut]
    units: list[UnitOut] = Field(description="Where they own or rent")
    recent_requests: list[RecentRequest] = Field(
        description=f"Their latest {RECENT_REQUESTS} requests, the latest first"
    )


def _recent(request: ServiceRequest) -> RecentRequest:
    return RecentRequest(
        request_id=request.request_id,
        request_no=request.request_no,
        site_id=request.site_id,
        kind=request.kind.value,
        category=request.category,
        description=request.description,
        registered_at=request.registered_at,
        awaiting_answer=bool(request.deadlines()),
    )


@router.get(
    "/callers/{phone}",
    summary="Who is calling: the residents with this number, their units and latest requests",
)
async def look_up_caller(
    phone: Annotated[str, Path(min_length=5, max_length=30, examples=["13800138000"])],
    reader: Reader,
    principal: CurrentPrincipal,
) -> CallerOut:
    number = _phone(phone, "phone")
    residents = await reader.residents.with_phone(number, principal.visible_sites)
    units = await reader.units.of_people([r.resident_id for r in residents])
    recent = await reader.requests.of_phone(number, principal.visible_sites, RECENT_REQUESTS)
    return CallerOut(
        phone=number,
        residents=[resident_out(r) for r in residents],
        units=[unit_out(u) for u in units if principal.may_act_for(u.site_id)],
        recent_requests=[_recent(r) for r in recent],
    )


def _phone(raw: str, field: str) -> str:
    try:
        return normalise_phone(raw)
    except HotlineError:
        raise RuleViolation(f"{field} {raw!r} is not a valid phone number", field=field) from None


class ImportReportOut(BaseModel):
    lines: int = Field(description="Lines read (blank ones skipped)")
    added: int
    changed: int
    unchanged: int


TABLE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The list, a header line naming the columns (see the summary)",
        "content": {
            tables.CSV: {
                "schema": {"type": "string"},
                "example": "site_id,name,phone\ndmg,王芳,13800138000\n",
            },
            tables.XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "/directory/imports/{kind}",
    summary=(
        "Import a site's list of residents (columns: "
        + ", ".join(RESIDENT_COLUMNS)
        + ") or units ("
        + ", ".join(UNIT_COLUMNS)
        + ") from CSV or XLSX: every line or none, each fault named by line and column"
    ),
    openapi_extra=TABLE_BODY,
)
async def import_directory(
    kind: Kind, request: Request, principal: CurrentPrincipal, bus: Bus
) -> ImportReportOut:
    media_type = request.headers.get("content-type", "").split(";")[0].strip()
    content = await request.body()
    if len(content) > MAX_UPLOAD:
        raise RuleViolation(
            f"the file is larger than {MAX_UPLOAD // 1024 // 1024} MB", field="body"
        )
    columns = RESIDENT_COLUMNS if kind == "residents" else UNIT_COLUMNS
    lines = tables.read_table(content, media_type, columns)
    for site_id in sorted({line.values["site_id"] for line in lines} - {""}):
        principal.require_site(site_id)  # another site's lines: refused like another site's body
    report: ImportReport = await bus.handle(
        ImportDirectory(kind, tuple(lines), principal.visible_sites)
    )
    return ImportReportOut(**vars(report))


@router.get(
    "/directory/exports/{kind}",
    summary="A site's residents or units as CSV or XLSX, in the columns an import reads",
    response_class=Response,
    responses={
        200: {
            "content": {
                tables.CSV: {"schema": {"type": "string"}},
                tables.XLSX: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
async def export_directory(
    kind: Kind,
    reader: Reader,
    principal: CurrentPrincipal,
    site_id: SiteFilter = None,
    format_: Annotated[Literal["csv", "xlsx"], Query(alias="format")] = "csv",
) -> Response:
    media_type = tables.CSV if format_ == "csv" else tables.XLSX
    columns: tuple[str, ...]
    if kind == "residents":
        residents = await reader.residents.all_of(principal.visible_sites, site_id)
        columns, rows = RESIDENT_COLUMNS, [_resident_row(r) for r in residents]
    else:
        units = await reader.units.all_of(principal.visible_sites, site_id)
        phones = await _main_phones(reader, units)
        columns, rows = UNIT_COLUMNS, [_unit_row(u, phones) for u in units]
    return Response(
        tables.write_table(columns, rows, media_type),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{kind}.{format_}"'},
    )


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _resident_row(resident: Resident) -> list[str]:
    d = resident.details
    return [
        resident.site_id,
        d.name,
        d.phones[0],
        ";".join(d.phones[1:]),
        d.email or "",
        d.preferred_channel.value,
        d.language.value,
        _yes(d.consents_to_sms),
        _yes(d.consents_to_email),
    ]


async def _main_phones(reader: Reader, units: list[Unit]) -> dict[uuid.UUID, str]:
    ids = {
        p
        for u in units
        for p in (u.occupancy.owner_id, u.occupancy.payer_id, *u.occupancy.tenant_ids)
        if p
    }
    found = await reader.residents.many(ids)
    return {r.resident_id: r.details.phones[0] for r in found}


def _unit_row(unit: Unit, phones: dict[uuid.UUID, str]) -> list[str]:
    people = unit.occupancy
    return [
        unit.site_id,
        unit.building,
        unit.room,
        str(unit.floor_area_m2),
        phones.get(people.owner_id, "") if people.owner_id else "",
        ";".join(phones.get(t, "") for t in people.tenant_ids),
        phones.get(people.payer_id, "") if people.payer_id else "",
    ]
