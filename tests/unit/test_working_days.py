"""Working days on the statutory calendar (法定节假日, 调休): the arithmetic every clock counts with.

The examples are China's published schedules; the properties (Hypothesis) hold for any day of
the years the calendar knows, and for schedules an admin loads.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from contracts.examples import canonical_examples
from contracts.intake.v1 import WorkingCalendarYearLoaded
from hotline_libs.calendar_feed import calendar_year_loaded
from hotline_libs.errors import RuleViolation
from hotline_libs.working_calendars import year_document, year_from
from hotline_libs.working_days import (
    CalendarYearUnknown,
    InvalidSchedule,
    SiteCalendar,
    WorkingDays,
    YearSchedule,
)
from hypothesis import given
from hypothesis import strategies as st

CHINA = WorkingDays.of("CN")
XIAN = ZoneInfo("Asia/Shanghai")

# The State Council's notice for 2027, as an admin would load it before the package ships it
# (New Year Jan 1; Spring Festival Feb 6-12 with Feb 20 worked; the rest left out of this test).
SCHEDULE_2027 = YearSchedule(
    country="CN",
    year=2027,
    days_off=frozenset({date(2027, 1, 1), *(date(2027, 2, d) for d in (8, 9, 10, 11, 12))}),
    working_weekends=frozenset({date(2027, 2, 20)}),
    source="国务院办公厅关于2027年部分节假日安排的通知",
)
WITH_2027 = WorkingDays.of("CN", [SCHEDULE_2027])

KNOWN_DAYS = st.dates(min_value=date(2010, 1, 1), max_value=date(2026, 9, 30))
SPANS = st.integers(min_value=0, max_value=40)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 23), 2, date(2026, 11, 25)),  # Monday → Wednesday
        (date(2026, 11, 27), 2, date(2026, 12, 1)),  # Friday → Tuesday, over the weekend
        (date(2026, 9, 30), 2, date(2026, 10, 9)),  # over National Day, Oct 1-8
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # Saturday Oct 10 is worked (调休)
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # counted from a Saturday
        (date(2026, 11, 28), 0, date(2026, 11, 30)),  # 0: the day itself if worked, else the next
        (date(2026, 11, 30), 0, date(2026, 11, 30)),
    ],
)
def test_kb04_cb08_working_days_follow_the_statutory_calendar(
    start: date, days: int, due: date
) -> None:
    assert CHINA.add(start, days) == due


def test_a_year_nobody_loaded_fails_loudly_naming_how_to_load_it() -> None:
    with pytest.raises(CalendarYearUnknown, match=r"CN has no schedule for 2027.*2027"):
        CHINA.add(date(2026, 12, 30), 3)


def test_a_loaded_year_counts_its_holidays_and_swapped_weekends() -> None:
    assert WITH_2027.add(date(2026, 12, 30), 2) == date(2027, 1, 4)  # Jan 1 off, then a weekend
    assert WITH_2027.add(date(2027, 2, 5), 1) == date(2027, 2, 15)  # the Spring Festival week
    assert WITH_2027.is_working_day(date(2027, 2, 20))  # a Saturday worked in exchange


def test_a_loaded_year_replaces_a_shipped_one() -> None:
    corrected = YearSchedule("CN", 2026, frozenset({date(2026, 12, 31)}), frozenset(), "更正")
    assert CHINA.is_working_day(date(2026, 12, 31))
    assert not WorkingDays.of("CN", [corrected]).is_working_day(date(2026, 12, 31))


def test_a_span_into_an_unknown_year_is_assumed_and_flagged() -> None:
    assert CHINA.add_or_assume(date(2026, 12, 30), 3) == (date(2027, 1, 4), True)
    assert CHINA.add_or_assume(date(2026, 11, 23), 2) == (date(2026, 11, 25), False)


def test_a_country_with_no_calendar_loaded_knows_no_day() -> None:
    with pytest.raises(CalendarYearUnknown, match="HK"):
        WorkingDays.of("HK").is_working_day(date(2026, 11, 24))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"country": "China"}, "country", "ISO 3166"),
        ({"days_off": frozenset({date(2026, 1, 1)})}, "days_off", "not in 2027"),
        ({"working_weekends": frozenset({date(2027, 2, 22)})}, "working_weekends", "Monday"),
        ({"working_weekends": frozenset({date(2027, 2, 8)})}, "working_weekends", "both"),
    ],
)
def test_a_schedule_that_contradicts_itself_is_refused_naming_the_field(
    changes: dict[str, object], field: str, message: str
) -> None:
    values = {
        "country": "CN",
        "year": 2027,
        "days_off": SCHEDULE_2027.days_off,
        "working_weekends": SCHEDULE_2027.working_weekends,
        "source": "x",
    } | changes
    with pytest.raises(InvalidSchedule, match=message) as refused:
        YearSchedule(**values)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_spans_beyond_a_year_are_refused() -> None:
    with pytest.raises(RuleViolation, match="0 to 366"):
        CHINA.add(date(2026, 1, 5), 400)


@given(start=KNOWN_DAYS, days=SPANS)
def test_adding_working_days_and_counting_them_back_agree(start: date, days: int) -> None:
    due = CHINA.add(start, days)
    # 0 working days from a day off is the next working day: one counted
    expected = days or (0 if CHINA.is_working_day(start) else 1)
    assert CHINA.count(start, due) == expected


@given(start=KNOWN_DAYS, days=SPANS)
def test_a_deadline_never_lands_on_a_day_off(start: date, days: int) -> None:
    assert CHINA.is_working_day(CHINA.add(start, days))


@given(start=KNOWN_DAYS, days=st.integers(min_value=1, max_value=40))
def test_one_more_working_day_is_never_earlier(start: date, days: int) -> None:
    assert CHINA.add(start, days) > CHINA.add(start, days - 1) or (
        not CHINA.is_working_day(start) and days == 1
    )


@given(moment=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 12, 1)))
def test_a_promise_in_working_days_falls_at_the_same_local_time_on_a_working_day(
    moment: datetime,
) -> None:
    calendar = SiteCalendar(CHINA, XIAN)
    at = moment.replace(tzinfo=UTC)
    due = calendar.after_working_days(at, 1)
    local = due.astimezone(XIAN)
    assert CHINA.is_working_day(local.date())
    assert local.time() == at.astimezone(XIAN).time()
    assert timedelta(hours=0) < due - at <= timedelta(days=12)


def test_the_end_of_a_working_day_is_midnight_at_the_site() -> None:
    calendar = SiteCalendar(CHINA, XIAN)
    ended = calendar.end_of_working_day(datetime(2026, 11, 27, 9, 0, tzinfo=UTC), 2)
    assert ended == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # Tuesday ends at 00:00 Wed, Xi'an


def test_a_year_is_stored_and_published_without_losing_a_day() -> None:
    assert year_from(year_document(SCHEDULE_2027)) == SCHEDULE_2027
    example = canonical_examples()[WorkingCalendarYearLoaded]
    kept = calendar_year_loaded(example)  # type: ignore[arg-type]
    assert kept.schedule.year == 2027
    assert kept.schedule.is_working_day(date(2027, 2, 20))
