"""A statement's publication → the integration event notification sends the residents."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from contracts.billing import v1
from hotline_libs.ids import derive_id, event_id
from hotline_libs.unit_of_work import EventContext

from billing.adapters.outbound.events_v1 import PRODUCER
from billing.domain import events
from billing.domain.fee_bill import FeeItem
from billing.domain.statement import CATEGORY_NAMES, IncomeStatement
from contracts import Event


def to_integration(
    statement: IncomeStatement, event: Any, context: EventContext
) -> Event[Any] | None:
    if not isinstance(event, events.StatementPublished):
        return None
    figures = statement.figures
    assert figures is not None  # published: submitted, and approved
    assert statement.reviews
    fees = figures.fee(FeeItem.MANAGEMENT_FEE)
    period = statement.period
    by_category = statement.spending_by_category()
    published: v1.IncomeSpendingStatementPublished = v1.IncomeSpendingStatementPublished.build(
        event_id=event_id(v1.IncomeSpendingStatementPublished, statement.statement_id),
        producer=PRODUCER,
        site_id=statement.site_id,
        correlation_id=derive_id("income-statement", statement.statement_id),
        causation_id=context.causation_id,
        occurred_at=event.at,
        aggregate_version=context.aggregate_version,
        payload=v1.IncomeSpendingStatementPublishedPayload(
            statement_id=statement.statement_id,
            period=period.label,
            period_start=period.first_month,
            period_end=period.after - timedelta(days=1),
            fees_billed=fees.billed,
            fees_collected=fees.collected,
            late_fees=figures.late_fees,
            other_income=[
                v1.StatementAmount(label=line.item, amount=line.amount)
                for line in statement.other_income
            ],
            income_total=statement.income_total(figures),
            utilities_collected=figures.fee(FeeItem.WATER).collected
            + figures.fee(FeeItem.ELECTRICITY).collected,
            spending=[
                v1.SpendingByCategory(
                    category=v1.SpendingCategory(category.value),
                    category_name=CATEGORY_NAMES[category],
                    amount=amount,
                    lines=[
                        v1.StatementAmount(label=line.item, amount=line.amount)
                        for line in statement.spending
                        if line.category is category
                    ],
                )
                for category, amount in by_category.items()
            ],
            spending_total=statement.spending_total,
            balance=statement.balance(figures),
            note=statement.note,
            figures_as_of=figures.as_of,
            approved_by=statement.reviews[-1].by,
            published_at=event.at,
        ),
    )
    return published
