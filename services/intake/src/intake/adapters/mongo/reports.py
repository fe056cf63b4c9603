"""The monthly reports' sign-offs, and what the reports count."""

from __future__ import annotations

from typing import Any

from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from contracts import Event
from intake.adapters.outbound import events_v1
from intake.domain.monthly_report import ReportSignOffs, SignOff, Stage

REPORT_SIGNOFFS = "report_signoffs"


class MongoReportSignOffs(AggregateRepository[ReportSignOffs]):
    collection_name = REPORT_SIGNOFFS

    def identity(self, aggregate: ReportSignOffs) -> str:
        return aggregate.report_id

    def to_document(self, aggregate: ReportSignOffs) -> Document:
        return {
            "site_id": aggregate.site_id,
            "month": aggregate.month,
            "signoffs": [
                {"stage": s.stage.value, "by": s.by, "at": s.at} for s in aggregate.signoffs
            ],
        }

    def from_document(self, document: Document) -> ReportSignOffs:
        return ReportSignOffs(
            site_id=document["site_id"],
            month=document["month"],
            signoffs=tuple(
                SignOff(Stage(s["stage"]), s["by"], s["at"]) for s in document["signoffs"]
            ),
        )

    def to_integration(
        self, aggregate: ReportSignOffs, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return events_v1.monthly_report_approved(aggregate, event, context)
