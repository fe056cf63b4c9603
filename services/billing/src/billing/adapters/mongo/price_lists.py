"""Price lists in billing's own database, one document per site; prices as integer fen."""

from __future__ import annotations

from typing import Any

from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from billing.adapters.outbound import events_v1
from billing.domain.price_list import PriceItem, PriceList
from contracts import Event

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
            "recorded_at": aggregate.recorded_at,
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
            recorded_at=document.get("recorded_at"),
        )

    def to_integration(
        self, aggregate: PriceList, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return events_v1.price_list_recorded(aggregate, event, context)

    async def never_published(self) -> list[PriceList]:
        """Lists stored before billing published its price lists."""
        return await self.find({"recorded_at": None}, track=True)
