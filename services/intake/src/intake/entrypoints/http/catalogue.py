"""A site's request catalogue: the items of each board, read by anyone who registers or reads
requests, changed by the site's administrator or manager (TAX-01..TAX-08, X2)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from contracts.envelope import Money
from fastapi import APIRouter, Path
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.errors import NotFound
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.boards import RequestKind
from intake.domain.catalogue import (
    CODE,
    MAX_NAME,
    Catalogue,
    CatalogueItem,
    ServiceClass,
    manual_catalogue,
)
from intake.domain.commands import PutCatalogueItem
from intake.domain.price_list import PriceList
from intake.entrypoints.http import Reader

router = APIRouter(tags=["sites"])

SiteId = Annotated[str, Path(min_length=1, max_length=40, pattern=SHOWS_TEXT, examples=["dmg"])]
Code = Annotated[str, Path(pattern=CODE.pattern, examples=["water_heater"])]


class CatalogueItemIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name_zh": "热水器维修",
                    "name_en": "Water heater repair",
                    "service_class": "paid",
                    "active": True,
                }
            ]
        },
    )
    name_zh: str = Field(min_length=1, max_length=MAX_NAME, pattern=SHOWS_TEXT)
    name_en: str = Field(min_length=1, max_length=MAX_NAME, pattern=SHOWS_TEXT)
    service_class: ServiceClass = Field(
        default=ServiceClass.ROUTINE,
        description="routine (in the management fee), paid (the site's price list) or business",
    )
    active: bool = Field(default=True, description="false: retired, kept for past requests")


class CatalogueItemOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    service_class: ServiceClass
    active: bool


class CatalogueOut(BaseModel):
    site_id: str
    boards: dict[RequestKind, list[CatalogueItemOut]] = Field(
        description="Each board's items, retired ones included (active: false)"
    )
    changed_by: str | None = Field(description="Who last changed it; none: the manual's")
    changed_at: datetime | None


def catalogue_out(catalogue: Catalogue) -> CatalogueOut:
    return CatalogueOut(
        site_id=catalogue.site_id,
        boards={
            kind: [CatalogueItemOut(**vars(item)) for item in items]
            for kind, items in catalogue.items.items()
        },
        changed_by=catalogue.changed_by or None,
        changed_at=catalogue.changed_at,
    )


@router.get(
    "/sites/{site_id}/catalogue",
    summary="A site's request catalogue: each board's items, routine, paid or business",
)
async def get_catalogue(
    site_id: SiteId, reader: Reader, principal: CurrentPrincipal
) -> CatalogueOut:
    if not principal.may_act_for(site_id) or await reader.sites.get(site_id) is None:
        raise NotFound(f"no site {site_id!r}")
    return catalogue_out(await reader.catalogues.get(site_id) or manual_catalogue(site_id))


class PricedItemOut(BaseModel):
    item_code: str
    name: str
    unit: str
    unit_price: Money


class PriceListOut(BaseModel):
    site_id: str
    items: list[PricedItemOut] = Field(
        description="What a paid request may name (requested_items), ordered by code; empty "
        "until billing has published the site's list"
    )
    recorded_at: datetime | None = Field(description="When billing recorded this version")


@router.get(
    "/sites/{site_id}/price-list",
    summary="The site's price list as billing last published it: what a paid request names "
    "(特约服务项目价格表)",
)
async def get_price_list(
    site_id: SiteId, reader: Reader, principal: CurrentPrincipal
) -> PriceListOut:
    if not principal.may_act_for(site_id) or await reader.sites.get(site_id) is None:
        raise NotFound(f"no site {site_id!r}")
    price_list = await reader.price_lists.get(site_id) or PriceList(site_id)
    return PriceListOut(
        site_id=site_id,
        items=[
            PricedItemOut(**vars(item))
            for item in sorted(price_list.items.values(), key=lambda i: i.item_code)
        ],
        recorded_at=price_list.recorded_at,
    )


@router.put(
    "/sites/{site_id}/catalogue/{kind}/{code}",
    summary="Add an item to a board of the site's catalogue, or rename, reclassify or retire one",
)
async def put_catalogue_item(
    site_id: SiteId,
    kind: RequestKind,
    code: Code,
    body: CatalogueItemIn,
    principal: CurrentPrincipal,
    bus: Bus,
) -> CatalogueOut:
    principal.require_site(site_id)
    catalogue, _ = await bus.handle(
        PutCatalogueItem(
            site_id=site_id,
            kind=kind,
            item=CatalogueItem(
                code=code,
                name_zh=body.name_zh,
                name_en=body.name_en,
                service_class=body.service_class,
                active=body.active,
            ),
            by=principal.subject,
        )
    )
    return catalogue_out(catalogue)
