"""Work orders on the real store: a walked order reads back whole (its history with actors and
reasons, the quote and its service record, the signature, the clocks it was made with), the
running clock is the one the deadline poller finds, and orders completed before sign-off was a
step of its own read as signed off (DSP-03, DSP-05, ACC-01)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from dispatch.adapters.mongo.unit_of_work import MongoDispatchUnitOfWork
from dispatch.adapters.mongo.work_orders import WORK_ORDERS
from dispatch.domain.technician import Technician
from dispatch.domain.work_order import (
    ACCEPTANCE_DUE,
    Actor,
    CompletionReport,
    FieldClocks,
    ItemUsed,
    PaymentMethod,
    SignOff,
    Step,
    WorkOrder,
    WorkOrderStatus,
)
from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import NEXT_DEADLINE_FIELD
from pymongo.asynchronous.database import AsyncDatabase

from tests import builders
from tests.fakes import Clock
from tests.unit.test_work_order_table import order

pytestmark = pytest.mark.infra

NOW = builders.NOW
LI = Technician("dmg-t01", "dmg", "李强", "+8613900000101", frozenset({"maintenance"}))
TECH = Actor("dmg-t01", "technician", "李强")


def _order() -> WorkOrder:
    return order(
        paid=True,
        appointment_at=NOW + timedelta(hours=1),
        clocks=FieldClocks(accept_within=timedelta(minutes=7)),
    )


async def test_a_walked_work_order_reads_back_whole(db: AsyncDatabase[Document]) -> None:
    clock = Clock(NOW)
    uow = MongoDispatchUnitOfWork(db, clock=clock)
    order = _order()
    order.assign(LI, NOW + timedelta(minutes=1))
    uow.work_orders.add(order)
    await uow.commit()
    stored = await db[WORK_ORDERS].find_one({"_id": str(order.work_order_id)})
    assert stored is not None
    # the poller finds the running clock: the 7 minutes to take it, from the dispatch
    assert stored[NEXT_DEADLINE_FIELD] == NOW + timedelta(minutes=8)

    uow = MongoDispatchUnitOfWork(db, clock=clock)
    walked = await uow.work_orders.get(order.work_order_id)
    assert walked is not None and walked.clocks.accept_within == timedelta(minutes=7)
    later = NOW + timedelta(minutes=30)
    walked.accept(later, TECH)
    walked.arrive(later + timedelta(minutes=40), TECH)
    tap = ItemUsed("RP-TAP", 1, Decimal("80.00"))
    walked.agree_fee((tap,), "SV-DMG-20261123-0001", later, TECH)
    walked.start(later, TECH)
    walked.complete(CompletionReport((), PaymentMethod.CASH), later, TECH)
    walked.sign(SignOff("王芳", True, signature_ref="sig/1.png"), later, TECH)
    await uow.commit()

    read = await MongoDispatchUnitOfWork(db, clock=clock).work_orders.get(order.work_order_id)
    assert read is not None and read.status is WorkOrderStatus.SIGNED_OFF
    assert read.history == walked.history and read.history[0].step is Step.ASSIGN
    assert read.history[1].actor == TECH
    assert read.quote == walked.quote and read.quote is not None
    assert read.quote.items[0].agreed_unit_price == Decimal("80.00")
    assert read.completion is not None and read.completion.items == (tap,)
    assert read.sign_off == walked.sign_off and read.arrived_late is True
    assert read.requested_items == (ItemUsed("RP-TAP", 1),)
    assert read.deadlines() == {}


async def test_an_order_completed_before_sign_off_was_a_step_reads_as_signed_off(
    db: AsyncDatabase[Document],
) -> None:
    clock = Clock(NOW)
    uow = MongoDispatchUnitOfWork(db, clock=clock)
    order = _order()
    order.assign(LI, NOW)
    uow.work_orders.add(order)
    await uow.commit()
    # as a completion was stored then: resident_signed in the completion, no history, no clocks
    await db[WORK_ORDERS].update_one(
        {"_id": str(order.work_order_id)},
        {
            "$set": {
                "status": "completed",
                "completion": {
                    "completed_at": NOW + timedelta(hours=1),
                    "items": [],
                    "payment_method": None,
                    "resident_signed": True,
                },
            },
            "$unset": {"history": "", "clocks": ""},
        },
    )
    read = await MongoDispatchUnitOfWork(db, clock=clock).work_orders.get(order.work_order_id)
    assert read is not None and read.status is WorkOrderStatus.SIGNED_OFF
    assert read.sign_off is not None and read.sign_off.signed_by == "王芳"
    assert read.clocks == FieldClocks() and ACCEPTANCE_DUE not in read.deadlines()
