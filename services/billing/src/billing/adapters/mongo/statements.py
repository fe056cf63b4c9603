"""Sites' income and spending statements in billing's own database (amounts as integer fen)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hotline_libs.money import from_fen, to_fen
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from billing.adapters.outbound import statements_v1
from billing.domain.fee_bill import FeeItem
from billing.domain.review import Review
from billing.domain.statement import (
    FeeIncome,
    IncomeLine,
    IncomeStatement,
    SpendingCategory,
    SpendingLine,
    StatementFigures,
    period_of,
)
from contracts import Event

STATEMENTS = "income_statements"


def _figures_document(f: StatementFigures) -> Document:
    return {
        "fees": [
            {
                "item": fee.item.value,
                "billed_fen": to_fen(fee.billed),
                "collected_fen": to_fen(fee.collected),
            }
            for fee in f.fees
        ],
        "late_fees_fen": to_fen(f.late_fees),
        "bills": f.bills,
        "as_of": f.as_of,
    }


def _figures(d: Document) -> StatementFigures:
    as_of: datetime = d["as_of"]
    return StatementFigures(
        fees=tuple(
            FeeIncome(
                FeeItem(fee["item"]), from_fen(fee["billed_fen"]), from_fen(fee["collected_fen"])
            )
            for fee in d["fees"]
        ),
        late_fees=from_fen(d["late_fees_fen"]),
        bills=d["bills"],
        as_of=as_of,
    )


class MongoStatements(AggregateRepository[IncomeStatement]):
    collection_name = STATEMENTS

    def identity(self, aggregate: IncomeStatement) -> str:
        return aggregate.statement_id

    def to_document(self, aggregate: IncomeStatement) -> Document:
        s = aggregate
        return {
            "site_id": s.site_id,
            "period": s.period.label,
            "first_month": s.period.first_month.isoformat(),
            "time_zone": s.time_zone,
            "spending": [
                {
                    "category": line.category.value,
                    "item": line.item,
                    "amount_fen": to_fen(line.amount),
                }
                for line in s.spending
            ],
            "other_income": [
                {"item": line.item, "amount_fen": to_fen(line.amount)} for line in s.other_income
            ],
            "note": s.note,
            "prepared_by": s.prepared_by,
            "prepared_at": s.prepared_at,
            "figures": _figures_document(s.figures) if s.figures else None,
            "submitted_by": s.submitted_by,
            "submitted_at": s.submitted_at,
            "reviews": [
                {"by": r.by, "at": r.at, "approved": r.approved, "note": r.note} for r in s.reviews
            ],
            "published_at": s.published_at,
        }

    def from_document(self, document: Document) -> IncomeStatement:
        figures = document.get("figures")
        return IncomeStatement(
            site_id=document["site_id"],
            period=period_of(document["period"]),
            time_zone=document["time_zone"],
            spending=tuple(
                SpendingLine(
                    SpendingCategory(line["category"]), line["item"], from_fen(line["amount_fen"])
                )
                for line in document["spending"]
            ),
            other_income=tuple(
                IncomeLine(line["item"], from_fen(line["amount_fen"]))
                for line in document.get("other_income") or ()
            ),
            note=document.get("note"),
            prepared_by=document["prepared_by"],
            prepared_at=document["prepared_at"],
            figures=_figures(figures) if figures else None,
            submitted_by=document.get("submitted_by"),
            submitted_at=document.get("submitted_at"),
            reviews=tuple(Review(**r) for r in document.get("reviews") or ()),
            published_at=document.get("published_at"),
        )

    def to_integration(
        self, aggregate: IncomeStatement, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return statements_v1.to_integration(aggregate, event, context)

    async def of_site(self, site_id: str) -> list[IncomeStatement]:
        """The site's statements, the latest period first (for reading)."""
        return await self.find({"site_id": site_id}, sort=[("first_month", -1), ("period", 1)])
