"""Price lists (特约服务项目价格表): what finance reads and corrects."""

from __future__ import annotations

from decimal import Decimal

from contracts.envelope import Money
from fastapi import APIRouter, HTTPException, status
from hotline_libs.auth import CurrentPrincipal
from hotline_libs.inputs import SHOWS_TEXT
from hotline_libs.money import PositiveAmount
from hotline_libs.service import Bus
from pydantic import BaseModel, ConfigDict, Field

from billing.domain.commands import SetPriceListItem
from billing.domain.price_list import PriceItem, PriceList
from billing.entrypoints.http import Reader

router = APIRouter(tags=["price lists"])


class PriceItemOut(BaseModel):
    item_code: str
    name: str
    unit: str
    unit_price: Money


class PriceItemIn(BaseModel):
    """An item as finance enters it; the price is per unit, in yuan, as a decimal string."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"name": "更换水龙头", "unit": "次", "unit_price": "80.00"}]
        },
    )
    name: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=100, examples=["更换水龙头"])
    unit: str = Field(min_length=1, pattern=SHOWS_TEXT, max_length=10, examples=["次"])
    unit_price: PositiveAmount


def _items(price_list: PriceList) -> list[PriceItemOut]:
    return [
        PriceItemOut(item_code=i.item_code, name=i.name, unit=i.unit, unit_price=i.unit_price)
        for i in sorted(price_list.items.values(), key=lambda i: i.item_code)
    ]


@router.get("/price-lists/{site_id}", summary="A site's paid-service prices")
async def get_price_list(
    site_id: str, reader: Reader, principal: CurrentPrincipal
) -> list[PriceItemOut]:
    principal.require_site(site_id)
    price_list = await reader.price_lists.get(site_id)
    if price_list is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"site {site_id!r} has no price list")
    return _items(price_list)


@router.put(
    "/price-lists/{site_id}/items/{item_code}",
    summary="Add or correct a price-list item; charges waiting for it are priced at once",
)
async def set_price_list_item(
    site_id: str, item_code: str, body: PriceItemIn, principal: CurrentPrincipal, bus: Bus
) -> list[PriceItemOut]:
    principal.require_site(site_id)
    if not 1 <= len(item_code) <= 40:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY, "item_code must be 1 to 40 characters"
        )
    price_list = await bus.handle(
        SetPriceListItem(
            site_id=site_id,
            item=PriceItem(item_code, body.name, body.unit, Decimal(body.unit_price)),
        )
    )
    return _items(price_list)
