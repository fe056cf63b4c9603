"""Sites' own request catalogues (a site without one uses the manual's)."""

from __future__ import annotations

from typing import Any

from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from contracts import Event
from intake.adapters.outbound import directory_v1
from intake.domain.boards import RequestKind
from intake.domain.catalogue import Catalogue, CatalogueItem, ServiceClass

CATALOGUES = "catalogues"


class MongoCatalogues(AggregateRepository[Catalogue]):
    collection_name = CATALOGUES

    def identity(self, aggregate: Catalogue) -> str:
        return aggregate.site_id

    def to_document(self, aggregate: Catalogue) -> Document:
        return {
            "boards": {
                kind.value: [
                    {
                        "code": i.code,
                        "name_zh": i.name_zh,
                        "name_en": i.name_en,
                        "service_class": i.service_class.value,
                        "active": i.active,
                    }
                    for i in items
                ]
                for kind, items in aggregate.items.items()
            },
            "changed_by": aggregate.changed_by,
            "changed_at": aggregate.changed_at,
        }

    def from_document(self, document: Document) -> Catalogue:
        return Catalogue(
            site_id=document["_id"],
            items={
                RequestKind(kind): tuple(
                    CatalogueItem(
                        code=i["code"],
                        name_zh=i["name_zh"],
                        name_en=i["name_en"],
                        service_class=ServiceClass(i["service_class"]),
                        active=i["active"],
                    )
                    for i in items
                )
                for kind, items in document["boards"].items()
            },
            changed_by=document.get("changed_by", ""),
            changed_at=document.get("changed_at"),
        )

    def to_integration(
        self, aggregate: Catalogue, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return directory_v1.catalogue_recorded(aggregate, event, context)
