"""A site's month of work orders in figures, read from dispatch's own store."""

from __future__ import annotations

from hotline_libs.ids import SITE_TIME_ZONE
from hotline_libs.working_days import month_bounds

from dispatch.domain.report import MonthOfWork, month_of_work
from dispatch.service_layer.unit_of_work import WorkOrderRepository


async def month_figures(work_orders: WorkOrderRepository, site_id: str, month: str) -> MonthOfWork:
    """The figures of the site's work orders made in ``month`` (``YYYY-MM``), in China time as
    the work orders' serials are (dispatch does not keep the sites' own time zones yet)."""
    start, end = month_bounds(month, SITE_TIME_ZONE)
    return month_of_work(await work_orders.created_between(site_id, start, end))
