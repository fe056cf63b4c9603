"""Callback's KPIs of a month against their targets, with hand-worked figures (SRV-10, SRV-11,
CB-03, CB-10, CB-11, CB-06, KPI-14), the report's three sign-offs, and the spot checks."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from callback.domain.kpis import (
    Case,
    Kpi,
    KpiReport,
    KpiReportStatus,
    Rectified,
    SignOff,
    month_kpis,
    month_over,
)
from callback.domain.policy import MANUALS, PolicyVersion, Trigger
from callback.domain.sample import draw_of
from callback.domain.spot_check import SpotCheck
from hotline_libs.errors import Conflict, RuleViolation

from tests.builders import NOW

POLICY = PolicyVersion(0, date.min, dict(MANUALS))
NONE_RECTIFIED = Rectified(0, 0, 0, 0)


def case(
    trigger: Trigger,
    made: bool = True,
    satisfied: bool | None = True,
    on_time: bool | None = True,
    follow_up: bool = False,
) -> Case:
    return Case(trigger, made, satisfied if made else None, on_time if made else None, follow_up)


def by_name(
    cases: list[Case], rectified: Rectified = NONE_RECTIFIED, checked: int = 0
) -> dict[str, Kpi]:
    return {k.name: k for k in month_kpis(cases, POLICY, rectified, checked)}


def test_srv11_paid_satisfaction_counts_a_paid_service_not_called_back_as_not_satisfied() -> None:
    """50 paid services: 40 bank-collected of which 32 called back (31 satisfied), 10 cash all
    called back and satisfied: 41 of 42 called back are satisfied (97.6%, under 98%), 41 of 50
    paid services (82%)."""
    cases = (
        [case(Trigger.BANK_COLLECTED) for _ in range(31)]
        + [case(Trigger.BANK_COLLECTED, satisfied=False)]
        + [case(Trigger.BANK_COLLECTED, made=False) for _ in range(8)]
        + [case(Trigger.CASH_PAID) for _ in range(10)]
    )
    kpis = by_name(cases)
    called = kpis["paid_satisfaction_called_back"]
    assert (called.numerator, called.denominator, called.value) == (41, 42, 0.9762)
    assert called.meets is False
    every = kpis["paid_satisfaction_all_paid"]
    assert (every.numerator, every.denominator, every.value) == (41, 50, 0.82)
    bank = kpis["callback_rate_bank_collected"]
    assert (bank.value, bank.target, bank.meets) == (0.8, 0.8, True)  # 32 of 40 (CB-03)
    assert kpis["callback_rate_cash_paid"].value == 1.0
    assert kpis["customer_satisfaction"].value == 0.9762  # 41 / 42
    assert kpis["customer_satisfaction"].meets is True  # ≥ 90% (SRV-10)


def test_cb10_cb11_complaint_callback_rates_valid_all_and_all_handled_at_half() -> None:
    """4 valid complaints all called back; 6 invalid, 1 called back: valid 100%, invalid 1/6,
    all handled 5 of 10 = 50%, the company's least."""
    cases = [case(Trigger.VALID_COMPLAINT) for _ in range(4)]
    cases += [case(Trigger.INVALID_COMPLAINT)]
    cases += [case(Trigger.INVALID_COMPLAINT, made=False) for _ in range(5)]
    kpis = by_name(cases)
    assert kpis["callback_rate_valid_complaint"].value == 1.0
    assert kpis["callback_rate_valid_complaint"].meets
    assert kpis["callback_rate_invalid_complaint"].value == round(1 / 6, 4)
    assert kpis["callback_rate_invalid_complaint"].meets is False  # under the policy's 50%
    all_handled = kpis["complaint_callback_rate_all"]
    assert (all_handled.numerator, all_handled.denominator, all_handled.meets) == (5, 10, True)


def test_follow_ups_count_for_timeliness_but_not_as_cases() -> None:
    cases = [
        case(Trigger.REPAIR, satisfied=False),
        case(Trigger.REPAIR, follow_up=True, on_time=False),
        case(Trigger.REPAIR),
    ]
    kpis = by_name(cases, Rectified(opened=1, closed=0, escalated=0, still_open=1), checked=4)
    assert kpis["callback_rate_repair"].denominator == 2
    assert kpis["customer_satisfaction"].value == 0.5
    on_time = kpis["callbacks_on_time"]
    assert (on_time.numerator, on_time.denominator) == (2, 3)
    assert kpis["rectifications_open"].value == 1.0 and kpis["rectifications_open"].meets is None
    assert kpis["spot_checks"].value == 1.0 and kpis["spot_checks"].meets  # 4 ≥ 3 (CB-06)


def test_nothing_to_divide_is_no_figure_not_zero_percent() -> None:
    kpis = by_name([])
    assert kpis["customer_satisfaction"].value is None
    assert kpis["customer_satisfaction"].meets is None
    assert kpis["spot_checks"].value == 0.0 and kpis["spot_checks"].meets is False


def test_a_month_is_over_on_the_first_of_the_next() -> None:
    assert not month_over("2026-11", date(2026, 11, 30))
    assert month_over("2026-11", date(2026, 12, 1))
    assert month_over("2025-12", date(2026, 1, 1))


# -- sign-offs (KPI-14) ----------------------------------------------------------------------------


def report() -> KpiReport:
    return KpiReport(
        "dmg", "2026-11", month_kpis([], POLICY, NONE_RECTIFIED, 0), SignOff("s1", NOW)
    )


def test_kpi14_prepared_reviewed_and_approved_by_three_people() -> None:
    r = report()
    with pytest.raises(RuleViolation):
        r.review("s1", True, None, NOW)  # the preparer
    assert r.review("m1", True, None, NOW)
    assert not r.review("m1", True, None, NOW)  # asked again
    with pytest.raises(RuleViolation):
        r.approve("m1", NOW)  # the reviewer
    with pytest.raises(RuleViolation):
        r.approve("s1", NOW)
    assert r.approve("d1", NOW) and r.status is KpiReportStatus.APPROVED
    assert not r.approve("d1", NOW)
    with pytest.raises(Conflict):
        r.review("m2", True, None, NOW)


def test_a_sent_back_report_says_why_and_is_prepared_again_with_fresh_figures() -> None:
    r = report()
    with pytest.raises(RuleViolation) as why:
        r.review("m1", False, " ", NOW)
    assert why.value.field == "note"
    assert r.review("m1", False, "回访及时率请核对", NOW)
    assert r.sent_back is not None and r.sent_back.note == "回访及时率请核对"
    with pytest.raises(Conflict):
        r.approve("d1", NOW)
    fresh = month_kpis([case(Trigger.REPAIR)], POLICY, NONE_RECTIFIED, 3)
    assert r.prepare_again(fresh, "s2", NOW + timedelta(days=1))
    assert r.status is KpiReportStatus.PREPARED and r.kpis == fresh
    assert r.sent_back is None and r.prepared == SignOff("s2", NOW + timedelta(days=1))
    assert not r.prepare_again(fresh, "s2", NOW)


# -- spot checks (CB-06) ---------------------------------------------------------------------------


def test_cb06_the_system_draws_the_lowest_draws_and_keeps_those_drawn_before() -> None:
    made = [uuid.UUID(int=n) for n in range(1, 11)]
    spot = SpotCheck("dmg", "2026-11", seed="s")
    first = spot.draw(made, 3)
    assert first == sorted(made, key=lambda c: draw_of("s", c))[:3]
    assert spot.draw(made, 3) == []  # asked again
    more = spot.draw(made, 5)
    assert len(more) == 2 and spot.drawn[:3] == first
    with pytest.raises(RuleViolation):
        spot.draw(made, 2)  # fewer than the month's 3


def test_cb06_checks_of_drawn_callbacks_count_towards_the_months_three() -> None:
    made = [uuid.UUID(int=n) for n in range(1, 6)]
    spot = SpotCheck("dmg", "2026-11", seed="s")
    spot.draw(made, 3)
    assert spot.short == 3
    at = datetime(2026, 11, 30, 2, tzinfo=NOW.tzinfo)
    assert spot.check(spot.drawn[0], True, None, "dmg-manager", at)
    assert not spot.check(spot.drawn[0], True, None, "dmg-manager", at)
    with pytest.raises(Conflict):
        spot.check(spot.drawn[0], False, "不符", "dmg-supervisor", at)
    with pytest.raises(RuleViolation) as why:
        spot.check(spot.drawn[1], False, None, "dmg-manager", at)
    assert why.value.field == "note"
    undrawn = next(c for c in made if c not in spot.drawn)
    with pytest.raises(RuleViolation):
        spot.check(undrawn, True, None, "dmg-manager", at)
    spot.check(spot.drawn[1], False, "业主说没有接到回访电话", "dmg-supervisor", at)
    assert spot.short == 1


def test_nothing_made_yet_nothing_to_draw() -> None:
    with pytest.raises(Conflict):
        SpotCheck("dmg", "2026-11", seed="s").draw([], 3)
