"""Each site's month of work orders, reported once the month is over to the departments and the
company's leaders (DSP-12, with the figures of DSP-02, DSP-03, DSP-04, ACC-02..ACC-04): a site
intake records starts its monthly reporting; the month is reported an hour after it ends in the
site's time, once across replicas, and the next month's clock starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.dispatch import v1
from dispatch.adapters.inbound.intake_v1 import dispatch_request
from dispatch.domain.commands import ReportDeadlineReached
from dispatch.domain.monthly_report import REPORT_DUE, MonthlyReporting
from hotline_libs.working_calendars import KeepSitePlace

from tests import builders
from tests.builders import NOW
from tests.unit.test_dispatch import LI, SUN, ZHAO, Dispatch


def _reporting(dispatch: Dispatch, site_id: str = "dmg") -> MonthlyReporting:
    reporting: MonthlyReporting = dispatch.store.saved("monthly_reports")[site_id]
    return reporting


async def test_dsp12_a_site_is_reported_monthly_from_the_month_intake_records_it() -> None:
    dispatch = Dispatch(LI, ZHAO, SUN)
    await dispatch.handle(KeepSitePlace("dmg", "CN", "Asia/Shanghai", NOW))
    reporting = _reporting(dispatch)
    assert reporting.month == "2026-11"
    # an hour after November ends in Xi'an
    assert reporting.deadlines() == {REPORT_DUE: datetime(2026, 11, 30, 17, tzinfo=UTC)}
    # a site recorded again (its settings changed) keeps its reporting
    await dispatch.handle(KeepSitePlace("dmg", "CN", "Asia/Shanghai", NOW + timedelta(days=3)))
    assert _reporting(dispatch).month == "2026-11"


async def test_dsp12_the_month_is_reported_once_with_its_figures_then_the_next_month_runs() -> None:
    dispatch = Dispatch(LI, ZHAO, SUN)
    await dispatch.handle(KeepSitePlace("dmg", "CN", "Asia/Shanghai", NOW))
    for _ in range(3):
        await dispatch.handle(dispatch_request(builders.request_accepted()))
    due = _reporting(dispatch).deadlines()[REPORT_DUE]
    dispatch.clock.now = due + timedelta(seconds=5)
    for _ in range(2):  # two replicas' pollers, or a redelivery
        await dispatch.handle(ReportDeadlineReached("dmg", REPORT_DUE, due))
    [sent] = dispatch.published(v1.WorkOrderMonthReported)
    report = sent.payload
    assert report.month == "2026-11" and sent.site_id == "dmg"
    assert report.site.orders == 3 and report.site.dispatched == 3
    assert report.site.dispatched_within_15_min == 1.0
    assert set(report.by_trade) == {"maintenance"}
    assert {t.name for t in report.by_technician} == {"李强", "赵敏"}
    assert sum(t.figures.orders for t in report.by_technician) == 3
    reporting = _reporting(dispatch)
    assert reporting.reported == ["2026-11"] and reporting.month == "2026-12"
    assert reporting.deadlines()[REPORT_DUE] == datetime(2026, 12, 31, 17, tzinfo=UTC)


async def test_a_month_without_work_orders_is_reported_as_such() -> None:
    dispatch = Dispatch(LI, ZHAO, SUN)
    await dispatch.handle(KeepSitePlace("qjc", "CN", "Asia/Shanghai", NOW))
    due = _reporting(dispatch, "qjc").deadlines()[REPORT_DUE]
    dispatch.clock.now = due
    await dispatch.handle(ReportDeadlineReached("qjc", REPORT_DUE, due))
    [sent] = dispatch.published(v1.WorkOrderMonthReported)
    assert sent.payload.site.orders == 0 and sent.payload.site.dispatch_p50_s is None
    assert sent.payload.by_technician == []


async def test_a_deadline_that_has_not_come_reports_nothing() -> None:
    dispatch = Dispatch(LI, ZHAO, SUN)
    await dispatch.handle(KeepSitePlace("dmg", "CN", "Asia/Shanghai", NOW))
    due = _reporting(dispatch).deadlines()[REPORT_DUE]
    dispatch.clock.now = due - timedelta(minutes=1)
    await dispatch.handle(ReportDeadlineReached("dmg", REPORT_DUE, due))
    assert dispatch.published(v1.WorkOrderMonthReported) == []
    assert _reporting(dispatch).month == "2026-11"
