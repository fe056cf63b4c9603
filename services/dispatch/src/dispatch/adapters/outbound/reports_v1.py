"""A site's month reported → ``WorkOrderMonthReported`` (``dispatch.reports``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from contracts.dispatch import v1
from hotline_libs.ids import derive_id, event_id
from hotline_libs.unit_of_work import EventContext

from contracts import Event
from dispatch.domain import events
from dispatch.domain.monthly_report import MonthlyReporting


def month_reported(
    reporting: MonthlyReporting, event: Any, context: EventContext
) -> Event[Any] | None:
    if not isinstance(event, events.MonthReported):
        return None
    month_of = event.figures
    key = f"{event.site_id}:{event.month}"
    reported: v1.WorkOrderMonthReported = v1.WorkOrderMonthReported.build(
        # one per site and month: a retried save publishes the same event again
        event_id=event_id(v1.WorkOrderMonthReported, key),
        producer="dispatch",
        site_id=event.site_id,
        correlation_id=derive_id("work-order-month", key),
        causation_id=context.causation_id,
        occurred_at=event.reported_at,
        aggregate_version=context.aggregate_version,
        payload=v1.WorkOrderMonthReportedPayload(
            month=event.month,
            site=v1.WorkFigures(**asdict(month_of.site)),
            by_trade={k: v1.WorkFigures(**asdict(v)) for k, v in month_of.by_trade.items()},
            by_technician=[
                v1.TechnicianMonth(
                    technician_id=technician_id,
                    name=month_of.technician_names.get(technician_id, technician_id),
                    figures=v1.WorkFigures(**asdict(figures)),
                )
                for technician_id, figures in month_of.by_technician.items()
            ],
            reported_at=event.reported_at,
        ),
    )
    return reported
