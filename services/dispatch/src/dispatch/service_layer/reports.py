"""A site's month of work orders in figures, read from dispatch's own store, and the monthly
report each site sends its departments and the company's leaders once the month is over."""

from __future__ import annotations

from hotline_libs.aggregate import is_due
from hotline_libs.working_calendars import Calendars, KeepSitePlace, keep_site_place
from hotline_libs.working_days import month_bounds, time_zone

from dispatch.domain.commands import ReportDeadlineReached
from dispatch.domain.monthly_report import reporting_from
from dispatch.domain.report import MonthOfWork, month_of_work
from dispatch.service_layer.unit_of_work import DispatchUnitOfWork, WorkOrderRepository


async def month_figures(
    work_orders: WorkOrderRepository, calendars: Calendars, site_id: str, month: str
) -> MonthOfWork:
    """The figures of the site's work orders made in ``month`` (``YYYY-MM``) of the site's own
    time zone."""
    zone = time_zone((await calendars.day_of(site_id)).zone)
    start, end = month_bounds(month, zone)
    return month_of_work(await work_orders.created_between(site_id, start, end))


async def report_deadline_reached(command: ReportDeadlineReached, uow: DispatchUnitOfWork) -> None:
    """A site's month is over: its figures are reported (once, whichever replica is first)."""
    reporting = await uow.monthly_reports.get(command.site_id)
    now = uow.clock()
    if reporting is None or not is_due(reporting, command.deadline, now):
        return
    month = reporting.month
    reporting.report(
        await month_figures(uow.work_orders, uow.calendars, reporting.site_id, month), now
    )
    await uow.commit()


async def keep_site(command: KeepSitePlace, uow: DispatchUnitOfWork) -> bool:
    """Keep a site's place and shifts as intake published them; a site seen for the first time
    starts being reported monthly from its current month."""
    kept = await keep_site_place(command, uow)
    reporting = await uow.monthly_reports.get(command.site_id)
    if reporting is None:
        uow.monthly_reports.add(reporting_from(command.site_id, command.time_zone, uow.clock()))
    elif reporting.zone != command.time_zone and kept:
        reporting.zone = command.time_zone
    await uow.commit()
    return kept
