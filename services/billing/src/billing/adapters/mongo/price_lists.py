"""Price lists in billing's own database, one document per site with all its versions; prices
as integer fen. A list stored before versions (``items`` at the top) reads as its version 1."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from billing.adapters.outbound import events_v1
from billing.domain.price_list import ItemKind, PriceItem, PriceList, PriceListVersion
from contracts import Event

PRICE_LISTS = "price_lists"
SINCE_EVER = datetime(2000, 1, 1, tzinfo=UTC)
"""When a list stored before versions took effect: before any charge."""


def _item_document(i: PriceItem) -> Document:
    return {
        "item_code": i.item_code,
        "name": i.name,
        "name_en": i.name_en,
        "unit": i.unit,
        "unit_price_fen": to_fen(i.unit_price),
        "kind": i.kind.value,
    }


def _item(document: Document) -> PriceItem:
    return PriceItem(
        document["item_code"],
        document["name"],
        document["unit"],
        from_fen(document["unit_price_fen"]),
        name_en=document.get("name_en"),
        kind=ItemKind(document.get("kind", ItemKind.SPECIAL_PAID.value)),
    )


class MongoPriceLists(AggregateRepository[PriceList]):
    collection_name = PRICE_LISTS

    def identity(self, aggregate: PriceList) -> str:
        return aggregate.site_id

    def to_document(self, aggregate: PriceList) -> Document:
        return {
            "versions": [
                {
                    "number": v.number,
                    "effective_from": v.effective_from,
                    "approval_ref": v.approval_ref,
                    "recorded_at": v.recorded_at,
                    "recorded_by": v.recorded_by,
                    "items": [
                        _item_document(i)
                        for i in sorted(v.items.values(), key=lambda i: i.item_code)
                    ],
                }
                for v in aggregate.versions
            ],
            "announced": aggregate.announced,
        }

    def from_document(self, document: Document) -> PriceList:
        if "versions" not in document:  # stored before versions: one version, in effect always
            items = {i["item_code"]: _item(i) for i in document.get("items", [])}
            recorded_at = document.get("recorded_at")
            version = PriceListVersion(1, SINCE_EVER, items, None, recorded_at or SINCE_EVER)
            return PriceList(document["_id"], [version], announced=1 if recorded_at else 0)
        return PriceList(
            site_id=document["_id"],
            versions=[
                PriceListVersion(
                    number=v["number"],
                    effective_from=v["effective_from"],
                    items={i["item_code"]: _item(i) for i in v["items"]},
                    approval_ref=v.get("approval_ref"),
                    recorded_at=v["recorded_at"],
                    recorded_by=v.get("recorded_by"),
                )
                for v in document["versions"]
            ],
            announced=document.get("announced", 0),
        )

    def to_integration(
        self, aggregate: PriceList, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return events_v1.price_list_recorded(aggregate, event, context)

    async def never_published(self) -> list[PriceList]:
        """Lists whose version in effect was never announced (stored before billing announced
        its price lists, or seeded)."""
        return await self.find(
            {"$or": [{"announced": 0}, {"announced": {"$exists": False}}]}, track=True
        )
