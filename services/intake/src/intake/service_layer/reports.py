"""The monthly report: a site's month counted per board, and its sign-offs."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hotline_libs.working_days import month_bounds

from intake.domain.boards import RequestKind
from intake.domain.commands import SignMonthlyReport
from intake.domain.monthly_report import (
    BoardFigures,
    ReportSignOffs,
    Stage,
    count,
)
from intake.domain.site import Site
from intake.service_layer.unit_of_work import (
    IntakeUnitOfWork,
    ServiceRequestRepository,
    Timeline,
    served_site,
)


async def month_figures(
    requests: ServiceRequestRepository, timeline: Timeline, site: Site, month: str
) -> dict[RequestKind, BoardFigures]:
    """Each board's figures for the site's month ``YYYY-MM``, in its own time zone."""
    start, end = month_bounds(month, ZoneInfo(site.time_zone))
    registered = await requests.registered_between(site.site_id, start, end)
    late = await timeline.requests_with(
        "WorkOrderDispatchOverdue", [str(r.request_id) for r in registered]
    )
    return count(registered, late)


async def sign_monthly_report(command: SignMonthlyReport, uow: IntakeUnitOfWork) -> ReportSignOffs:
    """Prepared, reviewed, approved: in that order, each by another person. The approval
    publishes the figures as they stand then."""
    site = await served_site(uow, command.site_id)
    report = await uow.report_signoffs.get(f"{command.site_id}:{command.month}")
    if report is None:
        report = ReportSignOffs(command.site_id, command.month)
        uow.report_signoffs.add(report)
    figures = (
        await month_figures(uow.requests, uow.timeline, site, command.month)
        if command.stage is Stage.APPROVED
        else None
    )
    report.sign(command.stage, command.by, uow.clock(), figures)
    await uow.commit()
    return report
