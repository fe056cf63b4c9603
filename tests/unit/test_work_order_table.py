"""The work order's state machine (派工单), pair by pair: every (state, step) either moves as the
table says, with an actor and a reason in the history, or is refused naming the state and the
step (DSP-02..DSP-09, ACC-01..ACC-05)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from dispatch.domain.field_records import Drawn
from dispatch.domain.technician import Assignee, Technician
from dispatch.domain.work_order import (
    TRANSITIONS,
    Actor,
    Board,
    Completion,
    CompletionReport,
    Contact,
    Escalation,
    ItemUsed,
    PaymentMethod,
    SignOff,
    Step,
    WorkOrder,
    WorkOrderStatus,
    new_work_order,
)
from hotline_libs.errors import Conflict, RuleViolation

from tests.builders import NOW

S = WorkOrderStatus
LI = Technician("dmg-t01", "dmg", "李强", "+8613900000101", frozenset({"maintenance"}))
ZHAO = Technician("dmg-t02", "dmg", "赵敏", "+8613900000102", frozenset({"maintenance"}))
TECH = Actor("dmg-t01", "technician", "李强")
DESK = Actor("duty-01", "duty_staff", "值班员")
TAP = ItemUsed("RP-TAP", 1, Decimal("80.00"))
LATER = NOW + timedelta(hours=1)


def order(
    *, paid: bool = False, appointment_at: datetime | None = None, **overrides: Any
) -> WorkOrder:
    """A work order of site dmg just made: a routine repair unless told otherwise (a test-data
    builder the other dispatch tests share)."""
    values: dict[str, Any] = {
        "work_order_id": uuid.uuid4(),
        "work_order_no": "WO-DMG-20261123-0001",
        "request_id": uuid.uuid4(),
        "request_no": "SR-DMG-20261123-0001",
        "site_id": "dmg",
        "board": Board.REPAIR,
        "trade": "maintenance",
        "description": "厨房水龙头漏水",
        "resident": Contact("王芳", "+8613800138000", None, "3", "1202"),
        "appointment_at": appointment_at,
        "accepted_at": NOW,
        "now": NOW,
        "requested_items": (ItemUsed("RP-TAP", 1),) if paid else (),
    }
    return new_work_order(**(values | overrides))


def order_in(status: WorkOrderStatus) -> WorkOrder:
    """A work order standing at ``status``, with what that state implies (a technician, a
    finished job, a rework behind it) so only the table decides what may happen."""
    built = order()
    built.status = status
    built.technician = Assignee.of(LI)
    built.dispatched_at = NOW
    built.completion = Completion(completed_at=NOW, items=(), payment_method=None)
    built.reworks = 1
    return built


STEPS: dict[Step, Callable[[WorkOrder], Any]] = {
    Step.ASSIGN: lambda o: o.assign(LI, LATER),
    Step.REASSIGN: lambda o: o.reassign(ZHAO, LATER, DESK, "李强请假"),
    Step.ACCEPT: lambda o: o.accept(LATER, TECH),
    Step.SET_OUT: lambda o: o.set_out(LATER, TECH),
    Step.ARRIVE: lambda o: o.arrive(LATER, TECH),
    Step.QUOTE: lambda o: o.agree_fee((TAP,), "SV-DMG-20261123-0001", LATER, TECH),
    Step.START: lambda o: o.start(LATER, TECH),
    Step.COMPLETE: lambda o: o.complete(
        CompletionReport(items=(TAP,), payment_method=PaymentMethod.CASH), LATER, TECH
    ),
    Step.SIGN_OFF: lambda o: o.sign(SignOff("王芳", satisfied=True), LATER, TECH),
    Step.REWORK: lambda o: o.rework(LATER, TECH, "还在滴水"),
    Step.ESCALATE: lambda o: o.escalate(Escalation.SITE_MANAGER, LATER, DESK, "返修后仍不满意"),
    Step.VERIFY: lambda o: o.verify(LATER, DESK),
    Step.RESCHEDULE: lambda o: o.reschedule(NOW + timedelta(days=1), LATER, DESK, "住户改约"),
    Step.CANCEL: lambda o: o.cancel(LATER, DESK, "住户取消"),
    Step.VOID: lambda o: o.void(LATER, DESK, "住户取消, 中控室核销"),
    Step.CLOSE_OUT: lambda o: o.close_out(LATER, DESK),
}


def test_every_step_has_a_way_to_be_taken_and_every_state_a_row() -> None:
    assert set(STEPS) == set(Step)
    assert set(TRANSITIONS) == set(WorkOrderStatus)
    reachable = {S.AWAITING_TECHNICIAN} | {
        to for row in TRANSITIONS.values() for to in row.values()
    }
    assert reachable == set(WorkOrderStatus), "a state nothing leads to"


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("status", list(WorkOrderStatus))
def test_dsp09_each_state_and_step_moves_as_the_table_says_or_is_refused(
    status: WorkOrderStatus, step: Step
) -> None:
    work_order = order_in(status)
    target = TRANSITIONS[status].get(step)
    if target is None:
        with pytest.raises(Conflict) as refused:
            STEPS[step](work_order)
        assert status.value in str(refused.value) and step.value in str(refused.value)
        assert work_order.status is status and work_order.history == []
        assert work_order.pending_events() == []
        return
    assert STEPS[step](work_order) is not False
    assert work_order.status is target
    [change] = work_order.history
    assert (change.step, change.from_status, change.to_status) == (step, status, target)
    assert change.at == LATER and change.actor.subject and change.reason


def test_dsp03_dsp04_a_visit_step_by_step_records_when_and_who() -> None:
    work_order = order(paid=True, appointment_at=NOW + timedelta(minutes=30))
    work_order.assign(LI, NOW + timedelta(minutes=2))
    assert work_order.accept(NOW + timedelta(minutes=5), TECH)
    assert not work_order.accept(NOW + timedelta(minutes=6), TECH), "a retried call changes nothing"
    work_order.set_out(NOW + timedelta(minutes=10), TECH)
    work_order.arrive(NOW + timedelta(minutes=40), TECH)
    assert work_order.taken_at == NOW + timedelta(minutes=5)
    assert work_order.arrived_late is True
    assert work_order.history[-1].reason == "arrived late"
    assert [c.step for c in work_order.history] == [
        Step.ASSIGN,
        Step.ACCEPT,
        Step.SET_OUT,
        Step.ARRIVE,
    ]
    assert work_order.history[0].actor.role == "system"


def test_dsp05_paid_work_does_not_start_before_the_fee_is_agreed() -> None:
    work_order = order_in(S.ARRIVED)
    work_order.requested_items = (ItemUsed("RP-TAP", 1),)
    with pytest.raises(RuleViolation, match="agree the fee"):
        work_order.start(LATER, TECH)
    work_order.agree_fee((TAP,), "SV-DMG-20261123-0001", LATER, TECH)
    work_order.start(LATER, TECH)
    assert work_order.quote is not None and work_order.quote.service_record_no.startswith("SV-")
    # what was quoted is what is completed unless the technician says otherwise
    work_order.complete(CompletionReport(items=(), payment_method=PaymentMethod.CASH), LATER, TECH)
    assert work_order.completion is not None and work_order.completion.items == (TAP,)


def test_dsp05_a_new_price_before_work_keeps_the_same_service_record() -> None:
    work_order = order_in(S.ARRIVED)
    work_order.agree_fee((TAP,), "SV-DMG-20261123-0001", LATER, TECH)
    cheaper = replace(TAP, agreed_unit_price=Decimal("60.00"))
    assert work_order.agree_fee((cheaper,), "SV-DMG-20261123-0002", LATER, TECH)
    assert not work_order.agree_fee((cheaper,), "SV-DMG-20261123-0003", LATER, TECH)
    assert work_order.quote is not None
    assert work_order.quote.service_record_no == "SV-DMG-20261123-0001"
    assert work_order.quote.items == (cheaper,)


def test_acc02_acc03_unsatisfied_once_is_reworked_twice_is_escalated() -> None:
    work_order = order_in(S.COMPLETED)
    work_order.reworks = 0
    work_order.sign(SignOff("王芳", satisfied=False, opinion="还在滴水"), LATER, TECH)
    assert work_order.status is S.IN_PROGRESS and work_order.reworks == 1
    assert work_order.completion is None
    work_order.complete(CompletionReport(items=(), payment_method=None), LATER, TECH)
    work_order.sign(SignOff("王芳", satisfied=False), LATER, TECH)
    assert work_order.status.value == "escalated"
    assert work_order.escalated_to is Escalation.SERVICE_CENTRE_HEAD
    assert work_order.history[-1].reason == "still not satisfied after rework"
    with pytest.raises(Conflict, match="escalated"):
        work_order.sign(SignOff("王芳", satisfied=False), LATER, TECH)
    assert work_order.pending_events()[-1].__class__.__name__ == "WorkOrderEscalated"


def test_acc03_escalation_comes_after_a_rework() -> None:
    work_order = order_in(S.COMPLETED)
    work_order.reworks = 0
    with pytest.raises(RuleViolation, match="rework it first"):
        work_order.escalate(Escalation.SITE_MANAGER, LATER, DESK, "不满意")


def test_acc01_only_a_satisfied_signature_charges_and_calls_back() -> None:
    work_order = order_in(S.COMPLETED)
    work_order.sign(SignOff("王芳", satisfied=True, signature_ref="sig/1.png"), LATER, TECH)
    assert [type(e).__name__ for e in work_order.pending_events()] == [
        "WorkOrderChanged",
        "WorkOrderCompleted",
    ]
    assert work_order.sign_off is not None and work_order.sign_off.signed_at == LATER


@pytest.mark.parametrize(
    ("take", "field"),
    [
        (lambda o: o.rework(LATER, TECH, "  "), "reason"),
        (lambda o: o.cancel(LATER, TECH, ""), "reason"),
        (lambda o: o.sign(SignOff(" ", satisfied=True), LATER, TECH), "signed_by"),
        (
            lambda o: o.reschedule(NOW - timedelta(days=1), LATER, DESK, "改约"),
            "appointment_at",
        ),
    ],
)
def test_a_change_without_what_it_needs_is_refused_naming_the_field(
    take: Callable[[WorkOrder], Any], field: str
) -> None:
    work_order = order_in(S.COMPLETED if field in ("reason", "signed_by") else S.DISPATCHED)
    with pytest.raises(RuleViolation) as refused:
        take(work_order)
    assert refused.value.field == field
    assert work_order.history == []


def test_dsp06_a_cancelled_order_is_voided_and_a_void_is_never_charged() -> None:
    work_order = order_in(S.ARRIVED)
    work_order.cancel(LATER, TECH, "住户不需要了")
    work_order.void(LATER, DESK, "中控室核销")
    assert not work_order.void(LATER, DESK, "中控室核销"), "a retried void changes nothing"
    assert work_order.finished
    assert "WorkOrderCompleted" not in {type(e).__name__ for e in work_order.pending_events()}


def test_a_reassigned_order_is_taken_again_by_its_new_technician() -> None:
    work_order = order_in(S.ACCEPTED)
    work_order.taken_at = NOW
    work_order.reassign(ZHAO, LATER, DESK, "李强生病")
    assert work_order.status is S.DISPATCHED and work_order.taken_at is None
    assert work_order.technician is not None and work_order.technician.technician_id == "dmg-t02"
    assert not work_order.reassign(ZHAO, LATER, DESK, "李强生病")
    off_duty = replace(LI, on_duty=False)
    with pytest.raises(RuleViolation, match="cannot take"):
        work_order.reassign(off_duty, LATER, DESK, "换人")


def test_a_visit_recorded_in_one_go_takes_every_step_in_order() -> None:
    work_order = order_in(S.DISPATCHED)
    work_order.requested_items = (ItemUsed("RP-TAP", 1),)
    work_order.completion = None
    report = CompletionReport(items=(TAP,), payment_method=PaymentMethod.BANK_COLLECTION)
    assert work_order.record_visit(report, "SV-DMG-20261123-0001", LATER, TECH)
    assert [c.step for c in work_order.history] == [
        Step.ACCEPT,
        Step.ARRIVE,
        Step.QUOTE,
        Step.START,
        Step.COMPLETE,
        Step.SIGN_OFF,
    ]
    assert work_order.status is S.SIGNED_OFF
    assert not work_order.record_visit(report, None, LATER, TECH)
    with pytest.raises(Conflict, match="completed differently"):
        work_order.record_visit(CompletionReport(items=(), payment_method=None), None, LATER, TECH)


def test_a_retried_signature_changes_nothing_whatever_time_it_omits() -> None:
    work_order = order_in(S.COMPLETED)
    assert work_order.sign(SignOff("王芳", satisfied=True), LATER, TECH)
    assert not work_order.sign(SignOff("王芳", satisfied=True), LATER + timedelta(minutes=1), TECH)
    with pytest.raises(Conflict, match="signed_off; sign_off is not possible"):
        work_order.sign(SignOff("王芳", satisfied=True, opinion="很好"), LATER, TECH)


def test_a_retried_finish_that_relies_on_the_quote_changes_nothing() -> None:
    work_order = order_in(S.ARRIVED)
    work_order.agree_fee((TAP,), "SV-DMG-20261123-0001", LATER, TECH)
    work_order.start(LATER, TECH)
    finished = CompletionReport(items=(), payment_method=PaymentMethod.CASH)
    assert work_order.complete(finished, LATER, TECH)
    assert not work_order.complete(finished, LATER + timedelta(minutes=1), TECH)


def test_dsp07_dsp08_tools_drawn_come_back_before_the_order_is_closed_out() -> None:
    work_order = order_in(S.IN_PROGRESS)
    valve = work_order.draw("DN15 角阀", 2, Drawn.MATERIAL, LATER, TECH)
    ladder = work_order.draw("人字梯", 1, Drawn.TOOL, LATER, TECH)
    work_order.give_back(valve, 1, LATER, TECH)  # one valve was not needed
    with pytest.raises(RuleViolation) as too_many:
        work_order.give_back(valve, 2, LATER, TECH)
    assert too_many.value.field == "quantity"
    work_order.status = S.VERIFIED
    with pytest.raises(RuleViolation, match="still has tools out: 人字梯 ×1"):
        work_order.close_out(LATER, DESK)
    work_order.give_back(ladder, 1, LATER, DESK)
    work_order.close_out(LATER, DESK)
    assert work_order.status is S.CLOSED
    assert [m.outstanding for m in work_order.materials] == [1, 0]
    with pytest.raises(Conflict, match="closed"):
        work_order.draw("生料带", 1, Drawn.MATERIAL, LATER, TECH)


def test_acc04_damage_is_followed_until_compensation_is_agreed() -> None:
    work_order = order_in(S.IN_PROGRESS)
    case = work_order.report_damage("碰裂瓷砖一块", LATER, TECH)
    assert type(work_order.pending_events()[-1]).__name__ == "DamageReported"
    work_order.status = S.VERIFIED
    with pytest.raises(RuleViolation, match="without agreed compensation"):
        work_order.close_out(LATER, DESK)
    assert work_order.agree_compensation(case, Decimal("120.00"), "按市价赔偿", LATER)
    assert not work_order.agree_compensation(case, Decimal("120.00"), "按市价赔偿", LATER)
    with pytest.raises(Conflict, match=r"settled at 120\.00"):
        work_order.agree_compensation(case, Decimal("200.00"), "再议", LATER)
    with pytest.raises(RuleViolation) as unknown:
        work_order.agree_compensation(9, Decimal(0), "无", LATER)
    assert unknown.value.field == "case_no"
    work_order.close_out(LATER, DESK)
