"""Price lists in billing's own database, one document per site; prices as integer fen."""

from __future__ import annotations

from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository

from billing.domain.price_list import PriceItem, PriceList

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
            ]
        }

    def from_document(self, document: Document) -> PriceList:
        return PriceList(
            site_id=document["_id"],
            items={
                item["item_code"]: PriceItem(
                    item["item_code"], item["name"], item["unit"], from_fen(item["unit_price_fen"])
                )
                for item in document["items"]
            },
        )
