"""The monthly report's sign-offs and what its approval publishes (CMP-19, CMP-22, KB-11): the
figures the director approved go out once, for the departments and the company's leaders."""

from __future__ import annotations

import pytest
from contracts.intake import v1
from hotline_libs.errors import Conflict
from intake.domain.boards import RequestKind
from intake.domain.commands import SignMonthlyReport
from intake.domain.monthly_report import ReportSignOffs, Stage

from tests.unit.intake_harness import Intake, registration

MONTH = "2026-11"


async def sign(intake: Intake, stage: Stage, by: str) -> ReportSignOffs:
    signed: ReportSignOffs = await intake.bus.handle(SignMonthlyReport("dmg", MONTH, stage, by))
    return signed


async def test_cmp22_kb11_the_approved_months_figures_are_published_once() -> None:
    intake = Intake()
    await intake.register(registration(kind=RequestKind.CONSULTATION, category="convenience"))
    await intake.register(
        registration(kind=RequestKind.COMPLAINT, category="environment", registered_by="agent-1")
    )

    await sign(intake, Stage.PREPARED, "supervisor-002")
    await sign(intake, Stage.REVIEWED, "quality-001")
    assert intake.store.published_of(v1.MonthlyReportApproved) == []
    await sign(intake, Stage.APPROVED, "director-001")
    with pytest.raises(Conflict):
        await sign(intake, Stage.APPROVED, "director-002")

    (approved,) = intake.store.published_of(v1.MonthlyReportApproved)
    payload = approved.payload
    assert (payload.month, approved.site_id) == (MONTH, "dmg")
    assert (payload.prepared_by, payload.reviewed_by, payload.approved_by) == (
        "supervisor-002",
        "quality-001",
        "director-001",
    )
    boards = {board.kind: board for board in payload.boards}
    assert boards[v1.RequestKind.COMPLAINT].registered == 1
    assert boards[v1.RequestKind.COMPLAINT].by_category == {"environment": 1}
    assert boards[v1.RequestKind.CONSULTATION].by_category == {"convenience": 1}
