"""Callback: follow-up calls due within 2 working days, on China's calendar (回访, CB-08).

Handlers run through the real message bus and the real inbound and outbound mappers, on an
in-memory store that keeps the real store's version rule, with the real statutory calendar.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from callback.adapters.inbound.events_v1 import note_charge, schedule_callback
from callback.adapters.outbound import rectifications_v1
from callback.adapters.outbound.callbacks import to_integration
from callback.domain import events
from callback.domain.callback import DUE, Callback, CallbackReason, CallbackStatus, Method
from callback.domain.commands import CallbackDeadlineReached, RecordCallbackOutcome
from callback.domain.policy import CallbackPolicy
from callback.domain.rectification import Rectification
from callback.domain.sample import CallbackSample, sample_id
from callback.entrypoints.deadlines import callback_deadline
from callback.service_layer.handlers import HANDLERS, callback_id_for
from contracts.billing.v1 import ChargeRaised
from contracts.callback import v1, v2
from contracts.dispatch.v1 import WorkOrderCompleted
from contracts.envelope import PaymentMethod
from hotline_libs.bus import MessageBus
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.ids import event_id

from tests import builders
from tests.builders import NOW
from tests.fakes import Clock, FakeRepository, FakeUnitOfWork, MemoryStore

OPINION = "师傅很准时, 水龙头不漏了, 满意"


class FakeCallbacks(FakeRepository[Callback]):
    collection_name = "callbacks"

    def identity(self, aggregate: Callback) -> str:
        return str(aggregate.callback_id)


class FakePolicies(FakeRepository[CallbackPolicy]):
    collection_name = "callback_policies"

    def identity(self, aggregate: CallbackPolicy) -> str:
        return aggregate.site_id


class FakeSamples(FakeRepository[CallbackSample]):
    collection_name = "callback_samples"

    def identity(self, aggregate: CallbackSample) -> str:
        return sample_id(aggregate.site_id, aggregate.month, aggregate.trigger)


class FakeRectifications(FakeRepository[Rectification]):
    collection_name = "rectifications"

    def identity(self, aggregate: Rectification) -> str:
        return str(aggregate.rectification_id)


class FakeCallbackUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: MemoryStore, clock: Clock) -> None:
        super().__init__(store, clock)
        self.samples = FakeSamples(store, self, None)
        self.callbacks = FakeCallbacks(store, self, to_integration)
        self.policies = FakePolicies(store, self, None)
        self.rectifications = FakeRectifications(store, self, rectifications_v1.to_integration)


class Callbacks:
    """The callback service's layer on a memory store, with a clock the test sets."""

    def __init__(self) -> None:
        self.store = MemoryStore()
        self.clock = Clock(NOW)
        self.bus = MessageBus(
            HANDLERS,
            uow=lambda: FakeCallbackUnitOfWork(self.store, self.clock),
        )

    async def handle(self, command: Any) -> Any:
        return await self.bus.handle(command)

    async def completed(self, event: WorkOrderCompleted) -> Callback:
        """Dispatch's event, as the subscription hands it to the bus."""
        callback: Callback = await self.handle(schedule_callback(event))
        return callback

    async def charged(self, event: ChargeRaised) -> Callback:
        """Billing's event, as the subscription hands it to the bus."""
        callback: Callback = await self.handle(note_charge(event))
        return callback

    async def fire(self, callback_id: uuid.UUID, due_at: datetime) -> None:
        """The deadline poller's call, through the service's deadline entry point."""
        await callback_deadline(self.bus, str(callback_id), DUE, due_at)

    def stored(self) -> list[Callback]:
        return list(self.store.saved("callbacks").values())

    def published(self, kind: type[Any]) -> list[Any]:
        return self.store.published_of(kind)


def outcome(callback_id: uuid.UUID, **overrides: Any) -> RecordCallbackOutcome:
    values: dict[str, Any] = {
        "callback_id": callback_id,
        "satisfied": True,
        "opinion": OPINION,
        "method": Method.PHONE,
        "agent": "dmg-cs01",
        "visible_sites": None,
    }
    return RecordCallbackOutcome(**{**values, **overrides})


def paid_completion(**overrides: Any) -> WorkOrderCompleted:
    values: dict[str, Any] = {"items": [("RP-TAP", 1)], "payment_method": PaymentMethod.CASH}
    return builders.work_order_completed(**{**values, **overrides})


# -- scheduling -----------------------------------------------------------------------------------


async def test_cb03_cb08_a_completed_paid_service_gets_one_callback_due_in_two_working_days() -> (
    None
):
    callbacks = Callbacks()
    # 23:30 UTC on Friday the 27th is already Saturday the 28th in Xi'an
    completed = paid_completion(completed_at=datetime(2026, 11, 27, 23, 30, tzinfo=UTC))
    first = await callbacks.completed(completed)
    second = await callbacks.completed(completed)  # redelivered
    assert first.callback_id == second.callback_id
    assert first.callback_id == callback_id_for(completed.payload.work_order_id)
    assert len(callbacks.stored()) == 1
    assert callbacks.store.commits == 1
    [event] = callbacks.published(v1.CallbackScheduled)
    assert event.event_id == event_id(v1.CallbackScheduled, first.callback_id)
    assert event.causation_id == completed.event_id
    assert event.correlation_id == completed.payload.request_id
    assert event.aggregate_version == 1
    assert event.payload.reason is v1.CallbackReason.AFTER_PAID_SERVICE
    assert event.payload.due_on == date(2026, 12, 1)
    # cash-paid services are all called back (CB-03): the method goes with the call
    assert event.payload.payment_method is PaymentMethod.CASH
    assert event.payload.resident == completed.payload.resident
    assert event.payload.scheduled_at == NOW
    [stored] = callbacks.stored()
    assert stored.status is CallbackStatus.SCHEDULED
    assert stored.reason is CallbackReason.AFTER_PAID_SERVICE


async def test_a_work_orders_callback_is_announced_in_v1_and_in_v2_each_with_its_own_id() -> None:
    """v1's consumers go on while the others read v2; a consumer reading one version acts once."""
    callbacks = Callbacks()
    completed = paid_completion()
    callback = await callbacks.completed(completed)
    [old] = callbacks.published(v1.CallbackScheduled)
    [new] = callbacks.published(v2.CallbackScheduled)
    assert new.event_id == event_id(v2.CallbackScheduled, callback.callback_id) != old.event_id
    assert new.schema_version == 2 and old.schema_version == 1
    assert new.payload.work_order_id == old.payload.work_order_id == completed.payload.work_order_id
    shared = old.payload.model_dump().keys()
    assert new.payload.model_dump(include=set(shared)) == old.payload.model_dump()
    assert new.payload.rectification_id is None


async def test_cb08_a_due_day_in_a_year_nobody_loaded_is_counted_on_weekdays_and_flagged() -> None:
    callbacks = Callbacks()
    # Wednesday 30 December 2026: two working days later is in 2027, not loaded yet
    scheduled = await callbacks.completed(
        paid_completion(completed_at=datetime(2026, 12, 30, 2, 0, tzinfo=UTC))
    )
    assert scheduled.due_on == date(2027, 1, 1) and scheduled.due_on_assumed
    ordinary = await callbacks.completed(paid_completion())
    assert not ordinary.due_on_assumed


async def test_cb03_a_bank_collected_service_is_scheduled_with_its_payment_method() -> None:
    callbacks = Callbacks()
    await callbacks.completed(paid_completion(payment_method=PaymentMethod.BANK_COLLECTION))
    [event] = callbacks.published(v1.CallbackScheduled)
    assert event.payload.payment_method is PaymentMethod.BANK_COLLECTION


async def test_free_repairs_are_called_back_too() -> None:
    callbacks = Callbacks()
    callback = await callbacks.completed(builders.work_order_completed())
    assert callback.reason is CallbackReason.AFTER_REPAIR
    [event] = callbacks.published(v1.CallbackScheduled)
    assert event.payload.reason is v1.CallbackReason.AFTER_REPAIR
    assert event.payload.payment_method is None
    assert event.payload.due_on == date(2026, 11, 25)  # Monday → Wednesday


# -- the charge may come first --------------------------------------------------------------------


async def test_a_charge_arriving_before_the_completion_waits_for_it() -> None:
    callbacks = Callbacks()
    completed = paid_completion()
    charge = builders.charge_raised(completed)
    callback = await callbacks.charged(charge)
    assert callback.status is CallbackStatus.AWAITING_COMPLETION
    assert callback.callback_id == callback_id_for(completed.payload.work_order_id)
    assert callback.charge is not None and callback.charge.charge_no == charge.payload.charge_no
    assert callback.deadlines() == {}
    assert callbacks.published(v1.CallbackScheduled) == []
    assert callbacks.store.published == []

    scheduled = await callbacks.completed(completed)
    assert scheduled.status is CallbackStatus.SCHEDULED
    assert scheduled.charge == callback.charge  # the charge is kept
    [event] = callbacks.published(v1.CallbackScheduled)
    assert event.payload.due_on == date(2026, 11, 25)
    assert event.aggregate_version == 2


async def test_either_order_of_completion_and_charge_ends_the_same() -> None:
    completed = paid_completion()
    charge = builders.charge_raised(completed)
    charge_first, completion_first = Callbacks(), Callbacks()
    await charge_first.charged(charge)
    await charge_first.completed(completed)
    await completion_first.completed(completed)
    await completion_first.charged(charge)
    [a] = charge_first.stored()
    [b] = completion_first.stored()
    assert a == b
    assert a.status is CallbackStatus.SCHEDULED and a.charge is not None
    assert a.charge.total == charge.payload.total
    [scheduled_a] = charge_first.published(v1.CallbackScheduled)
    [scheduled_b] = completion_first.published(v1.CallbackScheduled)
    assert scheduled_a.payload == scheduled_b.payload
    assert scheduled_a.event_id == scheduled_b.event_id


async def test_a_redelivered_charge_changes_nothing() -> None:
    callbacks = Callbacks()
    completed = paid_completion()
    await callbacks.completed(completed)
    await callbacks.charged(builders.charge_raised(completed))
    commits = callbacks.store.commits
    await callbacks.charged(builders.charge_raised(completed))
    await callbacks.completed(completed)
    assert callbacks.store.commits == commits
    assert len(callbacks.published(v1.CallbackScheduled)) == 1


# -- the due date is a durable deadline ----------------------------------------------------------


async def _scheduled(callbacks: Callbacks) -> tuple[Callback, datetime]:
    """A paid service completed Monday 23 November: due Wednesday 25, ends 16:00 UTC."""
    callback = await callbacks.completed(paid_completion())
    due_at = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # midnight after Nov 25 in Xi'an
    assert due_at == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
    return callback, due_at


async def test_cb01_a_scheduled_callback_has_its_due_day_as_a_deadline() -> None:
    callbacks = Callbacks()
    callback, due_at = await _scheduled(callbacks)
    assert callback.deadlines() == {DUE: due_at}
    [stored] = callbacks.stored()
    assert stored.deadlines() == {DUE: due_at}
    assert stored.due_at == due_at


async def test_a_deadline_that_has_not_run_out_does_nothing() -> None:
    callbacks = Callbacks()
    callback, due_at = await _scheduled(callbacks)
    callbacks.clock.now = due_at - timedelta(seconds=1)
    commits = callbacks.store.commits
    await callbacks.fire(callback.callback_id, due_at)
    assert callbacks.published(v1.CallbackOverdue) == []
    assert callbacks.store.commits == commits
    [stored] = callbacks.stored()
    assert stored.deadlines() == {DUE: due_at} and stored.overdue_reported_at is None


async def test_cb01_a_call_not_made_by_the_end_of_its_due_day_is_reported_overdue_once() -> None:
    callbacks = Callbacks()
    callback, due_at = await _scheduled(callbacks)
    callbacks.clock.now = due_at + timedelta(minutes=1, seconds=30)
    await callbacks.fire(callback.callback_id, due_at)
    await callbacks.fire(callback.callback_id, due_at)  # a second poller, or a restart
    await callbacks.handle(CallbackDeadlineReached(callback.callback_id, DUE, due_at))
    [overdue] = callbacks.published(v1.CallbackOverdue)
    assert overdue.event_id == event_id(v1.CallbackOverdue, callback.callback_id)
    assert overdue.payload.overdue_by_s == 90
    assert overdue.payload.due_on == date(2026, 11, 25)
    assert overdue.payload.due_at == due_at
    assert overdue.payload.noticed_at == due_at + timedelta(seconds=90)
    assert overdue.payload.reason is v1.CallbackReason.AFTER_PAID_SERVICE
    assert overdue.aggregate_version == 2
    [stored] = callbacks.stored()
    assert stored.deadlines() == {}
    assert stored.overdue_reported_at == due_at + timedelta(seconds=90)
    assert stored.status is CallbackStatus.SCHEDULED  # still to be made, just late


async def test_an_unknown_callbacks_deadline_does_nothing() -> None:
    callbacks = Callbacks()
    await callbacks.fire(uuid.uuid4(), NOW)
    assert callbacks.store.published == []


# -- the outcome ---------------------------------------------------------------------------------


async def test_cb04_cb05_recording_the_outcome_keeps_the_residents_words_and_stops_the_clock() -> (
    None
):
    callbacks = Callbacks()
    callback, due_at = await _scheduled(callbacks)
    callbacks.clock.now = NOW + timedelta(days=1)
    made, changed = await callbacks.handle(
        outcome(
            callback.callback_id,
            method=Method.VISIT,
            signature_ref="SR-DMG-000123",
            visible_sites=frozenset({"dmg"}),
        )
    )
    assert changed
    assert made.status is CallbackStatus.MADE
    [stored] = callbacks.stored()
    assert stored.outcome is not None
    assert stored.outcome.opinion == OPINION  # verbatim
    assert stored.outcome.satisfied is True
    assert stored.outcome.method is Method.VISIT
    assert stored.outcome.signature_ref == "SR-DMG-000123"
    assert stored.outcome.agent == "dmg-cs01"
    assert stored.outcome.made_at == NOW + timedelta(days=1)
    assert stored.deadlines() == {}
    assert callbacks.store.events[-1] == events.CallbackMade(made_at=NOW + timedelta(days=1))

    # the poller read the deadline before the call was made, and fires it late: nothing happens
    callbacks.clock.now = due_at + timedelta(hours=1)
    await callbacks.fire(callback.callback_id, due_at)
    assert callbacks.published(v1.CallbackOverdue) == []


@pytest.mark.parametrize(
    ("method", "signature_ref"), [(Method.VISIT, None), (Method.VISIT, " "), (Method.PHONE, "X1")]
)
async def test_cb05_a_home_visit_names_the_signed_record_and_a_phone_call_does_not(
    method: Method, signature_ref: str | None
) -> None:
    callbacks = Callbacks()
    callback, _ = await _scheduled(callbacks)
    with pytest.raises(RuleViolation) as refused:
        await callbacks.handle(
            outcome(callback.callback_id, method=method, signature_ref=signature_ref)
        )
    assert refused.value.field == "signature_ref"
    [stored] = callbacks.stored()
    assert stored.status is CallbackStatus.SCHEDULED and stored.outcome is None


async def test_a_late_call_is_still_recorded_once_it_was_reported_overdue() -> None:
    callbacks = Callbacks()
    callback, due_at = await _scheduled(callbacks)
    callbacks.clock.now = due_at + timedelta(hours=2)
    await callbacks.fire(callback.callback_id, due_at)
    _, changed = await callbacks.handle(outcome(callback.callback_id))
    assert changed
    [stored] = callbacks.stored()
    assert stored.status is CallbackStatus.MADE and stored.deadlines() == {}
    assert len(callbacks.published(v1.CallbackOverdue)) == 1


async def test_the_same_outcome_again_changes_nothing_and_a_different_one_is_a_conflict() -> None:
    callbacks = Callbacks()
    callback, _ = await _scheduled(callbacks)
    await callbacks.handle(outcome(callback.callback_id))
    commits = callbacks.store.commits
    callbacks.clock.now = NOW + timedelta(hours=3)
    again, changed = await callbacks.handle(outcome(callback.callback_id))
    assert not changed
    assert again.outcome is not None and again.outcome.made_at == NOW  # the first one stands
    assert callbacks.store.commits == commits
    for different in ({"satisfied": False}, {"opinion": "还是漏水"}, {"agent": "dmg-cs02"}):
        with pytest.raises(Conflict, match="already has a different outcome"):
            await callbacks.handle(outcome(callback.callback_id, **different))
    [stored] = callbacks.stored()
    assert stored.outcome is not None and stored.outcome.opinion == OPINION


@pytest.mark.parametrize("opinion", ["", "   ", "很" * 2001])
async def test_cb05_an_outcome_without_the_residents_words_is_refused(opinion: str) -> None:
    callbacks = Callbacks()
    callback, due_at = await _scheduled(callbacks)
    with pytest.raises(RuleViolation, match="opinion must be the resident's words"):
        await callbacks.handle(outcome(callback.callback_id, opinion=opinion))
    [stored] = callbacks.stored()
    assert stored.status is CallbackStatus.SCHEDULED and stored.outcome is None
    assert stored.deadlines() == {DUE: due_at}


async def test_another_sites_callback_is_not_found() -> None:
    callbacks = Callbacks()
    callback, _ = await _scheduled(callbacks)
    with pytest.raises(NotFound):
        await callbacks.handle(
            outcome(callback.callback_id, visible_sites=frozenset({"qjc", "gxi"}))
        )
    with pytest.raises(NotFound):
        await callbacks.handle(outcome(uuid.uuid4()))
    [stored] = callbacks.stored()
    assert stored.status is CallbackStatus.SCHEDULED


async def test_a_callback_still_awaiting_its_completion_cannot_be_made() -> None:
    callbacks = Callbacks()
    callback = await callbacks.charged(builders.charge_raised(paid_completion()))
    with pytest.raises(NotFound):
        await callbacks.handle(outcome(callback.callback_id))
    [stored] = callbacks.stored()
    assert stored == callback and stored.status is CallbackStatus.AWAITING_COMPLETION


async def test_completion_and_charge_arriving_at_once_make_one_callback() -> None:
    callbacks = Callbacks()
    completed = paid_completion()
    charge = builders.charge_raised(completed)
    raced = False

    class ChargeSavedMeanwhile(FakeCallbackUnitOfWork):
        async def commit(self) -> None:
            nonlocal raced
            if not raced:  # the charge's consumer creates the callback first
                raced = True
                await callbacks.charged(charge)
            await super().commit()

    bus = MessageBus(
        HANDLERS,
        uow=lambda: ChargeSavedMeanwhile(callbacks.store, callbacks.clock),
    )
    scheduled = await bus.handle(schedule_callback(completed))  # retried from a fresh read
    assert raced
    [stored] = callbacks.stored()
    assert stored == scheduled
    assert stored.status is CallbackStatus.SCHEDULED and stored.charge is not None
    [event] = callbacks.published(v1.CallbackScheduled)
    assert event.aggregate_version == 2
