"""Each site's monthly reporting in dispatch's own database (one document per site)."""

from __future__ import annotations

from typing import Any

from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from contracts import Event
from dispatch.adapters.outbound.reports_v1 import month_reported
from dispatch.domain.monthly_report import MonthlyReporting

MONTHLY_REPORTS = "monthly_reports"


class MongoMonthlyReports(AggregateRepository[MonthlyReporting]):
    collection_name = MONTHLY_REPORTS

    def identity(self, aggregate: MonthlyReporting) -> str:
        return aggregate.site_id

    def to_document(self, aggregate: MonthlyReporting) -> Document:
        return {
            "zone": aggregate.zone,
            "month": aggregate.month,
            "reported": list(aggregate.reported),
        }

    def from_document(self, document: Document) -> MonthlyReporting:
        return MonthlyReporting(
            site_id=document["_id"],
            zone=document["zone"],
            month=document["month"],
            reported=list(document.get("reported", [])),
        )

    def to_integration(
        self, aggregate: MonthlyReporting, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return month_reported(aggregate, event, context)
