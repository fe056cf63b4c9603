"""The sites' price lists as billing published them (intake's copy); prices as integer fen."""

from __future__ import annotations

from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository

from intake.domain.price_list import PricedItem, PriceList

PRICE_LISTS = "price_lists"


class MongoPriceLists(AggregateRepository[PriceList]):
    collection_name = PRICE_LISTS

    def identity(self, aggregate: PriceList) -> str:
        return aggregate.site_id

    def to_document(self, aggregate: PriceList) -> Document:
        return {
            "items": [
                {
                    "item_code": i.item_code,
                    "name": i.name,
                    "unit": i.unit,
                    "unit_price_fen": to_fen(i.unit_price),
                }
                for i in sorted(aggregate.items.values(), key=lambda i: i.item_code)
            ],
            "source_version": aggregate.source_version,
            "recorded_at": aggregate.recorded_at,
        }

    def from_document(self, document: Document) -> PriceList:
        return PriceList(
            site_id=document["_id"],
            items={
                i["item_code"]: PricedItem(
                    i["item_code"], i["name"], i["unit"], from_fen(i["unit_price_fen"])
                )
                for i in document["items"]
            },
            source_version=document["source_version"],
            recorded_at=document.get("recorded_at"),
        )
