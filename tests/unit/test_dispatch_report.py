"""Dispatch's monthly figures per site, trade and technician (DSP-02, DSP-03, DSP-04, DSP-12,
ACC-02, ACC-03)."""

from __future__ import annotations

import io
from datetime import timedelta

from dispatch.domain.report import figures, month_of_work, percentile
from dispatch.domain.technician import Technician
from dispatch.domain.work_order import (
    CompletionReport,
    Escalation,
    SignOff,
    WorkOrder,
    WorkOrderStatus,
)
from hotline_libs.tables import CSV, XLSX, write_table
from openpyxl import load_workbook

from tests.builders import NOW
from tests.unit.test_work_order_table import DESK, LI, TECH, ZHAO, order

S = WorkOrderStatus


def _signed(minutes_to_dispatch: int, reworks: int = 0, technician: Technician = LI) -> WorkOrder:
    work_order = order(appointment_at=NOW + timedelta(hours=1))
    work_order.assign(technician, NOW + timedelta(minutes=minutes_to_dispatch))
    work_order.accept(NOW + timedelta(minutes=minutes_to_dispatch + 2), TECH)
    work_order.arrive(NOW + timedelta(minutes=50 + minutes_to_dispatch), TECH)
    work_order.start(NOW + timedelta(hours=1), TECH)
    for _ in range(reworks):
        work_order.complete(CompletionReport((), None), NOW + timedelta(hours=1), TECH)
        work_order.rework(NOW + timedelta(hours=1), TECH, "还在滴水")
    work_order.complete(CompletionReport((), None), NOW + timedelta(hours=2), TECH)
    work_order.sign(SignOff("王芳", True), NOW + timedelta(hours=2), TECH)
    return work_order


def test_the_nearest_rank_percentile() -> None:
    assert percentile([], 0.5) is None
    assert percentile([30.0, 10.0, 20.0, 40.0], 0.5) == 20.0
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0


def test_dsp02_acc02_a_months_figures_count_latency_compliance_fixes_and_reworks() -> None:
    late = _signed(20)  # reached the technician 20 minutes after acceptance, arrived late
    fixed = _signed(5)
    redone = _signed(10, reworks=1, technician=ZHAO)
    voided = order()
    voided.void(NOW, DESK, "重复登记")
    escalated = _signed(3, reworks=1)
    escalated.status = S.COMPLETED
    escalated.escalate(Escalation.SITE_MANAGER, NOW + timedelta(hours=3), DESK, "仍不满意")
    month = month_of_work([late, fixed, redone, voided, escalated])
    site = month.site
    assert (site.orders, site.dispatched, site.taken) == (5, 4, 4)
    assert site.dispatch_p50_s == 5 * 60 and site.dispatch_p95_s == 20 * 60
    assert site.dispatched_within_15_min == 0.75
    assert site.taking_p50_s == 120
    assert site.arrivals_with_appointment == 4 and site.on_time_arrival == 0.75
    assert site.done == 3 and site.first_time_fix == round(2 / 3, 4)
    assert site.reworked == 2 and site.rework_rate == 0.5
    assert (site.escalations, site.voids) == (1, 1)
    assert set(month.by_technician) == {"dmg-t01", "dmg-t02"}
    assert month.by_technician["dmg-t02"].first_time_fix == 0
    assert month.by_trade["maintenance"].orders == 5
    assert figures([]).dispatch_p50_s is None


def test_the_report_as_xlsx_has_its_figures_and_a_chart_and_as_csv_opens_in_excel() -> None:
    columns = ["row", "orders", "done"]
    rows = [["site:dmg", 5, 3], ["technician:dmg-t01", 3, None]]
    book = load_workbook(io.BytesIO(write_table(columns, rows, XLSX, chart=("orders", "done"))))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[2]] == ["site:dmg", 5, 3]
    assert sheet[3][2].value == 0
    assert len(sheet._charts) == 1
    assert write_table(columns, rows, CSV).startswith("\ufeffrow,orders,done".encode())
