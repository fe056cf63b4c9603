"""Technicians' rosters and skills on the real store: a site's shifts as intake publishes them are
kept and a new roster is drawn on them, a published roster with its absences reads back whole and
answers who is on shift, its late clock is the one the deadline poller finds, and skills survive
a save (DSP-02, TAX-07)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest
from dispatch.adapters.mongo.rosters import ROSTERS
from dispatch.adapters.mongo.unit_of_work import MongoDispatchUnitOfWork
from dispatch.domain.commands import DraftRoster, PublishRoster, RecordAbsence
from dispatch.domain.roster import Absence, AbsenceKind, RosterEntry, RosterStatus
from dispatch.domain.technician import Technician
from dispatch.service_layer.handlers import HANDLERS
from hotline_libs.bus import MessageBus
from hotline_libs.mongo import Document
from hotline_libs.shifts import DEFAULT_SHIFTS, ShiftTemplate
from hotline_libs.unit_of_work import NEXT_DEADLINE_FIELD
from pymongo.asynchronous.database import AsyncDatabase

from tests import builders
from tests.fakes import Clock

pytestmark = pytest.mark.infra

NOW = builders.NOW  # 23 Nov 2026, 10:00 in Xi'an
DAY, NIGHT = ShiftTemplate("day", time(8), time(20)), ShiftTemplate("night", time(20), time(8))


async def test_a_roster_is_drawn_on_the_sites_shifts_and_reads_back_whole(
    db: AsyncDatabase[Document],
) -> None:
    site = f"rs{uuid.uuid4().hex[:6]}"
    uow = MongoDispatchUnitOfWork(db, clock=Clock(NOW))
    assert (await uow.calendars.day_of(site)).shifts == DEFAULT_SHIFTS  # not known yet
    await uow.calendars.keep_site(site, "CN", "Asia/Shanghai", NOW, (DAY, NIGHT))
    for n, skills in ((1, frozenset({"plumbing"})), (2, frozenset())):
        uow.technicians.add(
            Technician(
                f"{site}-t{n}",
                site,
                f"师傅{n}",
                "+8613900000101",
                frozenset({"maintenance"}),
                skills=skills,
            )
        )
    await uow.commit()

    entries = (
        RosterEntry(date(2026, 12, 1), "day", f"{site}-t1"),
        RosterEntry(date(2026, 12, 1), "night", f"{site}-t2"),
    )
    bus = MessageBus(HANDLERS, uow=lambda: MongoDispatchUnitOfWork(db, clock=Clock(NOW)))
    await bus.handle(DraftRoster(site, "2026-12", entries, "值班主管"))
    stored = await db[ROSTERS].find_one({"_id": f"{site}:2026-12"})
    assert stored is not None
    # the poller finds the late clock: the end of 25 November in Xi'an
    assert stored[NEXT_DEADLINE_FIELD] == datetime(2026, 11, 25, 16, tzinfo=UTC)

    await bus.handle(PublishRoster(site, "2026-12", "值班主管"))
    await bus.handle(
        RecordAbsence(
            site,
            "2026-12",
            AbsenceKind.LEAVE,
            f"{site}-t1",
            date(2026, 12, 1),
            "day",
            f"{site}-t2",
            "家中有事",
            "值班主管",
        )
    )

    uow = MongoDispatchUnitOfWork(db, clock=Clock(NOW))
    roster = await uow.rosters.published(site, "2026-12")
    assert roster is not None and roster.status is RosterStatus.PUBLISHED
    assert roster.shifts == (DAY, NIGHT) and roster.entries == entries
    [away] = roster.absences
    assert isinstance(away, Absence) and away.cover_by == f"{site}-t2" and away.reason == "家中有事"
    noon = datetime(2026, 12, 1, 4, tzinfo=UTC)
    assert roster.on_shift(noon) == {f"{site}-t2"}
    assert roster.deadlines() == {}
    stored = await db[ROSTERS].find_one({"_id": f"{site}:2026-12"})
    assert stored is not None and stored.get(NEXT_DEADLINE_FIELD) is None
    # publishing opened January's draft, on the same shifts, with its own clock
    january = await uow.rosters.of_month(site, "2027-01")
    assert january is not None and january.shifts == (DAY, NIGHT) and january.entries == ()
    [plumber] = [t for t in await uow.technicians.at_site(site) if t.skills]
    assert plumber.skills == {"plumbing"}
