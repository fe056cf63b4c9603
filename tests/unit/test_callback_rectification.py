"""Callback: complaints called back under the policy (CB-10, CB-11), and rectification (整改) when
the resident is not satisfied, followed until a later callback records satisfaction, every loop
counted, escalated past the site's limit (CB-07, CB-09)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from callback.adapters.inbound.events_v1 import schedule_complaint_callback
from callback.domain.callback import Callback, CallbackReason, CallbackStatus, Method
from callback.domain.rectification import Rectification, RectificationStatus
from callback.domain.sample import kept_at_rate
from callback.service_layer.handlers import complaint_callback_id_for, rectification_id_for
from contracts.callback import v1, v2
from contracts.envelope import PaymentMethod
from hotline_libs.ids import event_id

from tests import builders
from tests.builders import NOW
from tests.unit.test_callback import Callbacks, outcome, paid_completion

# -- complaints ------------------------------------------------------------------------------


async def test_cb11_every_valid_complaint_is_called_back_within_two_working_days() -> None:
    callbacks = Callbacks()
    resolved = builders.complaint_resolved()  # Monday 23 November 2026
    callback = await complaint(callbacks, resolved)
    assert callback.callback_id == complaint_callback_id_for(resolved.payload.request_id)
    assert callback.status is CallbackStatus.SCHEDULED
    assert callback.reason is CallbackReason.AFTER_COMPLAINT
    assert callback.work_order_id is None and callback.draw is None
    assert callback.due_on == date(2026, 11, 25)
    assert callback.completed is not None
    assert callback.completed.request_no == resolved.payload.request_no
    again = await complaint(callbacks, resolved)  # redelivered
    assert again.callback_id == callback.callback_id and len(callbacks.stored()) == 1
    # v1 of CallbackScheduled follows a work order: a complaint's is announced in v2 only
    assert callbacks.published(v1.CallbackScheduled) == []
    [scheduled] = callbacks.published(v2.CallbackScheduled)
    assert scheduled.event_id == event_id(v2.CallbackScheduled, callback.callback_id)
    assert scheduled.payload.work_order_id is None
    assert scheduled.payload.request_id == resolved.payload.request_id
    assert scheduled.payload.reason is v1.CallbackReason.AFTER_COMPLAINT
    assert scheduled.payload.due_on == date(2026, 11, 25)
    assert scheduled.payload.payment_method is None


async def test_cb01_cb11_a_complaints_callback_not_made_in_time_is_reported_overdue_in_v2() -> None:
    callbacks = Callbacks()
    callback = await complaint(callbacks, builders.complaint_resolved())
    [due_at] = callback.deadlines().values()
    callbacks.clock.now = due_at + timedelta(minutes=5)
    await callbacks.fire(callback.callback_id, due_at)
    assert callbacks.published(v1.CallbackOverdue) == []
    [overdue] = callbacks.published(v2.CallbackOverdue)
    assert overdue.payload.work_order_id is None
    assert overdue.payload.reason is v1.CallbackReason.AFTER_COMPLAINT
    assert overdue.payload.due_on == date(2026, 11, 25)
    assert overdue.payload.overdue_by_s == 300


async def complaint(callbacks: Callbacks, resolved: Any) -> Callback:
    callback: Callback = await callbacks.handle(schedule_complaint_callback(resolved))
    return callback


async def test_cb10_invalid_complaints_are_sampled_so_half_of_all_handled_are_called_back() -> None:
    callbacks = Callbacks()
    invalid = [
        await complaint(callbacks, builders.complaint_resolved(valid=False)) for _ in range(20)
    ]
    valid = [await complaint(callbacks, builders.complaint_resolved()) for _ in range(4)]
    for n in range(1, 21):
        drawn = sum(c.status is CallbackStatus.SCHEDULED for c in invalid[:n])
        assert drawn >= kept_at_rate(n, 50)
    assert all(c.status is CallbackStatus.SCHEDULED for c in valid)
    handled = invalid + valid
    called = sum(c.status is CallbackStatus.SCHEDULED for c in handled)
    assert called * 2 >= len(handled)  # the company's ≥ 50% (CB-10)


async def test_cb05_a_complaints_callback_outcome_is_published_for_its_register() -> None:
    callbacks = Callbacks()
    callback = await complaint(callbacks, builders.complaint_resolved())
    await callbacks.handle(outcome(callback.callback_id, satisfied=True))
    [made] = callbacks.published(v1.CallbackMade)
    assert made.event_id == event_id(v1.CallbackMade, callback.callback_id)
    assert made.payload.work_order_id is None
    assert made.payload.reason is v1.CallbackReason.AFTER_COMPLAINT
    assert made.payload.satisfied and made.payload.method is v1.CallbackMethod.PHONE


# -- rectification of a work order's case ------------------------------------------------------


async def _unsatisfied_paid_service(callbacks: Callbacks) -> tuple[Any, Callback]:
    completed = paid_completion(payment_method=PaymentMethod.CASH)
    callback = await callbacks.completed(completed)
    await callbacks.handle(
        outcome(callback.callback_id, satisfied=False, opinion="门还是关不严", agent="dmg-cs02")
    )
    return completed, callback


def _rectifications(callbacks: Callbacks) -> list[Rectification]:
    return list(callbacks.store.saved("rectifications").values())


async def _rework_done(
    callbacks: Callbacks, completed: Any, rectification_id: uuid.UUID
) -> Callback:
    """Dispatch's rectification order for the same request, completed (free work)."""
    rework = builders.work_order_completed(
        request_id=completed.payload.request_id,
        rectification_id=rectification_id,
        completed_at=NOW + timedelta(days=1),
    )
    return await callbacks.completed(rework)


async def test_cb07_an_unsatisfied_callback_sends_the_work_back_and_a_satisfied_one_closes_it() -> (
    None
):
    callbacks = Callbacks()
    completed, first = await _unsatisfied_paid_service(callbacks)
    [rectification] = _rectifications(callbacks)
    assert rectification.rectification_id == rectification_id_for(first.callback_id)
    assert rectification.status is RectificationStatus.OPEN and rectification.limit == 2
    assert rectification.work_order_id == completed.payload.work_order_id
    [opened] = callbacks.published(v1.RectificationOpened)
    assert opened.payload.loop == 1 and opened.payload.limit == 2
    assert opened.payload.work_order_id == completed.payload.work_order_id
    assert opened.payload.opinion == "门还是关不严"
    assert opened.payload.callback_id == first.callback_id
    [made] = callbacks.published(v1.CallbackMade)
    assert not made.payload.satisfied and made.payload.rectification_id is None

    follow_up = await _rework_done(callbacks, completed, rectification.rectification_id)
    assert follow_up.reason is CallbackReason.AFTER_RECTIFICATION
    assert follow_up.rectification_id == rectification.rectification_id
    assert follow_up.status is CallbackStatus.SCHEDULED and follow_up.draw is None
    [announced] = [
        e
        for e in callbacks.published(v1.CallbackScheduled)
        if e.payload.callback_id == follow_up.callback_id
    ]
    assert announced.payload.reason is v1.CallbackReason.AFTER_RECTIFICATION

    await callbacks.handle(outcome(follow_up.callback_id, satisfied=True, opinion="这次好了"))
    [closed_rectification] = _rectifications(callbacks)
    assert closed_rectification.status is RectificationStatus.CLOSED
    assert [loop.satisfied for loop in closed_rectification.loops] == [True]
    [closed] = callbacks.published(v1.RectificationClosed)
    assert closed.payload.callback_id == follow_up.callback_id and closed.payload.loop == 1
    assert callbacks.published(v1.CallbackMade)[-1].payload.rectification_id == (
        rectification.rectification_id
    )


async def test_cb07_still_unsatisfied_after_the_sites_limit_the_case_is_escalated() -> None:
    callbacks = Callbacks()
    completed, _ = await _unsatisfied_paid_service(callbacks)
    [rectification] = _rectifications(callbacks)
    second = await _rework_done(callbacks, completed, rectification.rectification_id)
    await callbacks.handle(outcome(second.callback_id, satisfied=False, opinion="还是漏"))
    loops = [e.payload.loop for e in callbacks.published(v1.RectificationOpened)]
    assert loops == [1, 2]
    third = await _rework_done(callbacks, completed, rectification.rectification_id)
    assert third.callback_id != second.callback_id
    await callbacks.handle(outcome(third.callback_id, satisfied=False, opinion="第三次了"))
    [escalated] = _rectifications(callbacks)
    assert escalated.status is RectificationStatus.ESCALATED
    assert len(escalated.loops) == 2  # every loop counted
    [event] = callbacks.published(v1.RectificationEscalated)
    assert event.payload.loop == 2 and event.payload.limit == 2
    assert event.payload.opinion == "第三次了"
    assert callbacks.published(v1.RectificationClosed) == []


async def test_a_retried_outcome_finishes_a_rectification_a_crash_cut_short() -> None:
    callbacks = Callbacks()
    completed, first = await _unsatisfied_paid_service(callbacks)
    # the crash: the outcome stored, the rectification lost
    callbacks.store.saved("rectifications").clear()
    made, changed = await callbacks.handle(
        outcome(first.callback_id, satisfied=False, opinion="门还是关不严", agent="dmg-cs02")
    )
    assert not changed and made.status is CallbackStatus.MADE
    assert len(_rectifications(callbacks)) == 1
    # and asked again once more, nothing new
    await callbacks.handle(
        outcome(first.callback_id, satisfied=False, opinion="门还是关不严", agent="dmg-cs02")
    )
    assert len(_rectifications(callbacks)) == 1
    assert completed.payload.work_order_id == _rectifications(callbacks)[0].work_order_id


async def test_a_satisfied_first_callback_opens_no_rectification() -> None:
    callbacks = Callbacks()
    callback = await callbacks.completed(paid_completion())
    await callbacks.handle(outcome(callback.callback_id, satisfied=True))
    assert _rectifications(callbacks) == []
    assert callbacks.published(v1.RectificationOpened) == []


# -- rectification of a complaint --------------------------------------------------------------


async def test_cb07_an_unsatisfied_complaint_goes_back_and_is_called_again_in_two_working_days() -> (
    None
):
    callbacks = Callbacks()
    first = await complaint(callbacks, builders.complaint_resolved())
    await callbacks.handle(
        outcome(first.callback_id, satisfied=False, method=Method.PHONE, opinion="电梯又坏了")
    )
    [rectification] = _rectifications(callbacks)
    assert rectification.work_order_id is None
    [opened] = callbacks.published(v1.RectificationOpened)
    assert opened.payload.work_order_id is None
    [follow_up] = [c for c in callbacks.stored() if c.rectification_id is not None]
    assert follow_up.reason is CallbackReason.AFTER_RECTIFICATION
    assert follow_up.status is CallbackStatus.SCHEDULED
    assert follow_up.due_on == date(2026, 11, 25)  # opened Monday the 23rd
    await callbacks.handle(outcome(follow_up.callback_id, satisfied=True, opinion="修好了"))
    [closed] = _rectifications(callbacks)
    assert closed.status is RectificationStatus.CLOSED


@pytest.mark.parametrize("limit", [1, 3])
async def test_the_sites_limit_of_loops_comes_from_its_policy(limit: int) -> None:
    from tests.unit.test_callback_policy import policy

    callbacks = Callbacks()
    await callbacks.handle(policy(date(2026, 11, 23), rectification_limit=limit))
    completed, _ = await _unsatisfied_paid_service(callbacks)
    [rectification] = _rectifications(callbacks)
    assert rectification.limit == limit
    for _ in range(limit):
        follow_up = await _rework_done(callbacks, completed, rectification.rectification_id)
        await callbacks.handle(outcome(follow_up.callback_id, satisfied=False, opinion="还是不行"))
    [done] = _rectifications(callbacks)
    assert done.status is RectificationStatus.ESCALATED and len(done.loops) == limit
