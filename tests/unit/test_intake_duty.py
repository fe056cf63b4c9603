"""The front desk's duty (DUTY-01..DUTY-23): the log and its handover, the roster before the
25th with leave and swaps, inspections against the checklist."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from contracts.intake import v1
from hotline_libs.errors import Conflict, RuleViolation
from hotline_libs.shifts import DEFAULT_SHIFTS
from intake.domain.commands import (
    DraftRoster,
    OpenDutyLog,
    RosterDeadlineReached,
    SubmitRoster,
    TakeOverDuty,
)
from intake.domain.duty_log import DutyLog, EntryKind, SignatureKind, sample_size
from intake.domain.inspection import CheckPoint, Fault, InspectionKind, inspect
from intake.domain.roster import DUE, Assignment, ChangeKind, Roster, RosterChange

from tests.unit.intake_harness import Intake

XIAN = ZoneInfo("Asia/Shanghai")
EARLY, MIDDLE, LATE, NIGHT = DEFAULT_SHIFTS
DAY = date(2026, 11, 24)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=XIAN)


def test_duty01_duty26_the_sites_day_has_three_desk_shifts_and_a_night_line() -> None:
    assert [(s.code, s.starts, s.ends) for s in DEFAULT_SHIFTS[:3]] == [
        ("early", time(7, 30), time(15, 30)),
        ("middle", time(9, 30), time(17, 30)),
        ("late", time(12, 0), time(20, 0)),
    ]
    assert NIGHT.end_on(DAY, XIAN) == at(7, 30, DAY + timedelta(days=1))
    assert NIGHT.hours == 11.5


def log() -> DutyLog:
    return DutyLog("dmg", DAY, EARLY, "Asia/Shanghai", "李娜")


def test_duty12_dty10_a_take_over_after_the_relief_was_due_is_recorded_late() -> None:
    on_time, late = log(), log()
    assert on_time.relief_due_at == at(15, 15)
    on_time.take_over("王强", "李娜", (), (), at(15, 10))
    assert on_time.handover is not None and on_time.handover.late_by is None
    late.take_over("王强", "李娜", (), (), at(15, 40))
    assert late.handover is not None and late.handover.late_by == timedelta(minutes=25)


def test_duty11_dty15_nobody_signs_off_before_relieved_and_only_the_outgoing_signs() -> None:
    shift = log()
    with pytest.raises(Conflict, match="nobody leaves before relieved"):
        shift.sign_off("李娜", at(15, 30))
    shift.take_over("王强", "李娜", ("5-802 噪音投诉待回复",), (("对讲机", 2),), at(15, 10))
    with pytest.raises(RuleViolation):
        shift.sign_off("王强", at(15, 31))
    shift.sign_off("李娜", at(15, 31))
    assert shift.closed
    with pytest.raises(Conflict, match="handed over and signed"):
        shift.write(EntryKind.INFORMATION, "too late", "李娜", at(15, 40))


def test_duty14_counted_items_have_names_and_counts() -> None:
    with pytest.raises(RuleViolation) as refused:
        log().take_over("王强", "李娜", (), (("对讲机", -1),), at(15, 10))
    assert refused.value.field == "counted_items"


def test_duty22_the_director_samples_at_least_a_fifth() -> None:
    assert [sample_size(n) for n in (0, 1, 5, 6, 90, 93)] == [0, 1, 1, 2, 18, 19]


def test_signing_twice_the_same_way_changes_nothing() -> None:
    shift = log()
    assert shift.sign(SignatureKind.DAILY_READ, "主管", at(18))
    assert not shift.sign(SignatureKind.DAILY_READ, "主管", at(19))
    assert shift.sign(SignatureKind.SAMPLE, "主任", at(19))


async def test_duty16_the_next_shifts_log_carries_the_open_items_over() -> None:
    intake = Intake()
    intake.clock.now = at(7, 0)
    early, _ = await intake.bus.handle(OpenDutyLog("dmg", DAY, "early", "李娜"))
    intake.clock.now = at(15, 10)
    await intake.bus.handle(
        TakeOverDuty(early.log_id, "王强", "李娜", ("5-802 噪音投诉待回复",), (), None)
    )
    middle, created = await intake.bus.handle(OpenDutyLog("dmg", DAY, "late", "王强"))
    assert created and middle.carried_over == ("5-802 噪音投诉待回复",)
    with pytest.raises(RuleViolation) as refused:
        await intake.bus.handle(OpenDutyLog("dmg", DAY, "graveyard", "王强"))
    assert refused.value.field == "shift"


def roster() -> Roster:
    r = Roster("dmg", "2026-12", "Asia/Shanghai", DEFAULT_SHIFTS, "主管")
    r.set_assignments((Assignment(date(2026, 12, 3), "early", "李娜"),))
    return r


def change(requested_at: datetime, staff: str = "李娜") -> RosterChange:
    return RosterChange(
        uuid.uuid4(), ChangeKind.LEAVE, staff, date(2026, 12, 3), "early", "家中有事", requested_at
    )


def test_duty02_next_months_roster_is_due_before_the_25th() -> None:
    assert roster().due_at == datetime(2026, 11, 25, 0, 0, tzinfo=XIAN)
    assert roster().deadlines() == {DUE: datetime(2026, 11, 24, 16, 0, tzinfo=UTC)}


async def test_duty02_a_roster_not_submitted_in_time_is_reported_once() -> None:
    intake = Intake()
    drafted, _ = await intake.bus.handle(
        DraftRoster("dmg", "2026-12", (Assignment(date(2026, 12, 3), "early", "李娜"),), "主管")
    )
    intake.clock.now = drafted.due_at + timedelta(seconds=1)
    command = RosterDeadlineReached(drafted.roster_id, DUE, drafted.due_at)
    await intake.bus.handle(command)
    await intake.bus.handle(command)
    [late] = intake.store.published_of(v1.RosterLate)
    assert late.payload.month == "2026-12" and late.payload.drafted_by == "主管"


async def test_duty02_ntf12_a_submitted_roster_is_published_once_with_its_shifts_and_duties() -> (
    None
):
    """Submitted to the service-centre manager, who notification e-mails it to: the event
    carries the days, shifts used and who is on each; a second submit publishes nothing."""
    intake = Intake()
    assignments = (
        Assignment(date(2026, 12, 3), "late", "王强"),
        Assignment(date(2026, 12, 3), "early", "李娜"),
    )
    drafted, _ = await intake.bus.handle(DraftRoster("dmg", "2026-12", assignments, "主管"))
    intake.clock.now = at(9, 0)
    await intake.bus.handle(SubmitRoster(drafted.roster_id, None))
    await intake.bus.handle(SubmitRoster(drafted.roster_id, None))
    [submitted] = intake.store.published_of(v1.RosterSubmitted)
    p = submitted.payload
    assert (p.month, p.drafted_by, p.submitted_at, p.due_at) == (
        "2026-12",
        "主管",
        at(9, 0),
        drafted.due_at,
    )
    assert [(s.code, s.starts, s.ends) for s in p.shifts] == [
        ("early", "07:30", "15:30"),
        ("late", "12:00", "20:00"),
    ]  # only the shifts the roster uses
    assert [(a.day, a.shift, a.staff) for a in p.assignments] == [
        (date(2026, 12, 3), "early", "李娜"),
        (date(2026, 12, 3), "late", "王强"),
    ]
    assert submitted.partition_key() == "dmg:2026-12"


def test_duty09_leave_is_asked_a_day_ahead_and_approved_by_another_with_a_cover() -> None:
    r = roster()
    with pytest.raises(RuleViolation, match="a day ahead"):
        r.ask_change(change(at(12, 0, date(2026, 12, 2))))
    with pytest.raises(RuleViolation, match="not on the early shift"):
        r.ask_change(change(at(7, 0, date(2026, 12, 1)), staff="王强"))
    asked = change(at(7, 0, date(2026, 12, 1)))
    r.ask_change(asked)
    with pytest.raises(RuleViolation, match="own leave"):
        r.decide_change(asked.change_id, True, "王强", 8, "李娜", at(9, 0, date(2026, 12, 1)))
    with pytest.raises(RuleViolation, match="names who covers"):
        r.decide_change(asked.change_id, True, None, None, "主管", at(9, 0, date(2026, 12, 1)))
    decided = r.decide_change(asked.change_id, True, "王强", 8, "主管", at(9, 0, date(2026, 12, 1)))
    assert decided.long_cover  # DUTY-23: cover beyond 4 hours is flagged
    with pytest.raises(Conflict, match="approved already"):
        r.decide_change(asked.change_id, False, None, None, "主管", at(9, 5, date(2026, 12, 1)))


def test_a_submitted_roster_changes_only_through_leave_and_swaps() -> None:
    r = roster()
    r.submit(at(9, 0))
    with pytest.raises(Conflict, match="submitted"):
        r.set_assignments(())
    assert r.deadlines() == {}


def test_roster_assignments_must_be_in_the_month_and_a_known_shift() -> None:
    r = Roster("dmg", "2026-12", "Asia/Shanghai", DEFAULT_SHIFTS, "主管")
    with pytest.raises(RuleViolation) as refused:
        r.set_assignments((Assignment(date(2027, 1, 1), "early", "李娜"),))
    assert refused.value.field == "assignments[0].day"
    with pytest.raises(RuleViolation) as refused:
        r.set_assignments((Assignment(date(2026, 12, 1), "graveyard", "李娜"),))
    assert refused.value.field == "assignments[0].shift"


def test_duty17_duty18_a_fault_is_at_a_point_checked_and_names_whose_it_is() -> None:
    values = {
        "inspection_id": uuid.uuid4(),
        "site_id": "dmg",
        "kind": InspectionKind.SPOT_CHECK,
        "by": "主管",
        "at": at(10),
        "improvement": "",
    }
    with pytest.raises(RuleViolation) as refused:
        inspect(
            **values,  # type: ignore[arg-type]
            checked=frozenset({CheckPoint.APPEARANCE}),
            faults=(Fault(CheckPoint.DUTY_LOG, "漏记", "李娜"),),
        )
    assert refused.value.field == "faults"
    done = inspect(
        **values,  # type: ignore[arg-type]
        checked=frozenset(CheckPoint),
        faults=(Fault(CheckPoint.DUTY_LOG, "14:20来电未记录", "李娜"),),
    )
    assert len(done.checked) == 10
