"""Broadcasts (群发通知): one notice to a whole site, a building or a list of units (NTF-07
notices and rules, NTF-08 water and power outages, NTF-09 greetings, NTF-11 questionnaires),
each resident once on their agreed channel, sent in batches with progress, resumed after a
crash without sending anyone it twice, shared by replicas, and cancelled part way.

The real use cases run on an in-memory store whose claims and counts behave as the Mongo
adapter's conditional writes do (a claim names the state it takes a document from), with a
fake bulk SMS gateway that deduplicates on the message id as the real ones do.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hotline_libs.errors import Conflict, RuleViolation, Unavailable
from notification.domain.broadcasts import (
    LEASE,
    PREPARATION_LEASE,
    Batch,
    BatchState,
    Broadcast,
    BroadcastAudience,
    BroadcastKind,
    BroadcastMessage,
    BroadcastStatus,
    BulkResult,
    CancelBroadcast,
    ComposeBroadcast,
    Composition,
    OneSms,
    Outcome,
    SendBroadcast,
    Unit,
    batch_id,
    batches_of,
    check,
    message_id,
    report_of,
)
from notification.domain.households import Household, Member, Reader
from notification.domain.messages import Channel
from notification.domain.preferences import ContactPreference, OptedOutVia, new_preference
from notification.domain.sites import SiteNotices
from notification.service_layer import broadcasts as use_cases
from notification.service_layer.broadcasts import (
    cancel_broadcast,
    compose_broadcast,
    screen_recipients,
    send_broadcast,
)

from tests.unit.test_notification import FakeMail

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
SITE = "dmg"
OUTAGE = Composition(
    sms_text="{{ site }}：{{ building }}栋{{ room }}明日9:00-12:00停水。",
    email_subject="{{ site }}停水通知",
    email_body="{{ name }}您好：{{ building }}栋明日9:00-12:00停水。",
)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


class MemoryBroadcasts:
    """The Mongo adapter's semantics in memory: conditional claims, counts once per batch."""

    def __init__(self) -> None:
        self.broadcasts: dict[uuid.UUID, Broadcast] = {}
        self.counted: dict[uuid.UUID, set[int]] = {}
        self.leases: dict[object, datetime] = {}
        self.stored: dict[str, Batch] = {}

    async def add(self, broadcast: Broadcast) -> bool:
        if broadcast.broadcast_id in self.broadcasts:
            return False
        self.broadcasts[broadcast.broadcast_id] = replace(broadcast, counts={})
        self.counted[broadcast.broadcast_id] = set()
        return True

    async def get(self, broadcast_id: uuid.UUID) -> Broadcast | None:
        found = self.broadcasts.get(broadcast_id)
        return None if found is None else replace(found, counts=dict(found.counts))

    async def defer(self, broadcast_id: uuid.UUID, until: datetime) -> bool:
        b = self.broadcasts[broadcast_id]
        if b.status is not BroadcastStatus.SCHEDULED:
            return False
        b.send_at = until
        return True

    async def claim_preparation(self, broadcast_id: uuid.UUID, now: datetime) -> bool:
        b = self.broadcasts[broadcast_id]
        lease = self.leases.get(broadcast_id)
        if b.status is BroadcastStatus.SCHEDULED or (
            b.status is BroadcastStatus.PREPARING and lease is not None and lease < now
        ):
            b.status = BroadcastStatus.PREPARING
            self.leases[broadcast_id] = now + PREPARATION_LEASE
            return True
        return False

    async def add_batches(self, batches: Sequence[Batch]) -> None:
        for batch in batches:
            self.stored.setdefault(batch.batch_id, _copy(batch))

    async def started_sending(
        self, broadcast_id: uuid.UUID, batches: int, queued: int, suppressed: int, unreachable: int
    ) -> bool:
        b = self.broadcasts[broadcast_id]
        if b.status is not BroadcastStatus.PREPARING:
            if b.status is BroadcastStatus.CANCELLED:
                self._cancel_batches(broadcast_id)
            return False
        b.status, b.batches, b.unreachable = BroadcastStatus.SENDING, batches, unreachable
        b.counts = {o: 0 for o in Outcome} | {
            Outcome.QUEUED: queued,
            Outcome.SUPPRESSED: suppressed,
        }
        return True

    async def claim_batch(
        self, broadcast_id: uuid.UUID, number: int, now: datetime
    ) -> Batch | None:
        batch = self.stored.get(batch_id(broadcast_id, number))
        if batch is None:
            return None
        lease = self.leases.get(batch.batch_id)
        if batch.state is BatchState.QUEUED or (
            batch.state is BatchState.CLAIMED and lease is not None and lease < now
        ):
            batch.state = BatchState.CLAIMED
            batch.attempts += 1
            self.leases[batch.batch_id] = now + LEASE
            return _copy(batch)
        return None

    async def batch_sent(self, batch: Batch) -> bool:
        stored = self.stored[batch.batch_id]
        if stored.state is not BatchState.CLAIMED:
            return False
        stored.messages = [replace(m) for m in batch.messages]
        if not batch.counts()[Outcome.QUEUED]:
            stored.state = BatchState.DONE
        return True

    async def count_batch(self, batch: Batch) -> None:
        counted = self.counted[batch.broadcast_id]
        if batch.number in counted:
            return
        counted.add(batch.number)
        b = self.broadcasts[batch.broadcast_id]
        for outcome, n in batch.counts().items():
            b.counts[outcome] = b.counts.get(outcome, 0) + n
        b.counts[Outcome.QUEUED] -= len(batch.messages)

    async def tally(self, broadcast_id: uuid.UUID) -> int:
        unsettled = 0
        for batch in self._of(broadcast_id):
            if batch.state is BatchState.DONE:
                await self.count_batch(batch)
            elif batch.state is not BatchState.CANCELLED:
                unsettled += 1
        return unsettled

    async def finish(self, broadcast_id: uuid.UUID, now: datetime) -> bool:
        b = self.broadcasts[broadcast_id]
        if b.status is not BroadcastStatus.SENDING:
            return False
        b.status, b.finished_at = BroadcastStatus.DONE, now
        return True

    async def cancel(self, broadcast_id: uuid.UUID, by: str, now: datetime) -> bool:
        b = self.broadcasts[broadcast_id]
        if b.status in (BroadcastStatus.DONE, BroadcastStatus.CANCELLED):
            return False
        b.status, b.cancelled_by, b.finished_at = BroadcastStatus.CANCELLED, by, now
        self._cancel_batches(broadcast_id)
        return True

    def _cancel_batches(self, broadcast_id: uuid.UUID) -> None:
        for batch in self._of(broadcast_id):
            if batch.state is BatchState.QUEUED:
                batch.state = BatchState.CANCELLED

    async def batches(self, broadcast_id: uuid.UUID) -> list[Batch]:
        return [_copy(b) for b in self._of(broadcast_id)]

    def _of(self, broadcast_id: uuid.UUID) -> list[Batch]:
        return sorted(
            (b for b in self.stored.values() if b.broadcast_id == broadcast_id),
            key=lambda b: b.number,
        )


def _copy(batch: Batch) -> Batch:
    return replace(batch, messages=[replace(m) for m in batch.messages])


class Directory:
    def __init__(self, households: list[Household], members: list[Member]) -> None:
        self.households = households
        self.members = {m.resident_id: m for m in members}

    async def units_at(self, site_id: str) -> list[Household]:
        return [h for h in reversed(self.households) if h.site_id == site_id]

    async def members_at(self, site_id: str) -> dict[uuid.UUID, Member]:
        return {k: m for k, m in self.members.items() if m.site_id == site_id}


class SiteNames:
    async def name_of(self, site_id: str) -> str | None:
        return "大梅沙花园" if site_id == SITE else None

    async def notices_of(self, site_id: str) -> SiteNotices:
        return SiteNotices(site_id, await self.name_of(site_id), "Asia/Shanghai")


class Refusals:
    def __init__(self) -> None:
        self.kept: dict[str, ContactPreference] = {}

    async def refusing(self) -> dict[str, ContactPreference]:
        return dict(self.kept)


class Uow:
    def __init__(
        self, store: MemoryBroadcasts, directory: Directory, clock: Clock, refusals: Refusals
    ) -> None:
        self.preferences = refusals
        self.broadcasts = store
        self.households = directory
        self.site_names = SiteNames()
        self.clock = clock


class Crash(Exception):
    """The process died here."""


class BulkGateway:
    """Takes batches of SMS, deduplicating on the message id as real gateways do; may crash
    after taking a given call's messages, or be away."""

    def __init__(self) -> None:
        self.taken: dict[uuid.UUID, str] = {}
        self.duplicates = 0
        self.calls = 0
        self.crash_after_call: int | None = None
        self.away = False
        self.refused_numbers: set[str] = set()

    async def send_many(self, messages: Sequence[OneSms]) -> list[BulkResult]:
        if self.away:
            raise Unavailable("SMS gateway unreachable")
        self.calls += 1
        call = self.calls
        results = []
        for m in messages:
            if m.to in self.refused_numbers:
                results.append(BulkResult(m.message_id, f"number {m.to} cannot receive messages"))
                continue
            if m.message_id in self.taken:
                self.duplicates += 1
            self.taken[m.message_id] = m.to
            results.append(BulkResult(m.message_id, None))
        await asyncio.sleep(0)
        if self.crash_after_call == call:
            raise Crash
        return results

    def per_recipient(self) -> Counter[str]:
        return Counter(self.taken.values())


def _resident(i: int, **changes: object) -> Member:
    member = Member(
        resident_id=uuid.uuid5(uuid.NAMESPACE_URL, f"resident/{i}"),
        site_id=SITE,
        name=f"业主{i}",
        phone=f"+86139{i:08d}",
        email=f"owner{i}@example.com",
        prefers_email=False,
        consents_to_sms=True,
        consents_to_email=True,
        recorded_at=NOW,
    )
    return replace(member, **changes)  # type: ignore[arg-type]


class Site:
    """A site of ``households`` units, ``per_building`` to a building, one resident each."""

    def __init__(self, households: int, per_building: int = 100) -> None:
        self.members = [_resident(i) for i in range(households)]
        self.households = [
            Household(
                site_id=SITE,
                building=str(i // per_building + 1),
                room=str(i % per_building + 101),
                owner_id=m.resident_id,
                payer_id=None,
                recorded_at=NOW,
            )
            for i, m in enumerate(self.members)
        ]
        self.store = MemoryBroadcasts()
        self.clock = Clock()
        self.sms = BulkGateway()
        self.mail = FakeMail()
        self.refusals = Refusals()

    def uow(self) -> Uow:
        return Uow(self.store, Directory(self.households, self.members), self.clock, self.refusals)

    async def compose(
        self, audience: BroadcastAudience | None = None, send_at: datetime | None = None
    ) -> Broadcast:
        broadcast, _ = await compose_broadcast(
            ComposeBroadcast(
                broadcast_id=uuid.uuid4(),
                kind=BroadcastKind.OUTAGE,
                audience=audience or BroadcastAudience(SITE),
                composition=OUTAGE,
                send_at=send_at,
                created_by="manager",
            ),
            self.uow(),
        )
        return broadcast

    async def send(self, broadcast: Broadcast) -> None:
        await send_broadcast(SendBroadcast(broadcast.broadcast_id), self.uow(), self.sms, self.mail)

    async def shown(self, broadcast: Broadcast) -> Broadcast:
        found = await self.store.get(broadcast.broadcast_id)
        assert found is not None
        return found


def test_ntf07_a_template_naming_what_a_broadcast_lacks_is_refused_naming_its_field() -> None:
    check(OUTAGE)
    for field, composition in (
        ("sms_text", replace(OUTAGE, sms_text="{{ fee }}元")),
        ("email_subject", replace(OUTAGE, email_subject="{% if %}")),
        ("email_body", replace(OUTAGE, email_body="{{ name.__class__.__mro__ }}")),
    ):
        with pytest.raises(RuleViolation) as refused:
            check(composition)
        assert refused.value.field == field


def test_messages_are_cut_into_batches_and_a_recipient_twice_is_sent_it_once() -> None:
    broadcast_id = uuid.uuid4()
    messages = [
        BroadcastMessage(
            message_id(broadcast_id, Channel.SMS, f"+86139{i % 1100:08d}"),
            Channel.SMS,
            f"+86139{i % 1100:08d}",
            "1",
            str(i),
            "",
            "停水",
        )
        for i in range(1200)
    ]
    batches = batches_of(broadcast_id, messages, size=500)
    assert [len(b.messages) for b in batches] == [500, 500, 100]
    assert [b.number for b in batches] == [0, 1, 2]
    assert len({m.recipient for b in batches for m in b.messages}) == 1100


async def test_ntf08_every_household_is_sent_it_once_on_their_channel_by_batches() -> None:
    site = Site(1200)
    site.members[3] = replace(site.members[3], prefers_email=True)
    site.members[4] = replace(site.members[4], consents_to_sms=False, consents_to_email=False)
    broadcast = await site.compose()
    await site.send(broadcast)
    shown = await site.shown(broadcast)
    assert shown.status is BroadcastStatus.DONE
    assert shown.batches == 3
    assert shown.counts[Outcome.SENT] == 1199
    assert shown.counts[Outcome.QUEUED] == 0
    assert shown.unreachable == 1
    assert set(site.sms.per_recipient().values()) == {1}
    assert len(site.sms.taken) == 1198
    assert site.mail.sent == [
        (
            message_id(broadcast.broadcast_id, Channel.EMAIL, "owner3@example.com"),
            "owner3@example.com",
        )
    ]
    assert site.sms.calls == 3  # one bulk call per batch, not one per message
    text = next(iter(site.store.stored.values())).messages[0].body
    assert text == "大梅沙花园：1栋101明日9:00-12:00停水。"


async def test_a_building_or_a_list_of_units_is_sent_it_alone() -> None:
    site = Site(300)
    building = await site.compose(BroadcastAudience(SITE, building="2"))
    await site.send(building)
    assert (await site.shown(building)).counts[Outcome.SENT] == 100
    units = await site.compose(BroadcastAudience(SITE, units=(Unit("1", "101"), Unit("3", "150"))))
    await site.send(units)
    assert (await site.shown(units)).counts[Outcome.SENT] == 2


async def test_progress_is_readable_batch_by_batch_while_it_runs() -> None:
    site = Site(1200)
    broadcast = await site.compose()
    seen: list[dict[Outcome, int]] = []
    sending = site.sms.send_many

    async def watched(messages: Sequence[OneSms]) -> list[BulkResult]:
        seen.append((await site.shown(broadcast)).counts)
        return await sending(messages)

    site.sms.send_many = watched  # type: ignore[method-assign]
    use_cases.BATCHES_AT_ONCE, at_once = 1, use_cases.BATCHES_AT_ONCE
    try:
        await site.send(broadcast)
    finally:
        use_cases.BATCHES_AT_ONCE = at_once
    progress = [(c[Outcome.QUEUED], c[Outcome.SENT]) for c in seen]
    assert progress[0] == (1200, 0)
    assert all(queued + sent == 1200 for queued, sent in progress)
    assert sorted(sent for _, sent in progress) == [sent for _, sent in progress]
    assert len({sent for _, sent in progress}) == 3  # moved on after each batch
    assert (await site.shown(broadcast)).counts[Outcome.SENT] == 1200


async def test_a_crash_mid_way_resumes_and_nobody_is_sent_it_twice() -> None:
    site = Site(2000)
    broadcast = await site.compose()
    site.sms.crash_after_call = 2  # the gateway took the 2nd batch; its results never stored
    use_cases.BATCHES_AT_ONCE, at_once = 1, use_cases.BATCHES_AT_ONCE
    try:
        with pytest.raises(ExceptionGroup) as crashed:
            await site.send(broadcast)
    finally:
        use_cases.BATCHES_AT_ONCE = at_once
    assert crashed.group_contains(Crash)
    assert len(site.sms.taken) == 1000
    assert (await site.shown(broadcast)).counts[Outcome.SENT] == 500
    site.clock.now += LEASE + timedelta(seconds=1)  # the dead process's lease runs out
    await site.send(broadcast)  # the deadline fires again, on a restarted replica
    shown = await site.shown(broadcast)
    assert shown.status is BroadcastStatus.DONE
    assert shown.counts[Outcome.SENT] == 2000
    assert len(site.sms.taken) == 2000
    assert set(site.sms.per_recipient().values()) == {1}
    assert site.sms.duplicates == 500  # the batch sent again: the gateway dropped it by id


async def test_two_replicas_share_the_batches_and_send_each_message_once() -> None:
    site = Site(3000)
    broadcast = await site.compose()
    await asyncio.gather(site.send(broadcast), site.send(broadcast))
    shown = await site.shown(broadcast)
    assert shown.status is BroadcastStatus.DONE
    assert shown.counts[Outcome.SENT] == 3000
    assert site.sms.duplicates == 0
    assert site.sms.calls == 6


async def test_a_gateway_away_leaves_the_batch_to_a_later_attempt() -> None:
    site = Site(600)
    broadcast = await site.compose()
    site.sms.away = True
    await site.send(broadcast)
    assert (await site.shown(broadcast)).status is BroadcastStatus.SENDING
    site.sms.away = False
    site.clock.now += LEASE + timedelta(seconds=1)
    await site.send(broadcast)
    shown = await site.shown(broadcast)
    assert (shown.status, shown.counts[Outcome.SENT], shown.counts[Outcome.QUEUED]) == (
        BroadcastStatus.DONE,
        600,
        0,
    )


async def test_cancel_stops_the_batches_not_sent_yet() -> None:
    site = Site(2000)
    broadcast = await site.compose()
    sending = site.sms.send_many

    async def cancel_after_first(messages: Sequence[OneSms]) -> list[BulkResult]:
        results = await sending(messages)
        if site.sms.calls == 1:
            await cancel_broadcast(CancelBroadcast(broadcast.broadcast_id, "manager"), site.uow())
        return results

    site.sms.send_many = cancel_after_first  # type: ignore[method-assign]
    use_cases.BATCHES_AT_ONCE, at_once = 1, use_cases.BATCHES_AT_ONCE
    try:
        await site.send(broadcast)
    finally:
        use_cases.BATCHES_AT_ONCE = at_once
    shown = await site.shown(broadcast)
    assert shown.status is BroadcastStatus.CANCELLED
    assert len(site.sms.taken) == 500
    assert shown.counts[Outcome.SENT] == 500
    assert shown.counts[Outcome.QUEUED] == 1500


async def test_a_broadcast_sent_to_the_end_cannot_be_cancelled() -> None:
    site = Site(10)
    broadcast = await site.compose()
    await site.send(broadcast)
    with pytest.raises(Conflict):
        await cancel_broadcast(CancelBroadcast(broadcast.broadcast_id, "manager"), site.uow())


async def test_a_broadcast_set_for_later_is_stored_with_its_time() -> None:
    site = Site(10)
    later = NOW + timedelta(days=1)
    broadcast = await site.compose(send_at=later)
    assert (broadcast.send_at, broadcast.status) == (later, BroadcastStatus.SCHEDULED)


async def test_the_report_gives_each_building_and_each_failure_with_its_reason() -> None:
    site = Site(250)
    site.sms.refused_numbers = {site.members[120].phone or ""}
    broadcast = await site.compose()
    await site.send(broadcast)
    report = report_of(await site.store.batches(broadcast.broadcast_id))
    assert [(b.building, b.counts) for b in report.buildings] == [
        ("1", {Outcome.SENT: 100}),
        ("2", {Outcome.SENT: 99, Outcome.FAILED: 1}),
        ("3", {Outcome.SENT: 50}),
    ]
    [failure] = report.failures
    assert (failure.building, failure.room, failure.reason) == (
        "2",
        "121",
        f"number {site.members[120].phone} cannot receive messages",
    )
    assert (await site.shown(broadcast)).counts[Outcome.FAILED] == 1


def test_a_greeting_skips_the_opted_out_and_an_outage_notice_skips_only_the_blocked() -> None:
    """NTF-08, NTF-09: a resident who opted out gets no greeting but is told of the water
    outage; a blocked number gets neither."""
    site = Site(3)
    opted, blocked = (
        new_preference(Channel.SMS, site.members[0].phone or ""),
        new_preference(Channel.SMS, site.members[1].phone or ""),
    )
    opted.opt_out(OptedOutVia.STAFF, "李娜", NOW)
    blocked.block("号码已易主", "张主管", NOW)
    refusing = {p.preference_id: p for p in (opted, blocked)}
    readers = [Reader(m, "1", "101", Channel.SMS) for m in site.members]
    for kind, suppressed in (
        (BroadcastKind.GREETING, readers[:2]),
        (BroadcastKind.OUTAGE, readers[1:2]),
    ):
        broadcast = Broadcast(uuid.uuid4(), kind, BroadcastAudience(SITE), OUTAGE, NOW, NOW, "m")
        screened = screen_recipients(broadcast, readers, refusing)
        assert screened.suppressed == suppressed
        assert screened.sent == [r for r in readers if r not in suppressed]


async def test_a_blocked_number_is_counted_suppressed_and_sent_nothing() -> None:
    site = Site(10)
    blocked = new_preference(Channel.SMS, site.members[3].phone or "")
    blocked.block("号码已易主", "张主管", NOW)
    site.refusals.kept[blocked.preference_id] = blocked
    broadcast = await site.compose()
    await site.send(broadcast)
    shown = await site.shown(broadcast)
    assert shown.counts[Outcome.SUPPRESSED] == 1 and shown.counts[Outcome.SENT] == 9
    assert site.members[3].phone not in site.sms.taken.values()


async def test_a_broadcast_due_in_the_sites_quiet_hours_waits_for_its_morning() -> None:
    """An outage notice composed at 23:00 in Xi'an goes at 08:00 there, not in the night."""
    site = Site(5)
    site.clock.now = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 23:00 in Xi'an
    broadcast = await site.compose()
    await site.send(broadcast)
    waiting = await site.shown(broadcast)
    morning = datetime(2026, 12, 8, 0, 0, tzinfo=UTC)  # 08:00 in Xi'an
    assert (waiting.status, waiting.send_at) == (BroadcastStatus.SCHEDULED, morning)
    assert site.sms.calls == 0
    site.clock.now = morning
    await site.send(broadcast)
    sent = await site.shown(broadcast)
    assert (sent.status, sent.counts[Outcome.SENT]) == (BroadcastStatus.DONE, 5)


async def test_a_slow_preparer_overtaken_after_its_lease_does_not_undo_the_broadcast() -> None:
    site = Site(1000)
    broadcast = await site.compose()
    assert await site.store.claim_preparation(broadcast.broadcast_id, site.clock.now)
    site.clock.now += PREPARATION_LEASE + timedelta(seconds=1)  # the first preparer is slow
    await site.send(broadcast)  # another replica takes over and sends it all
    late = await site.store.started_sending(broadcast.broadcast_id, 2, 1000, 0, 0)
    assert late is False  # the slow one's start changes nothing, cancels nothing
    shown = await site.shown(broadcast)
    assert (shown.status, shown.counts[Outcome.SENT]) == (BroadcastStatus.DONE, 1000)
