"""Changed information reported within 3 working days (KB-07, KB-08), and the standard answers
it makes stale flagged for revision until approved again (KB-10)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hotline_libs.errors import RuleViolation
from intake.domain.boards import RequestKind
from intake.domain.commands import (
    ApproveStandardAnswer,
    DraftStandardAnswer,
    RedraftStandardAnswer,
    ReportInformationChange,
)
from intake.domain.information_change import InformationChange, InformationKind
from intake.domain.standard_answer import StandardAnswer

from tests.builders import NOW
from tests.unit.intake_harness import Intake

FRIDAY_MORNING = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 09:00 in Xi'an


async def report(intake: Intake, changed_at: datetime, *answers: uuid.UUID) -> InformationChange:
    change: InformationChange = await intake.bus.handle(
        ReportInformationChange(
            "dmg",
            "管理处",
            InformationKind.FEES,
            "地下车位月租调整为每月350元",
            changed_at,
            tuple(answers),
            "liaison",
        )
    )
    return change


async def test_kb07_a_change_reported_within_three_working_days_is_on_time() -> None:
    intake = Intake()
    change = await report(intake, NOW - timedelta(days=1))
    assert not change.late
    assert change.due_at == datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Sunday → Wednesday


async def test_kb07_kb08_a_report_after_three_working_days_is_listed_late() -> None:
    intake = Intake()
    intake.clock.now = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday
    change = await report(intake, FRIDAY_MORNING)
    assert change.due_at == datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # Mon, Tue, Wed
    assert change.late


async def test_kb10_the_answers_a_change_touches_are_flagged_until_approved_again() -> None:
    intake = Intake()
    drafted: StandardAnswer = await intake.bus.handle(
        DraftStandardAnswer(
            "dmg", RequestKind.CONSULTATION, "property_service", "车位月租?", "300元", "agent"
        )
    )
    await intake.bus.handle(ApproveStandardAnswer(drafted.answer_id, 1, "director", None))
    await report(intake, NOW - timedelta(hours=2), drafted.answer_id)
    flagged = intake.store.saved("standard_answers")[str(drafted.answer_id)]
    assert flagged.revision_reason and "350" in flagged.revision_reason
    await intake.bus.handle(
        RedraftStandardAnswer(drafted.answer_id, "车位月租?", "350元", "agent", None)
    )
    again = await intake.bus.handle(ApproveStandardAnswer(drafted.answer_id, 2, "director", None))
    assert again.revision_reason is None


async def test_a_change_not_yet_happened_or_naming_anothers_answer_is_refused() -> None:
    intake = Intake()
    with pytest.raises(RuleViolation) as refused:
        await report(intake, NOW + timedelta(days=1))
    assert refused.value.field == "changed_at"
    theirs: StandardAnswer = await intake.bus.handle(
        DraftStandardAnswer(
            "gxi", RequestKind.CONSULTATION, "property_service", "问", "答", "agent"
        )
    )
    with pytest.raises(RuleViolation) as refused:
        await report(intake, NOW - timedelta(hours=1), theirs.answer_id)
    assert refused.value.field == "affected_answers[0]"
