"""Sites' month closes in billing's own database: handovers, the records' summary, the issued
financial report (amounts as integer fen) and its reviews."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from billing.domain.month_close import (
    AMOUNT_COLUMNS,
    FinancialFigures,
    Handover,
    IssuedReport,
    MonthClose,
    Receiver,
    RecordsSummary,
    ReportLine,
)
from billing.domain.review import Review
from contracts import Event

MONTH_CLOSES = "month_closes"


def _figures_document(f: FinancialFigures) -> Document:
    return {
        "lines": [
            {
                "category": line.category,
                **{f"{a}_fen": to_fen(getattr(line, a)) for a in AMOUNT_COLUMNS},
            }
            for line in f.lines
        ],
        "rejected": f.rejected,
        "rejected_amount_fen": to_fen(f.rejected_amount),
        "late_fees_fen": to_fen(f.late_fees),
        "fee_bills": f.fee_bills,
        "fees_due_fen": to_fen(f.fees_due),
        "fees_collected_fen": to_fen(f.fees_collected),
        "collection_rate": str(f.collection_rate) if f.collection_rate is not None else None,
    }


def _figures(d: Document) -> FinancialFigures:
    return FinancialFigures(
        lines=tuple(
            ReportLine(line["category"], *(from_fen(line[f"{a}_fen"]) for a in AMOUNT_COLUMNS))
            for line in d["lines"]
        ),
        rejected=d["rejected"],
        rejected_amount=from_fen(d["rejected_amount_fen"]),
        late_fees=from_fen(d["late_fees_fen"]),
        fee_bills=d["fee_bills"],
        fees_due=from_fen(d["fees_due_fen"]),
        fees_collected=from_fen(d["fees_collected_fen"]),
        collection_rate=Decimal(d["collection_rate"]) if d.get("collection_rate") else None,
    )


class MongoMonthCloses(AggregateRepository[MonthClose]):
    collection_name = MONTH_CLOSES

    def identity(self, aggregate: MonthClose) -> str:
        return aggregate.close_id

    def to_document(self, aggregate: MonthClose) -> Document:
        c = aggregate
        return {
            "site_id": c.site_id,
            "month": c.month.isoformat(),
            "time_zone": c.time_zone,
            "handovers": [
                {
                    "day": h.day.isoformat(),
                    "receiver": h.receiver.value,
                    "received_by": h.received_by,
                    "records": h.records,
                    "handed_by": h.handed_by,
                    "handed_at": h.handed_at,
                    "late": h.late,
                }
                for h in c.handovers
            ],
            "summary": {
                "by": c.summary.by,
                "at": c.summary.at,
                "records": c.summary.records,
                "note": c.summary.note,
                "late": c.summary.late,
            }
            if c.summary
            else None,
            "summary_overdue_at": c.summary_overdue_at,
            "report": {
                "figures": _figures_document(c.report.figures),
                "issued_by": c.report.issued_by,
                "issued_at": c.report.issued_at,
            }
            if c.report
            else None,
            "reviews": [
                {"by": r.by, "at": r.at, "approved": r.approved, "note": r.note} for r in c.reviews
            ],
        }

    def from_document(self, document: Document) -> MonthClose:
        summary, report = document.get("summary"), document.get("report")
        return MonthClose(
            site_id=document["site_id"],
            month=date.fromisoformat(document["month"]),
            time_zone=document["time_zone"],
            handovers=tuple(
                Handover(
                    day=date.fromisoformat(h["day"]),
                    receiver=Receiver(h["receiver"]),
                    received_by=h["received_by"],
                    records=dict(h["records"]),
                    handed_by=h["handed_by"],
                    handed_at=h["handed_at"],
                    late=h["late"],
                )
                for h in document.get("handovers") or ()
            ),
            summary=RecordsSummary(**summary) if summary else None,
            summary_overdue_at=document.get("summary_overdue_at"),
            report=IssuedReport(
                _figures(report["figures"]), report["issued_by"], report["issued_at"]
            )
            if report
            else None,
            reviews=tuple(Review(**r) for r in document.get("reviews") or ()),
        )

    def to_integration(
        self, aggregate: MonthClose, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return None  # read on billing's API and the finance screens
