"""Technicians' rosters, skills and who gets a work order (DSP-02, TAX-07, INC-01).

The roster rules themselves are the issue's: drafted on the site's shifts, published by the 25th
(a durable deadline), changed by leave and substitutions; assignment by skill, site, who is on
shift at the appointment and current load, emergencies first.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from contracts.intake.v1 import Emergency, RequestKind
from dispatch.adapters.inbound.intake_v1 import dispatch_request
from dispatch.domain.commands import (
    DispatchRequest,
    DraftRoster,
    PublishRoster,
    RecordAbsence,
    RosterDeadlineReached,
)
from dispatch.domain.roster import (
    ROSTER_DUE,
    Absence,
    AbsenceKind,
    RosterEntry,
    RosterStatus,
    TechnicianRoster,
)
from dispatch.domain.technician import Need, choose_technician, skill_needed
from dispatch.domain.work_order import WorkOrderStatus
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.shifts import DEFAULT_SHIFTS
from hotline_libs.working_days import month_of, next_month

from tests import builders
from tests.builders import NOW
from tests.unit.test_dispatch import LI, SUN, ZHAO, Dispatch

ZONE = "Asia/Shanghai"
EARLY, MIDDLE, LATE, NIGHT = DEFAULT_SHIFTS
SITE_TECHNICIANS = frozenset({"dmg-t01", "dmg-t02", "dmg-h01"})
PLUMBER = replace(LI, skills=frozenset({"plumbing"}))
CARPETS = replace(SUN, technician_id="dmg-h02", name="钱芳", skills=frozenset({"carpet_cleaning"}))


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """A Xi'an wall-clock time in 2026, as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


def roster(*entries: tuple[int, str, str], month: str = "2026-12") -> TechnicianRoster:
    r = TechnicianRoster("dmg", month, ZONE, DEFAULT_SHIFTS, "值班主管")
    year, number = (int(part) for part in month.split("-"))
    r.draft(
        tuple(RosterEntry(date(year, number, d), s, t) for d, s, t in entries),
        SITE_TECHNICIANS,
        "值班主管",
    )
    return r


def absence(technician: str, day: int, shift: str, cover: str | None) -> Absence:
    return Absence(
        uuid.uuid4(),
        AbsenceKind.SICK_LEAVE,
        technician,
        date(2026, 12, day),
        shift,
        cover,
        "发烧",
        "值班主管",
        NOW,
    )


# -- the roster -------------------------------------------------------------------------------
def test_who_is_on_shift_follows_the_roster_in_the_sites_time_overnight_included() -> None:
    r = roster((5, "early", "dmg-t01"), (5, "night", "dmg-t02"), (6, "late", "dmg-h01"))
    assert r.on_shift(at(5, 9)) == {"dmg-t01"}
    assert r.on_shift(at(5, 15, 30)) == set()  # the early shift ends at 15:30
    assert r.on_shift(at(5, 22)) == {"dmg-t02"}
    assert r.on_shift(at(6, 3)) == {"dmg-t02"}  # the night shift of the 5th, after midnight
    assert r.on_shift(at(6, 13)) == {"dmg-h01"}


def test_the_roster_is_due_by_the_end_of_the_25th_of_the_month_before() -> None:
    r = roster((5, "early", "dmg-t01"))
    assert r.due_at == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 26 Nov 00:00 in Xi'an
    assert r.deadlines() == {ROSTER_DUE: r.due_at}
    assert roster((5, "early", "dmg-t01"), month="2027-03").due_at.date() == date(2027, 2, 26)


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (RosterEntry(date(2027, 1, 1), "early", "dmg-t01"), "entries[0].day"),
        (RosterEntry(date(2026, 12, 1), "afternoon", "dmg-t01"), "entries[0].shift"),
        (RosterEntry(date(2026, 12, 1), "early", "qjc-t01"), "entries[0].technician_id"),
    ],
)
def test_a_draft_entry_off_the_month_the_shifts_or_the_sites_technicians_is_refused(
    entry: RosterEntry, field: str
) -> None:
    r = TechnicianRoster("dmg", "2026-12", ZONE, DEFAULT_SHIFTS, "值班主管")
    with pytest.raises(RuleViolation) as refused:
        r.draft((entry,), SITE_TECHNICIANS, "值班主管")
    assert refused.value.field == field
    assert r.entries == ()


def test_a_published_roster_changes_only_by_absences_and_cover() -> None:
    r = roster((5, "early", "dmg-t01"), (5, "early", "dmg-t02"))
    r.publish("值班主管", NOW)
    with pytest.raises(RuleViolation, match="not on the early shift"):
        r.record_absence(absence("dmg-h01", 5, "early", None), SITE_TECHNICIANS)
    with pytest.raises(Conflict, match="was published"):
        r.draft((), SITE_TECHNICIANS, "值班主管")
    with pytest.raises(RuleViolation, match="on the early shift of 2026-12-05 already"):
        r.record_absence(absence("dmg-t01", 5, "early", "dmg-t02"), SITE_TECHNICIANS)
    r.record_absence(absence("dmg-t01", 5, "early", "dmg-h01"), SITE_TECHNICIANS)
    assert r.on_shift(at(5, 9)) == {"dmg-t02", "dmg-h01"}
    with pytest.raises(Conflict, match="recorded already"):
        r.record_absence(absence("dmg-t01", 5, "early", None), SITE_TECHNICIANS)
    r.record_absence(absence("dmg-t02", 5, "early", None), SITE_TECHNICIANS)
    assert r.on_shift(at(5, 9)) == {"dmg-h01"}  # the shift runs short


def test_an_absence_needs_a_published_roster() -> None:
    r = roster((5, "early", "dmg-t01"))
    with pytest.raises(Conflict, match="is a draft"):
        r.record_absence(absence("dmg-t01", 5, "early", None), SITE_TECHNICIANS)


def test_months_are_checked_and_roll_over_the_year() -> None:
    assert next_month("2026-12") == "2027-01"
    for bad in ("2026-13", "26-12", "2026-1", "1999-12"):
        with pytest.raises(RuleViolation) as refused:
            month_of(bad)
        assert refused.value.field == "month"


# -- skills -----------------------------------------------------------------------------------
def test_tax07_the_housekeeping_item_booked_and_an_emergencys_speciality_are_the_skill() -> None:
    assert skill_needed("housekeeping", "carpet_cleaning", None) == "carpet_cleaning"
    assert skill_needed("maintenance", "own_unit", "water_leak") == "plumbing"
    assert skill_needed("maintenance", "own_unit", "lift_entrapment") == "lifts"
    assert skill_needed("maintenance", "own_unit", None) is None
    assert skill_needed("maintenance", "own_unit", "other") is None


def test_a_specialist_goes_before_a_less_busy_generalist_and_other_specialists_never() -> None:
    leak = Need("dmg", "maintenance", "plumbing")
    assert choose_technician([PLUMBER, ZHAO], {"dmg-t01": 3}, leak) == PLUMBER
    assert choose_technician([replace(PLUMBER, on_duty=False), ZHAO], {}, leak) == ZHAO
    electrician = replace(ZHAO, skills=frozenset({"electrical"}))
    assert choose_technician([electrician], {}, leak) is None
    carpets = Need("dmg", "housekeeping", "carpet_cleaning")
    glass = Need("dmg", "housekeeping", "glass_cleaning")
    assert choose_technician([SUN, CARPETS], {"dmg-h02": 5}, carpets) == CARPETS
    assert choose_technician([SUN, CARPETS], {}, glass) == SUN
    assert choose_technician([CARPETS], {}, glass) is None


def test_only_those_on_shift_are_chosen_when_the_site_keeps_a_roster() -> None:
    repair = Need("dmg", "maintenance")
    assert choose_technician([LI, ZHAO], {}, repair, frozenset({"dmg-t02"})) == ZHAO
    assert choose_technician([LI, ZHAO], {}, repair, frozenset()) is None
    assert choose_technician([LI, ZHAO], {}, Need("qjc", "maintenance"), None) is None


# -- through the service layer ----------------------------------------------------------------
async def _draft_and_publish(dispatch: Dispatch, *entries: tuple[int, str, str]) -> Any:
    await dispatch.handle(
        DraftRoster(
            "dmg",
            "2026-11",
            tuple(RosterEntry(date(2026, 11, d), s, t) for d, s, t in entries),
            "值班主管",
        )
    )
    return await dispatch.handle(PublishRoster("dmg", "2026-11", "值班主管"))


def _request(**changes: Any) -> DispatchRequest:
    return replace(dispatch_request(builders.request_accepted()), **changes)


async def test_dsp02_the_technician_on_shift_at_the_appointment_gets_the_order() -> None:
    dispatch = Dispatch(LI, ZHAO, SUN)
    # NOW is 23 Nov 10:00 in Xi'an: Li works the early shift today, Zhao tomorrow's late one
    await _draft_and_publish(dispatch, (23, "early", "dmg-t01"), (24, "late", "dmg-t02"))
    today = await dispatch.handle(_request())
    assert today.technician.technician_id == "dmg-t01"
    tomorrow = await dispatch.handle(
        _request(request_id=uuid.uuid4(), appointment_at=at(24, 14, month=11))
    )
    assert tomorrow.technician.technician_id == "dmg-t02"
    assert (
        tomorrow.history[-1].reason
        == "on shift, of the maintenance trade, with the fewest open orders"
    )


async def test_nobody_on_shift_then_leaves_the_order_waiting_until_cover_is_arranged() -> None:
    dispatch = Dispatch(LI, ZHAO, SUN)
    await _draft_and_publish(dispatch, (23, "early", "dmg-t01"))
    order = await dispatch.handle(
        _request(appointment_at=at(23, 21, month=11))  # tonight: nobody on the night shift
    )
    assert order.status is WorkOrderStatus.AWAITING_TECHNICIAN
    assert "on duty or on shift" in (order.waiting_reason or "")
    # Zhao covers Li's early shift: he is on now, but the order is for tonight and still waits
    await dispatch.handle(
        RecordAbsence(
            "dmg",
            "2026-11",
            AbsenceKind.SICK_LEAVE,
            "dmg-t01",
            date(2026, 11, 23),
            "early",
            "dmg-t02",
            "发烧",
            "值班主管",
        )
    )
    [stored] = [o for o in dispatch.orders() if o.work_order_id == order.work_order_id]
    assert stored.status is WorkOrderStatus.AWAITING_TECHNICIAN
    # a routine order for now goes to the cover, not to Li who is off
    now = await dispatch.handle(_request(request_id=uuid.uuid4()))
    assert now.technician.technician_id == "dmg-t02"


async def test_publishing_a_roster_sends_the_waiting_orders_to_those_on_shift() -> None:
    dispatch = Dispatch(LI, ZHAO, SUN)
    await dispatch.handle(
        DraftRoster(
            "dmg", "2026-11", (RosterEntry(date(2026, 11, 23), "early", "dmg-t02"),), "值班主管"
        )
    )
    # a draft does not count yet: everyone available does
    first = await dispatch.handle(_request())
    assert first.technician.technician_id == "dmg-t01"
    roster, changed = await dispatch.handle(PublishRoster("dmg", "2026-11", "值班主管"))
    assert changed and roster.status is RosterStatus.PUBLISHED
    second = await dispatch.handle(_request(request_id=uuid.uuid4()))
    assert second.technician.technician_id == "dmg-t02"
    _, again = await dispatch.handle(PublishRoster("dmg", "2026-11", "值班主管"))
    assert not again


async def test_publishing_opens_next_months_draft_whose_late_clock_fires_once() -> None:
    dispatch = Dispatch(LI, ZHAO, SUN)
    await _draft_and_publish(dispatch, (23, "early", "dmg-t01"))
    upcoming: TechnicianRoster = dispatch.store.saved("technician_rosters")["dmg:2026-12"]
    assert upcoming.status is RosterStatus.DRAFT and upcoming.entries == ()
    assert upcoming.deadlines() == {ROSTER_DUE: upcoming.due_at}
    noticed = upcoming.due_at + timedelta(minutes=1)
    dispatch.clock.now = noticed
    await dispatch.handle(RosterDeadlineReached("dmg:2026-12", ROSTER_DUE, upcoming.due_at))
    dispatch.clock.now = noticed + timedelta(minutes=5)  # a second replica, or a redelivery
    await dispatch.handle(RosterDeadlineReached("dmg:2026-12", ROSTER_DUE, upcoming.due_at))
    late: TechnicianRoster = dispatch.store.saved("technician_rosters")["dmg:2026-12"]
    assert late.late and late.late_noticed_at == noticed
    assert late.deadlines() == {}


async def test_a_roster_of_another_site_or_month_is_not_found() -> None:
    dispatch = Dispatch(LI, ZHAO, SUN)
    await _draft_and_publish(dispatch, (23, "early", "dmg-t01"))
    with pytest.raises(NotFound):
        await dispatch.handle(
            PublishRoster("dmg", "2026-11", "x", visible_sites=frozenset({"qjc"}))
        )
    with pytest.raises(NotFound):
        await dispatch.handle(PublishRoster("dmg", "2027-05", "x"))


async def test_inc01_a_water_leak_goes_to_the_plumber_and_carpets_to_the_carpet_cleaner() -> None:
    dispatch = Dispatch(PLUMBER, ZHAO, SUN, CARPETS)
    busy = await dispatch.handle(_request())  # routine: the least busy, Li
    assert busy.technician.technician_id == "dmg-t01"
    leak = await dispatch.handle(
        dispatch_request(builders.request_accepted(emergency=Emergency.WATER_LEAK))
    )
    assert leak.skill == "plumbing" and leak.technician.technician_id == "dmg-t01"
    carpets = await dispatch.handle(
        replace(
            dispatch_request(builders.request_accepted(kind=RequestKind.HOUSEKEEPING)),
            category="carpet_cleaning",
        )
    )
    assert carpets.skill == "carpet_cleaning"
    assert carpets.technician.technician_id == "dmg-h02"


async def test_a_night_shift_begun_on_the_last_day_of_the_month_counts_after_midnight() -> None:
    dispatch = Dispatch(LI, ZHAO, SUN)
    await _draft_and_publish(dispatch, (30, "night", "dmg-t02"))
    await dispatch.handle(
        DraftRoster(
            "dmg", "2026-12", (RosterEntry(date(2026, 12, 1), "early", "dmg-t01"),), "值班主管"
        )
    )
    await dispatch.handle(PublishRoster("dmg", "2026-12", "值班主管"))
    small_hours = await dispatch.handle(_request(appointment_at=at(1, 3)))
    assert small_hours.technician.technician_id == "dmg-t02"
    morning = await dispatch.handle(_request(request_id=uuid.uuid4(), appointment_at=at(1, 9)))
    assert morning.technician.technician_id == "dmg-t01"
