"""Dispatch: work orders reach a technician within 15 minutes, or wait visibly for one (派工, 验收).

Handlers run through the real message bus and the real inbound and outbound mappers, on an
in-memory store that keeps the real store's version rule.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from contracts.dispatch import v1
from contracts.intake.v1 import Emergency, RequestedItem, RequestKind
from dispatch.adapters.inbound.intake_v1 import dispatch_request
from dispatch.adapters.outbound.events_v1 import to_integration
from dispatch.adapters.outbound.reports_v1 import month_reported
from dispatch.domain.commands import (
    CompleteWorkOrder,
    RecordOnWorkOrder,
    SaveTechnician,
    TakeStep,
    WorkOrderDeadlineReached,
)
from dispatch.domain.field_records import Drawn
from dispatch.domain.monthly_report import MonthlyReporting
from dispatch.domain.roster import RosterStatus, TechnicianRoster, roster_id
from dispatch.domain.technician import Need, Technician, choose_technician
from dispatch.domain.work_order import (
    ACCEPTANCE_DUE,
    ARRIVAL_DUE,
    ASSIGNMENT_RETRY,
    COMPLETION_DUE,
    DISPATCH_DUE,
    RETRY_ASSIGNMENT,
    TRANSITIONS,
    WITH_TECHNICIAN,
    Actor,
    Board,
    CompletionReport,
    InvalidCompletion,
    ItemUsed,
    PaymentMethod,
    SignOff,
    Step,
    WorkOrder,
    WorkOrderStatus,
)
from dispatch.service_layer.handlers import HANDLERS
from hotline_libs.bus import MessageBus
from hotline_libs.errors import Conflict, NotFound, NotYours, RuleViolation

from tests import builders
from tests.builders import NOW
from tests.fakes import Clock, FakeRepository, FakeUnitOfWork, MemoryStore
from tests.unit.test_work_order_table import order as work_order

LI = Technician("dmg-t01", "dmg", "李强", "+8613900000101", frozenset({"maintenance"}))
ZHAO = Technician("dmg-t02", "dmg", "赵敏", "+8613900000102", frozenset({"maintenance"}))
SUN = Technician("dmg-h01", "dmg", "孙丽", "+8613900000103", frozenset({"housekeeping"}))
TECH = Actor("dmg-t01", "technician", "李强")


class FakeWorkOrders(FakeRepository[WorkOrder]):
    collection_name = "work_orders"

    def identity(self, aggregate: WorkOrder) -> str:
        return str(aggregate.work_order_id)

    async def open_per_technician(self, site_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for order in self.stored():
            if order.site_id == site_id and order.status in WITH_TECHNICIAN:
                assert order.technician is not None
                key = order.technician.technician_id
                counts[key] = counts.get(key, 0) + 1
        return counts

    async def waiting_at(self, site_id: str) -> list[WorkOrder]:
        return self.tracked_where(
            lambda o: o.site_id == site_id and o.status is WorkOrderStatus.AWAITING_TECHNICIAN,
            lambda o: o.accepted_at,
        )

    async def created_between(
        self, site_id: str, start: datetime, end: datetime
    ) -> list[WorkOrder]:
        return [o for o in self.stored() if o.site_id == site_id and start <= o.created_at < end]


class FakeTechnicians(FakeRepository[Technician]):
    collection_name = "technicians"

    def identity(self, aggregate: Technician) -> str:
        return aggregate.technician_id

    async def at_site(self, site_id: str) -> list[Technician]:
        return sorted(
            (t for t in self.stored() if t.site_id == site_id), key=lambda t: t.technician_id
        )


class FakeRosters(FakeRepository[TechnicianRoster]):
    collection_name = "technician_rosters"

    def identity(self, aggregate: TechnicianRoster) -> str:
        return aggregate.roster_id

    async def of_month(self, site_id: str, month: str) -> TechnicianRoster | None:
        return await self.get(roster_id(site_id, month))

    async def published(self, site_id: str, month: str) -> TechnicianRoster | None:
        roster = await self.of_month(site_id, month)
        return roster if roster is not None and roster.status is RosterStatus.PUBLISHED else None


class FakeMonthlyReports(FakeRepository[MonthlyReporting]):
    collection_name = "monthly_reports"

    def identity(self, aggregate: MonthlyReporting) -> str:
        return aggregate.site_id


class FakeDispatchUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: MemoryStore, clock: Clock) -> None:
        super().__init__(store, clock)
        self.work_orders = FakeWorkOrders(store, self, to_integration)
        self.technicians = FakeTechnicians(store, self, None)
        self.rosters = FakeRosters(store, self, None)
        self.monthly_reports = FakeMonthlyReports(store, self, month_reported)


class Dispatch:
    """Dispatch's service layer on a memory store, with a clock the test sets."""

    def __init__(self, *technicians: Technician) -> None:
        self.store = MemoryStore()
        self.clock = Clock(NOW)
        self.bus = MessageBus(HANDLERS, uow=lambda: FakeDispatchUnitOfWork(self.store, self.clock))
        for technician in technicians or (LI, ZHAO, SUN):
            self.save_technician(technician)

    def save_technician(self, technician: Technician) -> None:
        """As if saved earlier (by a supervisor, or a roster)."""
        stored = replace(technician)
        stored.version = 1
        self.store.saved("technicians")[technician.technician_id] = stored

    async def handle(self, command: Any) -> Any:
        return await self.bus.handle(command)

    def orders(self) -> list[WorkOrder]:
        return list(self.store.saved("work_orders").values())

    def published(self, kind: type[Any]) -> list[Any]:
        return self.store.published_of(kind)


REPAIR = Need("dmg", "maintenance")
CLEANING = Need("dmg", "housekeeping")


def test_the_least_busy_technician_of_the_trade_gets_the_order() -> None:
    assert choose_technician([LI, ZHAO, SUN], {"dmg-t01": 2, "dmg-t02": 1}, REPAIR) == ZHAO
    assert choose_technician([LI, ZHAO, SUN], {}, REPAIR) == LI
    assert choose_technician([LI, ZHAO, SUN], {}, CLEANING) == SUN
    assert choose_technician([LI, replace(SUN, on_duty=False)], {}, CLEANING) is None


def test_every_change_of_a_work_order_is_in_one_table() -> None:
    assert set(TRANSITIONS) == set(WorkOrderStatus)
    assert TRANSITIONS[WorkOrderStatus.VOIDED] == TRANSITIONS[WorkOrderStatus.CLOSED] == {}


async def test_dsp02_an_accepted_repair_is_dispatched_with_its_15_minute_deadline() -> None:
    dispatch = Dispatch()
    dispatch.clock.now = NOW + timedelta(minutes=3)
    accepted = builders.request_accepted()
    order = await dispatch.handle(dispatch_request(accepted))
    assert order.technician.technician_id == "dmg-t01"
    [event] = dispatch.published(v1.WorkOrderDispatched)
    assert event.payload.dispatch_due_at == NOW + timedelta(minutes=15)
    assert event.payload.dispatched_on_time
    assert event.causation_id == accepted.event_id
    assert event.aggregate_version == 1
    # once a technician has it: the time to take it (DSP-03) and to finish routine work
    assert order.deadlines() == {
        ACCEPTANCE_DUE: NOW + timedelta(minutes=13),
        COMPLETION_DUE: NOW + timedelta(hours=48),
    }


async def test_dsp02_a_late_dispatch_is_reported_as_late() -> None:
    dispatch = Dispatch()
    dispatch.clock.now = NOW + timedelta(minutes=16)
    await dispatch.handle(dispatch_request(builders.request_accepted()))
    [event] = dispatch.published(v1.WorkOrderDispatched)
    assert not event.payload.dispatched_on_time


async def test_a_redelivered_request_does_not_dispatch_twice() -> None:
    dispatch = Dispatch()
    accepted = builders.request_accepted()
    first = await dispatch.handle(dispatch_request(accepted))
    second = await dispatch.handle(dispatch_request(accepted))
    assert first.work_order_id == second.work_order_id
    assert len(dispatch.orders()) == 1
    assert len(dispatch.published(v1.WorkOrderDispatched)) == 1


async def test_a_consultation_needs_no_work_order() -> None:
    dispatch = Dispatch()
    accepted = builders.request_accepted(kind=RequestKind.CONSULTATION)
    assert await dispatch.handle(dispatch_request(accepted)) is None
    assert dispatch.orders() == []


async def test_nobody_on_duty_leaves_the_order_waiting_visibly_and_tells_the_supervisor() -> None:
    dispatch = Dispatch(LI, replace(SUN, on_duty=False))
    accepted = builders.request_accepted(kind=RequestKind.HOUSEKEEPING)
    order = await dispatch.handle(dispatch_request(accepted))
    assert order.status is WorkOrderStatus.AWAITING_TECHNICIAN
    assert order.waiting_reason == (
        "site 'dmg' has no housekeeping technician (glass_cleaning) on duty or on shift"
    )
    [alert] = dispatch.published(v1.WorkOrderAwaitingTechnician)
    assert alert.payload.trade == "housekeeping"
    assert alert.payload.work_order_no == order.work_order_no
    assert order.deadlines() == {
        DISPATCH_DUE: NOW + timedelta(minutes=15),
        RETRY_ASSIGNMENT: NOW + ASSIGNMENT_RETRY,
        COMPLETION_DUE: NOW + timedelta(hours=48),
    }
    assert dispatch.published(v1.WorkOrderDispatched) == []


async def test_a_technician_coming_on_duty_takes_the_waiting_orders_oldest_first() -> None:
    dispatch = Dispatch(LI, replace(SUN, on_duty=False))
    older = builders.request_accepted(kind=RequestKind.HOUSEKEEPING)
    newer = builders.request_accepted(
        kind=RequestKind.HOUSEKEEPING, accepted_at=NOW + timedelta(minutes=1)
    )
    await dispatch.handle(dispatch_request(newer))
    await dispatch.handle(dispatch_request(older))
    dispatch.clock.now = NOW + timedelta(minutes=5)
    await dispatch.handle(
        SaveTechnician(
            "dmg-h01", "dmg", "孙丽", "+8613900000103", frozenset({"housekeeping"}), True
        )
    )
    dispatched = dispatch.published(v1.WorkOrderDispatched)
    assert [e.payload.request_id for e in dispatched] == [
        older.payload.request_id,
        newer.payload.request_id,
    ]
    assert all(e.payload.technician.name == "孙丽" for e in dispatched)
    assert all(
        o.status is WorkOrderStatus.DISPATCHED and DISPATCH_DUE not in o.deadlines()
        for o in dispatch.orders()
    )


async def test_inc02_a_waiting_emergency_goes_out_before_older_routine_work() -> None:
    """An emergency (a water leak) flagged by intake is dispatched first (INC-01, INC-02)."""
    dispatch = Dispatch(replace(LI, on_duty=False))
    routine = builders.request_accepted()
    leak = builders.request_accepted(
        accepted_at=NOW + timedelta(minutes=2), emergency=Emergency.WATER_LEAK
    )
    for accepted in (routine, leak):
        await dispatch.handle(dispatch_request(accepted))
    assert {o.emergency for o in dispatch.orders()} == {None, "water_leak"}
    dispatch.clock.now = NOW + timedelta(minutes=5)
    await dispatch.handle(
        SaveTechnician("dmg-t01", "dmg", "李强", "+8613900000101", frozenset({"maintenance"}), True)
    )
    dispatched = dispatch.published(v1.WorkOrderDispatched)
    assert [e.payload.request_id for e in dispatched] == [
        leak.payload.request_id,
        routine.payload.request_id,
    ]


async def test_a_new_technician_takes_the_waiting_orders_too() -> None:
    dispatch = Dispatch(LI)
    await dispatch.handle(
        dispatch_request(builders.request_accepted(kind=RequestKind.HOUSEKEEPING))
    )
    await dispatch.handle(
        SaveTechnician(
            "dmg-h09", "dmg", "钱多", "+8613900000109", frozenset({"housekeeping"}), True
        )
    )
    [event] = dispatch.published(v1.WorkOrderDispatched)
    assert event.payload.technician.technician_id == "dmg-h09"


async def test_dsp02_the_15_minutes_running_out_is_reported_once_with_how_late() -> None:
    dispatch = Dispatch(LI)
    order = await dispatch.handle(
        dispatch_request(builders.request_accepted(kind=RequestKind.HOUSEKEEPING))
    )
    due_at = NOW + timedelta(minutes=15)
    dispatch.clock.now = due_at + timedelta(seconds=42)
    fire = WorkOrderDeadlineReached(order.work_order_id, DISPATCH_DUE, due_at)
    await dispatch.handle(fire)
    await dispatch.handle(fire)  # a second poller, or a restart, fires it again: nothing happens
    [overdue] = dispatch.published(v1.WorkOrderDispatchOverdue)
    assert overdue.payload.overdue_by_s == 42
    assert overdue.payload.technician is None
    assert overdue.payload.trade == "housekeeping"
    [stored] = dispatch.orders()
    assert DISPATCH_DUE not in stored.deadlines() and stored.overdue_reported_at is not None


async def test_a_deadline_that_has_not_run_out_is_not_fired() -> None:
    dispatch = Dispatch(LI)
    order = await dispatch.handle(
        dispatch_request(builders.request_accepted(kind=RequestKind.HOUSEKEEPING))
    )
    await dispatch.handle(WorkOrderDeadlineReached(order.work_order_id, DISPATCH_DUE, NOW))
    assert dispatch.published(v1.WorkOrderDispatchOverdue) == []


async def test_the_retry_deadline_assigns_whoever_came_on_duty_without_being_saved_here() -> None:
    dispatch = Dispatch(LI, replace(SUN, on_duty=False))
    order = await dispatch.handle(
        dispatch_request(builders.request_accepted(kind=RequestKind.HOUSEKEEPING))
    )
    dispatch.save_technician(SUN)  # on duty from a roster, say
    dispatch.clock.now = NOW + ASSIGNMENT_RETRY
    await dispatch.handle(
        WorkOrderDeadlineReached(order.work_order_id, RETRY_ASSIGNMENT, NOW + ASSIGNMENT_RETRY)
    )
    [event] = dispatch.published(v1.WorkOrderDispatched)
    assert event.payload.technician.technician_id == "dmg-h01"


async def test_a_retry_finding_nobody_tries_again_later_without_telling_the_supervisor_twice() -> (
    None
):
    dispatch = Dispatch(LI)
    order = await dispatch.handle(
        dispatch_request(builders.request_accepted(kind=RequestKind.HOUSEKEEPING))
    )
    dispatch.clock.now = NOW + ASSIGNMENT_RETRY
    await dispatch.handle(
        WorkOrderDeadlineReached(order.work_order_id, RETRY_ASSIGNMENT, NOW + ASSIGNMENT_RETRY)
    )
    [stored] = dispatch.orders()
    # nobody again: the next look is twice as far off (a night with nobody on duty is not
    # rewritten every two minutes)
    assert stored.deadlines()[RETRY_ASSIGNMENT] == NOW + 3 * ASSIGNMENT_RETRY
    assert len(dispatch.published(v1.WorkOrderAwaitingTechnician)) == 1


def report(**overrides: Any) -> CompletionReport:
    values: dict[str, Any] = {
        "items": (ItemUsed("RP-TAP", 1, Decimal("80.00")),),
        "payment_method": PaymentMethod.CASH,
        "completed_at": NOW + timedelta(hours=1),
    }
    return CompletionReport(**{**values, **overrides})


async def _dispatched(dispatch: Dispatch) -> WorkOrder:
    order: WorkOrder = await dispatch.handle(dispatch_request(builders.request_accepted()))
    dispatch.clock.now = NOW + timedelta(hours=1)
    return order


async def test_acc01_completion_publishes_the_paid_items_and_agreed_price_once() -> None:
    dispatch = Dispatch()
    order = await _dispatched(dispatch)
    done, changed = await dispatch.handle(
        CompleteWorkOrder(order.work_order_id, report(), None, TECH)
    )
    again, changed_again = await dispatch.handle(
        CompleteWorkOrder(order.work_order_id, report(completed_at=None), None, TECH)
    )
    assert changed and not changed_again
    assert done.status is WorkOrderStatus.SIGNED_OFF and again.status is WorkOrderStatus.SIGNED_OFF
    [completed] = dispatch.published(v1.WorkOrderCompleted)
    assert [(i.item_code, i.quantity, i.agreed_unit_price) for i in completed.payload.items] == [
        ("RP-TAP", 1, Decimal("80.00"))
    ]
    assert completed.aggregate_version == 2


async def test_a_completion_without_a_time_is_now_and_its_retry_is_the_same_completion() -> None:
    dispatch = Dispatch()
    order = await _dispatched(dispatch)
    done, _ = await dispatch.handle(
        CompleteWorkOrder(order.work_order_id, report(completed_at=None), None, TECH)
    )
    dispatch.clock.now += timedelta(minutes=10)
    _, changed = await dispatch.handle(
        CompleteWorkOrder(order.work_order_id, report(completed_at=None), None, TECH)
    )
    assert done.completion.completed_at == NOW + timedelta(hours=1)
    assert not changed


async def test_completing_again_differently_is_a_conflict() -> None:
    dispatch = Dispatch()
    order = await _dispatched(dispatch)
    await dispatch.handle(CompleteWorkOrder(order.work_order_id, report(), None, TECH))
    with pytest.raises(Conflict, match="already completed differently"):
        await dispatch.handle(
            CompleteWorkOrder(
                order.work_order_id, report(items=(ItemUsed("RP-LOCK", 1),)), None, TECH
            )
        )


async def test_a_waiting_order_cannot_be_completed() -> None:
    dispatch = Dispatch(LI)
    order = await dispatch.handle(
        dispatch_request(builders.request_accepted(kind=RequestKind.HOUSEKEEPING))
    )
    with pytest.raises(Conflict, match="has not reached a technician"):
        await dispatch.handle(CompleteWorkOrder(order.work_order_id, report(), None, TECH))


async def test_another_sites_work_order_is_not_found() -> None:
    dispatch = Dispatch()
    order = await _dispatched(dispatch)
    with pytest.raises(NotFound):
        await dispatch.handle(
            CompleteWorkOrder(order.work_order_id, report(), frozenset({"gxi"}), TECH)
        )
    with pytest.raises(NotFound):
        await dispatch.handle(CompleteWorkOrder(uuid.uuid4(), report(), None, TECH))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"payment_method": None}, "payment_method is required"),
        ({"items": ()}, "no paid items were delivered"),
        (
            {"items": (ItemUsed("RP-TAP", 1), ItemUsed("RP-TAP", 2))},
            "lists an item_code twice",
        ),
        ({"completed_at": NOW - timedelta(hours=1)}, "before the work order was dispatched"),
        ({"completed_at": NOW + timedelta(days=2)}, "in the future"),
    ],
)
async def test_acc01_a_completion_that_breaks_acceptance_rules_changes_nothing(
    change: dict[str, Any], message: str
) -> None:
    dispatch = Dispatch()
    order = await _dispatched(dispatch)
    with pytest.raises(InvalidCompletion, match=message):
        await dispatch.handle(CompleteWorkOrder(order.work_order_id, report(**change), None, TECH))
    [stored] = dispatch.orders()
    assert stored.status is WorkOrderStatus.DISPATCHED
    assert dispatch.published(v1.WorkOrderCompleted) == []


async def test_two_completions_at_once_save_one_and_the_other_is_retried_from_a_fresh_read() -> (
    None
):
    dispatch = Dispatch()
    order = await _dispatched(dispatch)
    # a stale copy, as a second request read it before the first saved
    stale = FakeDispatchUnitOfWork(dispatch.store, dispatch.clock)
    stale_order = await stale.work_orders.get(order.work_order_id)
    await dispatch.handle(CompleteWorkOrder(order.work_order_id, report(), None, TECH))
    assert stale_order is not None
    stale_order.record_visit(report(), "SV-DMG-20261123-0009", dispatch.clock.now, TECH)
    with pytest.raises(Exception, match="changed meanwhile"):
        await stale.commit()
    assert len(dispatch.published(v1.WorkOrderCompleted)) == 1


def test_the_wait_between_looks_for_a_technician_doubles_up_to_a_cap() -> None:
    order = work_order(board=Board.HOUSEKEEPING, trade="housekeeping", description="擦玻璃")
    waits = []
    for _ in range(7):
        order.await_technician(NOW)
        assert order.next_assignment_try is not None
        waits.append(int((order.next_assignment_try - NOW).total_seconds() // 60))
    assert waits == [2, 4, 8, 16, 16, 16, 16]


async def _step(dispatch: Dispatch, order: WorkOrder, step: Step, **details: Any) -> Any:
    return await dispatch.handle(
        TakeStep(order.work_order_id, step, TECH, None, assigned_only="dmg-t01", **details)
    )


async def test_dsp03_dsp05_a_technician_takes_their_order_step_by_step_and_the_quote_opens_a_record() -> (
    None
):
    dispatch = Dispatch()
    paid = builders.request_accepted(items=[RequestedItem(item_code="RP-TAP", quantity=1)])
    order = await dispatch.handle(dispatch_request(paid))
    dispatch.clock.now = NOW + timedelta(hours=1)
    taken, changed = await _step(dispatch, order, Step.ACCEPT)
    _, again = await _step(dispatch, order, Step.ACCEPT)
    assert changed and not again and taken.taken_at == NOW + timedelta(hours=1)
    await _step(dispatch, order, Step.ARRIVE)
    with pytest.raises(RuleViolation, match="agree the fee"):
        await _step(dispatch, order, Step.START)
    quoted, _ = await _step(dispatch, order, Step.QUOTE, items=(ItemUsed("RP-TAP", 1),))
    assert quoted.quote.service_record_no.startswith("SV-DMG-")
    await _step(dispatch, order, Step.START)
    await _step(
        dispatch,
        order,
        Step.COMPLETE,
        report=CompletionReport(items=(), payment_method=PaymentMethod.CASH),
    )
    assert dispatch.published(v1.WorkOrderCompleted) == [], "not charged before the signature"
    signed, _ = await _step(dispatch, order, Step.SIGN_OFF, sign_off=SignOff("王芳", True))
    [completed] = dispatch.published(v1.WorkOrderCompleted)
    assert [i.item_code for i in completed.payload.items] == ["RP-TAP"]
    assert signed.status is WorkOrderStatus.SIGNED_OFF
    assert [c.step for c in signed.history][-1] is Step.SIGN_OFF
    # each step after the assignment is told for the request's timeline, once (a retried
    # acceptance is not told again), with who did it and why
    progressed = dispatch.published(v1.WorkOrderProgressed)
    assert [(p.payload.change_no, p.payload.step.value) for p in progressed] == [
        (2, "accept"),
        (3, "arrive"),
        (4, "quote"),
        (5, "start"),
        (6, "complete"),
        (7, "sign_off"),
    ]
    arrived = progressed[1].payload
    assert (arrived.from_status, arrived.to_status) == ("accepted", "arrived")
    assert arrived.actor_role == "technician" and arrived.actor_name == "李强"
    assert len({p.event_id for p in progressed}) == len(progressed)


async def test_a_technician_acts_only_on_the_orders_assigned_to_them() -> None:
    dispatch = Dispatch()
    order = await _dispatched(dispatch)
    with pytest.raises(NotYours, match="not assigned to you"):
        await dispatch.handle(
            TakeStep(order.work_order_id, Step.ACCEPT, TECH, None, assigned_only="dmg-t02")
        )
    with pytest.raises(NotYours):
        await dispatch.handle(
            CompleteWorkOrder(order.work_order_id, report(), None, TECH, assigned_only="dmg-t02")
        )
    [stored] = dispatch.orders()
    assert stored.status is WorkOrderStatus.DISPATCHED and stored.history[-1].step is Step.ASSIGN


async def test_duty_staff_reassign_to_a_technician_of_the_site_only() -> None:
    dispatch = Dispatch()
    order = await _dispatched(dispatch)
    desk = Actor("duty-01", "duty_staff", "值班员")
    moved, _ = await dispatch.handle(
        TakeStep(
            order.work_order_id,
            Step.REASSIGN,
            desk,
            None,
            technician_id="dmg-t02",
            reason="李强请假",
        )
    )
    assert moved.technician.technician_id == "dmg-t02"
    assert moved.history[-1].actor == desk and moved.history[-1].reason == "李强请假"
    first, second = dispatch.published(v1.WorkOrderDispatched)
    assert first.event_id != second.event_id, "the new technician is told too"
    assert second.payload.technician.technician_id == "dmg-t02"
    with pytest.raises(RuleViolation, match="no technician 'gxi-t01'"):
        await dispatch.handle(
            TakeStep(
                order.work_order_id, Step.REASSIGN, desk, None, technician_id="gxi-t01", reason="x"
            )
        )


async def _clock(dispatch: Dispatch, order: WorkOrder, name: str) -> None:
    stored = dispatch.store.saved("work_orders")[str(order.work_order_id)]
    due = stored.deadlines()[name]
    dispatch.clock.now = due + timedelta(seconds=5)
    await dispatch.handle(WorkOrderDeadlineReached(order.work_order_id, name, due))


async def test_dsp03_an_order_not_taken_in_time_goes_to_someone_else_on_duty_once() -> None:
    dispatch = Dispatch()
    order = await dispatch.handle(dispatch_request(builders.request_accepted()))
    assert order.technician.technician_id == "dmg-t01"
    await _clock(dispatch, order, ACCEPTANCE_DUE)
    [missed] = dispatch.published(v1.WorkOrderClockMissed)
    assert missed.payload.clock is v1.FieldClock.ACCEPTANCE
    assert missed.payload.technician.technician_id == "dmg-t01"
    assert missed.payload.reassigned_to.technician_id == "dmg-t02"
    [moved] = dispatch.orders()
    assert moved.technician is not None and moved.technician.technician_id == "dmg-t02"
    assert moved.status is WorkOrderStatus.DISPATCHED
    assert moved.history[-1].actor.role == "system"
    assert "not taken within 10 minutes by 李强" in moved.history[-1].reason
    # the same deadline delivered again (another replica) changes nothing; the new technician
    # has a clock of their own
    await dispatch.handle(
        WorkOrderDeadlineReached(order.work_order_id, ACCEPTANCE_DUE, NOW + timedelta(minutes=10))
    )
    assert len(dispatch.published(v1.WorkOrderClockMissed)) == 1
    assert moved.deadlines()[ACCEPTANCE_DUE] > dispatch.clock.now
    await _clock(dispatch, order, ACCEPTANCE_DUE)
    second = dispatch.published(v1.WorkOrderClockMissed)[-1]
    assert second.payload.reassigned_to.technician_id == "dmg-t01"
    assert len({e.event_id for e in dispatch.published(v1.WorkOrderClockMissed)}) == 2


async def test_dsp03_nobody_else_on_duty_keeps_the_order_and_tells_the_supervisor() -> None:
    dispatch = Dispatch(LI, SUN)
    order = await dispatch.handle(dispatch_request(builders.request_accepted()))
    await _clock(dispatch, order, ACCEPTANCE_DUE)
    [missed] = dispatch.published(v1.WorkOrderClockMissed)
    assert missed.payload.reassigned_to is None
    [kept] = dispatch.orders()
    assert kept.technician is not None and kept.technician.technician_id == "dmg-t01"
    assert ACCEPTANCE_DUE not in kept.deadlines()


async def test_dsp04_nobody_at_the_appointment_is_reported_and_a_new_time_starts_a_new_clock() -> (
    None
):
    dispatch = Dispatch()
    accepted = builders.request_accepted()
    order = await dispatch.handle(
        replace(dispatch_request(accepted), appointment_at=NOW + timedelta(hours=2))
    )
    await _step(dispatch, order, Step.ACCEPT)
    await _clock(dispatch, order, ARRIVAL_DUE)
    [missed] = dispatch.published(v1.WorkOrderClockMissed)
    assert missed.payload.clock is v1.FieldClock.ARRIVAL
    assert missed.payload.due_at == NOW + timedelta(hours=2)
    desk = Actor("duty-01", "duty_staff", "值班员")
    await dispatch.handle(
        TakeStep(
            order.work_order_id,
            Step.RESCHEDULE,
            desk,
            None,
            appointment_at=NOW + timedelta(days=1),
            reason="住户改约",
        )
    )
    [stored] = dispatch.orders()
    assert stored.deadlines()[ARRIVAL_DUE] == NOW + timedelta(days=1)
    arrived, _ = await _step(dispatch, order, Step.ARRIVE)
    assert arrived.arrived_late is False and ARRIVAL_DUE not in arrived.deadlines()


async def test_emergency_work_not_finished_in_four_hours_is_reported_once() -> None:
    dispatch = Dispatch()
    order = await dispatch.handle(
        dispatch_request(builders.request_accepted(emergency=Emergency.WATER_LEAK))
    )
    assert order.deadlines()[COMPLETION_DUE] == NOW + timedelta(hours=4)
    await _clock(dispatch, order, COMPLETION_DUE)
    [missed] = dispatch.published(v1.WorkOrderClockMissed)
    assert missed.payload.clock is v1.FieldClock.COMPLETION and missed.payload.emergency
    [stored] = dispatch.orders()
    assert COMPLETION_DUE not in stored.deadlines()


async def _draw(dispatch: Dispatch, order: WorkOrder, **details: Any) -> Any:
    return await dispatch.handle(
        RecordOnWorkOrder(order.work_order_id, "draw", TECH, None, "dmg-t01", **details)
    )


async def test_dsp07_dsp08_materials_the_customer_pays_for_are_charged_as_used() -> None:
    """A valve drawn as the price list's MT-VALVE, two out and one back, is charged once with
    the work; a tool is never charged; what was charged cannot come back afterwards."""
    dispatch = Dispatch()
    order = await _dispatched(dispatch)
    await _step(dispatch, order, Step.ACCEPT)
    await _step(dispatch, order, Step.ARRIVE)
    with pytest.raises(RuleViolation) as tool:
        await _draw(dispatch, order, item="管钳", quantity=1, kind=Drawn.TOOL, charge_as="TL-X")
    assert tool.value.field == "charge_as"
    _, line = await _draw(dispatch, order, item="DN15 角阀", quantity=2, charge_as="MT-VALVE")
    await _draw(dispatch, order, item="生料带", quantity=1)  # the site bears it
    await dispatch.handle(
        RecordOnWorkOrder(
            order.work_order_id, "give_back", TECH, None, "dmg-t01", number=line, quantity=1
        )
    )
    await _step(dispatch, order, Step.START)
    with pytest.raises(InvalidCompletion) as unpaid:
        await _step(
            dispatch, order, Step.COMPLETE, report=CompletionReport(items=(), payment_method=None)
        )
    assert unpaid.value.field == "payment_method"
    await _step(
        dispatch,
        order,
        Step.COMPLETE,
        report=CompletionReport(items=(), payment_method=PaymentMethod.CASH),
    )
    with pytest.raises(Conflict, match="charged to the customer"):
        await dispatch.handle(
            RecordOnWorkOrder(
                order.work_order_id, "give_back", TECH, None, "dmg-t01", number=line, quantity=1
            )
        )
    await _step(dispatch, order, Step.SIGN_OFF, sign_off=SignOff("王芳", True))
    [completed] = dispatch.published(v1.WorkOrderCompleted)
    assert [(i.item_code, i.quantity) for i in completed.payload.items] == [("MT-VALVE", 1)]
    assert completed.payload.payment_method is not None


# -- rectification (整改) -------------------------------------------------------------------------


def rectification_opened(order: WorkOrder, loop: int = 1, **overrides: Any) -> Any:
    """Callback's event: a callback found ``order``'s work wanting."""
    from contracts.callback.v1 import RectificationOpened, RectificationOpenedPayload
    from dispatch.adapters.inbound.callback_v1 import open_rectification_order

    rectification_id = overrides.pop("rectification_id", uuid.UUID(int=77))
    payload = {
        "rectification_id": rectification_id,
        "request_id": order.request_id,
        "request_no": order.request_no,
        "work_order_id": order.work_order_id,
        "resident": builders.resident(),
        "loop": loop,
        "limit": 2,
        "callback_id": uuid.uuid4(),
        "opinion": "门还是关不严",
        "opened_at": NOW + timedelta(days=1),
        **overrides,
    }
    event = RectificationOpened.build(
        event_id=uuid.uuid4(),
        producer="callback",
        site_id=order.site_id,
        correlation_id=order.request_id,
        payload=RectificationOpenedPayload(**payload),
    )
    return open_rectification_order(event)


async def test_cb07_an_unsatisfied_callback_sends_a_technician_to_put_the_work_right() -> None:
    dispatch = Dispatch()
    order = await _dispatched(dispatch)
    await dispatch.handle(CompleteWorkOrder(order.work_order_id, report(), None, TECH))
    dispatch.clock.now = NOW + timedelta(days=1)
    rework: WorkOrder = await dispatch.handle(rectification_opened(order))
    again: WorkOrder = await dispatch.handle(rectification_opened(order))  # redelivered
    assert again.work_order_id == rework.work_order_id and len(dispatch.orders()) == 2
    assert rework.work_order_id != order.work_order_id
    assert rework.request_id == order.request_id and rework.trade == order.trade
    assert rework.rectification_id == uuid.UUID(int=77)
    assert rework.requested_items == ()  # putting it right is free
    assert "门还是关不严" in rework.description and order.work_order_no in rework.description
    assert rework.status is WorkOrderStatus.DISPATCHED and rework.technician is not None
    second = await dispatch.handle(rectification_opened(order, loop=2))
    assert second.work_order_id not in (order.work_order_id, rework.work_order_id)

    dispatch.clock.now = NOW + timedelta(days=2)
    free = report(items=(), payment_method=None, completed_at=NOW + timedelta(days=2))
    done, _ = await dispatch.handle(CompleteWorkOrder(rework.work_order_id, free, None, TECH))
    completed = [
        e
        for e in dispatch.published(v1.WorkOrderCompleted)
        if e.payload.work_order_id == done.work_order_id
    ]
    assert [e.payload.rectification_id for e in completed] == [uuid.UUID(int=77)]
    assert completed[0].payload.items == []


async def test_a_complaints_rectification_or_an_unknown_order_sends_nobody() -> None:
    dispatch = Dispatch()
    order = await _dispatched(dispatch)
    assert rectification_opened(order, work_order_id=None) is None
    elsewhere = replace(order, work_order_id=uuid.uuid4())
    assert await dispatch.handle(rectification_opened(elsewhere)) is None
    assert len(dispatch.orders()) == 1
