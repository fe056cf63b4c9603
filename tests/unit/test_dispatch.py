"""Dispatch: assigning technicians within 15 minutes and recording acceptance (派工, 验收)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from contracts.dispatch.v1 import WorkOrderCompleted, WorkOrderDispatched
from contracts.envelope import PaymentMethod
from contracts.intake.v1 import RequestKind
from dispatch.domain.model import (
    Completion,
    InvalidCompletion,
    ItemUsed,
    NoTechnicianAvailable,
    Technician,
    WorkOrder,
    WorkOrderStatus,
    choose_technician,
)
from dispatch.service_layer.services import complete_work_order, dispatch_request
from hotline_libs.errors import Conflict

from contracts import Event
from tests import builders
from tests.builders import NOW
from tests.fakes import CountingSerials

SERIALS = CountingSerials()

LI = Technician("dmg-t01", "dmg", "李强", "+8613900000101", frozenset({"maintenance"}))
ZHAO = Technician("dmg-t02", "dmg", "赵敏", "+8613900000102", frozenset({"maintenance"}))
SUN = Technician("dmg-h01", "dmg", "孙丽", "+8613900000103", frozenset({"housekeeping"}))


class FakeWorkOrders:
    def __init__(self) -> None:
        self.orders: dict[uuid.UUID, WorkOrder] = {}
        self.events: list[Event[Any]] = []

    async def add(self, order: WorkOrder, events: list[Event[Any]]) -> bool:
        if order.work_order_id in self.orders:
            return False
        self.orders[order.work_order_id] = replace(order)
        self.events += events
        return True

    async def get(self, work_order_id: uuid.UUID) -> WorkOrder | None:
        order = self.orders.get(work_order_id)
        return None if order is None else replace(order)

    async def save_completion(self, order: WorkOrder, events: list[Event[Any]]) -> bool:
        if self.orders[order.work_order_id].status is WorkOrderStatus.COMPLETED:
            return False
        self.orders[order.work_order_id] = replace(order)
        self.events += events
        return True


class FakeTechnicians:
    def __init__(self) -> None:
        self.open_orders: dict[str, int] = {}

    async def at_site(self, site_id: str) -> list[Technician]:
        return [t for t in (LI, ZHAO, SUN) if t.site_id == site_id]

    async def workload(self, site_id: str) -> dict[str, int]:
        return dict(self.open_orders)

    async def change_workload(self, technician_id: str, delta: int) -> None:
        self.open_orders[technician_id] = self.open_orders.get(technician_id, 0) + delta


def test_the_least_busy_technician_of_the_trade_gets_the_order() -> None:
    assert (
        choose_technician([LI, ZHAO, SUN], {"dmg-t01": 2, "dmg-t02": 1}, "maintenance", "dmg")
        == ZHAO
    )
    assert choose_technician([LI, ZHAO, SUN], {}, "maintenance", "dmg") == LI
    assert choose_technician([LI, ZHAO, SUN], {}, "housekeeping", "dmg") == SUN


def test_no_technician_on_duty_is_a_clear_error() -> None:
    off = replace(SUN, on_duty=False)
    with pytest.raises(NoTechnicianAvailable, match="no housekeeping technician on duty"):
        choose_technician([LI, off], {}, "housekeeping", "dmg")


async def test_an_accepted_repair_is_dispatched_with_its_15_minute_deadline() -> None:
    orders = FakeWorkOrders()
    accepted = builders.request_accepted()
    order = await dispatch_request(
        accepted,
        orders=orders,
        technicians=FakeTechnicians(),
        serials=SERIALS,
        now=NOW + timedelta(minutes=3),
    )
    assert order is not None
    assert order.technician == LI
    [event] = orders.events
    assert isinstance(event, WorkOrderDispatched)
    assert event.payload.dispatch_due_at == NOW + timedelta(minutes=15)
    assert event.payload.dispatched_on_time
    assert event.causation_id == accepted.event_id


async def test_a_late_dispatch_is_reported_as_late() -> None:
    orders = FakeWorkOrders()
    await dispatch_request(
        builders.request_accepted(),
        orders=orders,
        technicians=FakeTechnicians(),
        serials=SERIALS,
        now=NOW + timedelta(minutes=16),
    )
    [event] = orders.events
    assert isinstance(event, WorkOrderDispatched)
    assert not event.payload.dispatched_on_time


async def test_a_redelivered_request_does_not_dispatch_twice() -> None:
    orders = FakeWorkOrders()
    accepted = builders.request_accepted()
    first = await dispatch_request(
        accepted, orders=orders, technicians=FakeTechnicians(), serials=SERIALS, now=NOW
    )
    second = await dispatch_request(
        accepted, orders=orders, technicians=FakeTechnicians(), serials=SERIALS, now=NOW
    )
    assert first is not None and second is not None
    assert first.work_order_id == second.work_order_id
    assert len(orders.orders) == 1 and len(orders.events) == 1


async def test_a_consultation_needs_no_work_order() -> None:
    orders = FakeWorkOrders()
    accepted = builders.request_accepted(kind=RequestKind.CONSULTATION)
    assert (
        await dispatch_request(
            accepted, orders=orders, technicians=FakeTechnicians(), serials=SERIALS, now=NOW
        )
        is None
    )
    assert orders.orders == {}


async def _dispatched(orders: FakeWorkOrders) -> WorkOrder:
    order = await dispatch_request(
        builders.request_accepted(),
        orders=orders,
        technicians=FakeTechnicians(),
        serials=SERIALS,
        now=NOW,
    )
    assert order is not None
    return order


def completion(**overrides: Any) -> Completion:
    values: dict[str, Any] = {
        "completed_at": NOW + timedelta(hours=1),
        "items": (ItemUsed("RP-TAP", 1),),
        "payment_method": PaymentMethod.CASH,
        "resident_signed": True,
    }
    return Completion(**{**values, **overrides})


async def test_completion_publishes_the_paid_items_once() -> None:
    orders = FakeWorkOrders()
    order = await _dispatched(orders)
    done, changed = await complete_work_order(
        order.work_order_id,
        completion(),
        orders=orders,
        technicians=FakeTechnicians(),
        now=NOW + timedelta(hours=1),
    )
    again, changed_again = await complete_work_order(
        order.work_order_id,
        completion(),
        orders=orders,
        technicians=FakeTechnicians(),
        now=NOW + timedelta(hours=2),
    )
    assert changed and not changed_again
    assert done.status is WorkOrderStatus.COMPLETED
    completed = [e for e in orders.events if isinstance(e, WorkOrderCompleted)]
    assert len(completed) == 1
    assert [(i.item_code, i.quantity) for i in completed[0].payload.items] == [("RP-TAP", 1)]
    assert again.status is WorkOrderStatus.COMPLETED


async def test_completing_again_differently_is_a_conflict() -> None:
    orders = FakeWorkOrders()
    order = await _dispatched(orders)
    await complete_work_order(
        order.work_order_id,
        completion(),
        orders=orders,
        technicians=FakeTechnicians(),
        now=NOW + timedelta(hours=1),
    )
    with pytest.raises(Conflict, match="already completed differently"):
        await complete_work_order(
            order.work_order_id,
            completion(items=(ItemUsed("RP-TAP", 2),)),
            orders=orders,
            technicians=FakeTechnicians(),
            now=NOW + timedelta(hours=1),
        )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"resident_signed": False}, "resident_signed must be true"),
        ({"payment_method": None}, "payment_method is required"),
        ({"items": (), "payment_method": PaymentMethod.CASH}, "no paid items were delivered"),
        ({"items": (ItemUsed("RP-TAP", 1), ItemUsed("RP-TAP", 1))}, "twice"),
        ({"completed_at": NOW - timedelta(hours=1)}, "before the work order was dispatched"),
        ({"completed_at": NOW + timedelta(days=2)}, "in the future"),
    ],
)
async def test_a_completion_that_breaks_acceptance_rules_changes_nothing(
    overrides: dict[str, Any], message: str
) -> None:
    orders = FakeWorkOrders()
    order = await _dispatched(orders)
    with pytest.raises(InvalidCompletion, match=message):
        await complete_work_order(
            order.work_order_id,
            completion(**overrides),
            orders=orders,
            technicians=FakeTechnicians(),
            now=NOW + timedelta(hours=1),
        )
    assert orders.orders[order.work_order_id].status is WorkOrderStatus.DISPATCHED
    assert len(orders.events) == 1
