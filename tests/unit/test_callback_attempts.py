"""The callback agents' tries that give no outcome (issue #12's queue; CB-01: call back
promptly): nobody answers → tried again two hours later, until the third unanswered try gives the
callback up as unreachable; a wrong number gives it up at once; a resident who asks to be called
later is called at the time they asked. An outcome may still be recorded once given up (the
resident reached another way)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from callback.domain import events
from callback.domain.callback import TRY_AGAIN_AFTER, CallbackStatus, NotReached
from callback.domain.commands import RecordCallbackAttempt
from hotline_libs.errors import Conflict, NotFound, RuleViolation

from tests.builders import NOW
from tests.unit.test_callback import Callbacks, _scheduled, outcome


def tried(callback_id: object, result: NotReached, **overrides: object) -> RecordCallbackAttempt:
    values: dict[str, object] = {
        "callback_id": callback_id,
        "result": result,
        "note": None,
        "call_back_at": None,
        "agent": "dmg-cs01",
        "visible_sites": None,
    }
    return RecordCallbackAttempt(**{**values, **overrides})  # type: ignore[arg-type]


async def test_cb01_nobody_answering_is_tried_again_two_hours_later_until_the_third() -> None:
    callbacks = Callbacks()
    callback, _ = await _scheduled(callbacks)
    first = await callbacks.handle(tried(callback.callback_id, NotReached.NO_ANSWER))
    assert first.status is CallbackStatus.SCHEDULED
    assert first.next_attempt_at == NOW + TRY_AGAIN_AFTER == NOW + timedelta(hours=2)
    assert first.deadlines() != {}  # the due day still runs

    callbacks.clock.now = NOW + timedelta(hours=2)
    second = await callbacks.handle(tried(callback.callback_id, NotReached.NO_ANSWER))
    assert second.next_attempt_at == NOW + timedelta(hours=4)
    callbacks.clock.now = NOW + timedelta(hours=4)
    third = await callbacks.handle(tried(callback.callback_id, NotReached.NO_ANSWER, note="关机"))
    assert third.status is CallbackStatus.UNREACHABLE
    assert third.next_attempt_at is None and third.deadlines() == {}
    assert [a.result for a in third.attempts] == [NotReached.NO_ANSWER] * 3
    assert third.attempts[-1].note == "关机" and third.attempts[-1].next_at is None
    assert callbacks.store.events[-1] == events.CallbackGivenUp(
        at=NOW + timedelta(hours=4), result="no_answer"
    )
    [stored] = callbacks.stored()
    assert stored.status is CallbackStatus.UNREACHABLE and len(stored.attempts) == 3

    with pytest.raises(Conflict, match="given up as unreachable"):
        await callbacks.handle(tried(callback.callback_id, NotReached.NO_ANSWER))
    # the resident rang the service centre back: the outcome is recorded after all
    made, changed = await callbacks.handle(outcome(callback.callback_id))
    assert changed and made.status is CallbackStatus.MADE


async def test_a_wrong_number_gives_the_callback_up_at_once() -> None:
    callbacks = Callbacks()
    callback, _ = await _scheduled(callbacks)
    gone = await callbacks.handle(tried(callback.callback_id, NotReached.WRONG_NUMBER, note="空号"))
    assert gone.status is CallbackStatus.UNREACHABLE and gone.next_attempt_at is None


async def test_a_resident_who_asks_to_be_called_later_is_called_when_they_asked() -> None:
    callbacks = Callbacks()
    callback, _ = await _scheduled(callbacks)
    asked = NOW + timedelta(days=1, hours=1)
    later = await callbacks.handle(
        tried(callback.callback_id, NotReached.CALL_BACK_LATER, call_back_at=asked)
    )
    assert later.status is CallbackStatus.SCHEDULED and later.next_attempt_at == asked
    # asking to be called later does not use up the unanswered tries
    for hours in (25, 27, 29):
        callbacks.clock.now = NOW + timedelta(hours=hours)
        last = await callbacks.handle(tried(callback.callback_id, NotReached.NO_ANSWER))
    assert last.status is CallbackStatus.UNREACHABLE and len(last.attempts) == 4


async def test_call_back_at_goes_only_with_call_back_later_and_lies_ahead() -> None:
    callbacks = Callbacks()
    callback, _ = await _scheduled(callbacks)
    with pytest.raises(RuleViolation, match="only when they asked to be called later"):
        await callbacks.handle(tried(callback.callback_id, NotReached.CALL_BACK_LATER))
    with pytest.raises(RuleViolation, match="only when they asked to be called later"):
        await callbacks.handle(
            tried(callback.callback_id, NotReached.NO_ANSWER, call_back_at=NOW + timedelta(hours=1))
        )
    with pytest.raises(RuleViolation, match="lies ahead of now"):
        await callbacks.handle(
            tried(callback.callback_id, NotReached.CALL_BACK_LATER, call_back_at=NOW)
        )
    [stored] = callbacks.stored()
    assert stored.attempts == ()


async def test_no_try_on_a_made_callback_or_another_sites() -> None:
    callbacks = Callbacks()
    callback, _ = await _scheduled(callbacks)
    with pytest.raises(NotFound):
        await callbacks.handle(
            tried(callback.callback_id, NotReached.NO_ANSWER, visible_sites=frozenset({"xa"}))
        )
    await callbacks.handle(outcome(callback.callback_id))
    with pytest.raises(Conflict, match="made already"):
        await callbacks.handle(tried(callback.callback_id, NotReached.NO_ANSWER))
