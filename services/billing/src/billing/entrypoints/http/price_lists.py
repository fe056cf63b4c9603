"""Price lists (特约服务项目价格表): what finance reads and corrects."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from contracts.envelope import Money
from fastapi import APIRouter, HTTPException, Path, Query, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT, SiteInPath
from hotline_libs.money import PositiveAmount
from hotline_libs.paging import IsoDateTime
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from billing.domain.commands import SchedulePriceList, SetPriceListItem
from billing.domain.price_list import ItemKind, PriceItem, PriceList, PriceListVersion
from billing.entrypoints.http import Reader

router = APIRouter(tags=["price lists"])

SiteId = SiteInPath
ItemCode = Annotated[str, Path(min_length=1, max_length=40, pattern=SHOWS_TEXT)]


class PriceItemOut(BaseModel):
    item_code: str
    name: str = Field(description="As printed on the list and the receipt (Chinese)")
    name_en: str | None
    unit: str
    unit_price: Money
    kind: ItemKind


class PriceItemIn(BaseModel):
    """An item as finance enters it; the price is per unit, in yuan, as a decimal string."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "更换水龙头",
                    "name_en": "Tap replacement",
                    "unit": "次",
                    "unit_price": "80.00",
                    "kind": "special_paid",
                }
            ]
        },
    )
    name: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=100, examples=["更换水龙头"])
    name_en: str | None = Field(
        default=None, min_length=1, pattern=SHOWS_TEXT, max_length=100, examples=["Tap replacement"]
    )
    unit: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=10, examples=["次"])
    unit_price: PositiveAmount
    kind: ItemKind = Field(
        default=ItemKind.SPECIAL_PAID,
        description="routine (in the management fee), special_paid (特约服务) or business",
    )


class VersionItemIn(PriceItemIn):
    item_code: str = Field(min_length=1, max_length=40, pattern=SHOWS_TEXT, examples=["RP-TAP"])


class VersionIn(BaseModel):
    """A whole new version of the list, in effect from a moment (now or later)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "effective_from": "2027-01-01T00:00:00+08:00",
                    "approval_ref": "西物价备〔2026〕203号",
                    "items": [
                        {
                            "item_code": "RP-TAP",
                            "name": "更换水龙头",
                            "unit": "次",
                            "unit_price": "85.00",
                        }
                    ],
                }
            ]
        },
    )
    effective_from: IsoDateTime = Field(description="When it takes effect: now or later")
    approval_ref: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        pattern=SHOWS_TEXT,
        description="The reference of the rates' approval or filing (BIL-03, BIL-04)",
        examples=["西物价备〔2026〕203号"],
    )
    items: list[VersionItemIn] = Field(min_length=1, max_length=500)


class VersionOut(BaseModel):
    number: int
    effective_from: datetime
    approval_ref: str | None
    recorded_at: datetime
    recorded_by: str | None
    in_effect: bool = Field(description="The version in effect now")
    items: list[PriceItemOut]


class PriceListOut(BaseModel):
    site_id: str
    versions: list[VersionOut] = Field(description="Oldest first; later ones may be scheduled")


def _item_out(i: PriceItem) -> PriceItemOut:
    return PriceItemOut(
        item_code=i.item_code,
        name=i.name,
        name_en=i.name_en,
        unit=i.unit,
        unit_price=i.unit_price,
        kind=i.kind,
    )


def _items(version: PriceListVersion | None) -> list[PriceItemOut]:
    if version is None:
        return []
    return [_item_out(i) for i in sorted(version.items.values(), key=lambda i: i.item_code)]


def _versions(price_list: PriceList, now: datetime) -> PriceListOut:
    current = price_list.in_effect(now)
    return PriceListOut(
        site_id=price_list.site_id,
        versions=[
            VersionOut(
                number=v.number,
                effective_from=v.effective_from,
                approval_ref=v.approval_ref,
                recorded_at=v.recorded_at,
                recorded_by=v.recorded_by,
                in_effect=current is not None and v.number == current.number,
                items=_items(v),
            )
            for v in price_list.versions
        ],
    )


@router.get(
    "/price-lists/{site_id}",
    summary="A site's paid-service prices in effect (at a moment, now by default)",
)
async def get_price_list(
    site_id: SiteId,
    reader: Reader,
    principal: CurrentPrincipal,
    at: Annotated[IsoDateTime | None, Query(description="The moment asked about")] = None,
) -> list[PriceItemOut]:
    principal.require_site(site_id)
    price_list = await reader.price_lists.get(site_id)
    version = price_list.in_effect(at or reader.clock()) if price_list else None
    if version is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"site {site_id!r} has no price list")
    return _items(version)


@router.get(
    "/price-lists/{site_id}/versions",
    summary="Every version of a site's price list, with when each takes effect and its approval",
)
async def get_price_list_versions(
    site_id: SiteId, reader: Reader, principal: CurrentPrincipal
) -> PriceListOut:
    principal.require_site(site_id)
    price_list = await reader.price_lists.get(site_id)
    if price_list is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"site {site_id!r} has no price list")
    return _versions(price_list, reader.clock())


@router.post(
    "/price-lists/{site_id}/versions",
    status_code=status.HTTP_201_CREATED,
    summary="Schedule a whole new version of the list, in effect from a moment (now or later)",
    responses={409: {"description": "A version taking effect later exists"}},
)
async def schedule_price_list(
    site_id: SiteId, body: VersionIn, reader: Reader, principal: CurrentPrincipal, bus: Bus
) -> PriceListOut:
    principal.require_site(site_id)
    codes = [item.item_code for item in body.items]
    doubled = sorted({code for code in codes if codes.count(code) > 1})
    if doubled:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY, f"items {doubled} are listed more than once"
        )
    price_list = await bus.handle(
        SchedulePriceList(
            site_id=site_id,
            items=tuple(
                PriceItem(
                    i.item_code,
                    i.name,
                    i.unit,
                    Decimal(i.unit_price),
                    name_en=i.name_en,
                    kind=i.kind,
                )
                for i in body.items
            ),
            effective_from=body.effective_from,
            approval_ref=body.approval_ref,
            recorded_by=principal.who,
        )
    )
    return _versions(price_list, reader.clock())


@router.put(
    "/price-lists/{site_id}/items/{item_code}",
    summary="Add or correct a price-list item, in effect at once (a new version under the same "
    "approval); charges waiting for it are priced at once",
    responses={409: {"description": "A version taking effect later exists"}},
)
async def set_price_list_item(
    site_id: SiteId, item_code: ItemCode, body: PriceItemIn, principal: CurrentPrincipal, bus: Bus
) -> list[PriceItemOut]:
    principal.require_site(site_id)
    price_list = await bus.handle(
        SetPriceListItem(
            site_id=site_id,
            item=PriceItem(
                item_code,
                body.name,
                body.unit,
                Decimal(body.unit_price),
                name_en=body.name_en,
                kind=body.kind,
            ),
            recorded_by=principal.who,
        )
    )
    return _items(price_list.latest)
