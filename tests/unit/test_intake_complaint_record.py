"""The site's daily complaint-handling record (CMP-18, CMP-02, CH-10, REC-09): the day's
complaints, those acted on that day, those still open at its end; none resolved before it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from intake.domain.commands import ReplyToResident
from intake.domain.complaint_record import Step, daily_record

from tests.builders import NOW
from tests.unit.intake_harness import Intake
from tests.unit.test_intake_complaints import assess, registered, resolve

DAY_START = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # 23 November, midnight in Xi'an
DAY_END = DAY_START + timedelta(days=1)


async def test_cmp18_the_days_record_holds_received_acted_on_and_still_open_complaints() -> None:
    intake = Intake()
    intake.clock.now = DAY_START - timedelta(hours=3)
    await registered(intake, description="楼道灯不亮")
    settled = await registered(intake, description="垃圾未清运")
    await resolve(intake, await assess(intake, settled))
    intake.clock.now = NOW
    today = await registered(intake, description="3号楼电梯一周坏了两次")
    await assess(intake, today)
    await intake.bus.handle(
        ReplyToResident(
            today.request_id, "维修部今日下午到场, 18点前回复您", False, "agent-017", None
        )
    )
    stored = intake.requests()

    lines = daily_record(stored, DAY_START, DAY_END)

    assert [line.request.description for line in lines] == ["楼道灯不亮", "3号楼电梯一周坏了两次"]
    assert lines[0].steps == (Step.STILL_OPEN,) and lines[0].open_at_day_end
    assert lines[1].steps == (Step.RECEIVED, Step.ASSESSED, Step.REPLIED)
    assert lines[1].replies_that_day == ("维修部今日下午到场, 18点前回复您",)


async def test_cmp18_a_complaint_resolved_that_day_is_on_it_and_not_the_next() -> None:
    intake = Intake()
    intake.clock.now = NOW
    complaint = await registered(intake)
    await assess(intake, complaint)
    intake.clock.now = NOW + timedelta(hours=2)
    await resolve(intake, complaint)
    stored = intake.requests()

    (line,) = daily_record(stored, DAY_START, DAY_END)
    assert line.steps == (Step.RECEIVED, Step.ASSESSED, Step.RESOLVED)
    assert not line.open_at_day_end
    assert daily_record(stored, DAY_END, DAY_END + timedelta(days=1)) == []
    assert daily_record(stored, DAY_START - timedelta(days=1), DAY_START) == []
