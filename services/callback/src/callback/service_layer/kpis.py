"""A site's callback KPIs of a month, from its callbacks, rectifications and spot checks."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from hotline_libs.errors import Conflict, NotFound

from callback.domain.commands import (
    ApproveKpiReport,
    DrawSpotChecks,
    PrepareKpiReport,
    RecordSpotCheck,
    ReviewKpiReport,
)
from callback.domain.kpis import Kpi, KpiReport, SignOff, Surveyed, month_kpis, month_over
from callback.domain.spot_check import SpotCheck
from callback.service_layer.policy import policy_in_force


def month_bounds(month: str, zone: Any) -> tuple[datetime, datetime]:
    """The first moment of ``month`` and of the next, in the site's time zone."""
    first = date.fromisoformat(f"{month}-01")
    next_first = (first + timedelta(days=32)).replace(day=1)
    return (
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(next_first, time(0), tzinfo=zone),
    )


async def kpis_now(uow: Any, site_id: str, month: str) -> list[Kpi]:
    """The month's KPIs as the site's records stand now."""
    calendar = await uow.calendars.for_site(site_id)
    start, end = month_bounds(month, calendar.zone)
    policy = await policy_in_force(uow, site_id, (end - timedelta(days=1)).date())
    cases = await uow.callbacks.cases_of_month(site_id, month)
    rectified = await uow.rectifications.of_month(site_id, start, end)
    spot_checked = await uow.spot_checks.checked_in(site_id, month)
    visits = await uow.visits.of_month(site_id, month)
    households = len(await uow.units.occupied(site_id))
    half = "H1" if int(month[5:]) <= 6 else "H2"
    survey = await uow.surveys.get(f"{site_id}:{month[:4]}-{half}")
    surveyed = (
        None
        if survey is None
        else Surveyed(
            len(survey.units), len(survey.returns), sum(r.satisfied for r in survey.returns)
        )
    )
    visited = (len({v.unit_id for v in visits}), households)
    return month_kpis(cases, policy, rectified, spot_checked, visited, surveyed)


async def draw_spot_checks(command: DrawSpotChecks, uow: Any) -> tuple[SpotCheck, bool]:
    """Draw the month's callbacks to check, from those made; the seed is drawn with the first."""
    key = f"{command.site_id}:{command.month}"
    spot_check = await uow.spot_checks.get(key)
    if spot_check is None:
        spot_check = SpotCheck(command.site_id, command.month, seed=secrets.token_hex(16))
        uow.spot_checks.add(spot_check)
    made = await uow.callbacks.made_in_month(command.site_id, command.month)
    added = spot_check.draw(made, command.count)
    if added:
        await uow.commit()
    return spot_check, bool(added)


async def record_spot_check(command: RecordSpotCheck, uow: Any) -> tuple[SpotCheck, bool]:
    spot_check = await uow.spot_checks.get(f"{command.site_id}:{command.month}")
    if spot_check is None:
        raise NotFound(f"no spot checks drawn for {command.month} at {command.site_id}")
    changed = spot_check.check(
        command.callback_id, command.confirmed, command.note, command.by, uow.clock()
    )
    if changed:
        await uow.commit()
    return spot_check, changed


async def _report_of(uow: Any, site_id: str, month: str) -> KpiReport:
    report: KpiReport | None = await uow.kpi_reports.get(f"{site_id}:{month}")
    if report is None:
        raise Conflict(f"the {month} KPI report of {site_id} is not prepared yet")
    return report


async def prepare_kpi_report(command: PrepareKpiReport, uow: Any) -> tuple[KpiReport, bool]:
    """Freeze the month's KPIs for review, once the month is over in the site's time."""
    calendar = await uow.calendars.for_site(command.site_id)
    now = uow.clock()
    if not month_over(command.month, calendar.local_day(now)):
        raise Conflict(f"{command.month} is not over yet at {command.site_id}")
    kpis = await kpis_now(uow, command.site_id, command.month)
    report: KpiReport | None = await uow.kpi_reports.get(f"{command.site_id}:{command.month}")
    if report is None:
        report = KpiReport(command.site_id, command.month, kpis, SignOff(command.by, now))
        uow.kpi_reports.add(report)
        changed = True
    else:
        changed = report.prepare_again(kpis, command.by, now)
    if changed:
        await uow.commit()
    return report, changed


async def review_kpi_report(command: ReviewKpiReport, uow: Any) -> tuple[KpiReport, bool]:
    report = await _report_of(uow, command.site_id, command.month)
    changed = report.review(command.by, command.approved, command.note, uow.clock())
    if changed:
        await uow.commit()
    return report, changed


async def approve_kpi_report(command: ApproveKpiReport, uow: Any) -> tuple[KpiReport, bool]:
    report = await _report_of(uow, command.site_id, command.month)
    changed = report.approve(command.by, uow.clock())
    if changed:
        await uow.commit()
    return report, changed
