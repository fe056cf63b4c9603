"""Callback: a site's versioned policy decides which completed services are called back and by
when, and bank-collected services are sampled at the rate, auditably (CB-02, CB-03, CB-08)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from callback.domain.callback import CallbackStatus
from callback.domain.commands import SetCallbackPolicy
from callback.domain.policy import MANUALS, PolicyVersion, Rule, Trigger
from callback.domain.sample import CallbackSample, draw_of, kept_at_rate, replayed, sample_id
from contracts.callback import v1
from contracts.envelope import PaymentMethod
from hotline_libs.errors import Conflict, RuleViolation

from tests import builders
from tests.builders import NOW
from tests.unit.test_callback import Callbacks, paid_completion

CHINA = 8  # hours ahead of UTC


def at_china(day: date, hour: int = 15) -> datetime:
    """``hour`` o'clock on ``day`` in the site's time (China), as UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=CHINA)


def bank_collected(day: date = date(2026, 11, 23)) -> Any:
    return paid_completion(payment_method=PaymentMethod.BANK_COLLECTION, completed_at=at_china(day))


def policy(effective_from: date, **overrides: Any) -> SetCallbackPolicy:
    values: dict[str, Any] = {
        "site_id": "dmg",
        "effective_from": effective_from,
        "rules": dict(MANUALS),
        "month_done_before_day": 10,
        "rectification_limit": 2,
        "note": None,
        "set_by": "dmg-manager",
    }
    return SetCallbackPolicy(**{**values, **overrides})


def samples(callbacks: Callbacks) -> list[CallbackSample]:
    return list(callbacks.store.saved("callback_samples").values())


# -- the sample of bank-collected services --------------------------------------------------------


async def test_cb03_bank_collected_services_are_sampled_never_under_80_percent_of_the_month() -> (
    None
):
    callbacks = Callbacks()
    decided = [await callbacks.completed(bank_collected()) for _ in range(60)]
    drawn = [c for c in decided if c.status is CallbackStatus.SCHEDULED]
    not_drawn = [c for c in decided if c.status is CallbackStatus.NOT_DRAWN]
    assert len(drawn) + len(not_drawn) == 60
    assert not_drawn, "a sample of 80% leaves some out"
    # at every point of the month at least 80% of the services so far are called back
    for n in range(1, 61):
        assert sum(c.status is CallbackStatus.SCHEDULED for c in decided[:n]) >= kept_at_rate(n, 80)
    assert len(drawn) >= 48
    # only the drawn are announced to the agents; every one keeps its draw
    assert len(callbacks.published(v1.CallbackScheduled)) == len(drawn)
    assert all(c.trigger is Trigger.BANK_COLLECTED and c.draw is not None for c in decided)
    assert all(c.policy_version == 0 for c in decided)  # the manuals' rules: no version set


async def test_cb03_an_auditor_recomputes_the_sample_from_its_seed_and_cases() -> None:
    callbacks = Callbacks()
    decided = [await callbacks.completed(bank_collected()) for _ in range(30)]
    [sample] = samples(callbacks)
    assert sample.month == "2026-11" and sample.trigger == "bank_collected"
    assert len(sample.seed) == 32
    cases = [(d.case_id, d.share) for d in sorted(sample.draws, key=lambda d: d.position)]
    assert replayed(sample.seed, cases) == sample.draws
    assert [d.case_id for d in sample.draws] == [c.callback_id for c in decided]
    for callback in decided:
        assert callback.draw is not None
        assert callback.draw.draw == draw_of(sample.seed, callback.callback_id)
        assert callback.draw.drawn is (callback.status is CallbackStatus.SCHEDULED)
    # another seed gives another sample of the same cases: the seed is what makes it
    assert [d.draw for d in replayed("0" * 32, cases)] != [d.draw for d in sample.draws]


async def test_cb03_a_draw_under_the_share_is_by_lot_and_the_rest_keep_the_rate() -> None:
    # hand-worked with the formula: 80% is 8000 basis points
    from callback.domain.sample import decide

    case = uuid.UUID(int=7)
    draw = draw_of("seed", case)
    by_lot = decide("seed", case, position=5, drawn_before=4, share=80)
    assert by_lot.draw == draw and by_lot.by_lot is (draw < 8000)
    # 4 of 4 drawn so far: the 5th needs no forcing (⌈5 × 0.8⌉ = 4)
    assert by_lot.drawn is (draw < 8000)
    # 3 of 4 drawn so far: the 5th is drawn whatever its lot (⌈5 × 0.8⌉ = 4 > 3)
    assert decide("seed", case, position=5, drawn_before=3, share=80).drawn
    assert kept_at_rate(1, 80) == 1 and kept_at_rate(5, 80) == 4 and kept_at_rate(6, 80) == 5


async def test_a_redelivered_completion_keeps_its_draw_and_the_sample_counts_it_once() -> None:
    callbacks = Callbacks()
    for _ in range(5):
        await callbacks.completed(bank_collected())
    event = bank_collected()
    first = await callbacks.completed(event)
    again = await callbacks.completed(event)
    assert again.draw == first.draw and again.status is first.status
    [sample] = samples(callbacks)
    assert len(sample.draws) == 6


async def test_a_draw_saved_before_a_crash_is_the_draw_the_callback_gets() -> None:
    """The sample is saved before the callback: a completion redelivered after a crash between
    the two finds its draw in the sample, not a new one."""
    callbacks = Callbacks()
    await callbacks.completed(bank_collected())
    event = bank_collected()
    case_id = (await callbacks.completed(event)).callback_id
    # the crash: the callback's write lost, the sample's kept
    del callbacks.store.saved("callbacks")[str(case_id)]
    callback = await callbacks.completed(event)
    [sample] = samples(callbacks)
    assert len(sample.draws) == 2 and callback.draw == sample.draws[1]


async def test_each_month_has_its_own_sample_and_seed() -> None:
    callbacks = Callbacks()
    await callbacks.completed(bank_collected(date(2026, 11, 30)))
    await callbacks.completed(bank_collected(date(2026, 12, 1)))
    by_month = {s.month: s for s in samples(callbacks)}
    assert set(by_month) == {"2026-11", "2026-12"}
    assert by_month["2026-11"].seed != by_month["2026-12"].seed


@pytest.mark.parametrize("method", [PaymentMethod.CASH, PaymentMethod.WECHAT_PAY, None])
async def test_cb03_cash_other_payments_and_free_repairs_are_all_called_back(
    method: PaymentMethod | None,
) -> None:
    callbacks = Callbacks()
    for _ in range(20):
        if method is None:
            await callbacks.completed(builders.work_order_completed())
        else:
            await callbacks.completed(paid_completion(payment_method=method))
    assert all(c.status is CallbackStatus.SCHEDULED for c in callbacks.stored())
    assert all(c.draw is None for c in callbacks.stored())
    assert samples(callbacks) == []


async def test_a_not_drawn_callback_is_off_the_agents_list_and_takes_no_call() -> None:
    callbacks = Callbacks()
    await callbacks.handle(
        policy(
            date(2026, 11, 23),
            rules={**MANUALS, Trigger.BANK_COLLECTED: Rule(80, 2)},
        )
    )
    decided = [await callbacks.completed(bank_collected()) for _ in range(40)]
    left_out = next(c for c in decided if c.status is CallbackStatus.NOT_DRAWN)
    assert left_out.deadlines() == {}  # no clock runs on a call nobody makes
    from tests.unit.test_callback import outcome

    with pytest.raises(Conflict, match="not drawn"):
        await callbacks.handle(outcome(left_out.callback_id))


# -- the policy and its versions -----------------------------------------------------------------


async def test_cb03_a_site_calls_back_all_its_bank_collected_services_from_its_versions_day() -> (
    None
):
    callbacks = Callbacks()
    everything = {**MANUALS, Trigger.BANK_COLLECTED: Rule(100, 2)}
    _, version, added = await callbacks.handle(policy(date(2026, 11, 25), rules=everything))
    assert added and version.version == 1 and version.set_by == "dmg-manager"
    before = [await callbacks.completed(bank_collected(date(2026, 11, 24))) for _ in range(30)]
    after = [await callbacks.completed(bank_collected(date(2026, 11, 25))) for _ in range(30)]
    assert any(c.status is CallbackStatus.NOT_DRAWN for c in before)
    assert all(c.policy_version == 0 for c in before)
    assert all(c.status is CallbackStatus.SCHEDULED and c.draw is None for c in after)
    assert all(c.policy_version == 1 for c in after)


@pytest.mark.parametrize(
    ("trigger", "rule", "field"),
    [
        (Trigger.CASH_PAID, Rule(99, 2), "rules.cash_paid.share"),
        (Trigger.BANK_COLLECTED, Rule(79, 2), "rules.bank_collected.share"),
        (Trigger.VALID_COMPLAINT, Rule(90, 2), "rules.valid_complaint.share"),
        (Trigger.REPAIR, Rule(100, 3), "rules.repair.within_working_days"),
        (Trigger.INVALID_COMPLAINT, Rule(101, 2), "rules.invalid_complaint.share"),
        (Trigger.INVALID_COMPLAINT, Rule(0, 6), "rules.invalid_complaint.within_working_days"),
    ],
)
async def test_cb03_cb08_cb11_a_policy_under_the_manuals_floors_is_refused(
    trigger: Trigger, rule: Rule, field: str
) -> None:
    callbacks = Callbacks()
    with pytest.raises(RuleViolation) as refused:
        await callbacks.handle(policy(date(2026, 11, 24), rules={**MANUALS, trigger: rule}))
    assert refused.value.field == field
    assert callbacks.store.saved("callback_policies") == {}


async def test_a_policy_version_is_never_backdated_nor_slipped_before_the_last() -> None:
    callbacks = Callbacks()  # today is Monday 23 November 2026 at the site
    with pytest.raises(RuleViolation) as past:
        await callbacks.handle(policy(date(2026, 11, 22)))
    assert past.value.field == "effective_from"
    _, first, _ = await callbacks.handle(policy(date(2026, 12, 1)))
    _, same, added = await callbacks.handle(policy(date(2026, 12, 1)))  # asked again
    assert same == first and not added
    with pytest.raises(Conflict):
        await callbacks.handle(policy(date(2026, 11, 30), note="earlier than version 1"))
    _, second, _ = await callbacks.handle(policy(date(2027, 1, 1), note="next year"))
    assert second.version == 2
    [stored] = callbacks.store.saved("callback_policies").values()
    assert [v.version for v in stored.versions] == [1, 2]
    assert stored.in_force(date(2026, 11, 30)).version == 0
    assert stored.in_force(date(2026, 12, 31)).version == 1
    assert stored.in_force(date(2027, 1, 1)).version == 2


# -- due days: working days on China's calendar, and the month's 10th ----------------------------


async def test_cb08_two_working_days_across_the_spring_festival_and_its_swapped_saturday() -> None:
    """Friday 13 February 2026: Saturday the 14th is worked (调休), then the Spring Festival runs
    to Monday the 23rd: the 2nd working day after is Tuesday 24 February."""
    callbacks = Callbacks()
    callback = await callbacks.completed(paid_completion(completed_at=at_china(date(2026, 2, 13))))
    assert callback.due_on == date(2026, 2, 24)


async def test_cb08_a_site_may_call_back_sooner_than_the_manuals() -> None:
    callbacks = Callbacks()
    sooner = {**MANUALS, Trigger.CASH_PAID: Rule(100, 1)}
    await callbacks.handle(policy(date(2026, 11, 23), rules=sooner))
    cash = await callbacks.completed(paid_completion())  # Monday 23 November
    repair = await callbacks.completed(builders.work_order_completed())
    assert cash.due_on == date(2026, 11, 24)
    assert repair.due_on == date(2026, 11, 25)


async def test_cb02_a_callback_is_due_before_the_next_months_day_even_inside_a_holiday() -> None:
    """Wednesday 30 September 2026: two working days later is Friday 9 October (National Day
    runs 1-7 October), which is before the 10th; a site whose callbacks are done before the 8th
    has them due on the 7th, a holiday: the month's rule counts calendar days."""
    callbacks = Callbacks()
    callbacks.clock.now = datetime(2026, 9, 1, tzinfo=UTC)
    september = at_china(date(2026, 9, 30))
    assert (await callbacks.completed(paid_completion(completed_at=september))).due_on == date(
        2026, 10, 9
    )
    await callbacks.handle(policy(date(2026, 9, 2), month_done_before_day=8))
    capped = await callbacks.completed(paid_completion(completed_at=september))
    assert capped.due_on == date(2026, 10, 7)
    assert PolicyVersion(1, date(2026, 1, 1), dict(MANUALS)).month_deadline(
        date(2026, 12, 31)
    ) == date(2027, 1, 9)


async def test_the_policy_in_force_is_the_one_of_the_completion_day_not_of_the_message() -> None:
    """A completion of Tuesday the 24th that arrives after a version of the 25th took effect is
    decided by the version in force on the 24th."""
    callbacks = Callbacks()
    sooner = {**MANUALS, Trigger.CASH_PAID: Rule(100, 1)}
    await callbacks.handle(policy(date(2026, 11, 25), rules=sooner))
    callbacks.clock.now = NOW + timedelta(days=3)
    late = await callbacks.completed(paid_completion(completed_at=at_china(date(2026, 11, 24))))
    assert late.policy_version == 0 and late.due_on == date(2026, 11, 26)


def test_a_sample_id_names_site_month_and_trigger() -> None:
    assert sample_id("dmg", "2026-11", "bank_collected") == "dmg:2026-11:bank_collected"


async def test_cb08_across_the_turn_of_a_year_loaded_as_its_official_schedule() -> None:
    """Thursday 31 December 2026, with 2027's notice loaded (as intake's API loads it, and every
    service keeps it): 1 January off, and in this notice Monday the 4th too; the 2nd working day
    after is Wednesday 6 January, not assumed. Without the notice it is counted Monday to Friday
    (Monday the 4th) and flagged."""
    from hotline_libs.working_calendars import FixedCalendars
    from hotline_libs.working_days import SiteCalendar, WorkingDays, YearSchedule

    from tests.fakes import CHINA_TIME

    notice = YearSchedule(
        country="CN",
        year=2027,
        days_off=frozenset({date(2027, 1, 1), date(2027, 1, 4)}),
        working_weekends=frozenset(),
        source="国务院办公厅关于2027年部分节假日安排的通知 (测试)",
    )
    last_day = paid_completion(completed_at=at_china(date(2026, 12, 31)))
    unknown = Callbacks()
    guessed = await unknown.completed(last_day)
    assert guessed.due_on == date(2027, 1, 4) and guessed.due_on_assumed
    loaded = Callbacks()
    loaded.store.calendars = FixedCalendars(
        SiteCalendar(WorkingDays.of("CN", loaded=[notice]), CHINA_TIME)
    )
    known = await loaded.completed(last_day)
    assert known.due_on == date(2027, 1, 6) and not known.due_on_assumed
