"""Callback: stewards' visits, patrols and diaries summarised for the director (SRV-01, SRV-06,
SRV-07), and the half-yearly survey sent to every occupied unit, collected 15 working days
later on China's calendar and tabulated (SRV-02 to SRV-05, SRV-10)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from callback.domain.survey import (
    CLOSE,
    DEFAULT_QUESTIONS,
    Survey,
    SurveyStatus,
    open_survey,
    send_before,
)
from callback.domain.visits import ResidentVisit, StewardDay, new_visit, summarise
from hotline_libs.errors import Conflict, RuleViolation
from hotline_libs.working_days import SiteCalendar, WorkingDays

from tests.builders import NOW
from tests.fakes import CHINA_TIME

CALENDAR = SiteCalendar(WorkingDays.of("CN"), CHINA_TIME)
UNITS = [f"dmg:3:{room}" for room in range(101, 141)]  # 40 occupied units


def survey(
    sent_on: date = date(2026, 11, 20), period: str = "2026-H2", today: date | None = None
) -> Survey:
    return open_survey(
        "dmg",
        period,
        sent_on,
        dict(DEFAULT_QUESTIONS),
        UNITS,
        CALENDAR,
        "dmg-manager",
        today or date(2026, 11, 23),
    )


# -- the survey --------------------------------------------------------------------------------


def test_srv03_collected_15_working_days_after_it_went_out() -> None:
    """Friday 20 November 2026: three working weeks later is Friday 11 December."""
    s = survey()
    assert s.collect_on == date(2026, 12, 11) and not s.collect_on_assumed
    assert s.deadlines() == {CLOSE: datetime(2026, 12, 11, 16, 0, tzinfo=UTC)}
    assert len(s.units) == 40 and not s.sent_late


def test_srv03_the_collection_runs_over_national_day_and_its_swapped_saturday() -> None:
    """Thursday 24 September 2026: the 25th is Mid-Autumn, 1-7 October National Day, Saturday
    10 October worked (调休): the 15th working day after is Thursday 22 October."""
    s = survey(date(2026, 9, 24), today=date(2026, 9, 24))
    assert s.collect_on == date(2026, 10, 22)


def test_srv02_a_survey_goes_out_before_june_and_december_or_is_flagged_late() -> None:
    assert send_before("2026-H1") == date(2026, 6, 1)
    assert send_before("2026-H2") == date(2026, 12, 1)
    assert survey(date(2026, 12, 2), today=date(2026, 12, 3)).sent_late
    assert not survey(date(2026, 5, 29), "2026-H1", today=date(2026, 6, 1)).sent_late
    with pytest.raises(RuleViolation) as ahead:
        survey(date(2026, 11, 24))
    assert ahead.value.field == "sent_on"
    with pytest.raises(RuleViolation) as other_half:
        survey(date(2026, 3, 1), "2026-H2")
    assert other_half.value.field == "sent_on"
    with pytest.raises(RuleViolation) as period:
        send_before("2026-Q4")
    assert period.value.field == "period"


def test_no_occupied_unit_known_no_survey() -> None:
    with pytest.raises(Conflict):
        open_survey(
            "dmg", "2026-H2", date(2026, 11, 20), {"q": "问"}, [], CALENDAR, "m", NOW.date()
        )


def test_srv04_srv05_srv10_returns_are_tabulated_per_question_with_the_rates() -> None:
    s = survey()
    for n, room in enumerate(range(101, 122)):  # 21 of 40 come back
        satisfied = n != 0  # one unsatisfied: 20 of 21 satisfied
        assert s.record_return(
            f"dmg:3:{room}", satisfied, {"repairs": 4 if n % 2 else 5}, None, "dmg-steward", NOW
        )
    assert s.return_rate == 0.525  # ≥ 50% (SRV-04)
    assert s.satisfaction == round(20 / 21, 4)  # ≥ 90% (SRV-10)
    repairs = next(q for q in s.results() if q.code == "repairs")
    assert (repairs.answers, repairs.average) == (21, 4.52)  # 11 fives, 10 fours
    cleaning = next(q for q in s.results() if q.code == "cleaning")
    assert (cleaning.answers, cleaning.average) == (0, None)


def test_a_return_is_recorded_once_for_a_unit_the_survey_went_to() -> None:
    s = survey()
    assert s.record_return("dmg:3:101", True, {"repairs": 5}, "好", "st", NOW)
    assert not s.record_return("dmg:3:101", True, {"repairs": 5}, "好", "st", NOW)
    with pytest.raises(Conflict):
        s.record_return("dmg:3:101", False, {}, None, "st", NOW)
    with pytest.raises(RuleViolation) as elsewhere:
        s.record_return("dmg:9:999", True, {}, None, "st", NOW)
    assert elsewhere.value.field == "room"
    with pytest.raises(RuleViolation) as unknown:
        s.record_return("dmg:3:102", True, {"parking": 3}, None, "st", NOW)
    assert unknown.value.field == "scores"
    with pytest.raises(RuleViolation):
        s.record_return("dmg:3:102", True, {"repairs": 6}, None, "st", NOW)


def test_srv03_the_survey_closes_at_the_end_of_its_collection_day_and_a_late_return_is_refused() -> (
    None
):
    s = survey()
    s.deadline_reached(CLOSE, s.closes_at + timedelta(seconds=1))
    assert s.status is SurveyStatus.CLOSED and s.deadlines() == {}
    with pytest.raises(Conflict, match="late return"):
        s.record_return("dmg:3:101", True, {}, None, "st", NOW)


# -- visits, patrols and the diary ------------------------------------------------------------


def visit(room: str, steward: str = "st-1", day: date = date(2026, 11, 20)) -> ResidentVisit:
    return new_visit(
        uuid.uuid4(), "dmg", "3", room, day, "希望增加儿童游乐设施", steward, NOW, NOW.date()
    )


def test_srv01_srv06_two_of_forty_households_visited_is_the_months_five_percent() -> None:
    visits = [visit("101"), visit("101", day=date(2026, 11, 21)), visit("102", "st-2")]
    day = StewardDay("dmg", "st-1", date(2026, 11, 20))
    day.patrol(datetime(2026, 11, 20, 1, tzinfo=UTC), None, date(2026, 11, 20))
    day.patrol(datetime(2026, 11, 20, 7, tzinfo=UTC), "3栋消防通道堆放杂物", date(2026, 11, 20))
    day.write_diary("上午巡查3栋; 走访101")
    half = StewardDay("dmg", "st-2", date(2026, 11, 20))
    half.patrol(datetime(2026, 11, 20, 1, tzinfo=UTC), None, date(2026, 11, 20))
    summary = summarise(visits, [day, half], households=40)
    assert (summary.visited_households, summary.visits, summary.share) == (2, 3, 0.05)
    assert summary.meets is True
    assert summary.opinions[0] == (date(2026, 11, 20), "3-101", "st-1", "希望增加儿童游乐设施")
    by = {s.steward: s for s in summary.stewards}
    assert (by["st-1"].days_with_both_patrols, by["st-1"].diary_days, by["st-1"].visits) == (
        1,
        1,
        2,
    )
    assert (by["st-2"].days_with_both_patrols, by["st-2"].diary_days) == (0, 0)
    assert summarise([], [], households=0).share is None


def test_srv07_a_patrol_belongs_to_its_day_and_is_recorded_once() -> None:
    day = StewardDay("dmg", "st-1", date(2026, 11, 20))
    at = datetime(2026, 11, 20, 1, tzinfo=UTC)
    assert day.patrol(at, None, date(2026, 11, 20))
    assert not day.patrol(at, None, date(2026, 11, 20))
    with pytest.raises(RuleViolation) as wrong_day:
        day.patrol(at + timedelta(days=1), None, date(2026, 11, 21))
    assert wrong_day.value.field == "at"
    assert day.write_diary("巡查") and not day.write_diary("巡查")
    with pytest.raises(RuleViolation):
        day.write_diary("   ")


def test_a_visit_is_recorded_once_made() -> None:
    with pytest.raises(RuleViolation) as ahead:
        new_visit(uuid.uuid4(), "dmg", "3", "101", date(2026, 11, 24), "x", "s", NOW, NOW.date())
    assert ahead.value.field == "visited_on"
    with pytest.raises(RuleViolation) as empty:
        new_visit(uuid.uuid4(), "dmg", "3", "101", date(2026, 11, 20), " ", "s", NOW, NOW.date())
    assert empty.value.field == "opinion"
